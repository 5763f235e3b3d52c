/// \file quire/table/last_checkpoint.cc
/// \brief `_delta_log/_last_checkpoint` (PROTOCOL.md, "Last Checkpoint File"):
/// parsing, reading and rendering.

#include <set>
#include <string>

#include <simdjson.h>

#include <fmt/format.h>

#include "quire/columnar/json.h"
#include "quire/io/file_system.h"
#include "quire/table/checkpoint.h"
#include "quire/util/macros.h"

namespace quire::table {

namespace {

namespace dom = simdjson::dom;

Result<int64_t> JsonInt(dom::element v, std::string_view key, std::string_view source) {
  int64_t i = 0;
  if (v.get(i) == simdjson::SUCCESS) return i;
  uint64_t u = 0;
  if (v.get(u) == simdjson::SUCCESS && u <= uint64_t(INT64_MAX)) return int64_t(u);
  return Status::Corrupt(
      "{}: \"{}\" is {}, not an integer (PROTOCOL.md, \"Last Checkpoint "
      "File Schema\")",
      source, key, std::string(simdjson::minify(v)).substr(0, 64));
}

Result<LastCheckpointV2> ParseV2(dom::element v, std::string_view source) {
  dom::object obj;
  if (v.get(obj) != simdjson::SUCCESS) {
    return Status::Corrupt("{}: \"v2Checkpoint\" is not an object", source);
  }
  LastCheckpointV2 out;
  bool has_path = false;
  for (auto [key, value] : obj) {
    if (key == "path") {
      std::string_view s;
      if (value.get(s) != simdjson::SUCCESS) {
        return Status::Corrupt("{}: \"v2Checkpoint.path\" is not a string", source);
      }
      out.path = std::string(s);
      has_path = true;
    } else if (key == "sizeInBytes") {
      QUIRE_ASSIGN_OR_RETURN(out.size_in_bytes,
                             JsonInt(value, "v2Checkpoint.sizeInBytes", source));
    } else if (key == "modificationTime") {
      QUIRE_ASSIGN_OR_RETURN(out.modification_time,
                             JsonInt(value, "v2Checkpoint.modificationTime", source));
    } else if (key == "nonFileActions" || key == "sidecarFiles") {
      if (!value.is_array()) {
        return Status::Corrupt("{}: \"v2Checkpoint.{}\" is not an array", source, key);
      }
      auto& slot =
          key == "nonFileActions" ? out.non_file_actions_json : out.sidecar_files_json;
      slot = simdjson::minify(value);
    }
  }
  if (!has_path) return Status::Corrupt("{}: \"v2Checkpoint\" has no \"path\"", source);
  return out;
}

}  // namespace

Result<LastCheckpoint> ParseLastCheckpoint(std::string_view text,
                                           std::string_view source) {
  dom::parser parser;
  simdjson::padded_string padded(text);
  dom::element root;
  if (auto error = parser.parse(padded).get(root); error) {
    return Status::Corrupt("{}: not JSON ({})", source, simdjson::error_message(error));
  }
  dom::object obj;
  if (root.get(obj) != simdjson::SUCCESS) {
    return Status::Corrupt("{}: not a JSON object", source);
  }
  LastCheckpoint out;
  bool has_version = false, has_size = false;
  std::set<std::string_view> seen;
  for (auto [key, value] : obj) {
    if (!seen.insert(key).second) {
      // PROTOCOL.md, "JSON checksum": duplicate keys make the file invalid.
      return Status::Corrupt("{}: duplicate key \"{}\"", source, key);
    }
    if (key == "version") {
      QUIRE_ASSIGN_OR_RETURN(out.version, JsonInt(value, key, source));
      has_version = true;
    } else if (key == "size") {
      QUIRE_ASSIGN_OR_RETURN(out.size, JsonInt(value, key, source));
      has_size = true;
    } else if (key == "parts") {
      if (!value.is_null()) {
        QUIRE_ASSIGN_OR_RETURN(out.parts, JsonInt(value, key, source));
      }
    } else if (key == "sizeInBytes") {
      if (!value.is_null()) {
        QUIRE_ASSIGN_OR_RETURN(out.size_in_bytes, JsonInt(value, key, source));
      }
    } else if (key == "numOfAddFiles") {
      if (!value.is_null()) {
        QUIRE_ASSIGN_OR_RETURN(out.num_of_add_files, JsonInt(value, key, source));
      }
    } else if (key == "v2Checkpoint") {
      if (!value.is_null()) {
        QUIRE_ASSIGN_OR_RETURN(out.v2_checkpoint, ParseV2(value, source));
      }
    }
  }
  if (!has_version || !has_size) {
    return Status::Corrupt(
        "{}: \"{}\" is missing (PROTOCOL.md, \"Last Checkpoint File Schema\")", source,
        has_version ? "size" : "version");
  }
  if (out.version < 0)
    return Status::Corrupt("{}: negative version {}", source, out.version);
  return out;
}

Result<std::optional<LastCheckpoint>> ReadLastCheckpoint(io::FileSystem& fs,
                                                         std::string_view log_dir) {
  const std::string path = io::JoinPath(log_dir, "_last_checkpoint");
  auto buffer = fs.ReadAll(path);
  if (!buffer.ok()) {
    if (buffer.status().code() == ErrorCode::kNotFound)
      return std::optional<LastCheckpoint>();
    return buffer.status();
  }
  const auto& b = *buffer;
  QUIRE_ASSIGN_OR_RETURN(
      auto last,
      ParseLastCheckpoint({reinterpret_cast<const char*>(b->data()), size_t(b->size())},
                          path));
  return std::optional<LastCheckpoint>(std::move(last));
}

std::string LastCheckpointJson(const LastCheckpoint& last) {
  std::string out = fmt::format("{{\"version\":{},\"size\":{}", last.version, last.size);
  if (last.parts) out += fmt::format(",\"parts\":{}", *last.parts);
  if (last.size_in_bytes) out += fmt::format(",\"sizeInBytes\":{}", *last.size_in_bytes);
  if (last.num_of_add_files)
    out += fmt::format(",\"numOfAddFiles\":{}", *last.num_of_add_files);
  if (last.v2_checkpoint) {
    const LastCheckpointV2& v2 = *last.v2_checkpoint;
    out += ",\"v2Checkpoint\":{\"path\":";
    columnar::AppendJsonString(v2.path, &out);
    out += fmt::format(",\"sizeInBytes\":{},\"modificationTime\":{}", v2.size_in_bytes,
                       v2.modification_time);
    if (v2.non_file_actions_json)
      out += ",\"nonFileActions\":" + *v2.non_file_actions_json;
    if (v2.sidecar_files_json) out += ",\"sidecarFiles\":" + *v2.sidecar_files_json;
    out += "}";
  }
  out += "}";
  return out;
}


}  // namespace quire::table
