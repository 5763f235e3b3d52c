#pragma once

/// \file tests/io/loopback_server.h
/// \brief Accept TCP connections on 127.0.0.1 and serve each on a thread of its
/// own: the skeleton of the fault proxy and of the tests' fake servers.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "io/http_wire.h"
#include "quire/util/result.h"

namespace quire::testing {

/// \brief A listener on 127.0.0.1 with one thread per connection.
///
/// Thread-safe. The destructor stops accepting, shuts down every socket still in
/// use (waking threads blocked on them) and joins every thread, so a handler must
/// return soon after stopping() turns true.
class LoopbackServer {
 public:
  /// Serves one connection; the server closes `fd` once it returns.
  using Handler = std::function<void(int fd, LoopbackServer& server)>;

  /// \brief Listen on `port` (0: any free port) and serve with `handler`.
  static Result<std::unique_ptr<LoopbackServer>> Start(int port, Handler handler);
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  int port() const { return port_; }
  /// \brief Return the flag that turns true when the server stops (for SocketReader).
  const std::atomic<bool>* stopping() const { return &stopping_; }
  /// \brief Return how many connections were accepted.
  int64_t connections() const { return connections_.load(); }

  /// \brief Sleep for `delay`, or less if the server stops; false if it stopped.
  bool SleepUnlessStopping(std::chrono::milliseconds delay);

  /// \brief Keep socket `fd` known to the destructor (which shuts it down) while
  /// this object lives; it must end before `fd` is closed.
  class [[nodiscard]] Tracked {
   public:
    Tracked(LoopbackServer* server, int fd);
    ~Tracked();
    Tracked(const Tracked&) = delete;
    Tracked& operator=(const Tracked&) = delete;

   private:
    LoopbackServer* server_;
    int fd_;
  };
  Tracked Track(int fd) { return Tracked(this, fd); }

 private:
  LoopbackServer(UniqueFd listener, int port, Handler handler);
  void AcceptLoop();

  UniqueFd listener_;
  int port_;
  Handler handler_;
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> connections_{0};
  std::thread accept_thread_;
  // Connection threads: touched by the accept thread only, then by the
  // destructor once that thread is joined.
  struct Connection {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::vector<Connection> threads_;

  std::mutex mutex_;  // guards open_fds_ and stop_cv_ waits
  std::condition_variable stop_cv_;
  std::set<int> open_fds_;
};

}  // namespace quire::testing
