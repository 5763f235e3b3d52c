/// \file tests/columnar/c_data_test.cc
/// \brief Arrow C Data and C Stream Interface: round trips of every type, format
/// strings, metadata, zero copy and lifetimes, a hand-built foreign producer,
/// malformed input. Record batches and streams: c_stream_test.cc.
#include "quire/columnar/c_data.h"

#include <bit>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "quire/columnar/array.h"
#include "quire/columnar/builder.h"
#include "quire/columnar/record_batch.h"
#include "quire/columnar/type.h"
#include "quire/testing/matchers.h"
#include "quire/testing/random_arrays.h"
#include "release_counter.h"

namespace quire::columnar {
namespace {

using ::quire::testing::EveryType;
using ::quire::testing::IsError;
using ::quire::testing::MakeRandomArray;
using ::quire::testing::RandomOptions;
using ::testing::HasSubstr;
using namespace ::quire::columnar::test;  // NOLINT: release counters

std::string FormatOf(const TypePtr& type) {
  UniqueSchema schema;
  EXPECT_OK(ExportType(*type, schema.get()));
  return schema->format;
}

ArrayPtr MakeStrings(const std::vector<std::string>& values) {
  StringBuilder b(utf8());
  for (const auto& v : values) EXPECT_OK(b.Append(v));
  return b.Finish().ValueOrDie();
}

ArrayPtr MakeInt32s(const std::vector<int32_t>& values) {
  Int32Builder b(int32());
  for (int32_t v : values) EXPECT_OK(b.Append(v));
  return b.Finish().ValueOrDie();
}

// --- 1. Round trips -----------------------------------------------------------------

TEST(CDataTest, RoundTripsEveryTypeWithNullsAndOffsets) {
  for (const auto& [name, type] : EveryType()) {
    for (double null_probability : {0.0, 0.5}) {
      for (bool sliced : {false, true}) {
        SCOPED_TRACE(fmt::format("{} null_probability={} sliced={}", name,
                                 null_probability, sliced));
        ArrayPtr original =
            MakeRandomArray(type, 40, {.null_probability = null_probability});
        if (sliced) original = original->Slice(3, 20);
        ArrowArray c_array;
        ArrowSchema c_schema;
        ASSERT_OK(ExportArray(original, &c_array, &c_schema));
        EXPECT_EQ(c_array.length, original->length());
        EXPECT_EQ(c_array.offset, original->offset());
        ASSERT_OK_AND_ASSIGN(ArrayPtr imported,
                             ImportArray(&c_array, &c_schema, ImportValidation::kFull));
        EXPECT_EQ(c_array.release, nullptr);
        EXPECT_EQ(c_schema.release, nullptr);
        EXPECT_TRUE(imported->type()->Equals(*original->type(), /*check_metadata=*/true))
            << imported->type()->ToString() << " vs " << original->type()->ToString();
        EXPECT_TRUE(imported->Equals(*original));
        EXPECT_EQ(imported->null_count(), original->null_count());
        EXPECT_OK(imported->ValidateFull());
      }
    }
  }
}

TEST(CDataTest, RoundTripsWithAKnownTypeAndNoSchema) {
  for (const auto& [name, type] : EveryType()) {
    SCOPED_TRACE(name);
    ArrayPtr original = MakeRandomArray(type, 17, {.seed = 7});
    UniqueArray c_array;
    ASSERT_OK(ExportArray(original, c_array.get()));
    ASSERT_OK_AND_ASSIGN(ArrayPtr imported, ImportArray(c_array.get(), type));
    EXPECT_FALSE(c_array);
    EXPECT_TRUE(imported->Equals(*original));
  }
}

TEST(CDataTest, RoundTripsEmptyArraysAndSlicesAtTheEnd) {
  for (const auto& [name, type] : EveryType()) {
    SCOPED_TRACE(name);
    ArrayPtr full = MakeRandomArray(type, 10);
    for (ArrayPtr original :
         {MakeRandomArray(type, 0), full->Slice(10, 0), full->Slice(9)}) {
      ArrowArray c_array;
      ArrowSchema c_schema;
      ASSERT_OK(ExportArray(original, &c_array, &c_schema));
      ASSERT_OK_AND_ASSIGN(ArrayPtr imported,
                           ImportArray(&c_array, &c_schema, ImportValidation::kFull));
      EXPECT_TRUE(imported->Equals(*original));
    }
  }
}

TEST(CDataTest, ExportsTheArrowBufferLayout) {
  // Null type: no buffers; struct and fixed_size_list: validity only; views: an extra
  // final buffer with the int64 sizes of the data buffers.
  UniqueArray nulls;
  ASSERT_OK(ExportArray(MakeRandomArray(null(), 5), nulls.get()));
  EXPECT_EQ(nulls->n_buffers, 0);
  EXPECT_EQ(nulls->null_count, 5);

  UniqueArray points;
  auto point = struct_({field("x", float64()), field("y", float64())});
  ASSERT_OK(
      ExportArray(MakeRandomArray(point, 5, {.null_probability = 0}), points.get()));
  EXPECT_EQ(points->n_buffers, 1);
  EXPECT_EQ(points->buffers[0], nullptr);  // no validity bitmap without nulls
  EXPECT_EQ(points->null_count, 0);
  EXPECT_EQ(points->n_children, 2);

  UniqueArray lists;
  ASSERT_OK(ExportArray(MakeRandomArray(fixed_size_list(int8(), 2), 5), lists.get()));
  EXPECT_EQ(lists->n_buffers, 1);
  EXPECT_EQ(lists->n_children, 1);
  EXPECT_EQ(lists->children[0]->length, 10);

  BinaryViewBuilder views(utf8_view());
  ASSERT_OK(views.Append("short"));
  ASSERT_OK(views.Append("a string longer than twelve bytes"));
  ASSERT_OK_AND_ASSIGN(ArrayPtr view_array, views.Finish());
  ASSERT_EQ(view_array->num_buffers(), 3);
  UniqueArray c_views;
  ASSERT_OK(ExportArray(view_array, c_views.get()));
  ASSERT_EQ(c_views->n_buffers, 4);
  const auto* sizes = static_cast<const int64_t*>(c_views->buffers[3]);
  EXPECT_EQ(sizes[0], view_array->buffer(2)->size());
  EXPECT_EQ(c_views->buffers[2], view_array->buffer(2)->data());

  BinaryViewBuilder inline_views(binary_view());
  ASSERT_OK(inline_views.Append("tiny"));
  ASSERT_OK_AND_ASSIGN(ArrayPtr inline_array, inline_views.Finish());
  UniqueArray c_inline;
  ASSERT_OK(ExportArray(inline_array, c_inline.get()));
  EXPECT_EQ(c_inline->n_buffers, int64_t(inline_array->num_buffers()) + 1);

  UniqueArray dict;
  ASSERT_OK(ExportArray(MakeRandomArray(dictionary(int16(), utf8()), 8), dict.get()));
  EXPECT_EQ(dict->n_buffers, 2);
  EXPECT_EQ(dict->n_children, 0);
  ASSERT_NE(dict->dictionary, nullptr);
  EXPECT_EQ(dict->dictionary->n_buffers, 3);
}

TEST(CDataTest, ExportsStructChildrenUnslicedWithTheParentOffset) {
  auto type = struct_({field("a", int32()), field("s", utf8())});
  ArrayPtr original = MakeRandomArray(type, 30)->Slice(4, 10);
  UniqueArray c_array;
  ASSERT_OK(ExportArray(original, c_array.get()));
  EXPECT_EQ(c_array->offset, 4);
  EXPECT_EQ(c_array->length, 10);
  EXPECT_EQ(c_array->children[0]->offset, 0);
  EXPECT_EQ(c_array->children[0]->length, 30);
  ASSERT_OK_AND_ASSIGN(ArrayPtr imported, ImportArray(c_array.get(), type));
  EXPECT_TRUE(imported->Equals(*original));
  EXPECT_TRUE(imported->field(1)->Equals(*original->field(1)));
}

// --- 2. Format strings --------------------------------------------------------------

TEST(CDataTest, ExportsTheFormatStringOfEveryType) {
  const std::vector<std::pair<TypePtr, std::string>> cases = {
      {null(), "n"},
      {boolean(), "b"},
      {int8(), "c"},
      {uint8(), "C"},
      {int16(), "s"},
      {uint16(), "S"},
      {int32(), "i"},
      {uint32(), "I"},
      {int64(), "l"},
      {uint64(), "L"},
      {float16(), "e"},
      {float32(), "f"},
      {float64(), "g"},
      {binary(), "z"},
      {large_binary(), "Z"},
      {binary_view(), "vz"},
      {utf8(), "u"},
      {large_utf8(), "U"},
      {utf8_view(), "vu"},
      {decimal128(20, 4), "d:20,4"},
      {decimal128(5, -2), "d:5,-2"},
      {decimal256(60, 10), "d:60,10,256"},
      {fixed_size_binary(5), "w:5"},
      {date32(), "tdD"},
      {date64(), "tdm"},
      {time32(TimeUnit::kSecond), "tts"},
      {time32(TimeUnit::kMilli), "ttm"},
      {time64(TimeUnit::kMicro), "ttu"},
      {time64(TimeUnit::kNano), "ttn"},
      {timestamp(TimeUnit::kSecond), "tss:"},
      {timestamp(TimeUnit::kMilli, "+01:00"), "tsm:+01:00"},
      {timestamp(TimeUnit::kMicro, "UTC"), "tsu:UTC"},
      {timestamp(TimeUnit::kNano, "Europe/Berlin"), "tsn:Europe/Berlin"},
      {duration(TimeUnit::kSecond), "tDs"},
      {duration(TimeUnit::kMilli), "tDm"},
      {duration(TimeUnit::kMicro), "tDu"},
      {duration(TimeUnit::kNano), "tDn"},
      {interval_month_day_nano(), "tin"},
      {list(int32()), "+l"},
      {large_list(utf8()), "+L"},
      {fixed_size_list(float32(), 3), "+w:3"},
      {struct_({field("a", int8())}), "+s"},
      {map(utf8(), int64()), "+m"},
  };
  for (const auto& [type, format] : cases) {
    EXPECT_EQ(FormatOf(type), format) << type->ToString();
    // And back.
    UniqueSchema schema;
    ASSERT_OK(ExportType(*type, schema.get()));
    ASSERT_OK_AND_ASSIGN(TypePtr imported, ImportType(schema.get()));
    EXPECT_TRUE(imported->Equals(*type)) << format << " -> " << imported->ToString();
  }
}

TEST(CDataTest, ExportsNestedTypesAsChildrenAndDictionariesAsIndexFormat) {
  UniqueSchema dict;
  ASSERT_OK(ExportType(*dictionary(int32(), utf8()), dict.get()));
  EXPECT_STREQ(dict->format, "i");
  EXPECT_EQ(dict->n_children, 0);
  ASSERT_NE(dict->dictionary, nullptr);
  EXPECT_STREQ(dict->dictionary->format, "u");

  UniqueSchema m;
  ASSERT_OK(ExportType(*map(utf8(), float64()), m.get()));
  ASSERT_EQ(m->n_children, 1);
  const ArrowSchema& entries = *m->children[0];
  EXPECT_STREQ(entries.name, "entries");
  EXPECT_STREQ(entries.format, "+s");
  EXPECT_EQ(entries.flags & ARROW_FLAG_NULLABLE, 0);
  ASSERT_EQ(entries.n_children, 2);
  EXPECT_STREQ(entries.children[0]->name, "key");
  EXPECT_STREQ(entries.children[0]->format, "u");
  EXPECT_EQ(entries.children[0]->flags & ARROW_FLAG_NULLABLE, 0);
  EXPECT_STREQ(entries.children[1]->name, "value");
  EXPECT_STREQ(entries.children[1]->format, "g");
  EXPECT_EQ(entries.children[1]->flags, ARROW_FLAG_NULLABLE);

  UniqueSchema fsl;
  ASSERT_OK(ExportType(*fixed_size_list(field("v", int16(), false), 7), fsl.get()));
  EXPECT_STREQ(fsl->format, "+w:7");
  EXPECT_STREQ(fsl->children[0]->name, "v");
  EXPECT_STREQ(fsl->children[0]->format, "s");
  EXPECT_EQ(fsl->metadata, nullptr);
}

TEST(CDataTest, RoundTripsTheTypeOfEveryType) {
  for (const auto& [name, type] : EveryType()) {
    UniqueSchema schema;
    ASSERT_OK(ExportType(*type, schema.get()));
    ASSERT_OK_AND_ASSIGN(TypePtr imported, ImportType(schema.get()));
    EXPECT_TRUE(imported->Equals(*type, /*check_metadata=*/true))
        << name << ": " << imported->ToString();
  }
}

// Build a one-node ArrowSchema with a borrowed format string.
struct LeafSchema {
  std::string format;
  std::string name;
  ArrowSchema c{};
  static void Release(ArrowSchema* s) {
    ++g_schema_releases;
    s->release = nullptr;
  }
  explicit LeafSchema(std::string f, std::string n = "",
                      int64_t flags = ARROW_FLAG_NULLABLE)
      : format(std::move(f)), name(std::move(n)) {
    c.format = format.c_str();
    c.name = name.c_str();
    c.flags = flags;
    c.release = &Release;
  }
};

TEST(CDataTest, ImportsFormatStringsWrittenByOtherProducers) {
  const std::vector<std::pair<std::string, TypePtr>> cases = {
      {"d:10,2,128", decimal128(10, 2)},
      {"d:76,0,256", decimal256(76, 0)},
      {"tss:", timestamp(TimeUnit::kSecond)},
      {"tsn:America/New_York", timestamp(TimeUnit::kNano, "America/New_York")},
      {"w:0", fixed_size_binary(0)},
      {"vu", utf8_view()},
  };
  for (const auto& [format, type] : cases) {
    LeafSchema schema(format);
    ASSERT_OK_AND_ASSIGN(TypePtr imported, ImportType(&schema.c));
    EXPECT_TRUE(imported->Equals(*type)) << format << " -> " << imported->ToString();
    EXPECT_EQ(schema.c.release, nullptr);
  }
}

TEST(CDataTest, RejectsUnknownAndMalformedFormatStrings) {
  struct Case {
    std::string format;
    ErrorCode code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"", ErrorCode::kCorrupt, "empty format string"},
      {"x", ErrorCode::kUnsupported, "unknown format string 'x'"},
      {"ii", ErrorCode::kCorrupt, "malformed format string 'ii'"},
      {"d", ErrorCode::kCorrupt, "malformed format string 'd'"},
      {"d:5", ErrorCode::kCorrupt, "'d:5'"},
      {"d:a,b", ErrorCode::kCorrupt, "'d:a,b'"},
      {"d:5,2,7", ErrorCode::kCorrupt, "bit width 7"},
      {"d:5,2,64", ErrorCode::kUnsupported, "64-bit decimals"},
      {"d:39,2", ErrorCode::kCorrupt, "precision 39"},
      {"d:5,2,128,1", ErrorCode::kCorrupt, "'d:5,2,128,1'"},
      {"w:", ErrorCode::kCorrupt, "'w:'"},
      {"w:-1", ErrorCode::kCorrupt, "'w:-1'"},
      {"w:3x", ErrorCode::kCorrupt, "'w:3x'"},
      {"vx", ErrorCode::kCorrupt, "'vx'"},
      {"tsu", ErrorCode::kCorrupt, "'tsu'"},
      {"tsx:UTC", ErrorCode::kCorrupt, "'tsx:UTC'"},
      {"ttx", ErrorCode::kCorrupt, "'ttx'"},
      {"tdx", ErrorCode::kCorrupt, "'tdx'"},
      {"tiM", ErrorCode::kUnsupported, "month intervals"},
      {"tiD", ErrorCode::kUnsupported, "day-time intervals"},
      {"tq", ErrorCode::kUnsupported, "'tq'"},
      {"+ud:0,1", ErrorCode::kUnsupported, "unions"},
      {"+us:4,5", ErrorCode::kUnsupported, "unions"},
      {"+r", ErrorCode::kUnsupported, "run-end"},
      {"+vl", ErrorCode::kUnsupported, "list views"},
      {"+q", ErrorCode::kUnsupported, "'+q'"},
      {"+w:x", ErrorCode::kCorrupt, "'+w:x'"},
      {"+l", ErrorCode::kCorrupt, "needs 1 child, n_children is 0"},
      {"+m", ErrorCode::kCorrupt, "needs 1 child"},
  };
  for (const auto& c : cases) {
    g_schema_releases = 0;
    LeafSchema schema(c.format);
    EXPECT_THAT(ImportType(&schema.c), IsError(c.code, HasSubstr(c.message))) << c.format;
    EXPECT_EQ(schema.c.release, nullptr) << c.format;
    EXPECT_EQ(g_schema_releases, 1) << c.format;
  }
}

TEST(CDataTest, RejectsMalformedSchemaStructsNamingTheChildPath) {
  // A struct<a: list<item: int32>> whose innermost format is replaced.
  auto type = struct_({field("a", list(int32()))});
  {
    ArrowSchema schema;
    ASSERT_OK(ExportType(*type, &schema));
    schema.children[0]->children[0]->format = "x";
    EXPECT_THAT(ImportType(&schema),
                IsError(ErrorCode::kUnsupported, HasSubstr("child 'a.item'")));
    EXPECT_EQ(schema.release, nullptr);
  }
  {
    ArrowSchema schema;
    ASSERT_OK(ExportType(*type, &schema));
    schema.children[0]->format = nullptr;
    EXPECT_THAT(ImportType(&schema),
                IsError(ErrorCode::kCorrupt, HasSubstr("child 'a': format is null")));
  }
  {
    ArrowSchema schema;
    ASSERT_OK(ExportType(*type, &schema));
    schema.n_children = 2;  // the second pointer does not exist
    ArrowSchema* children[2] = {schema.children[0], nullptr};
    schema.children = children;
    EXPECT_THAT(ImportType(&schema),
                IsError(ErrorCode::kCorrupt, HasSubstr("children[1] is null")));
  }
  {
    ArrowSchema schema;
    ASSERT_OK(ExportType(*type, &schema));
    schema.children = nullptr;
    EXPECT_THAT(
        ImportType(&schema),
        IsError(ErrorCode::kCorrupt, HasSubstr("n_children is 1 but children is null")));
  }
  {
    ArrowSchema schema;
    ASSERT_OK(ExportType(*int32(), &schema));
    schema.n_children = -1;
    EXPECT_THAT(ImportType(&schema), IsError(ErrorCode::kCorrupt, HasSubstr("negative")));
  }
  {
    ArrowSchema released{};
    EXPECT_THAT(ImportType(&released),
                IsError(ErrorCode::kCorrupt, HasSubstr("released")));
  }
  {
    // A dictionary whose index format is not an integer.
    ArrowSchema schema;
    ASSERT_OK(ExportType(*dictionary(int8(), utf8()), &schema));
    schema.format = "g";
    EXPECT_THAT(ImportType(&schema),
                IsError(ErrorCode::kCorrupt, HasSubstr("not an integer index type")));
  }
  {
    // A map whose entries are not a struct of two.
    LeafSchema entries("i", "entries", 0);
    LeafSchema m("+m", "m");
    ArrowSchema* children[1] = {&entries.c};
    m.c.n_children = 1;
    m.c.children = children;
    EXPECT_THAT(ImportType(&m.c),
                IsError(ErrorCode::kCorrupt, HasSubstr("format string '+m'")));
  }
  {
    // A cycle below the root: a struct that is its own child.
    LeafSchema root("+s");
    LeafSchema loop("+s", "loop");
    ArrowSchema* children[1] = {&loop.c};
    root.c.n_children = loop.c.n_children = 1;
    root.c.children = loop.c.children = children;
    EXPECT_THAT(
        ImportType(&root.c),
        IsError(ErrorCode::kCorrupt, HasSubstr("nesting is deeper than 64 levels")));
  }
  EXPECT_THAT(ImportType(nullptr), IsError(ErrorCode::kInvalidArgument));
}

TEST(CDataTest, ClearsTheNullableFlagOfForeignMapKeys) {
  LeafSchema key("u", "keys");  // nullable, and named like arrow-rs names it
  LeafSchema value("i", "values");
  LeafSchema entries("+s", "entries", 0);
  LeafSchema m("+m", "m");
  ArrowSchema* kv[2] = {&key.c, &value.c};
  entries.c.n_children = 2;
  entries.c.children = kv;
  ArrowSchema* e[1] = {&entries.c};
  m.c.n_children = 1;
  m.c.children = e;
  m.c.flags |= ARROW_FLAG_MAP_KEYS_SORTED;
  ASSERT_OK_AND_ASSIGN(TypePtr type, ImportType(&m.c));
  ASSERT_EQ(type->id(), TypeId::kMap);
  EXPECT_TRUE(type->keys_sorted());
  EXPECT_FALSE(type->field(0)->type()->field(0)->nullable());
  EXPECT_EQ(type->field(0)->type()->field(0)->name(), "keys");
}

// --- 3. Metadata and flags ----------------------------------------------------------

TEST(CDataTest, EncodesMetadataAsTheSpecShows) {
  if constexpr (std::endian::native != std::endian::little) GTEST_SKIP();
  UniqueSchema schema;
  ASSERT_OK(ExportField(
      *field("f", int32(), true, KeyValueMetadata::Make({{"key1", "value1"}})),
      schema.get()));
  const std::string expected("\x01\x00\x00\x00\x04\x00\x00\x00key1\x06\x00\x00\x00value1",
                             22);
  EXPECT_EQ(std::string(schema->metadata, expected.size()), expected);

  UniqueSchema none;
  ASSERT_OK(
      ExportField(*field("f", int32(), true, KeyValueMetadata::Make({})), none.get()));
  EXPECT_EQ(none->metadata, nullptr);  // "If omitted, this field MUST be NULL"
}

TEST(CDataTest, RoundTripsMetadataAndFlags) {
  auto repeated = KeyValueMetadata::Make(
      {{"k", "1"}, {"k", "2"}, {"", ""}, {"ü", std::string("\0x", 2)}});
  auto map_field = field("m", map(utf8(), int32(), /*keys_sorted=*/true), false,
                         KeyValueMetadata::Make({{"map", "yes"}}));
  auto dict_field = field("d", dictionary(int8(), utf8(), /*ordered=*/true));
  auto plain =
      field("p", list(field("element", int64(), false, repeated)), false, repeated);
  auto s = schema({map_field, dict_field, plain},
                  KeyValueMetadata::Make({{"schema", "level"}, {"schema", "again"}}));

  UniqueSchema c_schema;
  ASSERT_OK(ExportSchema(*s, c_schema.get()));
  EXPECT_STREQ(c_schema->format, "+s");
  EXPECT_EQ(c_schema->flags, 0);
  ASSERT_EQ(c_schema->n_children, 3);
  EXPECT_EQ(c_schema->children[0]->flags, ARROW_FLAG_MAP_KEYS_SORTED);
  EXPECT_EQ(c_schema->children[1]->flags,
            ARROW_FLAG_NULLABLE | ARROW_FLAG_DICTIONARY_ORDERED);
  EXPECT_EQ(c_schema->children[2]->flags, 0);
  EXPECT_STREQ(c_schema->children[2]->children[0]->name, "element");

  ASSERT_OK_AND_ASSIGN(SchemaPtr imported, ImportSchema(c_schema.get()));
  EXPECT_TRUE(imported->Equals(*s, /*check_metadata=*/true)) << imported->ToString();
  ASSERT_NE(imported->metadata(), nullptr);
  EXPECT_EQ(imported->metadata()->pairs(), s->metadata()->pairs());
  EXPECT_EQ(imported->field(2)->metadata()->pairs(), repeated->pairs());
  EXPECT_EQ(imported->field(2)->type()->field(0)->metadata()->pairs(), repeated->pairs());
  EXPECT_FALSE(imported->field(0)->nullable());
  EXPECT_TRUE(imported->field(0)->type()->keys_sorted());
  EXPECT_TRUE(imported->field(1)->type()->ordered());

  // Fields alone keep their name, flags and metadata too.
  UniqueSchema c_field;
  ASSERT_OK(ExportField(*plain, c_field.get()));
  ASSERT_OK_AND_ASSIGN(FieldPtr imported_field, ImportField(c_field.get()));
  EXPECT_TRUE(imported_field->Equals(*plain, /*check_metadata=*/true));
}

TEST(CDataTest, RejectsMetadataWithNegativeLengths) {
  LeafSchema schema("i");
  const char bad_count[] = "\xff\xff\xff\xff";
  schema.c.metadata = bad_count;
  EXPECT_THAT(ImportField(&schema.c),
              IsError(ErrorCode::kCorrupt, HasSubstr("negative pair count")));
  LeafSchema schema2("i");
  std::string bad_key("\x01\x00\x00\x00\xfe\xff\xff\xff", 8);
  schema2.c.metadata = bad_key.data();
  EXPECT_THAT(ImportField(&schema2.c), IsError(ErrorCode::kCorrupt, HasSubstr("key 0")));
}

TEST(CDataTest, RejectsASchemaThatIsNotAStruct) {
  UniqueSchema c_schema;
  ASSERT_OK(ExportType(*int32(), c_schema.get()));
  EXPECT_THAT(ImportSchema(c_schema.get()),
              IsError(ErrorCode::kCorrupt, HasSubstr("must be a struct")));
  EXPECT_FALSE(c_schema);
}

// --- 4. Zero copy and lifetimes -----------------------------------------------------

TEST(CDataTest, ImportsZeroCopyAndReleasesExactlyOnce) {
  ArrayPtr original = MakeRandomArray(utf8(), 100, {.null_probability = 0.3});
  ArrowArray c_array;
  ASSERT_OK(ExportArray(original, &c_array));
  CountReleases(&c_array);
  ASSERT_OK_AND_ASSIGN(ArrayPtr imported, ImportArray(&c_array, utf8()));
  EXPECT_EQ(c_array.release, nullptr);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(imported->buffer(i)->data(), original->buffer(i)->data()) << "buffer " << i;
  }
  EXPECT_EQ(g_array_releases, 0);
  // Any buffer keeps the producer's data alive on its own.
  BufferPtr data = imported->buffer(2);
  imported.reset();
  EXPECT_EQ(g_array_releases, 0);
  data.reset();
  EXPECT_EQ(g_array_releases, 1);
}

