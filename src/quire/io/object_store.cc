/// \file quire/io/object_store.cc
#include "quire/io/object_store_internal.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>

#include "quire/util/macros.h"
#include "quire/util/thread_pool.h"

namespace quire::io::internal {

namespace {

Status ParseIntOption(const UrlOptions& options, std::string_view key, int64_t min,
                      int64_t* out) {
  const auto it = options.find(key);
  if (it == options.end()) return Status::OK();
  int64_t v = 0;
  const std::string& s = it->second;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < min) {
    return Status::Invalid("option {}='{}' is not an integer >= {}", key, s, min);
  }
  *out = v;
  return Status::OK();
}

Status ParseIntOption(const UrlOptions& options, std::string_view key, int64_t min, int* out) {
  int64_t v = *out;
  QUIRE_RETURN_NOT_OK(ParseIntOption(options, key, min, &v));
  if (v > INT32_MAX) return Status::Invalid("option {}={} is too large", key, v);
  *out = int(v);
  return Status::OK();
}

}  // namespace

Status ParseRemoteOptions(const UrlOptions& options, RemoteOptions* out) {
  QUIRE_RETURN_NOT_OK(ParseIntOption(options, "max_retries", 0, &out->max_retries));
  QUIRE_RETURN_NOT_OK(ParseIntOption(options, "retry_timeout_ms", 0, &out->retry_timeout_ms));
  QUIRE_RETURN_NOT_OK(
      ParseIntOption(options, "retry_base_delay_ms", 0, &out->retry_base_delay_ms));
  QUIRE_RETURN_NOT_OK(ParseIntOption(options, "request_timeout_ms", 1, &out->request_timeout_ms));
  QUIRE_RETURN_NOT_OK(ParseIntOption(options, "connect_timeout_ms", 1, &out->connect_timeout_ms));
  QUIRE_RETURN_NOT_OK(ParseIntOption(options, "part_size", 1, &out->part_size));
  QUIRE_RETURN_NOT_OK(ParseIntOption(options, "concurrency", 1, &out->concurrency));
  QUIRE_RETURN_NOT_OK(
      ParseIntOption(options, "hole_size_limit", 0, &out->coalesce.hole_size_limit));
  QUIRE_RETURN_NOT_OK(
      ParseIntOption(options, "range_size_limit", 1, &out->coalesce.range_size_limit));
  if (auto it = options.find("coalesce"); it != options.end()) {
    QUIRE_ASSIGN_OR_RETURN(out->coalesce_reads, ParseBoolOption("coalesce", it->second));
  }
  return Status::OK();
}

Result<bool> ParseBoolOption(std::string_view key, std::string_view value) {
  if (value == "true" || value == "1" || value == "yes") return true;
  if (value == "false" || value == "0" || value == "no" || value.empty()) return false;
  return Status::Invalid("option {}='{}' is not true or false", key, value);
}

std::string OptionOrEnv(const UrlOptions& options, std::string_view key, const char* env) {
  const auto it = options.find(key);
  if (it != options.end()) return it->second;
  if (env) {
    const char* v = std::getenv(env);
    if (v) return v;
  }
  return "";
}

Result<std::string> ObjectKey(std::string_view path, std::string_view url) {
  if (path.empty()) return Status::Invalid("{}: a file path is needed, not the root", url);
  if (path.front() == '/' || path.back() == '/') {
    return Status::Invalid("{}: object paths neither start nor end with '/'", url);
  }
  return std::string(path);
}

std::string DirPrefix(std::string_view path) {
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  return path.empty() ? std::string() : std::string(path) + "/";
}

namespace {

class RangedFile final : public RandomAccessFile {
 public:
  RangedFile(std::string url, int64_t size, RangeReader read)
      : url_(std::move(url)), size_(size), read_(std::move(read)) {}

  Result<int64_t> Size() const override { return size_; }
  const std::string& path() const override { return url_; }

  Result<columnar::BufferPtr> ReadAt(int64_t offset, int64_t length) const override {
    if (offset < 0 || length < 0 || offset > size_ || length > size_ - offset) {
      return Status::Invalid("{}: read of {} bytes at offset {} is outside the file of {} bytes",
                             url_, length, offset, size_);
    }
    if (length == 0) return columnar::Buffer::Copy(std::string_view());
    return read_(offset, length);
  }

 private:
  std::string url_;
  int64_t size_;
  RangeReader read_;
};

// One part on its way up. Whoever claims it first runs it: a pool thread, or the
// stream itself when it needs the result and no pool thread has started it (so a
// stream written from a pool thread cannot deadlock on a busy pool).
struct PartTask {
  int number = 0;
  columnar::BufferPtr data;
  std::atomic<bool> claimed{false};
  std::mutex mutex;
  std::condition_variable cv;
  bool done = false;
  Result<std::string> result{Status::Internal("part not uploaded")};

