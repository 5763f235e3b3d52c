/// \file tests/table/schema_test.cc
/// \brief Delta schemas: parsing and rendering (round trips over every schema of
/// the corpus), column mapping, type widening, partition values, Hive escaping,
/// add.path URIs and the adaptation of file batches to the table schema.
#include "quire/table/schema.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include "quire/columnar/builder.h"
#include "quire/columnar/variant.h"
#include "quire/testing/matchers.h"

namespace quire::table {
namespace {

using namespace quire::columnar;  // NOLINT
using ::quire::testing::IsError;
using ::testing::HasSubstr;
namespace fs = std::filesystem;
namespace dom = simdjson::dom;

const fs::path kCorpus = fs::path(QUIRE_SOURCE_DIR) / "tests/data/delta";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Meta(const Field& field, std::string_view key) {
  if (!field.metadata()) return "<none>";
  auto v = field.metadata()->Get(key);
  return v ? std::string(*v) : "<absent>";
}

// The schemaString of the last metaData action of a commit file ("" if none).
std::string SchemaStringOf(const fs::path& commit) {
  dom::parser parser;
  std::string schema_string;
  std::istringstream lines(ReadFile(commit));
  std::string line;
  while (std::getline(lines, line)) {
    dom::element root;
    std::string_view s;
    if (!parser.parse(line).get(root) && !root["metaData"]["schemaString"].get(s)) {
      schema_string = std::string(s);
    }
  }
  return schema_string;
}

// JSON equality that ignores the order of object members.
bool JsonEquals(dom::element a, dom::element b) {
  if (a.type() != b.type()) {
    // 1 and 1.0 are one number.
    double x, y;
    return a.get(x) == simdjson::SUCCESS && b.get(y) == simdjson::SUCCESS && x == y;
  }
  switch (a.type()) {
    case dom::element_type::OBJECT: {
      dom::object oa = a, ob = b;
      if (oa.size() != ob.size()) return false;
      for (auto [key, value] : oa) {
        dom::element other;
        if (ob[key].get(other) || !JsonEquals(value, other)) return false;
      }
      return true;
    }
    case dom::element_type::ARRAY: {
      dom::array xa = a, xb = b;
      if (xa.size() != xb.size()) return false;
      auto ib = xb.begin();
      for (dom::element x : xa) {
        if (!JsonEquals(x, *ib)) return false;
        ++ib;
      }
      return true;
    }
    default: return simdjson::minify(a) == simdjson::minify(b);
  }
}

// Every schemaString of the corpus: the commits' metaData actions and the
// expected files' "schema_string".
std::vector<std::pair<std::string, std::string>> CorpusSchemas() {
  std::vector<std::pair<std::string, std::string>> out;
  dom::parser parser;
  for (const auto& table : fs::directory_iterator(kCorpus)) {
    if (!table.is_directory()) continue;
    std::vector<fs::path> files;
    if (fs::exists(table.path() / "_delta_log")) {
      for (const auto& f : fs::directory_iterator(table.path() / "_delta_log")) {
        if (f.path().extension() == ".json") files.push_back(f.path());
      }
    }
    if (fs::exists(table.path() / "expected")) {
      for (const auto& f : fs::directory_iterator(table.path() / "expected")) {
        if (f.path().extension() == ".json") files.push_back(f.path());
      }
    }
    for (const auto& file : files) {
      const std::string text = ReadFile(file);
      std::istringstream lines(text);
      std::string line;
      const bool expected = file.parent_path().filename() == "expected";
      if (expected) {
        dom::element root;
        std::string_view schema;
        if (!parser.parse(text).get(root) && !root["schema_string"].get(schema)) {
          out.emplace_back(file.string(), std::string(schema));
        }
        continue;
      }
      while (std::getline(lines, line)) {
        dom::element root;
        std::string_view schema;
        if (line.empty() || parser.parse(line).get(root)) continue;
        if (!root["metaData"]["schemaString"].get(schema)) {
          out.emplace_back(file.string(), std::string(schema));
        }
      }
    }
  }
  return out;
}

TEST(DeltaSchemaTest, CorpusSchemasRoundTrip) {
  const auto schemas = CorpusSchemas();
  ASSERT_GE(schemas.size(), 60u);
  dom::parser original_parser, rendered_parser;
  for (const auto& [source, text] : schemas) {
    SCOPED_TRACE(source);
    ASSERT_OK_AND_ASSIGN(auto schema, ParseDeltaSchema(text));
    ASSERT_GT(schema->num_fields(), 0);
    ASSERT_OK_AND_ASSIGN(std::string rendered, DeltaSchemaToJson(*schema));
    ASSERT_OK_AND_ASSIGN(auto again, ParseDeltaSchema(rendered));
    EXPECT_TRUE(schema->Equals(*again, /*check_metadata=*/true))
        << schema->ToString() << "\nvs\n" << again->ToString();
    // The JSON itself is the same document, member order aside.
    dom::element a, b;
    ASSERT_FALSE(original_parser.parse(text).get(a));
    ASSERT_FALSE(rendered_parser.parse(rendered).get(b));
    EXPECT_TRUE(JsonEquals(a, b)) << text << "\nvs\n" << rendered;
  }
}

TEST(DeltaSchemaTest, ParsesEveryPrimitiveAndNestedType) {
  const std::string text = R"j({"type":"struct","fields":[
    {"name":"b","type":"boolean","nullable":true,"metadata":{}},
    {"name":"i8","type":"byte","nullable":false,"metadata":{}},
    {"name":"i16","type":"short","nullable":true,"metadata":{}},
    {"name":"i32","type":"integer","nullable":true,"metadata":{}},
    {"name":"i64","type":"long","nullable":true,"metadata":{}},
    {"name":"f","type":"float","nullable":true,"metadata":{}},
    {"name":"d","type":"double","nullable":true,"metadata":{}},
    {"name":"s","type":"string","nullable":true,"metadata":{}},
    {"name":"bin","type":"binary","nullable":true,"metadata":{}},
    {"name":"date","type":"date","nullable":true,"metadata":{}},
    {"name":"ts","type":"timestamp","nullable":true,"metadata":{}},
    {"name":"ntz","type":"timestamp_ntz","nullable":true,"metadata":{}},
    {"name":"dec","type":"decimal(38, 6)","nullable":true,"metadata":{}},
    {"name":"arr","type":{"type":"array","elementType":"integer","containsNull":false},
     "nullable":true,"metadata":{}},
    {"name":"m","type":{"type":"map","keyType":"string","valueType":{"type":"struct","fields":[
       {"name":"x","type":"long","nullable":true,"metadata":{}}]},"valueContainsNull":true},
     "nullable":true,"metadata":{}},
    {"name":"v","type":"variant","nullable":true,"metadata":{}}]})j";
  ASSERT_OK_AND_ASSIGN(auto schema, ParseDeltaSchema(text));
  ASSERT_EQ(schema->num_fields(), 16);
  const std::vector<TypePtr> expected = {
      boolean(), int8(), int16(), int32(), int64(), float32(), float64(), utf8(), binary(),
      date32(), timestamp(TimeUnit::kMicro, "UTC"), timestamp(TimeUnit::kMicro),
      decimal128(38, 6)};
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_TRUE(schema->field(int(i))->type()->Equals(*expected[i]))
        << schema->field(int(i))->ToString();
  }
  EXPECT_FALSE(schema->field(1)->nullable());
  const auto& arr = schema->field(13)->type();
  ASSERT_EQ(arr->id(), TypeId::kList);
  EXPECT_EQ(arr->value_type()->id(), TypeId::kInt32);
  EXPECT_FALSE(arr->value_field()->nullable());
  const auto& m = schema->field(14)->type();
  ASSERT_EQ(m->id(), TypeId::kMap);
  EXPECT_EQ(m->key_type()->id(), TypeId::kString);
  EXPECT_EQ(m->item_type()->field(0)->name(), "x");
  EXPECT_TRUE(m->field(0)->type()->field(1)->nullable());
  const auto& v = schema->field(15);
  EXPECT_EQ(v->type()->id(), TypeId::kStruct);
  EXPECT_EQ(Meta(*v, "ARROW:extension:name"), kVariantExtensionName);
  ASSERT_OK_AND_ASSIGN(std::string json, DeltaSchemaToJson(*schema));
  EXPECT_THAT(json, HasSubstr(R"({"name":"v","type":"variant","nullable":true,"metadata":{}})"));
  EXPECT_THAT(json, HasSubstr(R"j("type":"decimal(38,6)")j"));
}

