/// \file tests/io/fault_proxy.cc
/// \brief The fault-injecting reverse proxy: a LoopbackServer whose connection
/// threads read requests, decide their faults and relay them, one fresh server
/// connection per request.

#include "io/fault_proxy.h"

#include <deque>
#include <mutex>
#include <random>

#include "io/http_wire.h"
#include "io/loopback_server.h"
#include "quire/util/macros.h"

namespace quire::testing {

std::string_view FaultKindName(FaultKind kind) {
  switch (kind) {
    case FaultKind::kNone:
      return "none";
    case FaultKind::kStatus500:
      return "status_500";
    case FaultKind::kStatus503:
      return "status_503";
    case FaultKind::kStatus429:
      return "status_429";
    case FaultKind::kResetBeforeForward:
      return "reset_before_forward";
    case FaultKind::kResetAfterForward:
      return "reset_after_forward";
    case FaultKind::kTruncateResponse:
      return "truncate_response";
    case FaultKind::kStatus500AfterForward:
      return "status_500_after_forward";
  }
  return "unknown";
}

bool RequestFilter::Matches(std::string_view request_method,
                            std::string_view request_target) const {
  return (method.empty() || method == request_method) &&
         (target_contains.empty() ||
          request_target.find(target_contains) != std::string_view::npos);
}

int64_t FaultProxyStats::total_faults() const {
  int64_t total = 0;
  for (int64_t n : faults) total += n;
  return total;
}

namespace {

constexpr size_t kMaxLoggedRequests = 4096;
constexpr auto kUpstreamConnectTimeout = std::chrono::seconds(5);
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

struct ErrorText {
  std::string_view reason;
  std::string_view code;
  std::string_view message;
};

ErrorText DescribeError(int status, ErrorDialect dialect) {
  bool azure = dialect == ErrorDialect::kAzure;
  switch (status) {
    case 500:
      return {"Internal Server Error", "InternalError",
              azure ? "The server encountered an internal error. Please retry the request."
                    : "We encountered an internal error. Please try again."};
    case 503:
      return azure ? ErrorText{"Service Unavailable", "ServerBusy",
                               "The server is currently unable to receive requests. "
                               "Please retry your request."}
                   : ErrorText{"Slow Down", "SlowDown", "Please reduce your request rate."};
    case 429:
      return {"Too Many Requests", "TooManyRequests", "Too many requests."};
    case 400:
      return {"Bad Request", "BadRequest", "The fault proxy could not parse the request."};
    default:
      return {"Bad Gateway", "BadGateway", "The fault proxy could not reach the server."};
  }
}

// An error response in the dialect of the store being imitated.
std::string ErrorResponse(int status, ErrorDialect dialect, bool head_only, bool close,
                          int64_t id, FaultKind fault) {
  ErrorText text = DescribeError(status, dialect);
  std::string request_id = fmt::format("quire-fault-proxy-{}", id);
  std::string body = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code><Message>{}"
      "</Message><RequestId>{}</RequestId></Error>",
      text.code, text.message, request_id);
  std::string head = fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: application/xml\r\nContent-Length: {}\r\n"
      "Date: {}\r\nx-quire-fault: {}\r\n",
      status, text.reason, head_only ? 0 : body.size(),
      HttpDate(std::chrono::system_clock::now()), FaultKindName(fault));
  if (dialect == ErrorDialect::kAzure) {
    head += fmt::format("x-ms-request-id: {}\r\nx-ms-error-code: {}\r\n", request_id,
                        text.code);
  } else {
    head += fmt::format("x-amz-request-id: {}\r\n", request_id);
  }
  head += close ? "Connection: close\r\n\r\n" : "\r\n";
  return head_only ? head : head + body;
}

int InjectedStatus(FaultKind kind) {
  switch (kind) {
    case FaultKind::kStatus503:
      return 503;
    case FaultKind::kStatus429:
      return 429;
    default:
      return 500;
  }
}

