/// \file quire/parquet/file_reader.cc
#include "quire/parquet/file_reader.h"

#include <algorithm>
#include <atomic>
#include <limits>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <cstring>

#include "quire/parquet/assembly.h"
#include "quire/parquet/column_decoder.h"
#include "quire/parquet/file_reader_internal.h"
#include "quire/parquet/footer.h"
#include "quire/parquet/page_reader.h"
#include "quire/parquet/statistics.h"
#include "quire/compute/statistics.h"
#include "quire/util/macros.h"

namespace quire::parquet {

using columnar::RecordBatchPtr;

Result<std::unique_ptr<FileReader>> FileReader::Open(std::unique_ptr<io::RandomAccessFile> file,
                                                     const ArrowSchemaOptions& arrow) {
  const std::string path = file->path();
  auto with_path = [&](const Status& st) { return st.WithContext(path); };
  // One speculative read of the tail (which tells remote files their size too); a
  // second only if the footer is longer.
  QUIRE_ASSIGN_OR_RETURN(auto tail, file->ReadTail(kFooterSpeculativeReadSize));
  QUIRE_ASSIGN_OR_RETURN(int64_t size, file->Size());
  if (size < kMinFileSize) {
    return Status::Corrupt("{}: {} bytes is too small for a Parquet file", path, size);
  }
  const int64_t tail_size = tail->size();
  if (tail_size != std::min(size, kFooterSpeculativeReadSize)) {
    return Status::IOError("{}: read {} bytes of the file's tail, expected {}", path, tail_size,
                           std::min(size, kFooterSpeculativeReadSize));
  }
  const uint8_t* t = tail->data();
  std::span<const uint8_t> head;
  if (tail_size == size) head = {t, 4};
  auto location = LocateFooter({t + tail_size - kFooterTailSize, size_t(kFooterTailSize)}, size, head);
  if (!location.ok()) return with_path(location.status());
  columnar::BufferPtr footer;
  const int64_t tail_start = size - tail_size;
  if (location->metadata_offset >= tail_start) {
    footer = columnar::Buffer::Slice(tail, location->metadata_offset - tail_start,
                                     location->metadata_length);
  } else {
    QUIRE_ASSIGN_OR_RETURN(footer, file->ReadAt(location->metadata_offset,
                                                location->metadata_length));
  }
  auto metadata = ParseFileMetaData({footer->data(), size_t(footer->size())});
  if (!metadata.ok()) return with_path(metadata.status());
  std::unique_ptr<FileReader> r(new FileReader());
  r->metadata_ = std::make_unique<FileMetaData>(std::move(*metadata));
  r->file_ = std::move(file);
  r->file_size_ = size;
  r->arrow_options_ = arrow;
  auto schema = SchemaDescriptor::Make(r->metadata_->schema);
  if (!schema.ok()) return with_path(schema.status());
  r->schema_ = std::move(*schema);
  auto arrow_schema = ToArrowSchema(r->schema_, *r->metadata_, arrow);
  if (!arrow_schema.ok()) return with_path(arrow_schema.status());
  r->arrow_schema_ = std::move(*arrow_schema);
  // Row groups must describe every leaf column.
  int64_t rows = 0;
  for (size_t g = 0; g < r->metadata_->row_groups.size(); ++g) {
    const RowGroup& rg = r->metadata_->row_groups[g];
    if (int(rg.columns.size()) != r->schema_.num_columns()) {
      return Status::Corrupt("{}: row group {} has {} column chunks for {} columns", path, g,
                             rg.columns.size(), r->schema_.num_columns());
    }
    if (rg.num_rows < 0) {
      return Status::Corrupt("{}: row group {} has {} rows", path, g, rg.num_rows);
    }
    rows += rg.num_rows;
  }
  // Some writers leave FileMetaData.num_rows at 0 (repeated_no_annotation.parquet):
  // the row groups are what is read, so they win.
  r->metadata_->num_rows = rows;
  return r;
}

Result<std::vector<int>> FileReader::ResolveColumns(const ReadOptions& options) const {
  std::vector<int> fields;
  if (options.columns.empty()) {
    for (int i = 0; i < arrow_schema_->num_fields(); ++i) fields.push_back(i);
    return fields;
  }
  for (const auto& name : options.columns) {
    const int i = arrow_schema_->GetFieldIndex(name);
    if (i < 0) {
      QUIRE_RETURN_NOT_OK(arrow_schema_->GetField(name).status().WithContext(file_->path()));
    }
    fields.push_back(i);
  }
  return fields;
}


namespace {

// Leaf columns under schema node `node`.
void LeavesUnder(const SchemaDescriptor& s, int node, std::vector<int>* out) {
  const SchemaNode& n = s.node(node);
  if (n.is_leaf()) {
    out->push_back(n.column);
    return;
  }
  for (int c : n.children) LeavesUnder(s, c, out);
}

// The pool for `options`: nullptr means the calling thread.
std::unique_ptr<util::ThreadPool> MakePool(const ReadOptions& options, util::ThreadPool** pool) {
  *pool = nullptr;
  if (options.num_threads == 0) {
    *pool = util::ThreadPool::Default();
    return nullptr;
  }
  if (options.num_threads > 1) {
    auto owned = std::make_unique<util::ThreadPool>(options.num_threads);
    *pool = owned.get();
    return owned;
  }
  return nullptr;
}

}  // namespace

Result<RecordBatchPtr> FileReader::ReadRowGroup(int index, const std::vector<int>& fields,
                                                const ReadOptions& options) const {
  util::ThreadPool* pool;
  auto owned = MakePool(options, &pool);
  return ReadRowGroup(index, fields, options, pool);
}

Result<RecordBatchPtr> FileReader::ReadRowGroup(int index, const std::vector<int>& fields,
                                                    const ReadOptions& options,
                                                    util::ThreadPool* pool) const {
  return ReadRows(index, fields, options, pool, nullptr, nullptr);
}

// A row group whose leaf chunks are being decoded (on a pool, or already decoded on
// the calling thread), waiting to be assembled.
struct FileReader::PendingRowGroup {
  int index = -1;
  std::vector<int> fields;
  std::optional<RowRanges> rows;    // page-index rows (pages outside are not read)
  std::optional<RowRanges> select;  // rows wanted of flat columns (late materialisation)
  std::vector<int> leaves;
  // Each leaf counts what it skipped in its own slot: no sharing between threads.
  std::vector<ReadStats> skipped;
  std::vector<std::future<Result<ColumnChunkData>>> futures;
  std::vector<Result<ColumnChunkData>> decoded;
};

Result<std::unique_ptr<FileReader::PendingRowGroup>> FileReader::StartRows(
    int index, const std::vector<int>& fields, const ReadOptions& options,
    util::ThreadPool* pool, std::optional<RowRanges> rows,
    std::optional<RowRanges> select) const {
  const std::string& path = file_->path();
  if (index < 0 || index >= num_row_groups()) {
    return Status::Invalid("{}: row group {} is outside [0, {})", path, index, num_row_groups());
  }
  for (int f : fields) {
    if (f < 0 || f >= arrow_schema_->num_fields()) {
      return Status::Invalid("{}: field {} is outside [0, {})", path, f,
                             arrow_schema_->num_fields());
    }
  }
  QUIRE_RETURN_NOT_OK(CheckNotEncrypted(*metadata_).WithContext(path));
  auto p = std::make_unique<PendingRowGroup>();
  p->index = index;
  p->fields = fields;
  p->rows = std::move(rows);
  p->select = std::move(select);
  for (int f : fields) LeavesUnder(schema_, schema_.root().children[size_t(f)], &p->leaves);
  p->skipped.resize(p->leaves.size());
  // Decode the leaf chunks on the pool when one is given, even a single one, so
  // that a caller pipelining row groups goes on working meanwhile: each reads its
  // own byte range and owns its codec, so they share nothing but the file and pool.
  // The tasks point into *p, which stays put (heap) until FinishRows collects them.
  PendingRowGroup* pending = p.get();
  const RowRanges* wanted = pending->rows ? &*pending->rows : nullptr;
  const RowRanges* chosen = pending->select ? &*pending->select : nullptr;
  auto decode = [this, pending, wanted, chosen, options](size_t i) {
    return DecodeLeaf(pending->index, pending->leaves[i], options, wanted, &pending->skipped[i],
                      chosen);
  };
  if (pool != nullptr) {
    for (size_t i = 0; i < p->leaves.size(); ++i) {
      p->futures.push_back(pool->Submit([decode, i] { return decode(i); }));
    }
  } else {
    for (size_t i = 0; i < p->leaves.size(); ++i) p->decoded.push_back(decode(i));
  }
  return p;
}

Result<RecordBatchPtr> FileReader::FinishRows(PendingRowGroup& p, const ReadOptions& options,
                                              ReadStats* stats) const {
  for (auto& f : p.futures) p.decoded.push_back(f.get());
  p.futures.clear();
  if (stats != nullptr) {
    for (const auto& k : p.skipped) {
      stats->pages_pruned += k.pages_pruned;
      stats->bytes_not_read += k.bytes_not_read;
    }
  }
  const RowGroup& rg = metadata_->row_groups[size_t(p.index)];
  const int64_t num_rows = p.select ? CountRows(*p.select)
                           : p.rows ? CountRows(*p.rows)
                                    : rg.num_rows;
  std::vector<const ColumnChunkData*> leaves(size_t(schema_.num_columns()), nullptr);
  for (size_t i = 0; i < p.leaves.size(); ++i) {
    QUIRE_RETURN_NOT_OK(p.decoded[i].status());
    leaves[size_t(p.leaves[i])] = &*p.decoded[i];
  }
  return AssembleRows(p.index, p.fields, leaves, num_rows, options);
}

Result<RecordBatchPtr> FileReader::AssembleRows(int index, const std::vector<int>& fields,
                                                const std::vector<const ColumnChunkData*>& leaves,
                                                int64_t num_rows,
                                                const ReadOptions& options) const {
  columnar::FieldVector out_fields;
  columnar::ArrayVector out_columns;
  for (int f : fields) {
    const columnar::FieldPtr& field = arrow_schema_->field(f);
    auto array = AssembleField(schema_, schema_.root().children[size_t(f)], field->type(),
                               leaves, num_rows, options.pool);
    if (!array.ok()) {
      return array.status().WithContext(fmt::format("{}: row group {}", file_->path(), index));
    }
    out_fields.push_back(field);
    out_columns.push_back(std::move(*array));
  }
  return columnar::RecordBatch::Make(
      columnar::schema(std::move(out_fields), arrow_schema_->metadata()), num_rows,
      std::move(out_columns));
}

Result<RecordBatchPtr> FileReader::ReadRows(int index, const std::vector<int>& fields,
                                            const ReadOptions& options, util::ThreadPool* pool,
                                            const RowRanges* rows, ReadStats* stats) const {
  std::optional<RowRanges> wanted;
  if (rows != nullptr) wanted = *rows;
  QUIRE_ASSIGN_OR_RETURN(auto pending,
                         StartRows(index, fields, options, pool, std::move(wanted), {}));
  return FinishRows(*pending, options, stats);
}

// The pages of one column chunk, ready to decode.
void FileReader::WillNeed(int index, const std::vector<int>& fields) const {
  if (index < 0 || index >= num_row_groups()) return;
  const RowGroup& rg = metadata_->row_groups[size_t(index)];
  std::vector<int> leaves;
  for (int f : fields) {
    if (f < 0 || f >= int(schema_.root().children.size())) return;
    LeavesUnder(schema_, schema_.root().children[size_t(f)], &leaves);
  }
  std::vector<std::pair<int64_t, int64_t>> ranges;
  for (int c : leaves) {
    if (size_t(c) >= rg.columns.size() || !rg.columns[size_t(c)].meta_data) continue;
    const ColumnMetaData& m = *rg.columns[size_t(c)].meta_data;
    const auto range = ChunkRange(m);
    if (range) ranges.push_back(*range);
  }
  file_->WillNeed(ranges);
}

std::optional<std::pair<int64_t, int64_t>> FileReader::ChunkRange(const ColumnMetaData& m) const {
  int64_t start = m.data_page_offset;
  if (m.dictionary_page_offset && *m.dictionary_page_offset > 0 &&
      *m.dictionary_page_offset < start) {
    start = *m.dictionary_page_offset;
  }
  if (start < 4 || m.total_compressed_size < 0 || m.total_compressed_size > file_size_ - start) {
    return std::nullopt;
  }
  // Old parquet-mr (PARQUET-816) under-reported total_compressed_size by the
  // dictionary page header; read a little past the end, and stop the pages at
  // the chunk's value count so the padding is never decoded.
  constexpr int64_t kChunkPadding = 100;
  return std::pair{start, std::min(m.total_compressed_size + kChunkPadding, file_size_ - start)};
}

struct FileReader::LeafPages {
  std::unique_ptr<PageReader> pages;  // null for an empty chunk
  columnar::TypePtr type;             // the leaf's Arrow type
  RowRanges covered;                  // rows of the pages read (all without `rows`)
  std::string where;
};

Result<FileReader::LeafPages> FileReader::OpenLeaf(int index, int c, const ReadOptions& options,
                                                   const RowRanges* rows,
                                                   ReadStats* stats) const {
  const std::string& path = file_->path();
  const RowGroup& rg = metadata_->row_groups[size_t(index)];
  const ColumnDescriptor& cd = schema_.column(c);
  const ColumnChunk& chunk = rg.columns[size_t(c)];
  const std::string where =
      fmt::format("{}: row group {} column '{}'", path, index, cd.dotted_path());
  if (chunk.file_path) {
    return Status::Unsupported("{}: column data in another file ('{}')", where,
                               *chunk.file_path);
  }
  if (!chunk.meta_data) return Status::Corrupt("{}: no column metadata", where);
  const ColumnMetaData& m = *chunk.meta_data;
  if (m.type != cd.physical_type) {
    return Status::Corrupt("{}: chunk type {} differs from the schema's {}", where,
                           ToString(m.type), ToString(cd.physical_type));
  }
  ArrowSchemaOptions leaf_options = arrow_options_;
  if (leaf_options.read_dictionary && IsInsideVariant(schema_, cd.node)) {
    leaf_options.read_dictionary = false;  // Variant leaves are rebuilt, not returned
  }
  QUIRE_ASSIGN_OR_RETURN(auto leaf_type, LeafArrowType(*cd.element, leaf_options));
  LeafPages leaf{.type = leaf_type, .covered = {{0, rg.num_rows}}, .where = where};
  // Nothing to decode; writers leave the offsets of empty chunks at 0.
  if (rg.num_rows == 0 || m.num_values == 0) return leaf;
  const auto range = ChunkRange(m);
  if (!range) {
    return Status::Corrupt("{}: chunk of {} bytes at offset {} is outside the file of {} bytes",
                           where, m.total_compressed_size, m.data_page_offset, file_size_);
  }
  const int64_t start = range->first;
  PageReaderOptions po{.verify_crc = options.verify_crc,
                       .max_page_bytes = options.max_page_bytes,
                       .num_values = m.num_values,
                       .pool = options.pool};
  columnar::BufferPtr bytes;
  RowRanges covered = {{0, rg.num_rows}};
  std::optional<OffsetIndex> offsets;
  if (rows != nullptr) {
    auto read = ReadOffsetIndex(*file_, file_size_, chunk, rg.num_rows);
    if (!read.ok()) return read.status().WithContext(where);
    offsets = std::move(*read);
  }
  if (offsets) {
    // Only the pages holding wanted rows, after the dictionary page (everything
    // before the first data page), read in runs of adjacent pages.
    const auto& locations = offsets->page_locations;
    const std::vector<size_t> wanted = PagesForRows(*offsets, rg.num_rows, *rows, &covered);
    std::vector<std::pair<int64_t, int64_t>> ranges;  // offset, length
    if (locations[0].offset > start) ranges.emplace_back(start, locations[0].offset - start);
    int64_t total = ranges.empty() ? 0 : ranges[0].second;
    for (size_t p : wanted) {
      const PageLocation& l = locations[p];
      if (!ranges.empty() && ranges.back().first + ranges.back().second == l.offset) {
        ranges.back().second += l.compressed_page_size;
      } else {
        ranges.emplace_back(l.offset, l.compressed_page_size);
      }
      total += l.compressed_page_size;
    }
    if (stats != nullptr) {
      stats->pages_pruned += int64_t(locations.size() - wanted.size());
      for (size_t p = 0, w = 0; p < locations.size(); ++p) {
        if (w < wanted.size() && wanted[w] == p) {
          ++w;
        } else {
          stats->bytes_not_read += locations[p].compressed_page_size;
        }
      }
    }
    QUIRE_ASSIGN_OR_RETURN(auto buffer, columnar::MutableBuffer::Allocate(total, options.pool));
    int64_t at = 0;
    for (const auto& [offset, length] : ranges) {
      QUIRE_ASSIGN_OR_RETURN(auto piece, file_->ReadAt(offset, length));
      if (piece->size() != length) {
        return Status::IOError("{}: short read of {} bytes at offset {}", where, length, offset);
      }
      std::memcpy(buffer->mutable_data() + at, piece->data(), size_t(length));
      at += length;
    }
    bytes = std::move(buffer);
    po.num_values = -1;  // the buffer holds exactly the chosen pages
  } else {
    QUIRE_ASSIGN_OR_RETURN(bytes, file_->ReadAt(start, range->second));
  }
  auto pages = PageReader::Make(std::move(bytes), cd, m, po);
  if (!pages.ok()) return pages.status().WithContext(where);
  leaf.pages = std::move(*pages);
  leaf.covered = std::move(covered);
  return leaf;
}

Result<ColumnChunkData> FileReader::DecodeLeaf(int index, int c, const ReadOptions& options,
                                               const RowRanges* rows, ReadStats* stats,
                                               const RowRanges* select) const {
  QUIRE_ASSIGN_OR_RETURN(LeafPages leaf, OpenLeaf(index, c, options, rows, stats));
  const ColumnDescriptor& cd = schema_.column(c);
  if (!leaf.pages) {
    QUIRE_ASSIGN_OR_RETURN(auto empty, columnar::MakeArrayOfNulls(leaf.type, 0, options.pool));
    return ColumnChunkData{.values = std::move(empty)};
  }
  if (rows != nullptr && select != nullptr) {
    // The pages holding `rows` were read: count the selected rows among the rows
    // those pages cover, and decode just them (pages without one are skipped).
    RowRanges local;
    int64_t base = 0, mapped = 0, wanted = 0;
    size_t k = 0;
    for (const auto& r : *select) {
      wanted += r.size();
      while (k < leaf.covered.size() && leaf.covered[k].end <= r.begin) {
        base += leaf.covered[k++].size();
      }
      for (size_t j = k, at = size_t(base); j < leaf.covered.size() && leaf.covered[j].begin < r.end;
           at += size_t(leaf.covered[j++].size())) {
        const int64_t lo = std::max(r.begin, leaf.covered[j].begin);
        const int64_t hi = std::min(r.end, leaf.covered[j].end);
        if (lo >= hi) continue;
        const int64_t b = int64_t(at) + lo - leaf.covered[j].begin;
        if (!local.empty() && local.back().end == b) {
          local.back().end = b + hi - lo;
        } else {
          local.push_back({b, b + hi - lo});
        }
        mapped += hi - lo;
      }
    }
    if (mapped != wanted) {
      return Status::Internal("{}: {} selected rows lie outside the pages read", leaf.where,
                              wanted - mapped);
    }
    auto data = DecodeColumnChunk(*leaf.pages, cd, leaf.type, options.pool,
                                  options.max_chunk_entries, &local);
    if (!data.ok()) {
      return data.status().WithContext(fmt::format("{}: row group {}", file_->path(), index));
    }
    return data;
  }
  auto data = DecodeColumnChunk(*leaf.pages, cd, leaf.type, options.pool,
                                options.max_chunk_entries, rows == nullptr ? select : nullptr);
  if (!data.ok()) {
    return data.status().WithContext(fmt::format("{}: row group {}", file_->path(), index));
  }
  if (rows == nullptr) return data;
  auto kept = KeepRows(*data, leaf.covered, *rows, cd.max_def_level, options.pool);
  if (!kept.ok()) return kept.status().WithContext(leaf.where);
  return kept;
}

Result<std::unique_ptr<ColumnChunkStream>> FileReader::StreamLeaf(int index, int c,
                                                                  const ReadOptions& options) const {
  if (index < 0 || index >= num_row_groups() || c < 0 || c >= schema_.num_columns()) {
    return Status::Invalid("{}: no leaf {} in row group {}", file_->path(), c, index);
  }
  QUIRE_ASSIGN_OR_RETURN(LeafPages leaf, OpenLeaf(index, c, options, nullptr, nullptr));
  return ColumnChunkStream::Make(std::move(leaf.pages), schema_.column(c), leaf.type,
                                 options.pool, options.max_chunk_entries);
}

namespace {


bool HasDictionary(const columnar::DataType& t) {
  if (t.id() == columnar::TypeId::kDictionary) return true;
  for (int i = 0; i < t.num_fields(); ++i) {
    if (HasDictionary(*t.field(i)->type())) return true;
  }
  return false;
}

class RowGroupBatchReader final : public columnar::RecordBatchReader {
 public:
  RowGroupBatchReader(const FileReader& reader, std::vector<int> fields, std::vector<int> groups,
                      columnar::SchemaPtr schema, ReadOptions options, std::vector<int> projection)
      : reader_(reader),
        fields_(std::move(fields)),
        groups_(std::move(groups)),
        schema_(std::move(schema)),
        options_(std::move(options)),
        projection_(std::move(projection)) {
    owned_pool_ = MakePool(options_, &pool_);
    if (options_.filter && options_.exact_filter && options_.late_materialize) {
      // Flat top-level columns the filter does not name can wait for its result.
      std::vector<std::string> names;
      internal::FilterColumns(*options_.filter, &names);
      for (int f : fields_) {
        const auto& name = reader_.schema()->field(f)->name();
        const SchemaNode& n =
            reader_.schema_descriptor().node(reader_.schema_descriptor().root().children[size_t(f)]);
        const bool flat = n.is_leaf() && n.repetition != FieldRepetitionType::kRepeated;
        if (flat && std::find(names.begin(), names.end(), name) == names.end()) {
          late_fields_.push_back(f);
        } else {
          early_fields_.push_back(f);
        }
      }
      if (early_fields_.empty()) late_fields_.clear();
    }
    // Row groups are decoded a batch at a time unless late materialisation needs
    // them whole or a field is read as a dictionary (decoded per chunk).
    streaming_ = options_.stream_row_groups && late_fields_.empty();
    for (int f : fields_) {
      if (HasDictionary(*reader_.schema()->field(f)->type())) streaming_ = false;
    }
  }

