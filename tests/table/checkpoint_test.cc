#include "quire/table/checkpoint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "quire/columnar/builder.h"
#include "quire/io/local_file_system.h"
#include "quire/io/memory_file_system.h"
#include "quire/parquet/file_reader.h"
#include "quire/testing/matchers.h"

namespace quire::table {
namespace {

using quire::testing::IsError;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAreArray;

const std::string kDelta = std::string(QUIRE_SOURCE_DIR) + "/tests/data/delta/";

template <typename T>
std::vector<T> OfKind(const std::vector<Action>& actions) {
  std::vector<T> out;
  for (const auto& a : actions) {
    if (const T* t = std::get_if<T>(&a)) out.push_back(*t);
  }
  return out;
}

template <typename T>
size_t CountOf(const std::vector<Action>& actions) {
  return OfKind<T>(actions).size();
}

Result<std::vector<Action>> ReadCorpus(const std::string& relative,
                                       const CheckpointReadOptions& options = {}) {
  io::LocalFileSystem fs;
  return ReadCheckpointFile(fs, kDelta + relative, options);
}

// The "files" of an expected/vN.json of the corpus.
std::vector<std::string> ExpectedFiles(const std::string& relative) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.load(kDelta + relative);
  std::vector<std::string> files;
  for (auto f : doc["files"].get_array()) files.emplace_back(std::string_view(f));
  return files;
}

TEST(CheckpointReadTest, SimpleTableCheckpointHoldsTheExpectedFiles) {
  ASSERT_OK_AND_ASSIGN(auto actions,
                       ReadCorpus("simple_table_with_checkpoint/_delta_log/"
                                  "00000000000000000010.checkpoint.parquet"));
  EXPECT_EQ(actions.size(), 13u);  // _last_checkpoint: "size":13
  auto protocols = OfKind<Protocol>(actions);
  ASSERT_EQ(protocols.size(), 1u);
  EXPECT_EQ(protocols[0], (Protocol{.min_reader_version = 1, .min_writer_version = 2}));
  auto metadata = OfKind<Metadata>(actions);
  ASSERT_EQ(metadata.size(), 1u);
  EXPECT_EQ(metadata[0].id, "cf3741a3-5f93-434f-99ac-9a4bebcdf06c");
  EXPECT_EQ(metadata[0].format_provider, "parquet");
  EXPECT_THAT(metadata[0].partition_columns, IsEmpty());
  EXPECT_EQ(
      metadata[0].schema_string,
      R"({"type":"struct","fields":[{"name":"version","type":"integer","nullable":true,"metadata":{}}]})");
  std::vector<std::string> paths;
  for (const auto& add : OfKind<AddFile>(actions)) {
    paths.push_back(add.path);
    EXPECT_THAT(add.partition_values, IsEmpty());
    EXPECT_FALSE(add.data_change);
    EXPECT_FALSE(add.stats.has_value());  // this writer left stats null
    if (add.path ==
        "part-00000-9afd9224-729f-4420-a05e-8032113a6568-c000.snappy.parquet") {
      EXPECT_EQ(add.size, 442);
      EXPECT_EQ(add.modification_time, 1615751706698);
    }
  }
  EXPECT_THAT(paths, UnorderedElementsAreArray(ExpectedFiles(
                         "simple_table_with_checkpoint/expected/v10.json")));
  EXPECT_EQ(CountOf<RemoveFile>(actions), 0u);
}

TEST(CheckpointReadTest, MultiPartCheckpointPartsSplitTheActions) {
  const std::string dir = "multi-part-checkpoint/_delta_log/";
  ASSERT_OK_AND_ASSIGN(
      auto part1,
      ReadCorpus(dir + "00000000000000000001.checkpoint.0000000001.0000000002.parquet"));
  ASSERT_OK_AND_ASSIGN(
      auto part2,
      ReadCorpus(dir + "00000000000000000001.checkpoint.0000000002.0000000002.parquet"));
  EXPECT_EQ(CountOf<AddFile>(part1), 5u);
  EXPECT_EQ(CountOf<AddFile>(part2), 5u);
  EXPECT_EQ(CountOf<Protocol>(part1) + CountOf<Protocol>(part2), 1u);
  EXPECT_EQ(CountOf<Metadata>(part1) + CountOf<Metadata>(part2), 1u);
  EXPECT_EQ(part1.size() + part2.size(), 12u);  // _last_checkpoint: "size":12
  auto metadata = OfKind<Metadata>(part1);
  ASSERT_EQ(metadata.size(), 1u);
  EXPECT_EQ(metadata[0].id, "testId");
  // Features lists are present in the schema but null at versions 1/2.
  auto protocol = OfKind<Protocol>(part1)[0];
  EXPECT_EQ(protocol, (Protocol{.min_reader_version = 1, .min_writer_version = 2}));
  std::set<std::string> paths;
  for (const auto* part : {&part1, &part2}) {
    for (const auto& add : OfKind<AddFile>(*part)) paths.insert(add.path);
  }
  EXPECT_EQ(paths.size(), 10u);  // _last_checkpoint: "numOfAddFiles":10
}

TEST(CheckpointReadTest, DeletionVectorsAndPartitionValuesOfAdds) {
  ASSERT_OK_AND_ASSIGN(auto actions,
                       ReadCorpus("dv-partitioned-with-checkpoint/_delta_log/"
                                  "00000000000000000010.checkpoint.parquet"));
  EXPECT_EQ(actions.size(), 30u);
  EXPECT_EQ(CountOf<AddFile>(actions), 18u);
  EXPECT_EQ(CountOf<RemoveFile>(actions), 10u);
  auto protocol = OfKind<Protocol>(actions).at(0);
  EXPECT_EQ(protocol.min_reader_version, 3);
  EXPECT_EQ(protocol.min_writer_version, 7);
  EXPECT_EQ(protocol.reader_features, std::vector<std::string>{"deletionVectors"});
  EXPECT_EQ(protocol.writer_features, std::vector<std::string>{"deletionVectors"});
  EXPECT_EQ(OfKind<Metadata>(actions).at(0).partition_columns,
            std::vector<std::string>{"part"});

  const AddFile* found = nullptr;
  int with_dv = 0;
  auto adds = OfKind<AddFile>(actions);
  for (const auto& add : adds) {
    with_dv += add.deletion_vector.has_value();
    if (add.path ==
        "part=4/part-00000-69ec928d-3737-4eb3-a3d8-9555a6b55ff5.c000.snappy.parquet") {
      found = &add;
    }
  }
  EXPECT_EQ(with_dv, 3);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->partition_values, (PartitionValues{{"part", "4"}}));
  EXPECT_EQ(found->size, 735);
  EXPECT_EQ(found->modification_time, 1688691720000);
  EXPECT_FALSE(found->data_change);
  EXPECT_THAT(found->tags, IsEmpty());
  ASSERT_TRUE(found->deletion_vector.has_value());
  EXPECT_EQ(*found->deletion_vector,
            (DeletionVectorDescriptor{.storage_type = "u",
                                      .path_or_inline_dv = "+V9Oq([R6mTaoM.}Isa)",
                                      .offset = 1,
                                      .size_in_bytes = 36,
                                      .cardinality = 2}));
  EXPECT_EQ(
      found->stats,
      R"({"numRecords":3,"minValues":{"col1":4,"col2":"foo4"},"maxValues":{"col1":24,"col2":"foo4"},"nullCount":{"col1":0,"col2":0},"tightBounds":false})");

