#pragma once

/// \file quire/io/s3_file_system.h
/// \brief The S3 filesystem: a bucket of Amazon S3 or of an S3-compatible store
/// (MinIO, s3rver, ...), over the S3 REST API signed with SigV4.

#include <memory>
#include <string>
#include <string_view>

#include "quire/io/file_system.h"
#include "quire/io/remote_options.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::io {

/// \brief How bucket names go into URLs.
enum class S3Addressing : uint8_t {
  kAuto,     ///< virtual-hosted for AWS endpoints, path-style for any other
  kPath,     ///< https://endpoint/bucket/key
  kVirtual,  ///< https://bucket.endpoint/key
};

/// \brief Settings of an S3 filesystem.
struct S3Options {
  /// "https://host[:port]" or "http://..."; empty means AWS, https://s3.<region>.amazonaws.com.
  std::string endpoint;
  /// Empty means us-east-1.
  std::string region;
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  /// Send unsigned requests (public buckets).
  bool anonymous = false;
  S3Addressing addressing = S3Addressing::kAuto;
  RemoteOptions remote;
};

/// \brief Return S3Options from `options` (the keys listed at UrlOptions), falling
/// back to the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
/// AWS_SESSION_TOKEN, AWS_REGION or AWS_DEFAULT_REGION, AWS_ENDPOINT_URL,
/// AWS_PROFILE), then to the profile (default: "default") in the shared files
/// ~/.aws/credentials and ~/.aws/config (or AWS_SHARED_CREDENTIALS_FILE and
/// AWS_CONFIG_FILE). Explicit keys win over the environment, which wins over the
/// files. Without credentials anywhere, requests go unsigned (anonymous).
/// \return kInvalidArgument for an unknown or malformed option, or a missing profile
/// that was asked for by name.
QUIRE_EXPORT Result<S3Options> S3OptionsFromUrlOptions(const UrlOptions& options);

/// \brief Make a filesystem whose root is `bucket`. Thread-safe.
QUIRE_EXPORT Result<std::shared_ptr<FileSystem>> MakeS3FileSystem(std::string bucket,
                                                                  S3Options options);

/// \brief Make the filesystem of s3://`bucket`/... with settings resolved by
/// S3OptionsFromUrlOptions(); FileSystemFromUrl calls this for "s3" URLs.
QUIRE_EXPORT Result<std::shared_ptr<FileSystem>> MakeS3FileSystemFromUrl(
    std::string_view bucket, const UrlOptions& merged_options);

/// \brief Create `bucket` (for tests and tools). kAlreadyExists if it exists.
QUIRE_EXPORT Status CreateS3Bucket(const S3Options& options, std::string_view bucket);

}  // namespace quire::io