TEST(CDataTest, ImportsEveryBufferOfNestedArraysZeroCopy) {
  auto type = struct_({field("l", list(int64())), field("v", utf8_view()),
                       field("d", dictionary(int32(), binary()))});
  ArrayPtr original = MakeRandomArray(type, 50);
  UniqueArray c_array;
  ASSERT_OK(ExportArray(original, c_array.get()));
  ASSERT_OK_AND_ASSIGN(ArrayPtr imported, ImportArray(c_array.get(), type));
  std::function<void(const Array&, const Array&)> same_buffers = [&](const Array& a,
                                                                     const Array& b) {
    ASSERT_EQ(a.num_buffers(), b.num_buffers()) << a.type()->ToString();
    for (int i = 0; i < a.num_buffers(); ++i) {
      const BufferPtr& x = a.buffer(size_t(i));
      const BufferPtr& y = b.buffer(size_t(i));
      ASSERT_EQ(x == nullptr, y == nullptr) << a.type()->ToString() << " buffer " << i;
      if (x) {
        EXPECT_EQ(x->data(), y->data()) << a.type()->ToString() << " buffer " << i;
      }
    }
    for (int c = 0; c < a.num_children(); ++c) same_buffers(*a.child(c), *b.child(c));
    if (a.dictionary()) same_buffers(*a.dictionary(), *b.dictionary());
  };
  same_buffers(*imported, *original);
}