  columnar::SchemaPtr schema() const override { return schema_; }

  ~RowGroupBatchReader() override {
    // Decoding tasks still queued point into the pending row groups: wait for them.
    for (auto& p : pending_) {
      for (auto& f : p->futures) f.wait();
    }
    for (auto& s : staged_) {
      if (!s.late) continue;
      for (auto& f : s.late->futures) f.wait();
    }
    for (auto& g : streamed_) Quiesce(*g);
  }

  Result<RecordBatchPtr> Next() override {
    while (!current_ || offset_ >= current_->num_rows()) {
      // Let go of the previous row group first: its memory can serve the next.
      current_.reset();
      QUIRE_ASSIGN_OR_RETURN(current_, streaming_ ? NextStreamedBatch() : NextRowGroup());
      if (!current_) return RecordBatchPtr();
      if (!projection_.empty()) {
        QUIRE_ASSIGN_OR_RETURN(current_, current_->SelectColumns(projection_));
      }
      if (options_.stats) options_.stats->rows_returned += current_->num_rows();
      offset_ = 0;
    }
    const int64_t n = std::min(options_.batch_rows, current_->num_rows() - offset_);
    auto batch = current_->Slice(offset_, n);
    offset_ += n;
    return batch;
  }

 private:
  // A row group decoded and filtered, whose late columns may still be decoding.
  struct Staged {
    RecordBatchPtr early;
    std::unique_ptr<FileReader::PendingRowGroup> late;  // null: nothing to add
    bool materialised_late = false;  // late fields are expected (possibly none kept)
  };

