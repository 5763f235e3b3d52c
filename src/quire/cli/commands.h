#pragma once

/// \file quire/cli/commands.h
/// \brief Subcommands of the `quire` command line; each returns the exit code.

#include <cstdint>

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

}  // namespace quire::cli
