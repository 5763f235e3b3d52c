/// \file tests/io/local_file_system_test.cc
/// \brief The local filesystem: the conformance suite, and what only a disk does
/// (real folders, hidden temporaries, rename across the tree).
#include "quire/io/local_file_system.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "file_system_conformance.h"
#include "quire/testing/matchers.h"

namespace quire::io {
namespace {

namespace stdfs = std::filesystem;
using ::quire::testing::IsError;

std::string FreshDir(std::string_view tag) {
  static std::atomic<int> n{0};
  const stdfs::path dir = stdfs::temp_directory_path() /
                          fmt::format("quire-{}-{}-{}", tag, ::getpid(), n.fetch_add(1));
  stdfs::remove_all(dir);
  stdfs::create_directories(dir);
  return dir.string();
}

using testing::FileSystemConformance;

INSTANTIATE_TEST_SUITE_P(
    Local, FileSystemConformance,
    ::testing::Values(testing::FileSystemUnderTest{
        .name = "local",
        .make = [] { return std::pair{std::shared_ptr<FileSystem>(std::make_shared<LocalFileSystem>()),
                                      FreshDir("fs-conformance")}; },
        .real_directories = true}),
    [](const auto& info) { return info.param.name; });

TEST(LocalFileSystemTest, ListingSkipsWritesInProgress) {
  LocalFileSystem fs;
  const std::string dir = FreshDir("local-fs");
  ASSERT_OK_AND_ASSIGN(auto out, fs.OpenWrite(dir + "/pending.bin"));
  ASSERT_OK(out->Write("x"));
  EXPECT_EQ(std::distance(stdfs::directory_iterator(dir), stdfs::directory_iterator()), 1);
  ASSERT_OK_AND_ASSIGN(auto all, fs.ListAll(dir));
  EXPECT_TRUE(all.empty());
  ASSERT_OK(out->Close());
  ASSERT_OK_AND_ASSIGN(all, fs.ListAll(dir));
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].path, dir + "/pending.bin");
  EXPECT_TRUE(all[0].mtime.has_value());
}

TEST(LocalFileSystemTest, FoldersAndFilesDoNotMix) {
  LocalFileSystem fs;
  const std::string dir = FreshDir("local-fs");
  ASSERT_OK(fs.WriteAll(dir + "/f", "x"));
  EXPECT_THAT(fs.CreateDir(dir + "/f"), IsError(ErrorCode::kAlreadyExists));
  ASSERT_OK(fs.CreateDir(dir + "/d"));
  const std::string d = dir + "/d";
  EXPECT_THAT(fs.Delete({&d, 1}), IsError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(fs.DeleteDir(dir + "/f"), IsError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(fs.DeleteDir(dir + "/none"), IsError(ErrorCode::kNotFound));
  EXPECT_THAT(fs.OpenRead(d), IsError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(fs.Stat(""), IsError(ErrorCode::kInvalidArgument));
}

TEST(LocalFileSystemTest, MoveIsARename) {
  LocalFileSystem fs;
  const std::string dir = FreshDir("local-fs");
  ASSERT_OK(fs.WriteAll(dir + "/a", "payload"));
  const auto inode = stdfs::hard_link_count(dir + "/a");
  ASSERT_OK(fs.Move(dir + "/a", dir + "/sub/b"));
  EXPECT_EQ(stdfs::hard_link_count(dir + "/sub/b"), inode);
  EXPECT_FALSE(stdfs::exists(dir + "/a"));
  EXPECT_EQ(fs.stats().Snapshot().count(RequestKind::kCopy), 1);
}

}  // namespace
}  // namespace quire::io
