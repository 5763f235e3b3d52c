/// \file quire/io/azure_file_system.cc
#include "quire/io/azure_file_system.h"

#include <algorithm>
#include <atomic>
#include <random>
#include <thread>

#include "quire/io/crypto_internal.h"
#include "quire/io/http_internal.h"
#include "quire/io/object_store_internal.h"
#include "quire/io/sigv4_internal.h"
#include "quire/io/xml_internal.h"
#include "quire/util/macros.h"
#include "quire/util/thread_pool.h"

namespace quire::io {

namespace {

using namespace internal;  // NOLINT: this file is the Azure side of the internals

// The REST API version quire speaks (azurite 3.37 accepts it).
constexpr std::string_view kApiVersion = "2021-08-06";

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::tolower(uint8_t(c)));
  return out;
}

// Shared Key: the string to sign of "Authorize with Shared Key" (Blob service,
// version 2009-09-19 and later): the standard headers in a fixed order, then the
// x-ms-* headers, then the canonicalized resource "/<account><path>" and the query
// parameters, lowercased and sorted.
std::string SharedKeyStringToSign(const HttpRequest& r, std::string_view account) {
  // Content-Length is empty when zero (versions 2015-02-21 and later).
  const std::string length = r.body.empty() ? "" : std::to_string(r.body.size());
  std::string out = r.method + "\n";
  for (const char* name : {"content-encoding", "content-language"}) {
    out.append(r.headers.Get(name));
    out.push_back('\n');
  }
  out += length + "\n";
  for (const char* name : {"content-md5", "content-type", "date", "if-modified-since",
                           "if-match", "if-none-match", "if-unmodified-since", "range"}) {
    out.append(r.headers.Get(name));
    out.push_back('\n');
  }
  std::vector<std::pair<std::string, std::string>> ms;
  for (const auto& [name, value] : r.headers.fields()) {
    std::string lower = Lower(name);
    if (lower.starts_with("x-ms-")) ms.emplace_back(std::move(lower), value);
  }
  std::sort(ms.begin(), ms.end());
  for (const auto& [name, value] : ms) out += name + ":" + value + "\n";
  const UrlParts url = SplitUrl(r.url);
  out += "/" + std::string(account) + std::string(url.path);
  std::vector<std::pair<std::string, std::string>> params;
  std::string_view query = url.query;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view p = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const size_t eq = p.find('=');
    params.emplace_back(Lower(UriDecode(p.substr(0, eq))),
                        eq == std::string_view::npos ? "" : UriDecode(p.substr(eq + 1)));
  }
  std::sort(params.begin(), params.end());
  for (size_t i = 0; i < params.size(); ++i) {
    // Repeated names: one line, values joined by commas.
    if (i > 0 && params[i].first == params[i - 1].first) {
      out += "," + params[i].second;
    } else {
      out += "\n" + params[i].first + ":" + params[i].second;
    }
  }
  return out;
}

bool TransientAzureCode(std::string_view code) {
  return code == "ServerBusy" || code == "OperationTimedOut" || code == "InternalError";
}

Status CheckAzureResponse(std::string_view url, const HttpRequest& request,
                          const HttpResponse& response, bool conditional_create) {
  const long status = response.status;
  if (status >= 200 && status < 300) return Status::OK();
  std::string code(response.headers.Get("x-ms-error-code"));
  std::string message;
  if (!response.body_text().empty()) {
    Result<XmlElement> xml = ParseXml(response.body_text());
    if (xml.ok() && xml->name == "Error") {
      if (code.empty()) code = std::string(xml->ChildText("Code"));
      message = std::string(xml->ChildText("Message"));
      // The message's second line is a request id and a time: noise in errors.
      if (const size_t nl = message.find('\n'); nl != std::string::npos) message.resize(nl);
    }
  }
  ServiceErrorKind kind = ServiceErrorKind::kPermanent;
  if (status == 404) {
    kind = ServiceErrorKind::kNotFound;
  } else if (conditional_create && (status == 412 || code == "BlobAlreadyExists")) {
    kind = ServiceErrorKind::kAlreadyExists;
  } else if (status >= 500 || status == 429 || TransientAzureCode(code)) {
    kind = ServiceErrorKind::kTransient;
  }
  return ServiceErrorStatus(url, request.method, status, code, message, kind);
}

