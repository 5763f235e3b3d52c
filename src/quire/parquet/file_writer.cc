/// \file quire/parquet/file_writer.cc
/// \brief FileWriter: row groups from buffered batches, column chunks encoded in
/// parallel, then bloom filters, page indexes and the footer.

#include "quire/parquet/file_writer.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>

#include "quire/codec/codec.h"
#include "quire/parquet/column_writer.h"
#include "quire/parquet/schema.h"
#include "quire/parquet/shredder.h"
#include "quire/util/macros.h"

#ifndef QUIRE_VERSION
#define QUIRE_VERSION "0.0.0"
#endif

namespace quire::parquet {

namespace {

using columnar::Array;
using columnar::DataType;
using columnar::TypeId;
using columnar::TypePtr;

constexpr char kMagic[] = "PAR1";

// The leaf Arrow types of a field, depth first (ToParquetSchema's order).
void CollectLeafTypes(const DataType& type, std::vector<TypePtr>* out, const TypePtr& self) {
  const DataType& t = type.id() == TypeId::kDictionary ? *type.dictionary_value_type() : type;
  switch (t.id()) {
    case TypeId::kList:
    case TypeId::kLargeList:
    case TypeId::kFixedSizeList:
      CollectLeafTypes(*t.value_type(), out, t.value_type());
      return;
    case TypeId::kMap: {
      const DataType& entries = *t.value_type();
      CollectLeafTypes(*entries.field(0)->type(), out, entries.field(0)->type());
      CollectLeafTypes(*entries.field(1)->type(), out, entries.field(1)->type());
      return;
    }
    case TypeId::kStruct:
      for (const auto& f : t.fields()) CollectLeafTypes(*f->type(), out, f->type());
      return;
    default:
      out->push_back(type.id() == TypeId::kDictionary ? type.dictionary_value_type() : self);
  }
}

int64_t ArrayBytes(const Array& a) {
  int64_t n = 0;
  for (const auto& b : a.buffers()) {
    if (b) n += b->size();
  }
  for (const auto& c : a.children()) n += ArrayBytes(*c);
  if (a.dictionary()) n += ArrayBytes(*a.dictionary());
  return n;
}

bool SameFields(const columnar::Schema& a, const columnar::Schema& b) {
  if (a.num_fields() != b.num_fields()) return false;
  for (int i = 0; i < a.num_fields(); ++i) {
    const auto& x = *a.field(i);
    const auto& y = *b.field(i);
    if (x.name() != y.name() || !x.type()->Equals(*y.type())) return false;
  }
  return true;
}

}  // namespace

std::string QuireCreatedBy() { return std::string("quire version ") + QUIRE_VERSION; }

ColumnProperties WriterProperties::ForColumn(const std::string& dotted_path,
                                             const std::string& top_level) const {
  ColumnProperties p;
  auto merge = [&](const ColumnProperties& c) {
    if (c.codec) p.codec = c.codec;
    if (c.compression_level) p.compression_level = c.compression_level;
    if (c.dictionary) p.dictionary = c.dictionary;
    if (c.encoding) p.encoding = c.encoding;
    if (c.statistics) p.statistics = c.statistics;
    if (c.bloom_filter) p.bloom_filter = c.bloom_filter;
    if (c.bloom_filter_ndv) p.bloom_filter_ndv = c.bloom_filter_ndv;
    if (c.bloom_filter_fpp) p.bloom_filter_fpp = c.bloom_filter_fpp;
  };
  if (auto it = columns.find(top_level); it != columns.end()) merge(it->second);
  if (dotted_path != top_level) {
    if (auto it = columns.find(dotted_path); it != columns.end()) merge(it->second);
  }
  if (!p.codec) p.codec = codec;
  if (!p.compression_level) p.compression_level = compression_level;
  if (!p.dictionary) {
    p.dictionary = dictionary && (!p.encoding || *p.encoding == Encoding::kPlain);
  }
  if (!p.encoding) p.encoding = Encoding::kPlain;
  if (!p.statistics) p.statistics = statistics;
  if (!p.bloom_filter) p.bloom_filter = false;
  if (!p.bloom_filter_ndv) p.bloom_filter_ndv = 0;
  if (!p.bloom_filter_fpp) p.bloom_filter_fpp = 0.05;
  return p;
}

struct FileWriter::Impl {
  std::unique_ptr<io::OutputStream> sink;
  columnar::SchemaPtr schema;
  WriterProperties props;
  FileMetaData meta;
  SchemaDescriptor descriptor;
  std::vector<TypePtr> leaf_types;
  std::vector<int> leaf_begin;  // first leaf of each top-level field, plus the end
  std::vector<ColumnEncodeOptions> leaf_options;
  // Row groups in a row whose chunk of the leaf did not pay with a dictionary:
  // after one, the next three chunks skip the attempt (hashing a whole chunk of
  // mostly distinct values is a tenth of the write), then it is tried again.
  std::vector<int> dictionary_misses;
  // Buffered rows of the row group in flight.
  std::vector<columnar::RecordBatchPtr> pending;
  int64_t pending_rows = 0;
  int64_t pending_bytes = 0;
  int64_t total_rows = 0;
  // Per row group and leaf, kept for the end of the file.
  std::vector<std::vector<std::optional<ColumnIndex>>> column_indexes;
  std::vector<std::vector<std::optional<OffsetIndex>>> offset_indexes;
  std::vector<std::vector<std::optional<BloomFilter>>> blooms;
  bool failed = false;
  bool closed = false;

