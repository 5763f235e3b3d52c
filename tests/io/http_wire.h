#pragma once

/// \file tests/io/http_wire.h
/// \brief HTTP/1.1 on loopback sockets, as much as the test servers, the fault
/// proxy and the test client need: sockets, message heads, body framing
/// (RFC 9112 section 6) and streaming a body through a fixed buffer.
///
/// Test-only code: nothing here listens on anything but 127.0.0.1.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "quire/util/result.h"

namespace quire::testing {

/// \brief Own a file descriptor and close it on destruction. Move-only.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  /// \brief Give up ownership and return the descriptor.
  int release() { return std::exchange(fd_, -1); }
  /// \brief Close the owned descriptor (if any) and own `fd` instead.
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

/// The only address anything in the tests binds or connects to.
inline constexpr const char* kLoopback = "127.0.0.1";

/// \brief Listen on 127.0.0.1:`port`; port 0 lets the kernel choose a free one.
Result<UniqueFd> ListenLoopback(int port = 0, int backlog = 128);

/// \brief Return the local port that socket `fd` is bound to.
Result<int> LocalPort(int fd);

/// \brief Return a port of 127.0.0.1 that was free a moment ago (bind port 0,
/// read it, close). Racy by nature: another process may take it before the caller
/// binds it, so callers retry with another port when their bind fails.
Result<int> PickFreePort();

/// \brief Connect to `host`:`port` (a numeric IPv4 address) within `timeout`.
Result<UniqueFd> ConnectTcp(const std::string& host, int port,
                            std::chrono::milliseconds timeout);

/// \brief Write all of `data` to socket `fd` (no SIGPIPE: a closed peer is an error).
Status SendAll(int fd, std::string_view data);

/// \brief Make the coming close() of socket `fd` send a TCP reset (SO_LINGER 0)
/// instead of an orderly FIN.
void ResetOnClose(int fd);

/// \brief Compare ASCII strings ignoring case, as HTTP field names compare.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

/// \brief A parsed request or response head.
struct HttpHead {
  /// Request: method and request target ("GET", "/bucket/key?x=1"); empty in responses.
  std::string method;
  std::string target;
  /// Response: status code and reason phrase; 0 and empty in requests.
  int status = 0;
  std::string reason;
  /// Fields in order of arrival, values without surrounding whitespace.
  std::vector<std::pair<std::string, std::string>> fields;

  /// \brief Return the value of the first field called `name` (any case).
  std::optional<std::string_view> Field(std::string_view name) const;
  /// \brief Return whether field `name` lists `token` among its comma-separated
  /// values, ignoring case ("Connection: keep-alive, close" has "close").
  bool HasToken(std::string_view name, std::string_view token) const;
  /// \brief Render back to text: start line, "Name: value" lines, blank line.
  /// Fields called `drop` (any case) are left out.
  std::string Serialize(std::string_view drop = {}) const;
};

/// \brief Parse a request head (request line, fields, blank line).
/// \return kInvalidArgument on a malformed head.
Result<HttpHead> ParseRequestHead(std::string_view text);
/// \brief Parse a response head (status line, fields, blank line).
Result<HttpHead> ParseResponseHead(std::string_view text);

/// \brief How the end of a message body is found.
struct BodyFraming {
  enum class Kind : uint8_t {
    kNone,        ///< no body (HEAD responses, 1xx/204/304, requests without one)
    kLength,      ///< Content-Length bytes
    kChunked,     ///< Transfer-Encoding: chunked
    kUntilClose,  ///< response body ending when the server closes the connection
  };
  Kind kind = Kind::kNone;
  int64_t length = 0;  ///< for kLength
};

/// \brief Return how the body of request `head` is framed.
Result<BodyFraming> RequestFraming(const HttpHead& head);
/// \brief Return how the body of response `head`, answering a `request_method`
/// request, is framed.
Result<BodyFraming> ResponseFraming(const HttpHead& head, std::string_view request_method);

/// \brief Read from a socket through a fixed buffer. Not thread-safe.
///
/// Every wait for data is bounded by `timeout` (zero: no bound) and gives up with
/// kCancelled once `*stop` turns true, which it checks every 50 ms.
class SocketReader {
 public:
  SocketReader(int fd, std::chrono::milliseconds timeout,
               const std::atomic<bool>* stop = nullptr,
               std::atomic<int64_t>* bytes_counter = nullptr);

  void set_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }

  /// \brief Read a message head through its blank line (returned with it).
  /// \return nullopt when the peer closed the connection before sending a byte
  /// of it (the normal end of a kept-alive connection); kInvalidArgument when it
  /// exceeds `max_bytes`; kIOError when the connection breaks in the middle.
  Result<std::optional<std::string>> ReadHead(size_t max_bytes = 64 * 1024);
  /// \brief Read one line through its "\r\n" (returned with it).
  Result<std::string> ReadLine(size_t max_bytes = 8 * 1024);
  /// \brief Read up to `max` bytes; return 0 only at the end of the stream.
  Result<size_t> ReadSome(char* out, size_t max);
  /// \brief Return whether bytes already arrived that no call has returned yet.
  bool has_buffered() const { return begin_ < end_; }

 private:
  /// Wait for and receive more bytes; false at the end of the stream.
  Result<bool> Fill();

  int fd_;
  std::chrono::milliseconds timeout_;
  const std::atomic<bool>* stop_;
  std::atomic<int64_t>* bytes_counter_;
  std::vector<char> buffer_;
  size_t begin_ = 0;
  size_t end_ = 0;
};

/// Receives a body piece by piece; an error stops the transfer.
using BodySink = std::function<Status(std::string_view)>;

/// \brief Read a body framed by `framing` from `reader` and hand it to `sink` in
/// pieces of at most 16 KiB, so memory stays bounded whatever the body's size.
///
/// With `raw`, a chunked body reaches `sink` exactly as it arrived (sizes, CRLFs,
/// trailers), for relaying; otherwise only its data does.
/// \return kIOError naming how far it got when the stream ends early.
Status TransferBody(SocketReader& reader, const BodyFraming& framing, bool raw,
                    const BodySink& sink);

/// \brief Format `time` as an HTTP date ("Sun, 06 Nov 1994 08:49:37 GMT").
std::string HttpDate(std::chrono::system_clock::time_point time);

}  // namespace quire::testing
