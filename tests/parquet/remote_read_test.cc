/// \file tests/parquet/remote_read_test.cc
/// \brief The remote-read checks (remote_read_check.h) on the memory filesystem,
/// with and without coalescing; object_store_parquet_server_test.cc runs them on
/// S3 and Azure.
#include <gtest/gtest.h>

#include "quire/io/memory_file_system.h"
#include "remote_read_check.h"

namespace quire::parquet {
namespace {

TEST(RemoteReadTest, MemoryFileSystemReadsOnlyTheChunksAsked) {
  io::MemoryFileSystem fs;
  CheckRemoteReads(fs, "t/lineitem.parquet", {}, /*wrap=*/true);
}

TEST(RemoteReadTest, WithoutCoalescingEachChunkIsOneRequest) {
  io::MemoryFileSystem fs;
  CheckRemoteReads(fs, "t/lineitem.parquet", {.hole_size_limit = 0}, /*wrap=*/true);
}

}  // namespace
}  // namespace quire::parquet
