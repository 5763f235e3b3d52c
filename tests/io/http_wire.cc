/// \file tests/io/http_wire.cc
/// \brief Sockets, heads and body framing of HTTP/1.1 for the test helpers.

#include "io/http_wire.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <ctime>

#include "quire/util/macros.h"

namespace quire::testing {
namespace {

constexpr size_t kReadBufferSize = 64 * 1024;
constexpr size_t kTransferPiece = 16 * 1024;
constexpr auto kStopCheckInterval = std::chrono::milliseconds(50);

Status ErrnoStatus(std::string_view what) {
  return Status::IOError("{}: {}", what, std::strerror(errno));
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

sockaddr_in LoopbackAddress(const std::string& host, int port, bool* ok) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  *ok = ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) == 1;
  return addr;
}

// Split `text` into the start line and the field lines; parse the fields.
Result<std::string_view> ParseFields(std::string_view text, HttpHead* head) {
  size_t eol = text.find("\r\n");
  if (eol == std::string_view::npos) {
    return Status::Invalid("HTTP head without a line end: '{}'", text.substr(0, 80));
  }
  std::string_view start = text.substr(0, eol);
  size_t pos = eol + 2;
  while (pos < text.size()) {
    size_t end = text.find("\r\n", pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 2;
    if (line.empty()) break;  // the blank line ending the head
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 || line[0] == ' ' ||
        line[0] == '\t') {
      return Status::Invalid("malformed HTTP field line '{}'", line);
    }
    head->fields.emplace_back(std::string(line.substr(0, colon)),
                              std::string(Trim(line.substr(colon + 1))));
  }
  return start;
}

Result<int64_t> ParseDecimal(std::string_view text, std::string_view what) {
  int64_t value = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) {
    return Status::Invalid("bad {} '{}'", what, text);
  }
  return value;
}

// The framing rules shared by requests and responses once "no body" is ruled out.
Result<BodyFraming> FramingFromFields(const HttpHead& head, bool is_response) {
  if (head.Field("Transfer-Encoding")) {
    if (!head.HasToken("Transfer-Encoding", "chunked")) {
      return Status::Unsupported("Transfer-Encoding '{}' without chunked",
                                 *head.Field("Transfer-Encoding"));
    }
    return BodyFraming{BodyFraming::Kind::kChunked, 0};
  }
  if (auto length = head.Field("Content-Length")) {
    QUIRE_ASSIGN_OR_RETURN(int64_t n, ParseDecimal(*length, "Content-Length"));
    return BodyFraming{n == 0 ? BodyFraming::Kind::kNone : BodyFraming::Kind::kLength, n};
  }
  if (is_response) return BodyFraming{BodyFraming::Kind::kUntilClose, 0};
  return BodyFraming{};
}

}  // namespace

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

Result<UniqueFd> ListenLoopback(int port, int backlog) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return ErrnoStatus("socket");
  int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  bool ok = false;
  sockaddr_in addr = LoopbackAddress(kLoopback, port, &ok);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    return ErrnoStatus(fmt::format("bind 127.0.0.1:{}", port));
  }
  if (::listen(fd.get(), backlog) != 0) return ErrnoStatus("listen");
  return fd;
}

Result<int> LocalPort(int fd) {
  sockaddr_in addr{};
  socklen_t len = sizeof(addr);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return ErrnoStatus("getsockname");
  }
  return static_cast<int>(ntohs(addr.sin_port));
}

Result<int> PickFreePort() {
  QUIRE_ASSIGN_OR_RETURN(UniqueFd fd, ListenLoopback(0, 1));
  return LocalPort(fd.get());
}

Result<UniqueFd> ConnectTcp(const std::string& host, int port,
                            std::chrono::milliseconds timeout) {
  bool ok = false;
  sockaddr_in addr = LoopbackAddress(host, port, &ok);
  if (!ok) return Status::Invalid("'{}' is not a numeric IPv4 address", host);
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd) return ErrnoStatus("socket");
  std::string where = fmt::format("connect {}:{}", host, port);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    if (errno != EINPROGRESS) return ErrnoStatus(where);
    pollfd pfd{fd.get(), POLLOUT, 0};
    int n = ::poll(&pfd, 1, static_cast<int>(timeout.count()));
    if (n == 0) return Status::IOError("{}: timed out after {} ms", where, timeout.count());
    if (n < 0) return ErrnoStatus(where);
    int error = 0;
    socklen_t len = sizeof(error);
    ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &len);
    if (error != 0) {
      errno = error;
      return ErrnoStatus(where);
    }
  }
  // Back to blocking: readers wait with poll(), writers block in send().
  ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK);
  int one = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

Status SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("send");
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::OK();
}

