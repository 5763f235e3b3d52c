/// \file quire/util/utf8.cc
#include "quire/util/utf8.h"

#include <array>

#include "quire/util/bit_util.h"

namespace quire::util {

namespace {

// A DFA over byte classes that accepts exactly the well-formed UTF-8 sequences
// of Unicode 15, Table 3-7 (no overlongs, no surrogates, nothing above U+10FFFF).
// Branch-free per byte, so mixed-script text does not stall on mispredictions.
enum State : uint8_t {
  kAccept = 0,
  kReject,
  kNeed1,       // one continuation byte 80..BF left
  kNeed2,       // two left
  kNeed3,       // three left
  kAfterE0,     // next A0..BF, then one more
  kAfterED,     // next 80..9F (no surrogates), then one more
  kAfterF0,     // next 90..BF, then two more
  kAfterF4,     // next 80..8F (<= U+10FFFF), then two more
  kNumStates
};

enum Class : uint8_t {
  kAscii,     // 00..7F
  kCont80,    // 80..8F
  kCont90,    // 90..9F
  kContA0,    // A0..BF
  kInvalid,   // C0, C1, F5..FF
  kLead2,     // C2..DF
  kLeadE0,    // E0
  kLead3,     // E1..EC, EE, EF
  kLeadED,    // ED
  kLeadF0,    // F0
  kLead4,     // F1..F3
  kLeadF4,    // F4
  kNumClasses
};

constexpr std::array<uint8_t, 256> MakeClasses() {
  std::array<uint8_t, 256> c{};
  for (int b = 0; b < 256; ++b) {
    Class k = kInvalid;
    if (b <= 0x7F) k = kAscii;
    else if (b <= 0x8F) k = kCont80;
    else if (b <= 0x9F) k = kCont90;
    else if (b <= 0xBF) k = kContA0;
    else if (b <= 0xC1) k = kInvalid;
    else if (b <= 0xDF) k = kLead2;
    else if (b == 0xE0) k = kLeadE0;
    else if (b == 0xED) k = kLeadED;
    else if (b <= 0xEF) k = kLead3;
    else if (b == 0xF0) k = kLeadF0;
    else if (b <= 0xF3) k = kLead4;
    else if (b == 0xF4) k = kLeadF4;
    c[size_t(b)] = k;
  }
  return c;
}

constexpr int kNumCells = int(kNumStates) * int(kNumClasses);

constexpr std::array<uint8_t, kNumCells> MakeTransitions() {
  std::array<uint8_t, kNumCells> t{};
  for (auto& x : t) x = kReject;
  auto set = [&](State s, Class c, State next) {
    t[size_t(int(s) * int(kNumClasses) + int(c))] = next;
  };
  set(kAccept, kAscii, kAccept);
  set(kAccept, kLead2, kNeed1);
  set(kAccept, kLeadE0, kAfterE0);
  set(kAccept, kLead3, kNeed2);
  set(kAccept, kLeadED, kAfterED);
  set(kAccept, kLeadF0, kAfterF0);
  set(kAccept, kLead4, kNeed3);
  set(kAccept, kLeadF4, kAfterF4);
  for (Class c : {kCont80, kCont90, kContA0}) {
    set(kNeed1, c, kAccept);
    set(kNeed2, c, kNeed1);
    set(kNeed3, c, kNeed2);
  }
  set(kAfterE0, kContA0, kNeed1);
  set(kAfterED, kCont80, kNeed1);
  set(kAfterED, kCont90, kNeed1);
  set(kAfterF0, kCont90, kNeed2);
  set(kAfterF0, kContA0, kNeed2);
  set(kAfterF4, kCont80, kNeed2);
  return t;
}

// Shift-based form of the DFA: a state is kept as 6 * state, and the row of a byte
// holds, in bits [6s, 6s + 6), the next state (times 6) from state s. One step is
// then a shift and a mask, which keeps the serial dependency between bytes short.
constexpr std::array<uint64_t, 256> MakeRows() {
  constexpr auto classes = MakeClasses();
  constexpr auto transitions = MakeTransitions();
  std::array<uint64_t, 256> rows{};
  for (int b = 0; b < 256; ++b) {
    uint64_t row = 0;
    for (int s = 0; s < kNumStates; ++s) {
      const uint64_t next = transitions[size_t(s * int(kNumClasses) + classes[size_t(b)])];
      row |= (next * 6) << (s * 6);
    }
    rows[size_t(b)] = row;
  }
  return rows;
}

constexpr std::array<uint64_t, 256> kRows = MakeRows();
constexpr uint64_t kAcceptShift = uint64_t(kAccept) * 6;
constexpr uint64_t kRejectShift = uint64_t(kReject) * 6;

inline uint64_t Step(uint64_t shift, uint8_t byte) { return (kRows[byte] >> shift) & 63; }

}  // namespace

bool IsValidUtf8(const uint8_t* data, int64_t size) {
  uint64_t state = kAcceptShift;
  int64_t i = 0;
  while (i + 16 <= size) {
    // ASCII fast path between characters: 16 bytes with no high bit.
    if (state == kAcceptShift &&
        ((LoadU64(data + i) | LoadU64(data + i + 8)) & 0x8080808080808080ULL) == 0) {
      i += 16;
      continue;
    }
    for (int k = 0; k < 16; ++k) state = Step(state, data[i + k]);
    if (state == kRejectShift) return false;
    i += 16;
  }
  for (; i < size; ++i) state = Step(state, data[i]);
  return state == kAcceptShift;
}

}  // namespace quire::util
