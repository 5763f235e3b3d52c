/// \file quire/io/sigv4.cc
#include "quire/io/sigv4_internal.h"

#include <algorithm>
#include <ctime>
#include <vector>

#include <fmt/format.h>

namespace quire::io::internal {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  }
  return out;
}

// Header values are trimmed and runs of spaces become one (SigV4 canonical headers).
std::string CanonicalValue(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

UrlParts SplitUrl(std::string_view url) {
  UrlParts parts;
  const size_t scheme_end = url.find("://");
  size_t host_start = 0;
  if (scheme_end != std::string_view::npos) {
    parts.scheme = url.substr(0, scheme_end);
    host_start = scheme_end + 3;
  }
  const size_t path_start = url.find_first_of("/?", host_start);
  parts.host = url.substr(host_start, path_start == std::string_view::npos
                                          ? std::string_view::npos
                                          : path_start - host_start);
  if (path_start == std::string_view::npos) {
    parts.path = "/";
    return parts;
  }
  const size_t q = url.find('?', path_start);
  parts.path = url.substr(path_start, q == std::string_view::npos ? std::string_view::npos
                                                                  : q - path_start);
  if (parts.path.empty()) parts.path = "/";
  if (q != std::string_view::npos) parts.query = url.substr(q + 1);
  return parts;
}

std::string AmzDate(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string CanonicalRequest(const HttpRequest& request, std::string_view payload_hash,
                             std::string* signed_headers) {
  const UrlParts url = SplitUrl(request.url);
  // Query parameters sorted by name, then value; quire's URLs carry them already
  // encoded the way SigV4 wants, so they are used as they are.
  std::vector<std::pair<std::string_view, std::string_view>> params;
  std::string_view query = url.query;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view p = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (p.empty()) continue;
    const size_t eq = p.find('=');
    params.emplace_back(p.substr(0, eq),
                        eq == std::string_view::npos ? std::string_view() : p.substr(eq + 1));
  }
  std::sort(params.begin(), params.end());
  std::string canonical_query;
  for (const auto& [name, value] : params) {
    if (!canonical_query.empty()) canonical_query.push_back('&');
    canonical_query.append(name);
    canonical_query.push_back('=');
    canonical_query.append(value);
  }

  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& [name, value] : request.headers.fields()) {
    std::string lower = Lower(name);
    if (lower == "authorization") continue;
    headers.emplace_back(std::move(lower), CanonicalValue(value));
  }
  std::stable_sort(headers.begin(), headers.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string canonical_headers;
  signed_headers->clear();
  for (size_t i = 0; i < headers.size(); ++i) {
    if (i > 0 && headers[i].first == headers[i - 1].first) {
      // Repeated names: one line, values joined with commas.
      canonical_headers.pop_back();
      canonical_headers.push_back(',');
    } else {
      if (!signed_headers->empty()) signed_headers->push_back(';');
      signed_headers->append(headers[i].first);
      canonical_headers.append(headers[i].first);
      canonical_headers.push_back(':');
    }
    canonical_headers.append(headers[i].second);
    canonical_headers.push_back('\n');
  }
  return fmt::format("{}\n{}\n{}\n{}\n{}\n{}", request.method, url.path, canonical_query,
                     canonical_headers, *signed_headers, payload_hash);
}

std::string StringToSign(std::string_view amz_date, const SigV4Scope& scope,
                         std::string_view canonical_request) {
  return fmt::format("AWS4-HMAC-SHA256\n{}\n{}/{}/{}/aws4_request\n{}", amz_date,
                     amz_date.substr(0, 8), scope.region, scope.service,
                     HexEncode(Sha256(canonical_request)));
}

Sha256Digest SigningKey(std::string_view secret, std::string_view date, const SigV4Scope& scope) {
  const std::string k_secret = "AWS4" + std::string(secret);
  const Sha256Digest k_date = HmacSha256(AsBytes(k_secret), date);
  const Sha256Digest k_region = HmacSha256(k_date, scope.region);
  const Sha256Digest k_service = HmacSha256(k_region, scope.service);
  return HmacSha256(k_service, "aws4_request");
}

void SignV4(HttpRequest& request, const AwsCredentials& credentials, const SigV4Scope& scope,
            std::string_view payload_hash, std::chrono::system_clock::time_point now) {
  const std::string amz_date = AmzDate(now);
  request.headers.Set("Host", std::string(SplitUrl(request.url).host));
  request.headers.Set("X-Amz-Date", amz_date);
  if (scope.service == "s3") request.headers.Set("X-Amz-Content-Sha256", std::string(payload_hash));
  if (!credentials.session_token.empty()) {
    request.headers.Set("X-Amz-Security-Token", credentials.session_token);
  }
  std::string signed_headers;
  const std::string canonical = CanonicalRequest(request, payload_hash, &signed_headers);
  const std::string to_sign = StringToSign(amz_date, scope, canonical);
  const Sha256Digest key = SigningKey(credentials.secret_access_key, amz_date.substr(0, 8), scope);
  const std::string signature = HexEncode(HmacSha256(key, to_sign));
  request.headers.Set(
      "Authorization",
      fmt::format("AWS4-HMAC-SHA256 Credential={}/{}/{}/{}/aws4_request, SignedHeaders={}, "
                  "Signature={}",
                  credentials.access_key_id, amz_date.substr(0, 8), scope.region, scope.service,
                  signed_headers, signature));
}

}  // namespace quire::io::internal
