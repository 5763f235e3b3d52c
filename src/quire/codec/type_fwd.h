#pragma once

/// \file quire/codec/type_fwd.h
/// \brief Forward declarations of the codec layer.

#include <cstdint>

namespace quire::codec {

enum class Compression : int32_t;
class Codec;

}  // namespace quire::codec