TEST(CDataTest, ExportOutlivesEveryQuireReference) {
  for (const auto& [name, type] : EveryType()) {
    SCOPED_TRACE(name);
    const RandomOptions options{.seed = 99, .null_probability = 0.25};
    ArrowArray c_array;
    ArrowSchema c_schema;
    {
      ArrayPtr a = MakeRandomArray(type, 60, options)->Slice(5, 50);
      ASSERT_OK(ExportArray(a, &c_array, &c_schema));
    }  // the only quire reference is gone; the C structs own the data now
    ASSERT_OK_AND_ASSIGN(ArrayPtr imported,
                         ImportArray(&c_array, &c_schema, ImportValidation::kFull));
    ArrayPtr expected = MakeRandomArray(type, 60, options)->Slice(5, 50);
    EXPECT_TRUE(imported->Equals(*expected));
  }
}

TEST(CDataTest, ReleasesTheExportWhenTheConsumerReleasesIt) {
  ArrayPtr original = MakeRandomArray(list(utf8()), 10);
  std::weak_ptr<const Array> weak = original;
  ArrowArray c_array;
  ArrowSchema c_schema;
  ASSERT_OK(ExportArray(original, &c_array, &c_schema));
  original.reset();
  EXPECT_FALSE(weak.expired());
  c_array.release(&c_array);
  EXPECT_EQ(c_array.release, nullptr);
  EXPECT_TRUE(weak.expired());
  c_schema.release(&c_schema);
  EXPECT_EQ(c_schema.release, nullptr);
}

