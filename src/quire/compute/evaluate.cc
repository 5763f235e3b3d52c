/// \file quire/compute/evaluate.cc
/// \brief Row-wise evaluation of predicate expressions, and filtering by a mask.
///
/// This first evaluator reads values slot by slot through a small reader per
/// operand; it is exact and handles every scalar type. Vectorised kernels come with
/// predicate pushdown.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <optional>
#include <variant>

#include <fmt/format.h>

#include "quire/columnar/builder.h"
#include "quire/columnar/decimal.h"
#include "quire/columnar/temporal.h"
#include "quire/util/bit_util.h"
#include "quire/util/float16.h"
#include "quire/compute/expression.h"
#include "quire/compute/statistics.h"
#include "quire/compute/value_internal.h"
#include "quire/util/macros.h"

namespace quire::compute {

using columnar::Array;
using columnar::ArrayPtr;
using columnar::DataType;
using columnar::TypeId;

namespace {

// Truth values of SQL's three-valued logic.
// Three-valued logic ordered false < unknown < true, so that AND is the minimum,
// OR the maximum and NOT the reflection 2 - t: loops the compiler vectorizes.
enum Truth : uint8_t { kFalse = 0, kUnknown = 1, kTrue = 2 };

inline Truth FromBool(bool b) { return Truth(uint8_t(b) << 1); }

using internal::Value;

enum class Domain { kBool, kInt, kFloat, kBytes, kNull };

Domain DomainOf(const DataType& t) {
  if (t.id() == TypeId::kDictionary) return DomainOf(*t.dictionary_value_type());
  if (t.id() == TypeId::kBool) return Domain::kBool;
  if (t.id() == TypeId::kNull) return Domain::kNull;
  if (t.is_integer() || t.id() == TypeId::kDate32 || t.id() == TypeId::kDate64 ||
      t.id() == TypeId::kTime32 || t.id() == TypeId::kTime64 || t.id() == TypeId::kTimestamp ||
      t.id() == TypeId::kDuration) {
    return Domain::kInt;
  }
  if (t.is_floating() || t.is_decimal()) return Domain::kFloat;
  if (t.is_binary_like() || t.id() == TypeId::kFixedSizeBinary) return Domain::kBytes;
  return Domain::kNull;
}

std::optional<Value> SlotValue(const Array& a, int64_t i) {
  if (a.IsNull(i)) return std::nullopt;
  const DataType& t = *a.type();
  switch (t.id()) {
    case TypeId::kBool: return Value(util::GetBit(a.buffer(1)->data(), a.offset() + i));
    case TypeId::kInt8: return Value(__int128(a.values<int8_t>()[i]));
    case TypeId::kInt16: return Value(__int128(a.values<int16_t>()[i]));
    case TypeId::kInt32:
    case TypeId::kDate32:
    case TypeId::kTime32: return Value(__int128(a.values<int32_t>()[i]));
    case TypeId::kInt64:
    case TypeId::kDate64:
    case TypeId::kTime64:
    case TypeId::kTimestamp:
    case TypeId::kDuration: return Value(__int128(a.values<int64_t>()[i]));
    case TypeId::kUInt8: return Value(__int128(a.values<uint8_t>()[i]));
    case TypeId::kUInt16: return Value(__int128(a.values<uint16_t>()[i]));
    case TypeId::kUInt32: return Value(__int128(a.values<uint32_t>()[i]));
    case TypeId::kUInt64: return Value(__int128(a.values<uint64_t>()[i]));
    case TypeId::kFloat16: return Value(double(util::HalfToFloat(a.values<uint16_t>()[i])));
    case TypeId::kFloat32: return Value(double(a.values<float>()[i]));
    case TypeId::kFloat64: return Value(a.values<double>()[i]);
    case TypeId::kDecimal128:
    case TypeId::kDecimal256: {
      const int w = t.byte_width();
      const std::string s = columnar::DecimalToString(
          a.buffer(1)->data() + (a.offset() + i) * w, w, t.scale());
      return Value(std::strtod(s.c_str(), nullptr));
    }
    case TypeId::kDictionary: {
      int64_t k = 0;
      switch (t.index_type()->id()) {
        case TypeId::kInt8: k = a.values<int8_t>()[i]; break;
        case TypeId::kInt16: k = a.values<int16_t>()[i]; break;
        case TypeId::kInt32: k = a.values<int32_t>()[i]; break;
        case TypeId::kInt64: k = a.values<int64_t>()[i]; break;
        case TypeId::kUInt8: k = a.values<uint8_t>()[i]; break;
        case TypeId::kUInt16: k = a.values<uint16_t>()[i]; break;
        case TypeId::kUInt32: k = a.values<uint32_t>()[i]; break;
        default: k = int64_t(a.values<uint64_t>()[i]); break;
      }
      return SlotValue(*a.dictionary(), k);
    }
    default:
      if (t.is_binary_like() || t.id() == TypeId::kFixedSizeBinary) {
        return Value(columnar::GetBytes(a, i));
      }
      return std::nullopt;
  }
}

// Parse an ISO date or timestamp literal into the ticks of temporal type `t`.
Result<__int128> TemporalLiteral(const std::string& s, const DataType& t, const std::string& col) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  int n = 0;
  if (std::sscanf(s.c_str(), "%d-%d-%d%n", &y, &mo, &d, &n) != 3 || mo < 1 || mo > 12 || d < 1 ||
      d > 31) {
    return Status::Invalid("'{}' is not a date (YYYY-MM-DD) for column '{}'", s, col);
  }
  const int64_t days = columnar::DaysFromCivil(y, mo, d);
  if (t.id() == TypeId::kDate32) return __int128(days);
  if (t.id() == TypeId::kDate64) return __int128(days) * 86400000;
  if (t.id() != TypeId::kTimestamp) {
    return Status::Invalid("a date literal cannot be compared with column '{}' of type {}", col,
                           t.ToString());
  }
  int64_t fraction_ticks = 0;
  std::string_view rest = std::string_view(s).substr(size_t(n));
  if (!rest.empty()) {
    int m = 0;
    if (std::sscanf(rest.data(), "%*1[T ]%d:%d:%d%n", &h, &mi, &sec, &m) != 3) {
      return Status::Invalid("'{}' is not a timestamp (YYYY-MM-DDTHH:MM:SS[.ffffff][Z]) for "
                             "column '{}'", s, col);
    }
    rest = rest.substr(size_t(m));
    if (!rest.empty() && rest[0] == '.') {
      std::string digits;
      size_t k = 1;
      while (k < rest.size() && std::isdigit(static_cast<unsigned char>(rest[k]))) digits += rest[k++];
      rest = rest.substr(k);
      // Keep the digits the unit resolves (0, 3, 6 or 9), padding with zeros.
      const size_t unit_digits = std::to_string(columnar::TicksPerSecond(t.unit())).size() - 1;
      std::string kept = digits.substr(0, std::min(digits.size(), unit_digits));
      kept.append(unit_digits - kept.size(), '0');
      fraction_ticks = kept.empty() ? 0 : std::stoll(kept);
    }
    if (rest == "Z") rest = {};
    if (!rest.empty()) {
      return Status::Invalid("'{}' has trailing '{}' for column '{}'", s, rest, col);
    }
  }
  const int64_t per_second = columnar::TicksPerSecond(t.unit());
  return (__int128(days) * 86400 + h * 3600 + mi * 60 + sec) * per_second + fraction_ticks;
}

Truth Test(Expression::CompareOp op, int order) {
  using Op = Expression::CompareOp;
  switch (op) {
    case Op::kEq: return order == 0 ? kTrue : kFalse;
    case Op::kNe: return order != 0 ? kTrue : kFalse;
    case Op::kLt: return order < 0 ? kTrue : kFalse;
    case Op::kLe: return order <= 0 ? kTrue : kFalse;
    case Op::kGt: return order > 0 ? kTrue : kFalse;
    case Op::kGe: return order >= 0 ? kTrue : kFalse;
  }
  return kUnknown;
}

using internal::Flip;
using internal::LiteralFor;
using internal::Order;

// Null slots of `a` are unknown whatever was computed for them.
void MarkNullsUnknown(const Array& a, Truth* out) {
  if (a.null_count() == 0) return;
  for (int64_t i = 0; i < a.length(); ++i) {
    if (a.IsNull(i)) out[i] = kUnknown;
  }
}

// Compare every slot of a primitive column with `lit` in a tight loop; nulls are
// unknown, NaN compares false (as Order() says).
template <typename T, typename L>
void CompareKernel(const Array& a, L lit, Expression::CompareOp op, Truth* out) {
  using Op = Expression::CompareOp;
  const T* v = a.values<T>();
  const int64_t n = a.length();
  switch (op) {
    case Op::kEq: for (int64_t i = 0; i < n; ++i) out[i] = FromBool(L(v[i]) == lit); break;
    case Op::kNe:
      if constexpr (std::is_floating_point_v<T>) {
        for (int64_t i = 0; i < n; ++i) out[i] = FromBool(L(v[i]) != lit && v[i] == v[i]);
      } else {
        for (int64_t i = 0; i < n; ++i) out[i] = FromBool(L(v[i]) != lit);
      }
      break;
    case Op::kLt: for (int64_t i = 0; i < n; ++i) out[i] = FromBool(L(v[i]) < lit); break;
    case Op::kLe: for (int64_t i = 0; i < n; ++i) out[i] = FromBool(L(v[i]) <= lit); break;
    case Op::kGt: for (int64_t i = 0; i < n; ++i) out[i] = FromBool(L(v[i]) > lit); break;
    case Op::kGe: for (int64_t i = 0; i < n; ++i) out[i] = FromBool(L(v[i]) >= lit); break;
  }
  MarkNullsUnknown(a, out);
}

// An integer column against an int64 literal, compared in the column's own type
// (which SSE2 vectorizes for 8- to 32-bit integers): a literal outside the type's
// range gives the same answer for every value.
template <typename T>
void IntegerCompare(const Array& a, int64_t x, Expression::CompareOp op, Truth* out) {
  using Op = Expression::CompareOp;
  using Limits = std::numeric_limits<T>;
  if constexpr (sizeof(T) < 8 || std::is_signed_v<T>) {
    const bool above = x > int64_t(Limits::max());
    if (above || x < int64_t(Limits::min())) {
      // Every value is below (above) the literal.
      const bool truth = op == Op::kNe || (above ? (op == Op::kLt || op == Op::kLe)
                                                 : (op == Op::kGt || op == Op::kGe));
      std::fill(out, out + a.length(), FromBool(truth));
      MarkNullsUnknown(a, out);
      return;
    }
  }
  CompareKernel<T, T>(a, T(x), op, out);
}

// The kernel for column `a` and literal `lit` when there is one (integers exactly
// within int64, floats as doubles); false to use the general path.
bool FastCompare(const Array& a, const Value& lit, Expression::CompareOp op, Truth* out) {
  if (const auto* i = std::get_if<__int128>(&lit)) {
    if (*i < INT64_MIN || *i > INT64_MAX) return false;
    const int64_t x = int64_t(*i);
    switch (a.type_id()) {
      case TypeId::kInt8: IntegerCompare<int8_t>(a, x, op, out); return true;
      case TypeId::kInt16: IntegerCompare<int16_t>(a, x, op, out); return true;
      case TypeId::kInt32:
      case TypeId::kDate32:
      case TypeId::kTime32: IntegerCompare<int32_t>(a, x, op, out); return true;
      case TypeId::kInt64:
      case TypeId::kDate64:
      case TypeId::kTime64:
      case TypeId::kTimestamp:
      case TypeId::kDuration: IntegerCompare<int64_t>(a, x, op, out); return true;
      case TypeId::kUInt8: IntegerCompare<uint8_t>(a, x, op, out); return true;
      case TypeId::kUInt16: IntegerCompare<uint16_t>(a, x, op, out); return true;
      case TypeId::kUInt32: IntegerCompare<uint32_t>(a, x, op, out); return true;
      default: return false;
    }
  }
  if (const auto* d = std::get_if<double>(&lit)) {
    if (std::isnan(*d)) return false;
    switch (a.type_id()) {
      case TypeId::kFloat32: CompareKernel<float, double>(a, *d, op, out); return true;
      case TypeId::kFloat64: CompareKernel<double, double>(a, *d, op, out); return true;
      default: return false;
    }
  }
  return false;
}

class Evaluator {
 public:
  explicit Evaluator(const columnar::RecordBatch& batch) : batch_(batch) {}

