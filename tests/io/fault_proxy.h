#pragma once

/// \file tests/io/fault_proxy.h
/// \brief An HTTP/1.1 reverse proxy on 127.0.0.1 that injects the failures of
/// object stores (5xx, throttling, resets, cut bodies, latency) between a client
/// under test and a server (s3rver, azurite), on request or at seeded random.

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "quire/util/result.h"

namespace quire::testing {

/// \brief What the proxy does to one request instead of relaying it faithfully.
enum class FaultKind : uint8_t {
  kNone = 0,
  /// Answer 500 (InternalError) without forwarding.
  kStatus500,
  /// Answer 503 without forwarding: S3 "SlowDown", or Azure "ServerBusy".
  kStatus503,
  /// Answer 429 (TooManyRequests) without forwarding.
  kStatus429,
  /// Reset the connection (TCP RST) once the request head arrived, without forwarding.
  kResetBeforeForward,
  /// Forward; once the server answered, reset the connection instead of replying.
  /// The server did the work but the client cannot know it: the ambiguous case.
  kResetAfterForward,
  /// Forward; relay the head with its full Content-Length and half of the body,
  /// then close. A response without a body is cut inside its head instead.
  kTruncateResponse,
  /// Forward; drop the server's answer and answer 500 instead (the ambiguous
  /// case again, this time with a response the client may retry on).
  kStatus500AfterForward,
};
inline constexpr int kNumFaultKinds = 8;

/// \brief Return a short name of `kind` ("status_503", "reset_after_forward", ...).
std::string_view FaultKindName(FaultKind kind);

/// \brief Whose error bodies injected statuses carry.
enum class ErrorDialect : uint8_t {
  kS3,     ///< XML <Error><Code>SlowDown</Code>..., x-amz-request-id
  kAzure,  ///< x-ms-error-code: ServerBusy and the XML <Error> body
};

/// \brief Which requests a fault may hit. Empty members match everything.
struct RequestFilter {
  std::string method;           ///< exact method, e.g. "GET", "PUT"
  std::string target_contains;  ///< substring of the request target, e.g. "_delta_log/"

  bool Matches(std::string_view method, std::string_view target) const;
};

/// \brief Probabilities (0..1, summing to at most 1) that a request matching
/// FaultSettings::filter gets each fault. One draw per matching request.
struct FaultRates {
  double status_500 = 0;
  double status_503 = 0;
  double status_429 = 0;
  double reset_before_forward = 0;
  double reset_after_forward = 0;
  double truncate_response = 0;
  double status_500_after_forward = 0;
};

/// \brief The random faults and delays, replaced as a whole by Configure().
struct FaultSettings {
  FaultRates rates;
  /// Requests that random faults may hit (delays apply to every request).
  RequestFilter filter;
  /// Added before handling every request (models a distant store; benchmarks).
  std::chrono::milliseconds delay{0};
  /// A further delay drawn uniformly from [0, max_random_delay] per request.
  std::chrono::milliseconds max_random_delay{0};
  ErrorDialect dialect = ErrorDialect::kS3;
};

/// \brief Counters of a proxy since it started (or since ResetStats()).
struct FaultProxyStats {
  int64_t connections = 0;      ///< client connections accepted
  int64_t requests = 0;         ///< request heads read from clients
  int64_t forwarded = 0;        ///< requests sent on to the server
  int64_t upstream_errors = 0;  ///< server unreachable or broken mid-answer (502 or close)
  std::array<int64_t, kNumFaultKinds> faults{};  ///< by FaultKind; [kNone] stays 0
  int64_t bytes_in = 0;   ///< bytes read from clients
  int64_t bytes_out = 0;  ///< bytes written to clients

  int64_t count(FaultKind kind) const { return faults[static_cast<size_t>(kind)]; }
  int64_t total_faults() const;
};

/// \brief What happened to one request, for tests to inspect.
struct ProxiedRequest {
  std::string method;
  std::string target;
  FaultKind fault = FaultKind::kNone;
  /// Status the client was sent (the server's, or the injected one); 0 when the
  /// client got no complete status line.
  int status = 0;
  bool expect_continue = false;  ///< the client sent "Expect: 100-continue"
};

/// \brief A fault-injecting reverse proxy in front of one HTTP/1.1 server.
///
/// Listens on 127.0.0.1 and serves each client connection on its own thread, many
/// requests per connection (keep-alive). Each request goes to the server over a
/// fresh connection (so the server's idle timeouts never surface as faults), with
/// its head unchanged, Host included, except that the proxy answers
/// "Expect: 100-continue" itself and removes that field. Request bodies
/// (Content-Length or chunked) and response bodies (Content-Length, chunked or
/// up to the close) stream through fixed buffers, so memory stays bounded.
///
/// Scripted faults (FailNext) come before random ones. Random faults draw from a
/// generator seeded by Seed(): the same seed and the same sequence of requests
/// give the same faults (concurrent clients make the sequence itself vary).
///
/// Thread-safe. The destructor stops accepting, breaks open connections and
/// joins every thread.
class FaultProxy {
 public:
  /// \brief Where to forward, and where to listen.
  struct Options {
    std::string upstream_host = "127.0.0.1";  ///< numeric IPv4
    int upstream_port = 0;
    int port = 0;       ///< 0: any free port of 127.0.0.1
    uint64_t seed = 1;  ///< see Seed()
    /// Longest wait for the server's answer, or for more bytes of a body.
    std::chrono::milliseconds io_timeout = std::chrono::seconds(60);
  };

  /// \brief Start listening and serving.
  /// \return kIOError when the port cannot be bound.
  static Result<std::unique_ptr<FaultProxy>> Start(const Options& options);
  /// \brief Start in front of 127.0.0.1:`upstream_port`.
  static Result<std::unique_ptr<FaultProxy>> Start(int upstream_port);

  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  /// \brief Return the port the proxy listens on.
  int port() const;
  /// \brief Return "http://127.0.0.1:<port>", the endpoint to give clients.
  std::string endpoint() const;

  /// \brief Replace the random faults and delays.
  /// \return kInvalidArgument when a rate is outside [0, 1] or they sum above 1.
  Status Configure(const FaultSettings& settings);
  /// \brief Return the current random faults and delays.
  FaultSettings settings() const;
  /// \brief Restart the random generators from `seed`.
  void Seed(uint64_t seed);

  /// \brief Give `kind` to the `count` requests matching `filter` that follow the
  /// next `skip` matching ones. Scripts queue up; the first script whose filter
  /// matches a request decides for it, before any random fault.
  void FailNext(FaultKind kind, int count = 1, const RequestFilter& filter = {},
                int skip = 0);
  /// \brief Drop the scripts and the random faults and delays (keeping the dialect).
  void ClearFaults();
  /// \brief Return how many scripted faults are still to come.
  int pending_scripted_faults() const;

  /// \brief Return a snapshot of the counters.
  FaultProxyStats stats() const;
  void ResetStats();
  /// \brief Return the most recent requests (up to 4096), oldest first.
  std::vector<ProxiedRequest> requests() const;

 private:
  struct Impl;
  explicit FaultProxy(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace quire::testing
