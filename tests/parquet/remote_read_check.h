#pragma once

/// \file tests/parquet/remote_read_check.h
/// \brief The remote-read checks, run on memory (remote_read_test.cc) and on S3
/// and Azure (object_store_parquet_server_test.cc).

#include <string>

#include "quire/columnar/record_batch.h"
#include "quire/io/coalescing_file.h"
#include "quire/io/file_system.h"

namespace quire::parquet {

/// \brief A table of 12 int64 columns and 200,000 rows; "id" ascends.
columnar::TablePtr RemoteReadTable();

/// \brief Write RemoteReadTable() to `path` in 4 row groups, then assert the
/// requests and bytes of a projected read and of a page-index-filtered read.
/// `coalesce` is how the files read coalesce announced ranges: the filesystem's
/// own setting (object stores), or, with `wrap`, a CoalescingFile put around
/// the filesystem's files here (local, memory).
void CheckRemoteReads(io::FileSystem& fs, const std::string& path,
                      const io::CoalesceOptions& coalesce, bool wrap);

}  // namespace quire::parquet
