/// \file quire/codec/lz4_codec.cc
/// \brief LZ4_RAW (one raw LZ4 block) and the deprecated LZ4 (Hadoop framing of
/// LZ4 blocks, or what some writers stored instead: LZ4 frames or one raw block),
/// through the lz4 library.
#include <algorithm>
#include <optional>

#include <lz4.h>
#include <lz4frame.h>
#include <lz4hc.h>

#include "quire/codec/codec_internal.h"
#include "quire/util/macros.h"

namespace quire::codec::internal {
namespace {

uint32_t LoadBigEndian32(const std::byte* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 |
         uint32_t(p[3]);
}

uint32_t LoadLittleEndian32(const std::byte* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 |
         uint32_t(p[3]) << 24;
}

void StoreBigEndian32(uint32_t v, std::byte* p) {
  p[0] = std::byte(v >> 24);
  p[1] = std::byte(v >> 16);
  p[2] = std::byte(v >> 8);
  p[3] = std::byte(v);
}

// LZ4_COMPRESSBOUND without its cut-off at LZ4_MAX_INPUT_SIZE.
int64_t BlockBound(int64_t input_size) { return input_size + input_size / 255 + 16; }

/// Raw LZ4 blocks, shared by both codecs. Decompression returns the bytes produced
/// or a negative number for a malformed block (or one that overflows `capacity`).
class Lz4Blocks {
 public:
  explicit Lz4Blocks(int level) : level_(level) {}

  static int Decompress(const std::byte* in, size_t in_size, std::byte* out,
                        size_t capacity) {
    // Sizes fit in int: Codec limits buffers to INT32_MAX bytes.
    return LZ4_decompress_safe(reinterpret_cast<const char*>(in),
                               reinterpret_cast<char*>(out), int(in_size), int(capacity));
  }

  // Compresses into `capacity` >= BlockBound(in_size) bytes; 0 on failure.
  int Compress(const std::byte* in, size_t in_size, std::byte* out, size_t capacity) {
    const char* src = reinterpret_cast<const char*>(in);
    char* dst = reinterpret_cast<char*>(out);
    const int dst_capacity = int(std::min<size_t>(capacity, size_t(kMaxBufferSize)));
    if (level_ <= 1) {
      if (!state_) state_ = std::make_unique<std::byte[]>(size_t(LZ4_sizeofState()));
      return LZ4_compress_fast_extState(state_.get(), src, dst, int(in_size),
                                        dst_capacity,
                                        /*acceleration=*/1);
    }
    if (!hc_state_)
      hc_state_ = std::make_unique<std::byte[]>(size_t(LZ4_sizeofStateHC()));
    return LZ4_compress_HC_extStateHC(hc_state_.get(), src, dst, int(in_size),
                                      dst_capacity, level_);
  }

 private:
  const int level_;
  // Compression state, allocated on first use and reused (new[] aligns it enough).
  std::unique_ptr<std::byte[]> state_;
  std::unique_ptr<std::byte[]> hc_state_;
};

Status CheckLz4InputSize(std::string_view codec, size_t size) {
  if (size > size_t(LZ4_MAX_INPUT_SIZE)) {
    return Status::Invalid("{}: {} bytes exceed LZ4's limit of {} bytes per block", codec,
                           size, LZ4_MAX_INPUT_SIZE);
  }
  return Status::OK();
}

class Lz4RawCodec final : public Codec {
 public:
  explicit Lz4RawCodec(int level) : Codec(Compression::kLz4Raw, level), blocks_(level) {}

  int64_t MaxCompressedLength(int64_t input_size) const override {
    return BlockBound(input_size);
  }

 protected:
  Result<int64_t> DoDecompress(std::span<const std::byte> input,
                               std::span<std::byte> output) override {
    const int produced =
        Lz4Blocks::Decompress(input.data(), input.size(), output.data(), output.size());
    if (produced < 0) {
      // LZ4 does not tell a malformed block from one that overflows the output.
      return Status::Corrupt(
          "lz4_raw: corrupt block, or it decompresses to more than the "
          "{} bytes the page header says",
          output.size());
    }
    return int64_t(produced);
  }

