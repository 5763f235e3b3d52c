/// \file quire/cli/cat.cc
/// \brief `quire cat FILE`: print the rows of a Parquet file.

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "quire/cli/commands.h"
#include "quire/columnar/array_internal.h"
#include "quire/columnar/json.h"
#include "quire/columnar/pretty_print.h"
#include "quire/compute/expression.h"
#include "quire/io/file_system.h"
#include "quire/io/random_access_file.h"
#include "quire/parquet/file_reader.h"

namespace quire::cli {

int ExitCodeFor(const Status& st) {
  switch (st.code()) {
    case ErrorCode::kOk: return kExitOk;
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kSchemaMismatch: return kExitUsage;
    case ErrorCode::kNotFound: return kExitNotFound;
    case ErrorCode::kCommitConflict: return kExitConflict;
    case ErrorCode::kCorrupt: return kExitCorrupt;
    default: return kExitError;
  }
}

namespace {

// RFC 4180: a field holding a comma, a quote or a line break, or that is empty
// (an empty string, told apart from a null), is quoted with quotes doubled.
void AppendCsvField(std::string_view text, bool force_quotes, std::string* out) {
  const bool quote = force_quotes || text.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote) {
    out->append(text);
    return;
  }
  out->push_back('"');
  for (char ch : text) {
    if (ch == '"') out->push_back('"');
    out->push_back(ch);
  }
  out->push_back('"');
}

// One CSV field: nulls are empty, strings are their text, other scalars their
// canonical rendering without JSON quotes, nested values their canonical JSON.
void AppendCsvValue(const columnar::Array& array, int64_t row, const columnar::Field* field,
                    std::string* out) {
  if (array.IsNull(row)) return;
  const auto id = array.type_id();
  const columnar::Array* values = &array;
  int64_t slot = row;
  if (id == columnar::TypeId::kDictionary) {
    values = array.dictionary().get();
    slot = columnar::internal::DictionaryIndex(array, row);
  }
  const auto vid = values->type_id();
  if (vid == columnar::TypeId::kString || vid == columnar::TypeId::kLargeString ||
      vid == columnar::TypeId::kStringView) {
    const std::string_view text = columnar::GetBytes(*values, slot);
    AppendCsvField(text, text.empty(), out);
    return;
  }
  std::string json;
  columnar::AppendJsonValue(array, row, &json, field);
  if (json.size() >= 2 && json.front() == '"' && json.back() == '"') {
    // Dates, times, decimals, hex: strings without escapes.
    AppendCsvField(std::string_view(json).substr(1, json.size() - 2), false, out);
    return;
  }
  AppendCsvField(json, false, out);
}

Status Cat(const CatOptions& o) {
  parquet::ReadOptions ro;
  ro.columns = o.columns;
  ro.verify_crc = o.verify_crc;
  parquet::ReadStats stats;
  ro.stats = &stats;
  if (!o.where.empty()) {
    auto parsed = compute::ParseExpression(o.where);
    if (!parsed.ok()) return parsed.status().WithContext("--where");
    ro.filter = *parsed;
  }
  QUIRE_ASSIGN_OR_RETURN(auto file, io::OpenReadUrl(o.path));
  QUIRE_ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(std::move(file)));
  QUIRE_ASSIGN_OR_RETURN(auto batches, reader->Read(ro));
  int64_t printed = 0;
  if (o.format == "table") {
    std::vector<columnar::RecordBatchPtr> all;
    while (o.limit < 0 || printed < o.limit) {
      QUIRE_ASSIGN_OR_RETURN(auto b, batches->Next());
      if (!b) break;
      printed += b->num_rows();
      all.push_back(std::move(b));
    }
    QUIRE_ASSIGN_OR_RETURN(auto table, columnar::Table::FromBatches(batches->schema(), all));
    auto shown = o.limit >= 0 ? table->Slice(0, o.limit) : table;
    fmt::print("{}", columnar::PrettyPrint(*shown, {.max_rows = o.limit >= 0 ? o.limit : 50}));
  } else if (o.format == "csv") {
    std::string line;
    const auto& schema = *batches->schema();
    for (int c = 0; c < schema.num_fields(); ++c) {
      if (c) line.push_back(',');
      AppendCsvField(schema.field(c)->name(), false, &line);
    }
    line += "\r\n";
    std::fwrite(line.data(), 1, line.size(), stdout);
    while (o.limit < 0 || printed < o.limit) {
      QUIRE_ASSIGN_OR_RETURN(auto batch, batches->Next());
      if (!batch) break;
      for (int64_t r = 0; r < batch->num_rows() && (o.limit < 0 || printed < o.limit); ++r) {
        line.clear();
        for (int c = 0; c < batch->num_columns(); ++c) {
          if (c) line.push_back(',');
          AppendCsvValue(*batch->column(c), r, batch->schema()->field(c).get(), &line);
        }
        line += "\r\n";
        std::fwrite(line.data(), 1, line.size(), stdout);
        ++printed;
      }
    }
  } else {
    std::string line;
    while (o.limit < 0 || printed < o.limit) {
      QUIRE_ASSIGN_OR_RETURN(auto batch, batches->Next());
      if (!batch) break;
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
  }
  if (o.show_stats) {
    fmt::print(stderr,
               "row groups: {} of {} pruned, {} of them by bloom filters ({} bytes of filters "
               "read); pages: {} pruned by the page index ({} bytes not read, {} rows "
               "skipped); "
               "rows: {} decoded, {} kept\n",
               stats.row_groups_pruned, stats.row_groups, stats.row_groups_pruned_by_bloom,
               stats.bloom_filter_bytes_read, stats.pages_pruned, stats.bytes_not_read,
               stats.rows_pruned, stats.rows_read, stats.rows_returned);
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
