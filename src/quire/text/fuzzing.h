#pragma once

/// \file quire/text/fuzzing.h
/// \brief Fuzz entry point of the text layer (called by fuzz/ and replayed by tests).

#include <cstdint>
#include <span>

#include "quire/util/status.h"
#include "quire/util/visibility.h"

namespace quire::text {

/// \brief Read arbitrary bytes as CSV or JSON Lines, then write what was read
/// and read it back with the schema that was inferred.
///
/// Input format: byte 0 picks the options: bit 0 JSON Lines (else CSV), bit 1 a
/// rejects stream, bit 2 no header (CSV), bit 3 two threads, bits 4-7 the block
/// size (1 << (bits / 2), 1 to 128 bytes) and infer_rows (1 + bits); the rest
/// is the input.
///
/// The contract under test: no input crashes, hangs or reads out of bounds; the
/// readers end with batches that pass ValidateFull() and then either the end of
/// the stream or kCorrupt (kInvalidArgument for a CSV header the options
/// refuse); with a rejects stream the reads never fail. What was read, written
/// by CsvWriter or JsonlWriter and read again with its schema, gives the same
/// values.
/// \return the first read error (the input was rejected), OK otherwise;
/// kInternal for a broken contract (a bug).
QUIRE_EXPORT Status FuzzTextReaders(std::span<const uint8_t> data);

}  // namespace quire::text
