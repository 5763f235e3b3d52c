/// \file quire/io/http.cc
#include "quire/io/http_internal.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <mutex>
#include <random>
#include <thread>

#include "quire/io/file_system.h"
#include "quire/util/macros.h"

namespace quire::io::internal {

namespace {

char LowerAscii(char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' ||
                        s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// libcurl's process-wide setup, done once and never undone: curl_global_cleanup
// at exit would race with filesystems still held by static caches.
bool CurlGlobalInit() {
  static const bool ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  return ok;
}

// Failures after which the same request may well succeed.
bool IsTransientCurlError(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_PARTIAL_FILE:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP3:
    case CURLE_QUIC_CONNECT_ERROR:
    case CURLE_AGAIN:
      return true;
    default:
      return false;
  }
}

// What one transfer receives.
struct Transfer {
  explicit Transfer(columnar::MemoryPool* pool, bool head) : pool(pool), head(head), grow(pool) {}

  columnar::MemoryPool* pool;
  bool head;
  HttpHeaders headers;
  int64_t content_length = -1;
  bool head_complete = false;  // the blank line after the last header arrived
  // With a known Content-Length the body goes straight into a buffer of that size
  // (a ranged GET of many megabytes is copied once, from the socket).
  std::shared_ptr<columnar::MutableBuffer> fixed;
  int64_t received = 0;
  columnar::BufferBuilder grow;
  Status error;

  static size_t OnHeader(char* data, size_t size, size_t n, void* self_ptr) {
    auto* self = static_cast<Transfer*>(self_ptr);
    const std::string_view line(data, size * n);
    if (line.substr(0, 5) == "HTTP/") {
      // A new response (after 100 Continue): forget the interim one's fields.
      self->headers.Clear();
      self->content_length = -1;
      self->head_complete = false;
      return size * n;
    }
    if (line == "\r\n" || line == "\n") {
      self->head_complete = true;  // the blank line that ends a response's head
      return size * n;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) return size * n;
    const std::string_view name = Trim(line.substr(0, colon));
    const std::string_view value = Trim(line.substr(colon + 1));
    if (EqualsIgnoreCase(name, "content-length")) {
      int64_t v = 0;
      bool valid = !value.empty() && value.size() < 19;
      for (char c : value) {
        if (c < '0' || c > '9') valid = false;
        v = v * 10 + (c - '0');
      }
      self->content_length = valid ? v : -1;
    }
    self->headers.Add(std::string(name), std::string(value));
    return size * n;
  }

  static size_t OnBody(char* data, size_t size, size_t n, void* self_ptr) {
    auto* self = static_cast<Transfer*>(self_ptr);
    const int64_t bytes = int64_t(size * n);
    if (self->content_length >= 0) {
      if (!self->fixed) {
        auto buf = columnar::MutableBuffer::Allocate(self->content_length, self->pool);
        if (!buf.ok()) {
          self->error = buf.status();
          return 0;
        }
        self->fixed = std::move(*buf);
      }
      if (self->received + bytes > self->content_length) {
        self->error = Status::IOError("the server sent more than its Content-Length of {} bytes",
                                      self->content_length);
        return 0;
      }
      std::memcpy(self->fixed->mutable_data() + self->received, data, size_t(bytes));
    } else {
      Status st = self->grow.Append(data, bytes);
      if (!st.ok()) {
        self->error = std::move(st);
        return 0;
      }
    }
    self->received += bytes;
    return size_t(bytes);
  }

  Result<columnar::BufferPtr> TakeBody() {
    if (fixed) {
      fixed->ZeroPadding();
      return columnar::BufferPtr(std::move(fixed));
    }
    if (content_length > 0 && !head) {
      return Status::Internal("no body buffer for a response of {} bytes", content_length);
    }
    return grow.Finish();
  }
};

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

void HttpHeaders::Set(std::string_view name, std::string value) {
  std::erase_if(fields_, [&](const auto& f) { return EqualsIgnoreCase(f.first, name); });
  fields_.emplace_back(std::string(name), std::move(value));
}

const std::string* HttpHeaders::Find(std::string_view name) const {
  for (const auto& f : fields_) {
    if (EqualsIgnoreCase(f.first, name)) return &f.second;
  }
  return nullptr;
}

struct HttpClient::Impl {
  CURLSH* share = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> share_locks;
  std::mutex idle_mutex;
  std::vector<CURL*> idle;

  static void Lock(CURL*, curl_lock_data data, curl_lock_access, void* self) {
    static_cast<Impl*>(self)->share_locks[size_t(data)].lock();
  }
  static void Unlock(CURL*, curl_lock_data data, void* self) {
    static_cast<Impl*>(self)->share_locks[size_t(data)].unlock();
  }