  bool tombstone = false;
  for (const auto& r : OfKind<RemoveFile>(actions)) {
    if (r.path !=
        "part=4/part-00000-69ec928d-3737-4eb3-a3d8-9555a6b55ff5.c000.snappy.parquet") {
      continue;
    }
    if (!r.deletion_vector ||
        r.deletion_vector->path_or_inline_dv != "SZYoUv7OW&PVt[Vm4y.s") {
      continue;
    }
    tombstone = true;
    EXPECT_EQ(r.deletion_timestamp, 1688691776979);
    EXPECT_FALSE(r.data_change);
    EXPECT_EQ(r.extended_file_metadata, true);
    EXPECT_EQ(r.partition_values, (PartitionValues{{"part", "4"}}));
    EXPECT_EQ(r.size, 735);
    EXPECT_EQ(r.deletion_vector->cardinality, 1);
    EXPECT_EQ(r.deletion_vector->size_in_bytes, 34);
  }
  EXPECT_TRUE(tombstone);
}

TEST(CheckpointReadTest, InsertsAndDeletesCheckpoint) {
  ASSERT_OK_AND_ASSIGN(auto actions,
                       ReadCorpus("basic-with-inserts-deletes-checkpoint/_delta_log/"
                                  "00000000000000000010.checkpoint.parquet"));
  EXPECT_EQ(actions.size(), 13u);
  EXPECT_EQ(CountOf<AddFile>(actions), 6u);
  EXPECT_EQ(CountOf<RemoveFile>(actions), 5u);
  EXPECT_EQ(OfKind<Metadata>(actions).at(0).id, "testId");
  EXPECT_EQ(OfKind<Protocol>(actions).at(0),
            (Protocol{.min_reader_version = 1, .min_writer_version = 2}));
  for (const auto& r : OfKind<RemoveFile>(actions)) {
    EXPECT_TRUE(r.deletion_timestamp.has_value());
    EXPECT_FALSE(r.stats.has_value());  // tombstones in checkpoints carry no stats
  }
}