  // The next row group, whole: decoded, filtered, its late columns added.
  //
  // Two stages run ahead on a pool: leaf decoding of the next row groups (`pending_`)
  // and, for late materialisation, decoding of the late columns of row groups
  // already filtered (`staged_`), so that the pool keeps working while this thread
  // evaluates filters and assembles (at most two row groups in each stage).
  Result<RecordBatchPtr> NextRowGroup() {
    const size_t depth = pool_ != nullptr ? 2 : 1;
    while (staged_.size() < depth) {
      QUIRE_RETURN_NOT_OK(FillPending(depth));
      if (pending_.empty()) break;
      std::unique_ptr<FileReader::PendingRowGroup> p = std::move(pending_.front());
      pending_.pop_front();
      Staged staged;
      QUIRE_ASSIGN_OR_RETURN(staged.early, reader_.FinishRows(*p, options_, options_.stats));
      if (options_.stats) options_.stats->rows_read += staged.early->num_rows();
      if (options_.filter && options_.exact_filter) {
        QUIRE_ASSIGN_OR_RETURN(auto mask, compute::Evaluate(*options_.filter, *staged.early));
        const auto runs = compute::KeptRuns(*mask);
        QUIRE_ASSIGN_OR_RETURN(staged.early, compute::Filter(*staged.early, runs));
        if (LateMaterialised(*p)) {
          staged.materialised_late = true;
          QUIRE_ASSIGN_OR_RETURN(staged.late, StartLateColumns(*p, runs));
        }
      }
      staged_.push_back(std::move(staged));
      QUIRE_RETURN_NOT_OK(FillPending(depth));
    }
    if (staged_.empty()) return RecordBatchPtr();
    Staged staged = std::move(staged_.front());
    staged_.pop_front();
    if (!staged.materialised_late) return staged.early;
    return AddLateColumns(staged);
  }