  Result<int64_t> DoCompress(std::span<const std::byte> input,
                             std::span<std::byte> output) override {
    QUIRE_RETURN_NOT_OK(CheckLz4InputSize("lz4_raw", input.size()));
    const int written =
        blocks_.Compress(input.data(), input.size(), output.data(), output.size());
    if (written <= 0) {
      return Status::Internal("lz4_raw: compressing {} bytes failed", input.size());
    }
    return int64_t(written);
  }

 private:
  Lz4Blocks blocks_;
};

/// Hadoop's Lz4Codec (BlockCompressorStream) writes each block of input as a
/// big-endian u32 uncompressed length followed by chunks, each a big-endian u32
/// compressed length and a raw LZ4 block, until the block's bytes are produced;
/// parquet-mr and Arrow write one chunk per block. Other writers stored something
/// else under this codec id: older parquet-cpp one raw LZ4 block, older arrow-rs
/// LZ4 frames. So input that is not Hadoop framing exactly filling the output is
/// read as LZ4 frames if it starts with the frame magic number, and else (or if
/// that fails) as one raw block, the order arrow-rs tries them in.
class Lz4HadoopCodec final : public Codec {
 public:
  explicit Lz4HadoopCodec(int level) : Codec(Compression::kLz4, level), blocks_(level) {}

  int64_t MaxCompressedLength(int64_t input_size) const override {
    // Per block: 8 header bytes and the 16 bytes of slack of an LZ4 bound.
    const int64_t blocks = (input_size + kHadoopLz4BlockSize - 1) / kHadoopLz4BlockSize;
    return input_size + input_size / 255 + blocks * 24;
  }

 protected:
  Result<int64_t> DoDecompress(std::span<const std::byte> input,
                               std::span<std::byte> output) override {
    if (std::optional<int64_t> hadoop = DecompressHadoop(input, output)) return *hadoop;
    if (input.size() >= 4 && LoadLittleEndian32(input.data()) == LZ4F_MAGICNUMBER) {
      QUIRE_ASSIGN_OR_RETURN(std::optional<int64_t> frames,
                             DecompressFrames(input, output));
      if (frames) return *frames;
    }
    const int produced =
        Lz4Blocks::Decompress(input.data(), input.size(), output.data(), output.size());
    if (produced < 0) {
      return Status::Corrupt(
          "lz4: the input is neither Hadoop-framed LZ4 blocks filling "
          "the {} bytes the page header says, nor LZ4 frames that do, "
          "nor one valid raw LZ4 block of at most that size",
          output.size());
    }
    return int64_t(produced);
  }

  Result<int64_t> DoCompress(std::span<const std::byte> input,
                             std::span<std::byte> output) override {
    QUIRE_RETURN_NOT_OK(CheckLz4InputSize("lz4", input.size()));
    size_t in_pos = 0;
    size_t out_pos = 0;
    while (in_pos < input.size()) {
      const size_t length = std::min(input.size() - in_pos, size_t(kHadoopLz4BlockSize));
      std::byte* header = output.data() + out_pos;
      const int written = blocks_.Compress(input.data() + in_pos, length, header + 8,
                                           output.size() - out_pos - 8);
      if (written <= 0) {
        return Status::Internal("lz4: compressing a block of {} bytes failed", length);
      }
      StoreBigEndian32(uint32_t(length), header);
      StoreBigEndian32(uint32_t(written), header + 4);
      in_pos += length;
      out_pos += 8 + size_t(written);
    }
    return int64_t(out_pos);
  }

