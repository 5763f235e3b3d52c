#pragma once

/// \file quire/compute/value_internal.h
/// \brief The value domain shared by row evaluation and statistics evaluation; not
/// installed.

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "quire/columnar/type.h"
#include "quire/compute/expression.h"
#include "quire/util/result.h"

namespace quire::compute::internal {

/// \brief A value as compared: integers (temporal ticks too) exactly, floats and
/// decimals as doubles, strings and binaries as bytes.
using Value = std::variant<__int128, double, std::string_view, bool>;

/// \brief Convert `literal` into the domain of a column of type `type` (named
/// `column` in errors): nullopt for the null literal.
Result<std::optional<Value>> LiteralFor(const Literal& literal, const columnar::DataType& type,
                                        const std::string& column);

/// \brief -1, 0 or 1; nullopt when the values cannot be ordered (NaN, other domains).
std::optional<int> Order(const Value& a, const Value& b);

/// \brief The comparison as seen from the other side (a < b is b > a).
Expression::CompareOp Flip(Expression::CompareOp op);

}  // namespace quire::compute::internal