  // --- decoding a batch at a time ---------------------------------------------

  // One leaf's part of a batch.
  struct LeafBatch {
    ColumnChunkData data;
    int64_t records = 0;
  };

  // One leaf of a streamed row group: its stream and the batches decoded ahead.
  // At most one task decodes a leaf at a time (`active`), so its stream needs no
  // lock; it decodes as many batches as were requested, in order.
  struct LeafQueue {
    std::mutex mu;
    std::condition_variable cv;
    int leaf = -1;
    std::unique_ptr<ColumnChunkStream> stream;
    int64_t rows_decoded = 0;  // touched by the decoding task only
    int64_t requested = 0;     // batches asked for and not yet decoded
    bool active = false;
    std::deque<Result<LeafBatch>> ready;
  };

  // A row group being read a batch at a time. Leaves decode independently, each up
  // to kAhead batches ahead of what was consumed, so a leaf whose page is slow to
  // decompress does not hold the others up; the next row group starts once every
  // batch of this one is requested.
  struct StreamedGroup {
    int index = -1;
    int64_t num_rows = 0;
    int64_t batches = 0;    // in all
    int64_t requested = 0;  // batches asked of every leaf
    int64_t consumed = 0;
    std::vector<std::unique_ptr<LeafQueue>> leaves;
  };
  static constexpr int64_t kAhead = 4;

