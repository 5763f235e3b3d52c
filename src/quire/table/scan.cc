/// \file quire/table/scan.cc
/// \brief Scan planning (partition values, file statistics) and execution (files
/// read in parallel, deletion vectors, schema adaptation, partition columns).

#include "quire/table/scan.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <simdjson.h>

#include "quire/compute/statistics.h"
#include "quire/table/deletion_vector.h"
#include "quire/table/schema.h"
#include "quire/util/bit_util.h"
#include "quire/util/macros.h"

namespace quire::table {

namespace {

using columnar::ArrayPtr;
using columnar::FieldPtr;
using columnar::RecordBatch;
using columnar::RecordBatchPtr;
using columnar::SchemaPtr;
using compute::ColumnStatistics;
using compute::Expression;
using compute::ExpressionPtr;

// Add what workers counted (files read, rows) to `a`.
void Accumulate(ScanReport& a, const ScanReport& b) {
  a.files_scanned += b.files_scanned;
  a.bytes_scanned += b.bytes_scanned;
  a.rows_deleted += b.rows_deleted;
  a.rows_returned += b.rows_returned;
  a.parquet += b.parquet;
}

// The columns an expression names.
void CollectColumns(const Expression& e, std::set<std::string>* out) {
  if (e.kind() == Expression::Kind::kColumn) out->insert(e.column());
  if (e.left()) CollectColumns(*e.left(), out);
  if (e.right()) CollectColumns(*e.right(), out);
}

// The conjuncts of `e` (a AND b AND c -> a, b, c).
void Conjuncts(const ExpressionPtr& e, std::vector<ExpressionPtr>* out) {
  if (e->kind() == Expression::Kind::kAnd) {
    Conjuncts(e->left(), out);
    Conjuncts(e->right(), out);
  } else {
    out->push_back(e);
  }
}

// `e` with column names replaced through `names`.
ExpressionPtr Rename(const ExpressionPtr& e, const std::map<std::string, std::string>& names) {
  switch (e->kind()) {
    case Expression::Kind::kColumn: {
      auto it = names.find(e->column());
      return it == names.end() ? e : Expression::Column(it->second);
    }
    case Expression::Kind::kLiteral: return e;
    case Expression::Kind::kCompare:
      return Expression::Compare(e->op(), Rename(e->left(), names), Rename(e->right(), names));
    case Expression::Kind::kAnd:
      return Expression::And(Rename(e->left(), names), Rename(e->right(), names));
    case Expression::Kind::kOr:
      return Expression::Or(Rename(e->left(), names), Rename(e->right(), names));
    case Expression::Kind::kNot: return Expression::Not(Rename(e->left(), names));
    case Expression::Kind::kIsNull:
      return Expression::IsNull(Rename(e->left(), names), e->negated());
    case Expression::Kind::kIn:
      return Expression::In(Rename(e->left(), names), e->values(), e->negated());
  }
  return e;
}

// One value of a stats JSON object (minValues / maxValues) in the statistics domain
// of `type`; nullopt when it cannot be used.
std::optional<compute::StatisticValue> StatsValue(simdjson::dom::element v,
                                                  const columnar::TypePtr& type, bool is_max) {
  using columnar::TypeId;
  int64_t i;
  double d;
  std::string_view s;
  bool b;
  if (v.get(s) == simdjson::SUCCESS) {
    if (type->is_binary_like() && !type->is_nested()) {
      if (type->id() == TypeId::kBinary || type->id() == TypeId::kLargeBinary) {
        return std::nullopt;  // binary stats are not written by the protocol's writers
      }
      return compute::StatisticValue(std::string(s));
    }
    if (type->id() == TypeId::kDate32 || type->id() == TypeId::kTimestamp) {
      auto array = PartitionValueArray(type, std::string(s), 1);
      if (!array.ok()) return std::nullopt;
      auto value = compute::StatisticValueOf(**array, 0);
      // Statistics of timestamps are truncated to milliseconds (PROTOCOL.md,
      // "Per-file Statistics"): the largest value may be up to 999 us above.
      if (value && is_max && type->id() == TypeId::kTimestamp) {
        if (auto* ticks = std::get_if<__int128>(&*value)) {
          *ticks += type->unit() == columnar::TimeUnit::kMicro ? 999
                    : type->unit() == columnar::TimeUnit::kNano ? 999999
                                                                 : 0;
        }
      }
      return value;
    }
    return std::nullopt;
  }
  if (v.get(i) == simdjson::SUCCESS) {
    if (type->is_integer()) return compute::StatisticValue(__int128(i));
    if (type->is_floating() || type->is_decimal()) return compute::StatisticValue(double(i));
    return std::nullopt;
  }
  if (v.get(d) == simdjson::SUCCESS) {
    if (type->is_floating() || type->is_decimal()) return compute::StatisticValue(d);
    return std::nullopt;
  }
  if (v.get(b) == simdjson::SUCCESS && type->id() == TypeId::kBool) {
    return compute::StatisticValue(b);
  }
  return std::nullopt;
}

// What is known of one file for pruning: partition values and `stats`.
class FileFacts {
 public:
  FileFacts(const Snapshot& snapshot, const std::set<std::string>& columns,
            simdjson::dom::parser* parser)
      : snapshot_(snapshot), columns_(columns), parser_(parser) {}

