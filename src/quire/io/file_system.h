#pragma once

/// \file quire/io/file_system.h
/// \brief One interface over local disk, memory, S3 and Azure Blob: everything
/// the Parquet and table layers need from storage, and the counters that tell
/// how much they asked of it.

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "quire/io/input_stream.h"
#include "quire/io/output_stream.h"
#include "quire/io/random_access_file.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::util {
class ThreadPool;
}

namespace quire::io {

/// \brief What a path names.
enum class FileType : uint8_t { kFile, kDirectory };

/// \brief One entry of a listing, or the answer of Stat().
struct FileInfo {
  /// The path inside its filesystem, as passed to the other calls ("a/b/c.parquet";
  /// for S3 and Azure the key, without the bucket or container).
  std::string path;
  FileType type = FileType::kFile;
  /// Size in bytes of a file; -1 for a directory.
  int64_t size = -1;
  /// Last modification; nullopt where the store does not tell (prefixes).
  std::optional<std::chrono::system_clock::time_point> mtime;
  /// The store's version tag (S3/Azure ETag, without quotes); empty elsewhere.
  std::string etag;

  bool is_file() const { return type == FileType::kFile; }
  bool is_dir() const { return type == FileType::kDirectory; }
};

/// \brief How List() walks.
struct ListOptions {
  /// Every file below the path (no directory entries), or only its direct
  /// children (files and directories, as with a "/" delimiter).
  bool recursive = false;
  /// Entries per page asked of the store (S3 and Azure cap it at 1000 and 5000).
  int page_size = 1000;
  /// Only entries whose path sorts after this one (byte order), as S3's
  /// "start-after" asks: a reader of a Delta log lists the commits after its
  /// checkpoint without paging through the ones before. S3 skips them on the
  /// server; the other filesystems filter.
  std::string start_after;
};

/// \brief A listing, read page by page (one request per page on object stores).
class QUIRE_EXPORT FileLister {
 public:
  virtual ~FileLister() = default;
  /// \brief Return the next page, sorted by path within the page; an empty vector
  /// once the listing is exhausted.
  virtual Result<std::vector<FileInfo>> Next() = 0;
};

/// \brief The kinds of request a filesystem counts.
enum class RequestKind : uint8_t {
  kStat,      ///< HEAD, stat(2)
  kList,      ///< one page of a listing
  kRead,      ///< one ranged GET / pread(2) call
  kWrite,     ///< one PUT of a whole object, or one write(2)
  kPutPart,   ///< one part of a multipart upload / one Put Block
  kComplete,  ///< initiate, complete or abort a multipart upload / Put Block List
  kDelete,    ///< one DELETE, or one batched DeleteObjects
  kCopy,      ///< one server-side copy, rename(2) or link(2)
  kOther,
};
inline constexpr int kNumRequestKinds = 9;

/// \brief Return a short lowercase name of `kind` ("read", "put_part", ...).
QUIRE_EXPORT std::string_view RequestKindName(RequestKind kind);

/// \brief A snapshot of a filesystem's counters.
struct QUIRE_EXPORT IoStatsSnapshot {
  std::array<int64_t, kNumRequestKinds> requests{};  ///< by RequestKind
  int64_t bytes_read = 0;
  int64_t bytes_written = 0;
  int64_t retries = 0;  ///< requests repeated after a transient failure

  int64_t count(RequestKind kind) const { return requests[size_t(kind)]; }
  int64_t total_requests() const;
  /// \brief Return the difference `*this - before`, for measuring one operation.
  IoStatsSnapshot operator-(const IoStatsSnapshot& before) const;
  /// \brief Render on one line: "requests=12 (read=9 list=1 stat=2) read=1.2 MB ...".
  std::string ToString() const;
};

/// \brief Counters a filesystem updates as it works. Thread-safe.
class QUIRE_EXPORT IoStats {
 public:
  void Count(RequestKind kind, int64_t n = 1) {
    requests_[size_t(kind)].fetch_add(n, std::memory_order_relaxed);
  }
  void AddRead(int64_t bytes) { bytes_read_.fetch_add(bytes, std::memory_order_relaxed); }
  void AddWritten(int64_t bytes) { bytes_written_.fetch_add(bytes, std::memory_order_relaxed); }
  void AddRetry() { retries_.fetch_add(1, std::memory_order_relaxed); }
  IoStatsSnapshot Snapshot() const;
  void Reset();