  void Run(UploadBackend* backend) {
    Finish(backend->PutPart(number, {data->data(), size_t(data->size())}));
  }
  void Finish(Result<std::string> r) {
    std::lock_guard<std::mutex> lock(mutex);
    result = std::move(r);
    data.reset();  // the memory goes back as soon as the part is up
    done = true;
    cv.notify_all();
  }
  Result<std::string> Wait(UploadBackend* backend) {
    if (!claimed.exchange(true)) Run(backend);
    std::unique_lock<std::mutex> lock(mutex);
    cv.wait(lock, [this] { return done; });
    return result;
  }
  // Drop the task if nobody started it; otherwise wait for it.
  void Cancel() {
    if (!claimed.exchange(true)) {
      Finish(Status::Cancelled("part {} not uploaded: the upload was aborted", number));
      return;
    }
    std::unique_lock<std::mutex> lock(mutex);
    cv.wait(lock, [this] { return done; });
  }
};

class UploadStream final : public OutputStream {
 public:
  UploadStream(std::string url, std::unique_ptr<UploadBackend> backend,
               const RemoteOptions& options, columnar::MemoryPool* pool)
      : url_(std::move(url)),
        backend_(std::move(backend)),
        part_size_(std::max<int64_t>(options.part_size, 1)),
        max_in_flight_(std::max(options.concurrency, 1)),
        pool_(pool) {}

  ~UploadStream() override { Abort(); }

  Status Write(std::span<const uint8_t> data) override {
    if (state_ != State::kOpen) return Status::Invalid("{}: write to a closed stream", url_);
    Status st = Append(data);
    if (!st.ok()) Abort();
    return st;
  }
  using OutputStream::Write;

  int64_t position() const override { return position_; }
  const std::string& path() const override { return url_; }

  Status Close() override {
    if (state_ != State::kOpen) return Status::Invalid("{}: the stream is already closed", url_);
    Status st = Finish();
    if (!st.ok()) {
      Abort();
      return st;
    }
    state_ = State::kClosed;
    return Status::OK();
  }

  void Abort() override {
    if (state_ != State::kOpen) return;
    state_ = State::kAborted;
    for (auto& task : in_flight_) task->Cancel();
    in_flight_.clear();
    buffer_.reset();
    if (begun_) backend_->Abort();
  }

 private:
  enum class State { kOpen, kClosed, kAborted };

  Status Append(std::span<const uint8_t> data) {
    while (!data.empty()) {
      if (!buffer_) {
        QUIRE_ASSIGN_OR_RETURN(buffer_, columnar::MutableBuffer::Allocate(part_size_, pool_));
        filled_ = 0;
      }
      const size_t n = size_t(std::min<int64_t>(part_size_ - filled_, int64_t(data.size())));
      std::memcpy(buffer_->mutable_data() + filled_, data.data(), n);
      filled_ += int64_t(n);
      position_ += int64_t(n);
      data = data.subspan(n);
      // A full buffer goes up only when more bytes follow, so that a file of
      // exactly one part is one PutWhole rather than a multipart upload.
      if (filled_ == part_size_ && !data.empty()) QUIRE_RETURN_NOT_OK(SubmitPart());
    }
    if (buffer_ && filled_ == part_size_ && begun_) QUIRE_RETURN_NOT_OK(SubmitPart());
    return Status::OK();
  }

  Status SubmitPart() {
    if (!begun_) {
      QUIRE_RETURN_NOT_OK(backend_->Begin());
      begun_ = true;
    }
    while (int(in_flight_.size()) >= max_in_flight_) QUIRE_RETURN_NOT_OK(WaitOldest());
    auto task = std::make_shared<PartTask>();
    task->number = ++parts_submitted_;
    QUIRE_RETURN_NOT_OK(buffer_->Resize(filled_));
    task->data = std::move(buffer_);
    buffer_.reset();
    filled_ = 0;
    in_flight_.push_back(task);
    UploadBackend* backend = backend_.get();
    IoThreadPool()->Submit([task, backend] {
      if (!task->claimed.exchange(true)) task->Run(backend);
    });
    return Status::OK();
  }

  Status WaitOldest() {
    std::shared_ptr<PartTask> task = std::move(in_flight_.front());
    in_flight_.pop_front();
    QUIRE_ASSIGN_OR_RETURN(std::string tag, task->Wait(backend_.get()));
    parts_.push_back(std::move(tag));
    return Status::OK();
  }

