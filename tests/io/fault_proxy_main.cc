/// \file tests/io/fault_proxy_main.cc
/// \brief quire_fault_proxy: the FaultProxy as a program, so that shell scripts
/// and benchmarks can put latency and faults in front of a server.
///
///   quire_fault_proxy --upstream 127.0.0.1:9000 --delay-ms 20 --port-file /tmp/p
///
/// Runs until SIGINT or SIGTERM, then prints its counters to stderr.

#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <CLI/CLI.hpp>

#include "io/fault_proxy.h"

namespace {

using quire::testing::FaultKind;
using quire::testing::FaultKindName;
using quire::testing::FaultProxy;
using quire::testing::FaultProxyStats;
using quire::testing::FaultSettings;

// Write `port` to `path` whole or not at all, for scripts polling for the file.
bool WritePortFile(const std::string& path, int port) {
  std::string partial = path + ".partial";
  {
    std::ofstream out(partial);
    out << port << "\n";
    if (!out) return false;
  }
  std::error_code ec;
  std::filesystem::rename(partial, path, ec);
  return !ec;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Fault-injecting HTTP/1.1 proxy on 127.0.0.1 for quire's tests and benchmarks"};
  std::string upstream;
  FaultProxy::Options options;
  std::string port_file;
  int64_t delay_ms = 0;
  int64_t random_delay_ms = 0;
  std::string dialect = "s3";
  FaultSettings settings;
  app.add_option("--upstream", upstream, "server to forward to, 127.0.0.1:PORT")->required();
  app.add_option("--port", options.port, "port to listen on (0: any free port)");
  app.add_option("--port-file", port_file, "write the port to this file once listening");
  app.add_option("--seed", options.seed, "seed of the random faults and delays");
  app.add_option("--delay-ms", delay_ms, "delay added to every request");
  app.add_option("--random-delay-ms", random_delay_ms,
                 "further delay drawn uniformly from [0, N] per request");
  app.add_option("--dialect", dialect, "error bodies: s3 or azure")
      ->check(CLI::IsMember({"s3", "azure"}));
  app.add_option("--method", settings.filter.method, "random faults hit only this method");
  app.add_option("--target-contains", settings.filter.target_contains,
                 "random faults hit only targets containing this");
  app.add_option("--rate-500", settings.rates.status_500);
  app.add_option("--rate-503", settings.rates.status_503);
  app.add_option("--rate-429", settings.rates.status_429);
  app.add_option("--rate-reset-before", settings.rates.reset_before_forward);
  app.add_option("--rate-reset-after", settings.rates.reset_after_forward);
  app.add_option("--rate-truncate", settings.rates.truncate_response);
  app.add_option("--rate-500-after", settings.rates.status_500_after_forward);
  CLI11_PARSE(app, argc, argv);

  size_t colon = upstream.rfind(':');
  if (colon == std::string::npos) {
    std::fprintf(stderr, "quire_fault_proxy: --upstream wants HOST:PORT, got '%s'\n",
                 upstream.c_str());
    return 2;
  }
  options.upstream_host = upstream.substr(0, colon);
  options.upstream_port = std::atoi(upstream.c_str() + colon + 1);
  settings.delay = std::chrono::milliseconds(delay_ms);
  settings.max_random_delay = std::chrono::milliseconds(random_delay_ms);
  settings.dialect =
      dialect == "azure" ? quire::testing::ErrorDialect::kAzure : quire::testing::ErrorDialect::kS3;

  // Block the stop signals in every thread (the proxy's inherit the mask) and
  // wait for them here.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto proxy = FaultProxy::Start(options);
  if (!proxy.ok()) {
    std::fprintf(stderr, "quire_fault_proxy: %s\n", proxy.status().ToString().c_str());
    return 1;
  }
  if (auto st = (*proxy)->Configure(settings); !st.ok()) {
    std::fprintf(stderr, "quire_fault_proxy: %s\n", st.ToString().c_str());
    return 2;
  }
  if (!port_file.empty() && !WritePortFile(port_file, (*proxy)->port())) {
    std::fprintf(stderr, "quire_fault_proxy: cannot write %s\n", port_file.c_str());
    return 1;
  }
  std::fprintf(stderr, "quire_fault_proxy: %s -> %s\n", (*proxy)->endpoint().c_str(),
               upstream.c_str());

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  FaultProxyStats stats = (*proxy)->stats();
  proxy->reset();
  std::fprintf(stderr,
               "quire_fault_proxy: connections=%lld requests=%lld forwarded=%lld "
               "upstream_errors=%lld bytes_in=%lld bytes_out=%lld",
               static_cast<long long>(stats.connections), static_cast<long long>(stats.requests),
               static_cast<long long>(stats.forwarded),
               static_cast<long long>(stats.upstream_errors),
               static_cast<long long>(stats.bytes_in), static_cast<long long>(stats.bytes_out));
  for (int kind = 1; kind < quire::testing::kNumFaultKinds; ++kind) {
    std::fprintf(stderr, " %s=%lld",
                 std::string(FaultKindName(static_cast<FaultKind>(kind))).c_str(),
                 static_cast<long long>(stats.faults[kind]));
  }
  std::fprintf(stderr, "\n");
  return 0;
}
