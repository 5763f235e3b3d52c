#pragma once

/// \file quire/io/fuzzing.h
/// \brief Entry points for the io fuzzers: what a remote service answers is
/// input from the network, so it gets the same treatment as a file.

#include <cstdint>
#include <span>

#include "quire/util/status.h"
#include "quire/util/visibility.h"

namespace quire::io {

/// \brief Parse `data` as an XML response body (listings, errors, multipart
/// results) and walk it as the S3 and Azure filesystems do. Returns OK or the
/// typed error (kCorrupt for malformed XML); kInternal only for a bug.
QUIRE_EXPORT Status FuzzServiceResponse(std::span<const uint8_t> data);

}  // namespace quire::io