  Status Fail(Status st) {
    if (!st.ok()) {
      failed = true;
      sink->Abort();
    }
    return st;
  }

  Status Write(const void* data, size_t n) {
    return sink->Write(std::span<const uint8_t>(static_cast<const uint8_t*>(data), n));
  }

  Status Flush();
  Status WriteTail();
};

FileWriter::FileWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

FileWriter::~FileWriter() {
  if (impl_ && !impl_->closed) impl_->sink->Abort();
}

Result<std::unique_ptr<FileWriter>> FileWriter::Open(std::unique_ptr<io::OutputStream> sink,
                                                     columnar::SchemaPtr schema,
                                                     WriterProperties properties) {
  if (!sink) return Status::Invalid("FileWriter::Open: no output stream");
  auto impl = std::make_unique<Impl>();
  impl->sink = std::move(sink);
  const auto& p = properties;
  if (p.max_row_group_rows < 1 || p.max_row_group_bytes < 1 || p.data_page_bytes < 1 ||
      p.max_page_rows < 1 || p.dictionary_page_bytes < 0 || p.dictionary_max_ratio < 0 ||
      p.max_statistics_bytes < 1 || p.num_threads < 0) {
    impl->sink->Abort();
    return Status::Invalid(
        "{}: writer properties out of range (row group, page, dictionary and statistics "
        "sizes must be positive)",
        impl->sink->path());
  }
  auto abort = [&](Status st) {
    impl->sink->Abort();
    return st;
  };
  auto elements = ToParquetSchema(*schema);
  if (!elements.ok()) return abort(elements.status());
  impl->meta.schema = std::move(*elements);
  auto descriptor = SchemaDescriptor::Make(impl->meta.schema);
  if (!descriptor.ok()) return abort(descriptor.status());
  impl->descriptor = std::move(*descriptor);
  for (const auto& f : schema->fields()) {
    impl->leaf_begin.push_back(int(impl->leaf_types.size()));
    CollectLeafTypes(*f->type(), &impl->leaf_types, f->type());
  }
  impl->leaf_begin.push_back(int(impl->leaf_types.size()));
  if (int(impl->leaf_types.size()) != impl->descriptor.num_columns()) {
    return abort(Status::Internal("{} leaf types for {} Parquet columns",
                                  impl->leaf_types.size(), impl->descriptor.num_columns()));
  }
  // Column properties by path; every key must name a column.
  std::vector<std::string> known;
  for (int c = 0; c < impl->descriptor.num_columns(); ++c) {
    const ColumnDescriptor& col = impl->descriptor.column(c);
    const std::string dotted = col.dotted_path();
    known.push_back(dotted);
    known.push_back(col.path.front());
    ColumnProperties cp = p.ForColumn(dotted, col.path.front());
    ColumnEncodeOptions o;
    o.codec = *cp.codec;
    o.compression_level = cp.compression_level;
    o.dictionary = *cp.dictionary;
    o.encoding = *cp.encoding;
    o.dictionary_page_bytes = p.dictionary_page_bytes;
    o.dictionary_max_ratio = p.dictionary_max_ratio;
    o.data_page_bytes = p.data_page_bytes;
    o.max_page_rows = p.max_page_rows;
    o.data_page_v2 = p.data_page_version == DataPageVersion::kV2;
    o.statistics = *cp.statistics;
    o.max_statistics_bytes = p.max_statistics_bytes;
    o.page_index = p.page_index;
    o.size_statistics = p.size_statistics;
    o.distinct_count = p.distinct_count;
    o.bloom_filter = *cp.bloom_filter;
    o.bloom_filter_ndv = *cp.bloom_filter_ndv;
    o.bloom_filter_fpp = *cp.bloom_filter_fpp;
    if (!EncodingFits(o.encoding, col.physical_type)) {
      return abort(Status::Invalid("column '{}': encoding {} does not fit physical type {}",
                                   dotted, ToString(o.encoding), ToString(col.physical_type)));
    }
    if (!(o.bloom_filter_fpp > 0 && o.bloom_filter_fpp < 1)) {
      return abort(Status::Invalid("column '{}': bloom filter false-positive rate {} is not "
                                   "in (0, 1)",
                                   dotted, o.bloom_filter_fpp));
    }
    {
      auto level = codec::MakeCodec(codec::Compression(o.codec),
                                    o.compression_level.value_or(codec::kDefaultLevel));
      if (!level.ok()) {
        return abort(Status(level.status().code(),
                            fmt::format("column '{}': {}", dotted, level.status().message())));
      }
    }
    impl->leaf_options.push_back(o);
    impl->dictionary_misses.push_back(0);
  }
  for (const auto& [key, value] : p.columns) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return abort(Status::Invalid("writer properties name column '{}', which is not in the "
                                   "schema",
                                   key));
    }
  }
  for (const SortingColumn& s : p.sorting_columns) {
    if (s.column_idx < 0 || s.column_idx >= impl->descriptor.num_columns()) {
      return abort(Status::Invalid("sorting column {} is not a leaf column (0..{})",
                                   s.column_idx, impl->descriptor.num_columns() - 1));
    }
  }
  impl->schema = std::move(schema);
  impl->props = std::move(properties);
  if (Status st = impl->Write(kMagic, 4); !st.ok()) return abort(st);
  return std::unique_ptr<FileWriter>(new FileWriter(std::move(impl)));
}

