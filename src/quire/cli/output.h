#pragma once

/// \file quire/cli/output.h
/// \brief Pieces the subcommands share: file formats by name, schemas from
/// `--schema`, progress bars for `--progress`, and writing batches to a Parquet,
/// CSV or JSON Lines file.

#include <memory>
#include <optional>
#include <string>

#include "quire/columnar/record_batch.h"
#include "quire/io/output_stream.h"
#include "quire/parquet/file_writer.h"
#include "quire/text/csv_writer.h"
#include "quire/util/progress.h"
#include "quire/text/type_fwd.h"
#include "quire/util/result.h"

namespace quire::cli {

/// \brief `s` in lower case (ASCII).
std::string Lower(std::string s);

/// \brief The format of `path` from its extension: "parquet" (.parquet, .pq),
/// "csv" (.csv, .tsv, .csv.txt), "jsonl" (.jsonl, .ndjson, .json); empty when unknown.
std::string FormatOf(const std::string& path);

/// \brief A progress bar over `total` bytes as `--progress` asks (auto: when stdout
/// and stderr are terminals, always, never), or null when nothing would be drawn.
std::unique_ptr<util::ProgressBar> MakeProgress(const std::string& progress, std::string label,
                                                std::optional<int64_t> total);

/// \brief The schema `--schema` gives: inline ("a int64, b string not null" or
/// "a: int64, b: string"), or the name of a local file of such columns, one a line
/// (# comments). kInvalidArgument names the column or line that does not parse.
Result<columnar::SchemaPtr> SchemaOption(const std::string& text);

/// \brief Batches written to one file in one of the formats quire writes.
class BatchFileWriter {
 public:
  struct Options {
    parquet::WriterProperties parquet;
    text::CsvWriteOptions csv;
  };
  /// \brief Start writing batches of `schema` as `format` (parquet, csv, jsonl).
  /// \return kInvalidArgument for another format.
  static Result<std::unique_ptr<BatchFileWriter>> Open(const std::string& format,
                                                       std::unique_ptr<io::OutputStream> sink,
                                                       const columnar::SchemaPtr& schema,
                                                       Options options = {});
  ~BatchFileWriter();

  Status Write(const columnar::RecordBatch& batch);
  /// \brief Finish the file and make it visible.
  Status Close();
  /// \brief Discard what was written (the path is left as it was).
  void Abort();

 private:
  BatchFileWriter() = default;
  std::unique_ptr<io::OutputStream> sink_;  // null once the Parquet writer owns it
  std::unique_ptr<parquet::FileWriter> parquet_;
  std::unique_ptr<text::CsvWriter> csv_;
  std::unique_ptr<text::JsonlWriter> jsonl_;
};

}  // namespace quire::cli