TEST(CheckpointReadTest, SidecarsOfV2Checkpoints) {
  const std::string dir = "checkpoint-v2-table/_delta_log/_sidecars/";
  ASSERT_OK_AND_ASSIGN(
      auto v8, ReadCorpus(dir + "00000000000000000008.checkpoint.0000000001.0000000001."
                                "d55fb2cb-b8d3-4362-8572-c52142a9da1f.parquet"));
  ASSERT_EQ(v8.size(), 7u);  // checkpointMetadata tags: sidecarNumActions 7
  auto adds = OfKind<AddFile>(v8);
  ASSERT_EQ(adds.size(), 7u);
  EXPECT_EQ(adds[0].path,
            "part-00000-247edc12-0eb3-44dc-9d39-42b50dbe6a6b.c000.snappy.parquet");
  EXPECT_EQ(adds[0].size, 1046);
  EXPECT_EQ(adds[0].tags.at("OPTIMIZE_TARGET_SIZE"), "67108864");
  EXPECT_EQ(adds[0].tags.size(), 4u);
  EXPECT_FALSE(adds[0].clustering_provider.has_value());

  ASSERT_OK_AND_ASSIGN(
      auto json_sidecar,
      ReadCorpus(
          "v2-checkpoint-json/_delta_log/_sidecars/00000000000000000002.checkpoint."
          "0000000002.0000000002.0a8d73ee-aa83-49d0-9583-c99db75b89b2.parquet"));
  EXPECT_EQ(CountOf<AddFile>(json_sidecar), 3u);
}

TEST(CheckpointReadTest, WithoutStatsLeavesStatsOutAndKeepsTheRest) {
  const std::string file =
      "checkpoint-v2-table/_delta_log/_sidecars/"
      "00000000000000000006.checkpoint.0000000001."
      "0000000001.1a1516f4-8a39-48f0-9ccd-cc3790d824c7.parquet";
  ASSERT_OK_AND_ASSIGN(auto full, ReadCorpus(file));
  ASSERT_OK_AND_ASSIGN(auto lean,
                       ReadCorpus(file, {.with_stats = false, .batch_rows = 2}));
  auto full_adds = OfKind<AddFile>(full);
  auto lean_adds = OfKind<AddFile>(lean);
  ASSERT_EQ(full_adds.size(), 5u);
  ASSERT_EQ(lean_adds.size(), 5u);
  for (size_t i = 0; i < full_adds.size(); ++i) {
    EXPECT_TRUE(full_adds[i].stats.has_value());
    EXPECT_FALSE(lean_adds[i].stats.has_value());
    AddFile expected = full_adds[i];
    expected.stats.reset();
    EXPECT_EQ(lean_adds[i], expected);
  }
}

TEST(CheckpointReadTest, ColumnsOptionReadsOnlyTheChosenActions) {
  ASSERT_OK_AND_ASSIGN(auto actions,
                       ReadCorpus("dv-partitioned-with-checkpoint/_delta_log/"
                                  "00000000000000000010.checkpoint.parquet",
                                  {.columns = {"protocol", "metaData"}}));
  ASSERT_EQ(actions.size(), 2u);
  EXPECT_EQ(CountOf<Protocol>(actions), 1u);
  EXPECT_EQ(CountOf<Metadata>(actions), 1u);
}

// --- stats_parsed rendered as the stats JSON -------------------------------

// Whether two JSON texts hold the same value (object keys in any order).
bool SameJson(simdjson::dom::element a, simdjson::dom::element b) {
  using simdjson::dom::element_type;
  if (a.type() != b.type()) {
    // Integers and doubles of one value compare equal.
    if (a.is_number() && b.is_number())
      return double(a.get_double()) == double(b.get_double());
    return false;
  }
  switch (a.type()) {
    case element_type::OBJECT: {
      auto oa = a.get_object().value();
      auto ob = b.get_object().value();
      if (oa.size() != ob.size()) return false;
      for (auto [k, v] : oa) {
        auto other = ob.at_key(k);
        if (other.error() || !SameJson(v, other.value())) return false;
      }
      return true;
    }
    case element_type::ARRAY: {
      auto xa = a.get_array().value();
      auto xb = b.get_array().value();
      if (xa.size() != xb.size()) return false;
      for (size_t i = 0; i < xa.size(); ++i) {
        if (!SameJson(xa.at(i).value(), xb.at(i).value())) return false;
      }
      return true;
    }
    default:
      return simdjson::minify(a) == simdjson::minify(b);
  }
}

// `batch` with the field `drop` of its `add` struct removed.
columnar::RecordBatchPtr WithoutAddField(const columnar::RecordBatch& batch,
                                         const std::string& drop) {
  columnar::ArrayVector columns = batch.columns();
  columnar::FieldVector fields = batch.schema()->fields();
  const int index = batch.schema()->GetFieldIndex("add");
  const auto& add = batch.column(index);
  columnar::FieldVector kept_fields;
  columnar::ArrayVector kept_children;
  for (int k = 0; k < add->num_children(); ++k) {
    if (add->type()->field(k)->name() == drop) continue;
    kept_fields.push_back(add->type()->field(k));
    kept_children.push_back(add->field(k));
  }
  auto type = columnar::struct_(kept_fields);
  columns[size_t(index)] =
      columnar::Array::Make(type, add->length(), {add->buffer(0)}, kept_children, nullptr,
                            add->null_count(), add->offset());
  fields[size_t(index)] = columnar::field("add", type);
  return std::make_shared<columnar::RecordBatch>(columnar::schema(fields),
                                                 batch.num_rows(), columns);
}

