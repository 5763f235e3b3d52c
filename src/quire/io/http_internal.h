#pragma once

/// \file quire/io/http_internal.h
/// \brief HTTP requests over libcurl for the S3 and Azure filesystems, with pooled
/// connections, timeouts, a classification of failures into transient and
/// permanent, and the retry loop. Not installed.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "quire/columnar/buffer.h"
#include "quire/util/result.h"

namespace quire::io {
class IoStats;
}

namespace quire::io::internal {

/// \brief Header fields in order; lookup ignores the case of names (RFC 9110 5.1).
class HttpHeaders {
 public:
  void Add(std::string name, std::string value) {
    fields_.emplace_back(std::move(name), std::move(value));
  }
  /// \brief Replace every field named `name` (any case) by one with `value`.
  void Set(std::string_view name, std::string value);
  /// \brief Return the value of the first field named `name`, or nullptr.
  const std::string* Find(std::string_view name) const;
  std::string_view Get(std::string_view name) const {
    const std::string* v = Find(name);
    return v ? std::string_view(*v) : std::string_view();
  }
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }
  void Clear() { fields_.clear(); }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

/// \brief Return whether `a` and `b` are equal ignoring ASCII case.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

/// \brief One request. The body is borrowed: it must outlive Send().
struct HttpRequest {
  std::string method = "GET";
  /// Absolute URL, its path and query already percent-encoded.
  std::string url;
  HttpHeaders headers;
  std::span<const uint8_t> body;
};

/// \brief A response: status, headers and the whole body.
struct HttpResponse {
  long status = 0;
  HttpHeaders headers;
  /// The body (never null; empty for HEAD).
  columnar::BufferPtr body;

  std::string_view body_text() const { return body ? body->ToStringView() : std::string_view(); }
};

/// \brief Connection and timeout settings of an HttpClient.
struct HttpClientOptions {
  int connect_timeout_ms = 10'000;
  /// A transfer that moves no byte for this long fails as a (transient) timeout.
  int request_timeout_ms = 60'000;
  /// Easy handles kept for reuse (each keeps its connections alive).
  int max_idle_handles = 32;
  columnar::MemoryPool* pool = columnar::default_memory_pool();
};

/// \brief Sends requests over libcurl, reusing connections. Thread-safe: concurrent
/// Send() calls each take a pooled handle.
class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// \brief Send `request` and read the whole response.
  ///
  /// Any HTTP status is a response. A transport failure is an error: kIOError,
  /// retryable when transient (refused or reset connections, timeouts, a body
  /// shorter than its Content-Length), naming the method and the redacted URL.
  Result<HttpResponse> Send(const HttpRequest& request);

  const HttpClientOptions& options() const { return options_; }

 private:
  struct Impl;
  HttpClientOptions options_;
  std::unique_ptr<Impl> impl_;
};

/// \brief Return `url` with the values of secret query parameters (SAS "sig",
/// SigV4 query signatures and tokens) replaced by "REDACTED".
std::string RedactUrl(std::string_view url);

/// \brief Percent-encode `text` as AWS and Azure expect: every byte except
/// A-Z a-z 0-9 - . _ ~ (and '/' when `keep_slash`) becomes %XX (uppercase).
std::string UriEncode(std::string_view text, bool keep_slash);

/// \brief Decode %XX escapes (and '+' as a space when `plus_is_space`).
std::string UriDecode(std::string_view text, bool plus_is_space = false);

/// \brief Format a time as an RFC 1123 HTTP date ("Sun, 06 Nov 1994 08:49:37 GMT").
std::string HttpDate(std::chrono::system_clock::time_point t);
/// \brief Parse an RFC 1123 HTTP date; nullopt-like error when malformed.
Result<std::chrono::system_clock::time_point> ParseHttpDate(std::string_view text);
/// \brief Parse an ISO 8601 UTC time as S3 lists it ("2024-05-01T12:00:00.000Z").
Result<std::chrono::system_clock::time_point> ParseIsoTime(std::string_view text);

/// \brief How often and how long to retry transient failures.
struct RetryPolicy {
  /// Attempts after the first.
  int max_retries = 8;
  /// No new attempt starts after this much time since the first.
  int64_t retry_timeout_ms = 60'000;
  /// Backoff before retry n is uniform in [0, min(max_delay, base_delay * 2^n)]
  /// ("full jitter").
  int64_t base_delay_ms = 100;
  int64_t max_delay_ms = 10'000;
};

/// \brief Return the backoff before retry `attempt` (0-based), with full jitter.
std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int attempt);

/// \brief What one exchange needs from its service.
struct RetryHooks {
  /// Fill in authentication headers; called before every attempt (fresh dates).
  std::function<Status(HttpRequest&)> sign;
  /// Turn a response into OK or an error (retryable when transient).
  std::function<Status(const HttpRequest&, const HttpResponse&)> check;
};

/// \brief Send `request`, retrying transient failures under `policy`, counting each
/// retry in `stats`. Returns the first response that `hooks.check` accepts.
///
/// After the budget is spent the error is a retryable kIOError naming the method,
/// the redacted URL, the number of attempts and the last failure. Permanent
/// failures return at once. `*ambiguous`, when given, is set if an attempt failed in
/// a way that may have let the request take effect (a transport error or a 5xx):
/// conditional creates use it to tell their own earlier write from a competitor's.
Result<HttpResponse> SendWithRetry(HttpClient& client, const RetryPolicy& policy,
                                   const RetryHooks& hooks, HttpRequest request,
                                   IoStats* stats, bool* ambiguous = nullptr);

}  // namespace quire::io::internal
