#include "quire/testing/random_arrays.h"
#include <gtest/gtest.h>
#include "quire/testing/matchers.h"
namespace quire::testing { namespace {
TEST(RandomArraysTest, EveryTypeBuildsAndValidates) {
  for (auto& [name, type] : EveryType()) {
    auto a = MakeRandomArray(type, 50);
    EXPECT_OK(a->ValidateFull()) << name;
    EXPECT_EQ(a->length(), 50);
  }
}
}}
