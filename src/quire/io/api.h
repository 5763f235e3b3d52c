#pragma once

/// \file quire/io/api.h
/// \brief The io layer: storage as the rest of quire sees it.
///
/// Today: RandomAccessFile (random_access_file.h), with local files read by
/// pread(2) and in-memory files; InputStream (input_stream.h), sequential reads
/// of local files, stdin and memory; OutputStream (output_stream.h), files that
/// appear whole on Close(). The FileSystem interface over local disk, memory, S3
/// and Azure Blob, with retries and coalesced ranged reads, follows
/// (../shared/DESIGN.md, "Key interfaces").

#include "quire/io/input_stream.h"
#include "quire/io/output_stream.h"
#include "quire/io/random_access_file.h"
