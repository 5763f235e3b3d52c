#pragma once

/// \file quire/text/type_fwd.h
/// \brief Forward declarations of the text layer.

namespace quire::text {
struct CsvReadOptions;
struct CsvWriteOptions;
struct JsonlReadOptions;
struct JsonlWriteOptions;
class CsvReader;
class CsvWriter;
class JsonlReader;
class JsonlWriter;
}  // namespace quire::text
