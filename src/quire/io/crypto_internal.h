#pragma once

/// \file quire/io/crypto_internal.h
/// \brief Hashes, HMAC and base64 for request signing (SigV4, Azure Shared Key),
/// over OpenSSL's libcrypto. Not installed.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "quire/util/result.h"

namespace quire::io::internal {

using Sha256Digest = std::array<uint8_t, 32>;

/// \brief Return the SHA-256 of `data`.
Sha256Digest Sha256(std::span<const uint8_t> data);
Sha256Digest Sha256(std::string_view data);

/// \brief Return HMAC-SHA256(`key`, `data`).
Sha256Digest HmacSha256(std::span<const uint8_t> key, std::string_view data);

/// \brief Return the MD5 of `data` (Content-MD5 headers, where a service asks for it).
std::array<uint8_t, 16> Md5(std::span<const uint8_t> data);

/// \brief Return `bytes` as lowercase hexadecimal.
std::string HexEncode(std::span<const uint8_t> bytes);

/// \brief Return the standard base64 (RFC 4648, padded) of `bytes`.
std::string Base64Encode(std::span<const uint8_t> bytes);
inline std::string Base64Encode(std::string_view text) {
  return Base64Encode({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
}

/// \brief Decode standard padded base64. \return kInvalidArgument for malformed input
/// (the message does not echo it: base64 inputs here are secrets).
Result<std::string> Base64Decode(std::string_view text);

/// \brief View a string's bytes.
inline std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace quire::io::internal
