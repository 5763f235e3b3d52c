/// \file tests/io/sigv4_test.cc
#include "quire/io/sigv4_internal.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "quire/testing/matchers.h"

namespace quire::io::internal {
namespace {

using ::testing::HasSubstr;

std::chrono::system_clock::time_point Time(int y, int mo, int d, int h, int mi, int s) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

// The AWS Signature Version 4 test suite ("get-vanilla" and
// "get-vanilla-query-order-key-case"): AKIDEXAMPLE, 2015-08-30T12:36:00Z,
// us-east-1, service "service", no payload.
AwsCredentials SuiteCredentials() {
  return {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
}

TEST(SigV4Test, MatchesTheGetVanillaVectorOfTheTestSuite) {
  HttpRequest request;
  request.url = "https://example.amazonaws.com/";
  SignV4(request, SuiteCredentials(), {"us-east-1", "service"}, kEmptyPayloadSha256,
         Time(2015, 8, 30, 12, 36, 0));
  EXPECT_EQ(request.headers.Get("authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  EXPECT_EQ(request.headers.Get("x-amz-date"), "20150830T123600Z");
  EXPECT_EQ(request.headers.Get("host"), "example.amazonaws.com");
}

TEST(SigV4Test, SortsTheQueryAsTheGetVanillaQueryOrderKeyCaseVectorExpects) {
  HttpRequest request;
  request.url = "https://example.amazonaws.com/?Param2=value2&Param1=value1";
  SignV4(request, SuiteCredentials(), {"us-east-1", "service"}, kEmptyPayloadSha256,
         Time(2015, 8, 30, 12, 36, 0));
  EXPECT_THAT(request.headers.Get("authorization"),
              HasSubstr("Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"));
}

// S3 API reference, "Signature Calculations for the Authorization Header:
// Transferring Payload in a Single Chunk", example GET Object with a Range.
TEST(SigV4Test, MatchesTheS3GetObjectExampleWithARange) {
  HttpRequest request;
  request.url = "https://examplebucket.s3.amazonaws.com/test.txt";
  request.headers.Add("Range", "bytes=0-9");
  const AwsCredentials credentials{"AKIAIOSFODNN7EXAMPLE",
                                   "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
  const SigV4Scope scope{"us-east-1", "s3"};
  const auto when = Time(2013, 5, 24, 0, 0, 0);
  SignV4(request, credentials, scope, kEmptyPayloadSha256, when);

  std::string signed_headers;
  const std::string canonical = CanonicalRequest(request, kEmptyPayloadSha256, &signed_headers);
  EXPECT_EQ(canonical,
            "GET\n/test.txt\n\n"
            "host:examplebucket.s3.amazonaws.com\n"
            "range:bytes=0-9\n"
            "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
            "x-amz-date:20130524T000000Z\n\n"
            "host;range;x-amz-content-sha256;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(StringToSign("20130524T000000Z", scope, canonical),
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(request.headers.Get("authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4Test, ResigningReplacesTheEarlierSignatureAndAddsTheSessionToken) {
  HttpRequest request;
  request.url = "https://examplebucket.s3.amazonaws.com/a%20b?uploads";
  AwsCredentials credentials{"AKID", "secret", "token123"};
  SignV4(request, credentials, {"us-east-1", "s3"}, kEmptyPayloadSha256, Time(2020, 1, 1, 0, 0, 0));
  SignV4(request, credentials, {"us-east-1", "s3"}, kEmptyPayloadSha256, Time(2020, 1, 1, 0, 0, 5));
  int authorizations = 0;
  for (const auto& field : request.headers.fields()) {
    if (EqualsIgnoreCase(field.first, "authorization")) ++authorizations;
  }
  EXPECT_EQ(authorizations, 1);
  EXPECT_EQ(request.headers.Get("x-amz-date"), "20200101T000005Z");
  EXPECT_EQ(request.headers.Get("x-amz-security-token"), "token123");
  EXPECT_THAT(request.headers.Get("authorization"),
              HasSubstr("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token"));
  std::string signed_headers;
  EXPECT_THAT(CanonicalRequest(request, kEmptyPayloadSha256, &signed_headers),
              HasSubstr("GET\n/a%20b\nuploads=\n"));
}

TEST(SigV4Test, UriEncodeFollowsTheS3Rules) {
  EXPECT_EQ(UriEncode("a b/c~d_e.f-g+h*%", /*keep_slash=*/true), "a%20b/c~d_e.f-g%2Bh%2A%25");
  EXPECT_EQ(UriEncode("a/b", /*keep_slash=*/false), "a%2Fb");
  EXPECT_EQ(UriEncode("\xC3\xA9", true), "%C3%A9");
  EXPECT_EQ(UriDecode("a%20b%2Fc+d", true), "a b/c d");
}

TEST(SigV4Test, RedactUrlHidesSignaturesAndTokens) {
  EXPECT_EQ(RedactUrl("https://a.blob.core.windows.net/c/b?sv=2021&sig=SECRET%3D&sp=r"),
            "https://a.blob.core.windows.net/c/b?sv=2021&sig=REDACTED&sp=r");
  EXPECT_EQ(RedactUrl("https://x/y?X-Amz-Security-Token=tok&uploadId=1"),
            "https://x/y?X-Amz-Security-Token=REDACTED&uploadId=1");
  EXPECT_EQ(RedactUrl("https://x/y"), "https://x/y");
}

TEST(SigV4Test, Base64RoundTripsAndRejectsBadInput) {
  EXPECT_EQ(Base64Encode(std::string_view("")), "");
  EXPECT_EQ(Base64Encode(std::string_view("f")), "Zg==");
  EXPECT_EQ(Base64Encode(std::string_view("fo")), "Zm8=");
  EXPECT_EQ(Base64Encode(std::string_view("foobar")), "Zm9vYmFy");
  ASSERT_OK_AND_ASSIGN(std::string decoded, Base64Decode("Zm9vYg=="));
  EXPECT_EQ(decoded, "foob");
  EXPECT_THAT(Base64Decode("Zm9"), testing::IsError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(Base64Decode("Zm=v"), testing::IsError(ErrorCode::kInvalidArgument));
  EXPECT_THAT(Base64Decode("Z!9v"), testing::IsError(ErrorCode::kInvalidArgument));
  // MD5("") in base64, as a Content-MD5 header carries it.
  EXPECT_EQ(Base64Encode(Md5({})), "1B2M2Y8AsgTpgAmY7PhCfg==");
}

TEST(SigV4Test, HttpDatesRoundTrip) {
  const auto t = Time(1994, 11, 6, 8, 49, 37);
  EXPECT_EQ(HttpDate(t), "Sun, 06 Nov 1994 08:49:37 GMT");
  ASSERT_OK_AND_ASSIGN(auto parsed, ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"));
  EXPECT_EQ(parsed, t);
  ASSERT_OK_AND_ASSIGN(auto iso, ParseIsoTime("1994-11-06T08:49:37.000Z"));
  EXPECT_EQ(iso, t);
  EXPECT_THAT(ParseHttpDate("yesterday"), testing::IsError(ErrorCode::kCorrupt));
}

}  // namespace
}  // namespace quire::io::internal