class AzureFileSystem final : public ObjectStoreFileSystem {
 public:
  AzureFileSystem(std::string container, AzureOptions options, std::string key)
      : container_(std::move(container)),
        options_(std::move(options)),
        key_(std::move(key)),
        client_(options_.remote, stats_) {
    std::string_view sas = options_.sas_token;
    if (!sas.empty() && sas.front() == '?') sas.remove_prefix(1);
    sas_ = std::string(sas);
    endpoint_ = options_.endpoint.empty()
                    ? "https://" + options_.account + ".blob.core.windows.net"
                    : options_.endpoint;
    while (!endpoint_.empty() && endpoint_.back() == '/') endpoint_.pop_back();
  }

  std::string_view scheme() const override { return "az"; }
  std::string Url(std::string_view path) const override {
    return "az://" + container_ + "/" + std::string(path);
  }

  // Requests.

  std::string ContainerUrl(std::string_view query) const {
    return WithQuery(endpoint_ + "/" + UriEncode(container_, false), query);
  }
  std::string BlobUrl(std::string_view blob, std::string_view query = {}) const {
    return WithQuery(endpoint_ + "/" + UriEncode(container_, false) + "/" + UriEncode(blob, true),
                     query);
  }
  std::string WithQuery(std::string url, std::string_view query) const {
    std::string q(query);
    if (!sas_.empty()) q += (q.empty() ? "" : "&") + sas_;
    return q.empty() ? url : url + "?" + q;
  }

  Result<HttpResponse> Send(RequestKind kind, HttpRequest request, std::string_view url,
                            bool conditional_create = false, bool* ambiguous = nullptr) {
    RetryHooks hooks;
    hooks.sign = [this](HttpRequest& r) {
      r.headers.Set("x-ms-version", std::string(kApiVersion));
      r.headers.Set("x-ms-date", HttpDate(std::chrono::system_clock::now()));
      if (!key_.empty()) {
        const std::string signature = Base64Encode(
            HmacSha256(AsBytes(key_), SharedKeyStringToSign(r, options_.account)));
        r.headers.Set("Authorization", "SharedKey " + options_.account + ":" + signature);
      }
      return Status::OK();
    };
    hooks.check = [url, conditional_create](const HttpRequest& r, const HttpResponse& response) {
      return CheckAzureResponse(url, r, response, conditional_create);
    };
    return client_.Send(kind, std::move(request), url, hooks, ambiguous);
  }

  Result<FileInfo> HeadObject(const std::string& blob) override {
    HttpRequest r;
    r.method = "HEAD";
    r.url = BlobUrl(blob);
    QUIRE_ASSIGN_OR_RETURN(HttpResponse response, Send(RequestKind::kStat, std::move(r), Url(blob)));
    FileInfo info;
    info.path = blob;
    info.size = std::strtoll(std::string(response.headers.Get("content-length")).c_str(), nullptr, 10);
    if (auto t = ParseHttpDate(response.headers.Get("last-modified")); t.ok()) info.mtime = *t;
    info.etag = std::string(Unquote(response.headers.Get("etag")));
    return info;
  }

  // One List Blobs request.
  // Azure has no "start after": its marker is opaque, so List() filters.
  Result<ObjectListing> ListObjects(const std::string& prefix, bool delimiter, int max_results,
                                    const std::string& marker,
                                    const std::string& /*start_after*/) override {
    std::string query = "restype=container&comp=list&maxresults=" + std::to_string(max_results) +
                        "&prefix=" + UriEncode(prefix, false);
    if (delimiter) query += "&delimiter=%2F";
    if (!marker.empty()) query += "&marker=" + UriEncode(marker, false);
    HttpRequest r;
    r.url = ContainerUrl(query);
    QUIRE_ASSIGN_OR_RETURN(HttpResponse response,
                           Send(RequestKind::kList, std::move(r), Url(prefix)));
    QUIRE_ASSIGN_OR_RETURN(XmlElement xml, ParseXml(response.body_text()));
    if (xml.name != "EnumerationResults") {
      return Status::Corrupt("{}: List Blobs answered <{}>", Url(prefix), xml.name);
    }
    ObjectListing page;
    if (const XmlElement* blobs = xml.Child("Blobs")) {
      for (const XmlElement* b : blobs->Children("Blob")) {
        page.any = true;
        std::string name(b->ChildText("Name"));
        if (name.empty() || name.back() == '/') continue;  // folder markers
        FileInfo info;
        info.path = std::move(name);
        if (const XmlElement* props = b->Child("Properties")) {
          info.size = std::strtoll(std::string(props->ChildText("Content-Length")).c_str(),
                                   nullptr, 10);
          if (auto t = ParseHttpDate(props->ChildText("Last-Modified")); t.ok()) info.mtime = *t;
          info.etag = std::string(Unquote(props->ChildText("Etag")));
        }
        page.entries.push_back(std::move(info));
      }
      for (const XmlElement* p : blobs->Children("BlobPrefix")) {
        page.any = true;
        std::string_view dir = p->ChildText("Name");
        while (!dir.empty() && dir.back() == '/') dir.remove_suffix(1);
        if (!dir.empty()) {
          page.entries.push_back(FileInfo{std::string(dir), FileType::kDirectory, -1, std::nullopt, ""});
        }
      }
    }
    page.next = xml.ChildText("NextMarker");
    return page;
  }

