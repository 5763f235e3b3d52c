#pragma once

/// \file quire/io/api.h
/// \brief The io layer: storage as the rest of quire sees it.
///
/// FileSystem (file_system.h) is one interface over local disk
/// (local_file_system.h), memory (memory_file_system.h), S3 and Azure Blob;
/// FileSystemFromUrl() turns a URL into a filesystem and a path, and every
/// filesystem counts its requests and bytes (IoStats). Beneath it:
/// RandomAccessFile (random_access_file.h), files read by position (pread(2),
/// memory, ranged GETs); InputStream (input_stream.h), sequential reads of local
/// files, stdin and memory; OutputStream (output_stream.h), files that appear
/// whole on Close().

#include "quire/io/file_system.h"
#include "quire/io/input_stream.h"
#include "quire/io/local_file_system.h"
#include "quire/io/memory_file_system.h"
#include "quire/io/output_stream.h"
#include "quire/io/random_access_file.h"
