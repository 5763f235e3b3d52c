/// \file quire/cli/cat.cc
/// \brief `quire cat FILE`: print the rows of a Parquet file.

#include <cstdio>

#include <fmt/format.h>

#include "quire/cli/commands.h"
#include "quire/columnar/json.h"
#include "quire/columnar/pretty_print.h"
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

Status Cat(const CatOptions& o) {
  QUIRE_ASSIGN_OR_RETURN(auto file, io::OpenLocalFile(o.path));
  QUIRE_ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(std::move(file)));
  parquet::ReadOptions ro;
  ro.columns = o.columns;
  ro.verify_crc = o.verify_crc;
  QUIRE_ASSIGN_OR_RETURN(auto batches, reader->Read(ro));
  int64_t printed = 0;
  if (o.format == "table") {
    QUIRE_ASSIGN_OR_RETURN(auto table, columnar::Table::FromReader(*batches));
    auto shown = o.limit >= 0 ? table->Slice(0, o.limit) : table;
    fmt::print("{}", columnar::PrettyPrint(*shown, {.max_rows = o.limit >= 0 ? o.limit : 50}));
    return Status::OK();
  }
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