  Status Finish() {
    if (!begun_) {
      const std::span<const uint8_t> bytes =
          buffer_ ? std::span<const uint8_t>(buffer_->data(), size_t(filled_))
                  : std::span<const uint8_t>();
      Status st = backend_->PutWhole(bytes);
      buffer_.reset();
      return st;
    }
    if (buffer_ && filled_ > 0) QUIRE_RETURN_NOT_OK(SubmitPart());
    while (!in_flight_.empty()) QUIRE_RETURN_NOT_OK(WaitOldest());
    return backend_->Commit(parts_);
  }

  std::string url_;
  std::unique_ptr<UploadBackend> backend_;
  const int64_t part_size_;
  const int max_in_flight_;
  columnar::MemoryPool* pool_;
  State state_ = State::kOpen;
  std::shared_ptr<columnar::MutableBuffer> buffer_;
  int64_t filled_ = 0;
  int64_t position_ = 0;
  bool begun_ = false;
  int parts_submitted_ = 0;
  std::deque<std::shared_ptr<PartTask>> in_flight_;
  std::vector<std::string> parts_;
};

class PagedLister final : public FileLister {
 public:
  explicit PagedLister(PageFetcher fetch) : fetch_(std::move(fetch)) {}

  Result<std::vector<FileInfo>> Next() override {
    while (!done_) {
      QUIRE_ASSIGN_OR_RETURN(std::vector<FileInfo> page, fetch_(&done_));
      if (!page.empty()) {
        std::sort(page.begin(), page.end(),
                  [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
        return page;
      }
    }
    return std::vector<FileInfo>();
  }

 private:
  PageFetcher fetch_;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<RandomAccessFile> MakeRangedFile(std::string url, int64_t size,
                                                 RangeReader read) {
  return std::make_unique<RangedFile>(std::move(url), size, std::move(read));
}

std::unique_ptr<OutputStream> MakeUploadStream(std::string url,
                                               std::unique_ptr<UploadBackend> backend,
                                               const RemoteOptions& options,
                                               columnar::MemoryPool* pool) {
  return std::make_unique<UploadStream>(std::move(url), std::move(backend), options, pool);
}

std::unique_ptr<FileLister> MakePagedLister(PageFetcher fetch) {
  return std::make_unique<PagedLister>(std::move(fetch));
}

Status ServiceErrorStatus(std::string_view url, std::string_view method, long status,
                          std::string_view code, std::string_view message,
                          ServiceErrorKind kind) {
  std::string detail = fmt::format("{} returned HTTP {}", method, status);
  if (!code.empty()) fmt::format_to(std::back_inserter(detail), " {}", code);
  if (!message.empty()) fmt::format_to(std::back_inserter(detail), ": {}", message);
  switch (kind) {
    case ServiceErrorKind::kNotFound:
      return Status::NotFound("{}: not found ({})", url, detail);
    case ServiceErrorKind::kAlreadyExists:
      return Status::AlreadyExists("{}: already exists ({})", url, detail);
    case ServiceErrorKind::kTransient:
      return Status::RetryableIOError("{}: {}", url, detail);
    case ServiceErrorKind::kPermanent:
      break;
  }
  return Status::IOError("{}: {}", url, detail);
}

RemoteClient::RemoteClient(const RemoteOptions& options, std::shared_ptr<IoStats> stats)
    : http_(HttpClientOptions{options.connect_timeout_ms, options.request_timeout_ms}),
      stats_(std::move(stats)) {
  policy_.max_retries = options.max_retries;
  policy_.retry_timeout_ms = options.retry_timeout_ms;
  policy_.base_delay_ms = options.retry_base_delay_ms;
}

Result<HttpResponse> RemoteClient::Send(RequestKind kind, HttpRequest request,
                                        std::string_view url, const RetryHooks& hooks,
                                        bool* ambiguous) {
  stats_->Count(kind);
  Result<HttpResponse> result =
      SendWithRetry(http_, policy_, hooks, std::move(request), stats_.get(), ambiguous);
  // Service errors name the URL already; transport failures get it here.
  if (!result.ok() && result.status().message().rfind(url, 0) != 0) {
    return result.status().WithContext(url);
  }
  return result;
}

std::string_view Unquote(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return etag;
}

Result<FileInfo> ObjectStoreFileSystem::Stat(std::string_view path) {
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return FileInfo{"", FileType::kDirectory, -1, std::nullopt, ""};
  const std::string key(path);
  Result<FileInfo> file = HeadObject(key);
  if (file.ok() || file.status().code() != ErrorCode::kNotFound) return file;
  // No such object: a directory if some key starts with "key/".
  QUIRE_ASSIGN_OR_RETURN(ObjectListing below, ListObjects(key + "/", false, 1, ""));
  if (below.any) return FileInfo{key, FileType::kDirectory, -1, std::nullopt, ""};
  return Status::NotFound("{}: no such file or directory", Url(key));
}

Result<std::unique_ptr<FileLister>> ObjectStoreFileSystem::List(std::string_view path,
                                                                const ListOptions& options) {
  auto self = shared_from_this();
  auto next = std::make_shared<std::string>();
  const std::string prefix = DirPrefix(path);
  const int page_size = std::clamp(options.page_size, 1, max_page_size());
  const bool delimiter = !options.recursive;
  std::string start_after;
  if (!options.start_after.empty()) {
    QUIRE_ASSIGN_OR_RETURN(start_after, ObjectKey(options.start_after, Url(path)));
  }
  return MakePagedLister([self, next, prefix, page_size, delimiter, start_after](
                             bool* done) -> Result<std::vector<FileInfo>> {
    QUIRE_ASSIGN_OR_RETURN(ObjectListing page,
                           self->ListObjects(prefix, delimiter, page_size, *next, start_after));
    *next = std::move(page.next);
    *done = next->empty();
    if (!start_after.empty()) {
      std::erase_if(page.entries, [&](const FileInfo& e) { return e.path <= start_after; });
    }
    return std::move(page.entries);
  });
}

Result<std::unique_ptr<RandomAccessFile>> ObjectStoreFileSystem::OpenRead(
    std::string_view path, const ReadOptions& options) {
  QUIRE_ASSIGN_OR_RETURN(std::string key, ObjectKey(path, Url(path)));
  int64_t size;
  if (options.size) {
    size = *options.size;
  } else {
    QUIRE_ASSIGN_OR_RETURN(FileInfo info, HeadObject(key));
    size = info.size;
  }
  auto self = shared_from_this();
  auto file = MakeRangedFile(Url(key), size, [self, key](int64_t offset, int64_t length) {
    return self->ReadRange(key, offset, length);
  });
  if (!remote_options().coalesce_reads) return file;
  return MakeCoalescingFile(std::move(file), remote_options().coalesce);
}

Result<std::unique_ptr<OutputStream>> ObjectStoreFileSystem::OpenWrite(
    std::string_view path, const WriteOptions& options) {
  QUIRE_ASSIGN_OR_RETURN(std::string key, ObjectKey(path, Url(path)));
  return MakeUploadStream(Url(key), MakeUpload(key, options.overwrite), remote_options(),
                          columnar::default_memory_pool());
}

Status ObjectStoreFileSystem::PutIfAbsent(std::string_view path, std::span<const uint8_t> data) {
  QUIRE_ASSIGN_OR_RETURN(std::string key, ObjectKey(path, Url(path)));
  return PutObject(key, data, /*if_absent=*/true);
}

Status ObjectStoreFileSystem::Delete(std::span<const std::string> paths) {
  std::vector<std::string> keys;
  keys.reserve(paths.size());
  for (const std::string& p : paths) {
    QUIRE_ASSIGN_OR_RETURN(std::string key, ObjectKey(p, Url(p)));
    keys.push_back(std::move(key));
  }
  return keys.empty() ? Status::OK() : DeleteObjects(keys);
}

Status ObjectStoreFileSystem::DeleteDir(std::string_view path) {
  QUIRE_ASSIGN_OR_RETURN(auto lister, List(path, ListOptions{.recursive = true}));
  while (true) {
    QUIRE_ASSIGN_OR_RETURN(std::vector<FileInfo> page, lister->Next());
    if (page.empty()) break;
    std::vector<std::string> keys;
    for (FileInfo& f : page) keys.push_back(std::move(f.path));
    QUIRE_RETURN_NOT_OK(DeleteObjects(keys));
  }
  // A folder marker object ("dir/"), if some tool made one.
  const std::string prefix = DirPrefix(path);
  return prefix.empty() ? Status::OK() : DeleteObjects(std::span<const std::string>(&prefix, 1));
}

Status ObjectStoreFileSystem::Copy(std::string_view from, std::string_view to) {
  QUIRE_ASSIGN_OR_RETURN(std::string src, ObjectKey(from, Url(from)));
  QUIRE_ASSIGN_OR_RETURN(std::string dst, ObjectKey(to, Url(to)));
  return CopyObject(src, dst);
}

bool SameBytes(std::string_view have, std::span<const uint8_t> want) {
  return have.size() == want.size() &&
         (want.empty() || std::memcmp(have.data(), want.data(), want.size()) == 0);
}

}  // namespace quire::io::internal