class StatsParsedTest : public ::testing::TestWithParam<std::string> {};

TEST_P(StatsParsedTest, RendersTheSameStatsAsTheJsonColumn) {
  io::LocalFileSystem fs;
  const std::string path = kDelta + GetParam();
  ASSERT_OK_AND_ASSIGN(auto file, fs.OpenRead(path));
  ASSERT_OK_AND_ASSIGN(auto reader, parquet::FileReader::Open(std::move(file)));
  ASSERT_OK_AND_ASSIGN(auto table, reader->ReadTable());
  int compared = 0;
  simdjson::dom::parser pa, pb;
  for (const auto& batch : table->ToBatches()) {
    ASSERT_OK_AND_ASSIGN(auto with_json, ActionsFromCheckpointBatch(*batch, path));
    ASSERT_OK_AND_ASSIGN(auto from_struct, ActionsFromCheckpointBatch(
                                               *WithoutAddField(*batch, "stats"), path));
    auto a = OfKind<AddFile>(with_json);
    auto b = OfKind<AddFile>(from_struct);
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      ASSERT_TRUE(a[i].stats && b[i].stats) << a[i].path;
      simdjson::dom::element ja = pa.parse(*a[i].stats);
      simdjson::dom::element jb = pb.parse(*b[i].stats);
      EXPECT_TRUE(SameJson(ja, jb)) << *a[i].stats << "\n" << *b[i].stats;
      ++compared;
    }
  }
  EXPECT_GT(compared, 0);
}

INSTANTIATE_TEST_SUITE_P(
    Corpus, StatsParsedTest,
    ::testing::Values(
        "checkpoint-v2-table/_delta_log/_sidecars/"
        "00000000000000000006.checkpoint.0000000001."
        "0000000001.1a1516f4-8a39-48f0-9ccd-cc3790d824c7.parquet",
        "checkpoints_vacuumed/_delta_log/00000000000000000010.checkpoint.parquet",
        "table_with_deletion_logs/_delta_log/00000000000000000020.checkpoint.parquet"));

TEST(StatsParsedTest, TimestampsRenderAsIsoUtcWithMilliseconds) {
  io::LocalFileSystem fs;
  const std::string path =
      kDelta +
      "checkpoint-v2-table/_delta_log/_sidecars/"
      "00000000000000000006.checkpoint.0000000001.0000000001.1a1516f4-8a39-"
      "48f0-9ccd-cc3790d824c7.parquet";
  ASSERT_OK_AND_ASSIGN(auto file, fs.OpenRead(path));
  ASSERT_OK_AND_ASSIGN(auto reader, parquet::FileReader::Open(std::move(file)));
  ASSERT_OK_AND_ASSIGN(auto table, reader->ReadTable());
  auto batch = table->ToBatches().at(0);
  ASSERT_OK_AND_ASSIGN(
      auto actions, ActionsFromCheckpointBatch(*WithoutAddField(*batch, "stats"), path));
  auto adds = OfKind<AddFile>(actions);
  ASSERT_FALSE(adds.empty());
  EXPECT_EQ(adds[0].path,
            "part-00000-33e5a956-7506-43d8-bc29-e913eaeb2b73.c000.snappy.parquet");
  EXPECT_EQ(
      adds[0].stats,
      R"({"numRecords":1,"minValues":{"id":11,"name":"Mallory","created_at":"2025-08-09T14:44:25.329Z"},)"
      R"("maxValues":{"id":11,"name":"Mallory","created_at":"2025-08-09T14:44:25.329Z"},)"
      R"("nullCount":{"id":0,"name":0,"created_at":0}})");
}

// --- Batches built by hand ---------------------------------------------------

TEST(CheckpointBatchTest, MissingRequiredFieldIsCorrupt) {
  using namespace columnar;
  auto add_type = struct_({field("path", utf8()), field("size", int64())});
  auto path_b = std::make_unique<StringBuilder>(utf8());
  auto size_b = std::make_unique<Int64Builder>(int64());
  ASSERT_OK(path_b->AppendNull());
  ASSERT_OK(size_b->Append(1));
  ASSERT_OK_AND_ASSIGN(auto path, path_b->Finish());
  ASSERT_OK_AND_ASSIGN(auto size, size_b->Finish());
  auto add = Array::Make(add_type, 1, {nullptr}, {path, size});
  RecordBatch batch(schema({field("add", add_type)}), 1, {add});
  EXPECT_THAT(ActionsFromCheckpointBatch(batch, "x.parquet"),
              IsError(ErrorCode::kCorrupt, HasSubstr("x.parquet: row 0: add.path")));
}