TEST(DeltaSchemaTest, KeepsFieldMetadataAsText) {
  const std::string text = R"({"type":"struct","fields":[{"name":"a","type":"long",
    "nullable":true,"metadata":{"delta.columnMapping.id":7,
    "delta.columnMapping.physicalName":"col-1","comment":"42",
    "delta.typeChanges":[{"toType":"long","fromType":"integer","tableVersion":2}],
    "delta.invariants":"{\"expression\":{\"expression\":\"a > 3\"}}"}}]})";
  ASSERT_OK_AND_ASSIGN(auto schema, ParseDeltaSchema(text));
  const Field& a = *schema->field(0);
  EXPECT_EQ(Meta(a, "delta.columnMapping.id"), "7");
  EXPECT_EQ(Meta(a, "delta.columnMapping.physicalName"), "col-1");
  EXPECT_EQ(Meta(a, "delta.typeChanges"),
            R"([{"toType":"long","fromType":"integer","tableVersion":2}])");
  ASSERT_OK_AND_ASSIGN(std::string json, DeltaSchemaToJson(*schema));
  EXPECT_THAT(json, HasSubstr(R"("delta.columnMapping.id":7)"));
  EXPECT_THAT(json, HasSubstr(R"("comment":"42")"));
  EXPECT_THAT(json, HasSubstr(R"("delta.invariants":"{\"expression\")"));
  EXPECT_THAT(json, HasSubstr(R"("delta.typeChanges":[{"toType")"));
}

