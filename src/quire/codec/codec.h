#pragma once

/// \file quire/codec/codec.h
/// \brief Compression codecs of Parquet pages: Compression, Codec and MakeCodec().

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "quire/codec/type_fwd.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::codec {

/// \brief Compression of a column chunk, with the values of Parquet's thrift
/// `CompressionCodec` enum (parquet.thrift), so a file's value converts directly.
///
/// A value read from a file may lie outside the enumerators; MakeCodec() answers
/// kUnsupported for it.
enum class Compression : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,  ///< RFC 1952 gzip, possibly several members; zlib streams are read too.
  kLzo = 3,   ///< Not supported.
  kBrotli = 4,
  kLz4 = 5,  ///< Deprecated: Hadoop-framed LZ4 blocks (or LZ4 frames or a raw block).
  kZstd = 6,
  kLz4Raw = 7,  ///< One raw LZ4 block.
};

/// \brief Return the Parquet name of `compression` ("SNAPPY", "LZ4_RAW"), or
/// "UNKNOWN" for a value outside the enumerators.
QUIRE_EXPORT std::string_view CompressionName(Compression compression);

/// \brief Level argument of MakeCodec() that selects the codec's default level.
inline constexpr int kDefaultLevel = std::numeric_limits<int>::min();

/// \brief Compression levels a codec accepts, and the level kDefaultLevel selects.
struct LevelRange {
  int min_level;
  int max_level;
  int default_level;
};

/// \brief Return the levels MakeCodec() accepts for `compression`.
///
/// | codec        | levels        | default | meaning                                 |
/// | ------------ | ------------- | ------- | --------------------------------------- |
/// | GZIP         | 0 to 12       | 6       | libdeflate's scale; 1-9 match zlib's    |
/// | BROTLI       | 0 to 11       | 8       | brotli quality                          |
/// | ZSTD         | -131072 to 22 | 3       | zstd's; negative levels are faster      |
/// | LZ4, LZ4_RAW | 1 to 12       | 1       | 1: LZ4's fast compressor; 2-12: LZ4 HC  |
///
/// The defaults: zstd 3 and gzip 6 are the libraries' own defaults (parquet-mr
/// and DuckDB write zstd 3 too); brotli 8 matches Arrow C++ (pyarrow), since
/// brotli's own default, 11, compresses at about 1 MB/s; LZ4 1 is the fast
/// compressor every Parquet writer uses.
/// \return nullopt for codecs without levels (UNCOMPRESSED, SNAPPY) and for
/// unsupported ones (LZO, unknown values).
QUIRE_EXPORT std::optional<LevelRange> CompressionLevels(Compression compression);

/// \brief Compressor and decompressor of one Compression.
///
/// Not thread-safe: a Codec reuses library contexts (a ZSTD_DCtx, a libdeflate
/// decompressor, LZ4 state) from call to call, so each thread keeps its own.
/// Buffers above 2 GiB - 1 bytes are refused with kInvalidArgument: Parquet
/// records page sizes as i32.
class QUIRE_EXPORT Codec {
 public:
  virtual ~Codec();
  Codec(const Codec&) = delete;
  Codec& operator=(const Codec&) = delete;

  /// \brief Decompress `input` into `output`, which has exactly the uncompressed
  /// size (Parquet records it in the page header).
  ///
  /// Writes nothing past `output` and allocates nothing sized by what `input`
  /// claims beyond output.size(), except for fixed caps: brotli's decoder keeps
  /// its window (at most 16 MiB) and the LZ4 frame decoder its block buffers (at
  /// most 4 MiB), whatever the output size. An empty input is accepted for an
  /// empty output by every codec, as writers skip compressing empty page
  /// sections. On error the contents of `output` are unspecified.
  /// \return output.size(); kCorrupt naming the codec and what failed if the
  /// input is malformed or decompresses to any other size; kInvalidArgument
  /// for buffers above 2 GiB - 1 bytes.
  Result<int64_t> Decompress(std::span<const std::byte> input,
                             std::span<std::byte> output);

  /// \brief Return the size of an output buffer that Compress() of `input_size`
  /// bytes (0 to 2 GiB - 1) always fits in.
  virtual int64_t MaxCompressedLength(int64_t input_size) const = 0;

  /// \brief Compress `input` into `output`, which holds at least
  /// MaxCompressedLength(input.size()) bytes.
  ///
  /// The output is what other Parquet readers expect for compression(): for
  /// GZIP one gzip member, for LZ4 Hadoop framing with one block per 64 KiB of
  /// input (LZ4's window, and well under the 256 KiB buffer Hadoop's reader
  /// uses), for LZ4_RAW one raw block. An empty input compresses to zero bytes
  /// under LZ4 (no Hadoop block at all) and to the format's empty stream for
  /// the others.
  /// \return the number of bytes written; kInvalidArgument if `output` is
  /// smaller than MaxCompressedLength() or `input` is too large for the format.
  Result<int64_t> Compress(std::span<const std::byte> input, std::span<std::byte> output);

  /// \brief Return the compression this codec implements.
  Compression compression() const { return compression_; }
  /// \brief Return the level in use: the requested one, or the default when
  /// kDefaultLevel was requested; 0 for codecs without levels.
  int level() const { return level_; }

 protected:
  Codec(Compression compression, int level) : compression_(compression), level_(level) {}

  /// \brief Decompress into `output` (non-empty spans have non-null data; empty
  /// ones too) and return the number of bytes produced; Decompress() turns a
  /// count other than output.size() into kCorrupt.
  virtual Result<int64_t> DoDecompress(std::span<const std::byte> input,
                                       std::span<std::byte> output) = 0;
  /// \brief Compress into `output`, which is at least MaxCompressedLength() long.
  virtual Result<int64_t> DoCompress(std::span<const std::byte> input,
                                     std::span<std::byte> output) = 0;

 private:
  const Compression compression_;
  const int level_;
  // Target of empty output spans, so that libraries never see a null pointer.
  std::byte empty_output_[1] = {};
};

/// \brief Make a codec for `compression` at `level` (see CompressionLevels()).
///
/// The returned codec is owned by the caller and not thread-safe.
/// \return kUnsupported for LZO ("LZO codec is not supported") and for values
/// outside the enumerators; kInvalidArgument for a level outside the codec's
/// range, or any level but kDefaultLevel for codecs without levels;
/// kResourceExhausted if a library context cannot be allocated.
QUIRE_EXPORT Result<std::unique_ptr<Codec>> MakeCodec(Compression compression,
                                                      int level = kDefaultLevel);

}  // namespace quire::codec
