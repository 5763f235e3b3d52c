/// \file quire/cli/inspect.cc
/// \brief `quire inspect FILE`: what a Parquet file holds and how it is laid out.

#include <cstdio>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "quire/cli/commands.h"
#include "quire/columnar/decimal.h"
#include "quire/columnar/json.h"
#include "quire/io/file_system.h"
#include "quire/io/random_access_file.h"
#include "quire/parquet/file_reader.h"
#include "quire/util/utf8.h"

namespace quire::cli {

namespace {

using namespace quire::parquet;  // NOLINT

std::string Hex(std::string_view bytes) {
  std::string out = "0x";
  for (unsigned char c : bytes) out += fmt::format("{:02x}", c);
  return out;
}

// A statistics value (plain-encoded bytes of the physical type) for humans.
std::string StatValue(const std::string& raw, const ColumnDescriptor& c) {
  auto load = [&](auto v) {
    if (raw.size() != sizeof(v)) return Hex(raw);
    std::memcpy(&v, raw.data(), sizeof(v));
    return fmt::format("{}", v);
  };
  const SchemaElement& e = *c.element;
  const bool decimal = (e.logical_type && e.logical_type->kind == LogicalType::Kind::kDecimal) ||
                       (!e.logical_type && e.converted_type == ConvertedType::kDecimal);
  switch (c.physical_type) {
    case Type::kBoolean: return raw.size() == 1 ? (raw[0] ? "true" : "false") : Hex(raw);
    case Type::kInt32: return load(int32_t());
    case Type::kInt64: return load(int64_t());
    case Type::kFloat: return load(float());
    case Type::kDouble: return load(double());
    case Type::kByteArray:
    case Type::kFixedLenByteArray:
      if (decimal && !raw.empty() && raw.size() <= 16) {
        // Big-endian two's complement, as in the data.
        uint8_t le[16];
        std::memset(le, (uint8_t(raw[0]) & 0x80) ? 0xFF : 0, 16);
        for (size_t k = 0; k < raw.size(); ++k) le[k] = uint8_t(raw[raw.size() - 1 - k]);
        const int32_t scale = e.logical_type ? e.logical_type->scale : e.scale.value_or(0);
        return columnar::DecimalToString(le, 16, scale);
      }
      if (c.physical_type == Type::kByteArray && util::IsValidUtf8(raw)) return raw;
      return Hex(raw);
    default: return Hex(raw);
  }
}

std::string ParquetTypeOf(const SchemaElement& e) {
  std::string out;
  if (e.type) {
    out = ToString(*e.type);
    for (auto& ch : out) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    if (*e.type == Type::kFixedLenByteArray) out = fmt::format("fixed_len_byte_array({})", e.type_length.value_or(0));
  } else {
    out = "group";
  }
  return out;
}

std::string Annotation(const SchemaElement& e) {
  if (e.logical_type) return " (" + ToString(*e.logical_type) + ")";
  if (e.converted_type) return " (" + ToString(*e.converted_type) + ")";
  return "";
}

void PrintSchemaNode(const SchemaDescriptor& s, int node, int depth, std::string* out) {
  const SchemaNode& n = s.node(node);
  const std::string indent(size_t(depth) * 2, ' ');
  if (node == 0) {
    *out += fmt::format("{}message {} {{\n", indent, n.name());
  } else {
    std::string rep = ToString(n.repetition);
    for (auto& ch : rep) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    *out += fmt::format("{}{} {} {}{}{}\n", indent, rep, ParquetTypeOf(*n.element), n.name(),
                        Annotation(*n.element), n.is_leaf() ? ";" : " {");
  }
  for (int c : n.children) PrintSchemaNode(s, c, depth + 1, out);
  if (!n.is_leaf()) *out += indent + "}\n";
}

std::string Encodings(const ColumnMetaData& m) {
  std::string out;
  for (auto e : m.encodings) {
    if (!out.empty()) out.push_back(',');
    out += ToString(e);
  }
  return out;
}

void AppendJsonField(std::string_view key, std::string_view value, std::string* out,
                     bool comma = true) {
  if (comma) out->push_back(',');
  columnar::AppendJsonString(key, out);
  out->push_back(':');
  columnar::AppendJsonString(value, out);
}

void AppendJsonNumber(std::string_view key, int64_t value, std::string* out, bool comma = true) {
  if (comma) out->push_back(',');
  columnar::AppendJsonString(key, out);
  *out += fmt::format(":{}", value);
}

// The bitset size of a column chunk's bloom filter, read from the file; nullopt when
// the chunk has none or it cannot be read (inspect describes, it does not validate).
std::optional<int64_t> BloomFilterBytes(const FileReader& reader, const ColumnMetaData& m) {
  auto bloom = ReadBloomFilter(reader.file(), m);
  if (!bloom.ok() || !*bloom) return std::nullopt;
  return (*bloom)->num_bytes();
}

// One page of a column chunk as its header describes it.
struct PageInfo {
  int64_t offset = 0;
  std::string kind;  // DICTIONARY, DATA_V1, DATA_V2, or the page type
  std::string encoding;
  int64_t num_values = 0, num_nulls = -1, num_rows = -1;
  int64_t uncompressed = 0, compressed = 0;
  bool crc = false, compressed_values = true;
};

// The pages of a chunk, from its first page header on. An unreadable header ends
// the list and is returned as `error` (inspect describes, it does not validate).
std::vector<PageInfo> Pages(const FileReader& reader, const ColumnMetaData& m, int64_t file_size,
                            std::string* error) {
  std::vector<PageInfo> pages;
  int64_t start = m.data_page_offset;
  if (m.dictionary_page_offset && *m.dictionary_page_offset > 0 &&
      *m.dictionary_page_offset < start) {
    start = *m.dictionary_page_offset;
  }
  if (start < 0 || m.total_compressed_size < 0 || m.total_compressed_size > file_size - start) {
    *error = "the chunk lies outside the file";
    return pages;
  }
  auto chunk = reader.file().ReadAt(start, m.total_compressed_size);
  if (!chunk.ok()) {
    *error = chunk.status().ToString();
    return pages;
  }
  const std::span<const uint8_t> bytes((*chunk)->data(), size_t((*chunk)->size()));
  int64_t pos = 0;
  int64_t values = 0;
  while (pos < int64_t(bytes.size()) && values < m.num_values) {
    int64_t header_length = 0;
    auto header = ParsePageHeader(bytes.subspan(size_t(pos)), &header_length);
    if (!header.ok()) {
      *error = fmt::format("page at offset {}: {}", start + pos, header.status().ToString());
      break;
    }
    const PageHeader& h = *header;
    PageInfo p{.offset = start + pos,
               .uncompressed = h.uncompressed_page_size,
               .compressed = h.compressed_page_size,
               .crc = h.crc.has_value()};
    if (h.dictionary_page_header) {
      p.kind = "DICTIONARY";
      p.encoding = ToString(h.dictionary_page_header->encoding);
      p.num_values = h.dictionary_page_header->num_values;
    } else if (h.data_page_header) {
      p.kind = "DATA_V1";
      p.encoding = ToString(h.data_page_header->encoding);
      p.num_values = h.data_page_header->num_values;
      values += p.num_values;
    } else if (h.data_page_header_v2) {
      const auto& d = *h.data_page_header_v2;
      p.kind = "DATA_V2";
      p.encoding = ToString(d.encoding);
      p.num_values = d.num_values;
      p.num_nulls = d.num_nulls;
      p.num_rows = d.num_rows;
      p.compressed_values = d.is_compressed.value_or(true);
      values += p.num_values;
    } else {
      p.kind = ToString(h.type);
    }
    pages.push_back(std::move(p));
    pos += header_length + h.compressed_page_size;
  }
  return pages;
}

std::string PagesText(const FileReader& reader, const ColumnMetaData& m, int64_t file_size) {
  std::string error;
  std::string out;
  const auto pages = Pages(reader, m, file_size, &error);
  for (size_t i = 0; i < pages.size(); ++i) {
    const PageInfo& p = pages[i];
    out += fmt::format("    page {} at {}: {}", i, p.offset, p.kind);
    if (!p.encoding.empty()) out += fmt::format(" {} {} values", p.encoding, p.num_values);
    if (p.num_nulls >= 0) out += fmt::format(", {} nulls, {} rows", p.num_nulls, p.num_rows);
    out += fmt::format(", {} -> {} bytes{}{}\n", p.uncompressed, p.compressed,
                       p.compressed_values ? "" : ", values not compressed", p.crc ? ", crc" : "");
  }
  if (!error.empty()) out += fmt::format("    unreadable: {}\n", error);
  return out;
}

void AppendPagesJson(const FileReader& reader, const ColumnMetaData& m, int64_t file_size,
                     std::string* out) {
  std::string error;
  const auto pages = Pages(reader, m, file_size, &error);
  *out += ",\"pages\":[";
  for (size_t i = 0; i < pages.size(); ++i) {
    const PageInfo& p = pages[i];
    *out += i ? ",{" : "{";
    AppendJsonNumber("offset", p.offset, out, false);
    AppendJsonField("kind", p.kind, out);
    if (!p.encoding.empty()) {
      AppendJsonField("encoding", p.encoding, out);
      AppendJsonNumber("num_values", p.num_values, out);
    }
    if (p.num_nulls >= 0) {
      AppendJsonNumber("num_nulls", p.num_nulls, out);
      AppendJsonNumber("num_rows", p.num_rows, out);
    }
    AppendJsonNumber("uncompressed_size", p.uncompressed, out);
    AppendJsonNumber("compressed_size", p.compressed, out);
    *out += fmt::format(",\"crc\":{}}}", p.crc ? "true" : "false");
  }
  *out += "]";
  if (!error.empty()) AppendJsonField("pages_error", error, out);
}

Status Inspect(const InspectOptions& o) {
  QUIRE_ASSIGN_OR_RETURN(auto file, io::OpenReadUrl(o.path));
  QUIRE_ASSIGN_OR_RETURN(int64_t size, file->Size());
  QUIRE_ASSIGN_OR_RETURN(auto reader, FileReader::Open(std::move(file)));
  const FileMetaData& m = reader->metadata();
  const SchemaDescriptor& s = reader->schema_descriptor();
  std::string parquet_schema;
  PrintSchemaNode(s, 0, 0, &parquet_schema);
  if (o.format == "json") {
    std::string out = "{";
    AppendJsonField("file", o.path, &out, false);
    AppendJsonNumber("size", size, &out);
    AppendJsonNumber("num_rows", reader->num_rows(), &out);
    AppendJsonNumber("version", m.version, &out);
    AppendJsonField("created_by", m.created_by.value_or(""), &out);
    AppendJsonField("parquet_schema", parquet_schema, &out);
    AppendJsonField("arrow_schema", reader->schema()->ToString(), &out);
    out += ",\"key_value_metadata\":{";
    bool first = true;
    for (const auto& kv : m.key_value_metadata.value_or(std::vector<KeyValue>{})) {
      AppendJsonField(kv.key, kv.value.value_or(""), &out, !first);
      first = false;
    }
    out += "},\"row_groups\":[";
    for (size_t g = 0; g < m.row_groups.size(); ++g) {
      const RowGroup& rg = m.row_groups[g];
      out += g ? ",{" : "{";
      AppendJsonNumber("num_rows", rg.num_rows, &out, false);
      AppendJsonNumber("total_byte_size", rg.total_byte_size, &out);
      out += ",\"columns\":[";
      for (size_t c = 0; c < rg.columns.size(); ++c) {
        const ColumnChunk& ch = rg.columns[c];
        out += c ? ",{" : "{";
        AppendJsonField("path", s.column(int(c)).dotted_path(), &out, false);
        if (ch.meta_data) {
          const ColumnMetaData& cm = *ch.meta_data;
          AppendJsonField("type", ToString(cm.type), &out);
          AppendJsonField("codec", ToString(cm.codec), &out);
          AppendJsonField("encodings", Encodings(cm), &out);
          AppendJsonNumber("num_values", cm.num_values, &out);
          AppendJsonNumber("compressed_size", cm.total_compressed_size, &out);
          AppendJsonNumber("uncompressed_size", cm.total_uncompressed_size, &out);
          if (cm.statistics) {
            const Statistics& st = *cm.statistics;
            if (st.null_count) AppendJsonNumber("null_count", *st.null_count, &out);
            const auto& min = st.min_value ? st.min_value : st.min;
            const auto& max = st.max_value ? st.max_value : st.max;
            if (min) AppendJsonField("min", StatValue(*min, s.column(int(c))), &out);
            if (max) AppendJsonField("max", StatValue(*max, s.column(int(c))), &out);
          }
          out += fmt::format(",\"bloom_filter\":{}", cm.bloom_filter_offset ? "true" : "false");
          if (auto bytes = BloomFilterBytes(*reader, cm)) {
            AppendJsonNumber("bloom_filter_bytes", *bytes, &out);
          }
          if (o.pages) AppendPagesJson(*reader, cm, size, &out);
        }
        out += fmt::format(",\"column_index\":{},\"offset_index\":{}}}",
                           ch.column_index_offset ? "true" : "false",
                           ch.offset_index_offset ? "true" : "false");
      }
      out += "]}";
    }
    out += "]}\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
    return Status::OK();
  }
  fmt::print("file:       {} ({} bytes)\n", o.path, size);
  fmt::print("created_by: {}\n", m.created_by.value_or("(not recorded)"));
  fmt::print("rows:       {} in {} row group{}, {} leaf column{}, format version {}\n",
             reader->num_rows(), m.row_groups.size(), m.row_groups.size() == 1 ? "" : "s",
             s.num_columns(), s.num_columns() == 1 ? "" : "s", m.version);
  if (m.key_value_metadata && !m.key_value_metadata->empty()) {
    fmt::print("\nkey-value metadata:\n");
    for (const auto& kv : *m.key_value_metadata) {
      std::string v = kv.value.value_or("");
      if (v.size() > 120) v = v.substr(0, 117) + "...";
      fmt::print("  {} = {}\n", kv.key, v);
    }
  }
  fmt::print("\nParquet schema:\n{}", parquet_schema);
  fmt::print("\nArrow schema:\n");
  for (const auto& f : reader->schema()->fields()) fmt::print("  {}\n", f->ToString());
  for (size_t g = 0; g < m.row_groups.size(); ++g) {
    const RowGroup& rg = m.row_groups[g];
    fmt::print("\nrow group {}: {} rows, {} bytes uncompressed\n", g, rg.num_rows,
               rg.total_byte_size);
    for (size_t c = 0; c < rg.columns.size(); ++c) {
      const ColumnChunk& ch = rg.columns[c];
      const ColumnDescriptor& cd = s.column(int(c));
      if (!ch.meta_data) {
        fmt::print("  {}: no metadata{}\n", cd.dotted_path(),
                   ch.crypto_metadata ? " (encrypted)" : "");
        continue;
      }
      const ColumnMetaData& cm = *ch.meta_data;
      std::string stats;
      if (cm.statistics) {
        const Statistics& st = *cm.statistics;
        const auto& min = st.min_value ? st.min_value : st.min;
        const auto& max = st.max_value ? st.max_value : st.max;
        if (min && max) stats += fmt::format(" min={} max={}", StatValue(*min, cd), StatValue(*max, cd));
        if (st.null_count) stats += fmt::format(" nulls={}", *st.null_count);
      }
      std::string bloom;
      if (cm.bloom_filter_offset) {
        const auto bytes = BloomFilterBytes(*reader, cm);
        bloom = bytes ? fmt::format(", bloom filter ({} bytes)", *bytes)
                      : std::string(", bloom filter (unreadable)");
      }
      fmt::print("  {}: {} {} [{}] {} values, {} -> {} bytes{}{}{}\n", cd.dotted_path(),
                 ToString(cm.type), ToString(cm.codec), Encodings(cm), cm.num_values,
                 cm.total_uncompressed_size, cm.total_compressed_size, stats,
                 ch.column_index_offset || ch.offset_index_offset ? ", page index" : "", bloom);
      if (o.pages) fmt::print("{}", PagesText(*reader, cm, size));
    }
  }
  return Status::OK();
}

}  // namespace

int RunInspect(const InspectOptions& options) {
  Status st = Inspect(options);
  if (!st.ok()) {
    fmt::print(stderr, "quire inspect: {}\n", st.ToString());
    return ExitCodeFor(st);
  }
  return kExitOk;
}

}  // namespace quire::cli