void ResetOnClose(int fd) {
  linger lin{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &lin, sizeof(lin));
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::optional<std::string_view> HttpHead::Field(std::string_view name) const {
  for (const auto& [field, value] : fields) {
    if (EqualsIgnoreCase(field, name)) return std::string_view(value);
  }
  return std::nullopt;
}

bool HttpHead::HasToken(std::string_view name, std::string_view token) const {
  for (const auto& [field, value] : fields) {
    if (!EqualsIgnoreCase(field, name)) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      size_t comma = rest.find(',');
      if (EqualsIgnoreCase(Trim(rest.substr(0, comma)), token)) return true;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return false;
}

std::string HttpHead::Serialize(std::string_view drop) const {
  std::string out = status == 0 ? fmt::format("{} {} HTTP/1.1\r\n", method, target)
                                : fmt::format("HTTP/1.1 {} {}\r\n", status, reason);
  for (const auto& [field, value] : fields) {
    if (!drop.empty() && EqualsIgnoreCase(field, drop)) continue;
    out += field;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  out += "\r\n";
  return out;
}

Result<HttpHead> ParseRequestHead(std::string_view text) {
  HttpHead head;
  QUIRE_ASSIGN_OR_RETURN(std::string_view line, ParseFields(text, &head));
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.substr(sp2 + 1).substr(0, 5) != "HTTP/") {
    return Status::Invalid("malformed request line '{}'", line);
  }
  head.method = std::string(line.substr(0, sp1));
  head.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  return head;
}

Result<HttpHead> ParseResponseHead(std::string_view text) {
  HttpHead head;
  QUIRE_ASSIGN_OR_RETURN(std::string_view line, ParseFields(text, &head));
  if (line.substr(0, 5) != "HTTP/" || line.size() < 12 || line[8] != ' ') {
    return Status::Invalid("malformed status line '{}'", line);
  }
  QUIRE_ASSIGN_OR_RETURN(int64_t status, ParseDecimal(line.substr(9, 3), "status code"));
  head.status = static_cast<int>(status);
  head.reason = std::string(line.size() > 13 ? line.substr(13) : std::string_view());
  return head;
}

Result<BodyFraming> RequestFraming(const HttpHead& head) {
  return FramingFromFields(head, /*is_response=*/false);
}

Result<BodyFraming> ResponseFraming(const HttpHead& head, std::string_view request_method) {
  // RFC 9112 section 6.3: these responses never have a body, whatever they say.
  if (request_method == "HEAD" || (head.status >= 100 && head.status < 200) ||
      head.status == 204 || head.status == 304) {
    return BodyFraming{};
  }
  return FramingFromFields(head, /*is_response=*/true);
}

SocketReader::SocketReader(int fd, std::chrono::milliseconds timeout,
                           const std::atomic<bool>* stop,
                           std::atomic<int64_t>* bytes_counter)
    : fd_(fd),
      timeout_(timeout),
      stop_(stop),
      bytes_counter_(bytes_counter),
      buffer_(kReadBufferSize) {}

Result<bool> SocketReader::Fill() {
  if (begin_ == end_) begin_ = end_ = 0;
  if (end_ - begin_ == buffer_.size()) return Status::Invalid("read buffer full");
  if (end_ == buffer_.size()) {
    // Make room by moving the unread bytes to the front.
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  auto deadline = std::chrono::steady_clock::now() + timeout_;
  while (true) {
    if (stop_ != nullptr && stop_->load()) return Status::Cancelled("stopping");
    auto wait = kStopCheckInterval;
    if (timeout_.count() > 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        return Status::IOError("no data for {} ms", timeout_.count());
      }
      wait = std::min(wait, left);
    }
    pollfd pfd{fd_, POLLIN, 0};
    int ready = ::poll(&pfd, 1, static_cast<int>(wait.count()));
    if (ready < 0 && errno != EINTR) return ErrnoStatus("poll");
    if (ready <= 0) continue;
    ssize_t n = ::recv(fd_, buffer_.data() + end_, buffer_.size() - end_, 0);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return ErrnoStatus("recv");
    }
    if (n == 0) return false;
    end_ += static_cast<size_t>(n);
    if (bytes_counter_ != nullptr) bytes_counter_->fetch_add(n);
    return true;
  }
}

Result<std::optional<std::string>> SocketReader::ReadHead(size_t max_bytes) {
  size_t scanned = 0;  // bytes of the buffer known to hold no "\r\n\r\n" start
  while (true) {
    std::string_view view(buffer_.data() + begin_, end_ - begin_);
    size_t found = view.find("\r\n\r\n", scanned);
    if (found != std::string_view::npos) {
      std::string head(view.substr(0, found + 4));
      begin_ += found + 4;
      return std::optional<std::string>(std::move(head));
    }
    if (view.size() >= max_bytes) {
      return Status::Invalid("HTTP head longer than {} bytes", max_bytes);
    }
    scanned = view.size() >= 3 ? view.size() - 3 : 0;
    size_t before = view.size();
    QUIRE_ASSIGN_OR_RETURN(bool more, Fill());
    if (!more) {
      if (before == 0) return std::optional<std::string>();
      return Status::IOError("connection closed inside an HTTP head after {} bytes",
                             before);
    }
    // Fill() may have moved the unread bytes to the front; `scanned` is relative.
  }
}

Result<std::string> SocketReader::ReadLine(size_t max_bytes) {
  size_t scanned = 0;
  while (true) {
    std::string_view view(buffer_.data() + begin_, end_ - begin_);
    size_t found = view.find("\r\n", scanned);
    if (found != std::string_view::npos) {
      std::string line(view.substr(0, found + 2));
      begin_ += found + 2;
      return line;
    }
    if (view.size() >= max_bytes) return Status::Invalid("line longer than {} bytes", max_bytes);
    scanned = view.empty() ? 0 : view.size() - 1;
    QUIRE_ASSIGN_OR_RETURN(bool more, Fill());
    if (!more) return Status::IOError("connection closed inside a line");
  }
}

Result<size_t> SocketReader::ReadSome(char* out, size_t max) {
  if (begin_ == end_) {
    QUIRE_ASSIGN_OR_RETURN(bool more, Fill());
    if (!more) return size_t{0};
  }
  size_t n = std::min(max, end_ - begin_);
  std::memcpy(out, buffer_.data() + begin_, n);
  begin_ += n;
  return n;
}

namespace {

// Pass exactly `length` bytes from `reader` to `sink`.
Status TransferExactly(SocketReader& reader, int64_t length, const BodySink& sink,
                       std::string_view what) {
  char piece[kTransferPiece];
  int64_t done = 0;
  while (done < length) {
    size_t want = static_cast<size_t>(std::min<int64_t>(length - done, sizeof(piece)));
    QUIRE_ASSIGN_OR_RETURN(size_t n, reader.ReadSome(piece, want));
    if (n == 0) {
      return Status::IOError("connection closed after {} of {} {} bytes", done, length,
                             what);
    }
    QUIRE_RETURN_NOT_OK(sink(std::string_view(piece, n)));
    done += static_cast<int64_t>(n);
  }
  return Status::OK();
}

Status TransferChunked(SocketReader& reader, bool raw, const BodySink& sink) {
  while (true) {
    QUIRE_ASSIGN_OR_RETURN(std::string line, reader.ReadLine());
    if (raw) QUIRE_RETURN_NOT_OK(sink(line));
    std::string_view size_line = std::string_view(line).substr(0, line.size() - 2);
    std::string_view digits = Trim(size_line.substr(0, size_line.find(';')));
    uint64_t size = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), size, 16);
    if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty() ||
        size > (uint64_t{1} << 40)) {
      return Status::Invalid("bad chunk size line '{}'", Trim(line));
    }
    if (size == 0) break;
    QUIRE_RETURN_NOT_OK(TransferExactly(reader, static_cast<int64_t>(size), sink, "chunk"));
    QUIRE_ASSIGN_OR_RETURN(std::string crlf, reader.ReadLine());
    if (crlf != "\r\n") return Status::Invalid("chunk data not followed by CRLF");
    if (raw) QUIRE_RETURN_NOT_OK(sink(crlf));
  }
  // Trailer fields, then the blank line ending the body.
  while (true) {
    QUIRE_ASSIGN_OR_RETURN(std::string line, reader.ReadLine());
    if (raw) QUIRE_RETURN_NOT_OK(sink(line));
    if (line == "\r\n") return Status::OK();
  }
}

}  // namespace

Status TransferBody(SocketReader& reader, const BodyFraming& framing, bool raw,
                    const BodySink& sink) {
  switch (framing.kind) {
    case BodyFraming::Kind::kNone:
      return Status::OK();
    case BodyFraming::Kind::kLength:
      return TransferExactly(reader, framing.length, sink, "body");
    case BodyFraming::Kind::kChunked:
      return TransferChunked(reader, raw, sink);
    case BodyFraming::Kind::kUntilClose: {
      char piece[kTransferPiece];
      while (true) {
        QUIRE_ASSIGN_OR_RETURN(size_t n, reader.ReadSome(piece, sizeof(piece)));
        if (n == 0) return Status::OK();
        QUIRE_RETURN_NOT_OK(sink(std::string_view(piece, n)));
      }
    }
  }
  return Status::Internal("unknown body framing");
}

std::string HttpDate(std::chrono::system_clock::time_point time) {
  std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char text[64];
  // The C locale's names are the ones HTTP wants (RFC 9110 section 5.6.7).
  std::strftime(text, sizeof(text), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return text;
}

}  // namespace quire::testing
