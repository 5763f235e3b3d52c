#pragma once

/// \file quire/parquet/variant_shredding.h
/// \brief Reconstructing Variant values from their shredded Parquet columns
/// (parquet-format VariantShredding.md).

#include <cstdint>
#include <string_view>

#include "quire/columnar/array.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::parquet {

/// \brief Turn `shredded`, a VARIANT group read as stored (a struct of `metadata`,
/// `value` and the `typed_value` tree, see ShreddedVariantType()), into the
/// unshredded struct<metadata: binary, value: binary> of `variant_type`.
///
/// Every row's metadata and value are validated. Shredded objects are merged with
/// the fields of `value` (where a field is in both, the shredded column wins, as
/// the specification requires of readers that read such files), shredded arrays
/// and primitives are encoded, and a missing top-level value becomes the Variant
/// null. `column` names the column in messages.
/// \return kCorrupt where the specification says a reader must fail (value and
/// typed_value both set for a non-object, shredded fields on a non-object value,
/// field names absent from the metadata, invalid Variant bytes), kUnsupported for
/// typed_value types the specification does not allow (unsigned integers,
/// FIXED_LEN_BYTE_ARRAY other than UUID, millisecond times and timestamps, ...).
QUIRE_EXPORT Result<columnar::ArrayPtr> UnshredVariant(const columnar::Array& shredded,
                                                       const columnar::TypePtr& variant_type,
                                                       std::string_view column,
                                                       columnar::MemoryPool* pool);

}  // namespace quire::parquet
