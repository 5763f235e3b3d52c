// Tests that start s3rver and azurite (ctest label "server"): the emulators'
// lifecycle and what they check, and the fault proxy in front of them, driven by
// libcurl as quire's S3 and Azure filesystems will drive it.
#include "io/test_servers.h"

#include <curl/curl.h>
#include <signal.h>

#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "io/fault_proxy.h"
#include "io/http_client.h"
#include "quire/testing/matchers.h"

namespace quire::testing {
namespace {

using ::testing::HasSubstr;

std::string Pattern(size_t size) {
  std::string out(size, '\0');
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<char>('A' + (i * 31 + i / 7) % 26);
  return out;
}

bool ProcessExists(pid_t pid) { return ::kill(pid, 0) == 0 || errno != ESRCH; }

TEST(TestServerTest, S3rverStoresObjectsInACreatedBucket) {
  ASSERT_OK_AND_ASSIGN(auto server, TestServer::StartS3());
  EXPECT_EQ(server->endpoint(), fmt::format("http://127.0.0.1:{}", server->port()));
  ASSERT_OK(server->CreateBucket("bucket"));
  EXPECT_THAT(server->CreateBucket("bucket"), IsError(ErrorCode::kAlreadyExists));

  TestHttpClient client(server->port());
  ASSERT_OK_AND_ASSIGN(HttpResponse put, client.Put("/bucket/dir/key.bin", "hello"));
  EXPECT_EQ(put.status, 200);
  ASSERT_OK_AND_ASSIGN(HttpResponse get, client.Get("/bucket/dir/key.bin"));
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.body, "hello");
  ASSERT_OK_AND_ASSIGN(HttpResponse missing, client.Get("/bucket/nothing"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_THAT(missing.body, HasSubstr("NoSuchKey"));
  ASSERT_OK_AND_ASSIGN(HttpResponse no_bucket, client.Put("/other/key", "x"));
  EXPECT_EQ(no_bucket.status, 404);
  EXPECT_THAT(no_bucket.body, HasSubstr("NoSuchBucket"));

  io::UrlOptions options = server->url_options("http://127.0.0.1:1");
  EXPECT_EQ(options["endpoint"], "http://127.0.0.1:1");
  EXPECT_EQ(options["access_key_id"], "S3RVER");
  EXPECT_EQ(options["addressing"], "path");
}

// s3rver verifies V2 signatures only: a V4 Authorization passes on its key id
// alone, so it cannot catch a SigV4 bug (nor can the proxy, which keeps Host).
TEST(TestServerTest, S3rverChecksKeyIdsButNotV4Signatures) {
  ASSERT_OK_AND_ASSIGN(auto server, TestServer::StartS3());
  ASSERT_OK(server->CreateBucket("bucket"));
  TestHttpClient client(server->port());
  // It does check that the request was made within 15 minutes.
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char amz_date[32];
  std::strftime(amz_date, sizeof(amz_date), "%Y%m%dT%H%M%SZ", &tm);
  auto v4 = [&](std::string_view key_id) {
    return HttpRequest{
        "PUT",
        "/bucket/k",
        {{"x-amz-date", amz_date},
         {"x-amz-content-sha256", "UNSIGNED-PAYLOAD"},
         {"Authorization",
          fmt::format("AWS4-HMAC-SHA256 Credential={}/20200101/us-east-1/s3/aws4_request, "
                      "SignedHeaders=host;x-amz-date, Signature=0123abcd",
                      key_id)}},
        "v4"};
  };
  ASSERT_OK_AND_ASSIGN(HttpResponse bogus_signature, client.Send(v4("S3RVER")));
  EXPECT_EQ(bogus_signature.status, 200);
  ASSERT_OK_AND_ASSIGN(HttpResponse unknown_key, client.Send(v4("SOMEONE")));
  EXPECT_EQ(unknown_key.status, 403);
  EXPECT_THAT(unknown_key.body, HasSubstr("InvalidAccessKeyId"));
  HttpRequest v2{"PUT",
                 "/bucket/k",
                 {{"Date", HttpDate(std::chrono::system_clock::now())},
                  {"Authorization", "AWS S3RVER:bm90IGEgc2lnbmF0dXJl"}},
                 "v2"};
  ASSERT_OK_AND_ASSIGN(HttpResponse bad_v2, client.Send(v2));
  EXPECT_EQ(bad_v2.status, 403);
  EXPECT_THAT(bad_v2.body, HasSubstr("SignatureDoesNotMatch"));
}

// s3rver ignores conditional writes: PUT with If-None-Match: * overwrites. A
// PutIfAbsent over S3 cannot be shown atomic against it.
TEST(TestServerTest, S3rverIgnoresIfNoneMatchOnPut) {
  ASSERT_OK_AND_ASSIGN(auto server, TestServer::StartS3());
  EXPECT_THAT(server->CreateBucket("b"), IsError(ErrorCode::kIOError, HasSubstr("400")));
  ASSERT_OK(server->CreateBucket("bucket"));
  TestHttpClient client(server->port());
  for (const char* body : {"first", "second"}) {
    ASSERT_OK_AND_ASSIGN(HttpResponse put,
                         client.Send({"PUT", "/bucket/k", {{"If-None-Match", "*"}}, body}));
    EXPECT_EQ(put.status, 200);
  }
  ASSERT_OK_AND_ASSIGN(HttpResponse get, client.Get("/bucket/k"));
  EXPECT_EQ(get.body, "second");
}

TEST(TestServerTest, StoppingEndsTheProcessGroupAndRemovesTheData) {
  ASSERT_OK_AND_ASSIGN(auto server, TestServer::StartS3());
  pid_t pid = server->pid();
  std::string dir = server->dir();
  int port = server->port();
  EXPECT_TRUE(ProcessExists(pid));
  EXPECT_TRUE(std::filesystem::exists(dir + "/server.log"));
  server.reset();
  EXPECT_FALSE(ProcessExists(pid));
  EXPECT_NE(::kill(-pid, 0), 0);  // nothing is left of its process group
  EXPECT_FALSE(std::filesystem::exists(dir));
  EXPECT_THAT(TestHttpClient(port, std::chrono::seconds(1)).Get("/"),
              IsError(ErrorCode::kIOError));
}

TEST(TestServerTest, AzuriteChecksSharedKeySignatures) {
  ASSERT_OK_AND_ASSIGN(auto server, TestServer::StartAzurite());
  ASSERT_OK(server->CreateBucket("container"));
  EXPECT_THAT(server->CreateBucket("container"), IsError(ErrorCode::kAlreadyExists));
  EXPECT_THAT(server->CreateBucket("x"), IsError(ErrorCode::kIOError, HasSubstr("400")));

  TestHttpClient client(server->port());
  HttpRequest put{"PUT", "/devstoreaccount1/container/dir/blob.bin",
                  {{"x-ms-blob-type", "BlockBlob"}}, "hello azure"};
  ASSERT_OK_AND_ASSIGN(HttpResponse unsigned_put, client.Send(put));
  EXPECT_EQ(unsigned_put.status, 403);
  EXPECT_EQ(unsigned_put.head.Field("x-ms-error-code"), "AuthorizationFailure");

  HttpRequest signed_put = put;
  SignForAzurite(signed_put);
  ASSERT_OK_AND_ASSIGN(HttpResponse created, client.Send(signed_put));
  EXPECT_EQ(created.status, 201) << created.body;

  // Unlike s3rver, azurite honours conditional writes (PutIfAbsent's primitive).
  HttpRequest overwrite{"PUT", "/devstoreaccount1/container/dir/blob.bin",
                        {{"x-ms-blob-type", "BlockBlob"}, {"If-None-Match", "*"}}, "other"};
  SignForAzurite(overwrite);
  ASSERT_OK_AND_ASSIGN(HttpResponse conflict, client.Send(overwrite));
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(conflict.head.Field("x-ms-error-code"), "BlobAlreadyExists");

  HttpRequest get{"GET", "/devstoreaccount1/container/dir/blob.bin"};
  SignForAzurite(get);
  ASSERT_OK_AND_ASSIGN(HttpResponse got, client.Send(get));
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.body, "hello azure");

  HttpRequest list{"GET", "/devstoreaccount1/container?restype=container&comp=list&prefix=dir%2F"};
  SignForAzurite(list);
  ASSERT_OK_AND_ASSIGN(HttpResponse listed, client.Send(list));
  EXPECT_EQ(listed.status, 200);
  EXPECT_THAT(listed.body, HasSubstr("<Name>dir/blob.bin</Name>"));

  HttpRequest forged{"GET", "/devstoreaccount1/container/dir/blob.bin"};
  SignForAzurite(forged, TestServer::kAzuriteAccount,
                 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==");
  ASSERT_OK_AND_ASSIGN(HttpResponse refused, client.Send(forged));
  EXPECT_EQ(refused.status, 403);

  io::UrlOptions options = server->url_options();
  EXPECT_EQ(options["endpoint"], server->endpoint() + "/devstoreaccount1");
  EXPECT_EQ(options["account"], "devstoreaccount1");
}

TEST(TestServerTest, ServersRunSideBySide) {
  ASSERT_OK_AND_ASSIGN(auto s3_a, TestServer::StartS3());
  ASSERT_OK_AND_ASSIGN(auto s3_b, TestServer::StartS3());
  ASSERT_OK_AND_ASSIGN(auto azurite, TestServer::StartAzurite());
  EXPECT_NE(s3_a->port(), s3_b->port());
  EXPECT_NE(s3_a->dir(), s3_b->dir());
  ASSERT_OK(s3_a->CreateBucket("only-in-a"));
  TestHttpClient client_b(s3_b->port());
  ASSERT_OK_AND_ASSIGN(HttpResponse put, client_b.Put("/only-in-a/k", "x"));
  EXPECT_EQ(put.status, 404);
}

// The race of PickFreePort(): someone else binds the port before the server.
TEST(TestServerTest, RetriesOnAnotherPortWhenItsPortIsTaken) {
  ASSERT_OK_AND_ASSIGN(UniqueFd squatter, ListenLoopback(0));
  ASSERT_OK_AND_ASSIGN(int taken, LocalPort(squatter.get()));
  ASSERT_OK_AND_ASSIGN(auto server, TestServer::Start(TestServerKind::kS3, taken));
  EXPECT_NE(server->port(), taken);
  EXPECT_THAT(server->LogTail(), HasSubstr("EADDRINUSE"));
  ASSERT_OK(server->CreateBucket("bucket"));
}

TEST(TestServerTest, MissingNodeModulesFailsWithTheSetupHint) {
  const char* previous = std::getenv("QUIRE_NODE_MODULES");
  std::string saved = previous != nullptr ? previous : "";
  ::setenv("QUIRE_NODE_MODULES", "/nonexistent/node_modules", 1);
  auto s3 = TestServer::StartS3();
  auto azurite = TestServer::StartAzurite();
  if (previous != nullptr) {
    ::setenv("QUIRE_NODE_MODULES", saved.c_str(), 1);
  } else {
    ::unsetenv("QUIRE_NODE_MODULES");
  }
  EXPECT_THAT(s3, IsError(ErrorCode::kNotFound, HasSubstr("run scripts/setup.sh")));
  EXPECT_THAT(azurite, IsError(ErrorCode::kNotFound, HasSubstr("azurite-blob not found")));
}

// A libcurl easy handle that keeps its connection between requests, as the
// remote filesystems will.
class Curl {
 public:
  Curl() : handle_(curl_easy_init()) {}
  ~Curl() { curl_easy_cleanup(handle_); }

  struct Result {
    CURLcode code = CURLE_OK;
    long status = 0;
    std::string body;
  };

  Result Get(const std::string& url) { return Perform(url, nullptr); }
  Result Put(const std::string& url, const std::string& body) { return Perform(url, &body); }

 private:
  struct Upload {
    const std::string* body;
    size_t offset = 0;
  };

  Result Perform(const std::string& url, const std::string* body) {
    Result result;
    Upload upload{body};
    curl_easy_reset(handle_);
    curl_easy_setopt(handle_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(handle_, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(handle_, CURLOPT_WRITEFUNCTION, &Curl::Write);
    curl_easy_setopt(handle_, CURLOPT_WRITEDATA, &result.body);
    if (body != nullptr) {
      curl_easy_setopt(handle_, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(handle_, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body->size()));
      curl_easy_setopt(handle_, CURLOPT_READFUNCTION, &Curl::Read);
      curl_easy_setopt(handle_, CURLOPT_READDATA, &upload);
    }
    result.code = curl_easy_perform(handle_);
    curl_easy_getinfo(handle_, CURLINFO_RESPONSE_CODE, &result.status);
    return result;
  }

  static size_t Write(char* data, size_t size, size_t n, void* user) {
    static_cast<std::string*>(user)->append(data, size * n);
    return size * n;
  }
  static size_t Read(char* out, size_t size, size_t n, void* user) {
    auto* upload = static_cast<Upload*>(user);
    size_t count = std::min(size * n, upload->body->size() - upload->offset);
    std::copy_n(upload->body->data() + upload->offset, count, out);
    upload->offset += count;
    return count;
  }

  CURL* handle_;
};

TEST(FaultProxyServerTest, CurlThroughTheProxySeesEachFault) {
  ASSERT_OK_AND_ASSIGN(auto server, TestServer::StartS3());
  ASSERT_OK(server->CreateBucket("bucket"));
  ASSERT_OK_AND_ASSIGN(auto proxy, FaultProxy::Start(server->port()));
  std::string url = proxy->endpoint() + "/bucket/data/object.bin";
  std::string body = Pattern(3 << 20);
  Curl curl;

  Curl::Result put = curl.Put(url, body);
  ASSERT_EQ(put.code, CURLE_OK) << curl_easy_strerror(put.code);
  EXPECT_EQ(put.status, 200);
  Curl::Result get = curl.Get(url);
  ASSERT_EQ(get.code, CURLE_OK);
  EXPECT_EQ(get.status, 200);
  EXPECT_TRUE(get.body == body);

  proxy->FailNext(FaultKind::kStatus503, 1, {.method = "GET"});
  Curl::Result slow = curl.Get(url);
  EXPECT_EQ(slow.code, CURLE_OK);
  EXPECT_EQ(slow.status, 503);
  EXPECT_THAT(slow.body, HasSubstr("<Code>SlowDown</Code>"));

  proxy->FailNext(FaultKind::kTruncateResponse);
  Curl::Result cut = curl.Get(url);
  EXPECT_EQ(cut.code, CURLE_PARTIAL_FILE) << curl_easy_strerror(cut.code);
  EXPECT_EQ(cut.body.size(), body.size() / 2);

  proxy->FailNext(FaultKind::kStatus503, 1, {.method = "PUT"});
  Curl::Result refused_put = curl.Put(url, Pattern(100));
  EXPECT_EQ(refused_put.code, CURLE_OK);
  EXPECT_EQ(refused_put.status, 503);
  EXPECT_TRUE(curl.Get(url).body == body);  // the refused PUT never reached s3rver

  proxy->FailNext(FaultKind::kStatus500AfterForward, 1, {.method = "PUT"});
  Curl::Result ambiguous = curl.Put(url, "replaced");
  EXPECT_EQ(ambiguous.status, 500);
  EXPECT_EQ(curl.Get(url).body, "replaced");  // ... but this one did

  FaultProxyStats stats = proxy->stats();
  EXPECT_EQ(stats.requests, 8);
  EXPECT_EQ(stats.forwarded, 6);
  EXPECT_EQ(stats.total_faults(), 4);
  std::vector<ProxiedRequest> log = proxy->requests();
  ASSERT_EQ(log.size(), 8u);
  // libcurl asks before sending a body this large.
  EXPECT_TRUE(log[0].expect_continue);
  EXPECT_EQ(log[3].fault, FaultKind::kTruncateResponse);
  // Only the truncation closed the connection (and the reset-free PUTs kept it).
  EXPECT_EQ(stats.connections, 2);
}

// A reset on a reused connection before any byte of the answer: libcurl then
// sends the request again on a new connection by itself, so the caller never
// sees this fault. On a fresh connection it does.
TEST(FaultProxyServerTest, CurlRetriesResetsOfReusedConnectionsByItself) {
  ASSERT_OK_AND_ASSIGN(auto server, TestServer::StartS3());
  ASSERT_OK(server->CreateBucket("bucket"));
  ASSERT_OK_AND_ASSIGN(auto proxy, FaultProxy::Start(server->port()));
  std::string url = proxy->endpoint() + "/bucket/k";
  Curl curl;
  ASSERT_EQ(curl.Put(url, "v1").status, 200);

  proxy->FailNext(FaultKind::kResetBeforeForward);
  Curl::Result retried = curl.Get(url);
  EXPECT_EQ(retried.code, CURLE_OK);
  EXPECT_EQ(retried.body, "v1");
  EXPECT_EQ(proxy->stats().requests, 3);

  Curl fresh;
  proxy->FailNext(FaultKind::kResetBeforeForward);
  Curl::Result reset = fresh.Get(url);
  EXPECT_NE(reset.code, CURLE_OK);
  EXPECT_EQ(reset.status, 0);

  proxy->FailNext(FaultKind::kResetAfterForward, 1, {.method = "PUT"});
  Curl::Result lost = curl.Put(url, "v2");
  EXPECT_NE(lost.code, CURLE_OK);
  EXPECT_EQ(curl.Get(url).body, "v2");  // the write happened nonetheless
}

TEST(FaultProxyServerTest, AzuriteSignaturesSurviveTheProxy) {
  ASSERT_OK_AND_ASSIGN(auto server, TestServer::StartAzurite());
  ASSERT_OK(server->CreateBucket("container"));
  ASSERT_OK_AND_ASSIGN(auto proxy, FaultProxy::Start(server->port()));
  FaultSettings settings;
  settings.dialect = ErrorDialect::kAzure;
  ASSERT_OK(proxy->Configure(settings));
  TestHttpClient client(proxy->port());

  auto put = [](std::string body) {
    HttpRequest request{"PUT", "/devstoreaccount1/container/blob",
                        {{"x-ms-blob-type", "BlockBlob"}}, std::move(body)};
    SignForAzurite(request);
    return request;
  };
  auto get = [] {
    HttpRequest request{"GET", "/devstoreaccount1/container/blob"};
    SignForAzurite(request);
    return request;
  };
  ASSERT_OK_AND_ASSIGN(HttpResponse created, client.Send(put("first")));
  EXPECT_EQ(created.status, 201) << created.body;

  proxy->FailNext(FaultKind::kStatus503);
  ASSERT_OK_AND_ASSIGN(HttpResponse busy, client.Send(get()));
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(busy.head.Field("x-ms-error-code"), "ServerBusy");

  proxy->FailNext(FaultKind::kStatus500AfterForward);
  ASSERT_OK_AND_ASSIGN(HttpResponse failed, client.Send(put("second")));
  EXPECT_EQ(failed.status, 500);
  ASSERT_OK_AND_ASSIGN(HttpResponse got, client.Send(get()));
  EXPECT_EQ(got.body, "second");

  // Azurite answers errors in chunked coding; the proxy relays them as they are.
  HttpRequest missing{"GET", "/devstoreaccount1/container/none"};
  SignForAzurite(missing);
  ASSERT_OK_AND_ASSIGN(HttpResponse not_found, client.Send(missing));
  EXPECT_EQ(not_found.status, 404);
  EXPECT_EQ(not_found.head.Field("x-ms-error-code"), "BlobNotFound");
  EXPECT_EQ(client.connections_opened(), 1);
}

}  // namespace
}  // namespace quire::testing