TEST(DeltaSchemaTest, RejectsMalformedAndUnknown) {
  EXPECT_THAT(ParseDeltaSchema("{\"type\":\"struct\","), IsError(ErrorCode::kCorrupt));
  EXPECT_THAT(ParseDeltaSchema(R"({"type":"array"})"), IsError(ErrorCode::kCorrupt));
  EXPECT_THAT(ParseDeltaSchema(R"({"type":"struct","fields":[{"name":"a","nullable":true}]})"),
              IsError(ErrorCode::kCorrupt, HasSubstr("field a has no type")));
  EXPECT_THAT(ParseDeltaSchema(R"({"type":"struct","fields":[{"name":"s","type":{"type":
      "struct","fields":[{"name":"q","type":"interval","nullable":true,"metadata":{}}]},
      "nullable":true,"metadata":{}}]})"),
              IsError(ErrorCode::kUnsupported, HasSubstr("column s.q has the unknown type")));
  EXPECT_THAT(ParseDeltaSchema(R"j({"type":"struct","fields":[{"name":"d","type":"decimal(40,2)",
      "nullable":true,"metadata":{}}]})j"),
              IsError(ErrorCode::kUnsupported, HasSubstr("column d")));
}

TEST(DeltaSchemaTest, RendersArrowOnlyTypesAsTheirDeltaType) {
  auto s = schema({field("ls", large_utf8()), field("sv", utf8_view()), field("u8", uint8()),
                   field("u16", uint16()), field("u32", uint32()),
                   field("ns", timestamp(TimeUnit::kNano, "Europe/Paris")),
                   field("ms", timestamp(TimeUnit::kMilli)),
                   field("dict", dictionary(int32(), utf8())),
                   field("ll", large_list(field("item", float32(), false)))});
  ASSERT_OK_AND_ASSIGN(std::string json, DeltaSchemaToJson(*s));
  ASSERT_OK_AND_ASSIGN(auto parsed, ParseDeltaSchema(json));
  const std::vector<TypePtr> expected = {
      utf8(), utf8(), int16(), int32(), int64(), timestamp(TimeUnit::kMicro, "UTC"),
      timestamp(TimeUnit::kMicro), utf8(), list(field("element", float32(), false))};
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_TRUE(parsed->field(int(i))->type()->Equals(*expected[i]))
        << parsed->field(int(i))->ToString();
  }
  EXPECT_THAT(DeltaSchemaToJson(*schema({field("x", struct_({field("y", uint64())}))})),
              IsError(ErrorCode::kUnsupported, HasSubstr("column x.y: the type uint64")));
  EXPECT_THAT(DeltaSchemaToJson(*schema({field("t", time64(TimeUnit::kMicro))})),
              IsError(ErrorCode::kUnsupported, HasSubstr("column t")));
  EXPECT_THAT(DeltaSchemaToJson(*schema({field("h", float16())})),
              IsError(ErrorCode::kUnsupported));
}

TEST(ColumnMappingTest, ModeFromConfiguration) {
  EXPECT_EQ(ColumnMappingModeOf({}).ValueOrDie(), ColumnMappingMode::kNone);
  EXPECT_EQ(ColumnMappingModeOf({{"delta.columnMapping.mode", "name"}}).ValueOrDie(),
            ColumnMappingMode::kName);
  EXPECT_EQ(ColumnMappingModeOf({{"delta.columnMapping.mode", "id"}}).ValueOrDie(),
            ColumnMappingMode::kId);
  EXPECT_THAT(ColumnMappingModeOf({{"delta.columnMapping.mode", "bogus"}}),
              IsError(ErrorCode::kUnsupported, HasSubstr("bogus")));
}

