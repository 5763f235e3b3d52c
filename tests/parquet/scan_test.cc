/// \file tests/parquet/scan_test.cc
/// \brief FileReader::Scan (row groups spread over workers, each decoded and
/// consumed on one thread) gives the rows of a plain read for every corpus file,
/// stops at the first error, and counts what it pruned as Read() does.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "quire/columnar/json.h"
#include "quire/columnar/record_batch.h"
#include "quire/compute/expression.h"
#include "quire/io/random_access_file.h"
#include "quire/parquet/file_reader.h"
#include "quire/testing/matchers.h"
#include "corpus.h"

namespace quire::parquet {
namespace {

// The rows of a single-threaded read of whole row groups: no Scan involved.
Result<std::string> PlainRows(const FileReader& reader, ReadOptions options) {
  options.num_threads = 1;
  options.stream_row_groups = false;
  QUIRE_ASSIGN_OR_RETURN(auto stream, reader.Read(options));
  std::vector<columnar::RecordBatchPtr> all;
  while (true) {
    QUIRE_ASSIGN_OR_RETURN(auto batch, stream->Next());
    if (!batch) break;
    all.push_back(std::move(batch));
  }
  QUIRE_ASSIGN_OR_RETURN(auto table, columnar::Table::FromBatches(stream->schema(), all));
  return columnar::RowsToJson(*table);
}

// The rows of a scan, row groups put back in file order, checking on the way that
// each row group came whole from one worker, in batches of the size asked.
Result<std::string> ScannedRows(const FileReader& reader, const ReadOptions& options,
                                int workers) {
  std::mutex mutex;
  std::map<int, std::vector<columnar::RecordBatchPtr>> groups;
  std::map<int, int> worker_of;
  Status problem;
  QUIRE_RETURN_NOT_OK(reader.Scan(options, [&](int worker, int g, const auto& batch) {
    std::lock_guard<std::mutex> lock(mutex);
    if (worker < 0 || worker >= workers) {
      return Status::Invalid("worker {} of {}", worker, workers);
    }
    if (!worker_of.emplace(g, worker).second && worker_of[g] != worker) {
      return Status::Invalid("row group {} on workers {} and {}", g, worker_of[g], worker);
    }
    if (batch->num_rows() == 0 || batch->num_rows() > options.batch_rows) {
      return Status::Invalid("a batch of {} rows", batch->num_rows());
    }
    QUIRE_RETURN_NOT_OK(batch->ValidateFull());
    groups[g].push_back(batch);
    return Status::OK();
  }));
  std::vector<columnar::RecordBatchPtr> all;
  for (auto& [g, batches] : groups) {
    for (auto& b : batches) all.push_back(std::move(b));
  }
  ReadOptions for_schema = options;  // counting nothing
  for_schema.stats = nullptr;
  QUIRE_ASSIGN_OR_RETURN(auto schema, reader.Read(for_schema));
  QUIRE_ASSIGN_OR_RETURN(auto table, columnar::Table::FromBatches(schema->schema(), all));
  return columnar::RowsToJson(*table);
}

// A corpus file of 8 or more row groups.
std::unique_ptr<FileReader> ManyRowGroups() {
  for (const auto& path : test::CorpusFiles()) {
    if (path.string().find("bad_data") != std::string::npos) continue;
    auto read = test::ReadWhole(path);
    if (read && read->reader->num_row_groups() >= 8) return std::move(read->reader);
  }
  return nullptr;
}

TEST(ScanTest, GivesTheRowsOfAPlainReadForEveryCorpusFile) {
  int files = 0, several_groups = 0, call = 0;
  for (const auto& path : test::CorpusFiles()) {
    if (!test::ReadableCandidate(path)) continue;
    const std::string p = path.string();
    auto file = io::OpenLocalFile(p);
    if (!file.ok()) continue;
    auto reader = FileReader::Open(std::move(*file));
    if (!reader.ok()) continue;
    auto expected = PlainRows(**reader, {});
    if (!expected.ok()) continue;  // refused files: the robustness tests' business
    ReadOptions options;
    options.num_threads = (call % 3 == 0) ? 2 : (call % 3 == 1) ? 1 : 0;
    options.batch_rows = (call % 2) ? 1000 : 64 * 1024;
    ++call;
    const int workers = options.num_threads == 0 ? util::ThreadPool::Default()->size()
                                                 : options.num_threads;
    auto actual = ScannedRows(**reader, options, workers);
    ASSERT_TRUE(actual.ok()) << p << ": " << actual.status().ToString();
    ASSERT_EQ(*actual, *expected) << p;
    ++files;
    several_groups += (*reader)->num_row_groups() > 1;
  }
  EXPECT_GT(files, 100);
  EXPECT_GE(several_groups, 5);  // the corpus has 6 files of several row groups
}

// Reads with a filter: the same rows as Read(), and the same pruning counts.
TEST(ScanTest, FiltersAndCountsLikeRead) {
  const auto path = test::CorpusRoot() / "data" / "alltypes_tiny_pages.parquet";
  ASSERT_OK_AND_ASSIGN(auto file, io::OpenLocalFile(path.string()));
  ASSERT_OK_AND_ASSIGN(auto reader, FileReader::Open(std::move(file)));
  ASSERT_OK_AND_ASSIGN(auto filter, compute::ParseExpression("int_col = 3 and id < 5000"));
  for (bool late : {false, true}) {
    ReadOptions options;
    options.filter = filter;
    options.late_materialize = late;
    options.columns = {"id", "string_col"};
    options.batch_rows = 99;
    ReadStats read_stats, scan_stats;
    options.stats = &read_stats;
    ASSERT_OK_AND_ASSIGN(auto expected, PlainRows(*reader, options));
    options.stats = &scan_stats;
    options.num_threads = 2;
    ASSERT_OK_AND_ASSIGN(auto actual, ScannedRows(*reader, options, 2));
    EXPECT_EQ(actual, expected);
    EXPECT_GT(read_stats.rows_returned, 100);
    EXPECT_EQ(scan_stats.row_groups, read_stats.row_groups);
    EXPECT_EQ(scan_stats.row_groups_pruned, read_stats.row_groups_pruned);
    EXPECT_EQ(scan_stats.rows_read, read_stats.rows_read);
    EXPECT_EQ(scan_stats.rows_returned, read_stats.rows_returned);
    EXPECT_EQ(scan_stats.pages_pruned, read_stats.pages_pruned);
    EXPECT_EQ(scan_stats.rows_pruned, read_stats.rows_pruned);
  }
}

// An error returned by the consumer stops every worker and comes back from Scan.
TEST(ScanTest, StopsAtTheFirstErrorOfTheConsumer) {
  std::unique_ptr<FileReader> reader = ManyRowGroups();
  ASSERT_NE(reader, nullptr);
  std::atomic<int> calls{0};
  ReadOptions options;
  options.num_threads = 2;
  Status st = reader->Scan(options, [&](int, int, const auto&) {
    ++calls;
    return Status::Invalid("consumer had enough");
  });
  EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(st.ToString().find("consumer had enough"), std::string::npos);
  EXPECT_LE(calls.load(), 2);  // one batch per worker at most
}

// Decoding errors of a damaged file come back as the same typed error as Read()'s.
TEST(ScanTest, ReportsDecodingErrorsLikeRead) {
  int failing = 0;
  for (const auto& path : test::CorpusFiles()) {
    if (path.string().find("bad_data") == std::string::npos) continue;
    auto file = io::OpenLocalFile(path.string());
    if (!file.ok()) continue;
    auto reader = FileReader::Open(std::move(*file));
    if (!reader.ok()) continue;
    auto plain = PlainRows(**reader, {});
    ReadOptions options;
    options.num_threads = 2;
    Status st = (*reader)->Scan(options, [](int, int, const auto&) { return Status::OK(); });
    EXPECT_EQ(st.ok(), plain.ok()) << path;
    if (!plain.ok()) {
      EXPECT_EQ(st.code(), plain.status().code()) << path << ": " << st.ToString();
      ++failing;
    }
  }
  EXPECT_GT(failing, 0);
}

// Scans run from tasks of the process-wide pool, as many as it has threads, each
// asking that same pool for helpers: none is free, so each task's scan must finish
// on its own thread instead of waiting for helpers that cannot start.
TEST(ScanTest, RunsFromTheSharedPoolsOwnTasks) {
  std::unique_ptr<FileReader> reader = ManyRowGroups();
  ASSERT_NE(reader, nullptr);
  ASSERT_OK_AND_ASSIGN(auto expected, PlainRows(*reader, {}));
  util::ThreadPool* pool = util::ThreadPool::Default();
  std::vector<std::future<std::string>> tasks;
  for (int t = 0; t < pool->size() + 1; ++t) {
    tasks.push_back(pool->Submit([&] {
      ReadOptions options;
      options.num_threads = 0;
      options.batch_rows = 500;
      auto rows = ScannedRows(*reader, options, pool->size());
      return rows.ok() ? *rows : rows.status().ToString();
    }));
  }
  for (auto& t : tasks) EXPECT_EQ(t.get(), expected);
}

}  // namespace
}  // namespace quire::parquet
