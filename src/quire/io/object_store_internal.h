#pragma once

/// \file quire/io/object_store_internal.h
/// \brief What the S3 and Azure filesystems share: option parsing, key checks,
/// the ranged-read file, the multipart output stream and the paged lister. The
/// services differ only in the requests, which they supply. Not installed.

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "quire/io/file_system.h"
#include "quire/io/http_internal.h"
#include "quire/io/remote_options.h"

namespace quire::io::internal {

/// \brief Read the RemoteOptions keys of `options` (max_retries, retry_timeout_ms,
/// request_timeout_ms, connect_timeout_ms, part_size, concurrency) over `*out`.
Status ParseRemoteOptions(const UrlOptions& options, RemoteOptions* out);

/// \brief Parse "true"/"false"/"1"/"0"/"yes"/"no".
Result<bool> ParseBoolOption(std::string_view key, std::string_view value);

/// \brief Return the value of `key` in `options`, else of the environment variable
/// `env` (when given), else "".
std::string OptionOrEnv(const UrlOptions& options, std::string_view key, const char* env);

/// \brief Return `path` as an object key: kInvalidArgument if it is empty, starts
/// with '/' or ends with '/'.
Result<std::string> ObjectKey(std::string_view path, std::string_view url);

/// \brief Return the listing prefix of the directory `path` ("" or "dir/").
std::string DirPrefix(std::string_view path);

/// \brief Reads `length` bytes at `offset` of one object (one ranged GET).
using RangeReader = std::function<Result<columnar::BufferPtr>(int64_t offset, int64_t length)>;

/// \brief A RandomAccessFile of known size over ranged reads. Thread-safe.
std::unique_ptr<RandomAccessFile> MakeRangedFile(std::string url, int64_t size,
                                                 RangeReader read);

/// \brief The requests of one upload, supplied by a service.
///
/// Begin, Commit, Abort and PutWhole are called from the stream's thread; PutPart
/// from the I/O pool, concurrently.
class UploadBackend {
 public:
  virtual ~UploadBackend() = default;
  /// \brief Upload a whole object in one request (small files).
  virtual Status PutWhole(std::span<const uint8_t> data) = 0;
  /// \brief Start a multipart upload, before the first part.
  virtual Status Begin() = 0;
  /// \brief Upload part `number` (1-based); return what Commit needs of it.
  virtual Result<std::string> PutPart(int number, std::span<const uint8_t> data) = 0;
  /// \brief Make the object of the parts, in order, visible.
  virtual Status Commit(const std::vector<std::string>& parts) = 0;
  /// \brief Discard the parts (best effort).
  virtual void Abort() = 0;
};

/// \brief An OutputStream that buffers `options.part_size` bytes, then uploads parts
/// in parallel on IoThreadPool() with at most `options.concurrency` in flight.
/// Close() commits (or sends one PutWhole for a file under one part); an error,
/// Abort() or the destructor aborts.
std::unique_ptr<OutputStream> MakeUploadStream(std::string url,
                                               std::unique_ptr<UploadBackend> backend,
                                               const RemoteOptions& options,
                                               columnar::MemoryPool* pool);

/// \brief Fetches the next page of a listing; sets `*done` after the last page.
using PageFetcher = std::function<Result<std::vector<FileInfo>>(bool* done)>;

/// \brief A FileLister over pages; skips empty pages that are not the last.
std::unique_ptr<FileLister> MakePagedLister(PageFetcher fetch);

/// \brief What a service's error response means for the caller.
enum class ServiceErrorKind { kNotFound, kAlreadyExists, kTransient, kPermanent };

/// \brief Format a service error uniformly: "<url>: <METHOD> returned HTTP <status>
/// <code>: <message>", as kNotFound, kAlreadyExists, retryable or permanent kIOError.
Status ServiceErrorStatus(std::string_view url, std::string_view method, long status,
                          std::string_view code, std::string_view message,
                          ServiceErrorKind kind);

/// \brief The connection, retry policy and counters of one remote filesystem.
/// Thread-safe.
class RemoteClient {
 public:
  RemoteClient(const RemoteOptions& options, std::shared_ptr<IoStats> stats);