TEST(CheckpointBatchTest, MistypedColumnIsCorrupt) {
  using namespace columnar;
  auto b = std::make_unique<Int64Builder>(int64());
  ASSERT_OK(b->Append(1));
  ASSERT_OK_AND_ASSIGN(auto a, b->Finish());
  RecordBatch batch(schema({field("protocol", int64())}), 1, {a});
  EXPECT_THAT(ActionsFromCheckpointBatch(batch, "x.parquet"),
              IsError(ErrorCode::kCorrupt, HasSubstr("protocol")));
}

TEST(CheckpointBatchTest, DictionaryStringsAndUnknownColumns) {
  using namespace columnar;
  auto dict_type = dictionary(int32(), utf8());
  auto txn_type = struct_({field("appId", dict_type), field("version", int64())});
  auto ids = std::make_unique<StringBuilder>(utf8());
  ASSERT_OK(ids->Append("app-a"));
  ASSERT_OK(ids->Append("app-b"));
  ASSERT_OK_AND_ASSIGN(auto dict, ids->Finish());
  auto idx = std::make_unique<Int32Builder>(int32());
  ASSERT_OK(idx->Append(1));
  ASSERT_OK(idx->Append(0));
  ASSERT_OK_AND_ASSIGN(auto indices, idx->Finish());
  auto app = Array::Make(dict_type, 2, indices->buffers(), {}, dict);
  auto ver = std::make_unique<Int64Builder>(int64());
  ASSERT_OK(ver->Append(7));
  ASSERT_OK(ver->Append(8));
  ASSERT_OK_AND_ASSIGN(auto version, ver->Finish());
  auto txn = Array::Make(txn_type, 2, {nullptr}, {app, version});
  auto other = std::make_unique<Int64Builder>(int64());
  ASSERT_OK(other->Append(1));
  ASSERT_OK(other->Append(2));
  ASSERT_OK_AND_ASSIGN(auto unknown, other->Finish());
  RecordBatch batch(
      schema({field("txn", txn_type), field("rowIdHighWaterMark", int64())}), 2,
      {txn, unknown});
  ASSERT_OK_AND_ASSIGN(auto actions, ActionsFromCheckpointBatch(batch, "x"));
  EXPECT_THAT(OfKind<AppTransaction>(actions),
              ElementsAre(AppTransaction{.app_id = "app-b", .version = 7},
                          AppTransaction{.app_id = "app-a", .version = 8}));
}

TEST(CheckpointReadTest, CorruptFileIsCorrupt) {
  io::MemoryFileSystem fs;
  ASSERT_OK(fs.WriteAll("t/_delta_log/00000000000000000001.checkpoint.parquet",
                        std::string_view("PAR1 this is not a parquet file PAR1")));
  EXPECT_THAT(
      ReadCheckpointFile(fs, "t/_delta_log/00000000000000000001.checkpoint.parquet"),
      IsError(ErrorCode::kCorrupt));
  EXPECT_THAT(ReadCheckpointFile(fs, "t/_delta_log/missing.checkpoint.parquet"),
              IsError(ErrorCode::kNotFound));
}

// --- _last_checkpoint ---------------------------------------------------------

TEST(LastCheckpointTest, ReadsTheCorpusForms) {
  io::LocalFileSystem fs;
  ASSERT_OK_AND_ASSIGN(
      auto simple,
      ReadLastCheckpoint(fs, kDelta + "simple_table_with_checkpoint/_delta_log"));
  ASSERT_TRUE(simple.has_value());
  EXPECT_EQ(*simple, (LastCheckpoint{.version = 10, .size = 13}));

  ASSERT_OK_AND_ASSIGN(
      auto multi, ReadLastCheckpoint(fs, kDelta + "multi-part-checkpoint/_delta_log"));
  ASSERT_TRUE(multi.has_value());
  EXPECT_EQ(multi->version, 1);
  EXPECT_EQ(multi->size, 12);
  EXPECT_EQ(multi->parts, 2);
  EXPECT_EQ(multi->size_in_bytes, 30499);
  EXPECT_EQ(multi->num_of_add_files, 10);

  ASSERT_OK_AND_ASSIGN(auto v2,
                       ReadLastCheckpoint(fs, kDelta + "v2-checkpoint-json/_delta_log"));
  ASSERT_TRUE(v2.has_value() && v2->v2_checkpoint.has_value());
  EXPECT_EQ(v2->version, 2);
  EXPECT_EQ(v2->v2_checkpoint->path,
            "00000000000000000002.checkpoint.6374b053-df23-479b-b2cf-c9c550132b49.json");
  EXPECT_EQ(v2->v2_checkpoint->size_in_bytes, 891);
  EXPECT_EQ(v2->v2_checkpoint->modification_time, 1714496115810);
  ASSERT_TRUE(v2->v2_checkpoint->sidecar_files_json.has_value());
  EXPECT_THAT(*v2->v2_checkpoint->sidecar_files_json, HasSubstr("\"sizeInBytes\":9367"));
  ASSERT_TRUE(v2->v2_checkpoint->non_file_actions_json.has_value());
  EXPECT_THAT(*v2->v2_checkpoint->non_file_actions_json,
              HasSubstr("\"checkpointMetadata\":{\"version\":2}"));

  // A snake_case key written by a buggy writer is ignored, not an error.
  ASSERT_OK_AND_ASSIGN(
      auto failed,
      ReadLastCheckpoint(fs, kDelta + "table_failed_last_checkpoint_update/_delta_log"));
  ASSERT_TRUE(failed.has_value());
  EXPECT_EQ(*failed, (LastCheckpoint{.version = 1, .size = 6}));

  ASSERT_OK_AND_ASSIGN(auto none,
                       ReadLastCheckpoint(fs, kDelta + "simple_table/_delta_log"));
  EXPECT_FALSE(none.has_value());
}

