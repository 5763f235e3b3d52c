#pragma once

/// \file quire/io/type_fwd.h
/// \brief Forward declarations of the io layer.

namespace quire::io {
class InputStream;
class OutputStream;
class RandomAccessFile;
}  // namespace quire::io
