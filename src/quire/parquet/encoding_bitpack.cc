/// \file quire/parquet/encoding_bitpack.cc
#include "quire/parquet/encoding_bitpack.h"

#include <cstring>
#include <utility>

#include "quire/util/bit_util.h"

namespace quire::parquet {

namespace {

// Value i starts at bit i * W. While 8 bytes from its first byte are inside the
// input, one unaligned 64-bit load covers a value of up to 57 bits; the tail goes
// through a zero-padded copy. W is a template argument so that shifts and masks
// are constants and the compiler unrolls.
template <typename T, int W>
void UnpackFixed(const uint8_t* in, int64_t in_bytes, T* out, int64_t n) {
  if (n <= 0) return;
  if constexpr (W == 0) {
    std::memset(out, 0, size_t(n) * sizeof(T));
  } else {
    constexpr uint64_t kMask = W == 64 ? ~uint64_t(0) : (uint64_t(1) << W) - 1;
    // Values whose 8-byte (or 16-byte for W > 56) window lies inside the input.
    constexpr int kWindow = W > 56 ? 16 : 8;
    int64_t safe = (in_bytes - kWindow) * 8 / W;
    if (safe < 0) safe = 0;
    if (safe > n) safe = n;
    int64_t i = 0;
    for (; i < safe; ++i) {
      const int64_t bit = i * W;
      const uint8_t* p = in + (bit >> 3);
      const int shift = int(bit & 7);
      uint64_t v = util::LoadU64(p) >> shift;
      if constexpr (W > 56) {
        if (shift + W > 64) v |= util::LoadU64(p + 8) << (64 - shift);
      }
      out[i] = T(v & kMask);
    }
    // Tail: rounds of at most 16 values through a zero-padded copy (16 values of
    // up to 64 bits are 128 bytes, plus room for the last 16-byte window).
    uint8_t tail[128 + 16];
    for (int64_t done = i; done < n;) {
      const int64_t count = n - done < 16 ? n - done : 16;
      const int64_t start_bit = done * W;
      const int64_t byte0 = start_bit >> 3;
      const int64_t need = ((start_bit + count * W + 7) >> 3) - byte0;
      const int64_t have = in_bytes - byte0;
      std::memset(tail, 0, sizeof tail);
      if (need > 0 && have > 0) std::memcpy(tail, in + byte0, size_t(need < have ? need : have));
      for (int64_t k = 0; k < count; ++k) {
        const int64_t bit = start_bit + k * W - byte0 * 8;
        const uint8_t* p = tail + (bit >> 3);
        const int shift = int(bit & 7);
        uint64_t v = util::LoadU64(p) >> shift;
        if constexpr (W > 56) {
          if (shift + W > 64) v |= util::LoadU64(p + 8) << (64 - shift);
        }
        out[done + k] = T(v & kMask);
      }
      done += count;
    }
  }
}

template <typename T, int... Ws>
void Dispatch(const uint8_t* in, int64_t in_bytes, T* out, int64_t n, int w,
              std::integer_sequence<int, Ws...>) {
  using Fn = void (*)(const uint8_t*, int64_t, T*, int64_t);
  static constexpr Fn kTable[] = {&UnpackFixed<T, Ws>...};
  kTable[w](in, in_bytes, out, n);
}

}  // namespace

void Unpack32(const uint8_t* in, int64_t in_bytes, uint32_t* out, int64_t n, int bit_width) {
  Dispatch<uint32_t>(in, in_bytes, out, n, bit_width, std::make_integer_sequence<int, 33>{});
}

void Unpack64(const uint8_t* in, int64_t in_bytes, uint64_t* out, int64_t n, int bit_width) {
  Dispatch<uint64_t>(in, in_bytes, out, n, bit_width, std::make_integer_sequence<int, 65>{});
}

void Pack64(const uint64_t* values, int64_t n, int bit_width, uint8_t* out) {
  if (PackedBytes(n, bit_width) == 0) return;
  std::memset(out, 0, size_t(PackedBytes(n, bit_width)));
  for (int64_t i = 0; i < n; ++i) {
    const uint64_t v = bit_width == 64 ? values[i] : values[i] & ((uint64_t(1) << bit_width) - 1);
    for (int b = 0; b < bit_width; ++b) {
      if ((v >> b) & 1) util::SetBit(out, i * bit_width + b);
    }
  }
}

}  // namespace quire::parquet
