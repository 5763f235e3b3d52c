#pragma once

/// \file quire/util/result.h
/// \brief Result<T>: a value or an error Status.

#include <cstdlib>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>

#include "quire/util/status.h"

namespace quire {

namespace internal {
[[noreturn]] QUIRE_EXPORT void DieOnError(const Status& status);
}  // namespace internal

/// \brief Hold either a T or an error Status (never an OK status without a value).
///
/// Thread-compatible.
template <typename T>
class [[nodiscard]] Result {
 public:
  using ValueType = T;

  /// \brief Construct from an error; an OK status here is a bug and becomes kInternal.
  Result(Status status)  // NOLINT(runtime/explicit)
      : status_(std::move(status)) {
    if (status_.ok()) {
      status_ = Status::Internal("Result constructed from an OK Status without a value");
    }
  }
  Result(const T& value) : value_(value) {}       // NOLINT(runtime/explicit)
  Result(T&& value) : value_(std::move(value)) {}  // NOLINT(runtime/explicit)
  template <typename U,
            typename = std::enable_if_t<std::is_convertible_v<U&&, T> &&
                                        !std::is_same_v<std::decay_t<U>, T> &&
                                        !std::is_same_v<std::decay_t<U>, Status> &&
                                        !std::is_same_v<std::decay_t<U>, Result<T>>>>
  Result(U&& value) : value_(std::forward<U>(value)) {}  // NOLINT(runtime/explicit)

  bool ok() const { return value_.has_value(); }
  const Status& status() const& { return status_; }
  Status status() && { return std::move(status_); }

  /// \brief Return the value; aborts with the error message if there is none.
  const T& ValueOrDie() const& {
    if (!ok()) internal::DieOnError(status_);
    return *value_;
  }
  T& ValueOrDie() & {
    if (!ok()) internal::DieOnError(status_);
    return *value_;
  }
  T ValueOrDie() && {
    if (!ok()) internal::DieOnError(status_);
    return std::move(*value_);
  }
  const T& value() const& { return ValueOrDie(); }
  T& value() & { return ValueOrDie(); }
  T value() && { return std::move(*this).ValueOrDie(); }

  /// \brief Return the value or `fallback` when this holds an error.
  T ValueOr(T fallback) && { return ok() ? std::move(*value_) : std::move(fallback); }

  const T& operator*() const& { return ValueOrDie(); }
  T& operator*() & { return ValueOrDie(); }
  T operator*() && { return std::move(*this).ValueOrDie(); }
  const T* operator->() const { return &ValueOrDie(); }
  T* operator->() { return &ValueOrDie(); }

 private:
  Status status_;
  std::optional<T> value_;
};

namespace internal {
inline const Status& ToStatus(const Status& s) { return s; }
inline Status ToStatus(Status&& s) { return std::move(s); }
template <typename T>
const Status& ToStatus(const Result<T>& r) { return r.status(); }
template <typename T>
Status ToStatus(Result<T>&& r) { return std::move(r).status(); }
}  // namespace internal

}  // namespace quire
