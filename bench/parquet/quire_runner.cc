/// \file bench/parquet/quire_runner.cc
/// \brief quire as a contender of the peer harness in ../shared/bench (contract:
/// one workload per process, printing `workload=.. engine=quire threads=.. rows=N
/// elapsed_s=S`, timing only the workload).
///
///   quire_runner --workload=W1 --threads=1 --data=DIR
///
/// Workloads (parameters as in ../shared/bench/lib.mjs):
/// - W1: read every column of lineitem.parquet into one in-memory table;
/// - W1a: decode every column batch by batch and fold one aggregate per column
///   (sums, counts of equal strings, contains(l_comment, 'ly')), keeping nothing;
/// - W2: l_extendedprice, l_discount where l_shipdate between 1995-01-01 and
///   1995-03-31, materialised;
/// - W3_snappy, W3_zstd: read lineitem.parquet into memory (not timed), then write
///   it to --out (the harness's {out_file}) with the codec and the writer's
///   defaults otherwise; prints out_bytes;
/// - W4: lineitem.csv to Parquet (snappy) with the column types of
///   bench/parquet/lineitem.schema (or --schema), what `quire convert` does;
/// - W6: every column of events.parquet where user_id = 4242, materialised.
/// W5 (the Hive folders) is bench/table/table_runner's: quire reads them as a table.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "quire/columnar/array.h"
#include "quire/compute/expression.h"
#include "quire/io/random_access_file.h"
#include "quire/parquet/file_reader.h"
#include "quire/parquet/file_writer.h"
#include "quire/columnar/type_parse.h"
#include "quire/io/input_stream.h"
#include "quire/text/csv_reader.h"
#include <fstream>
#include <sstream>

namespace {

using quire::columnar::Array;
using quire::columnar::TypeId;

std::string Arg(int argc, char** argv, const std::string& name, std::string fallback) {
  const std::string prefix = "--" + name + "=";
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]).rfind(prefix, 0) == 0) return argv[i] + prefix.size();
  }
  return fallback;
}

int Fail(const quire::Status& status) {
  std::fprintf(stderr, "quire_runner: %s\n", status.ToString().c_str());
  return 1;
}

// One aggregate per column, as the peers' W1a queries do; the result is printed
// so that nothing can be optimised away.
struct Aggregates {
  double numeric = 0;     // sums of integers, decimals (as unscaled), dates
  int64_t matches = 0;    // equal flags and modes, comments containing "ly"