  Result<std::vector<Truth>> Eval(const Expression& e) {
    const int64_t n = batch_.num_rows();
    switch (e.kind()) {
      case Expression::Kind::kAnd:
      case Expression::Kind::kOr: {
        QUIRE_ASSIGN_OR_RETURN(auto a, Eval(*e.left()));
        QUIRE_ASSIGN_OR_RETURN(auto b, Eval(*e.right()));
        const bool is_and = e.kind() == Expression::Kind::kAnd;
        Truth* x = a.data();
        const Truth* y = b.data();
        if (is_and) {
          for (int64_t i = 0; i < n; ++i) x[i] = std::min(x[i], y[i]);
        } else {
          for (int64_t i = 0; i < n; ++i) x[i] = std::max(x[i], y[i]);
        }
        return a;
      }
      case Expression::Kind::kNot: {
        QUIRE_ASSIGN_OR_RETURN(auto a, Eval(*e.left()));
        for (auto& t : a) t = Truth(2 - t);
        return a;
      }
      case Expression::Kind::kIsNull: {
        std::vector<Truth> out(static_cast<size_t>(n));
        if (e.left()->kind() == Expression::Kind::kLiteral) {
          const bool null = e.left()->literal().kind == Literal::Kind::kNull;
          std::fill(out.begin(), out.end(), (null != e.negated()) ? kTrue : kFalse);
          return out;
        }
        QUIRE_ASSIGN_OR_RETURN(auto col, ColumnOf(*e.left()));
        for (int64_t i = 0; i < n; ++i) out[size_t(i)] = (col->IsNull(i) != e.negated()) ? kTrue : kFalse;
        return out;
      }
      case Expression::Kind::kIn: {
        QUIRE_ASSIGN_OR_RETURN(auto col, ColumnOf(*e.left()));
        std::vector<std::optional<Value>> values;
        for (const auto& l : e.values()) {
          QUIRE_ASSIGN_OR_RETURN(auto v, LiteralFor(l, *col->type(), e.left()->column()));
          values.push_back(std::move(v));
        }
        std::vector<Truth> out(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i) {
          const auto v = SlotValue(*col, i);
          Truth t = kFalse;
          if (!v) {
            t = kUnknown;
          } else {
            for (const auto& candidate : values) {
              if (!candidate) {
                if (t == kFalse) t = kUnknown;  // x in (.., null): unknown unless found
                continue;
              }
              if (Order(*v, *candidate) == 0) {
                t = kTrue;
                break;
              }
            }
          }
          out[size_t(i)] = e.negated() && t != kUnknown ? (t == kTrue ? kFalse : kTrue) : t;
        }
        return out;
      }
      case Expression::Kind::kCompare:
        return EvalCompare(e);
      case Expression::Kind::kLiteral: {
        const Literal& l = e.literal();
        if (l.kind != Literal::Kind::kBool && l.kind != Literal::Kind::kNull) {
          return Status::Invalid("{} is not a condition", l.ToString());
        }
        return std::vector<Truth>(static_cast<size_t>(n), l.kind == Literal::Kind::kNull
                                                              ? kUnknown
                                                              : (l.bool_value ? kTrue : kFalse));
      }
      case Expression::Kind::kColumn: {
        QUIRE_ASSIGN_OR_RETURN(auto col, ColumnOf(e));
        if (col->type_id() != TypeId::kBool) {
          return Status::Invalid("column '{}' of type {} is not a condition", e.column(),
                                 col->type()->ToString());
        }
        std::vector<Truth> out(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i) {
          const auto v = SlotValue(*col, i);
          out[size_t(i)] = !v ? kUnknown : (std::get<bool>(*v) ? kTrue : kFalse);
        }
        return out;
      }
    }
    return Status::Internal("unknown expression kind");
  }