  // Fill the facts of `add`; `with_stats` adds those of its stats JSON.
  void Load(const AddFile& add, bool with_stats) {
    stats_.clear();
    const auto& schema = *snapshot_.schema();
    const auto mode = snapshot_.column_mapping_mode();
    const auto& partitions = snapshot_.metadata().partition_columns;
    std::optional<int64_t> num_records;
    simdjson::dom::element root;
    bool have_json = false;
    if (with_stats && add.stats && !parser_->parse(*add.stats).get(root)) {
      have_json = true;
      int64_t n;
      if (!root["numRecords"].get(n)) num_records = n;
    }
    for (const auto& name : columns_) {
      const int index = schema.GetFieldIndex(name);
      if (index < 0) continue;
      const FieldPtr& field = schema.field(index);
      const std::string physical = PhysicalName(*field, mode);
      ColumnStatistics st;
      st.type = field->type();
      st.num_rows = num_records.value_or(1);
      if (std::find(partitions.begin(), partitions.end(), name) != partitions.end()) {
        auto it = add.partition_values.find(physical);
        std::optional<std::string> value;
        if (it != add.partition_values.end()) value = it->second;
        auto array = PartitionValueArray(field->type(), value, 1);
        if (!array.ok()) continue;
        auto v = compute::StatisticValueOf(**array, 0);
        st.min = v;
        st.max = v;
        // A file's rows share their partition values: all null or none.
        st.null_count = v ? 0 : st.num_rows;
        if (!v) st.num_rows = std::max<int64_t>(st.num_rows, 1), st.null_count = st.num_rows;
        stats_.emplace(name, std::move(st));
        continue;
      }
      if (!have_json || !num_records) continue;
      simdjson::dom::element e;
      if (!root["nullCount"][physical].get(e)) {
        int64_t n;
        if (!e.get(n)) st.null_count = n;
      }
      if (!root["minValues"][physical].get(e)) st.min = StatsValue(e, field->type(), false);
      if (!root["maxValues"][physical].get(e)) st.max = StatsValue(e, field->type(), true);
      // Bounds are only usable in pairs.
      if (!st.min || !st.max) st.min.reset(), st.max.reset();
      stats_.emplace(name, std::move(st));
    }
  }

  compute::StatisticsLookup Lookup() const {
    return [this](std::string_view column) -> const ColumnStatistics* {
      auto it = stats_.find(std::string(column));
      return it == stats_.end() ? nullptr : &it->second;
    };
  }