 private:
  // Return the bytes produced if `input` is Hadoop framing that fills `output`
  // exactly and is consumed entirely, else nullopt (nothing is reported: the
  // caller then tries a raw block).
  static std::optional<int64_t> DecompressHadoop(std::span<const std::byte> input,
                                                 std::span<std::byte> output) {
    size_t in_pos = 0;
    size_t out_pos = 0;
    while (in_pos < input.size()) {
      if (input.size() - in_pos < 4) return std::nullopt;
      const size_t block_length = LoadBigEndian32(input.data() + in_pos);
      in_pos += 4;
      if (block_length > output.size() - out_pos) return std::nullopt;
      const size_t block_end = out_pos + block_length;
      // At least one chunk per block: Arrow writes an empty input as an empty
      // block holding one chunk. Each chunk consumes input, so this ends.
      do {
        if (input.size() - in_pos < 4) return std::nullopt;
        const size_t chunk_length = LoadBigEndian32(input.data() + in_pos);
        in_pos += 4;
        if (chunk_length > input.size() - in_pos) return std::nullopt;
        const int produced =
            Lz4Blocks::Decompress(input.data() + in_pos, chunk_length,
                                  output.data() + out_pos, block_end - out_pos);
        if (produced < 0) return std::nullopt;
        in_pos += chunk_length;
        out_pos += size_t(produced);
      } while (out_pos < block_end);
    }
    if (out_pos != output.size()) return std::nullopt;
    return int64_t(out_pos);
  }

  // Return the bytes produced if `input` is LZ4 frames (lz4 Frame_format.md), one
  // or more, that fill `output` exactly, else nullopt. The frame decoder allocates
  // block buffers of at most the 4 MiB maximum block size, whatever the output.
  Result<std::optional<int64_t>> DecompressFrames(std::span<const std::byte> input,
                                                  std::span<std::byte> output) {
    if (!frame_context_) {
      LZ4F_dctx* context = nullptr;
      if (LZ4F_isError(LZ4F_createDecompressionContext(&context, LZ4F_VERSION))) {
        return Status::ResourceExhausted("lz4: cannot allocate a frame decoder");
      }
      frame_context_.reset(context);
    }
    // Decoding writes one contiguous output, so earlier output stays in place.
    LZ4F_decompressOptions_t options{};
    options.stableDst = 1;
    size_t in_pos = 0;
    size_t out_pos = 0;
    while (in_pos < input.size()) {
      size_t in_size = input.size() - in_pos;
      size_t out_size = output.size() - out_pos;
      const size_t hint =
          LZ4F_decompress(frame_context_.get(), output.data() + out_pos, &out_size,
                          input.data() + in_pos, &in_size, &options);
      if (LZ4F_isError(hint) || (in_size == 0 && out_size == 0)) {
        // An error, or no progress: the output is full while the frame goes on.
        LZ4F_resetDecompressionContext(frame_context_.get());
        return std::optional<int64_t>();
      }
      in_pos += in_size;
      out_pos += out_size;
      if (hint != 0 && in_pos == input.size()) {
        LZ4F_resetDecompressionContext(frame_context_.get());  // a truncated frame
        return std::optional<int64_t>();
      }
    }
    if (out_pos != output.size()) return std::optional<int64_t>();
    return std::optional<int64_t>(int64_t(out_pos));
  }

  struct FrameContextDeleter {
    void operator()(LZ4F_dctx* context) const { LZ4F_freeDecompressionContext(context); }
  };

  Lz4Blocks blocks_;
  std::unique_ptr<LZ4F_dctx, FrameContextDeleter> frame_context_;
};

}  // namespace

Result<std::unique_ptr<Codec>> MakeLz4RawCodec(int level) {
  return std::unique_ptr<Codec>(std::make_unique<Lz4RawCodec>(level));
}

Result<std::unique_ptr<Codec>> MakeLz4HadoopCodec(int level) {
  return std::unique_ptr<Codec>(std::make_unique<Lz4HadoopCodec>(level));
}

}  // namespace quire::codec::internal