const columnar::SchemaPtr& FileWriter::schema() const { return impl_->schema; }
int64_t FileWriter::num_rows() const { return impl_->total_rows; }
int64_t FileWriter::bytes_written() const { return impl_->sink->position(); }

Status FileWriter::Write(const columnar::RecordBatch& batch) {
  Impl& m = *impl_;
  if (m.failed || m.closed) return Status::Invalid("{}: the writer is closed", m.sink->path());
  if (!SameFields(*batch.schema(), *m.schema)) {
    return Status::Invalid("{}: batch schema {} differs from the file's {}", m.sink->path(),
                           batch.schema()->ToString(), m.schema->ToString());
  }
  int64_t bytes = 0;
  for (const auto& c : batch.columns()) bytes += ArrayBytes(*c);
  const int64_t rows = batch.num_rows();
  const double per_row = rows > 0 ? double(bytes) / double(rows) : 0;
  auto whole = std::make_shared<columnar::RecordBatch>(batch);
  int64_t at = 0;
  while (at < rows) {
    int64_t take = std::min(rows - at, m.props.max_row_group_rows - m.pending_rows);
    if (per_row > 0) {
      const int64_t by_bytes =
          int64_t(double(m.props.max_row_group_bytes - m.pending_bytes) / per_row);
      take = std::min(take, std::max<int64_t>(by_bytes, 1));
    }
    m.pending.push_back(at == 0 && take == rows ? whole : whole->Slice(at, take));
    m.pending_rows += take;
    m.pending_bytes += int64_t(per_row * double(take));
    at += take;
    if (m.pending_rows >= m.props.max_row_group_rows ||
        m.pending_bytes >= m.props.max_row_group_bytes) {
      QUIRE_RETURN_NOT_OK(m.Fail(m.Flush()));
    }
  }
  m.total_rows += rows;
  return Status::OK();
}

