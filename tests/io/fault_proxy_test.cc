#include "io/fault_proxy.h"

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "io/http_client.h"
#include "io/http_wire.h"
#include "io/loopback_server.h"
#include "quire/testing/matchers.h"

namespace quire::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// An origin server for the proxy to sit in front of, with objects in memory:
//   PUT  /o/<key>        stores the body (any framing); 200 without a body
//   GET  /o/<key>        the body with Content-Length, or 404
//   HEAD /o/<key>        Content-Length only
//   GET  /chunked/<key>  the body in chunked coding, 1000-byte chunks
//   GET  /close/<key>    the body ended by closing the connection
// It keeps the heads it received, to show what the proxy forwarded.
class FakeOrigin {
 public:
  FakeOrigin() {
    auto server = LoopbackServer::Start(0, [this](int fd, LoopbackServer& server) {
      Serve(fd, server);
    });
    server_ = std::move(server).ValueOrDie();
  }

  int port() const { return server_->port(); }
  int requests() {
    std::lock_guard lock(mutex_);
    return static_cast<int>(heads_.size());
  }
  HttpHead last_head() {
    std::lock_guard lock(mutex_);
    return heads_.empty() ? HttpHead{} : heads_.back();
  }
  std::optional<std::string> object(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto it = objects_.find(key);
    if (it == objects_.end()) return std::nullopt;
    return it->second;
  }
  void set_object(const std::string& key, std::string body) {
    std::lock_guard lock(mutex_);
    objects_[key] = std::move(body);
  }

 private:
  void Serve(int fd, LoopbackServer& server) {
    SocketReader reader(fd, std::chrono::seconds(30), server.stopping());
    while (true) {
      auto text = reader.ReadHead();
      if (!text.ok() || !*text) return;
      auto head = ParseRequestHead(**text);
      if (!head.ok()) return;
      auto framing = RequestFraming(*head);
      if (!framing.ok()) return;
      std::string body;
      if (!TransferBody(reader, *framing, false, [&](std::string_view piece) {
             body.append(piece);
             return Status::OK();
           }).ok()) {
        return;
      }
      {
        std::lock_guard lock(mutex_);
        heads_.push_back(*head);
      }
      if (!Respond(fd, *head, std::move(body))) return;
    }
  }

  // Send the answer; false when the connection is to end.
  bool Respond(int fd, const HttpHead& head, std::string body) {
    std::string_view target = head.target;
    std::string_view route = target.substr(0, target.find('/', 1) + 1);
    std::string key(target.substr(route.size()));
    if (head.method == "PUT" && route == "/o/") {
      set_object(key, std::move(body));
      return SendAll(fd, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n").ok();
    }
    std::optional<std::string> stored = object(key);
    if (!stored) {
      return SendAll(fd, "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found").ok();
    }
    if (route == "/chunked/") {
      std::string out = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
      for (size_t i = 0; i < stored->size(); i += 1000) {
        std::string_view chunk = std::string_view(*stored).substr(i, 1000);
        out += fmt::format("{:x};ext=1\r\n{}\r\n", chunk.size(), chunk);
      }
      out += "0\r\nx-trailer: yes\r\n\r\n";
      return SendAll(fd, out).ok();
    }
    if (route == "/close/") {
      (void)SendAll(fd, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + *stored);
      return false;
    }
    std::string out = fmt::format("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nETag: \"e\"\r\n\r\n",
                                  stored->size());
    if (head.method != "HEAD") out += *stored;
    return SendAll(fd, out).ok();
  }

  std::mutex mutex_;
  std::vector<HttpHead> heads_;
  std::map<std::string, std::string> objects_;
  std::unique_ptr<LoopbackServer> server_;  // last: its threads stop first
};

std::string Pattern(size_t size) {
  std::string out(size, '\0');
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<char>('a' + (i * 7 + i / 13) % 26);
  return out;
}

class FaultProxyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(proxy_, FaultProxy::Start(origin_.port()));
    client_ = std::make_unique<TestHttpClient>(proxy_->port(), std::chrono::seconds(10));
  }

  FakeOrigin origin_;
  std::unique_ptr<FaultProxy> proxy_;
  std::unique_ptr<TestHttpClient> client_;
};