 private:
  const Snapshot& snapshot_;
  const std::set<std::string>& columns_;
  simdjson::dom::parser* parser_;
  std::map<std::string, ColumnStatistics> stats_;
};

// How every file of a scan is read.
struct ScanPlan {
  SnapshotPtr snapshot;
  ScanOptions options;
  std::vector<size_t> files;
  SchemaPtr output;           // the requested columns
  SchemaPtr working;          // requested columns + filter columns, schema order
  std::vector<int> output_in_working;
  SchemaPtr data_schema;      // data (non-partition) columns of `working`
  std::vector<std::string> data_physical;  // their physical names
  ExpressionPtr pushed;       // conjuncts on data columns, physical names
  bool filter_fully_pushed = false;
};

bool IsPartitionColumn(const Snapshot& snapshot, const std::string& name) {
  const auto& p = snapshot.metadata().partition_columns;
  return std::find(p.begin(), p.end(), name) != p.end();
}

Result<std::shared_ptr<ScanPlan>> MakePlan(SnapshotPtr snapshot, ScanOptions options) {
  auto plan = std::make_shared<ScanPlan>();
  const auto& schema = *snapshot->schema();
  QUIRE_ASSIGN_OR_RETURN(plan->output, ScanSchema(*snapshot, options.columns));
  std::set<std::string> wanted;
  for (const auto& f : plan->output->fields()) wanted.insert(f->name());
  std::set<std::string> filter_columns;
  if (options.filter) {
    CollectColumns(*options.filter, &filter_columns);
    for (const auto& c : filter_columns) {
      if (schema.GetFieldIndex(c) < 0) {
        return Status::NotFound("the filter names column '{}', which the table does not have",
                                c);
      }
      wanted.insert(c);
    }
  }
  columnar::FieldVector working, data;
  for (const auto& f : schema.fields()) {
    if (!wanted.contains(f->name())) continue;
    working.push_back(f);
    if (!IsPartitionColumn(*snapshot, f->name())) {
      data.push_back(f);
      plan->data_physical.push_back(PhysicalName(*f, snapshot->column_mapping_mode()));
    }
  }
  plan->working = columnar::schema(working);
  plan->data_schema = columnar::schema(data);
  for (const auto& f : plan->output->fields()) {
    plan->output_in_working.push_back(plan->working->GetFieldIndex(f->name()));
  }
  if (options.filter) {
    // Conjuncts on data columns only go to the Parquet reader, under physical names.
    std::map<std::string, std::string> physical;
    for (size_t i = 0; i < data.size(); ++i) physical[data[i]->name()] = plan->data_physical[i];
    std::vector<ExpressionPtr> parts, pushed;
    Conjuncts(options.filter, &parts);
    for (const auto& part : parts) {
      std::set<std::string> cols;
      CollectColumns(*part, &cols);
      bool data_only = true;
      for (const auto& c : cols) data_only &= physical.contains(c);
      if (data_only) pushed.push_back(Rename(part, physical));
    }
    plan->filter_fully_pushed = pushed.size() == parts.size();
    for (const auto& p : pushed) plan->pushed = plan->pushed ? Expression::And(plan->pushed, p) : p;
    // Fail early on filters that do not fit the schema (a literal of the wrong type).
    QUIRE_ASSIGN_OR_RETURN(auto empty, columnar::RecordBatch::Make(
                                           plan->working, 0, [&] {
                                             columnar::ArrayVector cols;
                                             for (const auto& f : working) {
                                               cols.push_back(*columnar::MakeArrayOfNulls(
                                                   f->type(), 0));
                                             }
                                             return cols;
                                           }()));
    QUIRE_RETURN_NOT_OK(compute::Evaluate(*options.filter, *empty).status());
  }
  QUIRE_ASSIGN_OR_RETURN(plan->files,
                         PlanScanFiles(*snapshot, options.filter.get(), options.report));
  if (options.files) {
    std::set<size_t> only(options.files->begin(), options.files->end());
    std::erase_if(plan->files, [&](size_t i) { return !only.contains(i); });
  }
  plan->snapshot = std::move(snapshot);
  plan->options = std::move(options);
  return plan;
}

// Keep the rows of [first, first + n) that `dv` does not delete.
Result<RecordBatchPtr> DropDeleted(const RecordBatchPtr& batch, int64_t first,
                                   const DeletionVector& dv, int64_t* dropped) {
  std::vector<int64_t> deleted;
  const int64_t n = batch->num_rows();
  dv.DeletedInRange(uint64_t(first), n, &deleted);
  if (deleted.empty()) return batch;
  *dropped += int64_t(deleted.size());
  std::vector<std::pair<int64_t, int64_t>> runs;
  int64_t start = 0;
  for (int64_t at : deleted) {
    if (at > start) runs.emplace_back(start, at - start);
    start = at + 1;
  }
  if (n > start) runs.emplace_back(start, n - start);
  return compute::Filter(*batch, runs);
}

// Read one file of the plan, passing finished batches to `emit` (which returns
// false to stop).
Status ReadFile(const ScanPlan& plan, const AddFile& add, ScanReport* report,
                const std::function<bool(RecordBatchPtr)>& emit) {
  const Snapshot& snap = *plan.snapshot;
  QUIRE_ASSIGN_OR_RETURN(std::string path, snap.DataFilePath(add.path));
  io::ReadOptions ro_file;
  if (add.size > 0) ro_file.size = add.size;
  QUIRE_ASSIGN_OR_RETURN(auto file, snap.fs()->OpenRead(path, ro_file));
  QUIRE_ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(std::move(file)));
  std::optional<DeletionVector> dv;
  if (add.deletion_vector) {
    QUIRE_ASSIGN_OR_RETURN(dv, ReadDeletionVector(*snap.fs(), snap.table_root(),
                                                  *add.deletion_vector));
  }
  parquet::ReadOptions ro;
  ro.batch_rows = plan.options.batch_rows;
  ro.num_threads = plan.files.size() == 1 ? plan.options.num_threads : 1;
  const auto& file_schema = *reader->schema();
  for (const auto& name : plan.data_physical) {
    if (file_schema.GetFieldIndex(name) >= 0) ro.columns.push_back(name);
  }
  // Deletion vectors index rows by position, so those files are read whole.
  bool pushed = false;
  if (plan.pushed && !dv) {
    bool all_present = true;
    std::set<std::string> cols;
    CollectColumns(*plan.pushed, &cols);
    for (const auto& c : cols) all_present &= file_schema.GetFieldIndex(c) >= 0;
    if (all_present) {
      ro.filter = plan.pushed;
      ro.exact_filter = plan.options.exact_filter;
      pushed = true;
    }
  }
  parquet::ReadStats stats;
  ro.stats = &stats;
  if (ro.columns.empty() && reader->schema()->num_fields() > 0) {
    // Only partition columns (or none) are wanted: rows still have to be counted.
    ro.columns.push_back(reader->schema()->field(0)->name());
  }
  QUIRE_ASSIGN_OR_RETURN(auto batches, reader->Read(ro));
  int64_t first_row = 0;
  int64_t deleted = 0, returned = 0;
  const bool refilter =
      plan.options.filter && plan.options.exact_filter && !(pushed && plan.filter_fully_pushed);
  Status status;
  for (;;) {
    QUIRE_ASSIGN_OR_RETURN(RecordBatchPtr batch, batches->Next());
    if (!batch) break;
    const int64_t rows = batch->num_rows();
    if (dv) {
      QUIRE_ASSIGN_OR_RETURN(batch, DropDeleted(batch, first_row, *dv, &deleted));
    }
    first_row += rows;
    // To the table's logical data columns, then the partition columns.
    QUIRE_ASSIGN_OR_RETURN(
        auto data, AdaptBatch(*batch, *plan.data_schema, snap.column_mapping_mode()));
    columnar::ArrayVector columns;
    int data_index = 0;
    for (const auto& field : plan.working->fields()) {
      if (IsPartitionColumn(snap, field->name())) {
        const std::string physical = PhysicalName(*field, snap.column_mapping_mode());
        auto it = add.partition_values.find(physical);
        std::optional<std::string> value;
        if (it != add.partition_values.end()) value = it->second;
        auto array = PartitionValueArray(field->type(), value, data->num_rows());
        if (!array.ok()) {
          return Status::Corrupt("{}: partition column '{}': {}", add.path, field->name(),
                                 array.status().message());
        }
        columns.push_back(std::move(*array));
      } else {
        columns.push_back(data->column(data_index++));
      }
    }
    RecordBatchPtr full =
        std::make_shared<RecordBatch>(plan.working, data->num_rows(), std::move(columns));
    if (refilter) {
      QUIRE_ASSIGN_OR_RETURN(auto mask, compute::Evaluate(*plan.options.filter, *full));
      QUIRE_ASSIGN_OR_RETURN(full, compute::Filter(*full, *mask));
    }
    QUIRE_ASSIGN_OR_RETURN(auto out, full->SelectColumns(plan.output_in_working));
    out = std::make_shared<RecordBatch>(plan.output, out->num_rows(), out->columns());
    if (out->num_rows() == 0) continue;
    returned += out->num_rows();
    if (!emit(std::move(out))) break;
  }
  if (report) {
    report->rows_deleted += deleted;
    report->rows_returned += returned;
    report->parquet += stats;
  }
  return Status::OK();
}

// Reads the plan's files on worker threads, a window of files at a time, and hands
// their batches out in file order.
class ScanReader final : public columnar::RecordBatchReader {
 public:
  explicit ScanReader(std::shared_ptr<ScanPlan> plan) : plan_(std::move(plan)) {
    int threads = plan_->options.num_threads;
    if (threads <= 0) threads = int(std::max(1u, std::thread::hardware_concurrency()));
    threads = int(std::min<size_t>(size_t(threads), std::max<size_t>(plan_->files.size(), 1)));
    window_ = size_t(threads) + 1;
    slots_.resize(plan_->files.size());
    for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { Work(); });
  }