// A random fault for one draw `u` in [0, 1), walking the rates cumulatively.
FaultKind PickFault(const FaultRates& rates, double u) {
  const std::pair<double, FaultKind> table[] = {
      {rates.status_500, FaultKind::kStatus500},
      {rates.status_503, FaultKind::kStatus503},
      {rates.status_429, FaultKind::kStatus429},
      {rates.reset_before_forward, FaultKind::kResetBeforeForward},
      {rates.reset_after_forward, FaultKind::kResetAfterForward},
      {rates.truncate_response, FaultKind::kTruncateResponse},
      {rates.status_500_after_forward, FaultKind::kStatus500AfterForward},
  };
  double cumulative = 0;
  for (const auto& [rate, kind] : table) {
    cumulative += rate;
    if (u < cumulative) return kind;
  }
  return FaultKind::kNone;
}

Status ValidateRates(const FaultRates& rates) {
  const double all[] = {rates.status_500,           rates.status_503,
                        rates.status_429,           rates.reset_before_forward,
                        rates.reset_after_forward,  rates.truncate_response,
                        rates.status_500_after_forward};
  double sum = 0;
  for (double rate : all) {
    if (!(rate >= 0 && rate <= 1)) return Status::Invalid("fault rate {} outside [0, 1]", rate);
    sum += rate;
  }
  if (sum > 1 + 1e-9) return Status::Invalid("fault rates sum to {} > 1", sum);
  return Status::OK();
}

bool AnyRate(const FaultRates& r) {
  return r.status_500 + r.status_503 + r.status_429 + r.reset_before_forward +
             r.reset_after_forward + r.truncate_response + r.status_500_after_forward >
         0;
}

struct Script {
  FaultKind kind;
  int count;
  int skip;
  RequestFilter filter;
};

// What to do with one request.
struct Decision {
  FaultKind fault = FaultKind::kNone;
  std::chrono::milliseconds delay{0};
  ErrorDialect dialect = ErrorDialect::kS3;
  bool expect_continue = false;
  uint64_t log_id = 0;  // of the request's entry in the log
};

enum class After { kKeepAlive, kClose };

}  // namespace

struct FaultProxy::Impl {
  Options options;
  // Reset first by ~FaultProxy, so that connection threads end while the rest of
  // the state they use is alive.
  std::unique_ptr<LoopbackServer> server;

  mutable std::mutex mutex;  // guards the members down to `log`
  FaultSettings settings;
  std::deque<Script> scripts;
  std::mt19937_64 fault_rng;
  std::mt19937_64 delay_rng;
  std::deque<ProxiedRequest> log;
  uint64_t next_log_id = 0;  // the id of log.back() is next_log_id - 1

  std::atomic<int64_t> connections_before_reset{0};
  std::atomic<int64_t> n_requests{0};
  std::atomic<int64_t> n_forwarded{0};
  std::atomic<int64_t> n_upstream_errors{0};
  std::atomic<int64_t> bytes_in{0};
  std::atomic<int64_t> bytes_out{0};
  std::array<std::atomic<int64_t>, kNumFaultKinds> n_faults{};

  // One client connection as a request handler sees it.
  struct Client {
    Impl* impl;
    LoopbackServer* server;
    int fd;
    SocketReader reader;

    Status Send(std::string_view data) {
      impl->bytes_out.fetch_add(static_cast<int64_t>(data.size()));
      return SendAll(fd, data);
    }
  };

  void SeedLocked(uint64_t seed) {
    fault_rng.seed(seed);
    delay_rng.seed(seed ^ 0x9e3779b97f4a7c15ULL);
  }

  void Serve(int fd, LoopbackServer& server);
  Decision Decide(const HttpHead& request);
  void Log(ProxiedRequest record);
  // Record the status of a request before the client can see it, so that tests
  // looking at requests() after a response find it there.
  void SetStatus(const Decision& decision, int status);
  After Handle(Client& client, const HttpHead& request, const Decision& decision);
  After Forward(Client& client, const HttpHead& request, const BodyFraming& framing,
                const Decision& decision);
  After RelayResponse(Client& client, SocketReader& upstream, const std::string& head_text,
                      const HttpHead& response, const HttpHead& request,
                      const Decision& decision);
  After ReplyError(Client& client, int status, const HttpHead& request,
                   const Decision& decision, bool close);
};

