#pragma once

/// \file quire/parquet/statistics.h
/// \brief Column chunk statistics decoded into the compute layer's domain, for
/// skipping row groups that cannot match a filter.

#include <cstdint>
#include <optional>

#include "quire/compute/statistics.h"
#include "quire/parquet/metadata.h"
#include "quire/parquet/schema.h"
#include "quire/util/visibility.h"

namespace quire::parquet {

/// \brief Return what the chunk's statistics prove about its values: the null count,
/// and min/max bounds where they are trustworthy for the column's Arrow `type`
/// (min_value/max_value for every supported type; the deprecated min/max only where
/// their signed order is the right one: signed integers, dates, times, timestamps,
/// floats, booleans). NaN bounds, decimals, INT96 and fixed-size binaries give no
/// bounds.
QUIRE_EXPORT compute::ColumnStatistics ChunkStatistics(const ColumnDescriptor& column,
                                                       const ColumnMetaData& metadata,
                                                       const columnar::TypePtr& type,
                                                       int64_t num_rows,
                                                       std::optional<ColumnOrder> order);

}  // namespace quire::parquet