  // Decode the next batch of leaf `q` of row group `g` (on a pool task, or inline).
  Result<LeafBatch> DecodeLeafBatch(const StreamedGroup& g, LeafQueue& q) {
    if (!q.stream) {
      QUIRE_ASSIGN_OR_RETURN(q.stream, reader_.StreamLeaf(g.index, q.leaf, options_));
    }
    const int64_t n = std::min(options_.batch_rows, g.num_rows - q.rows_decoded);
    LeafBatch b;
    QUIRE_ASSIGN_OR_RETURN(b.data, q.stream->Next(n, &b.records));
    q.rows_decoded += b.records;
    return b;
  }

  // Ask every leaf of `g` for one more batch.
  void RequestBatch(StreamedGroup& g) {
    ++g.requested;
    for (auto& leaf : g.leaves) {
      LeafQueue& q = *leaf;
      if (pool_ == nullptr) {
        q.ready.push_back(DecodeLeafBatch(g, q));
        continue;
      }
      std::lock_guard<std::mutex> lock(q.mu);
      ++q.requested;
      if (q.active) continue;  // the running task will take it
      q.active = true;
      StreamedGroup* group = &g;
      pool_->Submit([this, group, &q] {
        while (true) {
          {
            std::lock_guard<std::mutex> l(q.mu);
            if (q.requested == 0) {
              q.active = false;
              q.cv.notify_all();
              return;
            }
          }
          auto batch = DecodeLeafBatch(*group, q);
          std::lock_guard<std::mutex> l(q.mu);
          q.ready.push_back(std::move(batch));
          --q.requested;
          q.cv.notify_all();
        }
      });
    }
  }

  // Wait until no task decodes for `g` any more.
  static void Quiesce(StreamedGroup& g) {
    for (auto& leaf : g.leaves) {
      std::unique_lock<std::mutex> lock(leaf->mu);
      leaf->cv.wait(lock, [&] { return !leaf->active; });
    }
  }

  // Open the next row group to stream (after those the page index prunes, which
  // are read whole into `*whole`); false when none is left.
  Result<bool> OpenStreamedGroup(RecordBatchPtr* whole) {
    while (next_group_ < groups_.size()) {
      const int group = groups_[next_group_++];
      const RowGroup& rg = reader_.metadata().row_groups[size_t(group)];
      QUIRE_ASSIGN_OR_RETURN(std::optional<RowRanges> rows, PageIndexRows(group));
      if (!rows) Announce(group);
      if (rows) {
        // The page index narrowed the rows: read just their pages, whole.
        if (rows->empty()) continue;
        QUIRE_ASSIGN_OR_RETURN(auto p, reader_.StartRows(group, fields_, options_, pool_,
                                                         std::move(rows), {}));
        QUIRE_ASSIGN_OR_RETURN(*whole, reader_.FinishRows(*p, options_, options_.stats));
        return true;
      }
      if (rg.num_rows == 0) continue;
      auto g = std::make_unique<StreamedGroup>();
      g->index = group;
      g->num_rows = rg.num_rows;
      g->batches = (rg.num_rows + options_.batch_rows - 1) / options_.batch_rows;
      std::vector<int> leaves;
      for (int f : fields_) {
        LeavesUnder(reader_.schema_descriptor(),
                    reader_.schema_descriptor().root().children[size_t(f)], &leaves);
      }
      for (int leaf : leaves) {
        g->leaves.push_back(std::make_unique<LeafQueue>());
        g->leaves.back()->leaf = leaf;
      }
      streamed_.push_back(std::move(g));
      return true;
    }
    return false;
  }