  Impl() {
    share = curl_share_init();
    if (share) {
      curl_share_setopt(share, CURLSHOPT_LOCKFUNC, &Impl::Lock);
      curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, &Impl::Unlock);
      curl_share_setopt(share, CURLSHOPT_USERDATA, this);
      // DNS answers and TLS sessions are shared; connections stay with the pooled
      // easy handles, each of which keeps its own alive between requests.
      curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
      curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    }
  }
  ~Impl() {
    for (CURL* h : idle) curl_easy_cleanup(h);
    if (share) curl_share_cleanup(share);
  }

  CURL* Acquire() {
    {
      std::lock_guard<std::mutex> lock(idle_mutex);
      if (!idle.empty()) {
        CURL* h = idle.back();
        idle.pop_back();
        return h;
      }
    }
    return curl_easy_init();
  }
  void Release(CURL* h, size_t max_idle) {
    {
      std::lock_guard<std::mutex> lock(idle_mutex);
      if (idle.size() < max_idle) {
        idle.push_back(h);
        return;
      }
    }
    curl_easy_cleanup(h);
  }
};

HttpClient::HttpClient(HttpClientOptions options)
    : options_(options), impl_(std::make_unique<Impl>()) {
  CurlGlobalInit();
}

HttpClient::~HttpClient() = default;

Result<HttpResponse> HttpClient::Send(const HttpRequest& request) {
  if (!CurlGlobalInit()) return Status::IOError("libcurl failed to initialise");
  CURL* h = impl_->Acquire();
  if (!h) return Status::IOError("libcurl could not create a handle");
  struct Guard {
    Impl* impl;
    CURL* h;
    size_t max_idle;
    curl_slist* list = nullptr;
    ~Guard() {
      curl_slist_free_all(list);
      curl_easy_reset(h);
      impl->Release(h, max_idle);
    }
  } guard{impl_.get(), h, size_t(options_.max_idle_handles)};

  const bool head = request.method == "HEAD";
  Transfer transfer(options_.pool, head);
  char errbuf[CURL_ERROR_SIZE] = {0};

  bool has_content_type = false;
  for (const auto& [name, value] : request.headers.fields()) {
    if (EqualsIgnoreCase(name, "content-type")) has_content_type = true;
    const std::string line = name + ": " + value;
    guard.list = curl_slist_append(guard.list, line.c_str());
  }
  // No "Expect: 100-continue" round trip, and no form content type that libcurl
  // would otherwise add to a body (Azure signs the Content-Type it receives).
  guard.list = curl_slist_append(guard.list, "Expect:");
  if (!has_content_type) guard.list = curl_slist_append(guard.list, "Content-Type:");

  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);  // keys may hold "/../" or "//"
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  if (impl_->share) curl_easy_setopt(h, CURLOPT_SHARE, impl_->share);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, long(options_.connect_timeout_ms));
  // A stalled transfer (under 1 byte/s for the request timeout) is a timeout;
  // a large transfer that keeps moving is never cut off.
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME,
                   long(std::max(1, (options_.request_timeout_ms + 999) / 1000)));
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &Transfer::OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &Transfer::OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, guard.list);

  if (head) {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (request.method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method == "PUT" || request.method == "POST" || !request.body.empty()) {
      // The body is sent from the caller's memory, without a copy; an empty one
      // still gets "Content-Length: 0", which PUTs need.
      static const char kEmpty[1] = {0};
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.size()));
      curl_easy_setopt(h, CURLOPT_POSTFIELDS,
                       request.body.empty() ? kEmpty
                                            : reinterpret_cast<const char*>(request.body.data()));
    }
  }

  const CURLcode rc = curl_easy_perform(h);
  const std::string where = request.method + " " + RedactUrl(request.url);
  if (!transfer.error.ok()) return transfer.error.WithContext(where);
  if (rc != CURLE_OK) {
    const std::string detail = errbuf[0] ? std::string(errbuf) : curl_easy_strerror(rc);
    const std::string message = fmt::format("{}: {}", where, detail);
    if (IsTransientCurlError(rc)) return Status::RetryableIOError("{}", message);
    return Status::IOError("{}", message);
  }
  HttpResponse response;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  // A connection closed inside the response's head can still end "OK" for libcurl
  // (notably for HEAD, which expects no body): that response is not an answer.
  if (response.status < 100 || !transfer.head_complete) {
    return Status::RetryableIOError("{}: the response ended inside its head", where);
  }
  if (!head && transfer.content_length >= 0 && transfer.received < transfer.content_length) {
    return Status::RetryableIOError("{}: the body ended after {} of {} bytes", where,
                                    transfer.received, transfer.content_length);
  }
  QUIRE_ASSIGN_OR_RETURN(response.body, transfer.TakeBody());
  response.headers = std::move(transfer.headers);
  return response;
}