 private:
  Result<ArrayPtr> ColumnOf(const Expression& e) {
    if (e.kind() != Expression::Kind::kColumn) {
      return Status::Invalid("expected a column, not {}", e.ToString());
    }
    auto col = batch_.GetColumnByName(e.column());
    if (!col) {
      std::string known;
      for (const auto& f : batch_.schema()->fields()) known += (known.empty() ? "" : ", ") + f->name();
      return Status::NotFound("no column named '{}' (columns: {})", e.column(), known);
    }
    return col;
  }

  Result<std::vector<Truth>> EvalCompare(const Expression& e) {
    const int64_t n = batch_.num_rows();
    const Expression* l = e.left().get();
    const Expression* r = e.right().get();
    auto op = e.op();
    if (l->kind() == Expression::Kind::kLiteral && r->kind() == Expression::Kind::kColumn) {
      std::swap(l, r);
      op = Flip(op);
    }
    std::vector<Truth> out(static_cast<size_t>(n), kUnknown);
    if (l->kind() == Expression::Kind::kColumn && r->kind() == Expression::Kind::kLiteral) {
      QUIRE_ASSIGN_OR_RETURN(auto col, ColumnOf(*l));
      QUIRE_ASSIGN_OR_RETURN(auto lit, LiteralFor(r->literal(), *col->type(), l->column()));
      if (!lit) return out;  // comparison with null: unknown everywhere
      if (FastCompare(*col, *lit, op, out.data())) return out;
      for (int64_t i = 0; i < n; ++i) {
        const auto v = SlotValue(*col, i);
        if (!v) continue;
        const auto order = Order(*v, *lit);
        out[size_t(i)] = order ? Test(op, *order) : kFalse;  // NaN compares false
      }
      return out;
    }
    if (l->kind() == Expression::Kind::kColumn && r->kind() == Expression::Kind::kColumn) {
      QUIRE_ASSIGN_OR_RETURN(auto a, ColumnOf(*l));
      QUIRE_ASSIGN_OR_RETURN(auto b, ColumnOf(*r));
      const Domain da = DomainOf(*a->type()), db = DomainOf(*b->type());
      const bool numeric = (da == Domain::kInt || da == Domain::kFloat) &&
                           (db == Domain::kInt || db == Domain::kFloat);
      if (!numeric && da != db) {
        return Status::Invalid("cannot compare column '{}' of type {} with column '{}' of type {}",
                               l->column(), a->type()->ToString(), r->column(),
                               b->type()->ToString());
      }
      for (int64_t i = 0; i < n; ++i) {
        const auto x = SlotValue(*a, i), y = SlotValue(*b, i);
        if (!x || !y) continue;
        const auto order = Order(*x, *y);
        out[size_t(i)] = order ? Test(op, *order) : kFalse;
      }
      return out;
    }
    if (l->kind() == Expression::Kind::kLiteral && r->kind() == Expression::Kind::kLiteral) {
      return Status::Invalid("{} compares two constants", e.ToString());
    }
    return Status::Invalid("{}: only columns and values can be compared", e.ToString());
  }

