/// \file tests/io/loopback_server.cc
/// \brief The accept loop, the connection threads and their shutdown.

#include "io/loopback_server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include "quire/util/macros.h"

namespace quire::testing {

Result<std::unique_ptr<LoopbackServer>> LoopbackServer::Start(int port, Handler handler) {
  QUIRE_ASSIGN_OR_RETURN(UniqueFd listener, ListenLoopback(port));
  QUIRE_ASSIGN_OR_RETURN(int bound, LocalPort(listener.get()));
  return std::unique_ptr<LoopbackServer>(
      new LoopbackServer(std::move(listener), bound, std::move(handler)));
}

LoopbackServer::LoopbackServer(UniqueFd listener, int port, Handler handler)
    : listener_(std::move(listener)), port_(port), handler_(std::move(handler)) {
  accept_thread_ = std::thread([this] { AcceptLoop(); });
}

LoopbackServer::~LoopbackServer() {
  {
    std::lock_guard lock(mutex_);
    stopping_.store(true);
    stop_cv_.notify_all();
  }
  // Wakes the accept loop's poll() at once (Linux).
  ::shutdown(listener_.get(), SHUT_RDWR);
  accept_thread_.join();
  listener_.reset();
  {
    // Wake threads blocked in send() to a peer that stopped reading.
    std::lock_guard lock(mutex_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  for (Connection& connection : threads_) connection.thread.join();
}

void LoopbackServer::AcceptLoop() {
  while (!stopping_.load()) {
    pollfd pfd{listener_.get(), POLLIN, 0};
    if (::poll(&pfd, 1, 50) <= 0) continue;
    UniqueFd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!fd) continue;
    int one = 1;
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    connections_.fetch_add(1);
    // Join the threads of ended connections, so that long runs do not pile them up.
    for (auto it = threads_.begin(); it != threads_.end();) {
      if (it->done->load()) {
        it->thread.join();
        it = threads_.erase(it);
      } else {
        ++it;
      }
    }
    auto done = std::make_shared<std::atomic<bool>>(false);
    std::thread thread([this, done, connection = std::move(fd)]() mutable {
      {
        Tracked tracked(this, connection.get());
        handler_(connection.get(), *this);
      }
      connection.reset();
      done->store(true);
    });
    threads_.push_back(Connection{std::move(thread), std::move(done)});
  }
}

bool LoopbackServer::SleepUnlessStopping(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return !stop_cv_.wait_for(lock, delay, [this] { return stopping_.load(); });
}

LoopbackServer::Tracked::Tracked(LoopbackServer* server, int fd) : server_(server), fd_(fd) {
  std::lock_guard lock(server_->mutex_);
  server_->open_fds_.insert(fd_);
}

LoopbackServer::Tracked::~Tracked() {
  std::lock_guard lock(server_->mutex_);
  server_->open_fds_.erase(fd_);
}

}  // namespace quire::testing
