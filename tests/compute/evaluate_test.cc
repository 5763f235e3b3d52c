/// \file tests/compute/evaluate_test.cc
/// \brief The typed comparison kernels agree with SQL semantics computed slot by
/// slot here: every primitive type, every operator, nulls, NaN, sliced arrays.
#include <cmath>
#include <functional>
#include <optional>
#include <limits>
#include <random>

#include <gtest/gtest.h>

#include "quire/columnar/builder.h"
#include "quire/columnar/record_batch.h"
#include "quire/compute/expression.h"
#include "quire/testing/matchers.h"
#include "quire/testing/random_arrays.h"

namespace quire::compute {
namespace {

using namespace quire::columnar;  // NOLINT
using Op = Expression::CompareOp;

// The slot as a double (exact for the values MakeRandomArray makes up to 2^53) or
// nullopt when null.
std::optional<long double> Slot(const Array& a, int64_t i) {
  if (a.IsNull(i)) return std::nullopt;
  switch (a.type_id()) {
    case TypeId::kInt8: return a.values<int8_t>()[i];
    case TypeId::kInt16: return a.values<int16_t>()[i];
    case TypeId::kInt32:
    case TypeId::kDate32: return a.values<int32_t>()[i];
    case TypeId::kInt64:
    case TypeId::kTimestamp: return (long double)a.values<int64_t>()[i];
    case TypeId::kUInt8: return a.values<uint8_t>()[i];
    case TypeId::kUInt16: return a.values<uint16_t>()[i];
    case TypeId::kUInt32: return a.values<uint32_t>()[i];
    case TypeId::kFloat32: return a.values<float>()[i];
    case TypeId::kFloat64: return a.values<double>()[i];
    default: return std::nullopt;
  }
}

// SQL: null -> unknown (null), NaN -> false for every operator.
std::optional<bool> Expected(std::optional<long double> v, Op op, long double lit) {
  if (!v) return std::nullopt;
  if (std::isnan(*v)) return false;
  switch (op) {
    case Op::kEq: return *v == lit;
    case Op::kNe: return *v != lit;
    case Op::kLt: return *v < lit;
    case Op::kLe: return *v <= lit;
    case Op::kGt: return *v > lit;
    case Op::kGe: return *v >= lit;
  }
  return std::nullopt;
}

Literal LiteralFor(const DataType& t, long double value) {
  Literal l;
  if (t.is_floating()) {
    l.kind = Literal::Kind::kDouble;
    l.double_value = double(value);
  } else {
    l.kind = Literal::Kind::kInt;
    l.int_value = int64_t(value);
  }
  return l;
}

TEST(CompareKernelTest, AgreesWithSlotBySlotSemantics) {
  const std::vector<TypePtr> types = {int8(),   int16(),  int32(),   int64(),   uint8(),
                                      uint16(), uint32(), float32(), float64()};
  std::mt19937 rng(5);
  for (const auto& type : types) {
    testing::RandomOptions o;
    o.seed = rng();
    auto whole = testing::MakeRandomArray(type, 300, o);
    // A slice, so that the kernels honour the array offset.
    auto array = whole->Slice(7, 250);
    ASSERT_OK_AND_ASSIGN(auto batch,
                         RecordBatch::Make(schema({field("c", type)}), array->length(), {array}));
    for (int trial = 0; trial < 7; ++trial) {
      const int64_t k = int64_t(rng() % uint64_t(array->length()));
      long double lit = Slot(*array, k).value_or(3);
      if (std::isnan(lit)) lit = 1;
      // Beyond the values, and beyond the type's range for the narrow types.
      if (trial == 5) lit = type->is_floating() ? 1e30L : 100000;
      if (trial == 6) lit = type->is_floating() ? -1e30L : -100000;
      for (Op op : {Op::kEq, Op::kNe, Op::kLt, Op::kLe, Op::kGt, Op::kGe}) {
        auto e = Expression::Compare(op, Expression::Column("c"),
                                     Expression::Constant(LiteralFor(*type, lit)));
        ASSERT_OK_AND_ASSIGN(auto mask, Evaluate(*e, *batch));
        ASSERT_EQ(mask->length(), array->length());
        for (int64_t i = 0; i < array->length(); ++i) {
          const auto want = Expected(Slot(*array, i), op, lit);
          if (!want) {
            EXPECT_TRUE(mask->IsNull(i)) << type->ToString() << " " << e->ToString() << " @" << i;
          } else {
            ASSERT_TRUE(mask->IsValid(i)) << type->ToString() << " " << e->ToString() << " @" << i;
            EXPECT_EQ(BoolView(*mask).Value(i), *want)
                << type->ToString() << " " << e->ToString() << " @" << i;
          }
        }
      }
    }
  }
}

TEST(CompareKernelTest, NaNComparesFalseEvenForNotEqual) {
  DoubleBuilder b(float64());
  const std::vector<double> values = {std::nan(""), 1.0, 2.0};
  ASSERT_OK(b.AppendValues(std::span<const double>(values)));
  ASSERT_OK_AND_ASSIGN(auto a, b.Finish());
  ASSERT_OK_AND_ASSIGN(auto batch, RecordBatch::Make(schema({field("x", float64())}), 3, {a}));
  ASSERT_OK_AND_ASSIGN(auto e, ParseExpression("x != 1"));
  ASSERT_OK_AND_ASSIGN(auto mask, Evaluate(*e, *batch));
  EXPECT_FALSE(BoolView(*mask).Value(0));
  EXPECT_FALSE(BoolView(*mask).Value(1));
  EXPECT_TRUE(BoolView(*mask).Value(2));
}

TEST(FilterTest, GathersFixedWidthColumnsAndKeepsOthersExact) {
  auto ints = testing::MakeRandomArray(int64(), 1000, {.seed = 3, .null_probability = 0});
  auto decimals = testing::MakeRandomArray(decimal128(15, 2), 1000, {.seed = 4, .null_probability = 0});
  auto strings = testing::MakeRandomArray(utf8(), 1000, {.seed = 5});
  ASSERT_OK_AND_ASSIGN(
      auto batch,
      RecordBatch::Make(
          schema({field("i", int64()), field("d", decimal128(15, 2)), field("s", utf8())}), 1000,
          {ints, decimals, strings}));
  BooleanBuilder mb;
  std::mt19937 rng(9);
  std::vector<int64_t> kept;
  for (int64_t i = 0; i < 1000; ++i) {
    const bool keep = rng() % 7 == 0 || (i >= 500 && i < 520);
    ASSERT_OK(mb.Append(keep));
    if (keep) kept.push_back(i);
  }
  ASSERT_OK_AND_ASSIGN(auto mask, mb.Finish());
  ASSERT_OK_AND_ASSIGN(auto out, Filter(*batch, *mask));
  ASSERT_EQ(out->num_rows(), int64_t(kept.size()));
  for (int c = 0; c < 3; ++c) {
    ASSERT_OK(out->column(c)->ValidateFull());
    for (size_t r = 0; r < kept.size(); ++r) {
      EXPECT_TRUE(out->column(c)->ValueEquals(int64_t(r), *batch->column(c), kept[r]))
          << c << " row " << r;
    }
  }
}

// AND, OR and NOT over many rows with nulls, against Kleene logic row by row.
TEST(ThreeValuedLogicTest, AgreesRowByRowOnLongColumns) {
  std::mt19937 rng(5);
  const int64_t n = 1003;  // whole words of eight and a tail
  Int32Builder ab(int32()), bb(int32());
  std::vector<std::optional<int>> av, bv;
  for (int64_t i = 0; i < n; ++i) {
    for (auto* pair : {&av, &bv}) {
      if (rng() % 5 == 0) {
        pair->push_back(std::nullopt);
      } else {
        pair->push_back(int(rng() % 10));
      }
    }
    if (av.back()) { ASSERT_OK(ab.Append(*av.back())); } else { ASSERT_OK(ab.AppendNull()); }
    if (bv.back()) { ASSERT_OK(bb.Append(*bv.back())); } else { ASSERT_OK(bb.AppendNull()); }
  }
  ASSERT_OK_AND_ASSIGN(auto a, ab.Finish());
  ASSERT_OK_AND_ASSIGN(auto b, bb.Finish());
  ASSERT_OK_AND_ASSIGN(auto batch, RecordBatch::Make(schema({field("a", int32()), field("b", int32())}),
                                                     n, {a, b}));
  using Tri = std::optional<bool>;
  auto gt = [](std::optional<int> v, int x) { return v ? Tri(*v > x) : Tri(); };
  auto lt = [](std::optional<int> v, int x) { return v ? Tri(*v < x) : Tri(); };
  auto kand = [](Tri x, Tri y) {
    if (x == false || y == false) return Tri(false);
    return x && y ? Tri(true) : Tri();
  };
  auto kor = [](Tri x, Tri y) {
    if (x == true || y == true) return Tri(true);
    return x && y ? Tri(false) : Tri();
  };
  auto knot = [](Tri x) { return x ? Tri(!*x) : Tri(); };
  const std::vector<std::pair<std::string, std::function<Tri(int64_t)>>> cases = {
      {"a > 5 and b < 3", [&](int64_t i) { return kand(gt(av[i], 5), lt(bv[i], 3)); }},
      {"a > 5 or b < 3", [&](int64_t i) { return kor(gt(av[i], 5), lt(bv[i], 3)); }},
      {"not (a > 5 and b < 3)", [&](int64_t i) { return knot(kand(gt(av[i], 5), lt(bv[i], 3))); }},
      {"not a > 2 or (b > 1 and a < 8)",
       [&](int64_t i) { return kor(knot(gt(av[i], 2)), kand(gt(bv[i], 1), lt(av[i], 8))); }},
  };
  for (const auto& [text, expected] : cases) {
    ASSERT_OK_AND_ASSIGN(auto e, ParseExpression(text));
    ASSERT_OK_AND_ASSIGN(auto mask, Evaluate(*e, *batch));
    ASSERT_OK(mask->ValidateFull());
    int64_t nulls = 0;
    for (int64_t i = 0; i < n; ++i) {
      const Tri want = expected(i);
      nulls += !want;
      ASSERT_EQ(mask->IsValid(i), want.has_value()) << text << " row " << i;
      if (want) {
        ASSERT_EQ(BoolView(*mask).Value(i), *want) << text << " row " << i;
      }
    }
    EXPECT_EQ(mask->null_count(), nulls) << text;
  }
}

// KeptRuns against a bit-by-bit reference: masks of every density, with and
// without nulls (a null keeps nothing), sliced at offsets that are not multiples
// of 8 or 64, runs crossing word boundaries and reaching the end.
TEST(KeptRunsTest, AgreesWithBitByBitRuns) {
  std::mt19937 rng(21);
  for (int density : {0, 1, 5, 50, 95, 100}) {
    for (bool nulls : {false, true}) {
      for (int64_t length : {1, 63, 64, 65, 130, 1000}) {
        BooleanBuilder b;
        for (int64_t i = 0; i < length + 77; ++i) {
          if (nulls && rng() % 9 == 0) {
            ASSERT_OK(b.AppendNull());
          } else {
            ASSERT_OK(b.Append(int(rng() % 100) < density));
          }
        }
        ASSERT_OK_AND_ASSIGN(auto whole, b.Finish());
        for (int64_t offset : {0, 3, 64, 77}) {
          auto mask = whole->Slice(offset, length);
          std::vector<std::pair<int64_t, int64_t>> expected;
          for (int64_t i = 0; i < length; ++i) {
            if (!mask->IsValid(i) || !BoolView(*mask).Value(i)) continue;
            if (!expected.empty() && expected.back().first + expected.back().second == i) {
              ++expected.back().second;
            } else {
              expected.emplace_back(i, 1);
            }
          }
          EXPECT_EQ(KeptRuns(*mask), expected)
              << "density " << density << " nulls " << nulls << " length " << length
              << " offset " << offset;
        }
      }
    }
  }
}

}  // namespace
}  // namespace quire::compute
