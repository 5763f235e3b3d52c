#pragma once

/// \file tests/io/test_servers.h
/// \brief Real object-store emulators for tests: s3rver (S3) and azurite (Azure
/// Blob), run from the project's node_modules on 127.0.0.1, each with its own
/// port and temporary data folder, stopped by the destructor.

#include <sys/types.h>

#include <memory>
#include <string>
#include <string_view>

#include "io/http_client.h"
#include "quire/io/file_system.h"
#include "quire/util/result.h"

namespace quire::testing {

enum class TestServerKind : uint8_t {
  kS3,       ///< s3rver: path-style S3 on http://127.0.0.1:<port>
  kAzurite,  ///< azurite-blob: http://127.0.0.1:<port>/devstoreaccount1
};

/// \brief One running emulator.
///
/// Start() picks a free port of 127.0.0.1, starts node on the server's script in
/// a process group of its own, with its output in a log file, and waits (up to
/// 30 s) until the log says it listens on that port and it answers HTTP; when
/// another process took the port first it retries with another. The server's
/// data lives in a fresh temporary folder.
///
/// The destructor stops the whole process group (SIGTERM, then SIGKILL after 3 s),
/// reaps it and deletes the folder. Should the test process die first, the kernel
/// kills the server (PR_SET_PDEATHSIG), which ties its life to the *thread* that
/// started it: start servers from a thread that outlives them (the test body).
///
/// The servers come from `node_modules` (scripts/setup.sh installs them): the one
/// named by $QUIRE_NODE_MODULES if set, else the first found walking up from the
/// working directory, else the source tree's. When they are missing, Start()
/// fails with kNotFound and says to run scripts/setup.sh: tests fail, never skip.
///
/// Thread-compatible.
class TestServer {
 public:
  /// s3rver's only credentials (it checks V2 signatures, accepts any V4
  /// signature made with this key id, and accepts unsigned requests).
  static constexpr std::string_view kS3AccessKeyId = "S3RVER";
  static constexpr std::string_view kS3SecretAccessKey = "S3RVER";
  static constexpr std::string_view kS3Region = "us-east-1";
  /// Azurite's well-known development account; it checks Shared Key signatures.
  static constexpr std::string_view kAzuriteAccount = "devstoreaccount1";
  static constexpr std::string_view kAzuriteAccountKey =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/"
      "KBHBeksoGMGw==";

  /// \brief Start an emulator; on `first_port` if given and free, else on a free port.
  /// \return kNotFound when node or the server's package is missing, kIOError
  /// (with the end of the server's log) when it does not come up.
  static Result<std::unique_ptr<TestServer>> Start(TestServerKind kind, int first_port = 0);
  static Result<std::unique_ptr<TestServer>> StartS3() { return Start(TestServerKind::kS3); }
  static Result<std::unique_ptr<TestServer>> StartAzurite() {
    return Start(TestServerKind::kAzurite);
  }

  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  TestServerKind kind() const { return kind_; }
  int port() const { return port_; }
  /// \brief Return "http://127.0.0.1:<port>".
  std::string endpoint() const;
  /// \brief Return the process id of the server (also its process group id).
  pid_t pid() const { return pid_; }
  /// \brief Return the temporary folder holding the server's data and log.
  const std::string& dir() const { return dir_; }
  /// \brief Return the last `max_bytes` of the server's stdout and stderr.
  std::string LogTail(size_t max_bytes = 4096) const;

  /// \brief Create a bucket (s3rver: an unsigned PUT /<name>) or a container
  /// (azurite: a Shared Key signed PUT /devstoreaccount1/<name>?restype=container;
  /// names are 3-63 lowercase letters, digits and dashes).
  /// \return kAlreadyExists when it exists; kIOError with the server's answer
  /// otherwise.
  Status CreateBucket(std::string_view name);

  /// \brief Return the options that point FileSystemFromUrl at this server:
  /// S3: endpoint, region, access_key_id, secret_access_key, addressing=path;
  /// Azure: account, account_key, endpoint (the account's blob endpoint,
  /// "http://127.0.0.1:<port>/devstoreaccount1", as in azurite's connection string).
  /// `endpoint` replaces "http://127.0.0.1:<port>" (a FaultProxy's, say).
  io::UrlOptions url_options(std::string_view endpoint = {}) const;

 private:
  TestServer(TestServerKind kind, std::string dir) : kind_(kind), dir_(std::move(dir)) {}
  Status Launch(const std::string& node, const std::string& script);
  Status WaitUntilReady(std::string_view marker);
  void Stop();

  TestServerKind kind_;
  std::string dir_;
  std::string log_path_;
  int port_ = 0;
  pid_t pid_ = -1;
};

/// \brief Return the emulator of `kind` shared by the whole test binary, started
/// on first use and stopped at exit. Call it from the test body (the main
/// thread; see TestServer on PR_SET_PDEATHSIG). A server that cannot start ends
/// the binary with its error: every test that needs it would fail anyway.
TestServer& SharedTestServer(TestServerKind kind);

/// \brief Sign `request` for azurite with Shared Key (adding x-ms-date,
/// x-ms-version and Authorization), as TestHttpClient will send it.
void SignForAzurite(HttpRequest& request,
                    std::string_view account = TestServer::kAzuriteAccount,
                    std::string_view account_key = TestServer::kAzuriteAccountKey);

}  // namespace quire::testing