TEST_F(FaultProxyTest, RelaysRequestsOfOneKeptAliveConnection) {
  std::string body = Pattern(100'000);
  ASSERT_OK_AND_ASSIGN(HttpResponse put, client_->Put("/o/a", body));
  EXPECT_EQ(put.status, 200);
  ASSERT_OK_AND_ASSIGN(HttpResponse get, client_->Get("/o/a"));
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.body, body);
  ASSERT_OK_AND_ASSIGN(HttpResponse head, client_->Send({"HEAD", "/o/a"}));
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.head.Field("Content-Length"), "100000");
  EXPECT_EQ(head.body, "");
  ASSERT_OK_AND_ASSIGN(HttpResponse missing, client_->Get("/o/b"));
  EXPECT_EQ(missing.status, 404);

  EXPECT_EQ(client_->connections_opened(), 1);
  FaultProxyStats stats = proxy_->stats();
  EXPECT_EQ(stats.connections, 1);
  EXPECT_EQ(stats.requests, 4);
  EXPECT_EQ(stats.forwarded, 4);
  EXPECT_EQ(stats.total_faults(), 0);
  EXPECT_GT(stats.bytes_in, 100'000);
  EXPECT_LT(stats.bytes_in, 101'000);
  EXPECT_GT(stats.bytes_out, 100'000);
  EXPECT_LT(stats.bytes_out, 101'000);
  EXPECT_EQ(origin_.requests(), 4);
}

TEST_F(FaultProxyTest, KeepsTheHostFieldOfTheClient) {
  ASSERT_OK(client_->Put("/o/a", "x").status());
  EXPECT_EQ(origin_.last_head().Field("Host"), fmt::format("127.0.0.1:{}", proxy_->port()));
}

TEST_F(FaultProxyTest, RelaysChunkedAndCloseDelimitedResponses) {
  std::string body = Pattern(2500);
  origin_.set_object("c", body);
  ASSERT_OK_AND_ASSIGN(HttpResponse chunked, client_->Get("/chunked/c"));
  EXPECT_EQ(chunked.body, body);
  ASSERT_OK_AND_ASSIGN(HttpResponse closed, client_->Get("/close/c"));
  EXPECT_EQ(closed.body, body);
  // The close-delimited answer ended that connection; the next request opens one.
  ASSERT_OK_AND_ASSIGN(HttpResponse again, client_->Get("/chunked/c"));
  EXPECT_EQ(again.body, body);
  EXPECT_EQ(client_->connections_opened(), 2);
  EXPECT_EQ(proxy_->stats().connections, 2);
}

TEST_F(FaultProxyTest, StreamsChunkedRequestBodies) {
  HttpRequest request{"PUT", "/o/chunks", {}, Pattern(70'000)};
  request.chunk_size = 4096;
  ASSERT_OK_AND_ASSIGN(HttpResponse put, client_->Send(request));
  EXPECT_EQ(put.status, 200);
  EXPECT_EQ(origin_.object("chunks"), request.body);
  EXPECT_TRUE(origin_.last_head().HasToken("Transfer-Encoding", "chunked"));
}

TEST_F(FaultProxyTest, AnswersExpectContinueItselfAndDropsTheField) {
  HttpRequest request{"PUT", "/o/big", {}, Pattern(3 << 20)};
  request.expect_continue = true;
  ASSERT_OK_AND_ASSIGN(HttpResponse put, client_->Send(request));
  EXPECT_EQ(put.status, 200);
  EXPECT_THAT(put.interim, ElementsAre(100));
  EXPECT_EQ(origin_.object("big"), request.body);
  EXPECT_FALSE(origin_.last_head().Field("Expect").has_value());
  ASSERT_EQ(proxy_->requests().size(), 1u);
  EXPECT_TRUE(proxy_->requests()[0].expect_continue);
}

TEST_F(FaultProxyTest, InjectsSlowDownWithoutForwardingAndKeepsTheConnection) {
  proxy_->FailNext(FaultKind::kStatus503);
  ASSERT_OK_AND_ASSIGN(HttpResponse refused, client_->Put("/o/a", "data"));
  EXPECT_EQ(refused.status, 503);
  EXPECT_THAT(refused.body, HasSubstr("<Code>SlowDown</Code>"));
  EXPECT_TRUE(refused.head.Field("x-amz-request-id").has_value());
  EXPECT_EQ(origin_.requests(), 0);
  EXPECT_FALSE(origin_.object("a").has_value());

  ASSERT_OK_AND_ASSIGN(HttpResponse stored, client_->Put("/o/a", "data"));
  EXPECT_EQ(stored.status, 200);
  EXPECT_EQ(origin_.object("a"), "data");
  EXPECT_EQ(client_->connections_opened(), 1);
  FaultProxyStats stats = proxy_->stats();
  EXPECT_EQ(stats.requests, 2);
  EXPECT_EQ(stats.forwarded, 1);
  EXPECT_EQ(stats.count(FaultKind::kStatus503), 1);
  EXPECT_EQ(stats.total_faults(), 1);
}

TEST_F(FaultProxyTest, InjectedStatusAfterExpectContinueStillReadsTheBody) {
  proxy_->FailNext(FaultKind::kStatus500);
  HttpRequest request{"PUT", "/o/a", {}, Pattern(200'000)};
  request.expect_continue = true;
  ASSERT_OK_AND_ASSIGN(HttpResponse refused, client_->Send(request));
  EXPECT_EQ(refused.status, 500);
  EXPECT_THAT(refused.body, HasSubstr("<Code>InternalError</Code>"));
  ASSERT_OK_AND_ASSIGN(HttpResponse stored, client_->Send(request));
  EXPECT_EQ(stored.status, 200);
  EXPECT_EQ(client_->connections_opened(), 1);
}

TEST_F(FaultProxyTest, SpeaksAzureErrorsInTheAzureDialect) {
  FaultSettings settings;
  settings.dialect = ErrorDialect::kAzure;
  ASSERT_OK(proxy_->Configure(settings));
  proxy_->FailNext(FaultKind::kStatus503);
  proxy_->FailNext(FaultKind::kStatus429);
  ASSERT_OK_AND_ASSIGN(HttpResponse busy, client_->Get("/o/a"));
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(busy.head.Field("x-ms-error-code"), "ServerBusy");
  EXPECT_THAT(busy.body, HasSubstr("<Code>ServerBusy</Code>"));
  ASSERT_OK_AND_ASSIGN(HttpResponse throttled, client_->Get("/o/a"));
  EXPECT_EQ(throttled.status, 429);
  EXPECT_EQ(throttled.head.Field("x-ms-error-code"), "TooManyRequests");
}

TEST_F(FaultProxyTest, InjectedErrorsToHeadRequestsHaveNoBody) {
  proxy_->FailNext(FaultKind::kStatus500);
  origin_.set_object("a", "abc");
  ASSERT_OK_AND_ASSIGN(HttpResponse refused, client_->Send({"HEAD", "/o/a"}));
  EXPECT_EQ(refused.status, 500);
  EXPECT_EQ(refused.body, "");
  ASSERT_OK_AND_ASSIGN(HttpResponse get, client_->Get("/o/a"));
  EXPECT_EQ(get.body, "abc");
  EXPECT_EQ(client_->connections_opened(), 1);
}

TEST_F(FaultProxyTest, ResetBeforeForwardingNeverReachesTheServer) {
  proxy_->FailNext(FaultKind::kResetBeforeForward);
  EXPECT_THAT(client_->Put("/o/a", "data"), IsError(ErrorCode::kIOError));
  EXPECT_EQ(origin_.requests(), 0);
  ASSERT_OK_AND_ASSIGN(HttpResponse stored, client_->Put("/o/a", "data"));
  EXPECT_EQ(stored.status, 200);
  EXPECT_EQ(client_->connections_opened(), 2);
  EXPECT_EQ(proxy_->stats().count(FaultKind::kResetBeforeForward), 1);
  EXPECT_EQ(proxy_->requests()[0].status, 0);
}

TEST_F(FaultProxyTest, ResetAfterForwardingHidesAWriteThatHappened) {
  proxy_->FailNext(FaultKind::kResetAfterForward);
  EXPECT_THAT(client_->Put("/o/a", "data"),
              IsError(ErrorCode::kIOError, HasSubstr("reset by peer")));
  EXPECT_EQ(origin_.object("a"), "data");
  EXPECT_EQ(proxy_->stats().forwarded, 1);
}

TEST_F(FaultProxyTest, Status500AfterForwardingHidesAWriteThatHappened) {
  proxy_->FailNext(FaultKind::kStatus500AfterForward);
  ASSERT_OK_AND_ASSIGN(HttpResponse refused, client_->Put("/o/a", "data"));
  EXPECT_EQ(refused.status, 500);
  EXPECT_EQ(origin_.object("a"), "data");
  EXPECT_EQ(refused.head.Field("x-quire-fault"), "status_500_after_forward");
  // The connection survives: the answer was complete.
  ASSERT_OK_AND_ASSIGN(HttpResponse get, client_->Get("/o/a"));
  EXPECT_EQ(get.body, "data");
  EXPECT_EQ(client_->connections_opened(), 1);
}

TEST_F(FaultProxyTest, TruncatesBodiesAfterHalfOfTheirLength) {
  origin_.set_object("a", Pattern(1000));
  proxy_->FailNext(FaultKind::kTruncateResponse);
  EXPECT_THAT(client_->Get("/o/a"),
              IsError(ErrorCode::kIOError, HasSubstr("closed after 500 of 1000 body bytes")));
  EXPECT_EQ(proxy_->requests()[0].status, 200);
  // A response without a body is cut inside its head.
  proxy_->FailNext(FaultKind::kTruncateResponse);
  EXPECT_THAT(client_->Send({"HEAD", "/o/a"}),
              IsError(ErrorCode::kIOError, HasSubstr("inside an HTTP head")));
  // Chunked bodies lose their end too.
  proxy_->FailNext(FaultKind::kTruncateResponse);
  EXPECT_THAT(client_->Get("/chunked/a"), IsError(ErrorCode::kIOError));
  EXPECT_EQ(proxy_->stats().count(FaultKind::kTruncateResponse), 3);
  ASSERT_OK_AND_ASSIGN(HttpResponse whole, client_->Get("/o/a"));
  EXPECT_EQ(whole.body, Pattern(1000));
}

TEST_F(FaultProxyTest, ScriptsHitOnlyMatchingRequestsAfterTheirSkip) {
  origin_.set_object("a", "abc");
  proxy_->FailNext(FaultKind::kStatus503, 2, {.method = "GET"}, /*skip=*/1);
  std::vector<int> statuses;
  for (const char* method : {"PUT", "GET", "PUT", "GET", "GET", "GET"}) {
    HttpRequest request{method, "/o/a", {}, std::string(method) == "PUT" ? "abc" : ""};
    ASSERT_OK_AND_ASSIGN(HttpResponse response, client_->Send(request));
    statuses.push_back(response.status);
  }
  EXPECT_THAT(statuses, ElementsAre(200, 200, 200, 503, 503, 200));
  EXPECT_EQ(proxy_->pending_scripted_faults(), 0);
}

TEST_F(FaultProxyTest, ScriptsFilterByTarget) {
  proxy_->FailNext(FaultKind::kStatus500, 1, {.target_contains = "_delta_log/"});
  ASSERT_OK_AND_ASSIGN(HttpResponse data, client_->Put("/o/part-0.parquet", "p"));
  EXPECT_EQ(data.status, 200);
  ASSERT_OK_AND_ASSIGN(HttpResponse log, client_->Put("/o/_delta_log/0.json", "{}"));
  EXPECT_EQ(log.status, 500);
}

// The statuses of 60 GETs with a 30% rate of 503.
std::vector<int> RandomStatuses(TestHttpClient& client) {
  std::vector<int> statuses;
  for (int i = 0; i < 60; ++i) {
    auto response = client.Get("/o/a");
    statuses.push_back(response.ok() ? response->status : -1);
  }
  return statuses;
}

TEST_F(FaultProxyTest, RandomFaultsRepeatForTheSameSeed) {
  origin_.set_object("a", "abc");
  FaultSettings settings;
  settings.rates.status_503 = 0.3;
  ASSERT_OK(proxy_->Configure(settings));
  proxy_->Seed(42);
  std::vector<int> first = RandomStatuses(*client_);
  proxy_->Seed(42);
  std::vector<int> second = RandomStatuses(*client_);
  proxy_->Seed(7);
  std::vector<int> third = RandomStatuses(*client_);
  EXPECT_EQ(first, second);
  EXPECT_NE(first, third);
  int failed = static_cast<int>(std::count(first.begin(), first.end(), 503));
  EXPECT_EQ(failed + std::count(first.begin(), first.end(), 200), 60);
  EXPECT_GE(failed, 6);
  EXPECT_LE(failed, 32);
}

TEST_F(FaultProxyTest, RandomFaultsRespectTheFilter) {
  origin_.set_object("a", "abc");
  FaultSettings settings;
  settings.rates.reset_before_forward = 1.0;
  settings.filter.method = "DELETE";
  ASSERT_OK(proxy_->Configure(settings));
  for (int i = 0; i < 5; ++i) {
    ASSERT_OK_AND_ASSIGN(HttpResponse get, client_->Get("/o/a"));
    EXPECT_EQ(get.status, 200);
  }
  EXPECT_THAT(client_->Send({"DELETE", "/o/a"}), IsError(ErrorCode::kIOError));
  proxy_->ClearFaults();
  ASSERT_OK_AND_ASSIGN(HttpResponse deleted, client_->Send({"DELETE", "/o/a"}));
  EXPECT_EQ(deleted.status, 200);  // FakeOrigin answers any known key
}

TEST_F(FaultProxyTest, ConfigureRejectsImpossibleRates) {
  FaultSettings settings;
  settings.rates.status_500 = 0.7;
  settings.rates.truncate_response = 0.5;
  EXPECT_THAT(proxy_->Configure(settings), IsError(ErrorCode::kInvalidArgument));
  settings.rates.truncate_response = -0.1;
  EXPECT_THAT(proxy_->Configure(settings), IsError(ErrorCode::kInvalidArgument));
  settings.rates.truncate_response = 0.3;
  EXPECT_OK(proxy_->Configure(settings));
  EXPECT_EQ(proxy_->settings().rates.status_500, 0.7);
}

TEST_F(FaultProxyTest, DelaysEveryRequest) {
  origin_.set_object("a", "abc");
  FaultSettings settings;
  settings.delay = std::chrono::milliseconds(40);
  settings.max_random_delay = std::chrono::milliseconds(20);
  ASSERT_OK(proxy_->Configure(settings));
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) ASSERT_OK(client_->Get("/o/a").status());
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, std::chrono::milliseconds(200));
  EXPECT_LT(elapsed, std::chrono::milliseconds(2000));
}

TEST_F(FaultProxyTest, AnswersBadGatewayWhenTheServerIsDown) {
  ASSERT_OK_AND_ASSIGN(int dead_port, PickFreePort());
  ASSERT_OK_AND_ASSIGN(auto proxy, FaultProxy::Start(dead_port));
  TestHttpClient client(proxy->port());
  ASSERT_OK_AND_ASSIGN(HttpResponse response, client.Put("/o/a", "data"));
  EXPECT_EQ(response.status, 502);
  EXPECT_EQ(proxy->stats().upstream_errors, 1);
  EXPECT_EQ(proxy->stats().forwarded, 0);
}

TEST_F(FaultProxyTest, ServesConcurrentClients) {
  constexpr int kClients = 8;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      TestHttpClient client(proxy_->port());
      std::string key = fmt::format("/o/k{}", c);
      std::string body = Pattern(10'000 + c);
      for (int i = 0; i < 10; ++i) {
        auto put = client.Put(key, body);
        auto get = client.Get(key);
        if (put.ok() && get.ok() && get->body == body) ok.fetch_add(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), kClients * 10);
  EXPECT_EQ(proxy_->stats().connections, kClients);
  EXPECT_EQ(proxy_->stats().requests, kClients * 20);
}

TEST_F(FaultProxyTest, StopsPromptlyWithIdleAndBusyConnections) {
  // One idle kept-alive connection and one request stuck in a long delay.
  ASSERT_OK(client_->Put("/o/a", "x").status());
  FaultSettings settings;
  settings.delay = std::chrono::seconds(30);
  ASSERT_OK(proxy_->Configure(settings));
  std::thread stuck([port = proxy_->port()] {
    TestHttpClient client(port);
    EXPECT_THAT(client.Get("/o/a"), IsError(ErrorCode::kIOError));
  });
  while (proxy_->stats().requests < 2) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto start = std::chrono::steady_clock::now();
  proxy_.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  stuck.join();
}

TEST_F(FaultProxyTest, ResetStatsStartsTheCountersAfresh) {
  ASSERT_OK(client_->Put("/o/a", "x").status());
  proxy_->ResetStats();
  FaultProxyStats stats = proxy_->stats();
  EXPECT_EQ(stats.requests, 0);
  EXPECT_EQ(stats.connections, 0);
  EXPECT_EQ(stats.bytes_in, 0);
  EXPECT_TRUE(proxy_->requests().empty());
  ASSERT_OK(client_->Get("/o/a").status());
  EXPECT_EQ(proxy_->stats().requests, 1);
}

}  // namespace
}  // namespace quire::testing
