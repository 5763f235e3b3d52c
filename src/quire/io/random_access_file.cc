/// \file quire/io/random_access_file.cc
#include "quire/io/random_access_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "quire/util/macros.h"

namespace quire::io {

namespace {

Status CheckRange(const std::string& path, int64_t offset, int64_t length, int64_t size) {
  if (offset < 0 || length < 0 || offset > size || length > size - offset) {
    return Status::Invalid("{}: read of {} bytes at offset {} is outside the file of {} bytes",
                           path, length, offset, size);
  }
  return Status::OK();
}

class LocalFile final : public RandomAccessFile {
 public:
  LocalFile(std::string path, int fd, int64_t size, columnar::MemoryPool* pool)
      : path_(std::move(path)), fd_(fd), size_(size), pool_(pool) {}
  ~LocalFile() override { ::close(fd_); }

  Result<int64_t> Size() const override { return size_; }
  const std::string& path() const override { return path_; }

  Result<columnar::BufferPtr> ReadAt(int64_t offset, int64_t length) const override {
    QUIRE_RETURN_NOT_OK(CheckRange(path_, offset, length, size_));
    QUIRE_ASSIGN_OR_RETURN(auto buf, columnar::MutableBuffer::Allocate(length, pool_));
    int64_t done = 0;
    while (done < length) {
      const ssize_t n = ::pread(fd_, buf->mutable_data() + done, size_t(length - done),
                                off_t(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status::IOError("{}: read of {} bytes at offset {} failed: {}", path_, length,
                               offset, std::strerror(errno));
      }
      if (n == 0) {
        return Status::IOError("{}: file ended at {} while reading {} bytes at offset {} "
                               "(was it truncated?)", path_, offset + done, length, offset);
      }
      done += n;
    }
    buf->ZeroPadding();
    return columnar::BufferPtr(std::move(buf));
  }

 private:
  std::string path_;
  int fd_;
  int64_t size_;
  columnar::MemoryPool* pool_;
};

class BufferFile final : public RandomAccessFile {
 public:
  BufferFile(columnar::BufferPtr data, std::string path)
      : data_(std::move(data)), path_(std::move(path)) {}
  Result<int64_t> Size() const override { return data_->size(); }
  const std::string& path() const override { return path_; }
  Result<columnar::BufferPtr> ReadAt(int64_t offset, int64_t length) const override {
    QUIRE_RETURN_NOT_OK(CheckRange(path_, offset, length, data_->size()));
    return columnar::Buffer::Slice(data_, offset, length);
  }

 private:
  columnar::BufferPtr data_;
  std::string path_;
};

}  // namespace

Result<columnar::BufferPtr> RandomAccessFile::ReadTail(int64_t length) const {
  QUIRE_ASSIGN_OR_RETURN(int64_t size, Size());
  const int64_t n = std::min(std::max<int64_t>(length, 0), size);
  return ReadAt(size - n, n);
}

void RandomAccessFile::WillNeed(std::span<const std::pair<int64_t, int64_t>>) const {}

Result<std::unique_ptr<RandomAccessFile>> OpenLocalFile(std::string path,
                                                        columnar::MemoryPool* pool) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR) return Status::NotFound("{}: no such file", path);
    return Status::IOError("{}: cannot open: {}", path, std::strerror(err));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const int err = errno;
    ::close(fd);
    if (S_ISDIR(st.st_mode)) return Status::Invalid("{}: is a directory, not a file", path);
    return Status::IOError("{}: cannot stat: {}", path, std::strerror(err));
  }
  return std::unique_ptr<RandomAccessFile>(
      std::make_unique<LocalFile>(std::move(path), fd, int64_t(st.st_size), pool));
}

std::unique_ptr<RandomAccessFile> MakeBufferFile(columnar::BufferPtr data, std::string path) {
  return std::make_unique<BufferFile>(std::move(data), std::move(path));
}

Result<columnar::BufferPtr> ReadWholeFile(const RandomAccessFile& file) {
  QUIRE_ASSIGN_OR_RETURN(int64_t size, file.Size());
  return file.ReadAt(0, size);
}

}  // namespace quire::io
