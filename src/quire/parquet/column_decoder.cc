/// \file quire/parquet/column_decoder.cc
#include "quire/parquet/column_decoder.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "quire/columnar/builder.h"
#include "quire/parquet/value_decoder.h"
#include "quire/util/macros.h"

namespace quire::parquet {

using columnar::TypeId;
using namespace internal;  // NOLINT: the page-value pieces this file builds on

namespace {

// Decode the rows `pieces` (relative to the page, `count` of them) of a data page of
// `n` entries of a column without repetition, appending their levels to `out` and
// their values to `b`. Dictionary-encoded pages gather only the selected values;
// other pages are decoded whole and the selected values copied.
Status DecodeSelectedRows(const Page& page, const ColumnDescriptor& c, int64_t n,
                          const RowRanges& pieces, int64_t count, Dictionary& dict,
                          const columnar::TypePtr& value_type,
                          columnar::MemoryPool* pool, util::ScratchVector<uint32_t>* index_scratch,
                          util::ScratchVector<int16_t>* level_scratch, Physical* physical,
                          columnar::ArrayBuilder* b, ColumnChunkData* out) {
  int64_t present = n;
  // Levels matter only when some entry is null.
  const int16_t max_def =
      AllLevelsAt(page.def_levels, page.level_encoding, c.max_def_level, n) ? 0 : c.max_def_level;
  if (max_def > 0) {
    level_scratch->resize(size_t(n));
    QUIRE_RETURN_NOT_OK(DecodeLevels(page.def_levels, page.level_encoding, max_def, n,
                                     level_scratch->data(), "definition"));
    present = std::count(level_scratch->begin(), level_scratch->end(), max_def);
  }
  // The selected entries' levels, and the runs of their values (value indices
  // within the page count only present entries).
  std::vector<std::pair<int64_t, int64_t>> value_runs;
  bool nulls = false;
  {
    const int16_t* levels = max_def > 0 ? level_scratch->data() : nullptr;
    int64_t value = 0, entry = 0;
    for (const auto& piece : pieces) {
      if (levels == nullptr) {
        value = piece.begin;
        value_runs.emplace_back(value, value + piece.size());
        continue;
      }
      for (; entry < piece.begin; ++entry) value += levels[entry] == max_def;
      for (; entry < piece.end; ++entry) {
        if (levels[entry] == max_def) {
          if (!value_runs.empty() && value_runs.back().second == value) {
            ++value_runs.back().second;
          } else {
            value_runs.emplace_back(value, value + 1);
          }
          ++value;
        } else {
          nulls = true;
        }
      }
    }
  }
  const size_t base = size_t(out->num_entries);
  if (c.max_def_level > 0 && (nulls || !out->def_levels.empty())) {
    if (out->def_levels.empty()) out->def_levels.assign(base, c.max_def_level);
    for (const auto& piece : pieces) {
      if (max_def == 0) {  // all present
        out->def_levels.insert(out->def_levels.end(), size_t(piece.size()), c.max_def_level);
      } else {
        out->def_levels.insert(out->def_levels.end(), level_scratch->begin() + piece.begin,
                               level_scratch->begin() + piece.end);
      }
    }
  }
  out->num_entries += count;
  QUIRE_ASSIGN_OR_RETURN(auto decoder, ValueDecoder::Make(page, c, dict, index_scratch));
  const auto t = value_type->id();
  using columnar::TypeId;
  const Type phys = c.physical_type;
  // Arrow types that keep the physical bytes, and decimals widened from integers.
  const bool same_width = KeepsPhysicalBytes(phys, t);
  const bool int_decimal =
      (phys == Type::kInt32 || phys == Type::kInt64) && t == TypeId::kDecimal128;
  const bool gather_fixed = decoder.dictionary_encoded() && decoder.decodes_fixed() && same_width;
  const bool gather_decimal =
      decoder.dictionary_encoded() && decoder.decodes_fixed() && int_decimal;
  const bool gather_binary = decoder.dictionary_encoded() && phys == Type::kByteArray &&
                             (t == TypeId::kString || t == TypeId::kBinary);
  if (gather_fixed || gather_decimal || gather_binary) {
    // Only the chosen indices are unpacked.
    int64_t k = 0;
    for (const auto& [vb, ve] : value_runs) k += ve - vb;
    util::ScratchVector<uint32_t> chosen(static_cast<size_t>(k));
    QUIRE_RETURN_NOT_OK(decoder.DecodeIndicesAt(value_runs, k, chosen.data()));
    if (gather_binary) {
      auto* bb = static_cast<columnar::BinaryBuilder*>(b);
      const int64_t data_start = bb->value_data_length();
      QUIRE_RETURN_NOT_OK(AppendDictionaryStrings(dict, chosen.data(), k, bb));
      if (t == TypeId::kString && !dict.utf8) return CheckUtf8(*bb, data_start, k);
      return Status::OK();
    }
    if (gather_decimal) {
      auto& db = static_cast<columnar::FixedSizeBinaryBuilder&>(*b);
      WidenDictionary(dict, phys);
      QUIRE_ASSIGN_OR_RETURN(uint8_t* dst, db.AppendUninitialized(k));
      GatherFixed<16>(dict.widened.data(), chosen.data(), k, dst);
      return Status::OK();
    }
    QUIRE_ASSIGN_OR_RETURN(uint8_t* dst, AppendFixedUninitialized(b, k));
    if (PhysicalWidth(c) == 4) {
      GatherFixed<4>(dict.values.fixed.data(), chosen.data(), k, dst);
    } else {
      GatherFixed<8>(dict.values.fixed.data(), chosen.data(), k, dst);
    }
    return Status::OK();
  }
  if (decoder.decodes_fixed() && (same_width || int_decimal)) {
    // Fixed-width values of a non-dictionary page: decode the page's physical
    // values, then copy (or widen, for decimals) only the chosen ones.
    const int w = PhysicalWidth(c);
    // PLAIN values are read in place; other encodings decoded whole first.
    QUIRE_ASSIGN_OR_RETURN(const uint8_t* src, decoder.PlainFixedView(present));
    if (src == nullptr) {
      physical->Clear();
      physical->fixed.resize(size_t(present) * size_t(w));
      QUIRE_RETURN_NOT_OK(decoder.DecodeFixed(present, physical->fixed.data()));
      src = physical->fixed.data();
    }
    int64_t chosen_values = 0;
    for (const auto& [vb, ve] : value_runs) chosen_values += ve - vb;
    QUIRE_ASSIGN_OR_RETURN(uint8_t* dst, AppendFixedUninitialized(b, chosen_values));
    if (int_decimal) {
      for (const auto& [vb, ve] : value_runs) {
        for (int64_t i = vb; i < ve; ++i, dst += 16) WidenToDecimal128(src, phys, i, dst);
      }
      return Status::OK();
    }
    for (const auto& [vb, ve] : value_runs) {
      std::memcpy(dst, src + vb * w, size_t((ve - vb) * w));
      dst += (ve - vb) * w;
    }
    return Status::OK();
  }
  if (page.encoding == Encoding::kPlain && phys == Type::kByteArray &&
      (t == TypeId::kString || t == TypeId::kBinary)) {
    // PLAIN byte arrays: step over the values before each chosen one by their
    // length prefixes; only the chosen ones are copied (and checked as UTF-8).
    auto* bb = static_cast<columnar::BinaryBuilder*>(b);
    const int64_t data_start = bb->value_data_length();
    const uint8_t* p = page.values.data();
    const uint8_t* const end = p + page.values.size();
    int64_t at = 0;  // index of the value p points to
    int64_t chosen_values = 0;
    for (const auto& [vb, ve] : value_runs) {
      for (; at < ve; ++at) {
        uint32_t length = 0;
        if (end - p < 4) return Status::Corrupt("PLAIN byte array {} runs past its page", at);
        std::memcpy(&length, p, 4);
        p += 4;
        if (uint64_t(end - p) < length) {
          return Status::Corrupt("PLAIN byte array {} of {} bytes runs past its page", at,
                                 length);
        }
        if (at >= vb) {
          QUIRE_RETURN_NOT_OK(
              bb->Append(std::string_view(reinterpret_cast<const char*>(p), length)));
          ++chosen_values;
        }
        p += length;
      }
    }
    if (t == TypeId::kString) return CheckUtf8(*bb, data_start, chosen_values);
    return Status::OK();
  }
  // Other pages: decode whole into a scratch builder, then copy the chosen values.
  QUIRE_ASSIGN_OR_RETURN(auto scratch, columnar::MakeBuilder(value_type, pool));
  QUIRE_ASSIGN_OR_RETURN(bool direct, DecodeDirect(decoder, present, c, dict, physical,
                                                   scratch.get()));
  if (!direct) {
    physical->Clear();
    QUIRE_RETURN_NOT_OK(decoder.Decode(present, physical));
    QUIRE_RETURN_NOT_OK(AppendPhysical(*physical, c, scratch.get()));
  }
  QUIRE_ASSIGN_OR_RETURN(auto values, scratch->Finish());
  for (const auto& [vb, ve] : value_runs) {
    QUIRE_RETURN_NOT_OK(b->AppendArraySlice(*values, vb, ve - vb));
  }
  return Status::OK();
}

}  // namespace

Result<ColumnChunkData> DecodeColumnChunk(PageReader& pages, const ColumnDescriptor& c,
                                          const columnar::TypePtr& type,
                                          columnar::MemoryPool* pool, int64_t max_entries,
                                          const RowRanges* select) {
  ColumnChunkData out;
  // Dictionary output: indices into the dictionary page's values, plus the values
  // of fallback pages appended after them.
  const bool as_dictionary = type->id() == columnar::TypeId::kDictionary;
  const columnar::TypePtr& value_type = as_dictionary ? type->dictionary_value_type() : type;
  columnar::Int32Builder indices(columnar::int32(), pool);
  std::unique_ptr<columnar::ArrayBuilder> extra;  // values of fallback pages
  util::ScratchVector<uint32_t> raw_indices;
  QUIRE_ASSIGN_OR_RETURN(auto builder, columnar::MakeBuilder(value_type, pool));
  // Grow once: the chunk's entries (or the selected rows) bound its values.
  if (pages.expected_values() > 0) {
    int64_t bound = std::min(pages.expected_values(), max_entries);
    if (select != nullptr && c.max_rep_level == 0) {
      int64_t rows = 0;
      for (const auto& r : *select) rows += r.size();
      bound = std::min(bound, rows);
    }
    QUIRE_RETURN_NOT_OK(builder->Reserve(bound));
  }
  Dictionary dict;
  bool dict_values_built = false;
  Physical physical;
  util::ScratchVector<uint32_t> index_scratch;
  util::ScratchVector<int16_t> level_scratch;
  physical.width = PhysicalWidth(c);
  // Row selection: only for columns without repetition (an entry is a row), and
  // not for dictionary output (whose indices are kept as stored).
  const bool selective = select != nullptr && c.max_rep_level == 0 && !as_dictionary;
  size_t cursor = 0;          // first range of *select not before the current page
  int64_t rows_seen = 0;      // rows of the pages read so far
  RowRanges pieces;           // the data page's selected rows, relative to the page
  int64_t count = 0;          // how many rows those are
  dict.values.width = physical.width;
  if (selective) {
    // Before each data page is decompressed, its selected rows [page_row, page_row
    // + n) are found (a column without repetition: one entry a row); pages holding
    // none are not even decompressed.
    pages.set_page_filter([&](int64_t n) {
      const int64_t page_row = rows_seen;
      rows_seen += n;
      pieces.clear();
      count = 0;
      while (cursor < select->size() && (*select)[cursor].end <= page_row) ++cursor;
      for (size_t k = cursor; k < select->size() && (*select)[k].begin < page_row + n; ++k) {
        const int64_t b = std::max((*select)[k].begin, page_row) - page_row;
        const int64_t e = std::min((*select)[k].end, page_row + n) - page_row;
        pieces.push_back({b, e});
        count += e - b;
      }
      return count > 0;
    });
  }
  // The filter refers to this frame: the reader drops it when decoding ends.
  struct DropFilter {
    PageReader& pages;
    ~DropFilter() { pages.set_page_filter(nullptr); }
  } drop_filter{pages};
  while (true) {
    QUIRE_ASSIGN_OR_RETURN(auto page, pages.Next());
    if (!page) break;
    const std::string where = fmt::format("column '{}'", c.dotted_path());
    if (page->type == PageType::kDictionaryPage) {
      QUIRE_RETURN_NOT_OK(ReadDictionaryPage(*page, c, &dict));
      continue;
    }
    const int64_t n = page->num_values;
    if (n > max_entries - out.num_entries) {
      return Status::ResourceExhausted("{}: more than {} level entries in one column chunk",
                                       where, max_entries);
    }
    if (selective) {
      // The page filter found this page's selected rows (`pieces`, `count`).
      if (page->skipped) continue;  // none: not decoded at all
      if (count < n) {
        QUIRE_RETURN_NOT_OK(DecodeSelectedRows(*page, c, n, pieces, count, dict, value_type,
                                               pool, &index_scratch, &level_scratch, &physical,
                                               builder.get(), &out)
                                .WithContext(where));
        continue;
      }
    }
    const size_t base = size_t(out.num_entries);
    if (c.max_rep_level > 0) {
      out.rep_levels.resize(base + size_t(n));
      QUIRE_RETURN_NOT_OK(DecodeLevels(page->rep_levels, page->level_encoding, c.max_rep_level,
                                       n, out.rep_levels.data() + base, "repetition")
                              .WithContext(where));
    }
    int64_t present = n;
    if (c.max_def_level > 0 &&
        AllLevelsAt(page->def_levels, page->level_encoding, c.max_def_level, n)) {
      // No nulls in this page: levels are needed only if earlier pages had some
      // (or the column repeats).
      if (!out.def_levels.empty() || c.max_rep_level > 0) {
        if (out.def_levels.empty()) out.def_levels.assign(base, c.max_def_level);
        out.def_levels.insert(out.def_levels.end(), size_t(n), c.max_def_level);
      }
    } else if (c.max_def_level > 0) {
      // Decode into scratch; keep the levels only once some entry is below the
      // maximum (columns without nulls then carry no levels at all).
      level_scratch.resize(size_t(n));
      QUIRE_RETURN_NOT_OK(DecodeLevels(page->def_levels, page->level_encoding, c.max_def_level,
                                       n, level_scratch.data(), "definition")
                              .WithContext(where));
      present = std::count(level_scratch.begin(), level_scratch.end(), c.max_def_level);
      if (present != n || !out.def_levels.empty() || c.max_rep_level > 0) {
        if (out.def_levels.empty()) out.def_levels.assign(base, c.max_def_level);
        out.def_levels.insert(out.def_levels.end(), level_scratch.begin(), level_scratch.end());
      }
    }
    out.num_entries += n;
    physical.Clear();
    auto decoder = ValueDecoder::Make(*page, c, dict, &index_scratch);
    if (!decoder.ok()) return decoder.status().WithContext(where);
    if (as_dictionary) {
      if (!dict_values_built && dict.present) {
        // The dictionary page's values become the first dictionary entries.
        QUIRE_RETURN_NOT_OK(AppendPhysical(dict.values, c, builder.get()).WithContext(where));
        dict_values_built = true;
      }
      if (decoder->dictionary_encoded()) {
        raw_indices.resize(size_t(present));
        QUIRE_RETURN_NOT_OK(decoder->DecodeIndices(present, raw_indices.data()).WithContext(where));
        QUIRE_RETURN_NOT_OK(indices.AppendValues(
            reinterpret_cast<const int32_t*>(raw_indices.data()), present));
      } else {
        QUIRE_RETURN_NOT_OK(decoder->Decode(present, &physical).WithContext(where));
        if (!extra) {
          QUIRE_ASSIGN_OR_RETURN(extra, columnar::MakeBuilder(value_type, pool));
        }
        const int64_t base_index = dict.values.size() + extra->length();
        if (base_index + present > std::numeric_limits<int32_t>::max()) {
          return Status::ResourceExhausted("{}: dictionary of more than 2^31 values", where);
        }
        QUIRE_RETURN_NOT_OK(AppendPhysical(physical, c, extra.get()).WithContext(where));
        QUIRE_RETURN_NOT_OK(indices.Reserve(present));
        for (int64_t k = 0; k < present; ++k) indices.UnsafeAppend(int32_t(base_index + k));
      }
      continue;
    }
    auto direct = DecodeDirect(*decoder, present, c, dict, &physical, builder.get());
    if (!direct.ok()) return direct.status().WithContext(where);
    if (*direct) continue;
    QUIRE_RETURN_NOT_OK(decoder->Decode(present, &physical).WithContext(where));
    QUIRE_RETURN_NOT_OK(AppendPhysical(physical, c, builder.get()).WithContext(where));
  }
  if (c.max_rep_level > 0 && out.num_entries > 0 && out.rep_levels[0] != 0) {
    return Status::Corrupt("column '{}': the first repetition level is {}, not 0 (a column "
                           "chunk starts a new record)", c.dotted_path(), out.rep_levels[0]);
  }
  if (as_dictionary) {
    if (!dict_values_built && dict.present) {
      QUIRE_RETURN_NOT_OK(AppendPhysical(dict.values, c, builder.get()));
    }
    QUIRE_ASSIGN_OR_RETURN(auto dictionary, builder->Finish());
    if (extra) {
      QUIRE_ASSIGN_OR_RETURN(auto more, extra->Finish());
      QUIRE_ASSIGN_OR_RETURN(dictionary, columnar::Concatenate({dictionary, more}, pool));
    }
    QUIRE_ASSIGN_OR_RETURN(auto index_array, indices.Finish());
    out.values = columnar::Array::Make(type, index_array->length(), index_array->buffers(), {},
                                       std::move(dictionary), 0);
    return out;
  }
  QUIRE_ASSIGN_OR_RETURN(out.values, builder->Finish());
  return out;
}

// ---------------------------------------------------------------------------
// ColumnChunkStream

struct ColumnChunkStream::State {
  std::unique_ptr<PageReader> pages;
  const ColumnDescriptor& c;
  columnar::TypePtr type;
  columnar::MemoryPool* pool;
  int64_t max_entries;
  int64_t entries_read = 0;  // entries of the pages opened so far
  Dictionary dict;
  Physical physical;
  util::ScratchVector<uint32_t> index_scratch;
  bool finished = false;  // no page left
  bool first_entry = true;
  // The open data page: its levels decoded whole (bounded by the page), values
  // decoded as batches take them.
  std::optional<Page> page;
  std::optional<ValueDecoder> decoder;
  util::ScratchVector<int16_t> def;  // empty: every entry at the maximum
  util::ScratchVector<int16_t> rep;
  int64_t page_entries = 0;
  int64_t cursor = 0;  // entries of the page consumed

