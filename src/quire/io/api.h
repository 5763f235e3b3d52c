#pragma once

/// \file quire/io/api.h
/// \brief The io layer: storage as the rest of quire sees it.
///
/// Today: RandomAccessFile (random_access_file.h), with local files read by
/// pread(2) and in-memory files. The FileSystem interface over local disk, memory,
/// S3 and Azure Blob, with retries and coalesced ranged reads, follows
/// (../shared/DESIGN.md, "Key interfaces").

#include "quire/io/random_access_file.h"