  ~ScanReader() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& w : workers_) w.join();
  }

  SchemaPtr schema() const override { return plan_->output; }

  Result<RecordBatchPtr> Next() override {
    std::unique_lock<std::mutex> lock(mutex_);
    while (current_ < slots_.size()) {
      Slot& slot = slots_[current_];
      cv_.wait(lock, [&] { return !slot.batches.empty() || slot.done || stop_; });
      if (!slot.batches.empty()) {
        RecordBatchPtr batch = std::move(slot.batches.front());
        slot.batches.pop_front();
        cv_.notify_all();
        return batch;
      }
      if (!slot.status.ok()) {
        stop_ = true;
        cv_.notify_all();
        return slot.status;
      }
      if (slot.done) {
        ++current_;
        cv_.notify_all();
        continue;
      }
      return nullptr;
    }
    if (!reported_ && plan_->options.report) {
      reported_ = true;
      Accumulate(*plan_->options.report, report_);
    }
    return nullptr;
  }

 private:
  struct Slot {
    std::deque<RecordBatchPtr> batches;
    bool done = false;
    Status status;
  };

  void Work() {
    for (;;) {
      size_t index;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        cv_.wait(lock, [&] { return stop_ || next_ >= slots_.size() || next_ < current_ + window_; });
        if (stop_ || next_ >= slots_.size()) return;
        index = next_++;
      }
      const AddFile& add = plan_->snapshot->files()[plan_->files[index]];
      ScanReport local;
      Status status = ReadFile(*plan_, add, &local, [&](RecordBatchPtr batch) {
        std::unique_lock<std::mutex> lock(mutex_);
        Slot& slot = slots_[index];
        cv_.wait(lock, [&] {
          // Bounded for the file being consumed too: its reader waits for the
          // consumer like the others.
          return stop_ ||
                 int(slot.batches.size()) < std::max(1, plan_->options.max_buffered_batches);
        });
        if (stop_) return false;
        slot.batches.push_back(std::move(batch));
        cv_.notify_all();
        return true;
      });
      std::lock_guard<std::mutex> lock(mutex_);
      local.files_scanned = 1;
      local.bytes_scanned = add.size;
      Accumulate(report_, local);
      if (plan_->options.on_file_read) plan_->options.on_file_read(add.size);
      slots_[index].done = true;
      if (!status.ok()) slots_[index].status = std::move(status);
      cv_.notify_all();
    }
  }

  std::shared_ptr<ScanPlan> plan_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Slot> slots_;
  size_t current_ = 0;  // the file being consumed
  size_t next_ = 0;     // the next file to start
  size_t window_ = 1;
  bool stop_ = false;
  bool reported_ = false;
  ScanReport report_;
  std::vector<std::thread> workers_;
};

}  // namespace