TEST(CDataTest, MovedChildrenOutliveTheirReleasedParent) {
  auto type = struct_({field("a", int32()), field("s", large_utf8())});
  ArrayPtr original = MakeRandomArray(type, 25);
  ArrowArray c_array;
  ArrowSchema c_schema;
  ASSERT_OK(ExportArray(original, &c_array, &c_schema));

  // C Data Interface, "Moving child arrays": bitwise copy, then mark the source released.
  ArrowArray moved_array = *c_array.children[1];
  c_array.children[1]->release = nullptr;
  ArrowSchema moved_schema = *c_schema.children[1];
  c_schema.children[1]->release = nullptr;
  c_array.release(&c_array);
  c_schema.release(&c_schema);
  original.reset();

  ASSERT_OK_AND_ASSIGN(FieldPtr f, ImportField(&moved_schema));
  EXPECT_EQ(f->name(), "s");
  ASSERT_OK_AND_ASSIGN(ArrayPtr child,
                       ImportArray(&moved_array, f->type(), ImportValidation::kFull));
  EXPECT_TRUE(child->Equals(*MakeRandomArray(type, 25)->child(1)));
}

TEST(CDataTest, UniqueHoldersMoveAndRelease) {
  UniqueArray a;
  EXPECT_FALSE(a);
  ASSERT_OK(ExportArray(MakeInt32s({1, 2, 3}), a.get()));
  CountReleases(a.get());
  ASSERT_TRUE(a);
  UniqueArray b(std::move(a));
  EXPECT_FALSE(a);  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
  EXPECT_TRUE(b);
  ArrowArray raw;
  b.release(&raw);
  EXPECT_FALSE(b);
  EXPECT_EQ(g_array_releases, 0);
  UniqueArray c(&raw);
  EXPECT_EQ(raw.release, nullptr);
  c.reset();
  EXPECT_EQ(g_array_releases, 1);
  EXPECT_FALSE(c);
}

