/// \file quire/util/status.cc
#include "quire/util/status.h"

namespace quire {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return "OK";
    case ErrorCode::kInvalidArgument: return "InvalidArgument";
    case ErrorCode::kNotFound: return "NotFound";
    case ErrorCode::kAlreadyExists: return "AlreadyExists";
    case ErrorCode::kCorrupt: return "Corrupt";
    case ErrorCode::kUnsupported: return "Unsupported";
    case ErrorCode::kIOError: return "IOError";
    case ErrorCode::kCommitConflict: return "CommitConflict";
    case ErrorCode::kCommitStateUnknown: return "CommitStateUnknown";
    case ErrorCode::kCancelled: return "Cancelled";
    case ErrorCode::kResourceExhausted: return "ResourceExhausted";
    case ErrorCode::kSchemaMismatch: return "SchemaMismatch";
    case ErrorCode::kInternal: return "Internal";
  }
  return "Unknown";
}

Status::Status(ErrorCode code, std::string message, bool retryable) {
  if (code != ErrorCode::kOk) {
    state_ = std::make_unique<State>(State{code, retryable, std::move(message)});
  }
}

Status::Status(const Status& other)
    : state_(other.state_ ? std::make_unique<State>(*other.state_) : nullptr) {}

Status& Status::operator=(const Status& other) {
  if (this != &other) {
    state_ = other.state_ ? std::make_unique<State>(*other.state_) : nullptr;
  }
  return *this;
}

const std::string& Status::message() const {
  static const std::string kEmpty;
  return state_ ? state_->message : kEmpty;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return Status();
  return Status(state_->code, fmt::format("{}: {}", context, state_->message),
                state_->retryable);
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return fmt::format("{}: {}", ErrorCodeName(state_->code), state_->message);
}

}  // namespace quire