std::string ScanReport::ToString() const {
  return fmt::format(
      "files: {} in the snapshot, {} pruned by partition values, {} by file statistics, "
      "{} scanned ({} bytes)\n"
      "row groups: {} considered, {} pruned ({} by bloom filters); pages pruned: {}\n"
      "rows: {} read, {} deleted by deletion vectors, {} returned",
      files, files_pruned_by_partition, files_pruned_by_stats, files_scanned, bytes_scanned,
      parquet.row_groups, parquet.row_groups_pruned, parquet.row_groups_pruned_by_bloom,
      parquet.pages_pruned, parquet.rows_read, rows_deleted, rows_returned);
}

Result<std::vector<size_t>> PlanScanFiles(const Snapshot& snapshot, const Expression* filter,
                                          ScanReport* report) {
  const auto& files = snapshot.files();
  if (report) report->files += int64_t(files.size());
  std::vector<size_t> kept;
  kept.reserve(files.size());
  if (!filter) {
    for (size_t i = 0; i < files.size(); ++i) kept.push_back(i);
    return kept;
  }
  std::set<std::string> columns;
  CollectColumns(*filter, &columns);
  simdjson::dom::parser parser;
  FileFacts facts(snapshot, columns, &parser);
  for (size_t i = 0; i < files.size(); ++i) {
    facts.Load(files[i], false);
    if (!compute::MayMatch(*filter, facts.Lookup())) {
      if (report) ++report->files_pruned_by_partition;
      continue;
    }
    if (files[i].stats) {
      facts.Load(files[i], true);
      if (!compute::MayMatch(*filter, facts.Lookup())) {
        if (report) ++report->files_pruned_by_stats;
        continue;
      }
    }
    kept.push_back(i);
  }
  return kept;
}

