/// \file quire/cli/demo.cc
/// \brief `quire demo`: the main job on generated data. Two days of app events are
/// written as JSON Lines, ingested as a table partitioned by date, appended to,
/// deleted from, time-travelled, queried with pruning at every level, and vacuumed.

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "quire/cli/commands.h"
#include "quire/columnar/api.h"
#include "quire/compute/expression.h"
#include "quire/io/file_system.h"
#include "quire/io/output_stream.h"
#include "quire/table/maintenance.h"
#include "quire/table/scan.h"
#include "quire/table/table.h"
#include "quire/table/transaction.h"
#include "quire/text/jsonl_reader.h"
#include "quire/text/jsonl_writer.h"
#include "quire/util/macros.h"
#include "quire/util/progress.h"

namespace quire::cli {

namespace {

using namespace quire::columnar;  // NOLINT
using Clock = std::chrono::steady_clock;

constexpr int32_t kFirstDay = 19844;  // 2024-05-01, days since the epoch
constexpr int64_t kMicrosPerDay = 86400LL * 1000000;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// "1,234,567"
std::string Count(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}

std::string Bytes(int64_t n) { return util::ProgressBar::FormatBytes(double(n)); }

// splitmix64: the same events on every machine and run.
struct Random {
  uint64_t state;
  uint64_t Next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double Uniform() { return double(Next() >> 11) * 0x1.0p-53; }
  // Index into `weights` (summing to 1).
  template <size_t N>
  size_t Pick(const double (&weights)[N]) {
    double u = Uniform();
    for (size_t i = 0; i + 1 < N; ++i) {
      if (u < weights[i]) return i;
      u -= weights[i];
    }
    return N - 1;
  }
};

SchemaPtr EventSchema() {
  return schema({
      field("ts", timestamp(TimeUnit::kMicro, "UTC"), false),
      field("date", date32(), false),
      field("user_id", int64(), false),
      field("event_type", utf8(), false),
      field("country", utf8()),
      field("device", utf8(), false),
      field("url", utf8()),
      field("value", float64()),
  });
}

constexpr const char* kEventTypes[] = {"page_view", "click", "search", "add_to_cart",
                                       "purchase", "signup"};
constexpr double kEventWeights[] = {0.55, 0.22, 0.1, 0.07, 0.04, 0.02};
constexpr const char* kCountries[] = {"US", "IN", "DE", "GB", "BR", "FR", "JP",
                                      "CA", "MX", "NL", "ES", "AU"};
constexpr double kCountryWeights[] = {0.3, 0.14, 0.09, 0.08, 0.08, 0.07,
                                      0.06, 0.05, 0.05, 0.03, 0.03, 0.02};
constexpr const char* kDevices[] = {"web", "ios", "android", "bot"};
constexpr double kDeviceWeights[] = {0.45, 0.25, 0.27, 0.03};

// One day of events, sorted by time, in batches of `batch_rows`.
Result<std::vector<RecordBatchPtr>> MakeDay(int32_t day, int64_t rows, int64_t batch_rows) {
  Random rng{uint64_t(day) * 1000003};
  const SchemaPtr sch = EventSchema();
  std::vector<RecordBatchPtr> batches;
  const int64_t day_start = int64_t(day) * kMicrosPerDay;
  for (int64_t first = 0; first < rows; first += batch_rows) {
    const int64_t n = std::min(batch_rows, rows - first);
    Int64Builder ts(sch->field(0)->type());
    Int32Builder date(date32());
    Int64Builder user(int64());
    StringBuilder type(utf8()), country(utf8()), device(utf8()), url(utf8());
    DoubleBuilder value(float64());
    for (int64_t i = first; i < first + n; ++i) {
      // Evenly spread through the day, with jitter inside each slot: sorted.
      const int64_t slot = kMicrosPerDay / rows;
      QUIRE_RETURN_NOT_OK(ts.Append(day_start + i * slot + int64_t(rng.Uniform() * double(slot))));
      QUIRE_RETURN_NOT_OK(date.Append(day));
      // Few users make most events: log-uniform ids on [1, 100000).
      const int64_t user_id = int64_t(std::exp(rng.Uniform() * std::log(100000.0)));
      QUIRE_RETURN_NOT_OK(user.Append(user_id));
      const size_t t = rng.Pick(kEventWeights);
      QUIRE_RETURN_NOT_OK(type.Append(kEventTypes[t]));
      if (rng.Uniform() < 0.01) {
        QUIRE_RETURN_NOT_OK(country.AppendNull());  // geolocation failed
      } else {
        QUIRE_RETURN_NOT_OK(country.Append(kCountries[rng.Pick(kCountryWeights)]));
      }
      QUIRE_RETURN_NOT_OK(device.Append(kDevices[rng.Pick(kDeviceWeights)]));
      const uint64_t item = rng.Next() % 5000;
      switch (t) {
        case 2:
          QUIRE_RETURN_NOT_OK(url.Append(fmt::format("/search?q=item+{}", item % 300)));
          break;
        case 5:
          QUIRE_RETURN_NOT_OK(url.Append("/signup"));
          break;
        default:
          QUIRE_RETURN_NOT_OK(url.Append(fmt::format("/product/{}", item)));
      }
      if (t == 3 || t == 4) {  // cart and purchase events carry an amount
        QUIRE_RETURN_NOT_OK(value.Append(std::round(rng.Uniform() * 20000.0 + 99.0) / 100.0));
      } else {
        QUIRE_RETURN_NOT_OK(value.AppendNull());
      }
    }
    ArrayVector columns;
    for (ArrayBuilder* b : std::initializer_list<ArrayBuilder*>{&ts, &date, &user, &type,
                                                                &country, &device, &url, &value}) {
      QUIRE_ASSIGN_OR_RETURN(auto a, b->Finish());
      columns.push_back(std::move(a));
    }
    QUIRE_ASSIGN_OR_RETURN(auto batch, RecordBatch::Make(sch, n, std::move(columns)));
    batches.push_back(std::move(batch));
  }
  return batches;
}

// Write one day as JSON Lines to `path` (a local file); returns its size.
Result<int64_t> WriteDayJsonl(int32_t day, int64_t rows, const std::string& path) {
  QUIRE_ASSIGN_OR_RETURN(auto batches, MakeDay(day, rows, 64 * 1024));
  QUIRE_ASSIGN_OR_RETURN(auto out, io::OpenWriteUrl(path));
  QUIRE_ASSIGN_OR_RETURN(auto writer, text::JsonlWriter::Make(EventSchema(), out.get()));
  for (const auto& b : batches) QUIRE_RETURN_NOT_OK(writer->Write(*b));
  QUIRE_RETURN_NOT_OK(writer->Close());
  QUIRE_RETURN_NOT_OK(out->Close());
  std::error_code ec;
  return int64_t(std::filesystem::file_size(path, ec));
}

// Small files, row groups and pages, so that a table of a few MB shows pruning at
// every level; quire's defaults are 128 MB files and row groups of up to 1M rows.
table::DataWriteOptions DemoWriteOptions() {
  table::DataWriteOptions o;
  o.target_file_size = int64_t(1) << 20;
  o.parquet.max_row_group_rows = 20000;
  o.parquet.max_page_rows = 2000;
  return o;
}

Result<table::CommitResult> IngestJsonl(const table::Table& t, const std::string& path,
                                        table::WriteMode mode) {
  text::JsonlReadOptions ro;
  ro.schema = EventSchema();
  QUIRE_ASSIGN_OR_RETURN(auto input, io::OpenInputUrl(path));
  QUIRE_ASSIGN_OR_RETURN(auto reader, text::JsonlReader::Open(std::move(input), ro));
  table::WriteOptions wo;
  wo.mode = mode;
  wo.create.partition_by = {"date"};
  wo.data = DemoWriteOptions();
  return table::WriteTable(t, *reader, wo);
}

int64_t Rows(const table::Snapshot& s) { return s.NumRecordsFromStats().value_or(0); }

int64_t SizeOf(const table::Snapshot& s) {
  int64_t bytes = 0;
  for (const auto& add : s.files()) bytes += add.size;
  return bytes;
}

// How many partitions the snapshot has, and how many `predicate` (on partition
// columns) rules out.
Result<std::pair<int64_t, int64_t>> PartitionsPruned(const table::Snapshot& s,
                                                     const compute::Expression& predicate) {
  std::map<std::map<std::string, std::optional<std::string>>, bool> partitions;
  for (const auto& add : s.files()) {
    QUIRE_ASSIGN_OR_RETURN(auto keep, table::EvaluateOnPartition(s, add, predicate));
    partitions[add.partition_values] = !keep.has_value() || *keep;
  }
  int64_t pruned = 0;
  for (const auto& [values, kept] : partitions) pruned += kept ? 0 : 1;
  return std::make_pair(int64_t(partitions.size()), pruned);
}

std::string Quoted(const std::string& s) {
  return s.find_first_of(" '\"$&;|<>()*?") == std::string::npos ? s : "'" + s + "'";
}

Status Demo(const DemoOptions& o) {
  const auto started = Clock::now();
  namespace fs = std::filesystem;
  const fs::path dir = fs::absolute(o.dir);
  const fs::path raw = dir / "raw";
  const bool remote = !o.at.empty();
  const std::string location = remote ? o.at : (dir / "events").string();
  QUIRE_ASSIGN_OR_RETURN(auto t, table::Table::Open(location));
  QUIRE_ASSIGN_OR_RETURN(bool exists, t->Exists());
  if (exists && remote && !o.replace) {
    return Status::Invalid(
        "{} holds a table already; give another --at, or --replace to delete it first",
        location);
  }
  // The demo's own folder is made afresh on every run.
  std::error_code ec;
  fs::remove_all(raw, ec);
  if (!remote) fs::remove_all(location, ec);
  if (exists && remote) QUIRE_RETURN_NOT_OK(t->fs()->DeleteDir(t->root()));
  fs::create_directories(raw, ec);
  if (ec) return Status::IOError("cannot make {}: {}", raw.string(), ec.message());

  fmt::print("quire demo: two days of app events as a Delta table, partitioned by date\n\n");

  // 1. Raw data, as an app's collectors would drop it.
  const int32_t day1 = kFirstDay, day2 = kFirstDay + 1;
  const std::string file1 = (raw / fmt::format("events-{}.jsonl", FormatDate(day1))).string();
  const std::string file2 = (raw / fmt::format("events-{}.jsonl", FormatDate(day2))).string();
  auto step = Clock::now();
  QUIRE_ASSIGN_OR_RETURN(int64_t size1, WriteDayJsonl(day1, o.rows_per_day, file1));
  QUIRE_ASSIGN_OR_RETURN(int64_t size2, WriteDayJsonl(day2, o.rows_per_day, file2));
  fmt::print("1. generated {} events a day as JSON Lines ({:.2f} s):\n   {} ({})\n   {} ({})\n",
             Count(o.rows_per_day), Seconds(step), file1, Bytes(size1), file2, Bytes(size2));
  std::vector<std::string> columns_text;
  const SchemaPtr event_schema = EventSchema();
  for (const auto& f : event_schema->fields()) {
    columns_text.push_back(fmt::format("{} {}", f->name(), f->type()->ToString()));
  }
  fmt::print("   columns: {}\n\n", fmt::join(columns_text, ", "));

  // 2. The first day becomes the table.
  step = Clock::now();
  QUIRE_ASSIGN_OR_RETURN(auto v0, IngestJsonl(*t, file1, table::WriteMode::kAppend));
  fmt::print("2. ingested day 1 into {}\n   version {}: {} files, {} rows, {} of Parquet ({:.2f} s)\n\n",
             location, v0.version, v0.files_added, Count(v0.rows_written), Bytes(v0.bytes_written),
             Seconds(step));

  // 3. The second day is appended.
  step = Clock::now();
  QUIRE_ASSIGN_OR_RETURN(auto v1, IngestJsonl(*t, file2, table::WriteMode::kAppend));
  fmt::print("3. appended day 2\n   version {}: {} files added, {} rows ({:.2f} s)\n\n", v1.version,
             v1.files_added, Count(v1.rows_written), Seconds(step));

  // 4. Bot traffic is deleted: the files holding some are rewritten without it.
  step = Clock::now();
  QUIRE_ASSIGN_OR_RETURN(auto bots, compute::ParseExpression("device = 'bot'"));
  QUIRE_ASSIGN_OR_RETURN(auto v2, table::DeleteRows(*t, bots, DemoWriteOptions()));
  QUIRE_ASSIGN_OR_RETURN(auto latest, t->Latest());
  QUIRE_ASSIGN_OR_RETURN(auto first, t->AtVersion(0));
  fmt::print(
      "4. deleted bot traffic (where device = 'bot')\n   version {}: {} files rewritten into {}, "
      "{} rows deleted ({:.2f} s)\n\n",
      v2.version, v2.files_removed, v2.files_added,
      Count(Rows(*first) + v1.rows_written - Rows(*latest)), Seconds(step));

  // 5. History.
  QUIRE_ASSIGN_OR_RETURN(auto history, t->History());
  fmt::print("5. history (newest first):\n");
  for (const auto& e : history) {
    const std::time_t secs = std::time_t(e.timestamp_ms / 1000);
    std::tm tm{};
    ::gmtime_r(&secs, &tm);
    char when[32];
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
    fmt::print("   version {}  {} UTC  {}\n", e.version, when, e.operation);
  }
  fmt::print("\n");

  // 6. Time travel.
  fmt::print(
      "6. time travel: version 0 has {} rows in {} files ({}); the latest, version {}, "
      "has {} rows in {} files ({})\n\n",
      Count(Rows(*first)), first->files().size(), Bytes(SizeOf(*first)), latest->version(),
      Count(Rows(*latest)), latest->files().size(), Bytes(SizeOf(*latest)));

  // 7. A filtered, projected scan.
  const std::string day2_text = FormatDate(day2);
  const std::string where = fmt::format(
      "date = '{0}' and ts >= '{0}T13:00:00Z' and ts < '{0}T13:30:00Z' and "
      "event_type = 'purchase' and country = 'FR'",
      day2_text);
  const std::vector<std::string> columns = {"ts", "user_id", "url", "value"};
  QUIRE_ASSIGN_OR_RETURN(auto filter, compute::ParseExpression(where));
  QUIRE_ASSIGN_OR_RETURN(auto on_date,
                         compute::ParseExpression(fmt::format("date = '{}'", day2_text)));
  step = Clock::now();
  QUIRE_ASSIGN_OR_RETURN(auto snapshot, t->Latest());
  table::ScanReport report;
  table::ScanOptions so;
  so.columns = columns;
  so.filter = filter;
  so.report = &report;
  QUIRE_ASSIGN_OR_RETURN(auto rows, table::ScanToTable(snapshot, so));
  const double scan_seconds = Seconds(step);
  QUIRE_ASSIGN_OR_RETURN(auto partitions, PartitionsPruned(*snapshot, *on_date));
  const auto& pq = report.parquet;
  fmt::print("7. purchases from France between 13:00 and 13:30 on {}:\n", day2_text);
  fmt::print("   {} table scan {} --columns {} \\\n     --where \"{}\"\n", o.program, Quoted(location),
             fmt::join(columns, ","), where);
  fmt::print("   partitions: {} of {} pruned by the date\n", partitions.second, partitions.first);
  fmt::print("   files:      {} of {} pruned ({} by partition values, {} by file statistics)\n",
             report.files_pruned_by_partition + report.files_pruned_by_stats, report.files,
             report.files_pruned_by_partition, report.files_pruned_by_stats);
  fmt::print("   row groups: {} of {} pruned by their statistics\n", pq.row_groups_pruned,
             pq.row_groups);
  fmt::print("   pages:      {} pruned by the page index ({} not read)\n", pq.pages_pruned,
             Bytes(pq.bytes_not_read));
  fmt::print("   rows:       {} of {} decoded, {} returned, in {:.1f} ms (opening the table "
             "included)\n",
             Count(pq.rows_read), Count(Rows(*snapshot)), Count(rows->num_rows()),
             scan_seconds * 1000);
  PrettyPrintOptions ppo;
  ppo.max_rows = 5;
  std::string shown = PrettyPrint(*rows, ppo);
  std::string indented = "   ";
  for (char c : shown) {
    indented.push_back(c);
    if (c == '\n') indented += "   ";
  }
  while (!indented.empty() && (indented.back() == ' ' || indented.back() == '\n'))
    indented.pop_back();
  fmt::print("{}\n\n", indented);

  // 8. Vacuum: the files the delete replaced are deleted at once for the demo (the
  // default keeps them 7 days, so that readers of older versions still find them).
  table::VacuumOptions vo;
  vo.retention_ms = 0;
  vo.enforce_retention = false;
  QUIRE_ASSIGN_OR_RETURN(auto vacuumed, table::Vacuum(*t, vo));
  fmt::print(
      "8. vacuumed with a retention of 0 hours (the default keeps 7 days): deleted {} files "
      "({}) that only versions before {} used; those versions can no longer be read\n\n",
      vacuumed.files.size(), Bytes(vacuumed.bytes), v2.version);

  const std::string q = Quoted(location);
  fmt::print("The table is at {} (the demo took {:.1f} s).\nTry next:\n", location,
             Seconds(started));
  const std::string& quire = o.program;
  fmt::print("  {} table history {}\n", quire, q);
  fmt::print("  {} table scan {} --where \"event_type = 'signup'\" --format table --limit 10\n",
             quire, q);
  fmt::print("  {} table scan {} --columns country,value --where \"value > 150\" --format csv "
             "--stats > big.csv\n",
             quire, q);
  return Status::OK();
}

}  // namespace

int RunDemo(const DemoOptions& options) {
  Status st = Demo(options);
  if (!st.ok()) {
    fmt::print(stderr, "quire demo: {}\n", st.ToString());
    return ExitCodeFor(st);
  }
  return kExitOk;
}

}  // namespace quire::cli
