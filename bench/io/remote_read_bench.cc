/// \file bench/io/remote_read_bench.cc
/// \brief Read a Parquet file through any filesystem URL and report the requests,
/// bytes and seconds it took: the measurement behind bench/io/run_remote_read.sh
/// (lineitem on s3rver behind a proxy adding 20 ms per request).
///
///   remote_read_bench --url='s3://bench/lineitem.parquet?endpoint=...' \
///       [--columns=l_shipdate,l_extendedprice,l_discount] [--threads=1] [--label=X]
///
/// Settings of the store (coalescing, hole size, retries) come in the URL's query
/// string; QUIRE_IO_THREADS sets the concurrency of remote requests. Prints one
/// line: `label=.. columns=.. threads=.. rows=N requests=N bytes=N elapsed_s=S`.
/// Opening the file (HEAD and footer) is timed too: a remote read pays for it.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "quire/io/file_system.h"
#include "quire/parquet/file_reader.h"

namespace {

std::string Arg(int argc, char** argv, const std::string& name, std::string fallback) {
  const std::string prefix = "--" + name + "=";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind(prefix, 0) == 0) return a.substr(prefix.size());
  }
  return fallback;
}

int Fail(const quire::Status& st) {
  std::fprintf(stderr, "remote_read_bench: %s\n", st.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string url = Arg(argc, argv, "url", "");
  const std::string columns = Arg(argc, argv, "columns", "");
  const int threads = std::stoi(Arg(argc, argv, "threads", "1"));
  const std::string label = Arg(argc, argv, "label", "read");
  if (url.empty()) {
    std::fprintf(stderr, "usage: remote_read_bench --url=URL [--columns=a,b] [--threads=N]\n");
    return 2;
  }
  auto fp = quire::io::FileSystemFromUrl(url);
  if (!fp.ok()) return Fail(fp.status());
  const auto before = fp->fs->stats().Snapshot();
  const auto start = std::chrono::steady_clock::now();

  auto file = fp->fs->OpenRead(fp->path);
  if (!file.ok()) return Fail(file.status());
  auto reader = quire::parquet::FileReader::Open(std::move(*file));
  if (!reader.ok()) return Fail(reader.status());
  quire::parquet::ReadOptions options;
  options.num_threads = threads;
  for (size_t at = 0; at < columns.size();) {
    const size_t comma = columns.find(',', at);
    options.columns.push_back(columns.substr(at, comma - at));
    at = comma == std::string::npos ? columns.size() : comma + 1;
  }
  std::atomic<int64_t> rows{0};
  quire::Status st = (*reader)->Scan(
      options, [&](int, int, const quire::columnar::RecordBatchPtr& batch) {
        rows += batch->num_rows();
        return quire::Status::OK();
      });
  if (!st.ok()) return Fail(st);
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto d = fp->fs->stats().Snapshot() - before;
  std::printf("label=%s columns=%s threads=%d rows=%lld requests=%lld bytes=%lld elapsed_s=%.3f\n",
              label.c_str(), columns.empty() ? "all" : columns.c_str(), threads,
              static_cast<long long>(rows.load()), static_cast<long long>(d.total_requests()),
              static_cast<long long>(d.bytes_read), elapsed);
  return 0;
}
