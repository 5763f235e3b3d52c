#pragma once

/// \file tests/parquet/corpus.h
/// \brief Access to the Parquet corpus copied under tests/data/parquet.

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "quire/io/random_access_file.h"
#include "quire/parquet/file_reader.h"
#include "quire/parquet/schema.h"

namespace quire::parquet::test {

namespace fs = std::filesystem;

/// \brief The corpus folder (tests/data/parquet of the source tree).
inline const fs::path& CorpusRoot() {
  static const fs::path kRoot = fs::path(QUIRE_SOURCE_DIR) / "tests/data/parquet";
  return kRoot;
}

/// \brief Read a whole file; empty if it cannot be read.
inline std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

/// \brief Every *.parquet and *.parquet.encrypted file of the corpus, sorted.
inline std::vector<fs::path> CorpusFiles() {
  std::vector<fs::path> files;
  if (!fs::is_directory(CorpusRoot())) return files;
  for (const auto& entry : fs::recursive_directory_iterator(CorpusRoot())) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".parquet") || name.ends_with(".parquet.encrypted")) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

/// \brief Whether a corpus file is one the round-trip tests read: not a bad_data
/// file, not encrypted, and not the 1 GiB strings of large_string_map (a listed gap).
inline bool ReadableCandidate(const fs::path& path) {
  const std::string p = path.string();
  return p.find("bad_data") == std::string::npos && !p.ends_with(".encrypted") &&
         p.find("large_string_map") == std::string::npos;
}

/// \brief A corpus file that quire reads as a whole table, with its reader.
struct ReadableFile {
  std::unique_ptr<FileReader> reader;
  columnar::TablePtr table;
};

/// \brief Open `path` and read it whole; nullopt for files quire cannot open or
/// rightly refuses (those are tested by the conformance and robustness tests).
inline std::optional<ReadableFile> ReadWhole(const fs::path& path) {
  auto file = io::OpenLocalFile(path.string());
  if (!file.ok()) return std::nullopt;
  auto reader = FileReader::Open(std::move(*file));
  if (!reader.ok()) return std::nullopt;
  auto table = (*reader)->ReadTable();
  if (!table.ok()) return std::nullopt;
  return ReadableFile{std::move(*reader), std::move(*table)};
}

/// \brief Whether a leaf under schema node `node` is annotated only with the legacy
/// TIMESTAMP_MILLIS/MICROS converted types (UTC-adjusted by the specification,
/// naive for DuckDB: the corpus README's second normalization).
inline bool HasLegacyTimestamp(const SchemaDescriptor& s, int node) {
  const SchemaNode& n = s.node(node);
  if (n.is_leaf()) {
    return !n.element->logical_type && n.element->converted_type &&
           (*n.element->converted_type == ConvertedType::kTimestampMillis ||
            *n.element->converted_type == ConvertedType::kTimestampMicros);
  }
  return std::any_of(n.children.begin(), n.children.end(),
                     [&](int c) { return HasLegacyTimestamp(s, c); });
}

}  // namespace quire::parquet::test
