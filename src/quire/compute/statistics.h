#pragma once

/// \file quire/compute/statistics.h
/// \brief Evaluating predicates on min/max statistics and on membership tests (bloom
/// filters), to skip data that cannot match (row groups now; files and pages later).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "quire/columnar/type.h"
#include "quire/compute/expression.h"
#include "quire/util/visibility.h"

namespace quire::compute {

/// \brief A min or max: integers (temporal ticks too), floats, bytes or booleans,
/// in the column's Arrow type's domain.
using StatisticValue = std::variant<__int128, double, std::string, bool>;

/// \brief What is known of one column of a piece of data (a row group, a file).
struct ColumnStatistics {
  /// Arrow type of the column (literals are converted to it).
  columnar::TypePtr type;
  /// Bounds of the non-null values, when known; min <= every value <= max.
  std::optional<StatisticValue> min;
  std::optional<StatisticValue> max;
  std::optional<int64_t> null_count;
  /// Rows described.
  int64_t num_rows = 0;
};

/// \brief Return slot `i` of `array` in the statistics domain of its type, or
/// nullopt for a null slot or a type statistics do not describe (nested types).
QUIRE_EXPORT std::optional<StatisticValue> StatisticValueOf(const columnar::Array& array,
                                                            int64_t i);

/// \brief Return the statistics of a column, or nullptr when there are none.
using StatisticsLookup = std::function<const ColumnStatistics*(std::string_view column)>;

/// \brief Return false only if no row described by `statistics` can satisfy `expr`
/// (so the data may be skipped); true whenever that cannot be proven.
QUIRE_EXPORT bool MayMatch(const Expression& expr, const StatisticsLookup& statistics);

/// \brief Return the Arrow type of a column, or nullptr when it is not known.
using ColumnTypeLookup = std::function<const columnar::DataType*(std::string_view column)>;

/// \brief Answer whether some row of a piece of data holds `value` in `column`:
/// false when certainly none does, true or nullopt when it may.
///
/// `value` is a literal converted into the domain of the column's Arrow type, as
/// StatisticValue describes; "holds" is equality as the row evaluation compares. A
/// bloom filter answers this; so does anything else that knows a set of values.
using MembershipLookup =
    std::function<std::optional<bool>(std::string_view column, const StatisticValue& value)>;

/// \brief Return false only if no row can satisfy `expr` because every way for it to
/// be true needs a value that `membership` reports absent; true whenever that cannot
/// be proven.
///
/// Proofs come from `column = literal` (either side), `column IN (...)` (every
/// non-null element absent), AND (either side proven) and OR (both sides proven). NOT,
/// NOT IN, `!=`, ranges and IS NULL never prove anything here: a filter's "absent"
/// says nothing about which other values are present. `membership` is called lazily:
/// only for the columns and literals the proof needs, left to right, stopping as soon
/// as the answer is known.
QUIRE_EXPORT bool MayMatchMembership(const Expression& expr, const ColumnTypeLookup& types,
                                     const MembershipLookup& membership);

}  // namespace quire::compute