TEST(ColumnMappingTest, PhysicalSchemaOfNameMappedCorpusTable) {
  const std::string schema_string = SchemaStringOf(
      kCorpus / "table-with-columnmapping-mode-name/_delta_log/00000000000000000000.json");
  ASSERT_OK_AND_ASSIGN(auto logical, ParseDeltaSchema(schema_string));
  ASSERT_OK_AND_ASSIGN(auto physical, PhysicalSchema(*logical, ColumnMappingMode::kName));
  ASSERT_EQ(physical->num_fields(), logical->num_fields());
  for (int i = 0; i < logical->num_fields(); ++i) {
    EXPECT_EQ(physical->field(i)->name(),
              Meta(*logical->field(i), "delta.columnMapping.physicalName"));
    EXPECT_THAT(physical->field(i)->name(), ::testing::StartsWith("col-"));
  }
  // Nested struct fields are renamed too.
  bool saw_struct = false;
  for (const auto& f : physical->fields()) {
    if (f->type()->id() != TypeId::kStruct) continue;
    saw_struct = true;
    for (const auto& child : f->type()->fields()) {
      EXPECT_THAT(child->name(), ::testing::StartsWith("col-"));
    }
  }
  EXPECT_TRUE(saw_struct);
}

TEST(ColumnMappingTest, IdModeSetsParquetFieldIds) {
  const std::string text = R"({"type":"struct","fields":[
    {"name":"a","type":{"type":"array","elementType":"integer","containsNull":true},
     "nullable":true,"metadata":{"delta.columnMapping.id":3,
     "delta.columnMapping.physicalName":"col-a","delta.columnMapping.nested.ids":{"col-a.element":4}}},
    {"name":"s","type":{"type":"struct","fields":[{"name":"x","type":"long","nullable":true,
      "metadata":{"delta.columnMapping.id":2,"delta.columnMapping.physicalName":"col-x"}}]},
     "nullable":true,"metadata":{"delta.columnMapping.id":1,"delta.columnMapping.physicalName":"col-s"}}]})";
  ASSERT_OK_AND_ASSIGN(auto logical, ParseDeltaSchema(text));
  ASSERT_OK_AND_ASSIGN(auto physical, PhysicalSchema(*logical, ColumnMappingMode::kId));
  EXPECT_EQ(physical->field(0)->name(), "col-a");
  EXPECT_EQ(Meta(*physical->field(0), "PARQUET:field_id"), "3");
  EXPECT_EQ(Meta(*physical->field(0)->type()->value_field(), "PARQUET:field_id"), "4");
  EXPECT_EQ(physical->field(1)->name(), "col-s");
  EXPECT_EQ(Meta(*physical->field(1), "PARQUET:field_id"), "1");
  EXPECT_EQ(physical->field(1)->type()->field(0)->name(), "col-x");
  EXPECT_EQ(Meta(*physical->field(1)->type()->field(0), "PARQUET:field_id"), "2");
  EXPECT_EQ(PhysicalName(*logical->field(1), ColumnMappingMode::kNone), "s");
  EXPECT_EQ(PhysicalName(*logical->field(1), ColumnMappingMode::kName), "col-s");

  auto unmapped = schema({field("plain", int32())});
  EXPECT_THAT(PhysicalSchema(*unmapped, ColumnMappingMode::kName),
              IsError(ErrorCode::kCorrupt, HasSubstr("column plain")));
  ASSERT_OK_AND_ASSIGN(auto same, PhysicalSchema(*unmapped, ColumnMappingMode::kNone));
  EXPECT_TRUE(same->Equals(*unmapped));
}

