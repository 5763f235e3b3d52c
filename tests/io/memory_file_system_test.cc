/// \file tests/io/memory_file_system_test.cc
/// \brief The in-memory filesystem: the conformance suite, named stores, and
/// files that stay readable after they are replaced.
#include "quire/io/memory_file_system.h"

#include "file_system_conformance.h"
#include "quire/testing/matchers.h"

namespace quire::io {
namespace {

using ::quire::testing::IsError;

using testing::FileSystemConformance;

INSTANTIATE_TEST_SUITE_P(
    Memory, FileSystemConformance,
    ::testing::Values(
        testing::FileSystemUnderTest{
            .name = "memory",
            .make = [] { return std::pair{std::shared_ptr<FileSystem>(
                                              std::make_shared<MemoryFileSystem>("test")),
                                          std::string("root")}; }},
        testing::FileSystemUnderTest{
            .name = "memory_at_root",
            .make = [] { return std::pair{std::shared_ptr<FileSystem>(
                                              std::make_shared<MemoryFileSystem>("test")),
                                          std::string()}; }}),
    [](const auto& info) { return info.param.name; });

TEST(MemoryFileSystemTest, OpenFilesKeepTheirBytes) {
  auto fs = std::make_shared<MemoryFileSystem>();
  ASSERT_OK(fs->WriteAll("a", "old"));
  ASSERT_OK_AND_ASSIGN(auto file, fs->OpenRead("a"));
  ASSERT_OK(fs->WriteAll("a", "new!"));
  const std::string a = "a";
  ASSERT_OK(fs->Delete({&a, 1}));
  ASSERT_OK_AND_ASSIGN(auto bytes, file->ReadAt(0, 3));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(bytes->data()), 3), "old");
}

TEST(MemoryFileSystemTest, NamedStoresAreSharedByName) {
  auto one = MemoryFileSystem::Named("memory-test-shared");
  ASSERT_OK(one->WriteAll("k", "v"));
  EXPECT_EQ(MemoryFileSystem::Named("memory-test-shared").get(), one.get());
  EXPECT_THAT(MemoryFileSystem::Named("memory-test-other")->Stat("k"),
              IsError(ErrorCode::kNotFound, ::testing::HasSubstr("memory://memory-test-other/k")));
}

TEST(MemoryFileSystemTest, StreamsOutliveTheirStore) {
  std::unique_ptr<OutputStream> out;
  {
    auto fs = std::make_shared<MemoryFileSystem>();
    ASSERT_OK_AND_ASSIGN(out, fs->OpenWrite("x"));
  }
  ASSERT_OK(out->Write("still here"));
  ASSERT_OK(out->Close());
}

TEST(MemoryFileSystemTest, AFileIsNotAFolder) {
  MemoryFileSystem fs;
  ASSERT_OK(fs.WriteAll("f", "x"));
  EXPECT_THAT(fs.CreateDir("f/g"), IsError(ErrorCode::kAlreadyExists));
  EXPECT_THAT(fs.ListAll("f"), IsError(ErrorCode::kInvalidArgument));
  ASSERT_OK(fs.WriteAll("d/g", "x"));
  EXPECT_THAT(fs.WriteAll("d", "x"), IsError(ErrorCode::kAlreadyExists));
}

}  // namespace
}  // namespace quire::io
