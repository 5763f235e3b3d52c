#pragma once

/// \file quire/cli/commands.h
/// \brief Subcommands of the `quire` command line; each returns the exit code.

#include <cstdint>
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

/// \brief Run the columnar demonstration with a batch of `rows` rows.
int RunDemo(int64_t rows);

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

/// \brief Map a Status to the documented exit code.
int ExitCodeFor(const Status& status);

}  // namespace quire::cli