// --- 5. A hand-built foreign producer ---------------------------------------------

// A C producer as another library would write it: malloc'd buffers and structs, a
// release callback per struct that frees its children.
struct ForeignArray {
  std::vector<void*> allocations;
  std::vector<const void*> buffers;
  std::vector<ArrowArray*> children;
  bool root = false;
};
int g_foreign_root_releases = 0;
int g_foreign_child_releases = 0;

void ReleaseForeign(ArrowArray* array) {
  auto* self = static_cast<ForeignArray*>(array->private_data);
  for (ArrowArray* child : self->children) {
    if (child->release != nullptr) child->release(child);
    std::free(child);
  }
  for (void* p : self->allocations) std::free(p);
  ++(self->root ? g_foreign_root_releases : g_foreign_child_releases);
  delete self;
  array->release = nullptr;
}

template <typename T>
const void* ForeignBuffer(ForeignArray* self, const std::vector<T>& values) {
  void* p = std::malloc(values.size() * sizeof(T) + 1);
  std::memcpy(p, values.data(), values.size() * sizeof(T));
  self->allocations.push_back(p);
  return p;
}

void FillForeign(ArrowArray* out, ForeignArray* self, int64_t length, int64_t null_count,
                 int64_t offset) {
  out->length = length;
  out->null_count = null_count;
  out->offset = offset;
  out->n_buffers = int64_t(self->buffers.size());
  out->buffers = self->buffers.data();
  out->n_children = int64_t(self->children.size());
  out->children = self->children.empty() ? nullptr : self->children.data();
  out->dictionary = nullptr;
  out->release = &ReleaseForeign;
  out->private_data = self;
}

