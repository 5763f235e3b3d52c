#pragma once

/// \file quire/columnar/array_internal.h
/// \brief Helpers shared by the columnar sources; not installed.

#include <cstdint>

#include "quire/columnar/array.h"

namespace quire::columnar::internal {

/// \brief Return the index in slot `i` of a dictionary array (any integer index
/// type; uint64 values above INT64_MAX come back negative).
int64_t DictionaryIndex(const Array& array, int64_t i);

}  // namespace quire::columnar::internal
