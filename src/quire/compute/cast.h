#pragma once

/// \file quire/compute/cast.h
/// \brief Casts between Arrow types for schema evolution: the widenings Delta's
/// type widening allows, string and binary layouts, timestamp units, and nested
/// types element by element.

#include "quire/columnar/array.h"
#include "quire/columnar/type.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::compute {

/// \brief Convert `array` to type `to`, slot by slot; nulls stay null.
///
/// Supported pairs:
/// - identity (zero-copy; only the type object is replaced when it differs in
///   field names' metadata alone), and null to any type;
/// - any integer to any integer, float32 or float64, or decimal(p, s);
/// - float32 to float64;
/// - decimal(p, s) to decimal(p', s'), rescaling the unscaled values (a smaller
///   scale only when no digit is lost);
/// - date32 to timestamp (midnight of the day, in any unit);
/// - timestamp to timestamp of another unit (finer units multiply; coarser ones
///   truncate toward negative infinity) within the same family: naive to naive,
///   or zoned to zoned (the instants are kept, the zone is relabelled);
/// - string, large_string and string_view among themselves and to the binary
///   layouts; binary layouts among themselves and to the string layouts when the
///   bytes are valid UTF-8;
/// - dictionary arrays are decoded, then cast;
/// - struct to struct with the same field names (in any order), each field cast;
///   list, large_list, fixed_size_list and map elements cast (list and large_list
///   convert into each other).
///
/// \return kInvalidArgument naming both types for any other pair, and for values
/// that do not fit the target (an integer out of range, a decimal needing more than
/// the target precision, a scale reduction that drops digits, an overflowing
/// timestamp, invalid UTF-8).
/// Thread-safe.
QUIRE_EXPORT Result<columnar::ArrayPtr> Cast(const columnar::ArrayPtr& array,
                                             const columnar::TypePtr& to);

/// \brief Return whether every value of type `from` is represented exactly by
/// type `to`, so that data of `from` may be written into a column of type `to`
/// (schema enforcement on writes).
///
/// True for identity; signed integers to wider signed integers; unsigned
/// integers to wider signed or unsigned ones; integers of up to 24 (float32) or 53
/// (float64) bits to floats; float32 to float64; integers to decimals with enough
/// integer digits; decimal(p, s) to decimal(p + k1, s + k2) with k1 >= k2 >= 0;
/// date32 to timestamps; timestamps to a finer unit of the same family; string
/// and binary layouts among themselves (and string to binary); dictionaries to
/// types their values cast losslessly to; and nested types whose children do.
QUIRE_EXPORT bool CanCastLosslessly(const columnar::DataType& from,
                                    const columnar::DataType& to);

}  // namespace quire::compute