// struct<a: int32, s: utf8> of 4 rows at offset 1 (one row of padding in front).
void MakeForeignBatch(ArrowArray* out) {
  auto* ints = new ForeignArray;
  ints->buffers = {
      ForeignBuffer(ints, std::vector<uint8_t>{0b10111}),  // slot 3 (row 2) null
      ForeignBuffer(ints, std::vector<int32_t>{-1, 10, 20, 0, 40})};
  auto* a = static_cast<ArrowArray*>(std::malloc(sizeof(ArrowArray)));
  FillForeign(a, ints, 5, -1, 0);

  auto* strings = new ForeignArray;
  strings->buffers = {
      nullptr,  // no nulls
      ForeignBuffer(strings, std::vector<int32_t>{0, 3, 6, 9, 9, 14}),
      ForeignBuffer(strings, std::vector<char>{'p', 'a', 'd', 'o', 'n', 'e', 't', 'w',
                                               'o', 't', 'h', 'r', 'e', 'e'})};
  auto* s = static_cast<ArrowArray*>(std::malloc(sizeof(ArrowArray)));
  FillForeign(s, strings, 5, 0, 0);

  auto* root = new ForeignArray;
  root->root = true;
  root->buffers = {nullptr};
  root->children = {a, s};
  FillForeign(out, root, 4, 0, 1);
}

TEST(CDataTest, ImportsAHandBuiltForeignProducerZeroCopy) {
  g_foreign_root_releases = g_foreign_child_releases = 0;
  ArrowArray c_array;
  MakeForeignBatch(&c_array);
  const void* ints = c_array.children[0]->buffers[1];
  const void* chars = c_array.children[1]->buffers[2];

  LeafSchema a("i", "a");
  LeafSchema s("u", "s", 0);
  LeafSchema root("+s");
  ArrowSchema* children[2] = {&a.c, &s.c};
  root.c.n_children = 2;
  root.c.children = children;
  g_schema_releases = 0;

  ASSERT_OK_AND_ASSIGN(RecordBatchPtr batch,
                       ImportRecordBatch(&c_array, &root.c, ImportValidation::kFull));
  EXPECT_EQ(g_schema_releases, 1);  // the root only; children are the producer's business
  EXPECT_EQ(c_array.release, nullptr);
  EXPECT_EQ(batch->num_rows(), 4);
  EXPECT_TRUE(batch->schema()->Equals(
      *schema({field("a", int32()), field("s", utf8(), /*nullable=*/false)})));
  EXPECT_EQ(batch->column(0)->ToString(), "[10, 20, null, 40]");
  EXPECT_TRUE(batch->column(1)->Equals(*MakeStrings({"one", "two", "", "three"})));
  EXPECT_EQ(batch->column(0)->null_count(), 1);
  EXPECT_EQ(batch->column(0)->buffer(1)->data(), ints);
  EXPECT_EQ(batch->column(1)->buffer(2)->data(), chars);

  EXPECT_EQ(g_foreign_root_releases, 0);
  ArrayPtr keep = batch->column(1);
  batch.reset();
  EXPECT_EQ(g_foreign_root_releases, 0);
  keep.reset();
  EXPECT_EQ(g_foreign_root_releases, 1);
  EXPECT_EQ(g_foreign_child_releases, 2);
}

