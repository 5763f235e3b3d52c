/// \file quire/cli/cat.cc
/// \brief `quire cat FILE`: print the rows of a Parquet file.

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "quire/cli/commands.h"
#include "quire/columnar/json.h"
#include "quire/columnar/pretty_print.h"
#include "quire/compute/expression.h"
#include "quire/io/random_access_file.h"
#include "quire/parquet/file_reader.h"

namespace quire::cli {

int ExitCodeFor(const Status& st) {
  switch (st.code()) {
    case ErrorCode::kOk: return kExitOk;
    case ErrorCode::kInvalidArgument: return kExitUsage;
    case ErrorCode::kNotFound: return kExitNotFound;
    case ErrorCode::kCommitConflict: return kExitConflict;
    case ErrorCode::kCorrupt: return kExitCorrupt;
    default: return kExitError;
  }
}

namespace {

// Columns an expression reads.
void CollectColumns(const compute::Expression& e, std::vector<std::string>* out) {
  if (e.kind() == compute::Expression::Kind::kColumn) {
    if (std::find(out->begin(), out->end(), e.column()) == out->end()) out->push_back(e.column());
    return;
  }
  if (e.left()) CollectColumns(*e.left(), out);
  if (e.right()) CollectColumns(*e.right(), out);
}

// The next batch that has rows left after the --where filter, or nullptr at the end.
Result<columnar::RecordBatchPtr> NextFiltered(columnar::RecordBatchReader& batches,
                                              const compute::Expression* where) {
  while (true) {
    QUIRE_ASSIGN_OR_RETURN(auto batch, batches.Next());
    if (!batch || !where) return batch;
    QUIRE_ASSIGN_OR_RETURN(auto mask, compute::Evaluate(*where, *batch));
    QUIRE_ASSIGN_OR_RETURN(auto kept, compute::Filter(*batch, *mask));
    if (kept->num_rows() > 0) return kept;
  }
}

Status Cat(const CatOptions& o) {
  compute::ExpressionPtr where;
  if (!o.where.empty()) {
    auto parsed = compute::ParseExpression(o.where);
    if (!parsed.ok()) return parsed.status().WithContext("--where");
    where = *parsed;
  }
  QUIRE_ASSIGN_OR_RETURN(auto file, io::OpenLocalFile(o.path));
  QUIRE_ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(std::move(file)));
  parquet::ReadOptions ro;
  // --where may name columns that are not printed: read them too, drop them after.
  ro.columns = o.columns;
  ro.verify_crc = o.verify_crc;
  QUIRE_ASSIGN_OR_RETURN(auto batches, reader->Read(ro));
  int64_t printed = 0;
  std::vector<int> shown;  // indices of the printed columns in each batch
  if (!o.columns.empty() && where) {
    std::vector<std::string> needed = o.columns;
    CollectColumns(*where, &needed);
    ro.columns = needed;
    for (size_t i = 0; i < o.columns.size(); ++i) shown.push_back(int(i));
    QUIRE_ASSIGN_OR_RETURN(batches, reader->Read(ro));
  }
  auto project = [&](const columnar::RecordBatchPtr& b) -> Result<columnar::RecordBatchPtr> {
    if (shown.empty()) return b;
    return b->SelectColumns(shown);
  };
  if (o.format == "table") {
    std::vector<columnar::RecordBatchPtr> all;
    while (true) {
      QUIRE_ASSIGN_OR_RETURN(auto b, NextFiltered(*batches, where.get()));
      if (!b) break;
      QUIRE_ASSIGN_OR_RETURN(auto p, project(b));
      all.push_back(std::move(p));
      printed += all.back()->num_rows();
      if (o.limit >= 0 && printed >= o.limit) break;
    }
    columnar::SchemaPtr schema = all.empty() ? nullptr : all[0]->schema();
    if (!schema) {
      QUIRE_ASSIGN_OR_RETURN(auto empty, reader->Read(ro));
      schema = empty->schema();
      if (!shown.empty()) {
        columnar::FieldVector f;
        for (int i : shown) f.push_back(schema->field(i));
        schema = columnar::schema(std::move(f));
      }
    }
    QUIRE_ASSIGN_OR_RETURN(auto table, columnar::Table::FromBatches(schema, all));
    auto shown = o.limit >= 0 ? table->Slice(0, o.limit) : table;
    fmt::print("{}", columnar::PrettyPrint(*shown, {.max_rows = o.limit >= 0 ? o.limit : 50}));
    return Status::OK();
  }
  std::string line;
  while (o.limit < 0 || printed < o.limit) {
    QUIRE_ASSIGN_OR_RETURN(auto filtered, NextFiltered(*batches, where.get()));
    if (!filtered) break;
    QUIRE_ASSIGN_OR_RETURN(auto batch, project(filtered));
    for (int64_t r = 0; r < batch->num_rows() && (o.limit < 0 || printed < o.limit); ++r) {
      line.clear();
      line.push_back('[');
      for (int c = 0; c < batch->num_columns(); ++c) {
        if (c) line.push_back(',');
        columnar::AppendJsonValue(*batch->column(c), r, &line, batch->schema()->field(c).get());
      }
      line += "]\n";
      std::fwrite(line.data(), 1, line.size(), stdout);
      ++printed;
    }
  }
  return Status::OK();
}

}  // namespace

int RunCat(const CatOptions& options) {
  Status st = Cat(options);
  if (!st.ok()) {
    fmt::print(stderr, "quire cat: {}\n", st.ToString());
    return ExitCodeFor(st);
  }
  return kExitOk;
}

}  // namespace quire::cli
