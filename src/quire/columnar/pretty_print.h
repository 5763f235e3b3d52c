#pragma once

/// \file quire/columnar/pretty_print.h
/// \brief Human-readable rendering of arrays, batches and tables (for the CLI).

#include <cstdint>
#include <string>

#include "quire/columnar/array.h"
#include "quire/columnar/record_batch.h"
#include "quire/util/visibility.h"

namespace quire::columnar {

/// \brief Options of the text table printer.
struct PrettyPrintOptions {
  /// Rows shown; when a table has more, the first and last halves are shown.
  int64_t max_rows = 20;
  /// Cells longer than this are cut and end in "…".
  int max_cell_width = 40;
  /// Print the column types under the names.
  bool show_types = true;
};

/// \brief Render one value for humans: strings unquoted, binary as hex, nested
/// values as {a: 1, b: [2, 3]}, null as "null".
QUIRE_EXPORT std::string FormatValue(const Array& array, int64_t i);

/// \brief Render an array as "[v0, v1, ...]".
QUIRE_EXPORT std::string PrettyPrint(const Array& array, int64_t max_values = 100);

/// \brief Render a batch as an aligned text table with a header and a row count.
QUIRE_EXPORT std::string PrettyPrint(const RecordBatch& batch,
                                     const PrettyPrintOptions& options = {});
QUIRE_EXPORT std::string PrettyPrint(const Table& table, const PrettyPrintOptions& options = {});

}  // namespace quire::columnar