std::string RedactUrl(std::string_view url) {
  const size_t q = url.find('?');
  if (q == std::string_view::npos) return std::string(url);
  std::string out(url.substr(0, q + 1));
  std::string_view query = url.substr(q + 1);
  bool first = true;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view param = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const size_t eq = param.find('=');
    const std::string_view name = param.substr(0, eq);
    if (!first) out.push_back('&');
    first = false;
    static constexpr std::string_view kSecret[] = {"sig", "signature", "x-amz-signature",
                                                   "x-amz-credential", "x-amz-security-token"};
    const bool secret = std::any_of(std::begin(kSecret), std::end(kSecret),
                                    [&](std::string_view s) { return EqualsIgnoreCase(s, name); });
    if (secret && eq != std::string_view::npos) {
      out.append(name);
      out.append("=REDACTED");
    } else {
      out.append(param);
    }
  }
  return out;
}

std::string UriEncode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    const auto c = uint8_t(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
        c == '-' || c == '.' || c == '_' || c == '~' || (keep_slash && c == '/')) {
      out.push_back(char(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string UriDecode(std::string_view text, bool plus_is_space) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 &&
        hex(text[i + 2]) >= 0) {
      out.push_back(char(hex(text[i + 1]) * 16 + hex(text[i + 2])));
      i += 2;
    } else if (plus_is_space && text[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

namespace {
constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

Result<std::chrono::system_clock::time_point> FromTm(std::tm tm, std::string_view text) {
  if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
      tm.tm_min > 59 || tm.tm_sec > 60) {
    return Status::Corrupt("invalid time '{}'", text);
  }
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}
}  // namespace

std::string HttpDate(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT", kDays[tm.tm_wday], tm.tm_mday,
                     kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

Result<std::chrono::system_clock::time_point> ParseHttpDate(std::string_view text) {
  const std::string s(text);
  std::tm tm{};
  char month[4] = {0};
  if (std::sscanf(s.c_str(), "%*3s, %d %3s %d %d:%d:%d", &tm.tm_mday, month, &tm.tm_year,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
    return Status::Corrupt("invalid HTTP date '{}'", text);
  }
  tm.tm_mon = -1;
  for (int m = 0; m < 12; ++m) {
    if (std::strcmp(month, kMonths[m]) == 0) tm.tm_mon = m;
  }
  tm.tm_year -= 1900;
  return FromTm(tm, text);
}

Result<std::chrono::system_clock::time_point> ParseIsoTime(std::string_view text) {
  const std::string s(text);
  std::tm tm{};
  if (std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
    return Status::Corrupt("invalid ISO 8601 time '{}'", text);
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return FromTm(tm, text);
}

std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int attempt) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const int shift = std::min(attempt, 30);
  const int64_t cap =
      std::min(policy.max_delay_ms, policy.base_delay_ms * (int64_t(1) << shift));
  std::uniform_int_distribution<int64_t> dist(0, std::max<int64_t>(cap, 0));
  return std::chrono::milliseconds(dist(rng));
}

Result<HttpResponse> SendWithRetry(HttpClient& client, const RetryPolicy& policy,
                                   const RetryHooks& hooks, HttpRequest request,
                                   IoStats* stats, bool* ambiguous) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto budget = std::chrono::milliseconds(policy.retry_timeout_ms);
  Status last;
  int attempts = 0;
  for (int attempt = 0;; ++attempt) {
    if (hooks.sign) QUIRE_RETURN_NOT_OK(hooks.sign(request));
    ++attempts;
    Result<HttpResponse> response = client.Send(request);
    Status st;
    if (response.ok()) {
      st = hooks.check(request, *response);
      if (st.ok()) return response;
      if (ambiguous && response->status >= 500) *ambiguous = true;
    } else {
      st = response.status();
      if (ambiguous) *ambiguous = true;
    }
    if (!st.retryable()) return st;
    last = std::move(st);
    if (attempt >= policy.max_retries) break;
    const auto delay = BackoffDelay(policy, attempt);
    if (Clock::now() + delay - start > budget) break;
    std::this_thread::sleep_for(delay);
    if (stats) stats->AddRetry();
  }
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  return Status::RetryableIOError("{} {}: gave up after {} attempts in {} ms; last error: {}",
                                  request.method, RedactUrl(request.url), attempts, elapsed,
                                  last.message());
}

}  // namespace quire::io::internal