  // Put Blob (a block blob in one request), If-None-Match: * for a create.
  Status PutObject(const std::string& blob, std::span<const uint8_t> data,
                   bool if_absent) override {
    HttpRequest r;
    r.method = "PUT";
    r.url = BlobUrl(blob);
    r.body = data;
    r.headers.Add("x-ms-blob-type", "BlockBlob");
    r.headers.Add("Content-Type", "application/octet-stream");
    if (if_absent) r.headers.Add("If-None-Match", "*");
    bool ambiguous = false;
    Result<HttpResponse> response =
        Send(RequestKind::kWrite, std::move(r), Url(blob), if_absent, &ambiguous);
    if (!response.ok()) {
      // Our own earlier attempt may be what is there (see S3's PutObject).
      if (response.status().code() == ErrorCode::kAlreadyExists && ambiguous) {
        HttpRequest get;
        get.url = BlobUrl(blob);
        QUIRE_ASSIGN_OR_RETURN(HttpResponse existing,
                               Send(RequestKind::kRead, std::move(get), Url(blob)));
        if (SameBytes(existing.body_text(), data)) {
          stats_->AddWritten(int64_t(data.size()));
          return Status::OK();
        }
      }
      return response.status();
    }
    stats_->AddWritten(int64_t(data.size()));
    return Status::OK();
  }

  Status DeleteBlob(const std::string& blob) {
    HttpRequest r;
    r.method = "DELETE";
    r.url = BlobUrl(blob);
    Status st = Send(RequestKind::kDelete, std::move(r), Url(blob)).status();
    return st.code() == ErrorCode::kNotFound ? Status::OK() : st;
  }

  // ObjectStoreFileSystem.

  Result<columnar::BufferPtr> ReadRange(const std::string& blob, int64_t offset, int64_t length) override {
    HttpRequest r;
    r.url = BlobUrl(blob);
    r.headers.Add("x-ms-range", fmt::format("bytes={}-{}", offset, offset + length - 1));
    QUIRE_ASSIGN_OR_RETURN(HttpResponse response, Send(RequestKind::kRead, std::move(r), Url(blob)));
    if (response.body->size() != length) {
      return Status::IOError("{}: asked for {} bytes at offset {}, got {} (did the blob change?)",
                             Url(blob), length, offset, response.body->size());
    }
    stats_->AddRead(length);
    return response.body;
  }

  std::unique_ptr<UploadBackend> MakeUpload(const std::string& blob, bool overwrite) override;

  // Blob storage has no batch delete without the batch API's multipart bodies:
  // one Delete Blob per file, in parallel on the I/O pool.
  Status DeleteObjects(std::span<const std::string> blobs) override {
    std::atomic<size_t> next{0};
    std::mutex mutex;
    Status first_error;
    const int workers = int(std::min<size_t>(blobs.size(), size_t(options_.remote.concurrency)));
    util::RunWorkers(IoThreadPool(), std::max(workers, 1), [&](int) {
      for (size_t i = next++; i < blobs.size(); i = next++) {
        Status st = DeleteBlob(blobs[i]);
        if (!st.ok()) {
          std::lock_guard<std::mutex> lock(mutex);
          if (first_error.ok()) first_error = std::move(st);
          return;
        }
      }
    });
    return first_error;
  }

