/// \file quire/cli/output.cc
/// \brief Formats by name, schemas from --schema, progress bars and batch file
/// writers of the CLI.

#include "quire/cli/output.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "quire/columnar/type_parse.h"
#include "quire/text/jsonl_writer.h"
#include "quire/util/macros.h"

namespace quire::cli {

namespace {

// Split `text` at commas outside <>, () and [].
std::vector<std::string> SplitTopLevel(std::string_view text) {
  std::vector<std::string> parts;
  int depth = 0;
  std::string part;
  for (char c : text) {
    if (c == '<' || c == '(' || c == '[') ++depth;
    if (c == '>' || c == ')' || c == ']') --depth;
    if (c == ',' && depth == 0) {
      parts.push_back(std::move(part));
      part.clear();
      continue;
    }
    part.push_back(c);
  }
  parts.push_back(std::move(part));
  return parts;
}

// What ParseSchema reads ("a: int64, b: string"), or the SQL-like form without
// colons ("a int64, b string").
Result<columnar::SchemaPtr> ParseSchemaText(const std::string& text) {
  auto direct = columnar::ParseSchema(text);
  if (direct.ok()) return direct;
  std::string with_colons;
  for (const std::string& raw : SplitTopLevel(text)) {
    std::string_view field = raw;
    while (!field.empty() && std::isspace(static_cast<unsigned char>(field.front()))) {
      field.remove_prefix(1);
    }
    const size_t space = field.find_first_of(" \t");
    const size_t colon = field.find(':');
    if (!with_colons.empty()) with_colons += ", ";
    if (space != std::string_view::npos &&
        (colon == std::string_view::npos || colon > space)) {
      with_colons +=
          fmt::format("{}: {}", field.substr(0, space), field.substr(space + 1));
    } else {
      with_colons += field;
    }
  }
  auto retried = columnar::ParseSchema(with_colons);
  if (!retried.ok()) {
    // Report the error of the form the user wrote.
    const bool colons = text.find(':') != std::string::npos;
    return (colons ? direct.status() : retried.status()).WithContext("--schema");
  }
  return retried;
}

}  // namespace

Result<columnar::SchemaPtr> SchemaOption(const std::string& text) {
  std::error_code ec;
  if (!text.empty() && std::filesystem::is_regular_file(text, ec)) {
    std::ifstream in(text, std::ios::binary);
    if (!in) return Status::NotFound("{}: cannot open the schema file", text);
    std::stringstream content;
    content << in.rdbuf();
    auto schema = ParseSchemaText(content.str());
    if (!schema.ok()) return Status::Invalid("{}: {}", text, schema.status().message());
    return schema;
  }
  return ParseSchemaText(text);
}


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
