/// \file quire/io/file_system.cc
#include "quire/io/file_system.h"

#include <algorithm>
#include <cstring>
#include <mutex>

#include "quire/io/local_file_system.h"
#include "quire/io/memory_file_system.h"
#include "quire/io/url_internal.h"
#include "quire/util/macros.h"
#include "quire/util/thread_pool.h"

namespace quire::io {

std::string_view RequestKindName(RequestKind kind) {
  switch (kind) {
    case RequestKind::kStat: return "stat";
    case RequestKind::kList: return "list";
    case RequestKind::kRead: return "read";
    case RequestKind::kWrite: return "write";
    case RequestKind::kPutPart: return "put_part";
    case RequestKind::kComplete: return "multipart";
    case RequestKind::kDelete: return "delete";
    case RequestKind::kCopy: return "copy";
    case RequestKind::kOther: return "other";
  }
  return "?";
}

int64_t IoStatsSnapshot::total_requests() const {
  int64_t n = 0;
  for (int64_t r : requests) n += r;
  return n;
}

IoStatsSnapshot IoStatsSnapshot::operator-(const IoStatsSnapshot& before) const {
  IoStatsSnapshot d;
  for (size_t i = 0; i < requests.size(); ++i) d.requests[i] = requests[i] - before.requests[i];
  d.bytes_read = bytes_read - before.bytes_read;
  d.bytes_written = bytes_written - before.bytes_written;
  d.retries = retries - before.retries;
  return d;
}

namespace {

std::string HumanBytes(int64_t n) {
  if (n < 1000) return fmt::format("{} B", n);
  if (n < 1000 * 1000) return fmt::format("{:.1f} kB", double(n) / 1e3);
  if (n < int64_t(1000) * 1000 * 1000) return fmt::format("{:.1f} MB", double(n) / 1e6);
  return fmt::format("{:.2f} GB", double(n) / 1e9);
}

}  // namespace

std::string IoStatsSnapshot::ToString() const {
  std::string kinds;
  for (int k = 0; k < kNumRequestKinds; ++k) {
    if (requests[size_t(k)] == 0) continue;
    if (!kinds.empty()) kinds += ' ';
    kinds += fmt::format("{}={}", RequestKindName(RequestKind(k)), requests[size_t(k)]);
  }
  return fmt::format("requests={}{} read={} written={} retries={}", total_requests(),
                     kinds.empty() ? "" : " (" + kinds + ")", HumanBytes(bytes_read),
                     HumanBytes(bytes_written), retries);
}

IoStatsSnapshot IoStats::Snapshot() const {
  IoStatsSnapshot s;
  for (size_t i = 0; i < requests_.size(); ++i) {
    s.requests[i] = requests_[i].load(std::memory_order_relaxed);
  }
  s.bytes_read = bytes_read_.load(std::memory_order_relaxed);
  s.bytes_written = bytes_written_.load(std::memory_order_relaxed);
  s.retries = retries_.load(std::memory_order_relaxed);
  return s;
}

void IoStats::Reset() {
  for (auto& r : requests_) r.store(0, std::memory_order_relaxed);
  bytes_read_.store(0, std::memory_order_relaxed);
  bytes_written_.store(0, std::memory_order_relaxed);
  retries_.store(0, std::memory_order_relaxed);
}

// The generic forms of the calls a store may do better itself.

Status FileSystem::DeleteDir(std::string_view path) {
  ListOptions options;
  options.recursive = true;
  QUIRE_ASSIGN_OR_RETURN(auto lister, List(path, options));
  for (;;) {
    QUIRE_ASSIGN_OR_RETURN(auto page, lister->Next());
    if (page.empty()) return Status::OK();
    std::vector<std::string> paths;
    paths.reserve(page.size());
    for (auto& info : page) {
      if (info.is_file()) paths.push_back(std::move(info.path));
    }
    QUIRE_RETURN_NOT_OK(Delete(paths));
  }
}

Status FileSystem::Copy(std::string_view from, std::string_view to) {
  // Streamed in pieces, so memory stays bounded whatever the file's size.
  constexpr int64_t kPiece = int64_t(8) << 20;
  QUIRE_ASSIGN_OR_RETURN(auto in, OpenRead(from));
  QUIRE_ASSIGN_OR_RETURN(int64_t size, in->Size());
  QUIRE_ASSIGN_OR_RETURN(auto out, OpenWrite(to));
  for (int64_t at = 0; at < size; at += kPiece) {
    auto piece = in->ReadAt(at, std::min(kPiece, size - at));
    Status st = piece.ok() ? out->Write({(*piece)->data(), size_t((*piece)->size())})
                           : piece.status();
    if (!st.ok()) {
      out->Abort();
      return st;
    }
  }
  return out->Close();
}

Status FileSystem::Move(std::string_view from, std::string_view to) {
  QUIRE_RETURN_NOT_OK(Copy(from, to));
  const std::string path(from);
  return Delete({&path, 1});
}

Result<columnar::BufferPtr> FileSystem::ReadAll(std::string_view path) {
  QUIRE_ASSIGN_OR_RETURN(auto file, OpenRead(path));
  return ReadWholeFile(*file);
}

Status FileSystem::WriteAll(std::string_view path, std::span<const uint8_t> data) {
  QUIRE_ASSIGN_OR_RETURN(auto out, OpenWrite(path));
  Status st = out->Write(data);
  if (!st.ok()) {
    out->Abort();
    return st;
  }
  return out->Close();
}

Result<std::vector<FileInfo>> FileSystem::ListAll(std::string_view path,
                                                  const ListOptions& options) {
  QUIRE_ASSIGN_OR_RETURN(auto lister, List(path, options));
  std::vector<FileInfo> all;
  for (;;) {
    QUIRE_ASSIGN_OR_RETURN(auto page, lister->Next());
    if (page.empty()) break;
    std::move(page.begin(), page.end(), std::back_inserter(all));
  }
  std::sort(all.begin(), all.end(),
            [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
  return all;
}

Result<bool> FileSystem::Exists(std::string_view path) {
  auto info = Stat(path);
  if (info.ok()) return true;
  if (info.status().code() == ErrorCode::kNotFound) return false;
  return info.status();
}

std::string JoinPath(std::string_view a, std::string_view b) {
  while (!b.empty() && b.front() == '/') b.remove_prefix(1);
  if (a.empty()) return std::string(b);
  if (b.empty()) return std::string(a);
  std::string out(a);
  if (out.back() != '/') out += '/';
  out += b;
  return out;
}

util::ThreadPool* IoThreadPool() {
  // Leaked on purpose: tasks may still run while static destructors do.
  static util::ThreadPool* pool = new util::ThreadPool(16);
  return pool;
}

// URLs.

namespace internal {

Result<ParsedUrl> ParseUrl(std::string_view url) {
  ParsedUrl out;
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    if (url.empty()) return Status::Invalid("an empty path is not a file or folder");
    out.scheme = "file";
    out.path = std::string(url);
    return out;
  }
  out.scheme = std::string(url.substr(0, scheme_end));
  std::transform(out.scheme.begin(), out.scheme.end(), out.scheme.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  std::string_view rest = url.substr(scheme_end + 3);
  if (out.scheme == "file") {
    // file:///abs/path, or file://localhost/abs/path.
    if (rest.starts_with("localhost/")) rest.remove_prefix(9);
    if (!rest.starts_with('/')) {
      return Status::Invalid("'{}': a file:// URL needs an absolute path (file:///dir/file)", url);
    }
    out.path = std::string(rest);
    return out;
  }
  const auto query = rest.find('?');
  if (query != std::string_view::npos) {
    std::string_view q = rest.substr(query + 1);
    rest = rest.substr(0, query);
    while (!q.empty()) {
      const auto amp = q.find('&');
      std::string_view pair = q.substr(0, amp);
      q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
      if (pair.empty()) continue;
      const auto eq = pair.find('=');
      QUIRE_ASSIGN_OR_RETURN(std::string key, PercentDecode(pair.substr(0, eq)));
      std::string value;
      if (eq != std::string_view::npos) {
        QUIRE_ASSIGN_OR_RETURN(value, PercentDecode(pair.substr(eq + 1)));
      }
      out.query[key] = std::move(value);
    }
  }
  const auto slash = rest.find('/');
  out.authority = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) {
    std::string_view path = rest.substr(slash + 1);
    while (path.ends_with('/')) path.remove_suffix(1);
    out.path = std::string(path);
  }
  if (out.authority.empty()) {
    return Status::Invalid("'{}': the URL names no {}", url,
                           out.scheme == "s3" ? "bucket" : "container or store");
  }
  return out;
}

Result<std::string> PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
      };
      const int hi = i + 2 < s.size() ? hex(s[i + 1]) : -1;
      const int lo = hi >= 0 ? hex(s[i + 2]) : -1;
      if (hi < 0 || lo < 0) return Status::Invalid("'{}': a bad percent escape", s);
      out += char(hi * 16 + lo);
      i += 2;
    } else if (s[i] == '+') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace internal

namespace {

// Filesystems by their settings, so that URLs of one bucket share connections
// and counters while anyone holds them.
std::mutex cache_mutex;
std::map<std::string, std::weak_ptr<FileSystem>, std::less<>>& Cache() {
  static auto* cache = new std::map<std::string, std::weak_ptr<FileSystem>, std::less<>>();
  return *cache;
}

}  // namespace

Result<FileSystemAndPath> FileSystemFromUrl(std::string_view url, const UrlOptions& options) {
  QUIRE_ASSIGN_OR_RETURN(internal::ParsedUrl parsed, internal::ParseUrl(url));
  UrlOptions merged = parsed.query;
  for (const auto& [k, v] : options) merged[k] = v;
  if (parsed.scheme == "file") {
    if (!merged.empty()) {
      return Status::Invalid("'{}': local paths take no options (got '{}')", url,
                             merged.begin()->first);
    }
    return FileSystemAndPath{LocalFileSystem::Default(), std::move(parsed.path)};
  }
  if (parsed.scheme == "memory") {
    return FileSystemAndPath{MemoryFileSystem::Named(parsed.authority), std::move(parsed.path)};
  }
  std::string key = parsed.scheme + "://" + parsed.authority;
  for (const auto& [k, v] : merged) key += fmt::format("\n{}={}", k, v);
  std::lock_guard<std::mutex> lock(cache_mutex);
  if (auto it = Cache().find(key); it != Cache().end()) {
    if (auto fs = it->second.lock()) return FileSystemAndPath{std::move(fs), std::move(parsed.path)};
  }
  std::shared_ptr<FileSystem> fs;
  QUIRE_ASSIGN_OR_RETURN(fs, internal::MakeRemoteFileSystem(parsed, merged));
  Cache()[key] = fs;
  return FileSystemAndPath{std::move(fs), std::move(parsed.path)};
}

}  // namespace quire::io
