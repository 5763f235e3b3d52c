/// \file tests/table/table_writer_main.cc
/// \brief quire_table_writer TABLE WRITER COUNT ROWS: append COUNT commits of ROWS
/// rows each to the table at TABLE (created on first use), rows (writer, seq, i).
/// The concurrency tests run several at once, and kill some midway.

#include <cstdio>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "quire/columnar/type_parse.h"
#include "quire/io/input_stream.h"
#include "quire/table/transaction.h"
#include "quire/text/jsonl_reader.h"

int main(int argc, char** argv) {
  using namespace quire;
  if (argc != 5) {
    std::fprintf(stderr, "usage: quire_table_writer TABLE WRITER COUNT ROWS\n");
    return 2;
  }
  const std::string url = argv[1];
  const int writer = std::atoi(argv[2]);
  const int count = std::atoi(argv[3]);
  const int rows = std::atoi(argv[4]);
  auto table = table::Table::Open(url);
  if (!table.ok()) {
    std::fprintf(stderr, "%s\n", table.status().ToString().c_str());
    return 1;
  }
  auto schema = columnar::ParseSchema("writer: int64, seq: int64, i: int64");
  for (int seq = 0; seq < count; ++seq) {
    std::string jsonl;
    for (int i = 0; i < rows; ++i) {
      jsonl += fmt::format("{{\"writer\":{},\"seq\":{},\"i\":{}}}\n", writer, seq, i);
    }
    text::JsonlReadOptions options;
    options.schema = *schema;
    auto reader = text::JsonlReader::Open(io::MakeStringInput(jsonl), options);
    if (!reader.ok()) return 1;
    table::WriteOptions write;
    // Several writers may race to create the table: the losers retry as appends.
    for (int attempt = 0;; ++attempt) {
      auto result = table::WriteTable(**table, **reader, write);
      if (result.ok()) {
        std::printf("%d %d %lld\n", writer, seq, static_cast<long long>(result->version));
        std::fflush(stdout);
        break;
      }
      if (result.status().code() == ErrorCode::kCommitConflict && attempt < 5) {
        reader = text::JsonlReader::Open(io::MakeStringInput(jsonl), options);
        continue;
      }
      std::fprintf(stderr, "%s\n", result.status().ToString().c_str());
      return 1;
    }
  }
  return 0;
}