Status FileWriter::Write(const columnar::Table& table) {
  for (const auto& b : table.ToBatches()) QUIRE_RETURN_NOT_OK(Write(*b));
  return Status::OK();
}

Status FileWriter::FlushRowGroup() {
  Impl& m = *impl_;
  if (m.failed || m.closed) return Status::Invalid("{}: the writer is closed", m.sink->path());
  return m.Fail(m.Flush());
}

Status FileWriter::Impl::Flush() {
  if (pending_rows == 0) return Status::OK();
  const int num_fields = schema->num_fields();
  const int num_leaves = descriptor.num_columns();
  std::vector<Result<EncodedColumnChunk>> chunks(size_t(num_leaves),
                                                 Status::Internal("not encoded"));
  // One task per top-level field: shred every pending batch, encode its leaves.
  // Largest fields first, so that no worker is left alone with a big one at the end.
  std::vector<std::pair<int64_t, int>> order;
  for (int f = 0; f < num_fields; ++f) {
    int64_t bytes = 0;
    for (const auto& b : pending) bytes += ArrayBytes(*b->column(f));
    order.push_back({-bytes, f});
  }
  std::sort(order.begin(), order.end());
  std::atomic<int> next{0};
  std::atomic<bool> stop{false};
  auto work = [&](int) {
    for (int i = next++; i < num_fields && !stop.load(); i = next++) {
      const int f = order[size_t(i)].second;
      std::vector<std::vector<LeafSlice>> per_batch(pending.size());
      Status st;
      for (size_t b = 0; b < pending.size() && st.ok(); ++b) {
        st = ShredColumn(*pending[b]->column(f), *schema->field(f), &per_batch[b]);
      }
      const int first = leaf_begin[size_t(f)];
      const int last = leaf_begin[size_t(f) + 1];
      for (int leaf = first; leaf < last; ++leaf) {
        if (!st.ok()) {
          chunks[size_t(leaf)] = st;
          continue;
        }
        std::vector<const LeafSlice*> slices;
        for (auto& v : per_batch) slices.push_back(&v[size_t(leaf - first)]);
        ColumnEncodeOptions options = leaf_options[size_t(leaf)];
        const int misses = dictionary_misses[size_t(leaf)];
        if (misses > 0 && misses % 4 != 0) options.dictionary = false;
        chunks[size_t(leaf)] = EncodeColumnChunk(descriptor.column(leaf),
                                                 leaf_types[size_t(leaf)], slices, options);
        if (!chunks[size_t(leaf)].ok()) stop = true;
      }
      if (!st.ok()) stop = true;
    }
  };
  int workers = props.num_threads;
  util::ThreadPool* pool = nullptr;
  if (workers != 1) {
    pool = util::ThreadPool::Default();
    if (workers == 0) workers = pool->size();
  }
  workers = std::max(1, std::min(workers, num_fields));
  util::RunWorkers(pool, workers, work);
  for (auto& c : chunks) {
    if (!c.ok()) return c.status();
  }
  // Write the chunks in column order.
  RowGroup rg;
  rg.num_rows = pending_rows;
  rg.ordinal = int16_t(std::min<size_t>(meta.row_groups.size(), 32767));
  rg.file_offset = sink->position();
  if (!props.sorting_columns.empty()) rg.sorting_columns = props.sorting_columns;
  int64_t compressed = 0;
  std::vector<std::optional<ColumnIndex>> cis;
  std::vector<std::optional<OffsetIndex>> ois;
  std::vector<std::optional<BloomFilter>> bfs;
  for (int leaf = 0; leaf < num_leaves; ++leaf) {
    EncodedColumnChunk& c = *chunks[size_t(leaf)];
    int& misses = dictionary_misses[size_t(leaf)];
    if (c.dictionary_rejected) {
      misses = misses % 4 == 0 ? misses + 1 : misses;
    } else if (c.metadata.dictionary_page_offset) {
      misses = 0;
    }
    if (misses > 0 && !c.dictionary_rejected) ++misses;  // a skipped attempt
    const int64_t start = sink->position();
    QUIRE_RETURN_NOT_OK(Write(c.bytes.data(), c.bytes.size()));
    ColumnChunk cc;
    cc.meta_data = std::move(c.metadata);
    ColumnMetaData& md = *cc.meta_data;
    md.data_page_offset += start;
    if (md.dictionary_page_offset) *md.dictionary_page_offset += start;
    cc.file_offset = md.dictionary_page_offset.value_or(md.data_page_offset);
    if (c.offset_index) {
      for (auto& loc : c.offset_index->page_locations) loc.offset += start;
    }
    rg.total_byte_size += md.total_uncompressed_size;
    compressed += md.total_compressed_size;
    rg.columns.push_back(std::move(cc));
    cis.push_back(std::move(c.column_index));
    ois.push_back(std::move(c.offset_index));
    bfs.push_back(std::move(c.bloom_filter));
    c.bytes = {};
  }
  rg.total_compressed_size = compressed;
  meta.num_rows += pending_rows;
  meta.row_groups.push_back(std::move(rg));
  column_indexes.push_back(std::move(cis));
  offset_indexes.push_back(std::move(ois));
  blooms.push_back(std::move(bfs));
  pending.clear();
  pending_rows = 0;
  pending_bytes = 0;
  return Status::OK();
}

