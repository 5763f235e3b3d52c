/// \file tests/compute/membership_test.cc
/// \brief Pruning by membership tests (what bloom filters answer): which expressions
/// a value's absence proves false, which it never does, and that the lookup is asked
/// only what the proof needs.
#include <set>

#include <gtest/gtest.h>

#include "quire/compute/statistics.h"
#include "quire/testing/matchers.h"

namespace quire::compute {
namespace {

// Columns "s" (string), "i" (int32), "d" (date32) and "f" (float64), each holding
// a known set of values; "n" (int64) has no filter (the lookup cannot tell).
class MembershipTest : public ::testing::Test {
 protected:
  bool MayMatch(std::string_view text) {
    auto expr = ParseExpression(text);
    EXPECT_TRUE(expr.ok()) << expr.status().ToString();
    asked_.clear();
    return MayMatchMembership(**expr, types_, lookup_);
  }

  std::vector<std::string> asked_;
  ColumnTypeLookup types_ = [](std::string_view column) -> const columnar::DataType* {
    static const auto s = columnar::utf8(), i = columnar::int32(), d = columnar::date32(),
                      f = columnar::float64(), n = columnar::int64();
    if (column == "s") return s.get();
    if (column == "i") return i.get();
    if (column == "d") return d.get();
    if (column == "f") return f.get();
    if (column == "n") return n.get();
    return nullptr;
  };
  MembershipLookup lookup_ = [this](std::string_view column,
                                    const StatisticValue& value) -> std::optional<bool> {
    asked_.push_back(std::string(column));
    static const std::set<StatisticValue> present = {
        StatisticValue(std::string("here")), StatisticValue(std::string("also")),
        StatisticValue(__int128(7)), StatisticValue(__int128(19723)),  // 2024-01-01
        StatisticValue(2.5)};
    if (column == "n") return std::nullopt;
    return present.count(value) > 0;
  };
};

TEST_F(MembershipTest, EqualityPrunesAbsentValuesFromEitherSide) {
  EXPECT_FALSE(MayMatch("s = 'gone'"));
  EXPECT_FALSE(MayMatch("'gone' = s"));
  EXPECT_TRUE(MayMatch("s = 'here'"));
  EXPECT_TRUE(MayMatch("'here' == s"));
  EXPECT_FALSE(MayMatch("i = 8"));
  EXPECT_TRUE(MayMatch("i = 7"));
  EXPECT_TRUE(MayMatch("f = 2.5"));
  EXPECT_FALSE(MayMatch("f = 3"));
  // Literals are converted to the column's type first: dates from ISO text.
  EXPECT_TRUE(MayMatch("d = '2024-01-01'"));
  EXPECT_FALSE(MayMatch("d = '2024-01-02'"));
  // An unknown answer, an unknown column or a literal the rows would refuse: no proof.
  EXPECT_TRUE(MayMatch("n = 1"));
  EXPECT_TRUE(MayMatch("nope = 1"));
  EXPECT_TRUE(MayMatch("i = 'text'"));
  // "= null" is never true, whatever the filter says.
  EXPECT_FALSE(MayMatch("s = null"));
}

TEST_F(MembershipTest, InPrunesOnlyWhenEveryElementIsAbsent) {
  EXPECT_FALSE(MayMatch("s in ('a', 'b', 'c')"));
  EXPECT_TRUE(MayMatch("s in ('a', 'here', 'c')"));
  EXPECT_FALSE(MayMatch("i in (1, null, 3)"));
  EXPECT_TRUE(MayMatch("i in (1, 7)"));
  EXPECT_TRUE(MayMatch("n in (1, 2)"));
  EXPECT_TRUE(MayMatch("s not in ('a', 'b')"));
}

TEST_F(MembershipTest, AndPrunesIfEitherSideDoesOrOnlyIfBothDo) {
  EXPECT_FALSE(MayMatch("s = 'here' and i = 8"));
  EXPECT_FALSE(MayMatch("i > 3 and s = 'gone'"));
  EXPECT_TRUE(MayMatch("s = 'here' and i = 7"));
  EXPECT_FALSE(MayMatch("s = 'gone' or i = 8"));
  EXPECT_TRUE(MayMatch("s = 'gone' or i = 7"));
  EXPECT_TRUE(MayMatch("s = 'gone' or i > 100"));
  EXPECT_TRUE(MayMatch("s = 'gone' or n = 1"));
  EXPECT_FALSE(MayMatch("(s = 'gone' or i in (8, 9)) and f > 0"));
}

TEST_F(MembershipTest, NegationsInequalitiesAndNullTestsNeverPrune) {
  EXPECT_TRUE(MayMatch("not s = 'gone'"));
  EXPECT_TRUE(MayMatch("not not s = 'gone'"));
  EXPECT_TRUE(MayMatch("not (s = 'gone' and i = 8)"));
  EXPECT_TRUE(MayMatch("s != 'gone'"));
  EXPECT_TRUE(MayMatch("s < 'gone'"));
  EXPECT_TRUE(MayMatch("s is null"));
  EXPECT_TRUE(MayMatch("s is not null"));
  EXPECT_TRUE(MayMatch("i = i"));
}

TEST_F(MembershipTest, AsksOnlyWhatTheProofNeeds) {
  EXPECT_FALSE(MayMatch("s = 'gone' and i = 7"));
  EXPECT_EQ(asked_, std::vector<std::string>{"s"});
  EXPECT_TRUE(MayMatch("s = 'here' or i = 8"));
  EXPECT_EQ(asked_, std::vector<std::string>{"s"});
  EXPECT_TRUE(MayMatch("s in ('here', 'a', 'b')"));
  EXPECT_EQ(asked_.size(), 1u);
  EXPECT_TRUE(MayMatch("not s = 'gone' and i < 3"));
  EXPECT_TRUE(asked_.empty());
}

}  // namespace
}  // namespace quire::compute