TEST(LastCheckpointTest, MalformedIsCorrupt) {
  EXPECT_THAT(ParseLastCheckpoint("{\"version\":1", "lc"), IsError(ErrorCode::kCorrupt));
  EXPECT_THAT(ParseLastCheckpoint("[1]", "lc"), IsError(ErrorCode::kCorrupt));
  EXPECT_THAT(ParseLastCheckpoint("{\"size\":3}", "lc"),
              IsError(ErrorCode::kCorrupt, HasSubstr("version")));
  EXPECT_THAT(ParseLastCheckpoint("{\"version\":\"3\",\"size\":3}", "lc"),
              IsError(ErrorCode::kCorrupt));
  EXPECT_THAT(ParseLastCheckpoint("{\"version\":3,\"size\":3,\"version\":4}", "lc"),
              IsError(ErrorCode::kCorrupt, HasSubstr("duplicate")));
  io::MemoryFileSystem fs;
  ASSERT_OK(fs.WriteAll("t/_delta_log/_last_checkpoint", std::string_view("not json")));
  EXPECT_THAT(ReadLastCheckpoint(fs, "t/_delta_log"), IsError(ErrorCode::kCorrupt));
}

TEST(LastCheckpointTest, JsonRoundTrips) {
  LastCheckpoint last{
      .version = 7, .size = 12, .parts = 3, .size_in_bytes = 1234, .num_of_add_files = 9};
  EXPECT_EQ(LastCheckpointJson(last),
            R"({"version":7,"size":12,"parts":3,"sizeInBytes":1234,"numOfAddFiles":9})");
  last.v2_checkpoint = LastCheckpointV2{.path = "x.json",
                                        .size_in_bytes = 5,
                                        .modification_time = 6,
                                        .non_file_actions_json = R"([{"protocol":{}}])",
                                        .sidecar_files_json = "[]"};
  ASSERT_OK_AND_ASSIGN(auto back, ParseLastCheckpoint(LastCheckpointJson(last), "lc"));
  EXPECT_EQ(back, last);
}

// --- Writing ----------------------------------------------------------------

Protocol FeatureProtocol() {
  return Protocol{
      .min_reader_version = 3,
      .min_writer_version = 7,
      .reader_features = std::vector<std::string>{"deletionVectors"},
      .writer_features = std::vector<std::string>{"deletionVectors", "domainMetadata"}};
}

Metadata SampleMetadata() {
  Metadata m;
  m.id = "5fba94ed-9794-4965-ba6e-6ee3c0d22af9";
  m.name = "events";
  m.format_options = {{"k", "v"}};
  m.schema_string =
      R"({"type":"struct","fields":[{"name":"date","type":"string","nullable":true,"metadata":{}}]})";
  m.partition_columns = {"date", "region"};
  m.configuration = {{"delta.enableDeletionVectors", "true"}};
  m.created_time = 1700000000000;
  return m;
}

