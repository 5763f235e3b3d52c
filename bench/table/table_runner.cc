/// \file bench/table/table_runner.cc
/// \brief Table workloads, one per process (run under /usr/bin/time for peak RSS),
/// printing `workload=.. engine=quire threads=.. rows=N elapsed_s=S`:
/// - W5: the harness's Hive-partitioned scan (../shared/bench, lib.mjs) on a quire
///   table converted from events_hive: `date in (2024-02-03, 2024-02-04,
///   2024-02-05) and event_type = 'purchase'`, all columns, materialised.
/// - commit: latency of small appends (100 rows each) to a fresh table: median and
///   90th percentile over --commits.
/// - append: --rows rows (events-like columns) appended in one commit, streamed.
/// - checkpoint: a table of --files files (one log entry of adds with stats), then
///   its checkpoint written from a fresh open.
/// - optimize: Optimize() of --table (events_table packs 10 files a date into 1).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "quire/columnar/builder.h"
#include "quire/columnar/type_parse.h"
#include "quire/compute/expression.h"
#include "quire/io/input_stream.h"
#include "quire/io/local_file_system.h"
#include "quire/table/checkpoint.h"
#include "quire/table/log_segment.h"
#include "quire/table/maintenance.h"
#include "quire/table/scan.h"
#include "quire/table/transaction.h"
#include "quire/text/jsonl_reader.h"

namespace {

using namespace quire;
using Clock = std::chrono::steady_clock;

std::string Arg(int argc, char** argv, const std::string& name, std::string fallback) {
  const std::string prefix = "--" + name + "=";
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]).starts_with(prefix)) return argv[i] + prefix.size();
  }
  return fallback;
}

int Fail(const Status& status) {
  std::fprintf(stderr, "table_runner: %s\n", status.ToString().c_str());
  return 1;
}

// Peak resident memory of the process so far, in MB (VmHWM).
double PeakRssMb() {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return 0;
  char line[256];
  double kb = 0;
  while (std::fgets(line, sizeof(line), f)) {
    if (std::sscanf(line, "VmHWM: %lf kB", &kb) == 1) break;
  }
  std::fclose(f);
  return kb / 1024;
}

double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Batches of events-like rows: id, user_id, value, event_type (20 values), made
// deterministically, `batch` rows at a time until `total`.
class Generator final : public columnar::RecordBatchReader {
 public:
  Generator(int64_t total, int64_t batch) : total_(total), batch_(batch) {
    schema_ = *columnar::ParseSchema("id: int64, user_id: int64, value: double, event_type: string");
  }
  columnar::SchemaPtr schema() const override { return schema_; }
  Result<columnar::RecordBatchPtr> Next() override {
    if (done_ >= total_) return nullptr;
    const int64_t n = std::min(batch_, total_ - done_);
    std::vector<int64_t> ids(static_cast<size_t>(n)), users(static_cast<size_t>(n));
    std::vector<double> values(static_cast<size_t>(n));
    columnar::OffsetBinaryBuilder<int32_t> types(columnar::utf8());
    for (int64_t i = 0; i < n; ++i) {
      const uint64_t h = uint64_t(done_ + i) * 0x9E3779B97F4A7C15ULL;
      ids[size_t(i)] = done_ + i;
      users[size_t(i)] = int64_t(h % 1000000);
      values[size_t(i)] = double(h % 10000) / 100;
      QUIRE_RETURN_NOT_OK(types.Append(kTypes[(h >> 32) % 20]));
    }
    done_ += n;
    columnar::FixedWidthBuilder<int64_t> id_builder(columnar::int64());
    columnar::FixedWidthBuilder<int64_t> user_builder(columnar::int64());
    columnar::FixedWidthBuilder<double> value_builder(columnar::float64());
    QUIRE_RETURN_NOT_OK(id_builder.AppendValues(ids.data(), n));
    QUIRE_RETURN_NOT_OK(user_builder.AppendValues(users.data(), n));
    QUIRE_RETURN_NOT_OK(value_builder.AppendValues(values.data(), n));
    QUIRE_ASSIGN_OR_RETURN(auto a, id_builder.Finish());
    QUIRE_ASSIGN_OR_RETURN(auto b, user_builder.Finish());
    QUIRE_ASSIGN_OR_RETURN(auto c, value_builder.Finish());
    QUIRE_ASSIGN_OR_RETURN(auto d, types.Finish());
    return columnar::RecordBatch::Make(schema_, n, {a, b, c, d});
  }

 private:
  static constexpr const char* kTypes[20] = {
      "view",   "click",  "purchase", "search", "login",  "logout", "share",
      "like",   "follow", "comment",  "upload", "delete", "edit",   "save",
      "report", "invite", "rate",     "play",   "pause",  "stop"};
  columnar::SchemaPtr schema_;
  int64_t total_, batch_, done_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  const std::string workload = Arg(argc, argv, "workload", "W5");
  const std::string threads = Arg(argc, argv, "threads", "1");
  const std::string root = Arg(argc, argv, "table", "");
  if (root.empty()) return Fail(Status::Invalid("--table=DIR is required"));
  auto table = table::Table::Open(io::LocalFileSystem::Default(), root);

