#pragma once

/// \file quire/io/remote_options.h
/// \brief Settings shared by the S3 and Azure Blob filesystems: retries, timeouts,
/// multipart part size and concurrency.

#include <cstdint>

#include "quire/io/coalescing_file.h"

namespace quire::io {

/// \brief How a remote filesystem talks to its service.
struct RemoteOptions {
  /// Attempts after the first for a request that failed transiently (timeouts,
  /// resets, 5xx, throttling); each waits a random backoff up to twice the last.
  int max_retries = 8;
  /// No retry starts later than this after the first attempt.
  int64_t retry_timeout_ms = 60'000;
  /// Backoff before retry n is uniform in [0, min(10 s, retry_base_delay_ms * 2^n)].
  int64_t retry_base_delay_ms = 100;
  int connect_timeout_ms = 10'000;
  /// A transfer that moves no byte for this long fails (transiently).
  int request_timeout_ms = 60'000;
  /// Bytes per part of a multipart upload (S3 needs at least 5 MiB for all but the
  /// last part); files up to this size go up in one request.
  int64_t part_size = int64_t(8) << 20;
  /// Parts in flight per output stream, and parallel requests of batched calls.
  /// Memory held by a stream is at most (concurrency + 1) * part_size.
  int concurrency = 4;
  /// How ranges announced to files opened for reading (RandomAccessFile::WillNeed,
  /// which the Parquet reader calls a row group ahead) become requests: URL keys
  /// hole_size_limit and range_size_limit; coalesce=false reads every range on
  /// demand, one request each.
  CoalesceOptions coalesce;
  bool coalesce_reads = true;
};

}  // namespace quire::io
