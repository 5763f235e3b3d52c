#pragma once

/// \file tests/parquet/remote_read_test.h
/// \brief The remote-read checks of remote_read_test.cc, for the test files that
/// run them on S3 and Azure.

#include <string>

#include "quire/columnar/record_batch.h"
#include "quire/io/coalescing_file.h"
#include "quire/io/file_system.h"

namespace quire::parquet {

/// \brief A table of 12 int64 columns and 200,000 rows; "id" ascends.
columnar::TablePtr RemoteReadTable();

/// \brief Write RemoteReadTable() to `path` in 4 row groups, then assert the
/// requests and bytes of a projected read and of a page-index-filtered read.
void CheckRemoteReads(io::FileSystem& fs, const std::string& path,
                      const io::CoalesceOptions& coalesce);

}  // namespace quire::parquet
