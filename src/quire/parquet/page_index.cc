/// \file quire/parquet/page_index.cc
#include "quire/parquet/page_index.h"

#include <algorithm>

#include "quire/columnar/builder.h"
#include "quire/parquet/statistics.h"
#include "quire/util/macros.h"

namespace quire::parquet {

int64_t CountRows(const RowRanges& ranges) {
  int64_t n = 0;
  for (const auto& r : ranges) n += r.size();
  return n;
}

namespace {

Result<std::optional<columnar::BufferPtr>> ReadIndexBytes(const io::RandomAccessFile& file,
                                                          int64_t file_size,
                                                          std::optional<int64_t> offset,
                                                          std::optional<int32_t> length,
                                                          std::string_view what) {
  if (!offset || !length) return std::optional<columnar::BufferPtr>();
  if (*offset < 4 || *length <= 0 || *length > kMaxPageIndexBytes ||
      *offset > file_size - *length) {
    return Status::Corrupt("{} of {} bytes at offset {} is outside the file of {} bytes",
                           what, *length, *offset, file_size);
  }
  QUIRE_ASSIGN_OR_RETURN(auto bytes, file.ReadAt(*offset, *length));
  return std::optional<columnar::BufferPtr>(std::move(bytes));
}

}  // namespace

Result<std::optional<OffsetIndex>> ReadOffsetIndex(const io::RandomAccessFile& file,
                                                   int64_t file_size, const ColumnChunk& chunk,
                                                   int64_t num_rows) {
  QUIRE_ASSIGN_OR_RETURN(auto bytes, ReadIndexBytes(file, file_size, chunk.offset_index_offset,
                                                    chunk.offset_index_length, "OffsetIndex"));
  if (!bytes) return std::optional<OffsetIndex>();
  QUIRE_ASSIGN_OR_RETURN(OffsetIndex index,
                         ParseOffsetIndex({(*bytes)->data(), size_t((*bytes)->size())}));
  const auto& pages = index.page_locations;
  if (pages.empty()) return Status::Corrupt("OffsetIndex lists no pages");
  for (size_t p = 0; p < pages.size(); ++p) {
    const PageLocation& l = pages[p];
    if (p == 0 ? l.first_row_index != 0
               : l.first_row_index <= pages[p - 1].first_row_index) {
      return Status::Corrupt("OffsetIndex: page {} starts at row {}, out of order", p,
                             l.first_row_index);
    }
    if (l.first_row_index >= std::max<int64_t>(num_rows, 1)) {
      return Status::Corrupt("OffsetIndex: page {} starts at row {} of a row group of {} rows",
                             p, l.first_row_index, num_rows);
    }
    if (l.offset < 4 || l.compressed_page_size <= 0 || l.offset > file_size - l.compressed_page_size) {
      return Status::Corrupt("OffsetIndex: page {} of {} bytes at offset {} is outside the "
                             "file", p, l.compressed_page_size, l.offset);
    }
  }
  return std::optional<OffsetIndex>(std::move(index));
}

Result<std::optional<ColumnIndex>> ReadColumnIndex(const io::RandomAccessFile& file,
                                                   int64_t file_size, const ColumnChunk& chunk,
                                                   size_t num_pages) {
  QUIRE_ASSIGN_OR_RETURN(auto bytes, ReadIndexBytes(file, file_size, chunk.column_index_offset,
                                                    chunk.column_index_length, "ColumnIndex"));
  if (!bytes) return std::optional<ColumnIndex>();
  QUIRE_ASSIGN_OR_RETURN(ColumnIndex index,
                         ParseColumnIndex({(*bytes)->data(), size_t((*bytes)->size())}));
  if (index.null_pages.size() != num_pages ||
      (index.null_counts && index.null_counts->size() != num_pages)) {
    return Status::Corrupt("ColumnIndex describes {} pages, the OffsetIndex {}",
                           index.null_pages.size(), num_pages);
  }
  return std::optional<ColumnIndex>(std::move(index));
}

PageFilterColumn PageStatistics(std::string name, const ColumnIndex& index,
                                const OffsetIndex& offsets, const columnar::TypePtr& type,
                                int64_t num_rows, std::optional<ColumnOrder> order,
                                bool nullable) {
  PageFilterColumn out;
  out.name = std::move(name);
  const auto& locations = offsets.page_locations;
  for (size_t p = 0; p < locations.size(); ++p) {
    const int64_t first = locations[p].first_row_index;
    const int64_t end = p + 1 < locations.size() ? locations[p + 1].first_row_index : num_rows;
    // A page's values are described like a chunk's: reuse ChunkStatistics on a
    // ColumnMetaData holding the page's bounds.
    ColumnMetaData m;
    Statistics s;
    if (index.null_counts) s.null_count = (*index.null_counts)[p];
    if (index.null_pages[p]) {
      // Every value of the page is null: impossible in a required column, where
      // the index is wrong and says nothing.
      if (nullable) s.null_count = end - first;
    } else {
      s.min_value = index.min_values[p];
      s.max_value = index.max_values[p];
    }
    m.statistics = s;
    ColumnDescriptor flat;  // page statistics are only used for flat columns
    out.first_rows.push_back(first);
    out.pages.push_back(ChunkStatistics(flat, m, type, end - first, order));
  }
  return out;
}

RowRanges SelectRows(const compute::Expression& filter,
                     const std::vector<PageFilterColumn>& columns, int64_t num_rows) {
  std::vector<int64_t> cuts = {0, num_rows};
  for (const auto& c : columns) cuts.insert(cuts.end(), c.first_rows.begin(), c.first_rows.end());
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  std::vector<size_t> page(columns.size(), 0);
  RowRanges kept;
  for (size_t k = 0; k + 1 < cuts.size() && cuts[k] < num_rows; ++k) {
    const int64_t begin = cuts[k], end = cuts[k + 1];
    for (size_t c = 0; c < columns.size(); ++c) {
      const auto& rows = columns[c].first_rows;
      while (page[c] + 1 < rows.size() && rows[page[c] + 1] <= begin) ++page[c];
    }
    const bool may = compute::MayMatch(filter, [&](std::string_view name)
                                                   -> const compute::ColumnStatistics* {
      for (size_t c = 0; c < columns.size(); ++c) {
        if (columns[c].name == name) return &columns[c].pages[page[c]];
      }
      return nullptr;
    });
    if (!may) continue;
    if (!kept.empty() && kept.back().end == begin) {
      kept.back().end = end;
    } else {
      kept.push_back({begin, end});
    }
  }
  return kept;
}

std::vector<size_t> PagesForRows(const OffsetIndex& offsets, int64_t num_rows,
                                 const RowRanges& rows, RowRanges* covered) {
  std::vector<size_t> pages;
  covered->clear();
  const auto& l = offsets.page_locations;
  size_t r = 0;
  for (size_t p = 0; p < l.size(); ++p) {
    const int64_t begin = l[p].first_row_index;
    const int64_t end = p + 1 < l.size() ? l[p + 1].first_row_index : num_rows;
    while (r < rows.size() && rows[r].end <= begin) ++r;
    if (r == rows.size()) break;
    if (rows[r].begin >= end) continue;
    pages.push_back(p);
    if (!covered->empty() && covered->back().end == begin) {
      covered->back().end = end;
    } else {
      covered->push_back({begin, end});
    }
  }
  return pages;
}

Result<ColumnChunkData> KeepRows(const ColumnChunkData& data, const RowRanges& covered,
                                 const RowRanges& rows, int16_t max_def,
                                 columnar::MemoryPool* pool) {
  if (covered == rows) return data;
  const bool has_def = !data.def_levels.empty();
  const bool has_rep = !data.rep_levels.empty();
  ColumnChunkData out;
  std::vector<std::pair<int64_t, int64_t>> value_runs;  // [begin, end) of kept values
  // Walk the entries: a record starts at every entry with repetition level 0.
  size_t c = 0;               // range of `covered` holding the current record
  int64_t row = -1;           // absolute row of the current record
  int64_t in_range_left = 0;  // records left in covered[c] after the current one
  size_t r = 0;               // first range of `rows` not entirely before `row`
  bool keep = false;
  int64_t value = 0;
  for (int64_t i = 0; i < data.num_entries; ++i) {
    const bool starts = !has_rep || data.rep_levels[size_t(i)] == 0;
    if (starts) {
      if (row < 0) {
        if (covered.empty()) return Status::Corrupt("more records than the pages announce");
        row = covered[0].begin;
        in_range_left = covered[0].size() - 1;
      } else if (in_range_left > 0) {
        ++row;
        --in_range_left;
      } else {
        if (++c >= covered.size()) return Status::Corrupt("more records than the pages announce");
        row = covered[c].begin;
        in_range_left = covered[c].size() - 1;
      }
      while (r < rows.size() && rows[r].end <= row) ++r;
      keep = r < rows.size() && rows[r].begin <= row;
    }
    const bool has_value = !has_def || data.def_levels[size_t(i)] == max_def;
    if (keep) {
      if (has_def) out.def_levels.push_back(data.def_levels[size_t(i)]);
      if (has_rep) out.rep_levels.push_back(data.rep_levels[size_t(i)]);
      ++out.num_entries;
      if (has_value) {
        if (!value_runs.empty() && value_runs.back().second == value) {
          ++value_runs.back().second;
        } else {
          value_runs.emplace_back(value, value + 1);
        }
      }
    }
    if (has_value) ++value;
  }
  if (row < 0 ? CountRows(covered) != 0 : (c + 1 != covered.size() || in_range_left != 0)) {
    return Status::Corrupt("the pages hold fewer records than their page index announces");
  }
  if (value != data.values->length()) {
    return Status::Corrupt("column has {} values but its levels place {}",
                           data.values->length(), value);
  }
  if (value_runs.size() == 1 && value_runs[0].first == 0 && value_runs[0].second == value) {
    out.values = data.values;
  } else {
    columnar::ArrayVector pieces;
    for (const auto& [b, e] : value_runs) pieces.push_back(data.values->Slice(b, e - b));
    if (pieces.empty()) pieces.push_back(data.values->Slice(0, 0));
    QUIRE_ASSIGN_OR_RETURN(out.values, columnar::Concatenate(pieces, pool));
  }
  return out;
}

}  // namespace quire::parquet
