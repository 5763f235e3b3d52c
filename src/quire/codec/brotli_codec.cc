/// \file quire/codec/brotli_codec.cc
/// \brief BROTLI: one brotli stream (RFC 7932), through the brotli library.
#include <brotli/decode.h>
#include <brotli/encode.h>

#include "quire/codec/codec_internal.h"

namespace quire::codec::internal {
namespace {

struct DecoderDeleter {
  void operator()(BrotliDecoderState* s) const { BrotliDecoderDestroyInstance(s); }
};

class BrotliCodec final : public Codec {
 public:
  explicit BrotliCodec(int level) : Codec(Compression::kBrotli, level) {}

  int64_t MaxCompressedLength(int64_t input_size) const override {
    return int64_t(BrotliEncoderMaxCompressedSize(size_t(input_size)));
  }

 protected:
  Result<int64_t> DoDecompress(std::span<const std::byte> input,
                               std::span<std::byte> output) override {
    // The decoder has no reset, so each page gets a fresh one. It allocates its
    // ring buffer from the window the stream declares, at most 16 MiB since the
    // large-window extension (BROTLI_DECODER_PARAM_LARGE_WINDOW) stays off.
    std::unique_ptr<BrotliDecoderState, DecoderDeleter> decoder(
        BrotliDecoderCreateInstance(nullptr, nullptr, nullptr));
    if (!decoder) return Status::ResourceExhausted("brotli: cannot allocate a decoder");
    size_t available_in = input.size();
    const uint8_t* next_in = reinterpret_cast<const uint8_t*>(input.data());
    size_t available_out = output.size();
    uint8_t* next_out = reinterpret_cast<uint8_t*>(output.data());
    const BrotliDecoderResult result = BrotliDecoderDecompressStream(
        decoder.get(), &available_in, &next_in, &available_out, &next_out, nullptr);
    switch (result) {
      case BROTLI_DECODER_RESULT_SUCCESS:
        if (available_in != 0) {
          return Status::Corrupt("brotli: {} bytes follow the end of the stream",
                                 available_in);
        }
        return int64_t(output.size() - available_out);
      case BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT:
        return OutputTooSmall("brotli", int64_t(output.size()));
      case BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT:
        return Status::Corrupt("brotli: the stream is truncated after {} bytes",
                               input.size());
      default: break;
    }
    const BrotliDecoderErrorCode code = BrotliDecoderGetErrorCode(decoder.get());
    // decode.h reserves -21 to -30 for failed allocations.
    if (code <= BROTLI_DECODER_ERROR_ALLOC_CONTEXT_MODES &&
        code >= BROTLI_DECODER_ERROR_ALLOC_BLOCK_TYPE_TREES) {
      return Status::ResourceExhausted("brotli: {}", BrotliDecoderErrorString(code));
    }
    return Status::Corrupt("brotli: corrupt stream ({}) at input byte {} of {}",
                           BrotliDecoderErrorString(code), input.size() - available_in,
                           input.size());
  }

  Result<int64_t> DoCompress(std::span<const std::byte> input,
                             std::span<std::byte> output) override {
    size_t written = output.size();
    if (!BrotliEncoderCompress(level(), BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC,
                               input.size(),
                               reinterpret_cast<const uint8_t*>(input.data()), &written,
                               reinterpret_cast<uint8_t*>(output.data()))) {
      return Status::Internal("brotli: compressing {} bytes into {} failed", input.size(),
                              output.size());
    }
    return int64_t(written);
  }
};

}  // namespace

Result<std::unique_ptr<Codec>> MakeBrotliCodec(int level) {
  return std::unique_ptr<Codec>(std::make_unique<BrotliCodec>(level));
}

}  // namespace quire::codec::internal