  if (workload == "W5") {
    const auto start = Clock::now();
    auto snapshot = table->Latest();
    if (!snapshot.ok()) return Fail(snapshot.status());
    table::ScanOptions options;
    options.num_threads = std::stoi(threads);
    auto filter = compute::ParseExpression(
        "date in ('2024-02-03', '2024-02-04', '2024-02-05') and event_type = 'purchase'");
    if (!filter.ok()) return Fail(filter.status());
    options.filter = *filter;
    table::ScanReport report;
    options.report = &report;
    auto rows = table::ScanToTable(*snapshot, options);
    if (!rows.ok()) return Fail(rows.status());
    const double elapsed = Since(start);
    std::fprintf(stderr, "%s\n", report.ToString().c_str());
    std::printf("workload=W5 engine=quire threads=%s rows=%lld elapsed_s=%.4f\n",
                threads.c_str(), static_cast<long long>((*rows)->num_rows()), elapsed);
    return 0;
  }
  if (workload == "commit") {
    const int commits = std::stoi(Arg(argc, argv, "commits", "50"));
    std::vector<double> latencies;
    for (int i = 0; i < commits; ++i) {
      Generator rows(100, 100);
      const auto start = Clock::now();
      auto result = table::WriteTable(*table, rows);
      if (!result.ok()) return Fail(result.status());
      latencies.push_back(Since(start));
    }
    std::sort(latencies.begin(), latencies.end());
    std::printf("workload=commit engine=quire commits=%d median_ms=%.2f p90_ms=%.2f max_ms=%.2f\n",
                commits, latencies[latencies.size() / 2] * 1e3,
                latencies[latencies.size() * 9 / 10] * 1e3, latencies.back() * 1e3);
    return 0;
  }
  if (workload == "append") {
    const int64_t total = std::stoll(Arg(argc, argv, "rows", "10000000"));
    Generator rows(total, 64 * 1024);
    table::WriteOptions options;
    options.data.parquet.num_threads = std::stoi(threads);
    const auto start = Clock::now();
    auto result = table::WriteTable(*table, rows, options);
    if (!result.ok()) return Fail(result.status());
    std::printf("workload=append engine=quire threads=%s rows=%lld elapsed_s=%.3f files=%lld "
                "bytes=%lld\n",
                threads.c_str(), static_cast<long long>(result->rows_written), Since(start),
                static_cast<long long>(result->files_added),
                static_cast<long long>(result->bytes_written));
    return 0;
  }
  if (workload == "checkpoint") {
    const int64_t files = std::stoll(Arg(argc, argv, "files", "100000"));
    auto schema = columnar::ParseSchema("id: int64, user_id: int64, value: double, event_type: string");
    auto created = table::CreateTable(*table, *schema);
    if (!created.ok()) return Fail(created.status());
    // One commit of `files` adds with stats as quire writes them.
    std::string commit;
    for (int64_t i = 0; i < files; ++i) {
      table::AddFile add;
      add.path = fmt::format("part-{:06}-0b8e5c4e-2f0a-4a53-9b3e-1c1a2f9d{:04x}-c000.snappy.parquet",
                             i, i % 65536);
      add.size = 1000000 + i;
      add.modification_time = 1700000000000 + i;
      add.stats = fmt::format(
          R"({{"numRecords":10000,"minValues":{{"id":{},"user_id":1,"value":0.5,"event_type":"click"}},)"
          R"("maxValues":{{"id":{},"user_id":999999,"value":99.5,"event_type":"view"}},)"
          R"("nullCount":{{"id":0,"user_id":0,"value":3000,"event_type":0}}}})",
          i * 10000, i * 10000 + 9999);
      commit += table::ActionToJson(add);
      commit += '\n';
    }
    auto fs = io::LocalFileSystem::Default();
    if (auto st = fs->WriteAll(table::CommitPath(root, 1), commit); !st.ok()) return Fail(st);
    commit = std::string();
    const double setup_peak = PeakRssMb();
    const auto start = Clock::now();
    auto snapshot = table->Latest();
    if (!snapshot.ok()) return Fail(snapshot.status());
    const double open = Since(start);
    const double open_peak = PeakRssMb();
    table::SnapshotPtr first = std::move(*snapshot);
    const auto& s = *first;
    auto written = table::WriteCheckpoint(*fs, table::LogDir(root), s.version(), s.protocol(),
                                          s.metadata(), {}, {}, s.files(), s.tombstones());
    if (!written.ok()) return Fail(written.status());
    const double total = Since(start);
    const double checkpoint_peak = PeakRssMb();
    first.reset();  // the reopen below is measured on its own
    const auto reopen = Clock::now();
    auto again = table->Latest();
    if (!again.ok()) return Fail(again.status());
    std::printf("workload=checkpoint engine=quire files=%lld open_s=%.3f open_and_checkpoint_s=%.3f "
                "reopen_from_checkpoint_s=%.3f peak_mb_after: setup=%.0f open=%.0f "
                "checkpoint=%.0f reopen=%.0f\n",
                static_cast<long long>(files), open, total, Since(reopen), setup_peak, open_peak,
                checkpoint_peak, PeakRssMb());
    return 0;
  }
  if (workload == "optimize") {
    table::OptimizeOptions options;
    options.data.parquet.num_threads = std::stoi(threads);
    const auto start = Clock::now();
    auto result = table::Optimize(*table, options);
    if (!result.ok()) return Fail(result.status());
    std::printf("workload=optimize engine=quire threads=%s removed=%lld added=%lld elapsed_s=%.3f\n",
                threads.c_str(), static_cast<long long>(result->files_removed),
                static_cast<long long>(result->files_added), Since(start));
    return 0;
  }
  return Fail(Status::Invalid("unknown workload {}", workload));
}