void FaultProxy::Impl::Serve(int fd, LoopbackServer& server) {
  Client client{this, &server, fd,
                SocketReader(fd, options.io_timeout, server.stopping(), &bytes_in)};
  while (!server.stopping()->load()) {
    // A kept-alive connection may idle for as long as the client likes.
    client.reader.set_timeout(std::chrono::milliseconds(0));
    Result<std::optional<std::string>> text = client.reader.ReadHead();
    if (!text.ok() || !*text) return;
    client.reader.set_timeout(options.io_timeout);
    n_requests.fetch_add(1);
    Result<HttpHead> request = ParseRequestHead(**text);
    if (!request.ok()) {
      (void)client.Send(ErrorResponse(400, ErrorDialect::kS3, false, true, n_requests.load(),
                                      FaultKind::kNone));
      Log({"?", "?", FaultKind::kNone, 400, false});
      return;
    }
    if (Handle(client, *request, Decide(*request)) == After::kClose) return;
  }
}

Decision FaultProxy::Impl::Decide(const HttpHead& request) {
  std::string_view method = request.method;
  std::string_view target = request.target;
  Decision decision;
  decision.expect_continue = request.HasToken("Expect", "100-continue");
  std::lock_guard lock(mutex);
  decision.log_id = next_log_id;
  if (log.size() == kMaxLoggedRequests) log.pop_front();
  log.push_back({request.method, request.target, FaultKind::kNone, 0, decision.expect_continue});
  ++next_log_id;
  decision.dialect = settings.dialect;
  decision.delay = settings.delay;
  if (settings.max_random_delay.count() > 0) {
    auto extra = delay_rng() % static_cast<uint64_t>(settings.max_random_delay.count() + 1);
    decision.delay += std::chrono::milliseconds(extra);
  }
  for (auto it = scripts.begin(); it != scripts.end(); ++it) {
    if (!it->filter.Matches(method, target)) continue;
    if (it->skip > 0) {
      --it->skip;  // this one passes; later scripts and random faults still apply
      continue;
    }
    decision.fault = it->kind;
    log.back().fault = decision.fault;
    if (--it->count == 0) scripts.erase(it);
    return decision;
  }
  if (AnyRate(settings.rates) && settings.filter.Matches(method, target)) {
    double u = static_cast<double>(fault_rng() >> 11) * 0x1.0p-53;
    decision.fault = PickFault(settings.rates, u);
    log.back().fault = decision.fault;
  }
  return decision;
}

void FaultProxy::Impl::Log(ProxiedRequest record) {
  std::lock_guard lock(mutex);
  if (log.size() == kMaxLoggedRequests) log.pop_front();
  log.push_back(std::move(record));
  ++next_log_id;
}

void FaultProxy::Impl::SetStatus(const Decision& decision, int status) {
  std::lock_guard lock(mutex);
  uint64_t first_id = next_log_id - log.size();
  if (decision.log_id >= first_id) log[decision.log_id - first_id].status = status;
}

After FaultProxy::Impl::ReplyError(Client& client, int status, const HttpHead& request,
                                   const Decision& decision, bool close) {
  close = close || request.HasToken("Connection", "close");
  SetStatus(decision, status);
  Status sent = client.Send(ErrorResponse(status, decision.dialect, request.method == "HEAD",
                                          close, n_requests.load(), decision.fault));
  return close || !sent.ok() ? After::kClose : After::kKeepAlive;
}

After FaultProxy::Impl::Handle(Client& client, const HttpHead& request,
                               const Decision& decision) {
  if (decision.delay.count() > 0 && !client.server->SleepUnlessStopping(decision.delay)) {
    return After::kClose;
  }
  if (decision.fault != FaultKind::kNone) {
    n_faults[static_cast<size_t>(decision.fault)].fetch_add(1);
  }
  Result<BodyFraming> framing = RequestFraming(request);
  if (!framing.ok()) return ReplyError(client, 400, request, decision, true);

  switch (decision.fault) {
    case FaultKind::kResetBeforeForward:
      ResetOnClose(client.fd);
      return After::kClose;
    case FaultKind::kStatus500:
    case FaultKind::kStatus503:
    case FaultKind::kStatus429: {
      // Take the whole request off the connection first, so that it stays usable.
      if (decision.expect_continue && !client.Send(kContinue).ok()) return After::kClose;
      Status read = TransferBody(client.reader, *framing, /*raw=*/true,
                                 [](std::string_view) { return Status::OK(); });
      if (!read.ok()) return After::kClose;
      return ReplyError(client, InjectedStatus(decision.fault), request, decision, false);
    }
    default:
      return Forward(client, request, *framing, decision);
  }
}

