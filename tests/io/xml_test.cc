/// \file tests/io/xml_test.cc
#include "quire/io/xml_internal.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "quire/testing/matchers.h"

namespace quire::io::internal {
namespace {

using ::quire::testing::IsError;
using ::testing::HasSubstr;

TEST(XmlTest, ReadsAListObjectsResponse) {
  const char* doc = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <!-- a comment -->
  <Name>bucket</Name><IsTruncated>true</IsTruncated>
  <Contents><Key>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;</Key><Size>12</Size></Contents>
  <Contents><Key>x&#47;y&#x2F;&#233;</Key><Size>0</Size></Contents>
  <CommonPrefixes><Prefix><![CDATA[dir<1>/]]></Prefix></CommonPrefixes>
  <Empty/>
</ListBucketResult>
)";
  ASSERT_OK_AND_ASSIGN(XmlElement root, ParseXml(doc));
  EXPECT_EQ(root.name, "ListBucketResult");
  EXPECT_EQ(root.ChildText("Name"), "bucket");
  EXPECT_EQ(root.ChildText("Missing"), "");
  const auto contents = root.Children("Contents");
  ASSERT_EQ(contents.size(), 2u);
  EXPECT_EQ(contents[0]->ChildText("Key"), "a & b <c> \"d\" 'e'");
  EXPECT_EQ(contents[1]->ChildText("Key"), "x/y/\xC3\xA9");
  EXPECT_EQ(root.Child("CommonPrefixes")->ChildText("Prefix"), "dir<1>/");
  ASSERT_NE(root.Child("Empty"), nullptr);
  EXPECT_TRUE(root.Child("Empty")->children.empty());
}

TEST(XmlTest, SkipsAttributesEvenWithAngleBracketsInQuotes) {
  ASSERT_OK_AND_ASSIGN(XmlElement root, ParseXml(R"(<a x="1>2" y='<'><b z="q"/>t</a>)"));
  EXPECT_EQ(root.text, "t");
  ASSERT_EQ(root.children.size(), 1u);
  EXPECT_EQ(root.children[0].name, "b");
}

TEST(XmlTest, RefusesMalformedDocumentsWithCorrupt) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "no root element"},
      {"<a>", "ends inside element <a>"},
      {"<a></b>", "does not match"},
      {"</a>", "without a start"},
      {"<a>&unknown;</a>", "unknown or invalid entity"},
      {"<a>&#0;</a>", "invalid entity"},
      {"<a>&#xD800;</a>", "invalid entity"},
      {"<a>&#x110000;</a>", "invalid entity"},
      {"<a>&amp</a>", "unterminated entity"},
      {"<a><!-- x</a>", "unterminated comment"},
      {"<a><![CDATA[x</a>", "unterminated CDATA"},
      {"<a x='1</a>", "unterminated start tag"},
      {"<a/><b/>", "a second root element"},
      {"text<a/>", "text outside the root"},
      {"<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>", "DOCTYPE"},
      {"<>", "without a name"},
  };
  for (const auto& [doc, message] : cases) {
    EXPECT_THAT(ParseXml(doc), IsError(ErrorCode::kCorrupt, HasSubstr(message))) << doc;
  }
}

TEST(XmlTest, RefusesDeepNestingWithoutRecursing) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<a>";
  EXPECT_THAT(ParseXml(deep), IsError(ErrorCode::kCorrupt, HasSubstr("nested deeper than 64")));
  std::string ok;
  for (int i = 0; i < 64; ++i) ok += "<a>";
  for (int i = 0; i < 64; ++i) ok += "</a>";
  EXPECT_OK(ParseXml(ok));
}

TEST(XmlTest, EscapesTextForRequestBodies) {
  EXPECT_EQ(XmlEscape("a&b<c>\"d'"), "a&amp;b&lt;c&gt;&quot;d&apos;");
  ASSERT_OK_AND_ASSIGN(XmlElement root, ParseXml("<k>" + XmlEscape("x & <y>") + "</k>"));
  EXPECT_EQ(root.text, "x & <y>");
}

}  // namespace
}  // namespace quire::io::internal
