/// \file quire/parquet/encoding_plain.cc
#include "quire/parquet/encoding_plain.h"

#include <cstring>

#include "quire/util/bit_util.h"

namespace quire::parquet {

Status DecodePlainFixed(std::span<const uint8_t> data, int64_t* pos, int width, int64_t n,
                        uint8_t* out) {
  const int64_t bytes = n * width;
  if (bytes > int64_t(data.size()) - *pos) {
    return Status::Corrupt("PLAIN page holds {} bytes from byte {}, {} values of {} bytes "
                           "need {}", int64_t(data.size()) - *pos, *pos, n, width, bytes);
  }
  if (bytes > 0) std::memcpy(out, data.data() + *pos, size_t(bytes));
  *pos += bytes;
  return Status::OK();
}

Status DecodePlainBoolean(std::span<const uint8_t> data, int64_t* bit_pos, int64_t n,
                          uint8_t* out, int64_t out_offset) {
  if (*bit_pos + n > int64_t(data.size()) * 8) {
    return Status::Corrupt("PLAIN boolean page holds {} bits from bit {}, {} are needed",
                           int64_t(data.size()) * 8 - *bit_pos, *bit_pos, n);
  }
  util::CopyBitmap(data.data(), *bit_pos, n, out, out_offset);
  *bit_pos += n;
  return Status::OK();
}

Status DecodePlainByteArray(std::span<const uint8_t> data, int64_t* pos, int64_t n,
                            std::string_view* out) {
  const int64_t size = int64_t(data.size());
  int64_t p = *pos;
  for (int64_t i = 0; i < n; ++i) {
    if (size - p < 4) {
      return Status::Corrupt("PLAIN BYTE_ARRAY length at byte {} is cut off", p);
    }
    uint32_t len;
    std::memcpy(&len, data.data() + p, 4);
    p += 4;
    if (int64_t(len) > size - p) {
      return Status::Corrupt("PLAIN BYTE_ARRAY value of {} bytes at byte {} runs past the "
                             "{} bytes of the page", len, p, size);
    }
    out[i] = {reinterpret_cast<const char*>(data.data()) + p, size_t(len)};
    p += len;
  }
  *pos = p;
  return Status::OK();
}

Status DecodeByteStreamSplit(std::span<const uint8_t> data, int width, int64_t start,
                             int64_t n, uint8_t* out) {
  if (width <= 0 || data.size() % size_t(width) != 0) {
    return Status::Corrupt("BYTE_STREAM_SPLIT page of {} bytes is not a multiple of the "
                           "{}-byte value width", data.size(), width);
  }
  const int64_t count = int64_t(data.size()) / width;
  if (start < 0 || n < 0 || start + n > count) {
    return Status::Corrupt("BYTE_STREAM_SPLIT page holds {} values, values [{}, {}) were "
                           "asked for", count, start, start + n);
  }
  // Stream b holds byte b of every value; gather one stream at a time.
  for (int b = 0; b < width; ++b) {
    const uint8_t* stream = data.data() + int64_t(b) * count + start;
    for (int64_t i = 0; i < n; ++i) out[i * width + b] = stream[i];
  }
  return Status::OK();
}

std::string EncodeByteStreamSplit(const uint8_t* values, int64_t count, int width) {
  std::string out(size_t(count * width), '\0');
  for (int64_t i = 0; i < count; ++i) {
    for (int b = 0; b < width; ++b) out[size_t(b * count + i)] = char(values[i * width + b]);
  }
  return out;
}

}  // namespace quire::parquet