  const columnar::RecordBatch& batch_;
};

}  // namespace

namespace internal {

// A literal converted into the domain of the column it is compared with.
Result<std::optional<Value>> LiteralFor(const Literal& l, const DataType& t, const std::string& col) {
  const DataType& vt = t.id() == TypeId::kDictionary ? *t.dictionary_value_type() : t;
  const Domain domain = DomainOf(vt);
  auto mismatch = [&]() {
    return Status::Invalid("cannot compare column '{}' of type {} with {}", col, t.ToString(),
                           l.ToString());
  };
  switch (l.kind) {
    case Literal::Kind::kNull: return std::optional<Value>();
    case Literal::Kind::kBool:
      if (domain != Domain::kBool) return mismatch();
      return std::optional<Value>(Value(l.bool_value));
    case Literal::Kind::kInt:
      if (domain == Domain::kInt) return std::optional<Value>(Value(__int128(l.int_value)));
      if (domain == Domain::kFloat) return std::optional<Value>(Value(double(l.int_value)));
      return mismatch();
    case Literal::Kind::kDouble:
      if (domain == Domain::kInt || domain == Domain::kFloat) {
        return std::optional<Value>(Value(l.double_value));
      }
      return mismatch();
    case Literal::Kind::kString:
      if (domain == Domain::kBytes) return std::optional<Value>(Value(std::string_view(l.string_value)));
      if (vt.id() == TypeId::kDate32 || vt.id() == TypeId::kDate64 || vt.id() == TypeId::kTimestamp) {
        QUIRE_ASSIGN_OR_RETURN(auto ticks, TemporalLiteral(l.string_value, vt, col));
        return std::optional<Value>(Value(ticks));
      }
      return mismatch();
  }
  return mismatch();
}

// -1, 0, 1; nullopt when the two values cannot be ordered (NaN).
std::optional<int> Order(const Value& a, const Value& b) {
  auto three = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
  if (std::holds_alternative<__int128>(a) && std::holds_alternative<__int128>(b)) {
    return three(std::get<__int128>(a), std::get<__int128>(b));
  }
  auto as_double = [](const Value& v) -> std::optional<double> {
    if (std::holds_alternative<double>(v)) return std::get<double>(v);
    if (std::holds_alternative<__int128>(v)) return double(std::get<__int128>(v));
    return std::nullopt;
  };
  const auto da = as_double(a), db = as_double(b);
  if (da && db) {
    if (std::isnan(*da) || std::isnan(*db)) return std::nullopt;
    return three(*da, *db);
  }
  if (std::holds_alternative<std::string_view>(a) && std::holds_alternative<std::string_view>(b)) {
    return three(std::get<std::string_view>(a).compare(std::get<std::string_view>(b)), 0);
  }
  if (std::holds_alternative<bool>(a) && std::holds_alternative<bool>(b)) {
    return three(int(std::get<bool>(a)), int(std::get<bool>(b)));
  }
  return std::nullopt;
}

Expression::CompareOp Flip(Expression::CompareOp op) {
  using Op = Expression::CompareOp;
  switch (op) {
    case Op::kLt: return Op::kGt;
    case Op::kLe: return Op::kGe;
    case Op::kGt: return Op::kLt;
    case Op::kGe: return Op::kLe;
    default: return op;
  }
}

}  // namespace internal

