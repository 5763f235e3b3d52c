#pragma once

/// \file tests/columnar/release_counter.h
/// \brief Counts calls of the release callback of a root ArrowArray/ArrowSchema
/// (tests of the C Data and C Stream Interfaces).

#include "quire/columnar/c_data.h"

namespace quire::columnar::test {

// Wraps the release callback of a root struct to count calls; the wrapped callback
// restores and calls the original.

inline int g_array_releases = 0;
inline void (*g_original_array_release)(ArrowArray*) = nullptr;

inline void CountingArrayRelease(ArrowArray* array) {
  ++g_array_releases;
  array->release = g_original_array_release;
  array->release(array);
}

inline void CountReleases(ArrowArray* array) {
  g_array_releases = 0;
  g_original_array_release = array->release;
  array->release = &CountingArrayRelease;
}

inline int g_schema_releases = 0;
inline void (*g_original_schema_release)(ArrowSchema*) = nullptr;

inline void CountingSchemaRelease(ArrowSchema* schema) {
  ++g_schema_releases;
  schema->release = g_original_schema_release;
  schema->release(schema);
}

inline void CountReleases(ArrowSchema* schema) {
  g_schema_releases = 0;
  g_original_schema_release = schema->release;
  schema->release = &CountingSchemaRelease;
}

}  // namespace quire::columnar::test