  // Copy Blob, server-side. Within one account it usually completes at once;
  // otherwise x-ms-copy-status is "pending" and the destination is polled.
  Status CopyObject(const std::string& src, const std::string& dst) override {
    HttpRequest r;
    r.method = "PUT";
    r.url = BlobUrl(dst);
    r.headers.Add("x-ms-copy-source", BlobUrl(src));
    QUIRE_ASSIGN_OR_RETURN(
        HttpResponse response,
        Send(RequestKind::kCopy, std::move(r), Url(src) + " (copy to " + Url(dst) + ")"));
    std::string status(response.headers.Get("x-ms-copy-status"));
    const auto start = std::chrono::steady_clock::now();
    for (int attempt = 0; status == "pending"; ++attempt) {
      if (std::chrono::steady_clock::now() - start >
          std::chrono::milliseconds(options_.remote.retry_timeout_ms)) {
        return Status::RetryableIOError("{}: the copy to {} is still pending", Url(src), Url(dst));
      }
      std::this_thread::sleep_for(BackoffDelay(client_.policy(), attempt) +
                                  std::chrono::milliseconds(50));
      HttpRequest head;
      head.method = "HEAD";
      head.url = BlobUrl(dst);
      QUIRE_ASSIGN_OR_RETURN(HttpResponse polled,
                             Send(RequestKind::kStat, std::move(head), Url(dst)));
      status = std::string(polled.headers.Get("x-ms-copy-status"));
    }
    if (!status.empty() && status != "success") {
      return Status::IOError("{}: the copy to {} ended as '{}'", Url(src), Url(dst), status);
    }
    return Status::OK();
  }

  int max_page_size() const override { return 5000; }
  const RemoteOptions& remote_options() const override { return options_.remote; }

 private:
  std::string container_;
  AzureOptions options_;
  std::string key_;  // the decoded account key
  std::string sas_;
  std::string endpoint_;
  RemoteClient client_;
};

// Put Block for each part (ids of one length, as the service requires), then Put
// Block List: nothing is visible before that commit. Uncommitted blocks cannot be
// deleted; the service drops them after a week, so Abort() has nothing to send.
class AzureUpload final : public UploadBackend {
 public:
  AzureUpload(std::shared_ptr<AzureFileSystem> fs, std::string blob, bool overwrite)
      : fs_(std::move(fs)), blob_(std::move(blob)), url_(fs_->Url(blob_)), overwrite_(overwrite) {
    std::random_device rd;
    prefix_ = fmt::format("quire-{:08x}{:08x}-", rd(), rd());
  }

  Status PutWhole(std::span<const uint8_t> data) override {
    return fs_->PutObject(blob_, data, !overwrite_);
  }

  Status Begin() override { return Status::OK(); }

  Result<std::string> PutPart(int number, std::span<const uint8_t> data) override {
    const std::string id = Base64Encode(fmt::format("{}{:06}", prefix_, number));
    HttpRequest r;
    r.method = "PUT";
    r.url = fs_->BlobUrl(blob_, "comp=block&blockid=" + UriEncode(id, false));
    r.body = data;
    r.headers.Add("Content-Type", "application/octet-stream");
    QUIRE_RETURN_NOT_OK(fs_->Send(RequestKind::kPutPart, std::move(r), url_).status());
    fs_->stats().AddWritten(int64_t(data.size()));
    return id;
  }

  Status Commit(const std::vector<std::string>& parts) override {
    std::string body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>";
    for (const std::string& id : parts) body += "<Latest>" + id + "</Latest>";
    body += "</BlockList>";
    HttpRequest r;
    r.method = "PUT";
    r.url = fs_->BlobUrl(blob_, "comp=blocklist");
    r.body = AsBytes(body);
    r.headers.Add("Content-Type", "application/xml");
    if (!overwrite_) r.headers.Add("If-None-Match", "*");
    return fs_->Send(RequestKind::kComplete, std::move(r), url_, !overwrite_).status();
  }

  void Abort() override {}

 private:
  std::shared_ptr<AzureFileSystem> fs_;
  std::string blob_;
  std::string url_;
  bool overwrite_;
  std::string prefix_;
};

std::unique_ptr<UploadBackend> AzureFileSystem::MakeUpload(const std::string& blob,
                                                          bool overwrite) {
  return std::make_unique<AzureUpload>(
      std::static_pointer_cast<AzureFileSystem>(shared_from_this()), blob, overwrite);
}

