/// \file quire/cli/output.cc
/// \brief Formats by name, progress bars and batch file writers of the CLI.

#include "quire/cli/output.h"

#include <cctype>

#include "quire/text/jsonl_writer.h"
#include "quire/util/macros.h"

namespace quire::cli {

std::string Lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string FormatOf(const std::string& path) {
  const std::string p = Lower(path);
  auto ends = [&](std::string_view e) { return p.ends_with(e); };
  if (ends(".parquet") || ends(".pq")) return "parquet";
  if (ends(".csv") || ends(".tsv") || ends(".csv.txt")) return "csv";
  if (ends(".jsonl") || ends(".ndjson") || ends(".json")) return "jsonl";
  return "";
}

std::unique_ptr<util::ProgressBar> MakeProgress(const std::string& progress, std::string label,
                                                std::optional<int64_t> total) {
  if (progress == "never") return nullptr;
  util::ProgressOptions po;
  po.label = std::move(label);
  po.force = progress == "always";
  auto bar = std::make_unique<util::ProgressBar>(total, po);
  return bar->enabled() ? std::move(bar) : nullptr;
}

Result<std::unique_ptr<BatchFileWriter>> BatchFileWriter::Open(
    const std::string& format, std::unique_ptr<io::OutputStream> sink,
    const columnar::SchemaPtr& schema, Options options) {
  auto w = std::unique_ptr<BatchFileWriter>(new BatchFileWriter());
  if (format == "parquet") {
    QUIRE_ASSIGN_OR_RETURN(w->parquet_, parquet::FileWriter::Open(std::move(sink), schema,
                                                                  std::move(options.parquet)));
  } else if (format == "csv") {
    QUIRE_ASSIGN_OR_RETURN(w->csv_, text::CsvWriter::Make(schema, sink.get(), options.csv));
  } else if (format == "jsonl") {
    QUIRE_ASSIGN_OR_RETURN(w->jsonl_, text::JsonlWriter::Make(schema, sink.get()));
  } else {
    return Status::Invalid("unknown output format '{}' (parquet, csv, jsonl)", format);
  }
  if (!w->parquet_) w->sink_ = std::move(sink);
  return w;
}

BatchFileWriter::~BatchFileWriter() = default;

Status BatchFileWriter::Write(const columnar::RecordBatch& batch) {
  if (parquet_) return parquet_->Write(batch);
  return csv_ ? csv_->Write(batch) : jsonl_->Write(batch);
}

Status BatchFileWriter::Close() {
  if (parquet_) return parquet_->Close().status();
  QUIRE_RETURN_NOT_OK(csv_ ? csv_->Close() : jsonl_->Close());
  return sink_->Close();
}

void BatchFileWriter::Abort() {
  if (parquet_) parquet_->Abort();
  if (sink_) sink_->Abort();
}

}  // namespace quire::cli