TEST(TypeWideningTest, FollowsTheProtocolTable) {
  EXPECT_TRUE(IsAllowedWidening(*int8(), *int16()));
  EXPECT_TRUE(IsAllowedWidening(*int8(), *int64()));
  EXPECT_TRUE(IsAllowedWidening(*int32(), *int64()));
  EXPECT_FALSE(IsAllowedWidening(*int64(), *int32()));
  EXPECT_TRUE(IsAllowedWidening(*int32(), *float64()));
  EXPECT_FALSE(IsAllowedWidening(*int64(), *float64()));
  EXPECT_FALSE(IsAllowedWidening(*int32(), *float32()));
  EXPECT_TRUE(IsAllowedWidening(*float32(), *float64()));
  EXPECT_TRUE(IsAllowedWidening(*int16(), *decimal128(11, 1)));
  EXPECT_FALSE(IsAllowedWidening(*int32(), *decimal128(10, 1)));
  EXPECT_TRUE(IsAllowedWidening(*int64(), *decimal128(21, 1)));
  EXPECT_FALSE(IsAllowedWidening(*int64(), *decimal128(20, 1)));
  EXPECT_TRUE(IsAllowedWidening(*decimal128(10, 2), *decimal128(20, 5)));
  EXPECT_TRUE(IsAllowedWidening(*decimal128(10, 1), *decimal128(12, 3)));
  EXPECT_FALSE(IsAllowedWidening(*decimal128(10, 1), *decimal128(11, 3)));
  EXPECT_FALSE(IsAllowedWidening(*decimal128(10, 2), *decimal128(12, 1)));
  EXPECT_TRUE(IsAllowedWidening(*date32(), *timestamp(TimeUnit::kMicro)));
  EXPECT_FALSE(IsAllowedWidening(*date32(), *timestamp(TimeUnit::kMicro, "UTC")));
  EXPECT_FALSE(IsAllowedWidening(*utf8(), *large_utf8()));
  EXPECT_FALSE(IsAllowedWidening(*int32(), *int32()));
  EXPECT_TRUE(IsAllowedWidening(*list(int16()), *list(int32())));
  EXPECT_TRUE(IsAllowedWidening(*struct_({field("a", int8()), field("b", utf8())}),
                                *struct_({field("a", int32()), field("b", utf8())})));
  EXPECT_FALSE(IsAllowedWidening(*struct_({field("a", int32())}), *struct_({field("a", int8())})));
}

TEST(TypeWideningTest, AgreesWithTheCorpusTypeChanges) {
  // Every delta.typeChanges entry of the type-widening table is an allowed widening.
  const std::string schema_string =
      SchemaStringOf(kCorpus / "type-widening/_delta_log/00000000000000000002.json");
  ASSERT_FALSE(schema_string.empty());
  ASSERT_OK_AND_ASSIGN(auto schema, ParseDeltaSchema(schema_string));
  int checked = 0;
  for (const auto& f : schema->fields()) {
    const std::string changes = Meta(*f, "delta.typeChanges");
    dom::parser p;
    dom::array list;
    ASSERT_FALSE(p.parse(changes).get(list)) << changes;
    for (dom::element change : list) {
      std::string_view from_name, to_name;
      ASSERT_FALSE(change["fromType"].get(from_name));
      ASSERT_FALSE(change["toType"].get(to_name));
      auto one = [](std::string_view type) {
        return ParseDeltaSchema(R"({"type":"struct","fields":[{"name":"c","type":")" +
                                std::string(type) + R"(","nullable":true,"metadata":{}}]})")
            .ValueOrDie()
            ->field(0)
            ->type();
      };
      EXPECT_TRUE(IsAllowedWidening(*one(from_name), *one(to_name)))
          << from_name << " -> " << to_name;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 13);
}

TEST(PartitionValueTest, ParsesEachTypeIntoRepeatedValues) {
  auto render = [](const TypePtr& type, std::optional<std::string> value) {
    auto result = PartitionValueArray(type, value, 2);
    if (!result.ok()) return result.status().ToString();
    EXPECT_EQ((*result)->length(), 2);
    EXPECT_OK((*result)->ValidateFull());
    return (*result)->ToString();
  };
  EXPECT_EQ(render(boolean(), "true"), "[true, true]");
  EXPECT_EQ(render(int8(), "-128"), "[-128, -128]");
  EXPECT_EQ(render(int32(), "0"), "[0, 0]");
  EXPECT_EQ(render(int64(), "9223372036854775807"),
            "[9223372036854775807, 9223372036854775807]");
  EXPECT_EQ(render(decimal128(5, 2), "1.5"), "[1.50, 1.50]");
  // The string "null" is a value, and the empty string stays a string value.
  ASSERT_OK_AND_ASSIGN(auto null_text, PartitionValueArray(utf8(), "null", 2));
  EXPECT_EQ(null_text->null_count(), 0);
  EXPECT_EQ(GetBytes(*null_text, 1), "null");
  ASSERT_OK_AND_ASSIGN(auto empty, PartitionValueArray(large_utf8(), "", 2));
  EXPECT_EQ(empty->null_count(), 0);
  EXPECT_EQ(GetBytes(*empty, 0), "");
  EXPECT_EQ(render(int32(), ""), "[null, null]");
  EXPECT_EQ(render(date32(), std::nullopt), "[null, null]");
  ASSERT_OK_AND_ASSIGN(auto d, PartitionValueArray(float64(), "1.0", 3));
  EXPECT_EQ(d->values<double>()[2], 1.0);
  ASSERT_OK_AND_ASSIGN(auto date, PartitionValueArray(date32(), "2021-09-08", 1));
  EXPECT_EQ(date->values<int32_t>()[0], 18878);
  ASSERT_OK_AND_ASSIGN(auto bin, PartitionValueArray(binary(), std::string("\x01\x02", 2), 1));
  EXPECT_EQ(GetBytes(*bin, 0), std::string("\x01\x02", 2));
}