TEST(CheckpointWriteTest, RoundTripsEveryActionKind) {
  io::MemoryFileSystem fs;
  const Protocol protocol = FeatureProtocol();
  const Metadata metadata = SampleMetadata();
  std::vector<AppTransaction> txns = {{.app_id = "app", .version = 4, .last_updated = 99},
                                      {.app_id = "other", .version = 1}};
  std::vector<DomainMetadata> domains = {
      {.domain = "delta.rowTracking", .configuration = R"({"rowIdHighWaterMark":7})"},
      {.domain = "gone", .configuration = "{}", .removed = true}};
  AddFile plain{.path = "date=2024-01-01/region=eu/a.parquet",
                .partition_values = {{"date", "2024-01-01"}, {"region", std::nullopt}},
                .size = 100,
                .modification_time = 1700000000001,
                .stats = R"({"numRecords":3})"};
  AddFile with_dv{
      .path = "b.parquet",
      .partition_values = {{"date", std::nullopt}, {"region", "us"}},
      .size = 200,
      .modification_time = 1700000000002,
      .data_change = false,
      .tags = {{"INSERTION_TIME", "1"}, {"empty", std::nullopt}},
      .deletion_vector =
          DeletionVectorDescriptor{.storage_type = "u",
                                   .path_or_inline_dv = "ab^-aqEH.-t@S}K{vb[*k^",
                                   .offset = 4,
                                   .size_in_bytes = 40,
                                   .cardinality = 6},
      .base_row_id = 10,
      .default_row_commit_version = 2,
      .clustering_provider = "liquid"};
  AddFile inline_dv{
      .path = "c.parquet",
      .size = 1,
      .modification_time = 3,
      .deletion_vector = DeletionVectorDescriptor{
          .storage_type = "i",
          .path_or_inline_dv = "wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L",
          .size_in_bytes = 40,
          .cardinality = 6}};
  RemoveFile tombstone{.path = "old.parquet",
                       .deletion_timestamp = 1700000000003,
                       .data_change = true,
                       .extended_file_metadata = true,
                       .partition_values = PartitionValues{{"date", std::nullopt}},
                       .size = 50};
  RemoveFile bare{.path = "older.parquet", .deletion_timestamp = 5, .data_change = false};

  ASSERT_OK_AND_ASSIGN(
      auto result,
      WriteCheckpoint(fs, "t/_delta_log", 12, protocol, metadata, txns, domains,
                      {plain, with_dv, inline_dv}, {tombstone, bare}));
  EXPECT_EQ(result.path, "t/_delta_log/00000000000000000012.checkpoint.parquet");
  EXPECT_TRUE(result.wrote_last_checkpoint);
  EXPECT_EQ(result.last_checkpoint.version, 12);
  EXPECT_EQ(result.last_checkpoint.size, 10);  // the removed domain is not kept
  EXPECT_EQ(result.last_checkpoint.num_of_add_files, 3);
  ASSERT_OK_AND_ASSIGN(auto info, fs.Stat(result.path));
  EXPECT_EQ(result.last_checkpoint.size_in_bytes, info.size);

  ASSERT_OK_AND_ASSIGN(auto last, ReadLastCheckpoint(fs, "t/_delta_log"));
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(*last, result.last_checkpoint);

  ASSERT_OK_AND_ASSIGN(auto actions, ReadCheckpointFile(fs, result.path));
  ASSERT_EQ(actions.size(), 10u);
  EXPECT_EQ(std::get<Protocol>(actions[0]), protocol);
  EXPECT_EQ(std::get<Metadata>(actions[1]), metadata);
  EXPECT_EQ(std::get<AppTransaction>(actions[2]), txns[0]);
  EXPECT_EQ(std::get<AppTransaction>(actions[3]), txns[1]);
  EXPECT_EQ(std::get<DomainMetadata>(actions[4]), domains[0]);
  EXPECT_EQ(std::get<AddFile>(actions[5]), plain);
  EXPECT_EQ(std::get<AddFile>(actions[6]), with_dv);
  EXPECT_EQ(std::get<AddFile>(actions[7]), inline_dv);
  EXPECT_EQ(std::get<RemoveFile>(actions[8]), tombstone);
  EXPECT_EQ(std::get<RemoveFile>(actions[9]), bare);

  // Versions 1/2 write null feature lists.
  ASSERT_OK_AND_ASSIGN(auto v1, WriteCheckpoint(fs, "u/_delta_log", 0, Protocol{},
                                                metadata, {}, {}, {}, {}));
  ASSERT_OK_AND_ASSIGN(auto v1_actions, ReadCheckpointFile(fs, v1.path));
  ASSERT_EQ(v1_actions.size(), 2u);
  EXPECT_EQ(std::get<Protocol>(v1_actions[0]), Protocol{});
}

TEST(CheckpointWriteTest, LastCheckpointNeverMovesBack) {
  io::MemoryFileSystem fs;
  ASSERT_OK(WriteCheckpoint(fs, "t/_delta_log", 20, Protocol{}, SampleMetadata(), {}, {},
                            {}, {})
                .status());
  ASSERT_OK_AND_ASSIGN(auto older, WriteCheckpoint(fs, "t/_delta_log", 10, Protocol{},
                                                   SampleMetadata(), {}, {}, {}, {}));
  EXPECT_FALSE(older.wrote_last_checkpoint);
  ASSERT_OK_AND_ASSIGN(auto last, ReadLastCheckpoint(fs, "t/_delta_log"));
  EXPECT_EQ(last->version, 20);
  ASSERT_OK_AND_ASSIGN(auto exists,
                       fs.Exists("t/_delta_log/00000000000000000010.checkpoint.parquet"));
  EXPECT_TRUE(exists);
}

