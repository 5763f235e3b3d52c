/// \file quire/codec/snappy_codec.cc
/// \brief SNAPPY: the snappy raw format (a varint length, then tagged literals
/// and copies), compressed by the snappy library and decompressed by quire's own
/// decoder (snappy_decompress.h).
#include <snappy.h>

#include "quire/codec/codec_internal.h"
#include "quire/codec/snappy_decompress.h"
#include "quire/util/macros.h"

namespace quire::codec::internal {
namespace {

class SnappyCodec final : public Codec {
 public:
  SnappyCodec() : Codec(Compression::kSnappy, 0) {}

  int64_t MaxCompressedLength(int64_t input_size) const override {
    return int64_t(snappy::MaxCompressedLength(size_t(input_size)));
  }

 protected:
  Result<int64_t> DoDecompress(std::span<const std::byte> input,
                               std::span<std::byte> output) override {
    // quire's own decoder: the library's spends most of its time in calls to memmove
    // for the short literals and copies of numeric columns.
    QUIRE_RETURN_NOT_OK(SnappyDecompress(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(input.data()), input.size()),
        std::span<uint8_t>(reinterpret_cast<uint8_t*>(output.data()), output.size())));
    return int64_t(output.size());
  }

  Result<int64_t> DoCompress(std::span<const std::byte> input,
                             std::span<std::byte> output) override {
    size_t written = 0;
    snappy::RawCompress(reinterpret_cast<const char*>(input.data()), input.size(),
                        reinterpret_cast<char*>(output.data()), &written);
    return int64_t(written);
  }
};

}  // namespace

Result<std::unique_ptr<Codec>> MakeSnappyCodec() {
  return std::unique_ptr<Codec>(std::make_unique<SnappyCodec>());
}

}  // namespace quire::codec::internal
