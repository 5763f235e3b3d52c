#pragma once

/// \file quire/testing/matchers.h
/// \brief GoogleTest matchers and macros for Status and Result (tests only).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "quire/util/macros.h"
#include "quire/util/result.h"
#include "quire/util/status.h"

namespace quire::testing {

inline const Status& GetStatus(const Status& s) { return s; }
template <typename T>
const Status& GetStatus(const Result<T>& r) {
  return r.status();
}

MATCHER(IsOk, "is OK") {
  const Status& st = GetStatus(arg);
  if (!st.ok()) *result_listener << st.ToString();
  return st.ok();
}

MATCHER_P(IsError, code, "is an error with code " + std::string(ErrorCodeName(code))) {
  const Status& st = GetStatus(arg);
  *result_listener << st.ToString();
  return st.code() == code;
}

MATCHER_P2(IsError, code, message_matcher,
           "is an error with code " + std::string(ErrorCodeName(code))) {
  const Status& st = GetStatus(arg);
  *result_listener << st.ToString();
  return st.code() == code &&
         ::testing::ExplainMatchResult(message_matcher, st.message(), result_listener);
}

}  // namespace quire::testing

/// Both accept a streamed message: EXPECT_OK(st) << "while reading " << name;
#define ASSERT_OK(expr) ASSERT_THAT((expr), ::quire::testing::IsOk())
#define EXPECT_OK(expr) EXPECT_THAT((expr), ::quire::testing::IsOk())

#define QUIRE_ASSERT_OK_AND_ASSIGN_IMPL(result_name, lhs, rexpr)                 \
  auto&& result_name = (rexpr);                                                  \
  ASSERT_TRUE(result_name.ok()) << #rexpr << ": " << result_name.status().ToString(); \
  lhs = std::move(result_name).ValueOrDie()

#define ASSERT_OK_AND_ASSIGN(lhs, rexpr) \
  QUIRE_ASSERT_OK_AND_ASSIGN_IMPL(QUIRE_CONCAT(_quire_test_result_, __COUNTER__), lhs, rexpr)