  // Keep batches requested: up to kAhead beyond those consumed in the first
  // streamed group, then in the next one.
  Status RequestAhead() {
    // Without a pool, batches decode when requested: one at a time.
    int64_t budget = pool_ != nullptr ? kAhead : 1;
    for (size_t k = 0;; ++k) {
      if (k == streamed_.size()) {
        if (budget <= 0 || k >= (pool_ != nullptr ? 2u : 1u)) return Status::OK();
        RecordBatchPtr whole;
        const size_t before = streamed_.size();
        QUIRE_ASSIGN_OR_RETURN(bool opened, OpenStreamedGroup(&whole));
        if (!opened) return Status::OK();
        if (whole) {
          whole_.push_back({streamed_.size(), std::move(whole)});
          if (streamed_.size() == before) return Status::OK();
        }
      }
      StreamedGroup& g = *streamed_[k];
      while (g.requested - g.consumed < budget && g.requested < g.batches) RequestBatch(g);
      budget -= g.requested - g.consumed;
      if (g.requested < g.batches) return Status::OK();
    }
  }

  // The next batch of rows, decoded leaf by leaf a batch at a time and filtered;
  // null at the end.
  Result<RecordBatchPtr> NextStreamedBatch() {
    const std::string& path = reader_.file().path();
    const SchemaDescriptor& schema = reader_.schema_descriptor();
    while (true) {
      QUIRE_RETURN_NOT_OK(RequestAhead());
      if (!whole_.empty() && whole_.front().first == 0) {
        // A page-index-pruned row group comes before the streamed ones.
        RecordBatchPtr batch = std::move(whole_.front().second);
        whole_.pop_front();
        if (options_.stats) options_.stats->rows_read += batch->num_rows();
        return Filtered(std::move(batch));
      }
      if (streamed_.empty()) return RecordBatchPtr();
      StreamedGroup& g = *streamed_.front();
      std::vector<LeafBatch> parts;
      for (auto& leaf : g.leaves) {
        LeafQueue& q = *leaf;
        std::unique_lock<std::mutex> lock(q.mu);
        q.cv.wait(lock, [&] { return !q.ready.empty(); });
        Result<LeafBatch> r = std::move(q.ready.front());
        q.ready.pop_front();
        lock.unlock();
        if (!r.ok()) {
          Quiesce(g);
          return r.status();
        }
        parts.push_back(std::move(*r));
      }
      const int64_t rows = std::min(options_.batch_rows, g.num_rows - g.consumed * options_.batch_rows);
      ++g.consumed;
      for (size_t i = 0; i < parts.size(); ++i) {
        if (parts[i].records != rows) {
          Quiesce(g);
          return Status::Corrupt("{}: row group {}: column '{}' holds {} rows, not the row "
                                 "group's {}",
                                 path, g.index, schema.column(g.leaves[i]->leaf).dotted_path(),
                                 (g.consumed - 1) * options_.batch_rows + parts[i].records,
                                 g.num_rows);
        }
      }
      const int index = g.index;
      std::vector<const ColumnChunkData*> leaves(size_t(schema.num_columns()), nullptr);
      for (size_t i = 0; i < parts.size(); ++i) leaves[size_t(g.leaves[i]->leaf)] = &parts[i].data;
      if (g.consumed == g.batches) {
        // Every leaf must end with the row group.
        Quiesce(g);
        for (auto& leaf : g.leaves) {
          int64_t more = 0;
          QUIRE_ASSIGN_OR_RETURN(auto extra, leaf->stream->Next(1, &more));
          if (more > 0) {
            return Status::Corrupt("{}: row group {}: column '{}' holds more rows than the "
                                   "row group's {}",
                                   path, g.index, schema.column(leaf->leaf).dotted_path(),
                                   g.num_rows);
          }
        }
        streamed_.pop_front();
        for (auto& w : whole_) --w.first;
      }
      QUIRE_ASSIGN_OR_RETURN(auto batch, reader_.AssembleRows(index, fields_, leaves, rows, options_));
      if (options_.stats) options_.stats->rows_read += rows;
      QUIRE_ASSIGN_OR_RETURN(batch, Filtered(std::move(batch)));
      if (batch->num_rows() == 0) continue;
      return batch;
    }
  }

  // `batch` with the exact filter applied, when there is one.
  Result<RecordBatchPtr> Filtered(RecordBatchPtr batch) {
    if (!options_.filter || !options_.exact_filter) return batch;
    QUIRE_ASSIGN_OR_RETURN(auto mask, compute::Evaluate(*options_.filter, *batch));
    return compute::Filter(*batch, *mask);
  }

  Status FillPending(size_t depth) {
    while (pending_.size() < depth && next_group_ < groups_.size()) {
      QUIRE_RETURN_NOT_OK(StartNext());
    }
    return Status::OK();
  }

  // Late materialisation: when the filter is exact, a row group's first pass
  // decodes the filter's columns (and nested fields), for the page index's rows
  // when it narrowed them; the other flat columns are decoded afterwards for the
  // rows that passed only (their other pages not even decompressed).
  bool LateMaterialised(const FileReader::PendingRowGroup& p) const {
    return !late_fields_.empty() && p.fields.size() == early_fields_.size();
  }

  // Start decoding the late fields of row group `p` for the rows in `runs`
  // (first, length); null when no row passed.
  Result<std::unique_ptr<FileReader::PendingRowGroup>> StartLateColumns(
      const FileReader::PendingRowGroup& p, const std::vector<std::pair<int64_t, int64_t>>& runs) {
    if (runs.empty()) return std::unique_ptr<FileReader::PendingRowGroup>();
    RowRanges kept;
    kept.reserve(runs.size());
    auto add = [&kept](int64_t begin, int64_t end) {
      if (!kept.empty() && kept.back().end == begin) {
        kept.back().end = end;
      } else {
        kept.push_back({begin, end});
      }
    };
    if (!p.rows) {
      for (const auto& [first, length] : runs) add(first, first + length);
    } else {
      // The first pass decoded only the page index's rows: `runs` count those rows,
      // in order; map them back to rows of the row group.
      const RowRanges& read = *p.rows;
      size_t k = 0;
      int64_t base = 0;  // position among the rows read where read[k] starts
      for (const auto& [first, length] : runs) {
        int64_t pos = first;
        int64_t remaining = length;
        while (remaining > 0) {
          while (k < read.size() && pos >= base + read[k].size()) base += read[k++].size();
          if (k == read.size()) {
            return Status::Internal("row group {}: a kept row lies beyond the rows read",
                                    p.index);
          }
          const int64_t offset = pos - base;
          const int64_t take = std::min(remaining, read[k].size() - offset);
          add(read[k].begin + offset, read[k].begin + offset + take);
          pos += take;
          remaining -= take;
        }
      }
    }
    // With the page index's rows, only the pages holding them are read again.
    return reader_.StartRows(p.index, late_fields_, options_, pool_, p.rows, std::move(kept));
  }

