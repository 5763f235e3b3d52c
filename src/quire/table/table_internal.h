#pragma once

/// \file quire/table/table_internal.h
/// \brief Small helpers shared by the table layer's sources; not installed.

#include <chrono>
#include <cstdint>
#include <string_view>

#include "quire/columnar/buffer.h"
#include "quire/io/file_system.h"

namespace quire::table::internal {

/// \brief The current time in ms since the epoch (commit and file timestamps).
inline int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// \brief A file's modification time in ms since the epoch (0 when unknown).
inline int64_t ModificationMs(const io::FileInfo& info) {
  if (!info.mtime) return 0;
  return std::chrono::duration_cast<std::chrono::milliseconds>(info.mtime->time_since_epoch())
      .count();
}

/// \brief The bytes of `buffer` as text (log files).
inline std::string_view Text(const columnar::Buffer& buffer) {
  return {reinterpret_cast<const char*>(buffer.data()), size_t(buffer.size())};
}

}  // namespace quire::table::internal
