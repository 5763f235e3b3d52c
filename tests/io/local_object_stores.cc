/// \file tests/io/local_object_stores.cc
#include "local_object_stores.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string_view>
#include <filesystem>
#include <thread>
#include <vector>

extern char** environ;

namespace quire::io::testing {

int FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

namespace {

bool Accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(uint16_t(port));
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

Result<std::unique_ptr<LocalObjectStore>> LocalObjectStore::Start(const std::string& tool,
                                                                  const std::string& account) {
  const std::string bin = std::string(QUIRE_SOURCE_DIR) + "/node_modules/.bin/" + tool;
  if (::access(bin.c_str(), X_OK) != 0) {
    return Status::NotFound("{} is missing: run `npm install` in {} (s3rver and azurite are "
                            "dev dependencies)", bin, QUIRE_SOURCE_DIR);
  }
  std::unique_ptr<LocalObjectStore> server(new LocalObjectStore());
  char dir_template[] = "/tmp/quire-objstore-XXXXXX";
  if (!::mkdtemp(dir_template)) return Status::IOError("mkdtemp failed");
  server->dir_ = dir_template;
  server->port_ = FreeLoopbackPort();
  const std::string port = std::to_string(server->port_);
  std::vector<std::string> args;
  if (tool == "s3rver") {
    args = {bin, "-d", server->dir_, "-a", "127.0.0.1", "-p", port, "-s"};
  } else {
    args = {bin, "--blobHost", "127.0.0.1", "--blobPort", port, "--location", server->dir_,
            "--silent"};
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string log = server->dir_ + ".log";
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  // s3rver 3.7 encrypts ListObjectsV2 continuation tokens with a cipher that
  // OpenSSL 3 (Node 17+) keeps in its legacy provider: without it, every
  // truncated listing fails with a 500 InternalError.
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    if (std::string_view(*e).substr(0, 13) != "NODE_OPTIONS=") env_strings.emplace_back(*e);
  }
  env_strings.emplace_back("NODE_OPTIONS=--openssl-legacy-provider");
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  const int rc = posix_spawn(&server->pid_, bin.c_str(), &actions, nullptr, argv.data(),
                             envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return Status::IOError("cannot start {}: {}", bin, rc);
  server->endpoint_ = "http://127.0.0.1:" + port + account;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!Accepts(server->port_)) {
    int status = 0;
    if (::waitpid(server->pid_, &status, WNOHANG) == server->pid_) {
      server->pid_ = -1;
      return Status::IOError("{} exited before listening on port {} (see {})", tool, port, log);
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return Status::IOError("{} did not listen on port {} within 30 s (see {})", tool, port, log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return server;
}

Result<std::unique_ptr<LocalObjectStore>> LocalObjectStore::StartS3rver() {
  return Start("s3rver", "");
}

Result<std::unique_ptr<LocalObjectStore>> LocalObjectStore::StartAzurite() {
  return Start("azurite-blob", "/devstoreaccount1");
}

LocalObjectStore::~LocalObjectStore() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  std::error_code ec;
  if (!dir_.empty()) {
    std::filesystem::remove_all(dir_, ec);
    std::filesystem::remove(dir_ + ".log", ec);
  }
}

}  // namespace quire::io::testing
