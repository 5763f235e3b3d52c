/// \file quire/io/remote_file_systems.cc
/// \brief The remote schemes of the URL factory.
#include "quire/io/url_internal.h"

#include "quire/io/azure_file_system.h"
#include "quire/io/s3_file_system.h"

namespace quire::io::internal {

Result<std::shared_ptr<FileSystem>> MakeRemoteFileSystem(const ParsedUrl& url,
                                                         const UrlOptions& options) {
  if (url.scheme == "s3") return MakeS3FileSystemFromUrl(url.authority, options);
  if (url.scheme == "az" || url.scheme == "abfs" || url.scheme == "abfss") {
    return MakeAzureFileSystemFromUrl(url.authority, options);
  }
  return Status::Invalid(
      "unknown URL scheme '{}://' (known: file://, memory://, s3://, az://, abfs[s]://)",
      url.scheme);
}

}  // namespace quire::io::internal
