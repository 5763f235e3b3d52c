#pragma once

/// \file quire/util/macros.h
/// \brief Error propagation and internal-check macros.

#include "quire/util/result.h"
#include "quire/util/status.h"

#define QUIRE_CONCAT_INNER(a, b) a##b
#define QUIRE_CONCAT(a, b) QUIRE_CONCAT_INNER(a, b)

#define QUIRE_PREDICT_FALSE(x) (__builtin_expect(!!(x), 0))
#define QUIRE_PREDICT_TRUE(x) (__builtin_expect(!!(x), 1))

/// \brief Return the Status of `expr` (a Status or Result) from the caller if it is an error.
#define QUIRE_RETURN_NOT_OK(expr)                                    \
  do {                                                               \
    auto&& _quire_st = (expr);                                       \
    if (QUIRE_PREDICT_FALSE(!_quire_st.ok())) {                      \
      return ::quire::internal::ToStatus(std::move(_quire_st));      \
    }                                                                \
  } while (false)

#define QUIRE_ASSIGN_OR_RETURN_IMPL(result_name, lhs, rexpr) \
  auto&& result_name = (rexpr);                              \
  if (QUIRE_PREDICT_FALSE(!result_name.ok())) {              \
    return std::move(result_name).status();                  \
  }                                                          \
  lhs = std::move(result_name).ValueOrDie()

/// \brief Evaluate `rexpr` (a Result); on error return its Status, else assign to `lhs`.
#define QUIRE_ASSIGN_OR_RETURN(lhs, rexpr) \
  QUIRE_ASSIGN_OR_RETURN_IMPL(QUIRE_CONCAT(_quire_result_, __COUNTER__), lhs, rexpr)

namespace quire::internal {
[[noreturn]] QUIRE_EXPORT void DCheckFailed(const char* condition, const char* file,
                                            int line);
}  // namespace quire::internal

/// \brief Check an internal invariant (a bug if false); compiled out in NDEBUG builds.
#ifdef NDEBUG
#define QUIRE_DCHECK(condition) \
  do {                          \
    if (false && (condition)) { \
    }                           \
  } while (false)
#else
#define QUIRE_DCHECK(condition)                                            \
  do {                                                                     \
    if (QUIRE_PREDICT_FALSE(!(condition))) {                               \
      ::quire::internal::DCheckFailed(#condition, __FILE__, __LINE__);     \
    }                                                                      \
  } while (false)
#endif
