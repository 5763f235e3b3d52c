/// \file quire/codec/zstd_codec.cc
/// \brief ZSTD: zstd frames (RFC 8878), one or several back to back, with reused
/// compression and decompression contexts.
#include <zstd.h>
#include <zstd_errors.h>

#include "quire/codec/codec_internal.h"

namespace quire::codec::internal {
namespace {

struct DCtxDeleter {
  void operator()(ZSTD_DCtx* ctx) const { ZSTD_freeDCtx(ctx); }
};
struct CCtxDeleter {
  void operator()(ZSTD_CCtx* ctx) const { ZSTD_freeCCtx(ctx); }
};

class ZstdCodec final : public Codec {
 public:
  explicit ZstdCodec(int level) : Codec(Compression::kZstd, level) {}

  int64_t MaxCompressedLength(int64_t input_size) const override {
    return int64_t(ZSTD_compressBound(size_t(input_size)));
  }

 protected:
  Result<int64_t> DoDecompress(std::span<const std::byte> input,
                               std::span<std::byte> output) override {
    if (!dctx_) {
      dctx_.reset(ZSTD_createDCtx());
      if (!dctx_) return Status::ResourceExhausted("zstd: cannot allocate a context");
    }
    // One-shot decompression into a flat buffer needs no window buffer, so the
    // window size a frame declares allocates nothing; concatenated and
    // skippable frames are read in turn, and the output bounds every write.
    const size_t result = ZSTD_decompressDCtx(dctx_.get(), output.data(), output.size(),
                                              input.data(), input.size());
    if (ZSTD_isError(result)) {
      if (ZSTD_getErrorCode(result) == ZSTD_error_dstSize_tooSmall) {
        return OutputTooSmall("zstd", int64_t(output.size()));
      }
      return Status::Corrupt("zstd: {} ({} compressed bytes)", ZSTD_getErrorName(result),
                             input.size());
    }
    return int64_t(result);
  }

  Result<int64_t> DoCompress(std::span<const std::byte> input,
                             std::span<std::byte> output) override {
    if (!cctx_) {
      cctx_.reset(ZSTD_createCCtx());
      if (!cctx_) return Status::ResourceExhausted("zstd: cannot allocate a context");
    }
    const size_t result = ZSTD_compressCCtx(cctx_.get(), output.data(), output.size(),
                                            input.data(), input.size(), level());
    if (ZSTD_isError(result)) {
      if (ZSTD_getErrorCode(result) == ZSTD_error_memory_allocation) {
        return Status::ResourceExhausted("zstd: {}", ZSTD_getErrorName(result));
      }
      return Status::Internal("zstd: compression failed: {}", ZSTD_getErrorName(result));
    }
    return int64_t(result);
  }

 private:
  // Created on first use: a reader never needs the compression context.
  std::unique_ptr<ZSTD_DCtx, DCtxDeleter> dctx_;
  std::unique_ptr<ZSTD_CCtx, CCtxDeleter> cctx_;
};

}  // namespace

Result<std::unique_ptr<Codec>> MakeZstdCodec(int level) {
  return std::unique_ptr<Codec>(std::make_unique<ZstdCodec>(level));
}

}  // namespace quire::codec::internal
