#include "quire/table/actions.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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