TEST(PartitionValueTest, ParsesTimestampForms) {
  const auto ts = timestamp(TimeUnit::kMicro, "UTC");
  ASSERT_OK_AND_ASSIGN(auto a, PartitionValueArray(ts, "2021-09-08 11:11:11", 1));
  EXPECT_EQ(a->values<int64_t>()[0], 1631099471000000);
  ASSERT_OK_AND_ASSIGN(auto b, PartitionValueArray(ts, "1970-01-01 00:00:00.123456", 1));
  EXPECT_EQ(b->values<int64_t>()[0], 123456);
  ASSERT_OK_AND_ASSIGN(auto c, PartitionValueArray(ts, "1970-01-01T00:00:00.123456Z", 1));
  EXPECT_EQ(c->values<int64_t>()[0], 123456);
  ASSERT_OK_AND_ASSIGN(auto d, PartitionValueArray(ts, "1970-01-01T01:00:00+01:00", 1));
  EXPECT_EQ(d->values<int64_t>()[0], 0);
  ASSERT_OK_AND_ASSIGN(auto ntz,
                       PartitionValueArray(timestamp(TimeUnit::kMicro), "2000-01-01 00:00:01", 1));
  EXPECT_EQ(ntz->values<int64_t>()[0], 946684801000000);
}

TEST(PartitionValueTest, BadValuesAreCorruptNamingValueAndType) {
  EXPECT_THAT(PartitionValueArray(int8(), "128", 1),
              IsError(ErrorCode::kCorrupt, HasSubstr("'128' is not a valid int8")));
  EXPECT_THAT(PartitionValueArray(boolean(), "yes", 1), IsError(ErrorCode::kCorrupt));
  EXPECT_THAT(PartitionValueArray(date32(), "2021-13-01", 1),
              IsError(ErrorCode::kCorrupt, HasSubstr("date32")));
  EXPECT_THAT(PartitionValueArray(decimal128(5, 2), "1.234", 1), IsError(ErrorCode::kCorrupt));
  EXPECT_THAT(PartitionValueArray(timestamp(TimeUnit::kMicro), "yesterday", 1),
              IsError(ErrorCode::kCorrupt, HasSubstr("'yesterday'")));
  EXPECT_THAT(PartitionValueArray(list(int32()), "1", 1), IsError(ErrorCode::kUnsupported));
}

TEST(PartitionValueTest, SerializeRoundTripsThroughParse) {
  struct Case {
    TypePtr type;
    std::string text;
    std::string serialized;
  };
  const std::vector<Case> cases = {
      {boolean(), "TRUE", "true"},
      {int16(), "-7", "-7"},
      {float64(), "1", "1.0"},
      {float32(), "0.1", "0.1"},
      {float64(), "-Infinity", "-Infinity"},
      {decimal128(10, 3), "-1.5", "-1.500"},
      {date32(), "1969-12-31", "1969-12-31"},
      {timestamp(TimeUnit::kMicro, "UTC"), "1970-01-01T00:00:00.123456Z",
       "1970-01-01 00:00:00.123456"},
      {timestamp(TimeUnit::kMicro, "UTC"), "1969-12-31 23:59:59.5", "1969-12-31 23:59:59.500000"},
      {timestamp(TimeUnit::kMicro), "2021-09-08 11:11:11", "2021-09-08 11:11:11.000000"},
      {timestamp(TimeUnit::kMilli, "UTC"), "2021-09-08 11:11:11.001", "2021-09-08 11:11:11.001000"},
      {utf8(), "A/A B", "A/A B"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.type->ToString() + " " + c.text);
    ASSERT_OK_AND_ASSIGN(auto array, PartitionValueArray(c.type, c.text, 1));
    ASSERT_OK_AND_ASSIGN(auto text, SerializePartitionValue(*array, 0));
    ASSERT_TRUE(text.has_value());
    EXPECT_EQ(*text, c.serialized);
    ASSERT_OK_AND_ASSIGN(auto again, PartitionValueArray(c.type, *text, 1));
    EXPECT_TRUE(again->Equals(*array));
  }
  ASSERT_OK_AND_ASSIGN(auto nulls, PartitionValueArray(int32(), std::nullopt, 1));
  ASSERT_OK_AND_ASSIGN(auto none, SerializePartitionValue(*nulls, 0));
  EXPECT_FALSE(none.has_value());
}

