#pragma once

/// \file quire/io/s3_internal.h
/// \brief How S3 responses become Status, exposed for unit tests. Not installed.

#include <string_view>

#include "quire/io/http_internal.h"

namespace quire::io::internal {

/// \brief What a request expects of its response besides a 2xx status.
struct S3Expect {
  /// The request creates only if absent (If-None-Match: *): 412 means another
  /// writer's object is there.
  bool conditional_create = false;
  /// A 200 may still carry an <Error> body (CompleteMultipartUpload, CopyObject).
  bool error_in_200 = false;
};

/// \brief Turn an S3 response into OK or a Status naming `url` and the S3 error
/// code: 404 is kNotFound; 412 on a conditional create kAlreadyExists; 5xx, 429,
/// SlowDown, InternalError, RequestTimeout and ConditionalRequestConflict (409)
/// are retryable kIOError; the rest (400, 401, 403, ...) permanent kIOError.
Status CheckS3Response(std::string_view url, const HttpRequest& request,
                       const HttpResponse& response, const S3Expect& expect);

}  // namespace quire::io::internal