TEST(CheckpointWriteTest, HundredThousandAddsRoundTripInBatches) {
  io::MemoryFileSystem fs;
  constexpr int kFiles = 100000;
  std::vector<AddFile> adds;
  adds.reserve(kFiles);
  for (int i = 0; i < kFiles; ++i) {
    AddFile a;
    a.path = "date=2024-01-" + std::to_string(1 + i % 28) + "/part-" + std::to_string(i) +
             ".parquet";
    a.partition_values = {{"date", "2024-01-" + std::to_string(1 + i % 28)}};
    a.size = 1000 + i;
    a.modification_time = 1700000000000 + i;
    a.stats = R"({"numRecords":)" + std::to_string(i) +
              R"(,"minValues":{"x":0},"maxValues":{"x":)" + std::to_string(i) +
              R"(},"nullCount":{"x":0}})";
    adds.push_back(std::move(a));
  }
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_OK_AND_ASSIGN(auto result, WriteCheckpoint(fs, "big/_delta_log", 100, Protocol{},
                                                    SampleMetadata(), {}, {}, adds, {},
                                                    {.batch_rows = 32 * 1024}));
  const auto t1 = std::chrono::steady_clock::now();
  EXPECT_EQ(result.last_checkpoint.size, kFiles + 2);
  EXPECT_EQ(result.last_checkpoint.num_of_add_files, kFiles);

  int64_t batches = 0, seen = 0;
  bool same = true;
  ASSERT_OK(ReadCheckpointFile(fs, result.path, {.batch_rows = 20000},
                               [&](std::vector<Action>&& actions) {
                                 ++batches;
                                 for (auto& a : actions) {
                                   if (auto* add = std::get_if<AddFile>(&a)) {
                                     same = same && *add == adds[size_t(seen)];
                                     ++seen;
                                   }
                                 }
                                 return Status::OK();
                               }));
  const auto t2 = std::chrono::steady_clock::now();
  EXPECT_EQ(seen, kFiles);
  EXPECT_TRUE(same);
  EXPECT_GE(batches, 6);  // 4 row groups, read 20,000 rows at a time
  ASSERT_OK_AND_ASSIGN(auto full, ReadCheckpointFile(fs, result.path));
  const auto t3 = std::chrono::steady_clock::now();
  EXPECT_EQ(CountOf<AddFile>(full), size_t(kFiles));
  full.clear();
  const auto t4 = std::chrono::steady_clock::now();
  ASSERT_OK_AND_ASSIGN(auto lean,
                       ReadCheckpointFile(fs, result.path, {.with_stats = false}));
  const auto t5 = std::chrono::steady_clock::now();
  EXPECT_EQ(CountOf<AddFile>(lean), size_t(kFiles));
  EXPECT_FALSE(std::get<AddFile>(lean.back()).stats.has_value());
  auto ms = [](auto d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  };
  std::printf(
      "[ info ] 100,000 adds: write %lld ms (%lld bytes), streamed read and compare "
      "%lld ms, read %lld ms, read without stats %lld ms\n",
      (long long)ms(t1 - t0), (long long)*result.last_checkpoint.size_in_bytes,
      (long long)ms(t2 - t1), (long long)ms(t3 - t2), (long long)ms(t5 - t4));
}

TEST(CheckpointWriteTest, WritesToLocalDisk) {
  io::LocalFileSystem fs;
  const std::string log_dir = ::testing::TempDir() + "quire_checkpoint_test/_delta_log";
  AddFile add{.path = "a.parquet",
              .partition_values = {{"p", std::nullopt}},
              .size = 5,
              .modification_time = 6,
              .deletion_vector = DeletionVectorDescriptor{.storage_type = "u",
                                                          .path_or_inline_dv = "x",
                                                          .size_in_bytes = 1,
                                                          .cardinality = 2}};
  ASSERT_OK_AND_ASSIGN(auto result, WriteCheckpoint(fs, log_dir, 3, FeatureProtocol(),
                                                    SampleMetadata(), {}, {}, {add}, {}));
  ASSERT_OK_AND_ASSIGN(auto actions, ReadCheckpointFile(fs, result.path));
  ASSERT_EQ(actions.size(), 3u);
  EXPECT_EQ(std::get<AddFile>(actions[2]), add);
  ASSERT_OK_AND_ASSIGN(auto last, ReadLastCheckpoint(fs, log_dir));
  EXPECT_EQ(last->version, 3);
}

TEST(CheckpointWriteTest, RejectsBadArguments) {
  io::MemoryFileSystem fs;
  EXPECT_THAT(WriteCheckpoint(fs, "t", -1, Protocol{}, SampleMetadata(), {}, {}, {}, {}),
              IsError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(WriteCheckpoint(fs, "t", 1, Protocol{}, SampleMetadata(), {}, {}, {}, {},
                              {.batch_rows = 0}),
              IsError(ErrorCode::kInvalidArgument));
}

}  // namespace
}  // namespace quire::table