TEST(PartitionPathTest, EscapesAsHive) {
  EXPECT_EQ(EscapePartitionValue("A/A"), "A%2FA");
  EXPECT_EQ(EscapePartitionValue("B B"), "B B");
  EXPECT_EQ(EscapePartitionValue("a:b=c%d#e?f*g'h\"i\\j{k[l]m^n"),
            "a%3Ab%3Dc%25d%23e%3Ff%2Ag%27h%22i%5Cj%7Bk%5Bl%5Dm%5En");
  EXPECT_EQ(EscapePartitionValue(std::string("\x01\n\x7f", 3)), "%01%0A%7F");
  EXPECT_EQ(EscapePartitionValue("日本"), "日本");
  EXPECT_EQ(UnescapePartitionValue("a%3Ab%2fc").ValueOrDie(), "a:b/c");
  EXPECT_THAT(UnescapePartitionValue("50%"), IsError(ErrorCode::kCorrupt));
  EXPECT_THAT(UnescapePartitionValue("%zz"), IsError(ErrorCode::kCorrupt));
  const std::string tricky = "x/y:z%=?#\x01 end";
  EXPECT_EQ(UnescapePartitionValue(EscapePartitionValue(tricky)).ValueOrDie(), tricky);
  EXPECT_EQ(PartitionDirectory({{"a", "1"}, {"b", std::nullopt}, {"c", ""}}),
            "a=1/b=__HIVE_DEFAULT_PARTITION__/c=__HIVE_DEFAULT_PARTITION__/");
  EXPECT_EQ(PartitionDirectory({{"x=y", "2021-09-08 11:11:11"}}), "x%3Dy=2021-09-08 11%3A11%3A11/");
  EXPECT_EQ(PartitionDirectory({}), "");
}

TEST(PartitionPathTest, UriEncodingMatchesTheCorpus) {
  // Spark wrote "as_timestamp=2021-09-08 11%3A11%3A11/" into add.path as below.
  EXPECT_EQ(PathToUri(PartitionDirectory({{"as_timestamp", "2021-09-08 11:11:11"}}) + "f.parquet"),
            "as_timestamp=2021-09-08%2011%253A11%253A11/f.parquet");
  EXPECT_EQ(PathToUri("x=A%2FA/part.parquet"), "x=A%252FA/part.parquet");
  EXPECT_EQ(PathToUri("a:b/c:d"), "a%3Ab/c:d");
  EXPECT_EQ(UriToPath("x=B%2520B/f").ValueOrDie(), "x=B%20B/f");
  EXPECT_THAT(UriToPath("bad%2"), IsError(ErrorCode::kCorrupt, HasSubstr("bad%2")));
  const std::string path = "d=é ü/[x]{y}|#?.parquet";
  EXPECT_EQ(UriToPath(PathToUri(path)).ValueOrDie(), path);

  const fs::path table = kCorpus / "delta-0.8.0-special-partition";
  dom::parser parser;
  const std::string log = ReadFile(table / "_delta_log/00000000000000000000.json");
  std::istringstream lines(log);
  std::string line;
  int adds = 0;
  while (std::getline(lines, line)) {
    dom::element root;
    std::string_view path_uri;
    if (parser.parse(line).get(root) || root["add"]["path"].get(path_uri)) continue;
    ASSERT_OK_AND_ASSIGN(std::string relative, UriToPath(path_uri));
    EXPECT_TRUE(fs::exists(table / relative)) << relative;
    EXPECT_EQ(PathToUri(relative), path_uri);
    ++adds;
  }
  EXPECT_EQ(adds, 2);
}

// --- AdaptColumn / AdaptBatch ------------------------------------------------

template <typename T>
ArrayPtr Fixed(TypePtr type, const std::vector<std::optional<T>>& values) {
  FixedWidthBuilder<T> builder(std::move(type));
  for (const auto& v : values) EXPECT_OK(v ? builder.Append(*v) : builder.AppendNull());
  return builder.Finish().ValueOrDie();
}

MetadataPtr Mapping(const std::string& physical, int id) {
  return KeyValueMetadata::Make({{"delta.columnMapping.id", std::to_string(id)},
                                 {"delta.columnMapping.physicalName", physical}});
}

