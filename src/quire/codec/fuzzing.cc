/// \file quire/codec/fuzzing.cc
/// \brief FuzzDecompress(): decompress arbitrary input, then round trip what it gave.
#include "quire/codec/fuzzing.h"

#include <array>
#include <cstring>
#include <memory>
#include <vector>

#include "quire/codec/codec.h"
#include "quire/util/macros.h"

namespace quire::codec {

Status FuzzDecompress(std::span<const uint8_t> data) {
  auto byte_at = [&](size_t i) -> uint32_t { return i < data.size() ? data[i] : 0; };
  const auto compression = Compression(byte_at(0) % 8);
  const size_t output_size =
      (byte_at(1) | byte_at(2) << 8 | byte_at(3) << 16) % size_t(kFuzzMaxOutputSize + 1);
  const auto input = std::as_bytes(data.subspan(std::min<size_t>(4, data.size())));

  // One codec per compression and thread, reused across calls like a reader's.
  thread_local std::array<std::unique_ptr<Codec>, 8> codecs;
  std::unique_ptr<Codec>& codec = codecs[size_t(compression)];
  if (!codec) {
    QUIRE_ASSIGN_OR_RETURN(codec, MakeCodec(compression));
  }

  // Exactly sized, so that AddressSanitizer sees a write past the output.
  std::vector<std::byte> output(output_size);
  Result<int64_t> produced = codec->Decompress(input, output);
  if (!produced.ok()) {
    const ErrorCode code = produced.status().code();
    if (code != ErrorCode::kCorrupt && code != ErrorCode::kResourceExhausted) {
      return Status::Internal("{}: decompression failed with {} instead of kCorrupt",
                              CompressionName(compression), produced.status().ToString());
    }
    return produced.status();
  }
  if (*produced != int64_t(output_size)) {
    return Status::Internal("{}: Decompress returned {} for an output of {} bytes",
                            CompressionName(compression), *produced, output_size);
  }

  std::vector<std::byte> packed(size_t(codec->MaxCompressedLength(int64_t(output_size))));
  Result<int64_t> packed_size = codec->Compress(output, packed);
  if (!packed_size.ok()) {
    return Status::Internal("{}: cannot compress what was decompressed: {}",
                            CompressionName(compression),
                            packed_size.status().ToString());
  }
  std::vector<std::byte> again(output_size);
  Status st =
      codec->Decompress(std::span(packed).first(size_t(*packed_size)), again).status();
  if (!st.ok() || again != output) {
    return Status::Internal("{}: {} decompressed bytes do not round trip: {}",
                            CompressionName(compression), output_size, st.ToString());
  }
  return Status::OK();
}

std::string EncodeFuzzDecompressInput(Compression compression, int64_t uncompressed_size,
                                      std::span<const std::byte> compressed) {
  std::string out;
  out.push_back(char(int32_t(compression) & 0xff));
  out.push_back(char(uncompressed_size & 0xff));
  out.push_back(char((uncompressed_size >> 8) & 0xff));
  out.push_back(char((uncompressed_size >> 16) & 0xff));
  out.append(reinterpret_cast<const char*>(compressed.data()), compressed.size());
  return out;
}

}  // namespace quire::codec
