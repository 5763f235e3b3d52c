#pragma once

/// \file quire/cli/commands.h
/// \brief Subcommands of the `quire` command line; each returns the exit code.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "quire/util/status.h"

namespace quire::cli {

/// \brief Exit codes (documented in `quire --help` and docs/cli.md).
enum ExitCode : int {
  kExitOk = 0,
  kExitError = 1,       ///< any other failure
  kExitUsage = 2,       ///< bad command line
  kExitNotFound = 3,    ///< a path or table does not exist
  kExitConflict = 4,    ///< a commit lost to a concurrent writer
  kExitCorrupt = 5,     ///< input violates its specification
};

/// \brief Options of `quire demo`.
struct DemoOptions {
  std::string dir = "quire-demo";  ///< raw data, and the table unless `at` is given
  std::string at;                  ///< the table's URL (s3://, az://, ...) instead
  int64_t rows_per_day = 300000;
  bool replace = false;  ///< delete a table found at `at` first
  std::string program = "quire";  ///< how the suggested commands call quire
};

/// \brief Run the main job on generated events (see docs/cli.md).
int RunDemo(const DemoOptions& options);

/// \brief Options of `quire cat`.
struct CatOptions {
  std::string path;
  std::vector<std::string> columns;
  std::string where;
  int64_t limit = -1;
  std::string format = "jsonl";
  bool verify_crc = false;
  bool show_stats = false;
};

/// \brief Print the rows of a Parquet file.
int RunCat(const CatOptions& options);

/// \brief Options of `quire inspect`.
struct InspectOptions {
  std::string path;
  std::string format = "text";
  bool pages = false;  ///< list every page of every column chunk (text format)
};

/// \brief Describe a Parquet file: schema, metadata, row groups and column chunks.
int RunInspect(const InspectOptions& options);

/// \brief Options of `quire convert`.
struct ConvertOptions {
  std::string input;   ///< a file, or "-" for stdin (CSV, JSON Lines)
  std::string output;  ///< a file, or "-" for stdout (CSV, JSON Lines)
  std::string from;    ///< csv, jsonl, parquet; empty: from the input's extension
  std::string to;      ///< parquet, csv, jsonl; empty: from the output's extension
  std::string schema;  ///< --schema: inline columns or a file of them (SchemaOption)
  std::string codec;
  std::optional<int> compression_level;
  int64_t row_group_rows = 0;
  int page_version = 1;
  bool no_dictionary = false;
  std::vector<std::string> encodings;      ///< COLUMN=ENCODING
  std::vector<std::string> bloom_filters;  ///< columns
  std::string delimiter;
  bool no_header = false;
  int64_t infer_rows = 0;
  std::string rejects;
  int threads = 0;
  std::string progress = "auto";  ///< auto (on a terminal), always, never
  bool overwrite = true;
  bool quiet = false;
};

/// \brief Convert between CSV, JSON Lines and Parquet.
int RunConvert(const ConvertOptions& options);

/// \brief Options of `quire fs COMMAND`.
struct FsOptions {
  std::string command;             ///< ls, du, stat, cat, cp, mv, rm, mkdir
  std::vector<std::string> paths;  ///< URLs or paths; globs allowed in sources
  bool long_format = false;        ///< ls -l
  bool recursive = false;          ///< -R
  bool summarize = false;          ///< du -s
  bool human = false;              ///< sizes as 1.5K, 2.0M, ...
  bool force = false;              ///< rm -f: a missing path is no error
  int parallel = 8;                ///< cp/mv: files in flight
  std::string progress = "auto";   ///< auto (on a terminal), always, never
  bool stats = false;              ///< print each store's request counters to stderr
};

/// \brief Work on files in any store: list, size, describe, print, copy, move,
/// delete, make folders.
int RunFs(const FsOptions& options);

/// \brief Options of `quire table COMMAND`.
struct TableOptions {
  std::string command;  ///< create, append, overwrite, delete, scan, files, info, ...
  std::string url;      ///< the table's root: a path, file://, memory://, s3://, az://
  std::vector<std::string> files;         ///< append/overwrite: Parquet, CSV, JSON Lines
  std::string schema;                     ///< create: "a int64, b string"
  std::string like;                       ///< create: take the schema from this file
  std::vector<std::string> partition_by;  ///< used when the table is created
  std::vector<std::string> properties;    ///< KEY=VALUE, used when it is created
  std::string where;                      ///< scan filter, delete or replace predicate
  std::vector<std::string> set;           ///< update: COLUMN=VALUE assignments
  bool schema_evolution = false;
  std::string app_id;
  std::optional<int64_t> app_version;
  std::optional<int64_t> version;  ///< time travel to a version
  std::string as_of;               ///< time travel to a time
  std::vector<std::string> columns;
  std::string format;  ///< scan: jsonl (default), table, csv; info/history: text, json
  bool stats = false;
  int64_t limit = -1;  ///< scan: rows; history: entries
  int threads = 0;
  std::string progress = "auto";  ///< append, overwrite, scan -o, optimize, vacuum
  std::optional<double> retention_hours;  ///< vacuum: override the table's retention
  bool dry_run = false;                   ///< vacuum: list, do not delete
  bool force = false;                     ///< vacuum: allow retentions under 7 days
  int64_t target_size_mb = 128;           ///< optimize: size of the packed files
  std::string output;  ///< scan: write the rows to this file (format from --format or its name)
};

/// \brief Create, write, delete from, scan and describe Delta tables.
int RunTable(const TableOptions& options);

/// \brief Map a Status to the documented exit code.
int ExitCodeFor(const Status& status);

}  // namespace quire::cli
