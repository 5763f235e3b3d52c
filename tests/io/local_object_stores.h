#pragma once

/// \file tests/io/local_object_stores.h
/// \brief Start s3rver or azurite (from node_modules/.bin) on a free loopback port
/// for the S3 and Azure tests, and stop them. A missing server fails the test that
/// asked for it, with the command that installs it: nothing is skipped silently.

#include <sys/types.h>

#include <memory>
#include <string>

#include "quire/util/result.h"

namespace quire::io::testing {

/// \brief One server process, stopped (SIGTERM) and its data removed on destruction.
class LocalObjectStore {
 public:
  /// \brief s3rver 3.7: path-style S3 at endpoint(), credentials S3RVER / S3RVER.
  static Result<std::unique_ptr<LocalObjectStore>> StartS3rver();
  /// \brief azurite-blob 3.37: account devstoreaccount1 at endpoint()
  /// (http://127.0.0.1:port/devstoreaccount1).
  static Result<std::unique_ptr<LocalObjectStore>> StartAzurite();

  ~LocalObjectStore();
  int port() const { return port_; }
  /// \brief "http://127.0.0.1:port" (s3rver) or ".../devstoreaccount1" (azurite).
  const std::string& endpoint() const { return endpoint_; }

 private:
  LocalObjectStore() = default;
  static Result<std::unique_ptr<LocalObjectStore>> Start(const std::string& tool,
                                                         const std::string& account_path);
  pid_t pid_ = -1;
  int port_ = 0;
  std::string dir_;
  std::string endpoint_;
};

/// \brief Return a port on 127.0.0.1 that nothing listens on (now).
int FreeLoopbackPort();

}  // namespace quire::io::testing
