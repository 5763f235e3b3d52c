#pragma once

/// \file quire/parquet/reader_fuzzing.h
/// \brief Fuzz entry point over the whole Parquet reader.

#include <cstdint>
#include <span>

#include "quire/util/status.h"
#include "quire/util/visibility.h"

namespace quire::parquet {

/// \brief Open `data` as a Parquet file and read every column of every row group,
/// with small memory limits.
///
/// The contract under test: no input crashes, hangs or allocates without bound; a
/// file is either rejected with a typed Status or read into arrays that pass
/// Array::ValidateFull (otherwise kInternal is returned: a bug).
QUIRE_EXPORT Status FuzzParquetFile(std::span<const uint8_t> data);

}  // namespace quire::parquet
