/// \file quire/cli/convert.cc
/// \brief `quire convert IN OUT`: CSV, JSON Lines and Parquet in, Parquet, CSV and
/// JSON Lines out, streaming, with a progress bar on a terminal.

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "quire/cli/commands.h"
#include "quire/cli/output.h"
#include "quire/columnar/type_parse.h"
#include "quire/io/input_stream.h"
#include "quire/io/output_stream.h"
#include "quire/io/file_system.h"
#include "quire/io/random_access_file.h"
#include "quire/parquet/file_reader.h"
#include "quire/parquet/file_writer.h"
#include "quire/text/csv_reader.h"
#include "quire/text/csv_writer.h"
#include "quire/text/jsonl_reader.h"
#include "quire/text/jsonl_writer.h"
#include "quire/util/progress.h"
#include "quire/util/thread_pool.h"

namespace quire::cli {

namespace {

Result<parquet::CompressionCodec> ParseCodec(const std::string& name) {
  const std::string n = Lower(name);
  if (n == "none" || n == "uncompressed") return parquet::CompressionCodec::kUncompressed;
  if (n == "snappy") return parquet::CompressionCodec::kSnappy;
  if (n == "gzip") return parquet::CompressionCodec::kGzip;
  if (n == "brotli") return parquet::CompressionCodec::kBrotli;
  if (n == "zstd") return parquet::CompressionCodec::kZstd;
  if (n == "lz4" || n == "lz4_raw") return parquet::CompressionCodec::kLz4Raw;
  return Status::Invalid("unknown codec '{}' (none, snappy, gzip, brotli, zstd, lz4)", name);
}

Result<parquet::Encoding> ParseEncoding(const std::string& name) {
  const std::string n = Lower(name);
  if (n == "plain") return parquet::Encoding::kPlain;
  if (n == "delta_binary_packed") return parquet::Encoding::kDeltaBinaryPacked;
  if (n == "delta_length_byte_array") return parquet::Encoding::kDeltaLengthByteArray;
  if (n == "delta_byte_array") return parquet::Encoding::kDeltaByteArray;
  if (n == "byte_stream_split") return parquet::Encoding::kByteStreamSplit;
  return Status::Invalid(
      "unknown encoding '{}' (plain, delta_binary_packed, delta_length_byte_array, "
      "delta_byte_array, byte_stream_split)",
      name);
}

}  // namespace

int RunConvert(const ConvertOptions& o) {
  auto fail = [](const Status& st) {
    std::fprintf(stderr, "quire convert: %s\n", st.ToString().c_str());
    return ExitCodeFor(st);
  };
  const std::string from = o.from.empty() ? FormatOf(o.input) : o.from;
  const std::string to = o.to.empty() ? FormatOf(o.output) : o.to;
  if (from.empty()) {
    return fail(Status::Invalid("cannot tell the format of '{}' from its name: use --from",
                                o.input));
  }
  if (to.empty()) {
    return fail(Status::Invalid("cannot tell the format of '{}' from its name: use --to",
                                o.output));
  }
  if (o.input == "-" && from == "parquet") {
    return fail(Status::Invalid("Parquet input must be a file (its footer is at the end)"));
  }
  if (o.output == "-" && to == "parquet") {
    return fail(Status::Invalid("Parquet output must be a file"));
  }
  const int threads = o.threads > 0 ? o.threads : util::ThreadPool::Default()->size();

  // The schema --schema gives, if any.
  columnar::SchemaPtr schema;
  if (!o.schema.empty()) {
    auto s = SchemaOption(o.schema);
    if (!s.ok()) return fail(s.status());
    schema = *s;
  }

  // Rejects go to a file that appears whole at the end (or not at all).
  std::unique_ptr<io::OutputStream> rejects;
  if (!o.rejects.empty()) {
    auto r = io::OpenWriteUrl(o.rejects);
    if (!r.ok()) return fail(r.status());
    rejects = std::move(*r);
  }

  // The input as a stream of batches.
  std::unique_ptr<columnar::RecordBatchReader> batches;
  std::unique_ptr<parquet::FileReader> parquet_reader;
  std::optional<int64_t> total_bytes;
  std::function<int64_t()> done_bytes;
  int64_t rows = 0;
  text::CsvReader* csv = nullptr;
  text::JsonlReader* jsonl = nullptr;
  if (from == "parquet") {
    if (schema) return fail(Status::Invalid("--schema applies to CSV and JSON Lines input"));
    auto file = io::OpenReadUrl(o.input);
    if (!file.ok()) return fail(file.status());
    auto file_size = (*file)->Size();
    auto reader = parquet::FileReader::Open(std::move(*file));
    if (!reader.ok()) return fail(reader.status());
    parquet_reader = std::move(*reader);
    parquet::ReadOptions ro;
    ro.num_threads = threads;
    auto stream = parquet_reader->Read(ro);
    if (!stream.ok()) return fail(stream.status());
    batches = std::move(*stream);
    // Progress in bytes of the file, by the share of its rows decoded.
    const int64_t num_rows = parquet_reader->metadata().num_rows;
    if (file_size.ok() && num_rows > 0) {
      total_bytes = *file_size;
      done_bytes = [&rows, num_rows, size = *file_size] {
        return int64_t(double(size) * double(rows) / double(num_rows));
      };
    }
  } else {
    auto input = io::OpenInputUrl(o.input);
    if (!input.ok()) return fail(input.status());
    auto size = (*input)->size();
    if (size.ok()) total_bytes = *size;
    if (from == "csv") {
      text::CsvReadOptions co;
      co.schema = schema;
      co.header = !o.no_header;
      if (!o.delimiter.empty()) co.delimiter = o.delimiter == "\\t" ? '\t' : o.delimiter[0];
      if (Lower(o.input).ends_with(".tsv") && o.delimiter.empty()) co.delimiter = '\t';
      if (o.infer_rows > 0) co.infer_rows = o.infer_rows;
      co.rejects = rejects.get();
      co.num_threads = threads;
      auto reader = text::CsvReader::Open(std::move(*input), co);
      if (!reader.ok()) return fail(reader.status());
      csv = reader->get();
      batches = std::move(*reader);
      done_bytes = [csv] { return csv->bytes_read(); };
    } else if (from == "jsonl") {
      text::JsonlReadOptions jo;
      jo.schema = schema;
      if (o.infer_rows > 0) jo.infer_rows = o.infer_rows;
      jo.rejects = rejects.get();
      jo.num_threads = threads;
      auto reader = text::JsonlReader::Open(std::move(*input), jo);
      if (!reader.ok()) return fail(reader.status());
      jsonl = reader->get();
      batches = std::move(*reader);
      done_bytes = [jsonl] { return jsonl->bytes_read(); };
    } else {
      return fail(Status::Invalid("unknown input format '{}' (csv, jsonl, parquet)", from));
    }
  }
  if (from != "parquet" && !o.delimiter.empty() && from != "csv") {
    return fail(Status::Invalid("--delimiter applies to CSV"));
  }

  // The output.
  std::unique_ptr<io::OutputStream> sink;
  if (o.output == "-") {
    sink = io::OpenStdout();
  } else {
    io::WriteOptions wo;
    wo.overwrite = o.overwrite;
    auto s = io::OpenWriteUrl(o.output, wo);
    if (!s.ok()) return fail(s.status());
    sink = std::move(*s);
  }
  BatchFileWriter::Options wo;
  if (to == "parquet") {
    parquet::WriterProperties& p = wo.parquet;
    if (!o.codec.empty()) {
      auto c = ParseCodec(o.codec);
      if (!c.ok()) return fail(c.status());
      p.codec = *c;
    }
    if (o.compression_level) p.compression_level = *o.compression_level;
    if (o.row_group_rows > 0) p.max_row_group_rows = o.row_group_rows;
    if (o.page_version == 2) p.data_page_version = parquet::DataPageVersion::kV2;
    if (o.no_dictionary) p.dictionary = false;
    for (const std::string& spec : o.encodings) {
      const auto eq = spec.find('=');
      if (eq == std::string::npos) {
        return fail(Status::Invalid("--encoding wants COLUMN=ENCODING, got '{}'", spec));
      }
      auto e = ParseEncoding(spec.substr(eq + 1));
      if (!e.ok()) return fail(e.status());
      p.columns[spec.substr(0, eq)].encoding = *e;
    }
    for (const std::string& column : o.bloom_filters) p.columns[column].bloom_filter = true;
    p.num_threads = threads;
    if (parquet_reader && parquet_reader->metadata().key_value_metadata) {
      for (const auto& kv : *parquet_reader->metadata().key_value_metadata) {
        if (kv.key != "ARROW:schema") p.key_value_metadata.push_back(kv);
      }
    }
  } else if (to == "csv") {
    if (!o.delimiter.empty() && from != "csv") {
      wo.csv.delimiter = o.delimiter == "\\t" ? '\t' : o.delimiter[0];
    }
    wo.csv.header = !o.no_header || from != "csv";
  }
  auto opened = BatchFileWriter::Open(to, std::move(sink), batches->schema(), std::move(wo));
  if (!opened.ok()) return fail(opened.status());
  std::unique_ptr<BatchFileWriter> writer = std::move(*opened);

  auto progress = MakeProgress(o.progress, o.input == "-" ? "stdin" : o.input, total_bytes);

  Status st;
  while (st.ok()) {
    auto batch = batches->Next();
    if (!batch.ok()) {
      st = batch.status();
      break;
    }
    if (!*batch) break;
    rows += (*batch)->num_rows();
    st = writer->Write(**batch);
    if (progress && done_bytes) progress->Update(done_bytes());
  }
  if (progress) progress->Finish();
  if (st.ok()) st = writer->Close();
  if (!st.ok()) {
    // Nothing half-written: the output (and the rejects) are discarded.
    writer->Abort();
    if (rejects) rejects->Abort();
    return fail(st);
  }
  const int64_t rejected = csv ? csv->rows_rejected() : jsonl ? jsonl->rows_rejected() : 0;
  if (rejects) {
    if (Status rs = rejects->Close(); !rs.ok()) return fail(rs);
  }
  if (!o.quiet) {
    std::fprintf(stderr, "quire convert: %lld rows from %s to %s%s\n",
                 static_cast<long long>(rows), o.input.c_str(), o.output.c_str(),
                 rejected ? fmt::format(", {} rejected rows in {}", rejected, o.rejects).c_str()
                          : "");
  }
  return kExitOk;
}

}  // namespace quire::cli
