/// \file tests/io/file_system_conformance_test.cc
/// \brief The behaviour every FileSystem shares (local, memory, S3, Azure): what
/// a write makes visible and when, listings, deletes, copies and moves, the
/// commit primitive PutIfAbsent, errors, and the request counters.
#include "file_system_conformance.h"

#include <algorithm>
#include <atomic>
#include <random>
#include <thread>

#include "store_test_util.h"
#include "quire/testing/matchers.h"

namespace quire::io::testing {

using ::quire::testing::AsString;
using ::quire::testing::Bytes;
using ::quire::testing::IsError;
using ::quire::testing::RandomBytes;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> FileSystemConformance::Names(std::string_view rel, bool recursive) {
  ListOptions options;
  options.recursive = recursive;
  auto all = fs_->ListAll(P(rel), options);
  EXPECT_TRUE(all.ok()) << all.status().ToString();
  std::vector<std::string> names;
  if (!all.ok()) return names;
  const std::string prefix = root_.empty() ? "" : root_ + "/";
  for (const auto& info : *all) {
    std::string name = info.path;
    if (name.starts_with(prefix)) name = name.substr(prefix.size());
    names.push_back(info.is_dir() ? name + "/" : name);
  }
  return names;
}

namespace {

TEST_P(FileSystemConformance, WrittenFileReadsBackByRange) {
  const std::string data = RandomBytes(100000, 1);
  Write("a.bin", data);
  ASSERT_OK_AND_ASSIGN(auto file, fs_->OpenRead(P("a.bin")));
  ASSERT_OK_AND_ASSIGN(int64_t size, file->Size());
  EXPECT_EQ(size, int64_t(data.size()));
  ASSERT_OK_AND_ASSIGN(auto mid, file->ReadAt(1234, 5000));
  EXPECT_EQ(AsString(mid), data.substr(1234, 5000));
  ASSERT_OK_AND_ASSIGN(auto empty, file->ReadAt(data.size(), 0));
  EXPECT_EQ(empty->size(), 0);
  ASSERT_OK_AND_ASSIGN(auto tail, file->ReadTail(777));
  EXPECT_EQ(AsString(tail), data.substr(data.size() - 777));
  ASSERT_OK_AND_ASSIGN(auto longer, file->ReadTail(1 << 20));
  EXPECT_EQ(AsString(longer), data);
  EXPECT_THAT(file->ReadAt(int64_t(data.size()) - 10, 11),
              IsError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(file->ReadAt(-1, 2), IsError(ErrorCode::kInvalidArgument));
}

TEST_P(FileSystemConformance, KnownSizeOpensWithoutAsking) {
  Write("k.bin", "0123456789");
  ASSERT_OK_AND_ASSIGN(auto file, fs_->OpenRead(P("k.bin"), {.size = 10}));
  ASSERT_OK_AND_ASSIGN(auto bytes, file->ReadAt(3, 4));
  EXPECT_EQ(AsString(bytes), "3456");
}

TEST_P(FileSystemConformance, EmptyFileExistsWithSizeZero) {
  Write("empty", "");
  ASSERT_OK_AND_ASSIGN(FileInfo info, fs_->Stat(P("empty")));
  EXPECT_TRUE(info.is_file());
  EXPECT_EQ(info.size, 0);
  EXPECT_EQ(Read("empty"), "");
}

TEST_P(FileSystemConformance, LargeFileWrittenInOddPiecesReadsBack) {
  const std::string data = RandomBytes(size_t(GetParam().large_file_bytes), 2);
  ASSERT_OK_AND_ASSIGN(auto out, fs_->OpenWrite(P("big/large.bin")));
  for (size_t at = 0, step = 1; at < data.size(); at += step, step = step * 3 + 7) {
    step = std::min(step, data.size() - at);
    ASSERT_OK(out->Write(std::string_view(data).substr(at, step)));
  }
  EXPECT_EQ(out->position(), int64_t(data.size()));
  EXPECT_THAT(fs_->Stat(P("big/large.bin")), IsError(ErrorCode::kNotFound));
  ASSERT_OK(out->Close());
  EXPECT_EQ(Read("big/large.bin"), data);
}

TEST_P(FileSystemConformance, NothingIsVisibleBeforeClose) {
  ASSERT_OK_AND_ASSIGN(auto out, fs_->OpenWrite(P("x/late.txt")));
  ASSERT_OK(out->Write("hello"));
  EXPECT_THAT(fs_->Stat(P("x/late.txt")), IsError(ErrorCode::kNotFound));
  EXPECT_THAT(Names("", true), ::testing::IsEmpty());
  ASSERT_OK(out->Close());
  EXPECT_EQ(Read("x/late.txt"), "hello");
  EXPECT_THAT(out->Write("more"), IsError(ErrorCode::kInvalidArgument));
}

TEST_P(FileSystemConformance, AbortedAndDroppedWritesLeaveNothing) {
  {
    ASSERT_OK_AND_ASSIGN(auto out, fs_->OpenWrite(P("aborted")));
    ASSERT_OK(out->Write(RandomBytes(size_t(GetParam().large_file_bytes), 3)));
    out->Abort();
    out->Abort();  // idempotent
  }
  {
    ASSERT_OK_AND_ASSIGN(auto out, fs_->OpenWrite(P("dropped")));
    ASSERT_OK(out->Write("never closed"));
  }
  EXPECT_THAT(fs_->Stat(P("aborted")), IsError(ErrorCode::kNotFound));
  EXPECT_THAT(fs_->Stat(P("dropped")), IsError(ErrorCode::kNotFound));
  EXPECT_THAT(Names("", true), ::testing::IsEmpty());
}

TEST_P(FileSystemConformance, WriteReplaces) {
  Write("r.txt", "first version");
  Write("r.txt", "second");
  EXPECT_EQ(Read("r.txt"), "second");
  ASSERT_OK_AND_ASSIGN(FileInfo info, fs_->Stat(P("r.txt")));
  EXPECT_EQ(info.size, 6);
}

TEST_P(FileSystemConformance, StatTellsFilesFromFolders) {
  Write("d/e/f.txt", "abc");
  ASSERT_OK_AND_ASSIGN(FileInfo file, fs_->Stat(P("d/e/f.txt")));
  EXPECT_TRUE(file.is_file());
  EXPECT_EQ(file.size, 3);
  EXPECT_EQ(file.path, P("d/e/f.txt"));
  ASSERT_OK_AND_ASSIGN(FileInfo dir, fs_->Stat(P("d/e")));
  EXPECT_TRUE(dir.is_dir());
  ASSERT_OK_AND_ASSIGN(dir, fs_->Stat(P("d")));
  EXPECT_TRUE(dir.is_dir());
  EXPECT_THAT(fs_->Stat(P("d/e/f")), IsError(ErrorCode::kNotFound));
  EXPECT_THAT(fs_->Stat(P("d/e/f.txt.x")), IsError(ErrorCode::kNotFound));
  // "d/e/f" is neither a file nor a folder although "d/e/f.txt" starts with it.
  auto missing = fs_->Stat(P("nope/none"));
  EXPECT_THAT(missing, IsError(ErrorCode::kNotFound, HasSubstr("nope/none")));
}

TEST_P(FileSystemConformance, MissingFileIsNotFoundNamingIt) {
  EXPECT_THAT(fs_->OpenRead(P("ghost.parquet")),
              IsError(ErrorCode::kNotFound, HasSubstr("ghost.parquet")));
  EXPECT_THAT(fs_->ReadAll(P("ghost.parquet")), IsError(ErrorCode::kNotFound));
  ASSERT_OK_AND_ASSIGN(bool exists, fs_->Exists(P("ghost.parquet")));
  EXPECT_FALSE(exists);
}

TEST_P(FileSystemConformance, ListShowsChildrenOrEverythingBelow) {
  Write("t/a.txt", "1");
  Write("t/b/c.txt", "22");
  Write("t/b/d/e.txt", "333");
  Write("t/bc.txt", "4444");
  Write("u.txt", "5");
  EXPECT_THAT(Names("t", false), ElementsAre("t/a.txt", "t/b/", "t/bc.txt"));
  EXPECT_THAT(Names("t", true),
              ElementsAre("t/a.txt", "t/b/c.txt", "t/b/d/e.txt", "t/bc.txt"));
  EXPECT_THAT(Names("t/b", true), ElementsAre("t/b/c.txt", "t/b/d/e.txt"));
  EXPECT_THAT(Names("", false), ElementsAre("t/", "u.txt"));
  ASSERT_OK_AND_ASSIGN(auto all, fs_->ListAll(P("t"), {.recursive = true}));
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[2].size, 3);
  EXPECT_TRUE(all[2].is_file());
}

TEST_P(FileSystemConformance, ListComesInPages) {
  for (int i = 0; i < 7; ++i) Write(fmt::format("p/f{}", i), "x");
  ASSERT_OK_AND_ASSIGN(auto lister, fs_->List(P("p"), {.recursive = true, .page_size = 3}));
  std::vector<size_t> sizes;
  std::vector<std::string> seen;
  for (;;) {
    ASSERT_OK_AND_ASSIGN(auto page, lister->Next());
    if (page.empty()) break;
    sizes.push_back(page.size());
    for (auto& info : page) seen.push_back(info.path);
  }
  EXPECT_THAT(sizes, ElementsAre(3, 3, 1));
  ASSERT_EQ(seen.size(), 7u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
}

TEST_P(FileSystemConformance, ListStartsAfterAPath) {
  for (int i = 0; i < 7; ++i) Write(fmt::format("s/{:02}.json", i), "x");
  ASSERT_OK_AND_ASSIGN(
      auto after, fs_->ListAll(P("s"), {.recursive = true, .page_size = 2,
                                        .start_after = P("s/03.json")}));
  std::vector<std::string> names;
  for (const auto& info : after) names.push_back(info.path.substr(info.path.size() - 7));
  EXPECT_THAT(names, ElementsAre("04.json", "05.json", "06.json"));
  ASSERT_OK_AND_ASSIGN(after, fs_->ListAll(P("s"), {.start_after = P("s/02.x")}));
  EXPECT_EQ(after.size(), 4u);
  ASSERT_OK_AND_ASSIGN(after, fs_->ListAll(P("s"), {.start_after = P("s/09.json")}));
  EXPECT_TRUE(after.empty());
}

TEST_P(FileSystemConformance, MissingFolderListsAsEmptyOrNotFound) {
  auto all = fs_->ListAll(P("absent"));
  if (GetParam().real_directories) {
    EXPECT_THAT(all, IsError(ErrorCode::kNotFound));
  } else {
    ASSERT_OK(all.status());
    EXPECT_TRUE(all->empty());
  }
}

TEST_P(FileSystemConformance, CreateDirIsHarmlessAndShowsWhereFoldersAreReal) {
  ASSERT_OK(fs_->CreateDir(P("made/deep")));
  ASSERT_OK(fs_->CreateDir(P("made/deep")));  // again: no error
  Write("made/deep/f", "x");
  EXPECT_THAT(Names("made", false), ElementsAre("made/deep/"));
  ASSERT_OK(fs_->CreateDir(P("solo")));
  if (GetParam().real_directories) {
    EXPECT_THAT(Names("", false), ElementsAre("made/", "solo/"));
  }
}

TEST_P(FileSystemConformance, DeleteIsBatchedAndIgnoresMissingFiles) {
  std::vector<std::string> paths;
  for (int i = 0; i < 25; ++i) {
    paths.push_back(P(fmt::format("del/f{:02}", i)));
    Write(fmt::format("del/f{:02}", i), "x");
  }
  Write("del/keep", "k");
  paths.push_back(P("del/never-existed"));
  ASSERT_OK(fs_->Delete(paths));
  EXPECT_THAT(Names("del", true), ElementsAre("del/keep"));
  ASSERT_OK(fs_->Delete({}));
}

TEST_P(FileSystemConformance, DeleteDirRemovesOnlyWhatIsBelow) {
  Write("dd/a", "1");
  Write("dd/sub/b", "2");
  Write("ddx/c", "3");  // shares the prefix "dd" but is not below "dd/"
  ASSERT_OK(fs_->DeleteDir(P("dd")));
  EXPECT_THAT(fs_->Stat(P("dd/a")), IsError(ErrorCode::kNotFound));
  EXPECT_THAT(fs_->Stat(P("dd")), IsError(ErrorCode::kNotFound));
  EXPECT_THAT(Names("", true), ElementsAre("ddx/c"));
}

TEST_P(FileSystemConformance, CopyAndMove) {
  const std::string data = RandomBytes(50000, 4);
  Write("src.bin", data);
  ASSERT_OK(fs_->Copy(P("src.bin"), P("copies/dst.bin")));
  EXPECT_EQ(Read("src.bin"), data);
  EXPECT_EQ(Read("copies/dst.bin"), data);
  ASSERT_OK(fs_->Move(P("copies/dst.bin"), P("moved/m.bin")));
  EXPECT_EQ(Read("moved/m.bin"), data);
  EXPECT_THAT(fs_->Stat(P("copies/dst.bin")), IsError(ErrorCode::kNotFound));
  EXPECT_THAT(fs_->Copy(P("nothing"), P("x")), IsError(ErrorCode::kNotFound));
  EXPECT_THAT(fs_->Move(P("nothing"), P("x")), IsError(ErrorCode::kNotFound));
}

TEST_P(FileSystemConformance, PutIfAbsentCreatesOnce) {
  const std::string v0 = "{\"commitInfo\":0}";
  ASSERT_OK(fs_->PutIfAbsent(P("_delta_log/00000.json"),
                             {reinterpret_cast<const uint8_t*>(v0.data()), v0.size()}));
  EXPECT_EQ(Read("_delta_log/00000.json"), v0);
  // The rest needs a store that enforces the condition (see the instantiation for
  // the servers that do not); there the refusal is asserted.
  if (!GetParam().conditional_writes) return;
  const std::string other = "other";
  EXPECT_THAT(fs_->PutIfAbsent(P("_delta_log/00000.json"),
                               {reinterpret_cast<const uint8_t*>(other.data()), other.size()}),
              IsError(ErrorCode::kAlreadyExists, HasSubstr("00000.json")));
  EXPECT_EQ(Read("_delta_log/00000.json"), v0);
  ASSERT_OK_AND_ASSIGN(auto out, fs_->OpenWrite(P("_delta_log/00000.json"), {.overwrite = false}));
  ASSERT_OK(out->Write("third"));
  EXPECT_THAT(out->Close(), IsError(ErrorCode::kAlreadyExists));
  EXPECT_EQ(Read("_delta_log/00000.json"), v0);
}

TEST_P(FileSystemConformance, PutIfAbsentRaceHasOneWinner) {
  // Without an enforced condition every writer "wins"; nothing to race.
  if (!GetParam().conditional_writes) return;
  constexpr int kWriters = 8;
  std::atomic<int> won{0}, lost{0}, failed{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      const std::string body = fmt::format("writer {}", w);
      Status st = fs_->PutIfAbsent(P("race/00001.json"),
                                   {reinterpret_cast<const uint8_t*>(body.data()), body.size()});
      if (st.ok()) {
        ++won;
      } else if (st.code() == ErrorCode::kAlreadyExists) {
        ++lost;
      } else {
        ++failed;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(lost.load(), kWriters - 1);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_THAT(Read("race/00001.json"), ::testing::StartsWith("writer "));
}

TEST_P(FileSystemConformance, ConcurrentRangedReadsAgree) {
  const std::string data = RandomBytes(1 << 20, 5);
  Write("conc.bin", data);
  ASSERT_OK_AND_ASSIGN(auto file, fs_->OpenRead(P("conc.bin")));
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng{uint32_t(t)};
      for (int i = 0; i < 10; ++i) {
        const int64_t off = rng() % data.size();
        const int64_t len = std::min<int64_t>(rng() % 100000, int64_t(data.size()) - off);
        auto r = file->ReadAt(off, len);
        if (!r.ok() || AsString(*r) != data.substr(size_t(off), size_t(len))) ++bad;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad.load(), 0);
}

TEST_P(FileSystemConformance, AwkwardNamesRoundTrip) {
  const std::vector<std::string> names = {"with space/a b.txt", "ümlaut/é.txt",
                                          "plus+equals=/p%20q.txt", "date=2024-05-01/part-0.parquet",
                                          "semi;colon/x&y.txt"};
  for (const auto& n : names) Write(n, n);
  for (const auto& n : names) EXPECT_EQ(Read(n), n);
  EXPECT_EQ(Names("", true).size(), names.size());
  EXPECT_THAT(Names("date=2024-05-01", false), ElementsAre("date=2024-05-01/part-0.parquet"));
}

TEST_P(FileSystemConformance, CountsRequestsAndBytes) {
  Write("c.bin", RandomBytes(4096, 6));
  const IoStatsSnapshot before = fs_->stats().Snapshot();
  ASSERT_OK_AND_ASSIGN(auto file, fs_->OpenRead(P("c.bin"), {.size = 4096}));
  ASSERT_OK(file->ReadAt(0, 1000).status());
  ASSERT_OK(file->ReadAt(2000, 1000).status());
  const IoStatsSnapshot d = fs_->stats().Snapshot() - before;
  EXPECT_EQ(d.count(RequestKind::kRead), 2);
  EXPECT_EQ(d.bytes_read, 2000);
  EXPECT_THAT(d.ToString(), HasSubstr("read=2"));
  const IoStatsSnapshot before_write = fs_->stats().Snapshot();
  Write("w.bin", RandomBytes(3000, 7));
  const IoStatsSnapshot w = fs_->stats().Snapshot() - before_write;
  EXPECT_EQ(w.bytes_written, 3000);
  EXPECT_GE(w.count(RequestKind::kWrite), 1);
}

}  // namespace
}  // namespace quire::io::testing