TEST(CDataTest, AcceptsNullPointersForEmptyBuffersAndCopiesMisalignedOnes) {
  // An empty utf8 array with every buffer pointer null.
  {
    auto* self = new ForeignArray;
    self->root = true;
    self->buffers = {nullptr, nullptr, nullptr};
    ArrowArray c;
    FillForeign(&c, self, 0, 0, 0);
    ASSERT_OK_AND_ASSIGN(ArrayPtr a, ImportArray(&c, utf8(), ImportValidation::kFull));
    EXPECT_EQ(a->length(), 0);
    EXPECT_NE(a->buffer(1)->data(), nullptr);
  }
  // All-empty strings: the data buffer has size 0 and may be null.
  {
    auto* self = new ForeignArray;
    self->root = true;
    self->buffers = {nullptr, ForeignBuffer(self, std::vector<int32_t>{0, 0, 0}),
                     nullptr};
    ArrowArray c;
    FillForeign(&c, self, 2, 0, 0);
    ASSERT_OK_AND_ASSIGN(ArrayPtr a, ImportArray(&c, binary(), ImportValidation::kFull));
    EXPECT_EQ(a->length(), 2);
    EXPECT_EQ(GetBytes(*a, 0), "");
    EXPECT_EQ(GetBytes(*a, 1), "");
  }
  // int64 values one byte off their alignment: copied rather than misread.
  {
    auto* self = new ForeignArray;
    self->root = true;
    std::vector<uint8_t> bytes(1 + 2 * sizeof(int64_t));
    const int64_t values[2] = {7, -9};
    std::memcpy(bytes.data() + 1, values, sizeof(values));
    const auto* base = static_cast<const uint8_t*>(ForeignBuffer(self, bytes));
    self->buffers = {nullptr, base + 1};
    ArrowArray c;
    FillForeign(&c, self, 2, 0, 0);
    ASSERT_OK_AND_ASSIGN(ArrayPtr a, ImportArray(&c, int64(), ImportValidation::kFull));
    EXPECT_EQ(a->ToString(), "[7, -9]");
  }
}

// --- 6. Malformed arrays ------------------------------------------------------------

// Export `array`, let `corrupt` damage the C struct, import it as `type` and check the
// error and that the struct was consumed and released exactly once.
void ExpectImportError(const ArrayPtr& array, const TypePtr& type,
                       const std::function<void(ArrowArray*)>& corrupt, ErrorCode code,
                       const std::string& message,
                       ImportValidation validation = ImportValidation::kStructure) {
  ArrowArray c_array;
  ASSERT_OK(ExportArray(array, &c_array));
  CountReleases(&c_array);
  corrupt(&c_array);
  EXPECT_THAT(ImportArray(&c_array, type, validation), IsError(code, HasSubstr(message)));
  EXPECT_EQ(c_array.release, nullptr);
  EXPECT_EQ(g_array_releases, 1);
}

TEST(CDataTest, RejectsMalformedArraysWithATypedError) {
  const ArrayPtr ints = MakeRandomArray(int32(), 10, {.null_probability = 0.5});
  ASSERT_GT(ints->null_count(), 0);
  const ArrayPtr strings = MakeRandomArray(utf8(), 10);
  const TypePtr pair_type = struct_({field("a", int32()), field("s", utf8())});
  const ArrayPtr pairs = MakeRandomArray(pair_type, 10);
  const ErrorCode kCorrupt = ErrorCode::kCorrupt;

  SCOPED_TRACE("wrong n_buffers");
  ExpectImportError(
      ints, int32(), [](ArrowArray* c) { c->n_buffers = 3; }, kCorrupt,
      "n_buffers is 3, expected 2");
  SCOPED_TRACE("format/array mismatch");
  ExpectImportError(
      strings, int32(), [](ArrowArray*) {}, kCorrupt,
      "ArrowArray of type int32: n_buffers is 3, expected 2");
  ExpectImportError(
      pairs, struct_({field("a", int32())}), [](ArrowArray*) {}, kCorrupt,
      "n_children is 2, expected 1");
  SCOPED_TRACE("wrong n_children");
  ExpectImportError(
      pairs, pair_type, [](ArrowArray* c) { c->n_children = 1; }, kCorrupt,
      "n_children is 1, expected 2");
  SCOPED_TRACE("null children");
  ExpectImportError(
      pairs, pair_type, [](ArrowArray* c) { c->children = nullptr; }, kCorrupt,
      "n_children is 2 but children is null");
  static ArrowArray* one_missing[2];
  ExpectImportError(
      pairs, pair_type,
      [](ArrowArray* c) {
        one_missing[0] = c->children[0];
        one_missing[1] = nullptr;
        c->children = one_missing;
      },
      kCorrupt, "children[1] is null");
  SCOPED_TRACE("null buffers");
  ExpectImportError(
      ints, int32(), [](ArrowArray* c) { c->buffers = nullptr; }, kCorrupt,
      "n_buffers is 2 but buffers is null");
  static const void* no_values[2];
  ExpectImportError(
      ints, int32(),
      [](ArrowArray* c) {
        no_values[0] = c->buffers[0];
        no_values[1] = nullptr;
        c->buffers = no_values;
      },
      kCorrupt, "values buffer is null but 40 bytes are needed");
  static const void* no_offsets[3];
  ExpectImportError(
      strings, utf8(),
      [](ArrowArray* c) {
        no_offsets[0] = c->buffers[0];
        no_offsets[1] = nullptr;
        no_offsets[2] = c->buffers[2];
        c->buffers = no_offsets;
      },
      kCorrupt, "offsets buffer is null for 10 slots");
  static const void* no_validity[2];
  ExpectImportError(
      ints, int32(),
      [](ArrowArray* c) {
        no_validity[0] = nullptr;
        no_validity[1] = c->buffers[1];
        c->buffers = no_validity;
      },
      kCorrupt, "validity buffer is null but null_count is");
  SCOPED_TRACE("negative length and offset");
  ExpectImportError(
      ints, int32(), [](ArrowArray* c) { c->length = -1; }, kCorrupt,
      "negative length -1");
  ExpectImportError(
      ints, int32(), [](ArrowArray* c) { c->offset = -3; }, kCorrupt,
      "negative offset -3");
  ExpectImportError(
      ints, int32(), [](ArrowArray* c) { c->null_count = -2; }, kCorrupt,
      "null_count -2");
  ExpectImportError(
      ints, int32(),
      [](ArrowArray* c) { c->offset = std::numeric_limits<int64_t>::max() - 4; },
      kCorrupt, "overflows");
  SCOPED_TRACE("dictionary");
  const TypePtr dict_type = dictionary(int16(), utf8());
  ExpectImportError(
      MakeRandomArray(dict_type, 10), dict_type,
      [](ArrowArray* c) { c->dictionary = nullptr; }, kCorrupt,
      "the dictionary is missing");
  ExpectImportError(
      MakeRandomArray(dict_type, 10), int16(), [](ArrowArray*) {}, kCorrupt,
      "has a dictionary but the type is not dictionary-encoded");
  SCOPED_TRACE("nested child path");
  const TypePtr nested = struct_({field("l", list(field("item", int32())))});
  ExpectImportError(
      MakeRandomArray(nested, 10), nested,
      [](ArrowArray* c) { c->children[0]->children[0]->n_buffers = 1; }, kCorrupt,
      "ArrowArray child 'l.item' of type int32: n_buffers is 1");
  ExpectImportError(
      MakeRandomArray(nested, 10), nested,
      [](ArrowArray* c) {
        // Move the grandchild out and release it, as a consumer may.
        ArrowArray moved = *c->children[0]->children[0];
        c->children[0]->children[0]->release = nullptr;
        moved.release(&moved);
      },
      kCorrupt, "child 'l.item' of type int32: the struct is released");
  SCOPED_TRACE("views");
  const TypePtr views = utf8_view();
  BinaryViewBuilder vb(views);
  ASSERT_OK(vb.Append("a string longer than twelve bytes"));
  ASSERT_OK_AND_ASSIGN(ArrayPtr view_array, vb.Finish());
  ExpectImportError(
      view_array, views, [](ArrowArray* c) { c->n_buffers = 2; }, kCorrupt,
      "n_buffers is 2, expected 3 or more");
  static const void* no_sizes[4];
  ExpectImportError(
      view_array, views,
      [](ArrowArray* c) {
        std::memcpy(no_sizes, c->buffers, sizeof(no_sizes));
        no_sizes[3] = nullptr;
        c->buffers = no_sizes;
      },
      kCorrupt, "variadic buffer sizes");
  static int64_t negative_size = -5;
  static const void* bad_sizes[4];
  ExpectImportError(
      view_array, views,
      [](ArrowArray* c) {
        std::memcpy(bad_sizes, c->buffers, sizeof(bad_sizes));
        bad_sizes[3] = &negative_size;
        c->buffers = bad_sizes;
      },
      kCorrupt, "negative size -5");
}