After FaultProxy::Impl::Forward(Client& client, const HttpHead& request,
                                const BodyFraming& framing, const Decision& decision) {
  // The proxy answers "Expect: 100-continue" itself: waiting for the server's
  // 100 instead would need both sockets watched at once (curl sends the body
  // anyway after a second), for no gain in a test.
  if (decision.expect_continue && !client.Send(kContinue).ok()) return After::kClose;
  auto discard = [](std::string_view) { return Status::OK(); };

  Result<UniqueFd> connected = ConnectTcp(options.upstream_host, options.upstream_port,
                                          kUpstreamConnectTimeout);
  if (!connected.ok()) {
    n_upstream_errors.fetch_add(1);
    if (!TransferBody(client.reader, framing, true, discard).ok()) return After::kClose;
    return ReplyError(client, 502, request, decision, true);
  }
  UniqueFd upstream = std::move(connected).ValueOrDie();
  LoopbackServer::Tracked tracked = client.server->Track(upstream.get());

  bool upstream_failed = false;
  Status sent = SendAll(upstream.get(), request.Serialize(decision.expect_continue ? "Expect" : ""));
  if (sent.ok()) {
    n_forwarded.fetch_add(1);
    sent = TransferBody(client.reader, framing, /*raw=*/true, [&](std::string_view piece) {
      Status st = SendAll(upstream.get(), piece);
      upstream_failed = !st.ok();
      return st;
    });
  } else {
    upstream_failed = true;
  }
  if (!sent.ok()) {
    if (!upstream_failed) return After::kClose;  // the client broke off
    n_upstream_errors.fetch_add(1);
    return ReplyError(client, 502, request, decision, true);
  }

  SocketReader reader(upstream.get(), options.io_timeout, client.server->stopping());
  while (true) {
    Result<std::optional<std::string>> text = reader.ReadHead();
    Result<HttpHead> response = Status::IOError("server closed without answering");
    if (text.ok() && *text) response = ParseResponseHead(**text);
    if (!response.ok() || response->status == 101) {
      n_upstream_errors.fetch_add(1);
      return ReplyError(client, 502, request, decision, true);
    }
    if (response->status >= 200) {
      return RelayResponse(client, reader, **text, *response, request, decision);
    }
    // Interim responses (102, 103) pass through unless the answer is to be replaced.
    if (decision.fault == FaultKind::kNone && !client.Send(**text).ok()) return After::kClose;
  }
}

After FaultProxy::Impl::RelayResponse(Client& client, SocketReader& upstream,
                                      const std::string& head_text, const HttpHead& response,
                                      const HttpHead& request, const Decision& decision) {
  Result<BodyFraming> framing = ResponseFraming(response, request.method);
  if (!framing.ok()) {
    n_upstream_errors.fetch_add(1);
    return ReplyError(client, 502, request, decision, true);
  }
  auto discard = [](std::string_view) { return Status::OK(); };
  bool keep_alive = !request.HasToken("Connection", "close") &&
                    !response.HasToken("Connection", "close") &&
                    framing->kind != BodyFraming::Kind::kUntilClose;

  switch (decision.fault) {
    case FaultKind::kResetAfterForward:
      (void)TransferBody(upstream, *framing, true, discard);
      ResetOnClose(client.fd);
      return After::kClose;
    case FaultKind::kStatus500AfterForward:
      if (!TransferBody(upstream, *framing, true, discard).ok()) {
        n_upstream_errors.fetch_add(1);
      }
      return ReplyError(client, 500, request, decision, !keep_alive);
    case FaultKind::kTruncateResponse: {
      if (framing->kind == BodyFraming::Kind::kNone) {
        (void)client.Send(std::string_view(head_text).substr(0, head_text.size() / 2));
        return After::kClose;
      }
      SetStatus(decision, response.status);
      if (!client.Send(head_text).ok()) return After::kClose;
      // Half of a known length; otherwise half of what arrives first.
      int64_t budget = framing->kind == BodyFraming::Kind::kLength ? framing->length / 2 : -1;
      (void)TransferBody(upstream, *framing, true, [&](std::string_view piece) {
        if (budget < 0) budget = static_cast<int64_t>(piece.size() / 2);
        size_t n = static_cast<size_t>(std::min<int64_t>(budget, piece.size()));
        budget -= static_cast<int64_t>(n);
        return n == 0 ? Status::OK() : client.Send(piece.substr(0, n));
      });
      return After::kClose;
    }
    default:
      break;
  }

  SetStatus(decision, response.status);
  if (!client.Send(head_text).ok()) return After::kClose;
  bool client_failed = false;
  Status relayed = TransferBody(upstream, *framing, /*raw=*/true, [&](std::string_view piece) {
    Status st = client.Send(piece);
    client_failed = !st.ok();
    return st;
  });
  if (!relayed.ok()) {
    if (!client_failed) n_upstream_errors.fetch_add(1);
    return After::kClose;  // the client sees the body end early
  }
  return keep_alive ? After::kKeepAlive : After::kClose;
}

