/// \file tests/io/file_system_test.cc
/// \brief URLs to filesystems, path joining, and the request counters.
#include "quire/io/file_system.h"

#include "quire/io/local_file_system.h"
#include "quire/io/memory_file_system.h"
#include "quire/io/url_internal.h"
#include "quire/testing/matchers.h"

namespace quire::io {
namespace {

using ::quire::testing::IsError;
using ::testing::HasSubstr;

TEST(FileSystemFromUrlTest, PlainPathsAndFileUrlsAreLocal) {
  ASSERT_OK_AND_ASSIGN(auto a, FileSystemFromUrl("data/x.parquet"));
  EXPECT_EQ(a.fs->scheme(), "file");
  EXPECT_EQ(a.path, "data/x.parquet");
  ASSERT_OK_AND_ASSIGN(auto b, FileSystemFromUrl("file:///tmp/y.parquet"));
  EXPECT_EQ(b.fs.get(), a.fs.get());
  EXPECT_EQ(b.path, "/tmp/y.parquet");
  ASSERT_OK_AND_ASSIGN(auto c, FileSystemFromUrl("file://localhost/tmp/z"));
  EXPECT_EQ(c.path, "/tmp/z");
  EXPECT_THAT(FileSystemFromUrl("file://relative/path"), IsError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(FileSystemFromUrl(""), IsError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(FileSystemFromUrl("/tmp/x", {{"region", "y"}}),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("region")));
}

TEST(FileSystemFromUrlTest, MemoryUrlsNameSharedStores) {
  ASSERT_OK_AND_ASSIGN(auto a, FileSystemFromUrl("memory://url-test/dir/f.txt"));
  EXPECT_EQ(a.fs->scheme(), "memory");
  EXPECT_EQ(a.path, "dir/f.txt");
  ASSERT_OK(a.fs->WriteAll(a.path, "hi"));
  ASSERT_OK_AND_ASSIGN(auto b, FileSystemFromUrl("memory://url-test/dir/"));
  EXPECT_EQ(b.path, "dir");
  ASSERT_OK_AND_ASSIGN(auto list, b.fs->ListAll(b.path));
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(b.fs->Url(list[0].path), "memory://url-test/dir/f.txt");
}

TEST(FileSystemFromUrlTest, UnknownSchemesAndMissingBucketsAreRefused) {
  EXPECT_THAT(FileSystemFromUrl("gopher://x/y"),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("gopher")));
  EXPECT_THAT(FileSystemFromUrl("s3:///key"),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("bucket")));
}

TEST(ParseUrlTest, TakesQueryStringsApart) {
  ASSERT_OK_AND_ASSIGN(auto u, internal::ParseUrl("S3://bucket/a/b/?region=eu-west-1&endpoint="
                                                  "http%3A%2F%2F127.0.0.1%3A9000&flag"));
  EXPECT_EQ(u.scheme, "s3");
  EXPECT_EQ(u.authority, "bucket");
  EXPECT_EQ(u.path, "a/b");
  EXPECT_EQ(u.query.at("region"), "eu-west-1");
  EXPECT_EQ(u.query.at("endpoint"), "http://127.0.0.1:9000");
  EXPECT_EQ(u.query.at("flag"), "");
  EXPECT_THAT(internal::ParseUrl("s3://b/k?x=%G1"), IsError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(internal::ParseUrl("s3://b/k?x=%4"), IsError(ErrorCode::kInvalidArgument));
}

TEST(JoinPathTest, JoinsWithOneSlash) {
  EXPECT_EQ(JoinPath("a", "b"), "a/b");
  EXPECT_EQ(JoinPath("a/", "b"), "a/b");
  EXPECT_EQ(JoinPath("a", "/b"), "a/b");
  EXPECT_EQ(JoinPath("", "b"), "b");
  EXPECT_EQ(JoinPath("a", ""), "a");
  EXPECT_EQ(JoinPath("/", "b"), "/b");
}

TEST(IoStatsTest, SnapshotsSubtractAndPrint) {
  IoStats stats;
  stats.Count(RequestKind::kRead, 3);
  stats.Count(RequestKind::kList);
  stats.AddRead(1500000);
  stats.AddRetry();
  const IoStatsSnapshot first = stats.Snapshot();
  EXPECT_EQ(first.total_requests(), 4);
  EXPECT_EQ(first.ToString(), "requests=4 (list=1 read=3) read=1.5 MB written=0 B retries=1");
  stats.Count(RequestKind::kRead);
  const IoStatsSnapshot d = stats.Snapshot() - first;
  EXPECT_EQ(d.count(RequestKind::kRead), 1);
  EXPECT_EQ(d.bytes_read, 0);
  stats.Reset();
  EXPECT_EQ(stats.Snapshot().total_requests(), 0);
}

}  // namespace
}  // namespace quire::io
