/// \file tests/io/fuzzing_test.cc
/// \brief The seeds and committed crashers of the xml_response fuzzer, replayed:
/// none may hit a bug (kInternal); the well-formed seeds parse.
#include "quire/io/fuzzing.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "quire/testing/matchers.h"

namespace quire::io {
namespace {

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(FuzzServiceResponseTest, CommittedInputsStayFixed) {
  const std::filesystem::path dir = "tests/data/fuzz/xml_response";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << "run from the project root";
  int replayed = 0, parsed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::string input((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Status st = FuzzServiceResponse(Bytes(input));
    EXPECT_NE(st.code(), ErrorCode::kInternal) << entry.path() << ": " << st.ToString();
    if (entry.path().extension() == ".xml") {
      EXPECT_OK(st) << entry.path();
      ++parsed;
    }
    ++replayed;
  }
  EXPECT_GE(parsed, 5);
  RecordProperty("replayed", replayed);
}

TEST(FuzzServiceResponseTest, HostileDocumentsAreCorrupt) {
  for (std::string doc : {std::string("<a>"), std::string("<!DOCTYPE x [<!ENTITY e 'x'>]><a>&e;</a>"),
                          std::string(100000, '<'), std::string("<a>&bogus;</a>"),
                          std::string("<a></b>")}) {
    EXPECT_EQ(FuzzServiceResponse(Bytes(doc)).code(), ErrorCode::kCorrupt) << doc.substr(0, 40);
  }
}

}  // namespace
}  // namespace quire::io
