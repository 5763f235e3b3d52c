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

}  // namespace

bool MayMatch(const Expression& expr, const StatisticsLookup& statistics) {
  return MayMatchImpl(expr, statistics);
}

}  // namespace quire::compute
