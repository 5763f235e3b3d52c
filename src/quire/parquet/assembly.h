#pragma once

/// \file quire/parquet/assembly.h
/// \brief Record assembly: Arrow arrays of (nested) fields from the repetition and
/// definition levels and the values of their leaf columns.

#include <cstdint>
#include <vector>

#include "quire/columnar/array.h"
#include "quire/parquet/column_decoder.h"
#include "quire/parquet/schema.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::parquet {

/// \brief Build the array of the top-level field at schema node `node`, whose Arrow
/// type is `type` (from ArrowFieldOf), from the decoded chunks of its leaves.
///
/// `leaves[c]` is the decoded chunk of leaf column c (only the leaves under `node`
/// are read). The result has one slot per record: kCorrupt if that is not
/// `num_rows`, or if the leaves disagree on the structure they share.
QUIRE_EXPORT Result<columnar::ArrayPtr> AssembleField(
    const SchemaDescriptor& schema, int node, const columnar::TypePtr& type,
    const std::vector<const ColumnChunkData*>& leaves, int64_t num_rows,
    columnar::MemoryPool* pool);

}  // namespace quire::parquet
