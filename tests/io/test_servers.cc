/// \file tests/io/test_servers.cc
/// \brief Starting, probing and stopping s3rver and azurite; bucket creation.

#include "io/test_servers.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>
#include <vector>

#include <fmt/ranges.h>

#include "quire/util/macros.h"

#ifndef QUIRE_SOURCE_DIR
#define QUIRE_SOURCE_DIR ""
#endif

namespace quire::testing {
namespace {

namespace fs = std::filesystem;

constexpr auto kStartTimeout = std::chrono::seconds(30);
constexpr auto kStopGrace = std::chrono::seconds(3);
constexpr auto kPollInterval = std::chrono::milliseconds(25);
constexpr int kPortAttempts = 5;
constexpr std::string_view kSetupHint =
    "run scripts/setup.sh to install the test servers (npm packages s3rver and azurite) "
    "into node_modules";

struct ServerSpec {
  std::string_view name;     // for messages
  std::string_view bin;      // under node_modules/.bin
  std::string_view probe;    // target of the readiness request
};

ServerSpec SpecOf(TestServerKind kind) {
  if (kind == TestServerKind::kS3) return {"s3rver", "s3rver", "/"};
  return {"azurite", "azurite-blob", "/devstoreaccount1?comp=list"};
}

// The line a server prints once it listens on `port`.
std::string ReadyMarker(TestServerKind kind, int port) {
  if (kind == TestServerKind::kS3) return fmt::format("S3rver listening on 127.0.0.1:{}", port);
  return fmt::format("successfully listens on http://127.0.0.1:{}", port);
}

std::vector<std::string> ServerArgs(TestServerKind kind, int port, const std::string& data) {
  std::string port_text = std::to_string(port);
  if (kind == TestServerKind::kS3) {
    return {"--address", kLoopback, "--port", port_text, "--directory", data, "--silent"};
  }
  // --disableTelemetry: azurite otherwise reports usage over the network.
  return {"--blobHost",          kLoopback, "--blobPort", port_text, "--location", data,
          "--silent",            "--skipApiVersionCheck", "--loose",  "--disableTelemetry"};
}

Result<std::string> FindNodeModulesBin(std::string_view bin) {
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("QUIRE_NODE_MODULES"); env != nullptr && *env != '\0') {
    candidates.emplace_back(env);
  } else {
    std::error_code ec;
    for (fs::path dir = fs::current_path(ec); !ec && !dir.empty(); dir = dir.parent_path()) {
      candidates.push_back(dir / "node_modules");
      if (dir == dir.root_path()) break;
    }
    if (std::string_view(QUIRE_SOURCE_DIR).size() > 0) {
      candidates.push_back(fs::path(QUIRE_SOURCE_DIR) / "node_modules");
    }
  }
  std::string searched;
  for (const fs::path& candidate : candidates) {
    fs::path script = candidate / ".bin" / bin;
    std::error_code ec;
    if (fs::exists(script, ec)) return fs::canonical(script, ec).string();
    searched += searched.empty() ? "" : ", ";
    searched += candidate.string();
  }
  return Status::NotFound("{} not found in node_modules (looked in {}): {}", bin, searched,
                          kSetupHint);
}

Result<std::string> FindOnPath(std::string_view program) {
  const char* path = std::getenv("PATH");
  std::string_view rest = path != nullptr ? path : "";
  while (!rest.empty()) {
    size_t colon = rest.find(':');
    fs::path candidate = fs::path(rest.substr(0, colon)) / program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return Status::NotFound("{} is not on PATH: {}", program, kSetupHint);
}

std::string ReadFileTail(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  in.seekg(0, std::ios::end);
  auto size = static_cast<size_t>(std::max<std::streamoff>(in.tellg(), 0));
  size_t start = size > max_bytes ? size - max_bytes : 0;
  in.seekg(static_cast<std::streamoff>(start));
  std::string text(size - start, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  return text;
}

std::string Base64(const unsigned char* data, size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data,
                          static_cast<int>(size));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string DecodeBase64(std::string_view text) {
  std::string out(3 * (text.size() / 4) + 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return {};
  // EVP_DecodeBlock counts the bytes that padding stands for.
  size_t padding = text.size() - std::min(text.size(), text.find_last_not_of('=') + 1);
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

std::string_view FieldOf(const HttpRequest& request, std::string_view name) {
  for (const auto& [field, value] : request.fields) {
    if (EqualsIgnoreCase(field, name)) return value;
  }
  return {};
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Undo %XX escapes, as the canonicalized resource wants query values decoded.
std::string PercentDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned value = 0;
    if (text[i] == '%' && i + 2 < text.size() &&
        std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16).ptr ==
            text.data() + i + 3) {
      out += static_cast<char>(value);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

void SignForAzurite(HttpRequest& request, std::string_view account,
                    std::string_view account_key) {
  request.fields.emplace_back("x-ms-date", HttpDate(std::chrono::system_clock::now()));
  request.fields.emplace_back("x-ms-version", "2021-08-06");

  // Content-Length as TestHttpClient sends it; zero signs as empty (version
  // 2015-02-21 and later).
  std::string length;
  if (request.chunk_size == 0 && !request.body.empty()) length = std::to_string(request.body.size());
  std::string to_sign = request.method + "\n";
  for (std::string_view name : {"Content-Encoding", "Content-Language"}) {
    to_sign += fmt::format("{}\n", FieldOf(request, name));
  }
  to_sign += length + "\n";
  for (std::string_view name : {"Content-MD5", "Content-Type", "Date", "If-Modified-Since",
                                "If-Match", "If-None-Match", "If-Unmodified-Since", "Range"}) {
    to_sign += fmt::format("{}\n", FieldOf(request, name));
  }
  std::map<std::string, std::string> ms_fields;
  for (const auto& [field, value] : request.fields) {
    std::string name = Lower(field);
    if (name.rfind("x-ms-", 0) == 0) ms_fields[name] = value;
  }
  for (const auto& [name, value] : ms_fields) to_sign += fmt::format("{}:{}\n", name, value);

  std::string_view target = request.target;
  size_t question = target.find('?');
  to_sign += fmt::format("/{}{}", account, target.substr(0, question));
  std::map<std::string, std::string> query;
  if (question != std::string_view::npos) {
    std::string_view rest = target.substr(question + 1);
    while (!rest.empty()) {
      std::string_view pair = rest.substr(0, rest.find('&'));
      rest.remove_prefix(std::min(rest.size(), pair.size() + 1));
      size_t eq = pair.find('=');
      std::string_view value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
      query[Lower(pair.substr(0, eq))] = PercentDecode(value);
    }
  }
  for (const auto& [name, value] : query) to_sign += fmt::format("\n{}:{}", name, value);

  std::string key = DecodeBase64(account_key);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(to_sign.data()), to_sign.size(), mac, &mac_size);
  request.fields.emplace_back("Authorization",
                              fmt::format("SharedKey {}:{}", account, Base64(mac, mac_size)));
}

Result<std::unique_ptr<TestServer>> TestServer::Start(TestServerKind kind, int first_port) {
  ServerSpec spec = SpecOf(kind);
  QUIRE_ASSIGN_OR_RETURN(std::string script, FindNodeModulesBin(spec.bin));
  QUIRE_ASSIGN_OR_RETURN(std::string node, FindOnPath("node"));

  std::string pattern =
      (fs::temp_directory_path() / fmt::format("quire-{}-XXXXXX", spec.name)).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    return Status::IOError("mkdtemp {}: {}", pattern, std::strerror(errno));
  }
  // From here on the destructor cleans up, whatever fails.
  std::unique_ptr<TestServer> server(new TestServer(kind, pattern));
  server->log_path_ = (fs::path(server->dir_) / "server.log").string();

  Status last;
  for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
    if (attempt == 0 && first_port > 0) {
      server->port_ = first_port;
    } else {
      QUIRE_ASSIGN_OR_RETURN(server->port_, PickFreePort());
    }
    QUIRE_RETURN_NOT_OK(server->Launch(node, script));
    last = server->WaitUntilReady(ReadyMarker(kind, server->port_));
    if (last.ok()) return server;
    server->Stop();
    // Another process took the port between PickFreePort() and the server's
    // bind: try another. Anything else is a real failure.
    if (last.message().find("EADDRINUSE") == std::string::npos) break;
  }
  return last;
}

Status TestServer::Launch(const std::string& node, const std::string& script) {
  std::string data = (fs::path(dir_) / "data").string();
  std::error_code ec;
  fs::remove_all(data, ec);
  fs::create_directories(data, ec);
  if (ec) return Status::IOError("create {}: {}", data, ec.message());

  std::vector<std::string> args = {node};
  // s3rver 3.7 encrypts ListObjectsV2 continuation tokens with a cipher that
  // OpenSSL 3 (Node 17+) keeps in its legacy provider: without it every
  // truncated listing fails with a 500 InternalError.
  if (kind_ == TestServerKind::kS3) args.push_back("--openssl-legacy-provider");
  args.push_back(script);
  for (std::string& arg : ServerArgs(kind_, port_, data)) args.push_back(std::move(arg));
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  UniqueFd log(::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  UniqueFd null_in(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!log || !null_in) return Status::IOError("open {}: {}", log_path_, std::strerror(errno));
  std::string banner = fmt::format("--- {} on port {}\n", fmt::join(args, " "), port_);
  (void)!::write(log.get(), banner.data(), banner.size());

  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) return Status::IOError("fork: {}", std::strerror(errno));
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(1);  // the parent already died
    ::dup2(null_in.get(), 0);
    ::dup2(log.get(), 1);
    ::dup2(log.get(), 2);
    ::execv(argv[0], argv.data());
    static const char kFailed[] = "exec of node failed\n";
    (void)!::write(2, kFailed, sizeof(kFailed) - 1);
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also here, so that Stop() finds the group whoever runs first
  pid_ = pid;
  return Status::OK();
}

Status TestServer::WaitUntilReady(std::string_view marker) {
  ServerSpec spec = SpecOf(kind_);
  auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int wstatus = 0;
    if (::waitpid(pid_, &wstatus, WNOHANG) == pid_) {
      pid_ = -1;
      return Status::IOError("{} exited ({}) before listening on port {}; its log ends:\n{}",
                             spec.name,
                             WIFEXITED(wstatus) ? fmt::format("status {}", WEXITSTATUS(wstatus))
                                                : fmt::format("signal {}", WTERMSIG(wstatus)),
                             port_, LogTail());
    }
    // The marker names our port and comes from our child's log, so a stranger on
    // the port cannot pass for the server; the request proves it answers.
    if (ReadFileTail(log_path_, 1 << 16).find(marker) != std::string::npos) {
      TestHttpClient probe(port_, std::chrono::seconds(5));
      if (probe.Get(std::string(spec.probe)).ok()) return Status::OK();
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  return Status::IOError("{} did not answer on port {} within {} s; its log ends:\n{}",
                         spec.name, port_, kStartTimeout.count(), LogTail());
}

void TestServer::Stop() {
  if (pid_ <= 0) return;
  ::kill(-pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + kStopGrace;
  siginfo_t info{};
  while (std::chrono::steady_clock::now() < deadline) {
    info.si_pid = 0;
    // WNOWAIT: the leader stays a zombie, so its group id cannot be reused
    // before the SIGKILL below reaches any straggler of the group.
    if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
        info.si_pid == pid_) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(-pid_, SIGKILL);
  while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

TestServer::~TestServer() {
  Stop();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string TestServer::endpoint() const {
  return fmt::format("http://{}:{}", kLoopback, port_);
}

std::string TestServer::LogTail(size_t max_bytes) const {
  return ReadFileTail(log_path_, max_bytes);
}

Status TestServer::CreateBucket(std::string_view name) {
  HttpRequest request{"PUT", fmt::format("/{}", name)};
  if (kind_ == TestServerKind::kAzurite) {
    request.target = fmt::format("/{}/{}?restype=container", kAzuriteAccount, name);
    SignForAzurite(request);
  }
  TestHttpClient client(port_);
  QUIRE_ASSIGN_OR_RETURN(HttpResponse response, client.Send(request));
  if (response.status / 100 == 2) return Status::OK();
  if (response.status == 409) {
    return Status::AlreadyExists("{}: bucket {} exists", SpecOf(kind_).name, name);
  }
  return Status::IOError("{}: creating bucket {} answered {} {}: {}", SpecOf(kind_).name, name,
                         response.status, response.head.reason, response.body);
}

io::UrlOptions TestServer::url_options(std::string_view endpoint_override) const {
  std::string base = endpoint_override.empty() ? endpoint() : std::string(endpoint_override);
  if (kind_ == TestServerKind::kS3) {
    return {{"endpoint", base},
            {"region", std::string(kS3Region)},
            {"access_key_id", std::string(kS3AccessKeyId)},
            {"secret_access_key", std::string(kS3SecretAccessKey)},
            {"addressing", "path"}};
  }
  return {{"account", std::string(kAzuriteAccount)},
          {"account_key", std::string(kAzuriteAccountKey)},
          {"endpoint", fmt::format("{}/{}", base, kAzuriteAccount)}};
}

TestServer& SharedTestServer(TestServerKind kind) {
  static std::unique_ptr<TestServer> servers[2];
  auto& server = servers[kind == TestServerKind::kS3 ? 0 : 1];
  if (!server) {
    auto started = TestServer::Start(kind);
    if (!started.ok()) {
      std::fprintf(stderr, "cannot start the test server: %s\n", started.status().ToString().c_str());
      std::abort();
    }
    server = std::move(*started);
  }
  return *server;
}

}  // namespace quire::testing
