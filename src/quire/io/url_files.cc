/// \file quire/io/url_files.cc
/// \brief Files opened by URL: the filesystem made from the URL stays alive as
/// long as the file does.
#include <algorithm>
#include <cstring>

#include "quire/io/file_system.h"
#include "quire/io/file_system_internal.h"
#include "quire/util/macros.h"

namespace quire::io {

namespace {

// Wrappers that hold the filesystem made from a URL for as long as the file.
class KeepAliveFile final : public internal::ForwardingFile {
 public:
  KeepAliveFile(std::shared_ptr<FileSystem> fs, std::unique_ptr<RandomAccessFile> file)
      : ForwardingFile(std::move(file)), fs_(std::move(fs)) {}

 private:
  std::shared_ptr<FileSystem> fs_;
};

class KeepAliveOutput final : public internal::ForwardingStream {
 public:
  KeepAliveOutput(std::shared_ptr<FileSystem> fs, std::unique_ptr<OutputStream> out)
      : ForwardingStream(std::move(out)), fs_(std::move(fs)) {}

 private:
  std::shared_ptr<FileSystem> fs_;
};

// A file read front to back in pieces, the next piece announced ahead.
class SequentialInput final : public InputStream {
 public:
  static constexpr int64_t kPiece = int64_t(8) << 20;

  SequentialInput(std::unique_ptr<RandomAccessFile> file, int64_t size)
      : file_(std::move(file)), size_(size) {}

  Result<int64_t> Read(std::span<uint8_t> out) override {
    int64_t done = 0;
    while (done < int64_t(out.size()) && position_ < size_) {
      if (!piece_ || piece_at_ >= piece_->size()) {
        const int64_t n = std::min(kPiece, size_ - position_);
        const int64_t next = position_ + n;
        if (next < size_) {
          const std::pair<int64_t, int64_t> ahead{next, std::min(kPiece, size_ - next)};
          file_->WillNeed({&ahead, 1});
        }
        QUIRE_ASSIGN_OR_RETURN(piece_, file_->ReadAt(position_, n));
        piece_at_ = 0;
      }
      const int64_t n = std::min(int64_t(out.size()) - done, piece_->size() - piece_at_);
      std::memcpy(out.data() + done, piece_->data() + piece_at_, size_t(n));
      piece_at_ += n;
      done += n;
      position_ += n;
    }
    return done;
  }
  Result<std::optional<int64_t>> size() const override { return std::optional<int64_t>(size_); }
  int64_t position() const override { return position_; }
  const std::string& path() const override { return file_->path(); }

 private:
  std::unique_ptr<RandomAccessFile> file_;
  int64_t size_;
  int64_t position_ = 0;
  columnar::BufferPtr piece_;
  int64_t piece_at_ = 0;
};

}  // namespace

Result<std::unique_ptr<RandomAccessFile>> OpenReadUrl(std::string_view url) {
  QUIRE_ASSIGN_OR_RETURN(auto fp, FileSystemFromUrl(url));
  QUIRE_ASSIGN_OR_RETURN(auto file, fp.fs->OpenRead(fp.path));
  return std::unique_ptr<RandomAccessFile>(
      std::make_unique<KeepAliveFile>(std::move(fp.fs), std::move(file)));
}

Result<std::unique_ptr<InputStream>> OpenInputUrl(std::string_view url) {
  if (url == "-" || url.find("://") == std::string_view::npos) {
    return OpenLocalInput(std::string(url));
  }
  QUIRE_ASSIGN_OR_RETURN(auto file, OpenReadUrl(url));
  QUIRE_ASSIGN_OR_RETURN(int64_t size, file->Size());
  return std::unique_ptr<InputStream>(std::make_unique<SequentialInput>(std::move(file), size));
}

Result<std::unique_ptr<OutputStream>> OpenWriteUrl(std::string_view url,
                                                   const WriteOptions& options) {
  QUIRE_ASSIGN_OR_RETURN(auto fp, FileSystemFromUrl(url));
  QUIRE_ASSIGN_OR_RETURN(auto out, fp.fs->OpenWrite(fp.path, options));
  return std::unique_ptr<OutputStream>(
      std::make_unique<KeepAliveOutput>(std::move(fp.fs), std::move(out)));
}

}  // namespace quire::io
