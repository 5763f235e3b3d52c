/// \file quire/compute/statistics.cc
#include "quire/compute/statistics.h"

#include "quire/compute/value_internal.h"

namespace quire::compute {

namespace {

using internal::Value;

Value View(const StatisticValue& v) {
  return std::visit([](const auto& x) -> Value {
    if constexpr (std::is_same_v<std::decay_t<decltype(x)>, std::string>) {
      return std::string_view(x);
    } else {
      return x;
    }
  }, v);
}

// Whether some value in [min, max] can satisfy `value op literal`.
bool RangeMayMatch(Expression::CompareOp op, const Value& min, const Value& max,
                   const Value& literal) {
  using Op = Expression::CompareOp;
  const auto lo = internal::Order(min, literal);  // min vs literal
  const auto hi = internal::Order(max, literal);  // max vs literal
  if (!lo || !hi) return true;                    // NaN or incomparable: no proof
  switch (op) {
    case Op::kEq: return *lo <= 0 && *hi >= 0;
    case Op::kNe: return !(*lo == 0 && *hi == 0);
    case Op::kLt: return *lo < 0;
    case Op::kLe: return *lo <= 0;
    case Op::kGt: return *hi > 0;
    case Op::kGe: return *hi >= 0;
  }
  return true;
}

bool MayMatchImpl(const Expression& e, const StatisticsLookup& lookup) {
  switch (e.kind()) {
    case Expression::Kind::kAnd:
      return MayMatchImpl(*e.left(), lookup) && MayMatchImpl(*e.right(), lookup);
    case Expression::Kind::kOr:
      return MayMatchImpl(*e.left(), lookup) || MayMatchImpl(*e.right(), lookup);
    case Expression::Kind::kIsNull: {
      if (e.left()->kind() != Expression::Kind::kColumn) return true;
      const ColumnStatistics* s = lookup(e.left()->column());
      if (!s || !s->null_count) return true;
      return e.negated() ? *s->null_count < s->num_rows : *s->null_count > 0;
    }
    case Expression::Kind::kCompare: {
      const Expression* l = e.left().get();
      const Expression* r = e.right().get();
      auto op = e.op();
      if (l->kind() == Expression::Kind::kLiteral && r->kind() == Expression::Kind::kColumn) {
        std::swap(l, r);
        op = internal::Flip(op);
      }
      if (l->kind() != Expression::Kind::kColumn || r->kind() != Expression::Kind::kLiteral) {
        return true;
      }
      const ColumnStatistics* s = lookup(l->column());
      if (!s || !s->type) return true;
      auto literal = internal::LiteralFor(r->literal(), *s->type, l->column());
      if (!literal.ok()) return true;  // the row evaluation reports the error
      if (!*literal) return false;     // comparing with null is never true
      if (s->null_count && *s->null_count == s->num_rows) return false;  // all null
      if (!s->min || !s->max) return true;
      return RangeMayMatch(op, View(*s->min), View(*s->max), **literal);
    }
    case Expression::Kind::kIn: {
      if (e.negated() || e.left()->kind() != Expression::Kind::kColumn) return true;
      const ColumnStatistics* s = lookup(e.left()->column());
      if (!s || !s->type) return true;
      if (s->null_count && *s->null_count == s->num_rows) return false;
      if (!s->min || !s->max) return true;
      for (const auto& v : e.values()) {
        auto literal = internal::LiteralFor(v, *s->type, e.left()->column());
        if (!literal.ok()) return true;
        if (!*literal) continue;
        if (RangeMayMatch(Expression::CompareOp::kEq, View(*s->min), View(*s->max), **literal)) {
          return true;
        }
      }
      return false;
    }
    default:
      // NOT, bare columns and constants: no proof from ranges here.
      return true;
  }
}

StatisticValue Own(const Value& v) {
  return std::visit([](const auto& x) -> StatisticValue {
    if constexpr (std::is_same_v<std::decay_t<decltype(x)>, std::string_view>) {
      return std::string(x);
    } else {
      return x;
    }
  }, v);
}

// Whether some row may hold a value equal to `literal` in `column`. Literals the
// row evaluation would refuse (a type mismatch) may match: the rows report the error.
bool LiteralMayBePresent(const std::string& column, const Literal& literal,
                         const columnar::DataType& type, const MembershipLookup& membership) {
  auto value = internal::LiteralFor(literal, type, column);
  if (!value.ok()) return true;
  if (!*value) return false;  // "= null" and "in (null)" are never true
  return membership(column, Own(**value)) != std::optional<bool>(false);
}

bool MayMatchMembershipImpl(const Expression& e, const ColumnTypeLookup& types,
                            const MembershipLookup& membership) {
  switch (e.kind()) {
    case Expression::Kind::kAnd:
      return MayMatchMembershipImpl(*e.left(), types, membership) &&
             MayMatchMembershipImpl(*e.right(), types, membership);
    case Expression::Kind::kOr:
      return MayMatchMembershipImpl(*e.left(), types, membership) ||
             MayMatchMembershipImpl(*e.right(), types, membership);
    case Expression::Kind::kCompare: {
      if (e.op() != Expression::CompareOp::kEq) return true;
      const Expression* l = e.left().get();
      const Expression* r = e.right().get();
      if (l->kind() == Expression::Kind::kLiteral) std::swap(l, r);
      if (l->kind() != Expression::Kind::kColumn || r->kind() != Expression::Kind::kLiteral) {
        return true;
      }
      const columnar::DataType* type = types(l->column());
      if (!type) return true;
      return LiteralMayBePresent(l->column(), r->literal(), *type, membership);
    }
    case Expression::Kind::kIn: {
      if (e.negated() || e.left()->kind() != Expression::Kind::kColumn) return true;
      const std::string& column = e.left()->column();
      const columnar::DataType* type = types(column);
      if (!type) return true;
      for (const auto& v : e.values()) {
        if (LiteralMayBePresent(column, v, *type, membership)) return true;
      }
      return false;
    }
    default:
      // NOT (and NOT IN, above): a value's absence proves "not equal" true, never
      // false. IS NULL, bare columns and constants: membership says nothing.
      return true;
  }
}

}  // namespace

bool MayMatch(const Expression& expr, const StatisticsLookup& statistics) {
  return MayMatchImpl(expr, statistics);
}

bool MayMatchMembership(const Expression& expr, const ColumnTypeLookup& types,
                        const MembershipLookup& membership) {
  return MayMatchMembershipImpl(expr, types, membership);
}

}  // namespace quire::compute
