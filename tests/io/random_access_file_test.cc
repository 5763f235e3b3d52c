#include "quire/io/random_access_file.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "quire/testing/matchers.h"

namespace quire::io {
namespace {

using ::quire::testing::IsError;
using ::testing::HasSubstr;

class RandomAccessFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("quire-io-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "data.bin").string();
    std::ofstream(path_, std::ios::binary) << "0123456789abcdef";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(RandomAccessFileTest, LocalFileReadsRangesAndReportsItsSize) {
  ASSERT_OK_AND_ASSIGN(auto f, OpenLocalFile(path_));
  EXPECT_EQ(*f->Size(), 16);
  ASSERT_OK_AND_ASSIGN(auto b, f->ReadAt(10, 6));
  EXPECT_EQ(b->ToStringView(), "abcdef");
  ASSERT_OK_AND_ASSIGN(auto empty, f->ReadAt(16, 0));
  EXPECT_EQ(empty->size(), 0);
  EXPECT_THAT(f->ReadAt(10, 7), IsError(ErrorCode::kInvalidArgument, HasSubstr("outside")));
  EXPECT_THAT(f->ReadAt(-1, 1), IsError(ErrorCode::kInvalidArgument));
  ASSERT_OK_AND_ASSIGN(auto all, ReadWholeFile(*f));
  EXPECT_EQ(all->ToStringView(), "0123456789abcdef");
}

TEST_F(RandomAccessFileTest, MissingFilesAndDirectoriesGetTypedErrors) {
  EXPECT_THAT(OpenLocalFile((dir_ / "nope").string()),
              IsError(ErrorCode::kNotFound, HasSubstr("no such file")));
  EXPECT_THAT(OpenLocalFile(dir_.string()),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("is a directory")));
}

TEST_F(RandomAccessFileTest, AFileTruncatedAfterOpeningGivesAnIOError) {
  ASSERT_OK_AND_ASSIGN(auto f, OpenLocalFile(path_));
  std::filesystem::resize_file(path_, 4);
  EXPECT_THAT(f->ReadAt(0, 16), IsError(ErrorCode::kIOError, HasSubstr("truncated")));
}

TEST(BufferFileTest, ReadsAreZeroCopySlices) {
  auto data = columnar::Buffer::Copy(std::string_view("hello world")).ValueOrDie();
  auto f = MakeBufferFile(data, "mem://x");
  ASSERT_OK_AND_ASSIGN(auto b, f->ReadAt(6, 5));
  EXPECT_EQ(b->data(), data->data() + 6);
  EXPECT_EQ(b->ToStringView(), "world");
  EXPECT_THAT(f->ReadAt(6, 6), IsError(ErrorCode::kInvalidArgument, HasSubstr("mem://x")));
}

}  // namespace
}  // namespace quire::io