 private:
  std::array<std::atomic<int64_t>, kNumRequestKinds> requests_{};
  std::atomic<int64_t> bytes_read_{0};
  std::atomic<int64_t> bytes_written_{0};
  std::atomic<int64_t> retries_{0};
};

/// \brief How OpenRead() opens a file.
struct ReadOptions {
  /// The size when the caller knows it (from a listing or the Delta log): saves
  /// the HEAD request of object stores.
  std::optional<int64_t> size;
};

/// \brief How OpenWrite() writes a file.
struct WriteOptions {
  /// Replace an existing file; when false, Close() fails with kAlreadyExists if
  /// the path exists by then (atomically: If-None-Match: * / link(2)).
  bool overwrite = true;
};

/// \brief Storage as quire sees it: files in folders, addressed by path.
///
/// Object stores have no folders: a "directory" is a prefix that some key starts
/// with, followed by "/". Paths use "/" everywhere, never start with "/" on object
/// stores, and are relative to the filesystem's root (the bucket or container).
///
/// Every call is thread-safe. Errors name the path (and, on object stores, the
/// URL and the service's error code): kNotFound for a missing path,
/// kAlreadyExists for a lost PutIfAbsent race, kIOError for storage failures
/// (Status::retryable() after the retry budget is spent on transient ones),
/// kInvalidArgument for bad paths.
class QUIRE_EXPORT FileSystem {
 public:
  virtual ~FileSystem() = default;

  /// \brief Return the scheme: "file", "memory", "s3" or "az".
  virtual std::string_view scheme() const = 0;
  /// \brief Return the URL of `path` ("s3://bucket/key", "/abs/path", ...), for
  /// messages and for handing paths to other tools.
  virtual std::string Url(std::string_view path) const = 0;

  /// \brief Describe a file or directory. kNotFound when neither exists.
  virtual Result<FileInfo> Stat(std::string_view path) = 0;

  /// \brief List what is below the directory `path` ("" for the root). A missing
  /// directory lists as empty on object stores and is kNotFound locally.
  virtual Result<std::unique_ptr<FileLister>> List(std::string_view path,
                                                   const ListOptions& options = {}) = 0;

  /// \brief Open a file for positional reads. Remote files issue ranged GETs.
  virtual Result<std::unique_ptr<RandomAccessFile>> OpenRead(std::string_view path,
                                                             const ReadOptions& options = {}) = 0;

  /// \brief Open a file for writing; nothing is visible until Close() succeeds
  /// (large remote files go up as multipart uploads, aborted on failure).
  virtual Result<std::unique_ptr<OutputStream>> OpenWrite(std::string_view path,
                                                          const WriteOptions& options = {}) = 0;

  /// \brief Atomically create `path` holding `data`; kAlreadyExists if it exists.
  /// The commit primitive of tables: link(2) locally, If-None-Match: * remotely.
  virtual Status PutIfAbsent(std::string_view path, std::span<const uint8_t> data) = 0;

  /// \brief Delete files (batched where the store can). A missing file is not an
  /// error. Directories are not deleted here: see DeleteDir().
  virtual Status Delete(std::span<const std::string> paths) = 0;

  /// \brief Delete the directory `path` and everything below it. kNotFound when it
  /// does not exist locally; a no-op for a missing prefix on object stores.
  virtual Status DeleteDir(std::string_view path);

  /// \brief Create a directory and its parents (a no-op on object stores, where
  /// directories exist as long as a key is below them).
  virtual Status CreateDir(std::string_view path) = 0;

  /// \brief Copy one file, server-side where the store can.
  virtual Status Copy(std::string_view from, std::string_view to);

  /// \brief Move one file: rename(2) locally (atomic); copy then delete on object
  /// stores (not atomic: a reader may briefly see both).
  virtual Status Move(std::string_view from, std::string_view to);

  /// \brief Return the counters of requests and bytes.
  IoStats& stats() { return *stats_; }
  const IoStats& stats() const { return *stats_; }

  // Conveniences built on the calls above.

  /// \brief Read a whole file.
  Result<columnar::BufferPtr> ReadAll(std::string_view path);
  /// \brief Write a whole file (replacing it).
  Status WriteAll(std::string_view path, std::span<const uint8_t> data);
  Status WriteAll(std::string_view path, std::string_view data) {
    return WriteAll(path, {reinterpret_cast<const uint8_t*>(data.data()), data.size()});
  }
  /// \brief Return every entry of a listing, sorted by path.
  Result<std::vector<FileInfo>> ListAll(std::string_view path, const ListOptions& options = {});
  /// \brief Return whether `path` exists (kNotFound becomes false).
  Result<bool> Exists(std::string_view path);

