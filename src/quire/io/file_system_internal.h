#pragma once

/// \file quire/io/file_system_internal.h
/// \brief Pieces the filesystems share: counting wrappers and listings in memory.

#include <memory>
#include <vector>

#include "quire/io/file_system.h"

namespace quire::io::internal {

/// \brief Count each ReadAt/ReadTail as one kRead request, with its bytes.
std::unique_ptr<RandomAccessFile> CountReads(std::unique_ptr<RandomAccessFile> file,
                                             std::shared_ptr<IoStats> stats);

/// \brief Count the bytes written, and a successful Close() as one kWrite request.
std::unique_ptr<OutputStream> CountWrites(std::unique_ptr<OutputStream> stream,
                                          std::shared_ptr<IoStats> stats);

/// \brief A listing already read whole (local folders, memory), handed out in
/// pages of `page_size` entries.
std::unique_ptr<FileLister> MakeVectorLister(std::vector<FileInfo> entries, int page_size);

}  // namespace quire::io::internal
