#pragma once

/// \file quire/columnar/array_internal.h
/// \brief Helpers shared by the columnar sources; not installed.

#include <cstdint>

#include "quire/columnar/array.h"

namespace quire::columnar::internal {

/// \brief Return the index in slot `i` of a dictionary array (any integer index
/// type; uint64 values above INT64_MAX come back negative).
int64_t DictionaryIndex(const Array& array, int64_t i);

/// \brief Return the number of buffers of a type's layout (Arrow Columnar Format,
/// "Buffer Listing for Each Layout"), or -1 for the view types, which have two
/// or more (quire) and three or more with the variadic sizes (C Data Interface).
int LayoutBufferCount(TypeId id);

}  // namespace quire::columnar::internal