 protected:
  /// Shared with the files and streams the filesystem opens, which may outlive it.
  std::shared_ptr<IoStats> stats_ = std::make_shared<IoStats>();
};

/// \brief Options for FileSystemFromUrl, overriding the environment.
///
/// Keys (also accepted in the URL's query string, "s3://b/k?endpoint=...&region=..."):
/// - S3: endpoint, region, access_key_id, secret_access_key, session_token,
///   profile, addressing ("path" or "virtual"), anonymous ("true").
/// - Azure: account, account_key, sas_token, endpoint.
/// - all remote: max_retries, retry_timeout_ms, retry_base_delay_ms,
///   request_timeout_ms, connect_timeout_ms, part_size (bytes per multipart part),
///   concurrency (parts in flight per stream), hole_size_limit and range_size_limit
///   (how announced reads are coalesced), coalesce ("false": every read on demand).
///   remote_options.h documents them and their defaults.
using UrlOptions = std::map<std::string, std::string, std::less<>>;

/// \brief A filesystem and the path inside it that a URL names.
struct FileSystemAndPath {
  std::shared_ptr<FileSystem> fs;
  std::string path;
};

/// \brief Turn a URL into a filesystem and a path: plain paths and file:// (local),
/// memory://name/path (the process-wide memory store `name`), s3://bucket/key,
/// az://container/path (also abfs[s]://container@account.dfs.core.windows.net/path).
///
/// Remote filesystems take their settings from `options`, then the URL's query
/// string, then the environment (AWS_* variables and ~/.aws profiles for S3;
/// AZURE_STORAGE_ACCOUNT, AZURE_STORAGE_KEY, AZURE_STORAGE_SAS_TOKEN,
/// AZURE_STORAGE_ENDPOINT for Azure). Filesystems are cached per scheme, bucket and
/// settings, so two URLs of one bucket share connections and counters.
/// \return kInvalidArgument for a malformed URL or an unknown scheme.
QUIRE_EXPORT Result<FileSystemAndPath> FileSystemFromUrl(std::string_view url,
                                                         const UrlOptions& options = {});

/// \brief Open the file `url` names for positional reads (the file keeps its
/// filesystem alive).
QUIRE_EXPORT Result<std::unique_ptr<RandomAccessFile>> OpenReadUrl(std::string_view url);

/// \brief Open the file `url` names for sequential reads: standard input for "-",
/// pread(2) locally, 8 MiB ranged reads (the next one fetched ahead) remotely.
QUIRE_EXPORT Result<std::unique_ptr<InputStream>> OpenInputUrl(std::string_view url);

/// \brief Open the file `url` names for writing (it appears whole on Close()).
QUIRE_EXPORT Result<std::unique_ptr<OutputStream>> OpenWriteUrl(std::string_view url,
                                                                const WriteOptions& options = {});

/// \brief Return the pool on which remote requests run concurrently (parallel
/// ranged reads, multipart parts): 16 threads (QUIRE_IO_THREADS overrides it),
/// separate from the CPU pool because they wait on the network, not compute.
QUIRE_EXPORT util::ThreadPool* IoThreadPool();

/// \brief Copy one file, possibly between filesystems: server-side when both are
/// the same store, otherwise streamed in 8 MiB pieces (bounded memory). The
/// target appears whole or not at all. `on_bytes`, when given, is called with the
/// bytes of each piece as it is written.
QUIRE_EXPORT Status CopyFile(FileSystem& from_fs, std::string_view from, FileSystem& to_fs,
                             std::string_view to,
                             const std::function<void(int64_t)>& on_bytes = {});

/// \brief Return whether `s` holds a glob character (*, ?, [).
QUIRE_EXPORT bool HasGlob(std::string_view s);

/// \brief Return the files and folders matching `pattern`, a path whose
/// components may hold *, ? and [...] (which match within one component) or be
/// "**" (any number of components), sorted by path. No match is an empty result.
QUIRE_EXPORT Result<std::vector<FileInfo>> Glob(FileSystem& fs, std::string_view pattern);

/// \brief Join `a` and `b` with one "/" (either may be empty).
QUIRE_EXPORT std::string JoinPath(std::string_view a, std::string_view b);

}  // namespace quire::io
