/// \file tests/parquet/pruning_test.cc
/// \brief Row-group pruning by statistics never changes a result: for predicates
/// built from each column's own values, a filtered read returns exactly the rows an
/// unpruned read keeps when filtered row by row.
#include <limits>
#include <random>

#include <gtest/gtest.h>

#include "corpus.h"
#include "quire/columnar/json.h"
#include "quire/columnar/temporal.h"
#include "quire/compute/expression.h"
#include "quire/io/random_access_file.h"
#include "quire/parquet/file_reader.h"
#include "quire/testing/matchers.h"

namespace quire::parquet {
namespace {

using columnar::TypeId;
using compute::Expression;
using compute::Literal;

// A literal holding slot `i` of `a`, or nullopt for types the language cannot spell.
std::optional<Literal> LiteralOf(const columnar::Array& a, int64_t i) {
  if (a.IsNull(i)) return std::nullopt;
  Literal l;
  const auto& t = *a.type();
  switch (t.id()) {
    case TypeId::kInt8: l.kind = Literal::Kind::kInt; l.int_value = a.values<int8_t>()[i]; break;
    case TypeId::kInt16: l.kind = Literal::Kind::kInt; l.int_value = a.values<int16_t>()[i]; break;
    case TypeId::kInt32: l.kind = Literal::Kind::kInt; l.int_value = a.values<int32_t>()[i]; break;
    case TypeId::kInt64: l.kind = Literal::Kind::kInt; l.int_value = a.values<int64_t>()[i]; break;
    case TypeId::kFloat32: l.kind = Literal::Kind::kDouble; l.double_value = a.values<float>()[i]; break;
    case TypeId::kFloat64: l.kind = Literal::Kind::kDouble; l.double_value = a.values<double>()[i]; break;
    case TypeId::kString:
      l.kind = Literal::Kind::kString;
      l.string_value = std::string(columnar::GetBytes(a, i));
      break;
    case TypeId::kDate32:
      l.kind = Literal::Kind::kString;
      l.string_value = columnar::FormatDate(a.values<int32_t>()[i]);
      break;
    case TypeId::kTimestamp: {
      l.kind = Literal::Kind::kString;
      l.string_value = columnar::FormatTimestamp(a.values<int64_t>()[i], t.unit());
      break;
    }
    case TypeId::kBool: l.kind = Literal::Kind::kBool; l.bool_value = columnar::BoolView(a).Value(i); break;
    default: return std::nullopt;
  }
  if (l.kind == Literal::Kind::kDouble && std::isnan(l.double_value)) return std::nullopt;
  return l;
}

// The rows of a read of `path` with `filter` pushed down (pruning row groups).
// Late materialisation and the thread pool alternate from call to call, so every
// path (inline, and pipelined on a pool) sees every kind of file and predicate.
Result<std::string> PrunedRows(const std::string& path, const compute::ExpressionPtr& filter,
                               ReadStats* stats) {
  static int calls = 0;
  QUIRE_ASSIGN_OR_RETURN(auto file, io::OpenLocalFile(path));
  QUIRE_ASSIGN_OR_RETURN(auto reader, FileReader::Open(std::move(file)));
  ReadOptions options;
  options.filter = filter;
  options.stats = stats;
  options.late_materialize = calls % 2 == 0;
  options.num_threads = calls % 4 < 2 ? 0 : 1;
  ++calls;
  QUIRE_ASSIGN_OR_RETURN(auto table, reader->ReadTable(options));
  return columnar::RowsToJson(*table);
}

// The rows of `table` (read without pruning) that `filter` keeps, row by row.
Result<std::string> ExpectedRows(const columnar::Table& table, const compute::ExpressionPtr& filter) {
  std::vector<columnar::RecordBatchPtr> kept;
  for (const auto& b : table.ToBatches()) {
    QUIRE_ASSIGN_OR_RETURN(auto mask, compute::Evaluate(*filter, *b));
    QUIRE_ASSIGN_OR_RETURN(auto f, compute::Filter(*b, *mask));
    kept.push_back(std::move(f));
  }
  QUIRE_ASSIGN_OR_RETURN(auto out, columnar::Table::FromBatches(table.schema(), kept));
  return columnar::RowsToJson(*out);
}

TEST(PruningTest, PrunedReadsReturnExactlyTheMatchingRows) {
  ReadStats stats;
  int predicates = 0;
  for (const auto& path : test::CorpusFiles()) {
    const std::string p = path.string();
    if (!test::ReadableCandidate(path) || p.find("shredded_variant") != std::string::npos ||
        // Their page data was damaged after writing: the page indexes describe the
        // values as written, so pruning by them rightly disagrees with the damage.
        p.find("corrupt-checksum") != std::string::npos) {
      continue;
    }
    auto read = test::ReadWhole(path);
    if (!read || read->table->num_rows() == 0) continue;
    const columnar::TablePtr& table = read->table;
    ASSERT_OK_AND_ASSIGN(auto combined, table->CombineChunks());
    for (int c = 0; c < combined->num_columns(); ++c) {
      const auto& column = *combined->column(c)->chunks()[0];
      const std::string name = combined->schema()->field(c)->name();
      const int64_t n = column.length();
      for (int64_t row : {int64_t(0), n / 2, n - 1}) {
        const auto literal = LiteralOf(column, row);
        if (!literal) continue;
        for (auto op : {Expression::CompareOp::kEq, Expression::CompareOp::kLt,
                        Expression::CompareOp::kGe}) {
          auto filter = Expression::Compare(op, Expression::Column(name),
                                            Expression::Constant(*literal));
          auto expected = ExpectedRows(*table, filter);
          if (!expected.ok()) continue;  // a comparison the evaluator refuses
          ASSERT_OK_AND_ASSIGN(auto actual, PrunedRows(p, filter, &stats));
          ASSERT_EQ(actual, expected.ValueOrDie()) << p << ": " << filter->ToString();
          ++predicates;
        }
      }
      auto nulls = Expression::IsNull(Expression::Column(name), false);
      auto expected = ExpectedRows(*table, nulls);
      if (expected.ok()) {
        ASSERT_OK_AND_ASSIGN(auto actual, PrunedRows(p, nulls, &stats));
        ASSERT_EQ(actual, *expected) << p << ": " << nulls->ToString();
      }
    }
  }
  EXPECT_GT(predicates, 500);
  EXPECT_GT(stats.row_groups_pruned, 100) << "statistics should skip row groups somewhere";
  EXPECT_GT(stats.pages_pruned, 100) << "page indexes should skip pages somewhere";
  RecordProperty("row_groups_pruned", stats.row_groups_pruned);
  RecordProperty("row_groups", stats.row_groups);
}

const std::string kTinyPages = (test::CorpusRoot() / "data/alltypes_tiny_pages.parquet").string();

TEST(PageIndexTest, SkipsPagesThatCannotMatch) {
  ASSERT_OK_AND_ASSIGN(auto file, io::OpenLocalFile(kTinyPages));
  ASSERT_OK_AND_ASSIGN(auto reader, FileReader::Open(std::move(file)));
  ASSERT_OK_AND_ASSIGN(auto all, reader->ReadTable());
  struct Case {
    std::string where;
    int64_t max_rows_read;
  };
  // id is sorted (pages of a few dozen rows); the other columns have pages of
  // other sizes, so conjunctions cut pages of one column by pages of another.
  for (const Case& c : std::vector<Case>{
           {"id >= 100 and id < 105", 200},
           {"id = 7299", 200},
           {"id < 3 or id > 7290", 400},
           {"id >= 1000 and id < 1400 and int_col = 3", 800},
           {"id > 100000", 0},
           {"string_col = '3' and id < 200", 400}}) {
    ASSERT_OK_AND_ASSIGN(auto filter, compute::ParseExpression(c.where));
    ReadStats stats;
    ASSERT_OK_AND_ASSIGN(auto actual, PrunedRows(kTinyPages, filter, &stats));
    ASSERT_OK_AND_ASSIGN(auto expected, ExpectedRows(*all, filter));
    EXPECT_EQ(actual, expected) << c.where;
    EXPECT_LE(stats.rows_read, c.max_rows_read) << c.where;
    EXPECT_GT(stats.pages_pruned + stats.row_groups_pruned, 0) << c.where;
    if (stats.row_groups_pruned == 0) {
      EXPECT_EQ(stats.rows_pruned + stats.rows_read, all->num_rows()) << c.where;
    }
    if (stats.rows_read > 0) {
      EXPECT_GT(stats.bytes_not_read, 0) << c.where;
    }
  }
}

TEST(PageIndexTest, DamagedPageIndexesGiveTypedErrors) {
  // Flip bytes inside the page indexes of every column: a filtered read either
  // still returns exactly the matching rows or fails with a typed error.
  const std::string original = test::ReadFile(kTinyPages);
  ASSERT_OK_AND_ASSIGN(auto file, io::OpenLocalFile(kTinyPages));
  ASSERT_OK_AND_ASSIGN(auto reader, FileReader::Open(std::move(file)));
  ASSERT_OK_AND_ASSIGN(auto all, reader->ReadTable());
  ASSERT_OK_AND_ASSIGN(auto filter, compute::ParseExpression("id >= 100 and id < 300"));
  ASSERT_OK_AND_ASSIGN(auto expected, ExpectedRows(*all, filter));
  int64_t begin = std::numeric_limits<int64_t>::max(), end = 0;
  for (const auto& chunk : reader->metadata().row_groups[0].columns) {
    for (auto [offset, length] : {std::pair{chunk.column_index_offset, chunk.column_index_length},
                                  std::pair{chunk.offset_index_offset, chunk.offset_index_length}}) {
      if (!offset || !length) continue;
      begin = std::min(begin, *offset);
      end = std::max(end, *offset + *length);
    }
  }
  ASSERT_LT(begin, end);
  std::mt19937 rng(11);
  int errors = 0;
  for (int trial = 0; trial < 300; ++trial) {
    std::string damaged = original;
    for (int k = 0; k < 4; ++k) {
      damaged[size_t(begin + int64_t(rng() % uint64_t(end - begin)))] = char(rng());
    }
    auto buffer = columnar::Buffer::Copy(damaged);
    ASSERT_OK(buffer.status());
    auto r = FileReader::Open(io::MakeBufferFile(*buffer, "damaged.parquet"));
    ASSERT_OK(r.status());
    ReadOptions options;
    options.filter = filter;
    auto table = (*r)->ReadTable(options);
    if (!table.ok()) {
      EXPECT_NE(table.status().code(), ErrorCode::kInternal) << table.status().ToString();
      ++errors;
      continue;
    }
    // Damaged statistics may wrongly prune (they are trusted), but never crash;
    // when the offsets stay intact the rows are a subset of the right ones.
    EXPECT_LE((*table)->num_rows(), all->num_rows());
  }
  EXPECT_GT(errors, 0);
}

}  // namespace
}  // namespace quire::parquet