  State(std::unique_ptr<PageReader> p, const ColumnDescriptor& column, columnar::TypePtr t,
        columnar::MemoryPool* m, int64_t limit)
      : pages(std::move(p)), c(column), type(std::move(t)), pool(m), max_entries(limit) {
    physical.width = PhysicalWidth(c);
    dict.values.width = physical.width;
    finished = pages == nullptr;  // an empty chunk
  }

  std::string where() const { return fmt::format("column '{}'", c.dotted_path()); }

  // Open the next data page (reading a dictionary page on the way); false at the end.
  Result<bool> OpenPage() {
    decoder.reset();
    page.reset();
    while (true) {
      QUIRE_ASSIGN_OR_RETURN(auto next, pages->Next());
      if (!next) {
        finished = true;
        return false;
      }
      if (next->type == PageType::kDictionaryPage) {
        QUIRE_RETURN_NOT_OK(ReadDictionaryPage(*next, c, &dict));
        continue;
      }
      const int64_t n = next->num_values;
      if (n > max_entries - entries_read) {
        return Status::ResourceExhausted("{}: more than {} level entries in one column chunk",
                                         where(), max_entries);
      }
      entries_read += n;
      page = std::move(*next);
      page_entries = n;
      cursor = 0;
      rep.clear();
      def.clear();
      if (c.max_rep_level > 0) {
        rep.resize(size_t(n));
        QUIRE_RETURN_NOT_OK(DecodeLevels(page->rep_levels, page->level_encoding,
                                         c.max_rep_level, n, rep.data(), "repetition")
                                .WithContext(where()));
      }
      if (c.max_def_level > 0 &&
          !AllLevelsAt(page->def_levels, page->level_encoding, c.max_def_level, n)) {
        def.resize(size_t(n));
        QUIRE_RETURN_NOT_OK(DecodeLevels(page->def_levels, page->level_encoding,
                                         c.max_def_level, n, def.data(), "definition")
                                .WithContext(where()));
      }
      auto d = ValueDecoder::Make(*page, c, dict, &index_scratch);
      if (!d.ok()) return d.status().WithContext(where());
      decoder.emplace(std::move(*d));
      if (n > 0) return true;
    }
  }
};

ColumnChunkStream::ColumnChunkStream(std::unique_ptr<State> state) : state_(std::move(state)) {}
ColumnChunkStream::~ColumnChunkStream() = default;

Result<std::unique_ptr<ColumnChunkStream>> ColumnChunkStream::Make(
    std::unique_ptr<PageReader> pages, const ColumnDescriptor& column, columnar::TypePtr type,
    columnar::MemoryPool* pool, int64_t max_entries) {
  if (type->id() == columnar::TypeId::kDictionary) {
    return Status::Invalid("column '{}': dictionary output is decoded whole, not streamed",
                           column.dotted_path());
  }
  return std::unique_ptr<ColumnChunkStream>(new ColumnChunkStream(
      std::make_unique<State>(std::move(pages), column, std::move(type), pool, max_entries)));
}

Result<ColumnChunkData> ColumnChunkStream::Next(int64_t max_records, int64_t* records) {
  State& s = *state_;
  const ColumnDescriptor& c = s.c;
  *records = 0;
  ColumnChunkData out;
  max_records = std::max<int64_t>(max_records, 1);
  QUIRE_ASSIGN_OR_RETURN(auto builder, columnar::MakeBuilder(s.type, s.pool));
  if (c.max_rep_level == 0) QUIRE_RETURN_NOT_OK(builder->Reserve(max_records));
  while (!s.finished) {
    if (!s.page || s.cursor == s.page_entries) {
      QUIRE_ASSIGN_OR_RETURN(bool opened, s.OpenPage());
      if (!opened) break;
    }
    // The entries of this page the batch takes: up to the start of the record
    // after the last one wanted.
    const int64_t begin = s.cursor;
    int64_t end = begin;
    bool full = false;
    if (c.max_rep_level == 0) {
      end = begin + std::min(s.page_entries - begin, max_records - *records);
      *records += end - begin;
      full = *records == max_records;
    } else {
      if (s.first_entry && s.rep[size_t(begin)] != 0) {
        return Status::Corrupt("column '{}': the first repetition level is {}, not 0 (a "
                               "column chunk starts a new record)",
                               c.dotted_path(), s.rep[size_t(begin)]);
      }
      for (; end < s.page_entries; ++end) {
        if (s.rep[size_t(end)] == 0) {
          if (*records == max_records) {
            full = true;
            break;
          }
          ++*records;
        }
      }
    }
    s.first_entry = false;
    const int64_t n = end - begin;
    if (n == 0) break;
    const size_t base = size_t(out.num_entries);
    if (c.max_rep_level > 0) {
      out.rep_levels.insert(out.rep_levels.end(), s.rep.begin() + begin, s.rep.begin() + end);
    }
    int64_t present = n;
    if (!s.def.empty()) {
      present = std::count(s.def.begin() + begin, s.def.begin() + end, c.max_def_level);
    }
    // Levels are kept once some entry is below the maximum, or the column repeats.
    if (c.max_def_level > 0 &&
        (present != n || !out.def_levels.empty() || c.max_rep_level > 0)) {
      if (out.def_levels.empty()) out.def_levels.assign(base, c.max_def_level);
      if (s.def.empty()) {
        out.def_levels.insert(out.def_levels.end(), size_t(n), c.max_def_level);
      } else {
        out.def_levels.insert(out.def_levels.end(), s.def.begin() + begin, s.def.begin() + end);
      }
    }
    out.num_entries += n;
    s.cursor = end;
    s.physical.Clear();
    auto direct = DecodeDirect(*s.decoder, present, c, s.dict, &s.physical, builder.get());
    if (!direct.ok()) return direct.status().WithContext(s.where());
    if (!*direct) {
      QUIRE_RETURN_NOT_OK(s.decoder->Decode(present, &s.physical).WithContext(s.where()));
      QUIRE_RETURN_NOT_OK(AppendPhysical(s.physical, c, builder.get()).WithContext(s.where()));
    }
    if (full) break;
  }
  QUIRE_ASSIGN_OR_RETURN(out.values, builder->Finish());
  return out;
}

}  // namespace quire::parquet