constexpr std::string_view kAzureKeys[] = {
    "account",           "account_key",        "sas_token", "endpoint",
    "max_retries",       "retry_timeout_ms",   "request_timeout_ms",
    "connect_timeout_ms", "part_size",         "concurrency", "hole_size_limit", "range_size_limit", "coalesce", "retry_base_delay_ms"};

}  // namespace

Result<AzureOptions> AzureOptionsFromUrlOptions(const UrlOptions& options) {
  for (const auto& [key, value] : options) {
    if (std::find(std::begin(kAzureKeys), std::end(kAzureKeys), key) == std::end(kAzureKeys)) {
      return Status::Invalid("unknown Azure option '{}'", key);
    }
  }
  AzureOptions out;
  QUIRE_RETURN_NOT_OK(ParseRemoteOptions(options, &out.remote));
  out.account = OptionOrEnv(options, "account", "AZURE_STORAGE_ACCOUNT");
  out.account_key = OptionOrEnv(options, "account_key", "AZURE_STORAGE_KEY");
  out.sas_token = OptionOrEnv(options, "sas_token", "AZURE_STORAGE_SAS_TOKEN");
  out.endpoint = OptionOrEnv(options, "endpoint", "AZURE_STORAGE_ENDPOINT");
  return out;
}

Result<std::shared_ptr<FileSystem>> MakeAzureFileSystem(std::string container,
                                                        AzureOptions options) {
  if (container.empty() || container.find('/') != std::string::npos) {
    return Status::Invalid("'{}' is not an Azure container name", container);
  }
  if (options.account.empty()) {
    return Status::Invalid("az://{}: no storage account (option 'account' or "
                           "AZURE_STORAGE_ACCOUNT)", container);
  }
  std::string key;
  if (!options.account_key.empty()) {
    Result<std::string> decoded = Base64Decode(options.account_key);
    if (!decoded.ok()) {
      return Status::Invalid("az://{}: the account key is not valid base64", container);
    }
    key = std::move(*decoded);
  }
  return std::shared_ptr<FileSystem>(
      std::make_shared<AzureFileSystem>(std::move(container), std::move(options), std::move(key)));
}

Result<std::shared_ptr<FileSystem>> MakeAzureFileSystemFromUrl(std::string_view authority,
                                                               const UrlOptions& merged_options) {
  QUIRE_ASSIGN_OR_RETURN(AzureOptions options, AzureOptionsFromUrlOptions(merged_options));
  std::string_view container = authority;
  if (const size_t at = authority.find('@'); at != std::string_view::npos) {
    // abfs[s]://container@account.dfs.core.windows.net: the account is the host's
    // first label; the Blob endpoint serves the same data.
    container = authority.substr(0, at);
    const std::string_view host = authority.substr(at + 1);
    const std::string account(host.substr(0, host.find('.')));
    if (account.empty()) return Status::Invalid("'{}' names no storage account", authority);
    if (!options.account.empty() && options.account != account) {
      return Status::Invalid("'{}' names account '{}' but the options name '{}'", authority,
                             account, options.account);
    }
    options.account = account;
    if (options.endpoint.empty() && host.find('.') != std::string_view::npos) {
      std::string blob_host(host);
      if (const size_t dfs = blob_host.find(".dfs."); dfs != std::string::npos) {
        blob_host.replace(dfs, 5, ".blob.");
      }
      options.endpoint = "https://" + blob_host;
    }
  }
  return MakeAzureFileSystem(std::string(container), std::move(options));
}

Status CreateAzureContainer(const AzureOptions& options, std::string_view container) {
  QUIRE_ASSIGN_OR_RETURN(auto fs, MakeAzureFileSystem(std::string(container), options));
  auto* az = static_cast<AzureFileSystem*>(fs.get());
  HttpRequest r;
  r.method = "PUT";
  r.url = az->ContainerUrl("restype=container");
  Status st = az->Send(RequestKind::kOther, std::move(r), "az://" + std::string(container)).status();
  if (!st.ok() && st.message().find("ContainerAlreadyExists") != std::string::npos) {
    return Status::AlreadyExists("az://{}: the container exists", container);
  }
  return st;
}

}  // namespace quire::io
