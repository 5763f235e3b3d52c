#pragma once

/// \file quire/util/status.h
/// \brief Status: the outcome of a fallible call, with a typed error code.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "quire/util/visibility.h"

namespace quire {

/// \brief Error category, chosen by what the caller should do next.
enum class ErrorCode : uint8_t {
  kOk = 0,
  kInvalidArgument,     ///< Bad arguments or options: fix the call.
  kNotFound,            ///< A path, column, version or key does not exist.
  kAlreadyExists,       ///< PutIfAbsent lost the race.
  kCorrupt,             ///< Input violates its specification.
  kUnsupported,         ///< Valid input quire does not handle yet.
  kIOError,             ///< Storage failed; Status::retryable() says whether to retry.
  kCommitConflict,      ///< Concurrent commit conflicts: retry the transaction.
  kCommitStateUnknown,  ///< Outcome unknown: re-read the log before retrying.
  kCancelled,           ///< The caller's stop token fired.
  kResourceExhausted,   ///< A configured memory or size limit was hit.
  kSchemaMismatch,      ///< Data does not fit a table's or file's schema.
  kInternal,            ///< A bug in quire.
};

/// \brief Return the stable name of `code`, e.g. "Corrupt".
QUIRE_EXPORT std::string_view ErrorCodeName(ErrorCode code);

/// \brief Outcome of a call: OK, or an error code with a message.
///
/// One pointer wide; OK holds no allocation. Copyable and movable.
/// Thread-compatible.
class [[nodiscard]] QUIRE_EXPORT Status {
 public:
  Status() noexcept = default;
  Status(ErrorCode code, std::string message, bool retryable = false);
  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;
  ~Status() = default;

  /// \brief Return the OK status.
  static Status OK() { return Status(); }

#define QUIRE_STATUS_FACTORY(Name, Code)                                     \
  template <typename... Args>                                               \
  static Status Name(fmt::format_string<Args...> format, Args&&... args) {  \
    return Status(ErrorCode::Code, fmt::format(format, std::forward<Args>(args)...)); \
  }
  QUIRE_STATUS_FACTORY(Invalid, kInvalidArgument)
  QUIRE_STATUS_FACTORY(NotFound, kNotFound)
  QUIRE_STATUS_FACTORY(AlreadyExists, kAlreadyExists)
  QUIRE_STATUS_FACTORY(Corrupt, kCorrupt)
  QUIRE_STATUS_FACTORY(Unsupported, kUnsupported)
  QUIRE_STATUS_FACTORY(IOError, kIOError)
  QUIRE_STATUS_FACTORY(CommitConflict, kCommitConflict)
  QUIRE_STATUS_FACTORY(CommitStateUnknown, kCommitStateUnknown)
  QUIRE_STATUS_FACTORY(Cancelled, kCancelled)
  QUIRE_STATUS_FACTORY(ResourceExhausted, kResourceExhausted)
  QUIRE_STATUS_FACTORY(SchemaMismatch, kSchemaMismatch)
  QUIRE_STATUS_FACTORY(Internal, kInternal)
#undef QUIRE_STATUS_FACTORY

  /// \brief Return an IOError that Status::retryable() reports as transient.
  template <typename... Args>
  static Status RetryableIOError(fmt::format_string<Args...> format, Args&&... args) {
    return Status(ErrorCode::kIOError, fmt::format(format, std::forward<Args>(args)...),
                  /*retryable=*/true);
  }

  bool ok() const { return state_ == nullptr; }
  ErrorCode code() const { return state_ ? state_->code : ErrorCode::kOk; }
  /// \brief Return the message; empty when OK.
  const std::string& message() const;
  /// \brief Return whether retrying the same call may succeed (transient I/O).
  bool retryable() const { return state_ && state_->retryable; }

  /// \brief Return a copy whose message is prefixed with `context` and ": ".
  Status WithContext(std::string_view context) const;

  /// \brief Render as "OK" or "<CodeName>: <message>".
  std::string ToString() const;

  bool operator==(const Status& other) const {
    return code() == other.code() && message() == other.message();
  }

 private:
  struct State {
    ErrorCode code;
    bool retryable;
    std::string message;
  };
  std::unique_ptr<State> state_;
};

}  // namespace quire
