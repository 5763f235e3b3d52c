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

std::vector<std::string> GlobPaths(FileSystem& fs, std::string_view pattern) {
  auto r = Glob(fs, pattern);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  std::vector<std::string> out;
  if (r.ok()) {
    for (const auto& i : *r) out.push_back(i.is_dir() ? i.path + "/" : i.path);
  }
  return out;
}

TEST(GlobTest, MatchesWithinComponentsAndAcrossWithDoubleStar) {
  MemoryFileSystem fs;
  for (const char* p : {"t/date=2024-01-01/part-0.parquet", "t/date=2024-01-01/part-1.parquet",
                        "t/date=2024-01-02/part-0.parquet", "t/date=2024-02-01/x.json",
                        "t/_delta_log/00000.json", "t/a[1].txt", "top.parquet"}) {
    ASSERT_OK(fs.WriteAll(p, "x"));
  }
  using ::testing::ElementsAre;
  EXPECT_THAT(GlobPaths(fs, "t/date=2024-01-*/*.parquet"),
              ElementsAre("t/date=2024-01-01/part-0.parquet", "t/date=2024-01-01/part-1.parquet",
                          "t/date=2024-01-02/part-0.parquet"));
  EXPECT_THAT(GlobPaths(fs, "t/date=*"),
              ElementsAre("t/date=2024-01-01/", "t/date=2024-01-02/", "t/date=2024-02-01/"));
  EXPECT_THAT(GlobPaths(fs, "t/date=2024-0[2-9]-?" "?/*"), ElementsAre("t/date=2024-02-01/x.json"));
  EXPECT_THAT(GlobPaths(fs, "**/*.json"), ElementsAre("t/_delta_log/00000.json",
                                                      "t/date=2024-02-01/x.json"));
  EXPECT_THAT(GlobPaths(fs, "t/**/part-0.parquet"),
              ElementsAre("t/date=2024-01-01/part-0.parquet", "t/date=2024-01-02/part-0.parquet"));
  EXPECT_THAT(GlobPaths(fs, "t/[!d_]*"), ElementsAre("t/a[1].txt"));
  EXPECT_THAT(GlobPaths(fs, "*.parquet"), ElementsAre("top.parquet"));
  EXPECT_THAT(GlobPaths(fs, "t/_delta_log"), ElementsAre("t/_delta_log/"));
  EXPECT_THAT(GlobPaths(fs, "t/*.csv"), ::testing::IsEmpty());
  EXPECT_THAT(GlobPaths(fs, "nothing/*"), ::testing::IsEmpty());
  EXPECT_TRUE(HasGlob("a/*.x"));
  EXPECT_FALSE(HasGlob("a/b=c"));
}

TEST(CopyFileTest, CopiesBetweenFilesystemsInPieces) {
  MemoryFileSystem a, b;
  std::string data(20 << 20, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = char(i * 7 + i / 4096);
  ASSERT_OK(a.WriteAll("src", data));
  int64_t reported = 0;
  int calls = 0;
  ASSERT_OK(CopyFile(a, "src", b, "dir/dst", [&](int64_t n) {
    reported += n;
    ++calls;
  }));
  EXPECT_EQ(reported, int64_t(data.size()));
  EXPECT_EQ(calls, 3);  // 8 + 8 + 4 MiB
  ASSERT_OK_AND_ASSIGN(auto copy, b.ReadAll("dir/dst"));
  EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(copy->data()), size_t(copy->size())),
            data);
  EXPECT_THAT(CopyFile(a, "missing", b, "x"), IsError(ErrorCode::kNotFound));
  EXPECT_THAT(b.Stat("x"), IsError(ErrorCode::kNotFound));
}

}  // namespace
}  // namespace quire::io
