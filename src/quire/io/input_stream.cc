/// \file quire/io/input_stream.cc
#include "quire/io/input_stream.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "quire/util/macros.h"

namespace quire::io {

namespace {

class FdInput final : public InputStream {
 public:
  FdInput(std::string path, int fd, bool owned, std::optional<int64_t> size)
      : path_(std::move(path)), fd_(fd), owned_(owned), size_(size) {}
  ~FdInput() override {
    if (owned_) ::close(fd_);
  }

  Result<int64_t> Read(std::span<uint8_t> out) override {
    if (out.empty()) return int64_t{0};
    while (true) {
      const ssize_t n = ::read(fd_, out.data(), out.size());
      if (n >= 0) {
        position_ += n;
        return int64_t(n);
      }
      if (errno == EINTR) continue;
      return Status::IOError("{}: read of {} bytes at offset {} failed: {}", path_,
                             out.size(), position_, std::strerror(errno));
    }
  }
  Result<std::optional<int64_t>> size() const override { return size_; }
  int64_t position() const override { return position_; }
  const std::string& path() const override { return path_; }

 private:
  std::string path_;
  int fd_;
  bool owned_;
  std::optional<int64_t> size_;
  int64_t position_ = 0;
};

class BufferInput final : public InputStream {
 public:
  BufferInput(columnar::BufferPtr data, std::string path)
      : data_(std::move(data)), path_(std::move(path)) {}

  Result<int64_t> Read(std::span<uint8_t> out) override {
    const int64_t n = std::min<int64_t>(int64_t(out.size()), data_->size() - position_);
    if (n > 0) std::memcpy(out.data(), data_->data() + position_, size_t(n));
    position_ += n;
    return n;
  }
  Result<std::optional<int64_t>> size() const override {
    return std::optional<int64_t>(data_->size());
  }
  int64_t position() const override { return position_; }
  const std::string& path() const override { return path_; }

 private:
  columnar::BufferPtr data_;
  std::string path_;
  int64_t position_ = 0;
};

// Owns a std::string so that MakeStringInput needs no pool allocation.
class StringInput final : public InputStream {
 public:
  StringInput(std::string data, std::string path)
      : data_(std::move(data)), path_(std::move(path)) {}

  Result<int64_t> Read(std::span<uint8_t> out) override {
    const int64_t n =
        std::min<int64_t>(int64_t(out.size()), int64_t(data_.size()) - position_);
    if (n > 0) std::memcpy(out.data(), data_.data() + position_, size_t(n));
    position_ += n;
    return n;
  }
  Result<std::optional<int64_t>> size() const override {
    return std::optional<int64_t>(int64_t(data_.size()));
  }
  int64_t position() const override { return position_; }
  const std::string& path() const override { return path_; }

 private:
  std::string data_;
  std::string path_;
  int64_t position_ = 0;
};

// A size is known only for regular files; pipes, sockets and terminals have none.
std::optional<int64_t> SizeOf(const struct stat& st) {
  if (S_ISREG(st.st_mode)) return int64_t(st.st_size);
  return std::nullopt;
}

}  // namespace

Result<std::unique_ptr<InputStream>> OpenLocalInput(std::string path) {
  if (path == "-") {
    struct stat st;
    std::optional<int64_t> size;
    if (::fstat(STDIN_FILENO, &st) == 0) size = SizeOf(st);
    return std::unique_ptr<InputStream>(
        std::make_unique<FdInput>(std::move(path), STDIN_FILENO, /*owned=*/false, size));
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR) return Status::NotFound("{}: no such file", path);
    return Status::IOError("{}: cannot open: {}", path, std::strerror(err));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return Status::IOError("{}: cannot stat: {}", path, std::strerror(err));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status::IOError("{}: cannot read: is a directory, not a file", path);
  }
#ifdef POSIX_FADV_SEQUENTIAL
  if (S_ISREG(st.st_mode)) (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  return std::unique_ptr<InputStream>(
      std::make_unique<FdInput>(std::move(path), fd, /*owned=*/true, SizeOf(st)));
}

std::unique_ptr<InputStream> MakeBufferInput(columnar::BufferPtr data, std::string path) {
  return std::make_unique<BufferInput>(std::move(data), std::move(path));
}

std::unique_ptr<InputStream> MakeStringInput(std::string data, std::string path) {
  return std::make_unique<StringInput>(std::move(data), std::move(path));
}

}  // namespace quire::io