Status FileWriter::Impl::WriteTail() {
  // Bloom filters, then column indexes, then offset indexes (PageIndex.md puts the
  // page index between the row groups and the footer).
  for (size_t g = 0; g < meta.row_groups.size(); ++g) {
    for (size_t c = 0; c < blooms[g].size(); ++c) {
      if (!blooms[g][c]) continue;
      const BloomFilter& f = *blooms[g][c];
      BloomFilterHeader h;
      h.num_bytes = int32_t(f.num_bytes());
      const std::string header = SerializeBloomFilterHeader(h);
      const std::vector<uint8_t> bits = f.Bitset();
      ColumnMetaData& md = *meta.row_groups[g].columns[c].meta_data;
      md.bloom_filter_offset = sink->position();
      md.bloom_filter_length = int32_t(header.size() + bits.size());
      QUIRE_RETURN_NOT_OK(Write(header.data(), header.size()));
      QUIRE_RETURN_NOT_OK(Write(bits.data(), bits.size()));
    }
  }
  for (size_t g = 0; g < meta.row_groups.size(); ++g) {
    for (size_t c = 0; c < column_indexes[g].size(); ++c) {
      if (!column_indexes[g][c]) continue;
      const std::string bytes = SerializeColumnIndex(*column_indexes[g][c]);
      ColumnChunk& cc = meta.row_groups[g].columns[c];
      cc.column_index_offset = sink->position();
      cc.column_index_length = int32_t(bytes.size());
      QUIRE_RETURN_NOT_OK(Write(bytes.data(), bytes.size()));
    }
  }
  for (size_t g = 0; g < meta.row_groups.size(); ++g) {
    for (size_t c = 0; c < offset_indexes[g].size(); ++c) {
      if (!offset_indexes[g][c]) continue;
      const std::string bytes = SerializeOffsetIndex(*offset_indexes[g][c]);
      ColumnChunk& cc = meta.row_groups[g].columns[c];
      cc.offset_index_offset = sink->position();
      cc.offset_index_length = int32_t(bytes.size());
      QUIRE_RETURN_NOT_OK(Write(bytes.data(), bytes.size()));
    }
  }
  meta.version = props.data_page_version == DataPageVersion::kV2 ? 2 : 1;
  meta.created_by = props.created_by.empty() ? QuireCreatedBy() : props.created_by;
  std::vector<KeyValue> kv = props.key_value_metadata;
  if (schema->metadata()) {
    for (const auto& pair : schema->metadata()->pairs()) {
      const std::string& key = pair.first;
      const bool present =
          std::any_of(kv.begin(), kv.end(), [&](const KeyValue& x) { return x.key == key; });
      if (!present) kv.push_back({key, pair.second});
    }
  }
  if (!kv.empty()) meta.key_value_metadata = std::move(kv);
  meta.column_orders = std::vector<ColumnOrder>(size_t(descriptor.num_columns()), ColumnOrder{});
  const std::string footer = SerializeFileMetaData(meta);
  QUIRE_RETURN_NOT_OK(Write(footer.data(), footer.size()));
  const uint32_t len = uint32_t(footer.size());
  QUIRE_RETURN_NOT_OK(Write(&len, 4));
  QUIRE_RETURN_NOT_OK(Write(kMagic, 4));
  return Status::OK();
}

