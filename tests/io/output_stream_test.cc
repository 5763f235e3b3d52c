/// \file tests/io/output_stream_test.cc
/// \brief Local and in-memory output streams: a file appears whole on Close() or
/// not at all, and failures leave neither the file nor a temporary behind.
#include "quire/io/output_stream.h"

#include <signal.h>
#include <sys/resource.h>
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

class OutputStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("quire-output-test-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  static std::string Contents(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  // Every entry of the folder (temporaries included).
  int Entries() const {
    int n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) ++n;
    return n;
  }

  fs::path dir_;
};

TEST_F(OutputStreamTest, AFileAppearsWholeOnlyWhenClosed) {
  const std::string path = Path("a.parquet");
  ASSERT_OK_AND_ASSIGN(auto out, OpenLocalOutput(path));
  std::string big(3 << 20, 'x');  // larger than the stream's buffer
  for (size_t i = 0; i < big.size(); ++i) big[i] = char('a' + i % 26);
  ASSERT_OK(out->Write("head:"));
  ASSERT_OK(out->Write(big));
  ASSERT_OK(out->Write(":tail"));
  EXPECT_EQ(out->position(), int64_t(big.size() + 10));
  EXPECT_FALSE(fs::exists(path)) << "nothing visible before Close()";
  EXPECT_EQ(Entries(), 1) << "one hidden temporary";
  ASSERT_OK(out->Close());
  EXPECT_EQ(Contents(path), "head:" + big + ":tail");
  EXPECT_EQ(Entries(), 1) << "the temporary became the file";
  EXPECT_THAT(out->Write("more"), IsError(ErrorCode::kInvalidArgument, HasSubstr("closed")));
  EXPECT_THAT(out->Close(), IsError(ErrorCode::kInvalidArgument));
}

TEST_F(OutputStreamTest, AbortAndDestructionLeaveNothing) {
  const std::string path = Path("b.parquet");
  {
    ASSERT_OK_AND_ASSIGN(auto out, OpenLocalOutput(path));
    ASSERT_OK(out->Write("partial"));
  }  // destroyed without Close()
  EXPECT_EQ(Entries(), 0);
  ASSERT_OK_AND_ASSIGN(auto out, OpenLocalOutput(path));
  ASSERT_OK(out->Write("partial"));
  out->Abort();
  out->Abort();  // idempotent
  EXPECT_EQ(Entries(), 0);
  EXPECT_THAT(out->Close(), IsError(ErrorCode::kInvalidArgument));
}

TEST_F(OutputStreamTest, OverwritingReplacesTheOldFileAtOnce) {
  const std::string path = Path("c.txt");
  std::ofstream(path) << "old contents";
  ASSERT_OK_AND_ASSIGN(auto out, OpenLocalOutput(path));
  ASSERT_OK(out->Write("new"));
  EXPECT_EQ(Contents(path), "old contents") << "the old file stays until Close()";
  ASSERT_OK(out->Close());
  EXPECT_EQ(Contents(path), "new");
}

TEST_F(OutputStreamTest, WithoutOverwriteAnExistingFileWins) {
  const std::string path = Path("d.json");
  LocalOutputOptions options;
  options.overwrite = false;
  options.sync = true;
  ASSERT_OK_AND_ASSIGN(auto first, OpenLocalOutput(path, options));
  ASSERT_OK_AND_ASSIGN(auto second, OpenLocalOutput(path, options));
  ASSERT_OK(first->Write("first"));
  ASSERT_OK(second->Write("second"));
  ASSERT_OK(first->Close());
  EXPECT_THAT(second->Close(), IsError(ErrorCode::kAlreadyExists, HasSubstr("d.json")));
  EXPECT_EQ(Contents(path), "first");
  EXPECT_EQ(Entries(), 1) << "the loser's temporary is gone";
}

TEST_F(OutputStreamTest, BadPathsGetTypedErrors) {
  EXPECT_THAT(OpenLocalOutput(Path("missing/e.parquet")),
              IsError(ErrorCode::kNotFound, HasSubstr("missing/e.parquet")));
  EXPECT_THAT(OpenLocalOutput(""), IsError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(OpenLocalOutput(Path("dir/")), IsError(ErrorCode::kInvalidArgument));
}

// A write the storage refuses (here: past the process's file size limit, as a full
// disk would) is an IOError, and Close() leaves neither file nor temporary.
TEST_F(OutputStreamTest, AFailedWriteLeavesNothing) {
  const std::string path = Path("f.parquet");
  struct rlimit old_limit;
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  auto old_handler = signal(SIGXFSZ, SIG_IGN);  // write(2) then fails with EFBIG
  struct rlimit limit = old_limit;
  limit.rlim_cur = 1 << 20;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &limit), 0);
  Status st;
  {
    auto out = OpenLocalOutput(path);
    ASSERT_TRUE(out.ok());
    const std::string chunk(256 << 10, 'z');
    for (int i = 0; i < 16 && st.ok(); ++i) st = (*out)->Write(chunk);
    if (st.ok()) st = (*out)->Close();
  }
  setrlimit(RLIMIT_FSIZE, &old_limit);
  signal(SIGXFSZ, old_handler);
  EXPECT_THAT(st, IsError(ErrorCode::kIOError, HasSubstr("f.parquet")));
  EXPECT_EQ(Entries(), 0);
}

TEST(BufferOutputStreamTest, KeepsTheBytesInMemory) {
  BufferOutputStream out;
  ASSERT_OK(out.Write("abc"));
  ASSERT_OK(out.Write(std::string(100, 'd')));
  EXPECT_EQ(out.position(), 103);
  EXPECT_EQ(out.buffer(), nullptr);
  ASSERT_OK(out.Close());
  ASSERT_NE(out.buffer(), nullptr);
  EXPECT_EQ(out.buffer()->ToStringView(), "abc" + std::string(100, 'd'));
  EXPECT_THAT(out.Write("x"), IsError(ErrorCode::kInvalidArgument));
}

}  // namespace
}  // namespace quire::io
