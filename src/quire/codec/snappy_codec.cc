/// \file quire/codec/snappy_codec.cc
/// \brief SNAPPY: the snappy raw format (a varint length, then tagged literals
/// and copies), through the snappy library.
#include <snappy.h>

#include "quire/codec/codec_internal.h"

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
    const char* in = reinterpret_cast<const char*>(input.data());
    size_t length = 0;
    if (!snappy::GetUncompressedLength(in, input.size(), &length)) {
      return Status::Corrupt("snappy: the stream does not start with a valid length");
    }
    // RawUncompress writes as many bytes as the stream's own length says, so that
    // length must be checked against the output before anything is written.
    if (length != output.size()) {
      return Status::Corrupt("snappy: the stream says {} bytes, the page header says {}",
                             length, output.size());
    }
    if (!snappy::RawUncompress(in, input.size(),
                               reinterpret_cast<char*>(output.data()))) {
      return Status::Corrupt("snappy: corrupt compressed data ({} bytes, {} expected)",
                             input.size(), output.size());
    }
    return int64_t(length);
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
