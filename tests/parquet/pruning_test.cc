/// \file tests/parquet/pruning_test.cc
/// \brief Row-group pruning by statistics never changes a result: for predicates
/// built from each column's own values, a filtered read returns exactly the rows an
/// unpruned read keeps when filtered row by row.
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
Result<std::string> PrunedRows(const std::string& path, const compute::ExpressionPtr& filter,
                               ReadStats* stats) {
  QUIRE_ASSIGN_OR_RETURN(auto file, io::OpenLocalFile(path));
  QUIRE_ASSIGN_OR_RETURN(auto reader, FileReader::Open(std::move(file)));
  ReadOptions options;
  options.filter = filter;
  options.stats = stats;
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
    if (p.find("shredded_variant") != std::string::npos || p.ends_with(".encrypted") ||
        p.find("bad_data") != std::string::npos || p.find("large_string_map") != std::string::npos) {
      continue;
    }
    auto file = io::OpenLocalFile(p);
    if (!file.ok()) continue;
    auto reader = FileReader::Open(std::move(*file));
    if (!reader.ok()) continue;
    auto table = (*reader)->ReadTable();
    if (!table.ok() || (*table)->num_rows() == 0) continue;
    ASSERT_OK_AND_ASSIGN(auto combined, (*table)->CombineChunks());
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
          auto expected = ExpectedRows(**table, filter);
          if (!expected.ok()) continue;  // a comparison the evaluator refuses
          ASSERT_OK_AND_ASSIGN(auto actual, PrunedRows(p, filter, &stats));
          ASSERT_EQ(actual, expected.ValueOrDie()) << p << ": " << filter->ToString();
          ++predicates;
        }
      }
      auto nulls = Expression::IsNull(Expression::Column(name), false);
      auto expected = ExpectedRows(**table, nulls);
      if (expected.ok()) {
        ASSERT_OK_AND_ASSIGN(auto actual, PrunedRows(p, nulls, &stats));
        ASSERT_EQ(actual, *expected) << p << ": " << nulls->ToString();
      }
    }
  }
  EXPECT_GT(predicates, 500);
  EXPECT_GT(stats.row_groups_pruned, 100) << "statistics should skip row groups somewhere";
  RecordProperty("row_groups_pruned", stats.row_groups_pruned);
  RecordProperty("row_groups", stats.row_groups);
}

}  // namespace
}  // namespace quire::parquet