TEST(AdaptTest, BatchRenamesWidensAndFillsMissingColumns) {
  // File: physical names, int32 and a struct lacking one of the table's fields.
  auto file_struct = struct_({field("col-x", int16()), field("col-dropped", int8())});
  auto file_schema = schema({field("col-a", int32()), field("col-s", file_struct)});
  auto xs = Fixed<int16_t>(int16(), {1, std::nullopt, 3});
  auto dropped = Fixed<int8_t>(int8(), {9, 9, 9});
  auto s = Array::Make(file_struct, 3, {nullptr}, {xs, dropped});
  ASSERT_OK_AND_ASSIGN(auto file_batch,
                       RecordBatch::Make(file_schema, 3,
                                         {Fixed<int32_t>(int32(), {10, 20, std::nullopt}), s}));

  auto table_schema = schema(
      {field("a", int64(), true, Mapping("col-a", 1)),
       field("s",
             struct_({field("x", int64(), true, Mapping("col-x", 3)),
                      field("new", utf8(), true, Mapping("col-new", 4))}),
             true, Mapping("col-s", 2)),
       field("added", float64(), true, Mapping("col-added", 5))});
  ASSERT_OK_AND_ASSIGN(auto out, AdaptBatch(*file_batch, *table_schema, ColumnMappingMode::kName));
  ASSERT_OK(out->ValidateFull());
  EXPECT_EQ(out->schema()->field(0)->name(), "a");
  EXPECT_EQ(out->column(0)->ToString(), "[10, 20, null]");
  EXPECT_EQ(out->column(0)->type_id(), TypeId::kInt64);
  const auto& adapted = out->column(1);
  EXPECT_EQ(adapted->type()->field(0)->name(), "x");
  EXPECT_EQ(adapted->field(0)->ToString(), "[1, null, 3]");
  EXPECT_EQ(adapted->field(1)->null_count(), 3);
  EXPECT_EQ(adapted->num_children(), 2);
  EXPECT_EQ(out->column(2)->null_count(), 3);
  EXPECT_EQ(out->column(2)->type_id(), TypeId::kFloat64);

  // Without column mapping the physical names do not match: everything is null.
  ASSERT_OK_AND_ASSIGN(auto unmapped,
                       AdaptBatch(*file_batch, *table_schema, ColumnMappingMode::kNone));
  EXPECT_EQ(unmapped->column(0)->null_count(), 3);
}

TEST(AdaptTest, IdModeMatchesByFieldIdOverNames) {
  auto file_schema =
      schema({field("renamed-on-disk", int32(), true,
                    KeyValueMetadata::Make({{"PARQUET:field_id", "7"}})),
              field("col-b", int32(), true, KeyValueMetadata::Make({{"PARQUET:field_id", "8"}}))});
  ASSERT_OK_AND_ASSIGN(auto batch,
                       RecordBatch::Make(file_schema, 2,
                                         {Fixed<int32_t>(int32(), {1, 2}),
                                          Fixed<int32_t>(int32(), {3, 4})}));
  auto table_schema = schema({field("b", int32(), true, Mapping("col-b", 7))});
  ASSERT_OK_AND_ASSIGN(auto by_id, AdaptBatch(*batch, *table_schema, ColumnMappingMode::kId));
  EXPECT_EQ(by_id->column(0)->ToString(), "[1, 2]");
  ASSERT_OK_AND_ASSIGN(auto by_name, AdaptBatch(*batch, *table_schema, ColumnMappingMode::kName));
  EXPECT_EQ(by_name->column(0)->ToString(), "[3, 4]");
}

TEST(AdaptTest, ListsAndMapsRecurseAndShapesMustAgree) {
  ListBuilder lists(list(field("element", int16())), std::make_unique<Int16Builder>(int16()));
  ASSERT_OK(lists.Append());
  ASSERT_OK(static_cast<Int16Builder*>(lists.value_builder())->Append(5));
  ASSERT_OK(lists.AppendNull());
  ASSERT_OK_AND_ASSIGN(auto list_array, lists.Finish());
  auto file_field = field("col-l", list_array->type());
  auto table_field = field("l", list(field("element", int64())), true, Mapping("col-l", 1));
  ASSERT_OK_AND_ASSIGN(auto out,
                       AdaptColumn(list_array, file_field, table_field, ColumnMappingMode::kName));
  EXPECT_TRUE(out->type()->Equals(*table_field->type()));
  EXPECT_EQ(out->ToString(), "[[5], null]");

  EXPECT_THAT(AdaptColumn(list_array, file_field, field("l", struct_({field("a", int32())})),
                          ColumnMappingMode::kNone),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("column l")));
  EXPECT_THAT(AdaptColumn(Fixed<int32_t>(int32(), {1}), field("c", int32()), field("c", date32()),
                          ColumnMappingMode::kNone),
              IsError(ErrorCode::kInvalidArgument, HasSubstr("cannot cast int32 to date32")));
}

}  // namespace
}  // namespace quire::table
