#pragma once

/// \file quire/compute/statistics.h
/// \brief Evaluating predicates on min/max statistics, to skip data that cannot
/// match (row groups now; files and pages later).

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

/// \brief Return the statistics of a column, or nullptr when there are none.
using StatisticsLookup = std::function<const ColumnStatistics*(std::string_view column)>;

/// \brief Return false only if no row described by `statistics` can satisfy `expr`
/// (so the data may be skipped); true whenever that cannot be proven.
QUIRE_EXPORT bool MayMatch(const Expression& expr, const StatisticsLookup& statistics);

}  // namespace quire::compute
