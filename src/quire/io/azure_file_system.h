#pragma once

/// \file quire/io/azure_file_system.h
/// \brief The Azure Blob filesystem: a container of an Azure storage account (or
/// of azurite), over the Blob REST API with Shared Key or SAS authorization.

#include <memory>
#include <string>
#include <string_view>

#include "quire/io/file_system.h"
#include "quire/io/remote_options.h"
#include "quire/util/result.h"
#include "quire/util/visibility.h"

namespace quire::io {

/// \brief Settings of an Azure Blob filesystem.
struct AzureOptions {
  /// The storage account name.
  std::string account;
  /// The account key (base64, as the portal shows it): Shared Key authorization.
  std::string account_key;
  /// A SAS token ("sv=...&sig=..."), used when there is no account key. Never
  /// printed: URLs in messages have its signature redacted.
  std::string sas_token;
  /// "https://<account>.blob.core.windows.net" when empty; for azurite, the
  /// path-style "http://127.0.0.1:10000/devstoreaccount1".
  std::string endpoint;
  RemoteOptions remote;
};

/// \brief The account of azurite's development storage and its published key.
inline constexpr std::string_view kAzuriteAccount = "devstoreaccount1";
inline constexpr std::string_view kAzuriteAccountKey =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/// \brief Return AzureOptions from `options` (account, account_key, sas_token,
/// endpoint and the RemoteOptions keys), falling back to AZURE_STORAGE_ACCOUNT,
/// AZURE_STORAGE_KEY, AZURE_STORAGE_SAS_TOKEN and AZURE_STORAGE_ENDPOINT.
/// \return kInvalidArgument for an unknown or malformed option.
QUIRE_EXPORT Result<AzureOptions> AzureOptionsFromUrlOptions(const UrlOptions& options);

/// \brief Make a filesystem whose root is `container`. Thread-safe.
/// \return kInvalidArgument without an account or with a malformed key.
QUIRE_EXPORT Result<std::shared_ptr<FileSystem>> MakeAzureFileSystem(std::string container,
                                                                     AzureOptions options);

/// \brief Make the filesystem of az://`authority`/... or abfs[s]://`authority`/...,
/// where `authority` is "container" or "container@account.dfs.core.windows.net"
/// (the account then comes from the host); FileSystemFromUrl calls this.
QUIRE_EXPORT Result<std::shared_ptr<FileSystem>> MakeAzureFileSystemFromUrl(
    std::string_view authority, const UrlOptions& merged_options);

/// \brief Create `container` (for tests and tools). kAlreadyExists if it exists.
QUIRE_EXPORT Status CreateAzureContainer(const AzureOptions& options, std::string_view container);

}  // namespace quire::io