Result<WriteSummary> FileWriter::Close() {
  Impl& m = *impl_;
  if (m.failed || m.closed) return Status::Invalid("{}: the writer is closed", m.sink->path());
  QUIRE_RETURN_NOT_OK(m.Fail(m.Flush()));
  QUIRE_RETURN_NOT_OK(m.Fail(m.WriteTail()));
  const int64_t size = m.sink->position();
  QUIRE_RETURN_NOT_OK(m.Fail(m.sink->Close()));
  m.closed = true;
  WriteSummary s;
  s.num_rows = m.meta.num_rows;
  s.num_row_groups = int64_t(m.meta.row_groups.size());
  s.file_bytes = size;
  s.metadata = std::make_shared<const FileMetaData>(std::move(m.meta));
  return s;
}

void FileWriter::Abort() {
  if (impl_->closed) return;
  impl_->failed = true;
  impl_->sink->Abort();
}

Result<WriteSummary> WriteParquetFile(const columnar::Table& table, const std::string& path,
                                      const WriterProperties& properties) {
  QUIRE_ASSIGN_OR_RETURN(auto sink, io::OpenLocalOutput(path));
  QUIRE_ASSIGN_OR_RETURN(auto writer, FileWriter::Open(std::move(sink), table.schema(), properties));
  QUIRE_RETURN_NOT_OK(writer->Write(table));
  return writer->Close();
}

Result<columnar::BufferPtr> WriteParquetBuffer(const columnar::Table& table,
                                               const WriterProperties& properties) {
  auto sink = std::make_unique<io::BufferOutputStream>();
  io::BufferOutputStream* raw = sink.get();
  QUIRE_ASSIGN_OR_RETURN(auto writer, FileWriter::Open(std::move(sink), table.schema(), properties));
  QUIRE_RETURN_NOT_OK(writer->Write(table));
  QUIRE_RETURN_NOT_OK(writer->Close());
  return raw->buffer();
}

}  // namespace quire::parquet
