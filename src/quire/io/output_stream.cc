/// \file quire/io/output_stream.cc
#include "quire/io/output_stream.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include "quire/util/macros.h"

namespace quire::io {

namespace {

// The folder of `path` ("." for a bare name) and the name in it.
std::pair<std::string, std::string> SplitPath(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return {".", path};
  return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

Status Errno(const std::string& what, const std::string& path, int err) {
  if (err == ENOENT) return Status::NotFound("{}: {}: {}", path, what, std::strerror(err));
  return Status::IOError("{}: {}: {}", path, what, std::strerror(err));
}

// Bytes go to a hidden temporary file beside the target, renamed over it on
// Close(): a reader of `path` sees the old file or the new one, never a part.
class LocalOutput final : public OutputStream {
 public:
  static constexpr size_t kBufferBytes = size_t(1) << 20;

  LocalOutput(std::string path, std::string temp, int fd, LocalOutputOptions options)
      : path_(std::move(path)), temp_(std::move(temp)), fd_(fd), options_(options) {
    buffer_.reserve(kBufferBytes);
  }
  ~LocalOutput() override { Abort(); }

  Status Write(std::span<const uint8_t> data) override {
    if (fd_ < 0) return Status::Invalid("{}: write after the stream was closed", path_);
    if (buffer_.size() + data.size() > kBufferBytes) {
      QUIRE_RETURN_NOT_OK(Flush());
      if (data.size() >= kBufferBytes) {
        QUIRE_RETURN_NOT_OK(WriteAll(data.data(), data.size()));
        position_ += int64_t(data.size());
        return Status::OK();
      }
    }
    buffer_.insert(buffer_.end(), data.begin(), data.end());
    position_ += int64_t(data.size());
    return Status::OK();
  }
  using OutputStream::Write;

  int64_t position() const override { return position_; }
  const std::string& path() const override { return path_; }

  Status Close() override {
    if (fd_ < 0) return Status::Invalid("{}: the stream is already closed", path_);
    Status st = Finish();
    if (!st.ok()) Abort();
    return st;
  }

  void Abort() override {
    if (fd_ < 0) return;
    ::close(fd_);
    fd_ = -1;
    ::unlink(temp_.c_str());
  }

 private:
  Status Finish() {
    QUIRE_RETURN_NOT_OK(Flush());
    if (options_.sync && ::fsync(fd_) != 0) return Errno("fsync", path_, errno);
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) {
      const int err = errno;
      ::unlink(temp_.c_str());
      return Errno("close", path_, err);
    }
    if (options_.overwrite) {
      if (::rename(temp_.c_str(), path_.c_str()) != 0) {
        const int err = errno;
        ::unlink(temp_.c_str());
        return Errno("rename into place", path_, err);
      }
    } else {
      // link(2) fails if the path exists: creation without replacing.
      const int rc = ::link(temp_.c_str(), path_.c_str());
      const int err = errno;
      ::unlink(temp_.c_str());
      if (rc != 0) {
        if (err == EEXIST) return Status::AlreadyExists("{}: the file already exists", path_);
        return Errno("link into place", path_, err);
      }
    }
    if (options_.sync) {
      const int dir = ::open(SplitPath(path_).first.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dir >= 0) {
        const int rc = ::fsync(dir);
        const int err = errno;
        ::close(dir);
        if (rc != 0) return Errno("fsync of the folder", path_, err);
      }
    }
    return Status::OK();
  }

  Status Flush() {
    if (buffer_.empty()) return Status::OK();
    QUIRE_RETURN_NOT_OK(WriteAll(buffer_.data(), buffer_.size()));
    buffer_.clear();
    return Status::OK();
  }

  Status WriteAll(const uint8_t* data, size_t size) {
    while (size > 0) {
      const ssize_t n = ::write(fd_, data, size);
      if (n < 0) {
        if (errno == EINTR) continue;
        return Errno("write", path_, errno);
      }
      data += n;
      size -= size_t(n);
    }
    return Status::OK();
  }

  std::string path_;
  std::string temp_;
  int fd_;
  LocalOutputOptions options_;
  std::vector<uint8_t> buffer_;
  int64_t position_ = 0;
};

// Standard output, written through: what was written cannot be taken back.
class StdoutStream final : public OutputStream {
 public:
  Status Write(std::span<const uint8_t> data) override {
    size_t done = 0;
    while (done < data.size()) {
      const ssize_t n = ::write(STDOUT_FILENO, data.data() + done, data.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status::IOError("<stdout>: write failed: {}", std::strerror(errno));
      }
      done += size_t(n);
    }
    position_ += int64_t(data.size());
    return Status::OK();
  }
  using OutputStream::Write;
  int64_t position() const override { return position_; }
  Status Close() override { return Status::OK(); }
  void Abort() override {}
  const std::string& path() const override { return path_; }

 private:
  std::string path_ = "<stdout>";
  int64_t position_ = 0;
};

}  // namespace

std::unique_ptr<OutputStream> OpenStdout() { return std::make_unique<StdoutStream>(); }

Result<std::unique_ptr<OutputStream>> OpenLocalOutput(std::string path,
                                                      const LocalOutputOptions& options) {
  if (path.empty() || path.back() == '/') {
    return Status::Invalid("'{}' is not a file path", path);
  }
  static std::atomic<uint64_t> counter{0};
  const auto [dir, name] = SplitPath(path);
  // Hidden (a leading dot) so that listings and readers of the folder skip it.
  for (int attempt = 0;; ++attempt) {
    const std::string temp = fmt::format("{}/.{}.quire-{}-{}.tmp", dir, name, ::getpid(),
                                         counter.fetch_add(1));
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) {
      return std::unique_ptr<OutputStream>(
          std::make_unique<LocalOutput>(std::move(path), temp, fd, options));
    }
    if (errno != EEXIST || attempt >= 100) return Errno("open for writing", path, errno);
  }
}

Status BufferOutputStream::Write(std::span<const uint8_t> data) {
  if (closed_) return Status::Invalid("{}: write after the stream was closed", path_);
  return bytes_.Append(data.data(), int64_t(data.size()));
}

Status BufferOutputStream::Close() {
  if (closed_) return Status::Invalid("{}: the stream is already closed", path_);
  closed_ = true;
  QUIRE_ASSIGN_OR_RETURN(buffer_, bytes_.Finish());
  return Status::OK();
}

void BufferOutputStream::Abort() {
  closed_ = true;
  bytes_.Reset();
}

}  // namespace quire::io