Result<ArrayPtr> Evaluate(const Expression& expr, const columnar::RecordBatch& batch) {
  Evaluator ev(batch);
  QUIRE_ASSIGN_OR_RETURN(auto truths, ev.Eval(expr));
  // The value and validity bitmaps, eight truths at a time: bit 1 of a truth is its
  // value, bit 0 says unknown; a multiplication gathers one bit of each of eight
  // bytes into the top byte.
  const int64_t n = int64_t(truths.size());
  const int64_t bytes = (n + 7) / 8;
  QUIRE_ASSIGN_OR_RETURN(auto values, columnar::MutableBuffer::AllocateZeroed(bytes));
  QUIRE_ASSIGN_OR_RETURN(auto validity, columnar::MutableBuffer::AllocateZeroed(bytes));
  uint8_t* vb = values->mutable_data();
  uint8_t* nb = validity->mutable_data();
  int64_t nulls = 0;
  constexpr uint64_t kLow = 0x0101010101010101ULL;
  constexpr uint64_t kGather = 0x0102040810204080ULL;
  const int64_t whole = n / 8;
  for (int64_t j = 0; j < whole; ++j) {
    uint64_t x;
    std::memcpy(&x, truths.data() + 8 * j, 8);
    const uint64_t value = (x >> 1) & kLow;
    const uint64_t unknown = x & kLow;
    vb[j] = uint8_t((value * kGather) >> 56);
    nb[j] = uint8_t(~((unknown * kGather) >> 56));
    nulls += std::popcount(unknown);
  }
  for (int64_t i = whole * 8; i < n; ++i) {
    const Truth t = truths[size_t(i)];
    vb[i >> 3] |= uint8_t((t == kTrue) << (i & 7));
    nb[i >> 3] |= uint8_t((t != kUnknown) << (i & 7));
    nulls += t == kUnknown;
  }
  columnar::BufferPtr validity_buffer;
  if (nulls > 0) validity_buffer = std::move(validity);
  return Array::Make(columnar::boolean(), n, {std::move(validity_buffer), std::move(values)}, {},
                     nullptr, nulls);
}

