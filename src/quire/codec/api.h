#pragma once

/// \file quire/codec/api.h
/// \brief The codec layer: the compression codecs of Parquet pages, in one include.
///
/// A tour:
/// - codec.h: Compression, whose values are Parquet's CompressionCodec enum
///   (UNCOMPRESSED, SNAPPY, GZIP, LZO, BROTLI, LZ4, ZSTD, LZ4_RAW), and Codec,
///   made by MakeCodec(compression, level). A Codec compresses into a buffer of
///   MaxCompressedLength() bytes and decompresses into a buffer of exactly the
///   uncompressed size, which Parquet always records in the page header; any
///   other outcome is kCorrupt. Decompression is hardened against hostile
///   input: it never writes past the output and never allocates according to a
///   size the input claims.
/// - fuzzing.h: FuzzDecompress(), the entry point of the codec fuzzer.
///
/// The layer depends only on util. Codecs hold library contexts that they reuse
/// from call to call, so a reader keeps one Codec per thread and per codec:
///
/// \code
///   QUIRE_ASSIGN_OR_RETURN(auto codec, codec::MakeCodec(codec::Compression::kZstd));
///   std::vector<std::byte> page(header.uncompressed_page_size);
///   QUIRE_RETURN_NOT_OK(codec->Decompress(compressed, page));
/// \endcode

#include "quire/codec/codec.h"
#include "quire/codec/fuzzing.h"
