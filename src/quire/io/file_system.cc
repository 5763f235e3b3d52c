/// \file quire/io/file_system.cc
#include "quire/io/file_system.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <set>

#include "quire/io/local_file_system.h"
#include "quire/io/memory_file_system.h"
#include "quire/io/url_internal.h"
#include "quire/util/macros.h"
#include "quire/util/progress.h"
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

// Copy through memory in 8 MiB pieces, the next one announced while this one is
// written (remote sources fetch it meanwhile): bounded memory whatever the size.
Status StreamCopy(FileSystem& from_fs, std::string_view from, FileSystem& to_fs,
                  std::string_view to, const std::function<void(int64_t)>& on_bytes) {
  constexpr int64_t kPiece = int64_t(8) << 20;
  QUIRE_ASSIGN_OR_RETURN(auto in, from_fs.OpenRead(from));
  QUIRE_ASSIGN_OR_RETURN(int64_t size, in->Size());
  QUIRE_ASSIGN_OR_RETURN(auto out, to_fs.OpenWrite(to));
  for (int64_t at = 0; at < size; at += kPiece) {
    const int64_t n = std::min(kPiece, size - at);
    if (at + n < size) {
      const std::pair<int64_t, int64_t> next{at + n, std::min(kPiece, size - at - n)};
      in->WillNeed({&next, 1});
    }
    auto piece = in->ReadAt(at, n);
    Status st = piece.ok() ? out->Write({(*piece)->data(), size_t((*piece)->size())})
                           : piece.status();
    if (!st.ok()) {
      out->Abort();
      return st;
    }
    if (on_bytes) on_bytes(n);
  }
  return out->Close();
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
                     kinds.empty() ? "" : " (" + kinds + ")", util::ProgressBar::FormatBytes(double(bytes_read)),
                     util::ProgressBar::FormatBytes(double(bytes_written)), retries);
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
  return StreamCopy(*this, from, *this, to, {});
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

Status CopyFile(FileSystem& from_fs, std::string_view from, FileSystem& to_fs,
                std::string_view to, const std::function<void(int64_t)>& on_bytes) {
  if (&from_fs == &to_fs && !on_bytes) return from_fs.Copy(from, to);
  if (&from_fs == &to_fs && from_fs.scheme() != "file") {
    // Server-side: no bytes pass through here; report the size once done.
    QUIRE_ASSIGN_OR_RETURN(FileInfo info, from_fs.Stat(from));
    QUIRE_RETURN_NOT_OK(from_fs.Copy(from, to));
    on_bytes(info.size);
    return Status::OK();
  }
  return StreamCopy(from_fs, from, to_fs, to, on_bytes);
}

bool HasGlob(std::string_view s) { return s.find_first_of("*?[") != std::string_view::npos; }

namespace {

// Match one path component against a glob component (*, ?, [...], [!...]).
bool MatchComponent(std::string_view p, std::string_view s) {
  size_t pi = 0, si = 0, star_p = std::string_view::npos, star_s = 0;
  auto match_class = [&](size_t& at, char c) -> std::optional<bool> {
    // p[at] == '['; returns whether c is in the class and moves `at` past it.
    size_t i = at + 1;
    bool negate = i < p.size() && (p[i] == '!' || p[i] == '^');
    if (negate) ++i;
    bool found = false;
    bool first = true;
    for (; i < p.size() && (p[i] != ']' || first); ++i, first = false) {
      if (i + 2 < p.size() && p[i + 1] == '-' && p[i + 2] != ']') {
        if (c >= p[i] && c <= p[i + 2]) found = true;
        i += 2;
      } else if (p[i] == c) {
        found = true;
      }
    }
    if (i >= p.size()) return std::nullopt;  // no closing ']': a literal '['
    at = i + 1;
    return found != negate;
  };
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star_p = pi++;
      star_s = si;
      continue;
    }
    if (pi < p.size()) {
      if (p[pi] == '?') {
        ++pi;
        ++si;
        continue;
      }
      if (p[pi] == '[') {
        size_t at = pi;
        auto in = match_class(at, s[si]);
        if (in.has_value()) {
          if (*in) {
            pi = at;
            ++si;
            continue;
          }
        } else if (s[si] == '[') {
          ++pi;
          ++si;
          continue;
        }
      } else if (p[pi] == s[si]) {
        ++pi;
        ++si;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    pi = star_p + 1;
    si = ++star_s;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

std::vector<std::string_view> SplitComponents(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    const auto slash = path.find('/');
    if (slash != 0) out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

// Whether the components of `rel` match the glob components (with "**").
bool MatchPath(std::span<const std::string_view> glob, std::span<const std::string_view> rel) {
  if (glob.empty()) return rel.empty();
  if (glob[0] == "**") {
    for (size_t skip = 0; skip <= rel.size(); ++skip) {
      if (MatchPath(glob.subspan(1), rel.subspan(skip))) return true;
    }
    return false;
  }
  return !rel.empty() && MatchComponent(glob[0], rel[0]) && MatchPath(glob.subspan(1), rel.subspan(1));
}

}  // namespace

Result<std::vector<FileInfo>> Glob(FileSystem& fs, std::string_view pattern) {
  // The folder before the first component with a glob character is listed; the
  // rest of the pattern is matched against the paths below it.
  const bool absolute = pattern.starts_with('/');
  const auto parts = SplitComponents(pattern);
  size_t first = 0;
  while (first < parts.size() && !HasGlob(parts[first]) && parts[first] != "**") ++first;
  std::string base = absolute ? "/" : "";
  for (size_t i = 0; i < first; ++i) base = JoinPath(base, parts[i]);
  if (first == parts.size()) {
    auto info = fs.Stat(base);
    if (!info.ok() && info.status().code() == ErrorCode::kNotFound) return std::vector<FileInfo>{};
    QUIRE_RETURN_NOT_OK(info.status());
    return std::vector<FileInfo>{std::move(*info)};
  }
  const std::span<const std::string_view> glob(parts.data() + first, parts.size() - first);
  const bool deep = glob.size() > 1 || glob[0] == "**";
  ListOptions options;
  options.recursive = deep;
  auto listed = fs.ListAll(base, options);
  if (!listed.ok() && listed.status().code() == ErrorCode::kNotFound) {
    return std::vector<FileInfo>{};
  }
  QUIRE_RETURN_NOT_OK(listed.status());
  std::vector<FileInfo> out;
  std::set<std::string> dirs_seen;
  const size_t skip = base.empty() ? 0 : (base.ends_with('/') ? base.size() : base.size() + 1);
  for (auto& info : *listed) {
    if (info.path.size() < skip) continue;
    const auto rel = SplitComponents(std::string_view(info.path).substr(skip));
    if (MatchPath(glob, rel)) {
      out.push_back(std::move(info));
      continue;
    }
    // A recursive listing holds no folders: a folder matches when a prefix of a
    // file's path does.
    if (!deep) continue;
    for (size_t n = 1; n < rel.size(); ++n) {
      if (!MatchPath(glob, std::span(rel).first(n))) continue;
      std::string dir = info.path.substr(0, size_t(rel[n - 1].data() + rel[n - 1].size() -
                                                   info.path.data()));
      if (dirs_seen.insert(dir).second) out.push_back({dir, FileType::kDirectory, -1, {}, {}});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
  return out;
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
  static util::ThreadPool* pool = [] {
    int threads = 16;
    if (const char* env = std::getenv("QUIRE_IO_THREADS")) {
      threads = std::clamp(std::atoi(env), 1, 256);
    }
    return new util::ThreadPool(threads);
  }();
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
