#include "quire/table/actions.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "quire/testing/matchers.h"

namespace quire::table {
namespace {

TEST(ProtocolTest, FindsListedFeaturesOnly) {
  Protocol protocol;
  EXPECT_FALSE(protocol.HasReaderFeature("deletionVectors"));
  protocol.reader_features = std::vector<std::string>{"deletionVectors"};
  EXPECT_TRUE(protocol.HasReaderFeature("deletionVectors"));
  EXPECT_FALSE(protocol.HasWriterFeature("deletionVectors"));
}

TEST(DeletionVectorDescriptorTest, UniqueIdAddsOffsetWhenPresent) {
  DeletionVectorDescriptor dv{.storage_type = "u", .path_or_inline_dv = "ab^-aqEH.-t@S}K{vb[*k^"};
  EXPECT_EQ(dv.UniqueId(), "uab^-aqEH.-t@S}K{vb[*k^");
  dv.offset = 4;
  EXPECT_EQ(dv.UniqueId(), "uab^-aqEH.-t@S}K{vb[*k^@4");
}

}  // namespace
}  // namespace quire::table

namespace quire::table {
namespace {

using ::quire::testing::IsError;
using ::testing::HasSubstr;

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Every commit of the corpus parses, and rendering then parsing again gives the
// same actions.
TEST(ParseActionsTest, CorpusCommitsRoundTripThroughJson) {
  int files = 0, adds = 0;
  for (const auto& table :
       std::filesystem::directory_iterator(QUIRE_SOURCE_DIR "/tests/data/delta")) {
    if (!std::filesystem::is_directory(table.path() / "_delta_log")) continue;
    for (const auto& entry : std::filesystem::directory_iterator(table.path() / "_delta_log")) {
      const std::string name = entry.path().filename().string();
      if (name.size() != 25 || !name.ends_with(".json")) continue;
      SCOPED_TRACE(entry.path().string());
      ASSERT_OK_AND_ASSIGN(auto actions, ParseActions(ReadText(entry.path()), name));
      ASSERT_FALSE(actions.empty());
      ASSERT_OK_AND_ASSIGN(auto again, ParseActions(ActionsToJson(actions), name));
      EXPECT_EQ(actions, again);
      for (const auto& a : actions) adds += std::holds_alternative<AddFile>(a);
      ++files;
    }
  }
  EXPECT_GT(files, 100);
  EXPECT_GT(adds, 100);
}

TEST(ParseActionsTest, ReadsFieldsOfAnAdd) {
  ASSERT_OK_AND_ASSIGN(
      auto actions,
      ParseActions(R"({"add":{"path":"a=1/f%20x.parquet","partitionValues":{"a":"1","b":null},)"
                   R"("size":10,"modificationTime":5,"dataChange":true,"stats":"{\"numRecords\":3}",)"
                   R"("deletionVector":{"storageType":"u","pathOrInlineDv":"xyz","offset":1,)"
                   R"("sizeInBytes":34,"cardinality":2}}})"
                   "\n\n{\"futureAction\":{\"x\":1}}\n",
                   "00.json"));
  ASSERT_EQ(actions.size(), 1u);
  const auto& add = std::get<AddFile>(actions[0]);
  EXPECT_EQ(add.path, "a=1/f%20x.parquet");
  EXPECT_EQ(add.partition_values.at("a"), "1");
  EXPECT_EQ(add.partition_values.at("b"), std::nullopt);
  EXPECT_EQ(add.size, 10);
  EXPECT_EQ(add.stats, R"({"numRecords":3})");
  ASSERT_TRUE(add.deletion_vector);
  EXPECT_EQ(add.deletion_vector->offset, 1);
  EXPECT_EQ(add.deletion_vector->cardinality, 2);
}

TEST(ParseActionsTest, RejectsMalformedActionsNamingTheLine) {
  EXPECT_THAT(ParseActions("{\"add\":{\"path\":\"x\"}}", "3.json"),
              IsError(ErrorCode::kCorrupt, HasSubstr("3.json: line 1: add.size is missing")));
  EXPECT_THAT(ParseActions("{}\n{\"add\":", "3.json"),
              IsError(ErrorCode::kCorrupt, HasSubstr("line 2: not JSON")));
  EXPECT_THAT(ParseActions("{\"protocol\":{\"minReaderVersion\":\"1\",\"minWriterVersion\":2}}",
                           "3.json"),
              IsError(ErrorCode::kCorrupt, HasSubstr("minReaderVersion is not an integer")));
  EXPECT_THAT(ParseActions("[1]", "3.json"),
              IsError(ErrorCode::kCorrupt, HasSubstr("must be a JSON object")));
}

}  // namespace
}  // namespace quire::table
