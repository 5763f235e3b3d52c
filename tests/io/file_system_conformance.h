#pragma once

/// \file tests/io/file_system_conformance.h
/// \brief One suite for every FileSystem: each implementation's test file
/// instantiates FileSystemConformance with a FileSystemUnderTest that says how
/// to make it and what it can do (after Arrow's filesystem test_util.h).

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "quire/io/file_system.h"

namespace quire::io::testing {

/// \brief How to make one filesystem for the suite, and what it can do.
struct FileSystemUnderTest {
  std::string name;
  /// Return the filesystem and an empty folder (a fresh prefix) for one test.
  std::function<std::pair<std::shared_ptr<FileSystem>, std::string>()> make;
  /// Folders exist on their own (local): a missing one lists as kNotFound, and an
  /// empty one made by CreateDir() is listed. Otherwise folders are prefixes.
  bool real_directories = false;
  /// Conditional creation (PutIfAbsent, WriteOptions::overwrite = false) is
  /// enforced by the store. Where a test server lacks it, the suite says so and
  /// the conditional tests are run against the stores that have it.
  bool conditional_writes = true;
  /// Bytes of the largest file the suite writes (big enough to cross a multipart
  /// boundary when the filesystem is made with a small part size).
  int64_t large_file_bytes = 3 << 20;
};

inline std::string PrintToString(const FileSystemUnderTest& fs) { return fs.name; }

class FileSystemConformance : public ::testing::TestWithParam<FileSystemUnderTest> {
 protected:
  void SetUp() override {
    auto [fs, root] = GetParam().make();
    ASSERT_NE(fs, nullptr);
    fs_ = std::move(fs);
    root_ = std::move(root);
  }
  std::string P(std::string_view rel) const { return JoinPath(root_, rel); }
  void Write(std::string_view rel, std::string_view data) {
    ASSERT_TRUE(fs_->WriteAll(P(rel), data).ok()) << rel;
  }
  std::string Read(std::string_view rel) {
    auto data = fs_->ReadAll(P(rel));
    EXPECT_TRUE(data.ok()) << data.status().ToString();
    if (!data.ok()) return "<error>";
    return std::string(reinterpret_cast<const char*>((*data)->data()), size_t((*data)->size()));
  }
  /// Paths of ListAll below `rel`, relative to the test's folder; folders end in "/".
  std::vector<std::string> Names(std::string_view rel, bool recursive);

  std::shared_ptr<FileSystem> fs_;
  std::string root_;
};

}  // namespace quire::io::testing