  /// \brief Count one `kind` request and send it under the retry policy; errors
  /// name `url` (the s3:// or az:// URL).
  Result<HttpResponse> Send(RequestKind kind, HttpRequest request, std::string_view url,
                            const RetryHooks& hooks, bool* ambiguous = nullptr);

  IoStats& stats() { return *stats_; }
  const RetryPolicy& policy() const { return policy_; }

 private:
  HttpClient http_;
  RetryPolicy policy_;
  std::shared_ptr<IoStats> stats_;
};

/// \brief One page of a listing as a service returns it.
struct ObjectListing {
  /// Files (folder-marker keys ending in "/" left out) and, with a delimiter,
  /// the common prefixes as directories (without their trailing "/").
  std::vector<FileInfo> entries;
  /// Whether the page held anything at all, markers included.
  bool any = false;
  /// The token or marker of the next page; empty after the last.
  std::string next;
};

/// \brief A filesystem over an object store, built on a few requests each store
/// supplies: the FileSystem calls (Stat's prefix check, lazy paged List, ranged
/// OpenRead, multipart OpenWrite, DeleteDir) are written once here; Move is
/// FileSystem's (server-side Copy, then Delete).
class ObjectStoreFileSystem : public FileSystem,
                              public std::enable_shared_from_this<ObjectStoreFileSystem> {
 public:
  /// \brief HEAD of one object; kNotFound when missing.
  virtual Result<FileInfo> HeadObject(const std::string& key) = 0;
  /// \brief One page of the keys starting with `prefix`; the first page (empty
  /// `next`) starts after `start_after` where the store can do that, and stores
  /// that cannot return earlier keys too (List() filters them).
  virtual Result<ObjectListing> ListObjects(const std::string& prefix, bool delimiter,
                                            int max_keys, const std::string& next,
                                            const std::string& start_after = "") = 0;
  /// \brief Ranged GET of `length` > 0 bytes at `offset`.
  virtual Result<columnar::BufferPtr> ReadRange(const std::string& key, int64_t offset,
                                                int64_t length) = 0;
  /// \brief One-request upload; with `if_absent`, kAlreadyExists if `key` exists.
  virtual Status PutObject(const std::string& key, std::span<const uint8_t> data,
                           bool if_absent) = 0;
  /// \brief The requests of a multipart upload of `key`.
  virtual std::unique_ptr<UploadBackend> MakeUpload(const std::string& key, bool overwrite) = 0;
  /// \brief Delete keys; missing keys are not an error.
  virtual Status DeleteObjects(std::span<const std::string> keys) = 0;
  /// \brief Server-side copy; kNotFound naming the source when it is missing.
  virtual Status CopyObject(const std::string& from, const std::string& to) = 0;
  /// \brief The largest page the service hands out.
  virtual int max_page_size() const = 0;
  virtual const RemoteOptions& remote_options() const = 0;

  Result<FileInfo> Stat(std::string_view path) override;
  Result<std::unique_ptr<FileLister>> List(std::string_view path,
                                           const ListOptions& options) override;
  Result<std::unique_ptr<RandomAccessFile>> OpenRead(std::string_view path,
                                                     const ReadOptions& options) override;
  Result<std::unique_ptr<OutputStream>> OpenWrite(std::string_view path,
                                                  const WriteOptions& options) override;
  Status PutIfAbsent(std::string_view path, std::span<const uint8_t> data) override;
  Status Delete(std::span<const std::string> paths) override;
  Status DeleteDir(std::string_view path) override;
  Status CreateDir(std::string_view) override { return Status::OK(); }
  Status Copy(std::string_view from, std::string_view to) override;
};

/// \brief Return `etag` without its surrounding double quotes.
std::string_view Unquote(std::string_view etag);

/// \brief Return whether `have` holds exactly `want`.
bool SameBytes(std::string_view have, std::span<const uint8_t> want);

}  // namespace quire::io::internal