  // Wait for the late fields of `staged` and merge them with its early fields (already
  // filtered) in the order of fields_.
  Result<RecordBatchPtr> AddLateColumns(Staged& staged) {
    const RecordBatchPtr& early = staged.early;
    RecordBatchPtr late;
    if (!staged.late) {
      // Nothing passed: the late columns are empty.
      columnar::ArrayVector empty;
      columnar::FieldVector fields;
      for (int f : late_fields_) {
        const auto& field = reader_.schema()->field(f);
        QUIRE_ASSIGN_OR_RETURN(auto a, columnar::MakeArrayOfNulls(field->type(), 0, options_.pool));
        empty.push_back(std::move(a));
        fields.push_back(field);
      }
      QUIRE_ASSIGN_OR_RETURN(late, columnar::RecordBatch::Make(columnar::schema(fields), 0,
                                                               std::move(empty)));
    } else {
      QUIRE_ASSIGN_OR_RETURN(late, reader_.FinishRows(*staged.late, options_, options_.stats));
    }
    if (late->num_rows() != early->num_rows()) {
      return Status::Internal("late columns hold {} rows, the filtered ones {}",
                              late->num_rows(), early->num_rows());
    }
    columnar::FieldVector fields;
    columnar::ArrayVector columns;
    for (int f : fields_) {
      auto e = std::find(early_fields_.begin(), early_fields_.end(), f);
      if (e != early_fields_.end()) {
        const int k = int(e - early_fields_.begin());
        fields.push_back(early->schema()->field(k));
        columns.push_back(early->column(k));
      } else {
        const int k = int(std::find(late_fields_.begin(), late_fields_.end(), f) -
                          late_fields_.begin());
        fields.push_back(late->schema()->field(k));
        columns.push_back(late->column(k));
      }
    }
    return columnar::RecordBatch::Make(
        columnar::schema(std::move(fields), reader_.schema()->metadata()), early->num_rows(),
        std::move(columns));
  }

  // Start decoding the next row group that the page index does not rule out.
  // The rows of row group `group` the filter's page index leaves (nullopt: all, or
  // no filter), counting what it pruned; empty when it prunes the whole group.
  Result<std::optional<RowRanges>> PageIndexRows(int group) {
    if (!options_.filter) return std::optional<RowRanges>();
    QUIRE_ASSIGN_OR_RETURN(auto rows, reader_.PageIndexRows(group, *options_.filter));
    if (rows && options_.stats) {
      options_.stats->rows_pruned +=
          reader_.metadata().row_groups[size_t(group)].num_rows - CountRows(*rows);
      if (rows->empty()) ++options_.stats->row_groups_pruned;
    }
    return rows;
  }

  // Announce the chunks of row group `group`, which is read whole, and of the one
  // after it when no filter may narrow that one to some pages: remote files fetch
  // them while this one decodes.
  void Announce(int group) {
    if (announced_.insert(group).second) reader_.WillNeed(group, fields_);
    if (!options_.filter && next_group_ < groups_.size() &&
        announced_.insert(groups_[next_group_]).second) {
      reader_.WillNeed(groups_[next_group_], fields_);
    }
  }

  Status StartNext() {
    while (next_group_ < groups_.size()) {
      const int group = groups_[next_group_++];
      QUIRE_ASSIGN_OR_RETURN(std::optional<RowRanges> rows, PageIndexRows(group));
      if (rows && rows->empty()) continue;
      if (!rows) Announce(group);
      const bool late = !late_fields_.empty();
      QUIRE_ASSIGN_OR_RETURN(auto p, reader_.StartRows(group, late ? early_fields_ : fields_,
                                                       options_, pool_, std::move(rows), {}));
      pending_.push_back(std::move(p));
      return Status::OK();
    }
    return Status::OK();
  }