FaultProxy::FaultProxy(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Result<std::unique_ptr<FaultProxy>> FaultProxy::Start(const Options& options) {
  if (options.upstream_port <= 0 || options.upstream_port > 65535) {
    return Status::Invalid("fault proxy: bad upstream port {}", options.upstream_port);
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->SeedLocked(options.seed);
  Impl* raw = impl.get();
  QUIRE_ASSIGN_OR_RETURN(impl->server,
                         LoopbackServer::Start(options.port, [raw](int fd, LoopbackServer& server) { raw->Serve(fd, server); }));
  return std::unique_ptr<FaultProxy>(new FaultProxy(std::move(impl)));
}

Result<std::unique_ptr<FaultProxy>> FaultProxy::Start(int upstream_port) {
  Options options;
  options.upstream_port = upstream_port;
  return Start(options);
}

FaultProxy::~FaultProxy() {
  // Stop and join the connection threads while the state they use still exists.
  impl_->server.reset();
}

int FaultProxy::port() const { return impl_->server->port(); }

std::string FaultProxy::endpoint() const {
  return fmt::format("http://{}:{}", kLoopback, port());
}

Status FaultProxy::Configure(const FaultSettings& settings) {
  QUIRE_RETURN_NOT_OK(ValidateRates(settings.rates));
  if (settings.delay.count() < 0 || settings.max_random_delay.count() < 0) {
    return Status::Invalid("fault proxy: negative delay");
  }
  std::lock_guard lock(impl_->mutex);
  impl_->settings = settings;
  return Status::OK();
}

FaultSettings FaultProxy::settings() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->settings;
}

void FaultProxy::Seed(uint64_t seed) {
  std::lock_guard lock(impl_->mutex);
  impl_->SeedLocked(seed);
}

void FaultProxy::FailNext(FaultKind kind, int count, const RequestFilter& filter, int skip) {
  if (count <= 0 || kind == FaultKind::kNone) return;
  std::lock_guard lock(impl_->mutex);
  impl_->scripts.push_back(Script{kind, count, skip, filter});
}

void FaultProxy::ClearFaults() {
  std::lock_guard lock(impl_->mutex);
  impl_->scripts.clear();
  FaultSettings cleared;
  cleared.dialect = impl_->settings.dialect;
  impl_->settings = cleared;
}

int FaultProxy::pending_scripted_faults() const {
  std::lock_guard lock(impl_->mutex);
  int pending = 0;
  for (const Script& script : impl_->scripts) pending += script.count;
  return pending;
}

FaultProxyStats FaultProxy::stats() const {
  FaultProxyStats stats;
  stats.connections = impl_->server->connections() - impl_->connections_before_reset.load();
  stats.requests = impl_->n_requests.load();
  stats.forwarded = impl_->n_forwarded.load();
  stats.upstream_errors = impl_->n_upstream_errors.load();
  for (int i = 0; i < kNumFaultKinds; ++i) stats.faults[i] = impl_->n_faults[i].load();
  stats.bytes_in = impl_->bytes_in.load();
  stats.bytes_out = impl_->bytes_out.load();
  return stats;
}

void FaultProxy::ResetStats() {
  impl_->connections_before_reset = impl_->server->connections();
  impl_->n_requests = 0;
  impl_->n_forwarded = 0;
  impl_->n_upstream_errors = 0;
  for (auto& n : impl_->n_faults) n = 0;
  impl_->bytes_in = 0;
  impl_->bytes_out = 0;
  std::lock_guard lock(impl_->mutex);
  impl_->log.clear();
}

std::vector<ProxiedRequest> FaultProxy::requests() const {
  std::lock_guard lock(impl_->mutex);
  return {impl_->log.begin(), impl_->log.end()};
}

}  // namespace quire::testing
