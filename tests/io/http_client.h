#pragma once

/// \file tests/io/http_client.h
/// \brief A small blocking HTTP/1.1 client for tests: one kept-alive connection,
/// no retries, every failure reported as it happened (reset, early close), so
/// tests can see exactly what a server or the fault proxy did.

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "io/http_wire.h"
#include "quire/util/result.h"

namespace quire::testing {

/// \brief One request. The client adds Host and Content-Length (or
/// Transfer-Encoding: chunked) itself.
struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";
  std::vector<std::pair<std::string, std::string>> fields;
  std::string body;
  /// Send the body with chunked transfer coding, in chunks of this many bytes
  /// (0: use Content-Length).
  size_t chunk_size = 0;
  /// Send "Expect: 100-continue" and the body only after "100 Continue".
  bool expect_continue = false;
};

/// \brief A whole response.
struct HttpResponse {
  int status = 0;
  HttpHead head;
  std::string body;
  /// Interim (1xx) responses received before this one, by status.
  std::vector<int> interim;
};

/// \brief Send requests to 127.0.0.1:`port` over one kept-alive connection,
/// reopened when the server closed it. Not thread-safe.
class TestHttpClient {
 public:
  explicit TestHttpClient(int port, std::chrono::milliseconds timeout = std::chrono::seconds(30))
      : port_(port), timeout_(timeout) {}

  /// \brief Send `request` and read the whole response.
  /// \return kIOError when the connection breaks or closes early (the message
  /// names how far the response got); the next call opens a new connection.
  Result<HttpResponse> Send(const HttpRequest& request);

  /// \brief Shorthands for Send().
  Result<HttpResponse> Get(std::string target) { return Send({"GET", std::move(target)}); }
  Result<HttpResponse> Put(std::string target, std::string body) {
    return Send({"PUT", std::move(target), {}, std::move(body)});
  }

  /// \brief Return how many connections the client opened so far.
  int connections_opened() const { return connections_opened_; }
  /// \brief Close the connection (the next request opens another).
  void Close();

 private:
  Result<HttpResponse> SendOnConnection(const HttpRequest& request);
  Result<HttpResponse> ReadResponse(std::string_view method);

  int port_;
  std::chrono::milliseconds timeout_;
  UniqueFd fd_;
  std::optional<SocketReader> reader_;
  int connections_opened_ = 0;
};

}  // namespace quire::testing
