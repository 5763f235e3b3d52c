#pragma once

/// \file quire/parquet/file_reader_internal.h
/// \brief What the reader's files share (file_reader.cc reads, and
/// file_reader_pruning.cc decides what need not be read). Not installed.

#include <string>
#include <vector>

#include "quire/compute/expression.h"

namespace quire::parquet::internal {

/// \brief Append the columns `e` names to `out`, each once, in order of appearance.
void FilterColumns(const compute::Expression& e, std::vector<std::string>* out);

}  // namespace quire::parquet::internal