TEST(CDataTest, RejectsAReleasedOrNullArray) {
  ArrowArray released{};
  EXPECT_THAT(
      ImportArray(&released, int32()),
      IsError(ErrorCode::kCorrupt, HasSubstr("ArrowArray of type int32: the struct is "
                                             "released")));
  EXPECT_THAT(ImportArray(nullptr, int32()), IsError(ErrorCode::kInvalidArgument));

  ArrowArray c_array;
  ASSERT_OK(ExportArray(MakeInt32s({1}), &c_array));
  CountReleases(&c_array);
  EXPECT_THAT(ImportArray(&c_array, TypePtr()), IsError(ErrorCode::kInvalidArgument));
  EXPECT_EQ(g_array_releases, 1);

  // With a schema: both structs are consumed whichever fails.
  ArrowArray c_array2;
  ArrowSchema c_schema;
  ASSERT_OK(ExportArray(MakeInt32s({1}), &c_array2, &c_schema));
  CountReleases(&c_array2);
  CountReleases(&c_schema);
  c_schema.format = "x";
  EXPECT_THAT(ImportArray(&c_array2, &c_schema), IsError(ErrorCode::kUnsupported));
  EXPECT_EQ(c_array2.release, nullptr);
  EXPECT_EQ(c_schema.release, nullptr);
  EXPECT_EQ(g_array_releases, 1);
  EXPECT_EQ(g_schema_releases, 1);
}

TEST(CDataTest, FullValidationCatchesBadValuesThatStructureChecksLetThrough) {
  // Invalid UTF-8.
  const int32_t utf8_offsets[] = {0, 1, 3};
  auto bad_utf8 = Array::Make(
      utf8(), 2,
      {nullptr, Buffer::Copy(std::as_bytes(std::span(utf8_offsets))).ValueOrDie(),
       Buffer::Copy("a\xff\xfe").ValueOrDie()},
      {}, nullptr, 0);
  ExpectImportError(
      bad_utf8, utf8(), [](ArrowArray*) {}, ErrorCode::kCorrupt,
      "invalid UTF-8 in string at slot 1", ImportValidation::kFull);
  {
    UniqueArray c;
    ASSERT_OK(ExportArray(bad_utf8, c.get()));
    EXPECT_OK(ImportArray(c.get(), utf8(), ImportValidation::kStructure));
  }
  // Decreasing offsets inside a valid range.
  const int32_t offsets[] = {0, 5, 2, 6};
  auto bad_offsets =
      Array::Make(binary(), 3,
                  {nullptr, Buffer::Copy(std::as_bytes(std::span(offsets))).ValueOrDie(),
                   Buffer::Copy("abcdef").ValueOrDie()},
                  {}, nullptr, 0);
  ExpectImportError(
      bad_offsets, binary(), [](ArrowArray*) {}, ErrorCode::kCorrupt,
      "offsets decrease at slot 1", ImportValidation::kFull);
  {
    UniqueArray c;
    ASSERT_OK(ExportArray(bad_offsets, c.get()));
    EXPECT_OK(ImportArray(c.get(), binary(), ImportValidation::kStructure));
  }
  // A wrong null count passes kNone and kStructure, not kFull.
  ExpectImportError(
      MakeRandomArray(int32(), 20, {.null_probability = 0.5}), int32(),
      [](ArrowArray* c) { c->null_count = 0; }, ErrorCode::kCorrupt, "null count is 0",
      ImportValidation::kFull);
  // Offsets beyond the data: caught by the structure check (the importer sizes the data
  // buffer from the last offset, so corrupt the first one).
  const int32_t past_end[] = {9, 1};
  auto bad_first =
      Array::Make(binary(), 1,
                  {nullptr, Buffer::Copy(std::as_bytes(std::span(past_end))).ValueOrDie(),
                   Buffer::Copy("a").ValueOrDie()},
                  {}, nullptr, 0);
  ExpectImportError(
      bad_first, binary(), [](ArrowArray*) {}, ErrorCode::kCorrupt, "offsets [9, 1]");
}

}  // namespace
}  // namespace quire::columnar