  const FileReader& reader_;
  std::vector<int> fields_;
  std::vector<int> groups_;
  std::set<int> announced_;  // row groups whose chunks were announced to the file
  columnar::SchemaPtr schema_;
  ReadOptions options_;
  std::vector<int> projection_;  // empty: all read fields are returned
  std::unique_ptr<util::ThreadPool> owned_pool_;
  util::ThreadPool* pool_ = nullptr;
  std::vector<int> early_fields_;  // decoded for every row (filter columns, nested)
  std::vector<int> late_fields_;   // decoded for the rows the filter keeps
  std::deque<std::unique_ptr<FileReader::PendingRowGroup>> pending_;
  std::deque<Staged> staged_;
  bool streaming_ = false;  // row groups decoded a batch at a time
  std::deque<std::unique_ptr<StreamedGroup>> streamed_;
  // Row groups the page index narrowed, read whole, each with the number of
  // streamed groups before it.
  std::deque<std::pair<size_t, RecordBatchPtr>> whole_;
  RecordBatchPtr current_;
  int64_t offset_ = 0;
  size_t next_group_ = 0;
};

}  // namespace

struct FileReader::ReadPlan {
  std::vector<int> fields;      // top-level fields decoded
  std::vector<int> projection;  // of those, the ones returned (empty: all)
  std::vector<int> groups;      // row groups left after statistics and bloom filters
  columnar::SchemaPtr schema;   // of the returned batches
};

Result<FileReader::ReadPlan> FileReader::Plan(const ReadOptions& options) const {
  if (options.batch_rows <= 0) {
    return Status::Invalid("batch_rows must be positive, not {}", options.batch_rows);
  }
  ReadPlan plan;
  QUIRE_ASSIGN_OR_RETURN(plan.fields, ResolveColumns(options));
  std::vector<int>& fields = plan.fields;
  if (options.filter) {
    // Read the filter's columns too; return only the requested ones.
    std::vector<std::string> names;
    internal::FilterColumns(*options.filter, &names);
    std::vector<int> read = fields;
    for (const auto& name : names) {
      const int i = arrow_schema_->GetFieldIndex(name);
      if (i < 0) {
        QUIRE_RETURN_NOT_OK(arrow_schema_->GetField(name).status().WithContext(file_->path()));
      }
      if (std::find(read.begin(), read.end(), i) == read.end()) read.push_back(i);
    }
    if (read.size() != fields.size()) {
      for (size_t k = 0; k < fields.size(); ++k) plan.projection.push_back(int(k));
      fields = std::move(read);
    }
  }
  std::vector<int>& groups = plan.groups;
  groups = options.row_groups;
  if (groups.empty()) {
    for (int g = 0; g < num_row_groups(); ++g) groups.push_back(g);
  }
  for (int g : groups) {
    if (g < 0 || g >= num_row_groups()) {
      return Status::Invalid("{}: row group {} is outside [0, {})", file_->path(), g,
                             num_row_groups());
    }
  }
  if (options.stats) options.stats->row_groups += int64_t(groups.size());
  if (options.filter) {
    std::vector<int> kept;
    int64_t pruned_by_bloom = 0, bloom_bytes = 0;
    for (int g : groups) {
      if (!RowGroupMayMatch(g, *options.filter)) continue;
      if (options.use_bloom_filters) {
        QUIRE_ASSIGN_OR_RETURN(bool may_match,
                               RowGroupMayMatchBloom(g, *options.filter, options, &bloom_bytes));
        if (!may_match) {
          ++pruned_by_bloom;
          continue;
        }
      }
      kept.push_back(g);
    }
    if (options.stats) {
      options.stats->row_groups_pruned += int64_t(groups.size() - kept.size());
      options.stats->row_groups_pruned_by_bloom += pruned_by_bloom;
      options.stats->bloom_filter_bytes_read += bloom_bytes;
    }
    groups = std::move(kept);
  }
  columnar::FieldVector out;
  const size_t returned = plan.projection.empty() ? fields.size() : plan.projection.size();
  for (size_t k = 0; k < returned; ++k) out.push_back(arrow_schema_->field(fields[k]));
  plan.schema = columnar::schema(std::move(out), arrow_schema_->metadata());
  return plan;
}

Result<std::unique_ptr<columnar::RecordBatchReader>> FileReader::Read(
    const ReadOptions& options) const {
  QUIRE_ASSIGN_OR_RETURN(ReadPlan plan, Plan(options));
  return std::unique_ptr<columnar::RecordBatchReader>(std::make_unique<RowGroupBatchReader>(
      *this, std::move(plan.fields), std::move(plan.groups), std::move(plan.schema), options,
      std::move(plan.projection)));
}

Status FileReader::Scan(const ReadOptions& options, const ScanConsumer& consume) const {
  QUIRE_ASSIGN_OR_RETURN(const ReadPlan plan, Plan(options));
  return ScanPlan(plan, options, [&](int worker, size_t position, const RecordBatchPtr& batch) {
    return consume(worker, plan.groups[position], batch);
  });
}

Status FileReader::ScanPlan(const ReadPlan& plan, const ReadOptions& options,
                            const PlanConsumer& consume) const {
  const int workers =
      std::max(1, std::min(options.num_threads == 0 ? util::ThreadPool::Default()->size()
                                                    : options.num_threads,
                           int(plan.groups.size())));
  // Each worker reads its row groups on its own thread, with its own statistics.
  std::vector<ReadStats> stats(static_cast<size_t>(workers));
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex error_mutex;
  Status error;
  auto work = [&](int worker) {
    ReadOptions own = options;
    own.num_threads = 1;
    own.stats = options.stats ? &stats[size_t(worker)] : nullptr;
    Status st;
    for (size_t i = next++; i < plan.groups.size() && !failed.load(); i = next++) {
      // Remote files fetch the next row group while this one decodes (unless a
      // filter may narrow it to some pages).
      if (!options.filter && i + 1 < plan.groups.size()) WillNeed(plan.groups[i + 1], plan.fields);
      RowGroupBatchReader reader(*this, plan.fields, {plan.groups[i]}, plan.schema, own,
                                 plan.projection);
      while (st.ok() && !failed.load()) {
        auto batch = reader.Next();
        if (!batch.ok()) {
          st = batch.status();
        } else if (!*batch) {
          break;
        } else {
          st = consume(worker, i, *batch);
        }
      }
      if (!st.ok()) break;
    }
    if (!st.ok()) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (error.ok()) error = std::move(st);
      failed = true;
    }
  };
  std::unique_ptr<util::ThreadPool> owned;
  util::ThreadPool* pool = nullptr;
  if (workers > 1) {
    if (options.num_threads == 0) {
      pool = util::ThreadPool::Default();
    } else {
      owned = std::make_unique<util::ThreadPool>(workers - 1);
      pool = owned.get();
    }
  }
  // Helpers that start after the caller took every row group find nothing to do
  // (a scan run from the pool's own tasks): RunWorkers waits only for those that
  // started.
  util::RunWorkers(pool, workers, work);
  if (options.stats) {
    for (const ReadStats& s : stats) *options.stats += s;
  }
  return error;
}

Result<columnar::TablePtr> FileReader::ReadTable(const ReadOptions& options) const {
  // Row groups decode whole (the table keeps everything anyway, and whole row groups
  // decode fastest), one per worker at a time: no hand-off between threads.
  ReadOptions whole = options;
  whole.stream_row_groups = false;
  whole.batch_rows = std::numeric_limits<int64_t>::max();
  QUIRE_ASSIGN_OR_RETURN(const ReadPlan plan, Plan(whole));
  std::vector<std::vector<RecordBatchPtr>> parts(plan.groups.size());
  QUIRE_RETURN_NOT_OK(
      ScanPlan(plan, whole, [&](int, size_t position, const RecordBatchPtr& batch) {
        parts[position].push_back(batch);
        return Status::OK();
      }));
  std::vector<RecordBatchPtr> batches;
  for (auto& p : parts) {
    for (auto& b : p) batches.push_back(std::move(b));
  }
  return columnar::Table::FromBatches(plan.schema, batches);
}

}  // namespace quire::parquet
