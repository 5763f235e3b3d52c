/// \file quire/parquet/file_reader_pruning.cc
/// \brief What a filtered read need not read: row groups ruled out by their
/// statistics or bloom filters, and the rows the page index rules out.
#include <algorithm>

#include "quire/compute/statistics.h"
#include "quire/parquet/file_reader.h"
#include "quire/parquet/file_reader_internal.h"
#include "quire/parquet/statistics.h"
#include "quire/util/macros.h"

namespace quire::parquet {

namespace internal {

void FilterColumns(const compute::Expression& e, std::vector<std::string>* out) {
  if (e.kind() == compute::Expression::Kind::kColumn) {
    if (std::find(out->begin(), out->end(), e.column()) == out->end()) out->push_back(e.column());
    return;
  }
  if (e.left()) FilterColumns(*e.left(), out);
  if (e.right()) FilterColumns(*e.right(), out);
}


}  // namespace internal

bool FileReader::RowGroupMayMatch(int index, const compute::Expression& filter) const {
  const RowGroup& rg = metadata_->row_groups[size_t(index)];
  std::vector<std::pair<std::string, compute::ColumnStatistics>> stats;
  for (size_t f = 0; f < schema_.root().children.size(); ++f) {
    const SchemaNode& n = schema_.node(schema_.root().children[f]);
    if (!n.is_leaf() || n.repetition == FieldRepetitionType::kRepeated) continue;
    const ColumnChunk& chunk = rg.columns[size_t(n.column)];
    if (!chunk.meta_data) continue;
    std::optional<ColumnOrder> order;
    if (metadata_->column_orders && size_t(n.column) < metadata_->column_orders->size()) {
      order = (*metadata_->column_orders)[size_t(n.column)];
    }
    stats.emplace_back(n.name(), ChunkStatistics(schema_.column(n.column), *chunk.meta_data,
                                                 arrow_schema_->field(int(f))->type(),
                                                 rg.num_rows, order));
  }
  return compute::MayMatch(filter, [&](std::string_view name) -> const compute::ColumnStatistics* {
    for (const auto& [n, s] : stats) {
      if (n == name) return &s;
    }
    return nullptr;
  });
}

Result<std::optional<RowRanges>> FileReader::PageIndexRows(
    int index, const compute::Expression& filter) const {
  const RowGroup& rg = metadata_->row_groups[size_t(index)];
  std::vector<std::string> names;
  internal::FilterColumns(filter, &names);
  std::vector<PageFilterColumn> columns;
  for (const auto& name : names) {
    const int f = arrow_schema_->GetFieldIndex(name);
    if (f < 0) continue;
    const SchemaNode& n = schema_.node(schema_.root().children[size_t(f)]);
    if (!n.is_leaf() || n.repetition == FieldRepetitionType::kRepeated) continue;
    const ColumnChunk& chunk = rg.columns[size_t(n.column)];
    const std::string where = fmt::format("{}: row group {} column '{}'", file_->path(), index,
                                          n.name());
    auto offsets = ReadOffsetIndex(*file_, file_size_, chunk, rg.num_rows);
    if (!offsets.ok()) return offsets.status().WithContext(where);
    if (!*offsets) continue;
    auto column_index = ReadColumnIndex(*file_, file_size_, chunk,
                                        (*offsets)->page_locations.size());
    if (!column_index.ok()) return column_index.status().WithContext(where);
    if (!*column_index) continue;
    std::optional<ColumnOrder> order;
    if (metadata_->column_orders && size_t(n.column) < metadata_->column_orders->size()) {
      order = (*metadata_->column_orders)[size_t(n.column)];
    }
    columns.push_back(PageStatistics(name, **column_index, **offsets,
                                     arrow_schema_->field(f)->type(), rg.num_rows, order,
                                     schema_.column(n.column).max_def_level > 0));
  }
  if (columns.empty()) return std::optional<RowRanges>();
  RowRanges rows = SelectRows(filter, columns, rg.num_rows);
  if (CountRows(rows) == rg.num_rows) return std::optional<RowRanges>();
  return std::optional<RowRanges>(std::move(rows));
}

Result<bool> FileReader::RowGroupMayMatchBloom(int index, const compute::Expression& filter,
                                               const ReadOptions& options,
                                               int64_t* bytes_read) const {
  const RowGroup& rg = metadata_->row_groups[size_t(index)];
  // The columns a filter can name: top-level leaves that are not repeated, as for
  // statistics. Each one's bloom filter is read at most once, when first asked.
  struct Leaf {
    const SchemaNode* node;
    const columnar::DataType* type;
    bool loaded = false;
    std::optional<BloomFilter> bloom;
  };
  std::vector<Leaf> leaves;
  for (size_t f = 0; f < schema_.root().children.size(); ++f) {
    const SchemaNode& n = schema_.node(schema_.root().children[f]);
    if (!n.is_leaf() || n.repetition == FieldRepetitionType::kRepeated) continue;
    leaves.push_back({&n, arrow_schema_->field(int(f))->type().get()});
  }
  auto find = [&](std::string_view name) -> Leaf* {
    for (auto& leaf : leaves) {
      if (leaf.node->name() == name) return &leaf;
    }
    return nullptr;
  };
  Status error;
  auto membership = [&](std::string_view name,
                        const compute::StatisticValue& value) -> std::optional<bool> {
    Leaf* leaf = find(name);
    if (!leaf || !error.ok()) return std::nullopt;
    const ColumnChunk& chunk = rg.columns[size_t(leaf->node->column)];
    if (!chunk.meta_data || !chunk.meta_data->bloom_filter_offset) return std::nullopt;
    const ColumnDescriptor& column = schema_.column(leaf->node->column);
    const BloomFilterProbe probe = BloomFilterProbeFor(column, *leaf->type, value);
    if (probe.kind == BloomFilterProbe::Kind::kUnknown) return std::nullopt;
    if (probe.kind == BloomFilterProbe::Kind::kAbsent) return false;
    if (!leaf->loaded) {
      leaf->loaded = true;
      auto bloom = ReadBloomFilter(*file_, *chunk.meta_data, options.max_bloom_filter_bytes,
                                   bytes_read);
      if (bloom.ok()) {
        leaf->bloom = std::move(*bloom);
      } else if (bloom.status().code() != ErrorCode::kUnsupported &&
                 bloom.status().code() != ErrorCode::kResourceExhausted) {
        // A filter quire cannot use is as good as none; a broken one is an error.
        error = bloom.status().WithContext(fmt::format("row group {}", index));
      }
    }
    if (!leaf->bloom) return std::nullopt;
    return leaf->bloom->MayContainHash(probe.hash);
  };
  auto types = [&](std::string_view name) -> const columnar::DataType* {
    Leaf* leaf = find(name);
    return leaf ? leaf->type : nullptr;
  };
  const bool may_match = compute::MayMatchMembership(filter, types, membership);
  QUIRE_RETURN_NOT_OK(error);
  return may_match;
}

}  // namespace quire::parquet
