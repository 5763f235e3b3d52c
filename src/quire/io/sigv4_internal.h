#pragma once

/// \file quire/io/sigv4_internal.h
/// \brief AWS Signature Version 4 for requests to S3 ("Authenticating Requests:
/// Using the Authorization Header", AWS S3 API reference). Not installed.

#include <chrono>
#include <string>
#include <string_view>

#include "quire/io/crypto_internal.h"
#include "quire/io/http_internal.h"

namespace quire::io::internal {

/// \brief An access key, its secret and an optional session token.
struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;

  bool empty() const { return access_key_id.empty(); }
};

/// \brief Where a signature is valid: a region and a service ("s3").
struct SigV4Scope {
  std::string region;
  std::string service;
};

/// \brief Hex SHA-256 of the empty payload.
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// \brief Format `t` as the x-amz-date value, YYYYMMDD'T'HHMMSS'Z'.
std::string AmzDate(std::chrono::system_clock::time_point t);

/// \brief Return the canonical request of `request` (its URL's path as the
/// canonical URI, which quire builds already encoded per the S3 rules; the query
/// sorted; every header signed), and the signed header list in `*signed_headers`.
std::string CanonicalRequest(const HttpRequest& request, std::string_view payload_hash,
                             std::string* signed_headers);

/// \brief Return the string to sign for `canonical_request` at `amz_date`.
std::string StringToSign(std::string_view amz_date, const SigV4Scope& scope,
                         std::string_view canonical_request);

/// \brief Return the signing key derived from the secret, date, region and service.
Sha256Digest SigningKey(std::string_view secret, std::string_view date, const SigV4Scope& scope);

/// \brief Sign `request` in place: sets Host, X-Amz-Date, X-Amz-Security-Token
/// (with a session token), X-Amz-Content-Sha256 (for the "s3" service) and
/// Authorization, replacing any earlier signature (each retry signs afresh).
/// `payload_hash` is the hex SHA-256 of the body.
void SignV4(HttpRequest& request, const AwsCredentials& credentials, const SigV4Scope& scope,
            std::string_view payload_hash, std::chrono::system_clock::time_point now);

/// \brief Split "scheme://host[:port]/path?query" into host, path and query.
struct UrlParts {
  std::string_view scheme;
  std::string_view host;   ///< with the port, if any
  std::string_view path;   ///< "/" when empty
  std::string_view query;  ///< without '?'
};
UrlParts SplitUrl(std::string_view url);

}  // namespace quire::io::internal
