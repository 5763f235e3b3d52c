#pragma once

/// \file quire/util/type_fwd.h
/// \brief Forward declarations of the util layer.

#include <cstdint>

namespace quire {
enum class ErrorCode : uint8_t;
class Status;
template <typename T>
class Result;
}  // namespace quire
