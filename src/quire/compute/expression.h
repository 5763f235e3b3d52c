#pragma once

/// \file quire/compute/expression.h
/// \brief Predicate expressions: a small readable language, parsed into a tree and
/// evaluated on record batches with SQL's three-valued logic.
///
/// Grammar (keywords case-insensitive):
///   expr    := or
///   or      := and ("or" and)*
///   and     := not ("and" not)*
///   not     := "not" not | test
///   test    := operand ( cmp operand | "is" ["not"] "null"
///                      | ["not"] "in" "(" literal ("," literal)* ")" )?
///   cmp     := "=" | "==" | "!=" | "<>" | "<" | "<=" | ">" | ">="
///   operand := column | literal | "(" expr ")"
///   column  := identifier | "quoted identifier"
///   literal := integer | decimal number | 'string' ('' escapes a quote) | true | false | null
/// A string literal compared with a date or timestamp column is read as an ISO date
/// ("2024-05-01") or timestamp ("2024-05-01T12:00:00[.ffffff][Z]").

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "quire/columnar/array.h"
#include "quire/columnar/record_batch.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::compute {

/// \brief A constant in an expression.
struct Literal {
  enum class Kind : uint8_t { kNull, kBool, kInt, kDouble, kString };
  Kind kind = Kind::kNull;
  bool bool_value = false;
  int64_t int_value = 0;
  double double_value = 0;
  std::string string_value;
  std::string ToString() const;
};

class Expression;
using ExpressionPtr = std::shared_ptr<const Expression>;

/// \brief A node of an expression tree. Immutable; thread-safe.
class QUIRE_EXPORT Expression {
 public:
  enum class Kind : uint8_t { kLiteral, kColumn, kCompare, kAnd, kOr, kNot, kIsNull, kIn };
  enum class CompareOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };

  static ExpressionPtr Column(std::string name);
  static ExpressionPtr Constant(Literal value);
  static ExpressionPtr Compare(CompareOp op, ExpressionPtr left, ExpressionPtr right);
  static ExpressionPtr And(ExpressionPtr left, ExpressionPtr right);
  static ExpressionPtr Or(ExpressionPtr left, ExpressionPtr right);
  static ExpressionPtr Not(ExpressionPtr operand);
  static ExpressionPtr IsNull(ExpressionPtr operand, bool negated);
  static ExpressionPtr In(ExpressionPtr operand, std::vector<Literal> values, bool negated);

  Kind kind() const { return kind_; }
  CompareOp op() const { return op_; }
  bool negated() const { return negated_; }
  const std::string& column() const { return column_; }
  const Literal& literal() const { return literal_; }
  const std::vector<Literal>& values() const { return values_; }
  const ExpressionPtr& left() const { return left_; }
  const ExpressionPtr& right() const { return right_; }

  /// \brief Render in the language's syntax, fully parenthesised.
  std::string ToString() const;

  Expression(Kind kind) : kind_(kind) {}

 private:
  Kind kind_;
  CompareOp op_ = CompareOp::kEq;
  bool negated_ = false;
  std::string column_;
  Literal literal_;
  std::vector<Literal> values_;
  ExpressionPtr left_, right_;
};

/// \brief Parse `text`. \return kInvalidArgument naming the position and what was
/// expected.
QUIRE_EXPORT Result<ExpressionPtr> ParseExpression(std::string_view text);

/// \brief Evaluate `expr` on every row of `batch`: a boolean array, null where the
/// answer is unknown (SQL semantics: comparisons with null are unknown; "and" is
/// false if either side is false, "or" true if either side is true).
/// \return kNotFound for unknown columns; kInvalidArgument for comparisons of
/// incompatible types, naming the column and both types.
QUIRE_EXPORT Result<columnar::ArrayPtr> Evaluate(const Expression& expr,
                                                 const columnar::RecordBatch& batch);

/// \brief Return the runs of rows `mask` keeps (true and not null), as
/// (first row, number of rows), in order. `mask` must be a boolean array.
QUIRE_EXPORT std::vector<std::pair<int64_t, int64_t>> KeptRuns(const columnar::Array& mask);

/// \brief Keep the rows of `batch` where `mask` (a boolean array) is true.
QUIRE_EXPORT Result<columnar::RecordBatchPtr> Filter(const columnar::RecordBatch& batch,
                                                     const columnar::Array& mask);

/// \brief Keep the rows of `batch` in `runs` (first row, length), as KeptRuns()
/// returns them: ascending, not overlapping, inside the batch.
QUIRE_EXPORT Result<columnar::RecordBatchPtr> Filter(
    const columnar::RecordBatch& batch, const std::vector<std::pair<int64_t, int64_t>>& runs);

}  // namespace quire::compute
