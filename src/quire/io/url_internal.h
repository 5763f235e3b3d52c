#pragma once

/// \file quire/io/url_internal.h
/// \brief URL parsing shared by the URL factory and the remote filesystems.

#include <memory>
#include <string>
#include <string_view>

#include "quire/io/file_system.h"
#include "quire/util/result.h"

namespace quire::io::internal {

/// \brief A URL taken apart: "s3://bucket/a/b?region=x" is scheme "s3", authority
/// "bucket", path "a/b" (no leading or trailing "/"), query {region: x}. A plain
/// path is scheme "file" with the path as given.
struct ParsedUrl {
  std::string scheme;
  std::string authority;
  std::string path;
  UrlOptions query;
};

/// \brief Take `url` apart. kInvalidArgument when it is malformed.
Result<ParsedUrl> ParseUrl(std::string_view url);

/// \brief Decode %XX escapes and "+" (query strings).
Result<std::string> PercentDecode(std::string_view s);

/// \brief Make the filesystem of a remote URL (s3, az, abfs, abfss) from the
/// merged options (the caller's over the query string). kInvalidArgument for an
/// unknown scheme.
Result<std::shared_ptr<FileSystem>> MakeRemoteFileSystem(const ParsedUrl& url,
                                                         const UrlOptions& options);

}  // namespace quire::io::internal