std::vector<std::pair<int64_t, int64_t>> KeptRuns(const Array& mask) {
  std::vector<std::pair<int64_t, int64_t>> runs;
  const uint8_t* bits = mask.buffer(1)->data();
  const uint8_t* valid = mask.null_count() > 0 ? mask.buffer(0)->data() : nullptr;
  const int64_t offset = mask.offset();
  const int64_t n = mask.length();
  // 64 rows at a time: the kept bits (value and valid) of rows [i, i + 64).
  auto word = [&](int64_t i) {
    uint64_t w = util::LoadBits(bits, offset + i, std::min<int64_t>(64, n - i));
    if (valid != nullptr) w &= util::LoadBits(valid, offset + i, std::min<int64_t>(64, n - i));
    return w;
  };
  int64_t run_start = -1;  // start of the run still open at the end of the last word
  for (int64_t i = 0; i < n; i += 64) {
    uint64_t w = word(i);
    int64_t pos = 0;  // bits of w consumed
    const int64_t width = std::min<int64_t>(64, n - i);
    while (pos < width) {
      if (run_start >= 0) {
        // Inside a run: it goes on over the ones.
        const uint64_t zeros = ~w >> pos;
        const int64_t ones = zeros == 0 ? 64 - pos : std::countr_zero(zeros);
        if (pos + ones >= width) {
          pos = width;
          break;
        }
        pos += ones;
        runs.emplace_back(run_start, i + pos - run_start);
        run_start = -1;
      } else {
        const uint64_t rest = w >> pos;
        if (rest == 0) break;
        pos += std::countr_zero(rest);
        run_start = i + pos;
      }
    }
  }
  if (run_start >= 0) runs.emplace_back(run_start, n - run_start);
  return runs;
}

