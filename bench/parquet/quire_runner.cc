/// \file bench/parquet/quire_runner.cc
/// \brief quire as a contender of the peer harness in ../shared/bench (contract:
/// one workload per process, printing `workload=.. engine=quire threads=.. rows=N
/// elapsed_s=S`, timing only the workload).
///
///   quire_runner --workload=W1 --threads=1 --data=DIR
///
/// Implemented so far: W1 (read every column of lineitem.parquet into memory).
#include <chrono>
#include <cstdio>
#include <string>

#include "quire/io/random_access_file.h"
#include "quire/parquet/file_reader.h"

namespace {

std::string Arg(int argc, char** argv, const std::string& name, std::string fallback) {
  const std::string prefix = "--" + name + "=";
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]).rfind(prefix, 0) == 0) return argv[i] + prefix.size();
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string workload = Arg(argc, argv, "workload", "W1");
  const std::string threads = Arg(argc, argv, "threads", "1");
  const std::string data = Arg(argc, argv, "data", "bench/data");
  if (workload != "W1") {
    std::fprintf(stderr, "quire_runner: workload %s is not implemented yet\n", workload.c_str());
    return 2;
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto file = quire::io::OpenLocalFile(data + "/lineitem.parquet");
  if (!file.ok()) {
    std::fprintf(stderr, "%s\n", file.status().ToString().c_str());
    return 1;
  }
  auto reader = quire::parquet::FileReader::Open(std::move(*file));
  if (!reader.ok()) {
    std::fprintf(stderr, "%s\n", reader.status().ToString().c_str());
    return 1;
  }
  quire::parquet::ReadOptions options;
  options.num_threads = std::stoi(threads);
  auto table = (*reader)->ReadTable(options);
  if (!table.ok()) {
    std::fprintf(stderr, "%s\n", table.status().ToString().c_str());
    return 1;
  }
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("workload=%s engine=quire threads=%s rows=%lld elapsed_s=%.3f\n", workload.c_str(),
              threads.c_str(), static_cast<long long>((*table)->num_rows()), elapsed);
  return 0;
}