bool FileMayMatch(const Snapshot& snapshot, const AddFile& add, const Expression& filter) {
  std::set<std::string> columns;
  CollectColumns(filter, &columns);
  simdjson::dom::parser parser;
  FileFacts facts(snapshot, columns, &parser);
  facts.Load(add, true);
  return compute::MayMatch(filter, facts.Lookup());
}

bool IsPartitionPredicate(const Snapshot& snapshot, const Expression& predicate) {
  std::set<std::string> columns;
  CollectColumns(predicate, &columns);
  for (const auto& c : columns) {
    if (!IsPartitionColumn(snapshot, c)) return false;
  }
  return true;
}

Result<std::optional<bool>> EvaluateOnPartition(const Snapshot& snapshot, const AddFile& add,
                                                const Expression& predicate) {
  if (!IsPartitionPredicate(snapshot, predicate)) {
    return Status::Invalid("{} names columns that are not partition columns",
                           predicate.ToString());
  }
  columnar::FieldVector fields;
  columnar::ArrayVector columns;
  for (const auto& name : snapshot.metadata().partition_columns) {
    const int index = snapshot.schema()->GetFieldIndex(name);
    if (index < 0) continue;
    const FieldPtr& field = snapshot.schema()->field(index);
    auto it = add.partition_values.find(PhysicalName(*field, snapshot.column_mapping_mode()));
    std::optional<std::string> value;
    if (it != add.partition_values.end()) value = it->second;
    QUIRE_ASSIGN_OR_RETURN(auto array, PartitionValueArray(field->type(), value, 1));
    fields.push_back(field);
    columns.push_back(std::move(array));
  }
  RecordBatch row(columnar::schema(fields), 1, std::move(columns));
  QUIRE_ASSIGN_OR_RETURN(auto mask, compute::Evaluate(predicate, row));
  if (mask->IsNull(0)) return std::optional<bool>();
  return std::optional<bool>(util::GetBit(mask->buffer(1)->data(), mask->offset()));
}

Result<SchemaPtr> ScanSchema(const Snapshot& snapshot, const std::vector<std::string>& columns) {
  const auto& schema = snapshot.schema();
  if (columns.empty()) return schema;
  columnar::FieldVector fields;
  for (const auto& name : columns) {
    const int index = schema->GetFieldIndex(name);
    if (index < 0) {
      std::vector<std::string> names;
      for (const auto& f : schema->fields()) names.push_back(f->name());
      return Status::NotFound("the table has no column '{}' (columns: {})", name,
                              fmt::join(names, ", "));
    }
    fields.push_back(schema->field(index));
  }
  return columnar::schema(std::move(fields));
}

Result<std::unique_ptr<columnar::RecordBatchReader>> Scan(SnapshotPtr snapshot,
                                                          ScanOptions options) {
  QUIRE_ASSIGN_OR_RETURN(auto plan, MakePlan(std::move(snapshot), std::move(options)));
  return std::unique_ptr<columnar::RecordBatchReader>(new ScanReader(std::move(plan)));
}

Result<columnar::TablePtr> ScanToTable(SnapshotPtr snapshot, ScanOptions options) {
  QUIRE_ASSIGN_OR_RETURN(auto reader, Scan(std::move(snapshot), std::move(options)));
  QUIRE_ASSIGN_OR_RETURN(auto batches, reader->ReadAll());
  return columnar::Table::FromBatches(reader->schema(), std::move(batches));
}

}  // namespace quire::table
