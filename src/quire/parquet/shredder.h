#pragma once

/// \file quire/parquet/shredder.h
/// \brief Arrow arrays -> repetition and definition levels and the values of each
/// leaf column (the Dremel encoding, parquet-format README "Nested Encoding"),
/// the first step of writing a column chunk.

#include <cstdint>
#include <vector>

#include "quire/columnar/array.h"
#include "quire/columnar/type.h"
#include "quire/util/result.h"
#include "quire/util/scratch_vector.h"
#include "quire/util/visibility.h"

namespace quire::parquet {

/// \brief The levels and values of one leaf column for some rows.
///
/// Values are slots of `values`, an array of the leaf's type (dictionaries
/// decoded). Level i has value slots[k] when def_levels[i] == max_def (the k-th
/// such level), or, when `dense`, slot i.
struct LeafSlice {
  columnar::ArrayPtr values;
  /// Empty when the leaf has max_def 0 or every level is max_def (`dense`).
  util::ScratchVector<int16_t> def_levels;
  /// Empty when the leaf is not repeated.
  util::ScratchVector<int16_t> rep_levels;
  /// Present value slots in order, unless `dense`.
  util::ScratchVector<int64_t> slots;
  /// Every level is a present value and level i is slot i of `values`.
  bool dense = false;
  int64_t num_levels = 0;
  int64_t num_rows = 0;
  /// Number of present values.
  int64_t num_values() const { return dense ? num_levels : int64_t(slots.size()); }
};

/// \brief Shred `array`, the values of top-level field `field`, into one slice per
/// leaf of the field (depth first, as ToParquetSchema() orders them), appended to
/// `out`.
/// \return kInvalidArgument naming the column when a value is null where the field
/// (or a nested field) is declared non-nullable and its parent is present.
QUIRE_EXPORT Status ShredColumn(const columnar::Array& array, const columnar::Field& field,
                                std::vector<LeafSlice>* out);

/// \brief Return `array` with dictionary-encoded parts replaced by their values
/// (at any depth); other arrays are returned as they are.
QUIRE_EXPORT Result<columnar::ArrayPtr> DecodeDictionaries(const columnar::ArrayPtr& array);

}  // namespace quire::parquet
