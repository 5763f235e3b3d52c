/// \file tests/parquet/schema_test.cc
/// \brief Schema trees, levels, and the Parquet -> Arrow type mapping: the
/// examples of LogicalTypes.md, malformed trees, and every corpus file's columns
/// against the types DuckDB reported in its expected file.
#include "quire/parquet/schema.h"

#include <filesystem>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "quire/parquet/footer.h"
#include "quire/testing/matchers.h"
#include "corpus.h"

namespace quire::parquet {
namespace {

using ::quire::testing::IsError;
using ::testing::HasSubstr;

using R = FieldRepetitionType;

SchemaElement Group(std::string name, int children, std::optional<R> rep = R::kRequired,
                    std::optional<ConvertedType> ct = std::nullopt) {
  SchemaElement e;
  e.name = std::move(name);
  e.num_children = children;
  e.repetition_type = rep;
  e.converted_type = ct;
  return e;
}

SchemaElement Leaf(std::string name, Type type, R rep,
                   std::optional<ConvertedType> ct = std::nullopt) {
  SchemaElement e;
  e.name = std::move(name);
  e.type = type;
  e.repetition_type = rep;
  e.converted_type = ct;
  return e;
}

std::string ArrowOf(std::vector<SchemaElement> elements) {
  auto s = SchemaDescriptor::Make(elements);
  if (!s.ok()) return s.status().ToString();
  auto schema = ToArrowSchema(*s, FileMetaData{});
  if (!schema.ok()) return schema.status().ToString();
  return (*schema)->ToString();
}

TEST(SchemaTest, ComputesLevelsAndPaths) {
  std::vector<SchemaElement> e = {
      Group("schema", 2, std::nullopt), Leaf("id", Type::kInt64, R::kRequired),
      Group("a", 1, R::kOptional), Group("b", 1, R::kRepeated),
      Leaf("c", Type::kInt32, R::kOptional)};
  e[2].num_children = 1;
  ASSERT_OK_AND_ASSIGN(auto s, SchemaDescriptor::Make(e));
  ASSERT_EQ(s.num_columns(), 2);
  EXPECT_EQ(s.column(0).max_def_level, 0);
  EXPECT_EQ(s.column(1).dotted_path(), "a.b.c");
  EXPECT_EQ(s.column(1).max_def_level, 3);
  EXPECT_EQ(s.column(1).max_rep_level, 1);
}

// LogicalTypes.md, "Lists" and "Maps": the standard forms and every
// backward-compatibility rule.
TEST(SchemaTest, MapsListsByTheSpecRules) {
  EXPECT_EQ(ArrowOf({Group("schema", 1, std::nullopt),
                     Group("my_list", 1, R::kRequired, ConvertedType::kList),
                     Group("list", 1, R::kRepeated),
                     Leaf("element", Type::kByteArray, R::kOptional, ConvertedType::kUtf8)}),
            "my_list: list<element: string> not null");
  EXPECT_EQ(ArrowOf({Group("schema", 1, std::nullopt),
                     Group("my_list", 1, R::kOptional, ConvertedType::kList),
                     Leaf("element", Type::kInt32, R::kRepeated)}),
            "my_list: list<element: int32 not null>");
  EXPECT_EQ(ArrowOf({Group("schema", 1, std::nullopt),
                     Group("my_list", 1, R::kOptional, ConvertedType::kList),
                     Group("element", 2, R::kRepeated),
                     Leaf("str", Type::kByteArray, R::kRequired, ConvertedType::kUtf8),
                     Leaf("num", Type::kInt32, R::kRequired)}),
            "my_list: list<element: struct<str: string not null, num: int32 not null> not null>");
  EXPECT_EQ(ArrowOf({Group("schema", 1, std::nullopt),
                     Group("my_list", 1, R::kOptional, ConvertedType::kList),
                     Group("array", 1, R::kRepeated),
                     Leaf("str", Type::kByteArray, R::kRequired, ConvertedType::kUtf8)}),
            "my_list: list<array: struct<str: string not null> not null>");
  EXPECT_EQ(ArrowOf({Group("schema", 1, std::nullopt),
                     Group("my_list", 1, R::kOptional, ConvertedType::kList),
                     Group("my_list_tuple", 1, R::kRepeated),
                     Leaf("str", Type::kByteArray, R::kRequired, ConvertedType::kUtf8)}),
            "my_list: list<my_list_tuple: struct<str: string not null> not null>");
  // A repeated field without LIST annotation is a list of required elements.
  EXPECT_EQ(ArrowOf({Group("schema", 1, std::nullopt), Leaf("r", Type::kInt32, R::kRepeated)}),
            "r: list<r: int32 not null> not null");
  EXPECT_EQ(ArrowOf({Group("schema", 1, std::nullopt),
                     Group("my_map", 1, R::kRequired, ConvertedType::kMap),
                     Group("key_value", 2, R::kRepeated),
                     Leaf("key", Type::kByteArray, R::kRequired, ConvertedType::kUtf8),
                     Leaf("value", Type::kInt32, R::kOptional)}),
            "my_map: map<string, int32> not null");
  EXPECT_THAT(ArrowOf({Group("schema", 1, std::nullopt),
                       Group("bad", 2, R::kOptional, ConvertedType::kList),
                       Leaf("x", Type::kInt32, R::kRepeated), Leaf("y", Type::kInt32, R::kRepeated)}),
              HasSubstr("exactly one repeated child"));
}

TEST(SchemaTest, RejectsMalformedTrees) {
  EXPECT_THAT(SchemaDescriptor::Make({}), IsError(ErrorCode::kCorrupt));
  EXPECT_THAT(SchemaDescriptor::Make({Group("schema", 3, std::nullopt),
                                      Leaf("a", Type::kInt32, R::kRequired)}),
              IsError(ErrorCode::kCorrupt, HasSubstr("claims 3 children")));
  EXPECT_THAT(SchemaDescriptor::Make({Group("schema", 1, std::nullopt),
                                      Leaf("a", Type::kInt32, R::kRequired),
                                      Leaf("b", Type::kInt32, R::kRequired)}),
              IsError(ErrorCode::kCorrupt, HasSubstr("ends after 2 of its 3")));
  EXPECT_THAT(SchemaDescriptor::Make({Group("schema", 1, std::nullopt),
                                      Leaf("a", Type(42), R::kRequired)}),
              IsError(ErrorCode::kCorrupt, HasSubstr("physical type 42")));
  EXPECT_THAT(SchemaDescriptor::Make({Group("schema", 1, std::nullopt),
                                      Leaf("f", Type::kFixedLenByteArray, R::kRequired)}),
              IsError(ErrorCode::kCorrupt, HasSubstr("type length 0")));
  SchemaElement no_rep = Leaf("a", Type::kInt32, R::kRequired);
  no_rep.repetition_type.reset();
  EXPECT_THAT(SchemaDescriptor::Make({Group("schema", 1, std::nullopt), no_rep}),
              IsError(ErrorCode::kCorrupt, HasSubstr("no repetition type")));
  // A chain deeper than the limit.
  std::vector<SchemaElement> deep = {Group("schema", 1, std::nullopt)};
  for (int i = 0; i < kMaxSchemaDepth + 5; ++i) deep.push_back(Group("g", 1, R::kOptional));
  deep.push_back(Leaf("x", Type::kInt32, R::kOptional));
  EXPECT_THAT(SchemaDescriptor::Make(deep), IsError(ErrorCode::kCorrupt, HasSubstr("deeper")));
}

// --- Corpus: our types in DuckDB's notation against the expected files -------

std::string DuckDbName(const columnar::Field& f);

std::string DuckDbType(const columnar::DataType& t, const columnar::Field* f) {
  using columnar::TypeId;
  switch (t.id()) {
    case TypeId::kBool: return "BOOLEAN";
    case TypeId::kInt8: return "TINYINT";
    case TypeId::kInt16: return "SMALLINT";
    case TypeId::kInt32: return "INTEGER";
    case TypeId::kInt64: return "BIGINT";
    case TypeId::kUInt8: return "UTINYINT";
    case TypeId::kUInt16: return "USMALLINT";
    case TypeId::kUInt32: return "UINTEGER";
    case TypeId::kUInt64: return "UBIGINT";
    case TypeId::kFloat16:
    case TypeId::kFloat32: return "FLOAT";
    case TypeId::kFloat64: return "DOUBLE";
    case TypeId::kDecimal128:
    case TypeId::kDecimal256: return fmt::format("DECIMAL({},{})", t.precision(), t.scale());
    case TypeId::kDate32: return "DATE";
    case TypeId::kTime32:
    case TypeId::kTime64: return t.unit() == columnar::TimeUnit::kNano ? "TIME_NS" : "TIME";
    case TypeId::kTimestamp:
      if (!t.timezone().empty()) return "TIMESTAMP WITH TIME ZONE";
      return t.unit() == columnar::TimeUnit::kNano ? "TIMESTAMP_NS" : "TIMESTAMP";
    case TypeId::kIntervalMonthDayNano: return "INTERVAL";
    case TypeId::kString: return "VARCHAR";
    case TypeId::kBinary:
      if (f && f->metadata() && f->metadata()->Get("ARROW:extension:name") == "geoarrow.wkb") {
        return "GEOMETRY";
      }
      return "BLOB";
    case TypeId::kFixedSizeBinary:
      if (f && f->metadata() && f->metadata()->Get("ARROW:extension:name") == "arrow.uuid") {
        return "UUID";
      }
      return "BLOB";
    case TypeId::kList: return DuckDbType(*t.value_type(), t.value_field().get()) + "[]";
    case TypeId::kMap:
      return "MAP(" + DuckDbType(*t.key_type(), nullptr) + ", " +
             DuckDbType(*t.item_type(), t.field(0)->type()->field(1).get()) + ")";
    case TypeId::kStruct: {
      std::string out = "STRUCT(";
      for (int i = 0; i < t.num_fields(); ++i) {
        out += (i ? ", " : "") + DuckDbName(*t.field(i)) + " " +
               DuckDbType(*t.field(i)->type(), t.field(i).get());
      }
      return out + ")";
    }
    case TypeId::kNull: return "\"NULL\"";
    default: return t.ToString();
  }
}

std::string DuckDbName(const columnar::Field& f) { return "\"" + f.name() + "\""; }

// Reads the JSON string starting after the opening quote at `*pos` (escapes \" and
// \\ only, which is all the column entries use).
std::string ReadJsonString(const std::string& json, size_t* pos) {
  std::string out;
  while (*pos < json.size() && json[*pos] != '"') {
    if (json[*pos] == '\\' && *pos + 1 < json.size()) ++*pos;
    out.push_back(json[(*pos)++]);
  }
  ++*pos;
  return out;
}

// Columns of an expected file: {"name":"x","type":"T"} entries of "columns" (no
// JSON library in the tests; the expected files write one column per line).
std::vector<std::pair<std::string, std::string>> ExpectedColumns(const std::string& json) {
  std::vector<std::pair<std::string, std::string>> out;
  const size_t start = json.find("\"columns\"");
  const size_t end = json.find("\"rows\"");
  if (start == std::string::npos) return out;
  static const std::string kName = "{\"name\":\"", kType = "\"type\":\"";
  for (size_t p = json.find(kName, start); p != std::string::npos && p < end;
       p = json.find(kName, p)) {
    p += kName.size();
    std::string name = ReadJsonString(json, &p);
    const size_t t = json.find(kType, p);
    if (t == std::string::npos) break;
    p = t + kType.size();
    out.emplace_back(std::move(name), ReadJsonString(json, &p));
  }
  return out;
}

// Where our mapping follows the Parquet specification and DuckDB does not, the
// difference is listed here with the reason (README: the specification wins).
const std::map<std::string, std::string>& SpecDifferences() {
  static const std::map<std::string, std::string> kDiffs = {
      // Legacy TIMESTAMP_MILLIS/MICROS converted types are UTC-adjusted by the
      // compatibility rules of LogicalTypes.md; DuckDB reads them as naive.
      {"TIMESTAMP WITH TIME ZONE|TIMESTAMP", "legacy converted timestamp is UTC-adjusted"},
      // The UNKNOWN logical type marks a column that is always null: Arrow's null
      // type says so; DuckDB keeps the physical INT32.
      {"\"NULL\"[]|INTEGER[]", "UNKNOWN (always null) annotation"},
  };
  return kDiffs;
}

std::string NoTimeZones(std::string s) {
  static const std::string kTz = " WITH TIME ZONE";
  for (size_t p; (p = s.find(kTz)) != std::string::npos;) s.erase(p, kTz.size());
  return s;
}

TEST(SchemaCorpusTest, ColumnTypesMatchTheExpectedFilesOrAListedSpecDifference) {
  const std::filesystem::path root = test::CorpusRoot();
  ASSERT_TRUE(std::filesystem::is_directory(root)) << "run from the project root";
  int files = 0, compared = 0, differences = 0, not_yet = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    const std::string path = entry.path().string();
    if (entry.path().extension() != ".parquet") continue;
    const std::string expected = test::ReadFile(path + ".expected.json");
    const auto columns = ExpectedColumns(expected);
    if (columns.empty()) continue;  // DuckDB could not open it: no types to compare
    const std::string bytes = test::ReadFile(path);
    auto meta = ReadFileMetaData({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
    if (!meta.ok()) continue;  // footer errors are the footer tests' business
    ++files;
    auto schema = SchemaDescriptor::Make(meta->schema);
    if (!schema.ok()) {
      ADD_FAILURE() << path << ": " << schema.status().ToString();
      continue;
    }
    auto arrow = ToArrowSchema(*schema, *meta);
    if (!arrow.ok()) {
      ADD_FAILURE() << path << ": " << arrow.status().ToString();
      continue;
    }
    ASSERT_EQ((*arrow)->num_fields(), int(columns.size())) << path;
    for (int i = 0; i < (*arrow)->num_fields(); ++i) {
      const auto& f = *(*arrow)->field(i);
      EXPECT_EQ(f.name(), columns[size_t(i)].first) << path;
      const std::string ours = DuckDbType(*f.type(), &f);
      ++compared;
      if (ours == columns[size_t(i)].second) continue;
      // VARIANT columns come out as their physical struct until variant decoding
      // (shredded_variant/) is implemented.
      if (columns[size_t(i)].second == "VARIANT") {
        ++not_yet;
        continue;
      }
      // DuckDB prints GEOMETRY with its CRS when it is not the default.
      if (ours == "GEOMETRY" && columns[size_t(i)].second.rfind("GEOMETRY", 0) == 0) continue;
      // Legacy timestamps nested in structs or lists: the same UTC-adjusted rule.
      if (NoTimeZones(ours) == columns[size_t(i)].second &&
          test::HasLegacyTimestamp(*schema, schema->root().children[size_t(i)])) {
        ++differences;
        continue;
      }
      if (SpecDifferences().count(ours + "|" + columns[size_t(i)].second)) {
        ++differences;
        continue;
      }
      ADD_FAILURE() << path << " column '" << f.name() << "': ours " << ours << " ("
                    << f.type()->ToString() << "), DuckDB " << columns[size_t(i)].second;
    }
  }
  EXPECT_GT(files, 150);
  RecordProperty("compared", compared);
  RecordProperty("spec_differences", differences);
  RecordProperty("variant_not_yet", not_yet);
}

}  // namespace
}  // namespace quire::parquet
