/// \file tests/io/input_stream_test.cc
/// \brief Sequential input streams: local files, pipes and memory.
#include "quire/io/input_stream.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "quire/testing/matchers.h"

namespace quire::io {
namespace {

namespace fs = std::filesystem;
using ::quire::testing::IsError;
using ::testing::HasSubstr;

// Read the whole stream in reads of at most `chunk` bytes.
std::string ReadAll(InputStream& in, size_t chunk) {
  std::string out;
  std::string buf(chunk, '\0');
  while (true) {
    auto n = in.Read({reinterpret_cast<uint8_t*>(buf.data()), buf.size()});
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    if (!n.ok() || *n == 0) break;
    out.append(buf.data(), size_t(*n));
  }
  return out;
}

class InputStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("quire-input-test-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    path_ = (dir_ / "data.txt").string();
    std::ofstream(path_, std::ios::binary) << "0123456789abcdef";
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  std::string path_;
};

TEST_F(InputStreamTest, LocalFileReadsToTheEndAndKnowsItsSize) {
  ASSERT_OK_AND_ASSIGN(auto in, OpenLocalInput(path_));
  EXPECT_EQ(in->path(), path_);
  ASSERT_OK_AND_ASSIGN(auto size, in->size());
  ASSERT_TRUE(size.has_value());
  EXPECT_EQ(*size, 16);
  EXPECT_EQ(ReadAll(*in, 5), "0123456789abcdef");
  EXPECT_EQ(in->position(), 16);
  uint8_t byte;
  ASSERT_OK_AND_ASSIGN(int64_t n, in->Read({&byte, 1}));
  EXPECT_EQ(n, 0);
}

TEST_F(InputStreamTest, MissingFilesAndDirectoriesGetTypedErrorsNamingThePath) {
  const std::string missing = (dir_ / "nope.csv").string();
  EXPECT_THAT(OpenLocalInput(missing), IsError(ErrorCode::kNotFound, HasSubstr(missing)));
  EXPECT_THAT(OpenLocalInput(dir_.string()),
              IsError(ErrorCode::kIOError, HasSubstr(dir_.string() + ": cannot read: is a directory")));
}

TEST_F(InputStreamTest, UnreadableFileIsAnIOError) {
  if (::geteuid() == 0) {
    // root reads files whatever their mode: check the error path on a file whose
    // open fails for another reason (a path component that is a file is ENOTDIR,
    // kNotFound), and on the message instead.
    EXPECT_THAT(OpenLocalInput(path_ + "/x"), IsError(ErrorCode::kNotFound, HasSubstr(path_)));
    return;
  }
  fs::permissions(path_, fs::perms::none);
  EXPECT_THAT(OpenLocalInput(path_), IsError(ErrorCode::kIOError, HasSubstr(path_)));
}

TEST_F(InputStreamTest, PipeHasNoKnownSize) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_EQ(::write(fds[1], "abc", 3), 3);
  ::close(fds[1]);
  const std::string path = "/dev/fd/" + std::to_string(fds[0]);
  ASSERT_OK_AND_ASSIGN(auto in, OpenLocalInput(path));
  ::close(fds[0]);  // the stream opened its own descriptor
  ASSERT_OK_AND_ASSIGN(auto size, in->size());
  EXPECT_FALSE(size.has_value());
  EXPECT_EQ(ReadAll(*in, 2), "abc");
}

TEST_F(InputStreamTest, DashIsStandardInput) {
  ASSERT_OK_AND_ASSIGN(auto in, OpenLocalInput("-"));
  EXPECT_EQ(in->path(), "-");
  EXPECT_EQ(in->position(), 0);
}

TEST(MemoryInputTest, StringAndBufferStreamsReadTheirBytes) {
  auto s = MakeStringInput("hello world", "mem://s");
  EXPECT_EQ(s->path(), "mem://s");
  EXPECT_EQ(s->size()->value(), 11);
  EXPECT_EQ(ReadAll(*s, 4), "hello world");
  EXPECT_EQ(s->position(), 11);

  auto data = columnar::Buffer::Copy(std::string_view("xyz")).ValueOrDie();
  auto b = MakeBufferInput(data);
  EXPECT_EQ(b->size()->value(), 3);
  EXPECT_EQ(ReadAll(*b, 1), "xyz");

  auto empty = MakeStringInput("");
  EXPECT_EQ(ReadAll(*empty, 8), "");
}

}  // namespace
}  // namespace quire::io