  void Fold(std::string_view name, const Array& a) {
    const int64_t n = a.length();
    switch (a.type_id()) {
      case TypeId::kInt32:
      case TypeId::kDate32: {
        const int32_t* v = a.values<int32_t>();
        int64_t s = 0;
        for (int64_t i = 0; i < n; ++i) s += v[i];
        numeric += double(s);
        return;
      }
      case TypeId::kInt64: {
        const int64_t* v = a.values<int64_t>();
        int64_t s = 0;
        for (int64_t i = 0; i < n; ++i) s += v[i];
        numeric += double(s);
        return;
      }
      case TypeId::kDecimal128: {
        // Low words: the values fit in 64 bits. (values<int64_t>() would apply the
        // array offset in 8-byte units, not 16.)
        const int64_t* v = reinterpret_cast<const int64_t*>(a.buffer(1)->data()) + 2 * a.offset();
        int64_t s = 0;
        for (int64_t i = 0; i < n; ++i) s += v[2 * i];
        numeric += double(s);
        return;
      }
      case TypeId::kString: {
        const std::string_view needle = name == "l_returnflag"   ? "R"
                                        : name == "l_linestatus" ? "O"
                                        : name == "l_shipinstruct" ? "NONE"
                                        : name == "l_shipmode"   ? "AIR"
                                                                 : "";
        const quire::columnar::OffsetBinaryView<int32_t> view(a);
        if (needle.empty()) {
          // contains(l_comment, 'ly'): one search over the batch's character data,
          // each hit counted for the string holding it (once per string).
          const int32_t* offsets = a.buffer(1)->data_as<int32_t>() + a.offset();
          const char* chars = reinterpret_cast<const char*>(a.buffer(2)->data());
          const std::string_view all(chars + offsets[0], size_t(offsets[n] - offsets[0]));
          int64_t i = 0;
          for (size_t hit = all.find("ly"); hit != std::string_view::npos;) {
            const int64_t at = offsets[0] + int64_t(hit);
            while (offsets[i + 1] <= at) ++i;
            if (at + 2 <= offsets[i + 1]) {
              ++matches;  // this string: go on after it
              hit = all.find("ly", size_t(offsets[i + 1] - offsets[0]));
              ++i;
              if (i >= n) break;
            } else {
              hit = all.find("ly", hit + 1);  // "l" ends one string, "y" starts the next
            }
          }
        } else {
          // Lengths and first bytes first: most values differ there.
          const int32_t* offsets = a.buffer(1)->data_as<int32_t>() + a.offset();
          const char* chars = reinterpret_cast<const char*>(a.buffer(2)->data());
          const int32_t len = int32_t(needle.size());
          for (int64_t i = 0; i < n; ++i) {
            const int32_t begin = offsets[i];
            matches += offsets[i + 1] - begin == len && chars[begin] == needle[0] &&
                       std::memcmp(chars + begin, needle.data(), size_t(len)) == 0;
          }
        }
        return;
      }
      default:
        return;
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  const std::string workload = Arg(argc, argv, "workload", "W1");
  const std::string threads = Arg(argc, argv, "threads", "1");
  const std::string data = Arg(argc, argv, "data", "bench/data");
  if (workload == "W3_snappy" || workload == "W3_zstd") {
    auto file = quire::io::OpenLocalFile(data + (workload == "W6" ? "/events.parquet"
                                                                 : "/lineitem.parquet"));
    if (!file.ok()) return Fail(file.status());
    auto reader = quire::parquet::FileReader::Open(std::move(*file));
    if (!reader.ok()) return Fail(reader.status());
    quire::parquet::ReadOptions read;
    read.num_threads = 0;
    // --columns=a,b writes only those (to see what each column costs).
    const std::string columns = Arg(argc, argv, "columns", "");
    for (size_t at = 0; at < columns.size();) {
      size_t comma = columns.find(',', at);
      if (comma == std::string::npos) comma = columns.size();
      read.columns.push_back(columns.substr(at, comma - at));
      at = comma + 1;
    }
    auto table = (*reader)->ReadTable(read);
    if (!table.ok()) return Fail(table.status());
    quire::parquet::WriterProperties props;
    props.codec = workload == "W3_zstd" ? quire::parquet::CompressionCodec::kZstd
                                        : quire::parquet::CompressionCodec::kSnappy;
    props.num_threads = std::stoi(threads);
    // Experiments: --page-rows, --page-bytes, --level.
    props.max_page_rows = std::stoll(Arg(argc, argv, "page-rows", std::to_string(props.max_page_rows)));
    props.data_page_bytes = std::stoll(Arg(argc, argv, "page-bytes", std::to_string(props.data_page_bytes)));
    if (const std::string level = Arg(argc, argv, "level", ""); !level.empty()) {
      props.compression_level = std::stoi(level);
    }
    const std::string out = Arg(argc, argv, "out", "/tmp/quire_" + workload + ".parquet");
    const auto t0 = std::chrono::steady_clock::now();
    auto written = quire::parquet::WriteParquetFile(**table, out, props);
    if (!written.ok()) return Fail(written.status());
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("workload=%s engine=quire threads=%s rows=%lld elapsed_s=%.3f out_bytes=%lld\n",
                workload.c_str(), threads.c_str(), static_cast<long long>(written->num_rows),
                elapsed, static_cast<long long>(written->file_bytes));
    return 0;
  }
  if (workload == "W4") {
    const std::string schema_path = Arg(argc, argv, "schema", QUIRE_SOURCE_DIR "/bench/parquet/lineitem.schema");
    std::ifstream in(schema_path);
    std::stringstream text;
    text << in.rdbuf();
    auto schema = quire::columnar::ParseSchema(text.str());
    if (!schema.ok()) return Fail(schema.status());
    const std::string out = Arg(argc, argv, "out", "/tmp/quire_W4.parquet");
    const int n = std::stoi(threads);
    const auto t0 = std::chrono::steady_clock::now();
    auto input = quire::io::OpenLocalInput(data + "/lineitem.csv");
    if (!input.ok()) return Fail(input.status());
    quire::text::CsvReadOptions csv;
    csv.schema = *schema;
    csv.num_threads = n;
    auto reader = quire::text::CsvReader::Open(std::move(*input), csv);
    if (!reader.ok()) return Fail(reader.status());
    auto sink = quire::io::OpenLocalOutput(out);
    if (!sink.ok()) return Fail(sink.status());
    quire::parquet::WriterProperties props;
    props.num_threads = n;
    auto writer = quire::parquet::FileWriter::Open(std::move(*sink), *schema, props);
    if (!writer.ok()) return Fail(writer.status());
    while (true) {
      auto batch = (*reader)->Next();
      if (!batch.ok()) return Fail(batch.status());
      if (!*batch) break;
      if (auto st = (*writer)->Write(**batch); !st.ok()) return Fail(st);
    }
    auto written = (*writer)->Close();
    if (!written.ok()) return Fail(written.status());
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("workload=W4 engine=quire threads=%s rows=%lld elapsed_s=%.3f out_bytes=%lld\n",
                threads.c_str(), static_cast<long long>(written->num_rows), elapsed,
                static_cast<long long>(written->file_bytes));
    return 0;
  }
  if (workload != "W1" && workload != "W1a" && workload != "W2" && workload != "W6") {
    std::fprintf(stderr, "quire_runner: workload %s is not implemented yet\n", workload.c_str());
    return 2;
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto file = quire::io::OpenLocalFile(data + (workload == "W6" ? "/events.parquet"
                                                                 : "/lineitem.parquet"));
  if (!file.ok()) return Fail(file.status());
  auto reader = quire::parquet::FileReader::Open(std::move(*file));
  if (!reader.ok()) return Fail(reader.status());
  quire::parquet::ReadOptions options;
  options.num_threads = std::stoi(threads);
  int64_t rows = 0;
  std::string extra;
  if (workload == "W1a") {
    // --scan=1 (default): each worker decodes its own row groups and folds them
    // (FileReader::Scan); --scan=0 folds the batches of Read() on this thread.
    // --stream=0 decodes whole row groups (for comparison).
    options.stream_row_groups = Arg(argc, argv, "stream", "1") == "1";
    const auto schema = (*reader)->schema();
    // One fold per worker: Scan runs num_threads of them (0: one per core).
    const int workers = options.num_threads == 0 ? quire::util::ThreadPool::Default()->size()
                                                 : std::max(1, options.num_threads);
    std::vector<Aggregates> aggs(static_cast<size_t>(workers));
    std::vector<int64_t> scanned(aggs.size());
    auto fold = [&](int worker, const quire::columnar::RecordBatch& batch) {
      scanned[size_t(worker)] += batch.num_rows();
      for (int c = 0; c < batch.num_columns(); ++c) {
        aggs[size_t(worker)].Fold(schema->field(c)->name(), *batch.column(c));
      }
    };
    if (Arg(argc, argv, "scan", "1") == "1") {
      auto st = (*reader)->Scan(options, [&](int worker, int, const auto& batch) {
        fold(worker, *batch);
        return quire::Status::OK();
      });
      if (!st.ok()) return Fail(st);
    } else {
      auto stream = (*reader)->Read(options);
      if (!stream.ok()) return Fail(stream.status());
      while (true) {
        auto batch = (*stream)->Next();
        if (!batch.ok()) return Fail(batch.status());
        if (!*batch) break;
        fold(0, **batch);
      }
    }
    Aggregates agg;
    for (size_t w = 0; w < aggs.size(); ++w) {
      agg.numeric += aggs[w].numeric;
      agg.matches += aggs[w].matches;
      rows += scanned[w];
    }
    extra = " checksum=" + std::to_string(agg.numeric) + "/" + std::to_string(agg.matches);
  } else {
    if (workload == "W2") {
      auto filter = quire::compute::ParseExpression(
          "l_shipdate >= '1995-01-01' and l_shipdate <= '1995-03-31'");
      if (!filter.ok()) return Fail(filter.status());
      options.filter = *filter;
      options.late_materialize = Arg(argc, argv, "late", "1") == "1";
      options.columns = {"l_extendedprice", "l_discount"};
    }
    if (workload == "W6") {
      auto filter = quire::compute::ParseExpression("user_id = 4242");
      if (!filter.ok()) return Fail(filter.status());
      options.filter = *filter;
      options.late_materialize = Arg(argc, argv, "late", "1") == "1";
    }
    auto table = (*reader)->ReadTable(options);
    if (!table.ok()) return Fail(table.status());
    rows = (*table)->num_rows();
  }
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("workload=%s engine=quire threads=%s rows=%lld elapsed_s=%.3f%s\n", workload.c_str(),
              threads.c_str(), static_cast<long long>(rows), elapsed, extra.c_str());
  return 0;
}