Result<columnar::RecordBatchPtr> Filter(const columnar::RecordBatch& batch, const Array& mask) {
  if (mask.type_id() != TypeId::kBool || mask.length() != batch.num_rows()) {
    return Status::Invalid("a filter mask must be a boolean array of {} rows, not {} of {}",
                           batch.num_rows(), mask.type()->ToString(), mask.length());
  }
  return Filter(batch, KeptRuns(mask));
}

Result<columnar::RecordBatchPtr> Filter(const columnar::RecordBatch& batch,
                                        const std::vector<std::pair<int64_t, int64_t>>& runs) {
  int64_t kept = 0;
  int64_t end = 0;
  for (const auto& [first, length] : runs) {
    if (first < end || length <= 0 || length > batch.num_rows() - first) {
      return Status::Invalid("filter run of {} rows at row {} is out of order or outside the "
                             "batch of {} rows", length, first, batch.num_rows());
    }
    end = first + length;
    kept += length;
  }
  if (kept == batch.num_rows()) return batch.Slice(0, kept);
  columnar::ArrayVector columns;
  for (const auto& col : batch.columns()) {
    const DataType& t = *col->type();
    const bool fixed = t.id() != TypeId::kBool && t.id() != TypeId::kDictionary &&
                       t.num_fields() == 0 && !t.is_binary_like() && t.byte_width() > 0;
    if (fixed && col->null_count() == 0 && col->num_buffers() == 2) {
      // Fixed-width values without nulls: copy the kept runs' bytes directly.
      const int64_t w = t.byte_width();
      QUIRE_ASSIGN_OR_RETURN(auto out, columnar::MutableBuffer::Allocate(kept * w));
      const uint8_t* src = col->buffer(1)->data() + col->offset() * w;
      uint8_t* dst = out->mutable_data();
      for (const auto& [start, len] : runs) {
        if (len == 1 && w == 8) {
          std::memcpy(dst, src + start * 8, 8);
        } else if (len == 1 && w == 16) {
          std::memcpy(dst, src + start * 16, 16);
        } else {
          std::memcpy(dst, src + start * w, size_t(len * w));
        }
        dst += len * w;
      }
      columns.push_back(Array::Make(col->type(), kept, {nullptr, std::move(out)}, {}, nullptr, 0));
      continue;
    }
    QUIRE_ASSIGN_OR_RETURN(auto b, columnar::MakeBuilder(col->type()));
    QUIRE_RETURN_NOT_OK(b->Reserve(kept));
    for (const auto& [start, len] : runs) QUIRE_RETURN_NOT_OK(b->AppendArraySlice(*col, start, len));
    QUIRE_ASSIGN_OR_RETURN(auto out, b->Finish());
    columns.push_back(std::move(out));
  }
  return columnar::RecordBatch::Make(batch.schema(), kept, std::move(columns));
}

std::optional<StatisticValue> StatisticValueOf(const Array& array, int64_t i) {
  auto value = SlotValue(array, i);
  if (!value) return std::nullopt;
  // Decimals are compared as doubles, like the rows they describe.
  return std::visit(
      [](const auto& x) -> StatisticValue {
        if constexpr (std::is_same_v<std::decay_t<decltype(x)>, std::string_view>) {
          return std::string(x);
        } else {
          return x;
        }
      },
      *value);
}

}  // namespace quire::compute
