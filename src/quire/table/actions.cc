/// \file quire/table/actions.cc
/// \brief Actions of the Delta log: helpers, JSON parsing and rendering
/// (PROTOCOL.md, "Actions").

#include "quire/table/actions.h"

#include <algorithm>

#include <simdjson.h>

#include "quire/columnar/json.h"
#include "quire/util/macros.h"

namespace quire::table {

namespace dom = simdjson::dom;

namespace {

bool Contains(const std::optional<std::vector<std::string>>& list, std::string_view name) {
  return list && std::find(list->begin(), list->end(), name) != list->end();
}

// ---------------------------------------------------------------------------
// Parsing

// Reads the fields of one action object, naming the source, line and action in
// every error.
class ObjectReader {
 public:
  ObjectReader(dom::object object, std::string_view source, int64_t line,
               std::string_view action)
      : object_(object), source_(source), line_(line), action_(action) {}

  Status Error(std::string_view field, std::string_view what) const {
    return Status::Corrupt("{}: line {}: {}.{} {}", source_, line_, action_, field, what);
  }

  // The field's element, or nullopt when absent or null.
  std::optional<dom::element> Find(std::string_view field) const {
    dom::element e;
    if (object_.at_key(field).get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
    return e;
  }

  Result<std::optional<std::string>> OptString(std::string_view field) const {
    auto e = Find(field);
    if (!e) return std::optional<std::string>();
    std::string_view s;
    if (e->get(s) != simdjson::SUCCESS) return Error(field, "is not a string");
    return std::optional<std::string>(std::string(s));
  }
  Result<std::string> String(std::string_view field) const {
    QUIRE_ASSIGN_OR_RETURN(auto s, OptString(field));
    if (!s) return Error(field, "is missing");
    return std::move(*s);
  }
  Result<std::optional<int64_t>> OptInt(std::string_view field) const {
    auto e = Find(field);
    if (!e) return std::optional<int64_t>();
    int64_t v;
    if (e->get(v) == simdjson::SUCCESS) return std::optional<int64_t>(v);
    // Some writers render integral values as doubles (1.0E9).
    double d;
    if (e->get(d) == simdjson::SUCCESS && d == double(int64_t(d))) {
      return std::optional<int64_t>(int64_t(d));
    }
    return Error(field, "is not an integer");
  }
  Result<int64_t> Int(std::string_view field) const {
    QUIRE_ASSIGN_OR_RETURN(auto v, OptInt(field));
    if (!v) return Error(field, "is missing");
    return *v;
  }
  Result<std::optional<bool>> OptBool(std::string_view field) const {
    auto e = Find(field);
    if (!e) return std::optional<bool>();
    bool v;
    if (e->get(v) != simdjson::SUCCESS) return Error(field, "is not a boolean");
    return std::optional<bool>(v);
  }
  Result<bool> Bool(std::string_view field, std::optional<bool> fallback = {}) const {
    QUIRE_ASSIGN_OR_RETURN(auto v, OptBool(field));
    if (!v && !fallback) return Error(field, "is missing");
    return v ? *v : *fallback;
  }
  // A JSON object of strings (or nulls, when `nullable`).
  Result<std::optional<std::map<std::string, std::optional<std::string>>>> OptStringMap(
      std::string_view field, bool nullable = true) const {
    auto e = Find(field);
    if (!e) return std::optional<std::map<std::string, std::optional<std::string>>>();
    dom::object o;
    if (e->get(o) != simdjson::SUCCESS) return Error(field, "is not an object");
    std::map<std::string, std::optional<std::string>> out;
    for (auto [key, value] : o) {
      if (value.is_null()) {
        if (!nullable) return Error(field, fmt::format("[{}] is null", std::string(key)));
        out.emplace(std::string(key), std::nullopt);
        continue;
      }
      std::string_view s;
      if (value.get(s) != simdjson::SUCCESS) {
        return Error(field, fmt::format("[{}] is not a string", std::string(key)));
      }
      out.emplace(std::string(key), std::string(s));
    }
    return std::optional<std::map<std::string, std::optional<std::string>>>(std::move(out));
  }
  Result<std::optional<std::vector<std::string>>> OptStringList(std::string_view field) const {
    auto e = Find(field);
    if (!e) return std::optional<std::vector<std::string>>();
    dom::array a;
    if (e->get(a) != simdjson::SUCCESS) return Error(field, "is not an array");
    std::vector<std::string> out;
    for (dom::element item : a) {
      std::string_view s;
      if (item.get(s) != simdjson::SUCCESS) return Error(field, "holds a non-string");
      out.emplace_back(s);
    }
    return std::optional<std::vector<std::string>>(std::move(out));
  }
  Result<std::optional<DeletionVectorDescriptor>> OptDeletionVector(
      std::string_view field) const {
    auto e = Find(field);
    if (!e) return std::optional<DeletionVectorDescriptor>();
    dom::object o;
    if (e->get(o) != simdjson::SUCCESS) return Error(field, "is not an object");
    ObjectReader r(o, source_, line_, fmt::format("{}.{}", action_, field));
    DeletionVectorDescriptor dv;
    QUIRE_ASSIGN_OR_RETURN(dv.storage_type, r.String("storageType"));
    QUIRE_ASSIGN_OR_RETURN(dv.path_or_inline_dv, r.String("pathOrInlineDv"));
    QUIRE_ASSIGN_OR_RETURN(auto offset, r.OptInt("offset"));
    if (offset) dv.offset = int32_t(*offset);
    QUIRE_ASSIGN_OR_RETURN(int64_t size, r.Int("sizeInBytes"));
    dv.size_in_bytes = int32_t(size);
    QUIRE_ASSIGN_OR_RETURN(dv.cardinality, r.Int("cardinality"));
    if (dv.cardinality < 0 || size < 0 || (offset && *offset < 0)) {
      return r.Error("cardinality", "or size or offset is negative");
    }
    return std::optional<DeletionVectorDescriptor>(std::move(dv));
  }

 private:
  dom::object object_;
  std::string_view source_;
  int64_t line_;
  std::string action_;
};

std::map<std::string, std::string> NonNull(
    std::optional<std::map<std::string, std::optional<std::string>>> in) {
  std::map<std::string, std::string> out;
  if (!in) return out;
  for (auto& [k, v] : *in) {
    if (v) out.emplace(k, std::move(*v));
  }
  return out;
}

Result<Action> ParseProtocol(const ObjectReader& r) {
  Protocol p;
  QUIRE_ASSIGN_OR_RETURN(int64_t reader, r.Int("minReaderVersion"));
  QUIRE_ASSIGN_OR_RETURN(int64_t writer, r.Int("minWriterVersion"));
  p.min_reader_version = int32_t(reader);
  p.min_writer_version = int32_t(writer);
  QUIRE_ASSIGN_OR_RETURN(p.reader_features, r.OptStringList("readerFeatures"));
  QUIRE_ASSIGN_OR_RETURN(p.writer_features, r.OptStringList("writerFeatures"));
  return Action(std::move(p));
}

Result<Action> ParseMetadata(const ObjectReader& r, std::string_view source, int64_t line) {
  Metadata m;
  QUIRE_ASSIGN_OR_RETURN(m.id, r.String("id"));
  QUIRE_ASSIGN_OR_RETURN(m.name, r.OptString("name"));
  QUIRE_ASSIGN_OR_RETURN(m.description, r.OptString("description"));
  if (auto format = r.Find("format")) {
    dom::object fo;
    if (format->get(fo) != simdjson::SUCCESS) return r.Error("format", "is not an object");
    ObjectReader fr(fo, source, line, "metaData.format");
    QUIRE_ASSIGN_OR_RETURN(auto provider, fr.OptString("provider"));
    if (provider) m.format_provider = *provider;
    QUIRE_ASSIGN_OR_RETURN(auto options, fr.OptStringMap("options"));
    m.format_options = NonNull(std::move(options));
  }
  QUIRE_ASSIGN_OR_RETURN(m.schema_string, r.String("schemaString"));
  QUIRE_ASSIGN_OR_RETURN(auto partitions, r.OptStringList("partitionColumns"));
  if (partitions) m.partition_columns = std::move(*partitions);
  QUIRE_ASSIGN_OR_RETURN(auto configuration, r.OptStringMap("configuration"));
  m.configuration = NonNull(std::move(configuration));
  QUIRE_ASSIGN_OR_RETURN(m.created_time, r.OptInt("createdTime"));
  return Action(std::move(m));
}

Result<Action> ParseAdd(const ObjectReader& r) {
  AddFile a;
  QUIRE_ASSIGN_OR_RETURN(a.path, r.String("path"));
  QUIRE_ASSIGN_OR_RETURN(auto partition_values, r.OptStringMap("partitionValues"));
  if (partition_values) a.partition_values = std::move(*partition_values);
  QUIRE_ASSIGN_OR_RETURN(a.size, r.Int("size"));
  QUIRE_ASSIGN_OR_RETURN(auto modification_time, r.OptInt("modificationTime"));
  a.modification_time = modification_time.value_or(0);
  QUIRE_ASSIGN_OR_RETURN(a.data_change, r.Bool("dataChange", true));
  QUIRE_ASSIGN_OR_RETURN(a.stats, r.OptString("stats"));
  QUIRE_ASSIGN_OR_RETURN(auto tags, r.OptStringMap("tags"));
  if (tags) a.tags = std::move(*tags);
  QUIRE_ASSIGN_OR_RETURN(a.deletion_vector, r.OptDeletionVector("deletionVector"));
  QUIRE_ASSIGN_OR_RETURN(a.base_row_id, r.OptInt("baseRowId"));
  QUIRE_ASSIGN_OR_RETURN(a.default_row_commit_version, r.OptInt("defaultRowCommitVersion"));
  QUIRE_ASSIGN_OR_RETURN(a.clustering_provider, r.OptString("clusteringProvider"));
  return Action(std::move(a));
}

Result<Action> ParseRemove(const ObjectReader& r) {
  RemoveFile a;
  QUIRE_ASSIGN_OR_RETURN(a.path, r.String("path"));
  QUIRE_ASSIGN_OR_RETURN(a.deletion_timestamp, r.OptInt("deletionTimestamp"));
  QUIRE_ASSIGN_OR_RETURN(a.data_change, r.Bool("dataChange", true));
  QUIRE_ASSIGN_OR_RETURN(a.extended_file_metadata, r.OptBool("extendedFileMetadata"));
  QUIRE_ASSIGN_OR_RETURN(a.partition_values, r.OptStringMap("partitionValues"));
  QUIRE_ASSIGN_OR_RETURN(a.size, r.OptInt("size"));
  QUIRE_ASSIGN_OR_RETURN(a.stats, r.OptString("stats"));
  QUIRE_ASSIGN_OR_RETURN(a.tags, r.OptStringMap("tags"));
  QUIRE_ASSIGN_OR_RETURN(a.deletion_vector, r.OptDeletionVector("deletionVector"));
  QUIRE_ASSIGN_OR_RETURN(a.base_row_id, r.OptInt("baseRowId"));
  QUIRE_ASSIGN_OR_RETURN(a.default_row_commit_version, r.OptInt("defaultRowCommitVersion"));
  return Action(std::move(a));
}

Result<Action> ParseCdc(const ObjectReader& r) {
  AddCdcFile a;
  QUIRE_ASSIGN_OR_RETURN(a.path, r.String("path"));
  QUIRE_ASSIGN_OR_RETURN(auto partition_values, r.OptStringMap("partitionValues"));
  if (partition_values) a.partition_values = std::move(*partition_values);
  QUIRE_ASSIGN_OR_RETURN(a.size, r.Int("size"));
  QUIRE_ASSIGN_OR_RETURN(a.data_change, r.Bool("dataChange", false));
  QUIRE_ASSIGN_OR_RETURN(auto tags, r.OptStringMap("tags"));
  if (tags) a.tags = std::move(*tags);
  return Action(std::move(a));
}

Result<Action> ParseTxn(const ObjectReader& r) {
  AppTransaction t;
  QUIRE_ASSIGN_OR_RETURN(t.app_id, r.String("appId"));
  QUIRE_ASSIGN_OR_RETURN(t.version, r.Int("version"));
  QUIRE_ASSIGN_OR_RETURN(t.last_updated, r.OptInt("lastUpdated"));
  return Action(std::move(t));
}

Result<Action> ParseDomainMetadata(const ObjectReader& r) {
  DomainMetadata d;
  QUIRE_ASSIGN_OR_RETURN(d.domain, r.String("domain"));
  QUIRE_ASSIGN_OR_RETURN(d.configuration, r.String("configuration"));
  QUIRE_ASSIGN_OR_RETURN(d.removed, r.Bool("removed", false));
  return Action(std::move(d));
}

Result<Action> ParseCommitInfo(const ObjectReader& r, dom::object o) {
  CommitInfo c;
  c.json = simdjson::minify(o);
  // Commit info is informative: fields of unexpected types are ignored rather
  // than failing the read of an otherwise valid table.
  if (auto v = r.OptInt("timestamp"); v.ok()) c.timestamp = *v;
  if (auto v = r.OptInt("inCommitTimestamp"); v.ok()) c.in_commit_timestamp = *v;
  if (auto v = r.OptString("operation"); v.ok()) c.operation = *v;
  return Action(std::move(c));
}

Result<Action> ParseCheckpointMetadata(const ObjectReader& r) {
  CheckpointMetadata c;
  QUIRE_ASSIGN_OR_RETURN(c.version, r.Int("version"));
  QUIRE_ASSIGN_OR_RETURN(auto tags, r.OptStringMap("tags"));
  if (tags) c.tags = std::move(*tags);
  return Action(std::move(c));
}

Result<Action> ParseSidecar(const ObjectReader& r) {
  Sidecar s;
  QUIRE_ASSIGN_OR_RETURN(s.path, r.String("path"));
  QUIRE_ASSIGN_OR_RETURN(s.size_in_bytes, r.Int("sizeInBytes"));
  QUIRE_ASSIGN_OR_RETURN(auto modification_time, r.OptInt("modificationTime"));
  s.modification_time = modification_time.value_or(0);
  QUIRE_ASSIGN_OR_RETURN(auto tags, r.OptStringMap("tags"));
  if (tags) s.tags = std::move(*tags);
  return Action(std::move(s));
}

// ---------------------------------------------------------------------------
// Rendering

class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}
  void Key(std::string_view key) {
    if (!first_) out_->push_back(',');
    first_ = false;
    columnar::AppendJsonString(key, out_);
    out_->push_back(':');
  }
  void String(std::string_view key, std::string_view value) {
    Key(key);
    columnar::AppendJsonString(value, out_);
  }
  void OptString(std::string_view key, const std::optional<std::string>& value) {
    if (value) String(key, *value);
  }
  void Int(std::string_view key, int64_t value) {
    Key(key);
    *out_ += std::to_string(value);
  }
  void OptInt(std::string_view key, const std::optional<int64_t>& value) {
    if (value) Int(key, *value);
  }
  void Bool(std::string_view key, bool value) {
    Key(key);
    *out_ += value ? "true" : "false";
  }
  template <typename Map>
  void StringMap(std::string_view key, const Map& map) {
    Key(key);
    out_->push_back('{');
    bool first = true;
    for (const auto& [k, v] : map) {
      if (!first) out_->push_back(',');
      first = false;
      columnar::AppendJsonString(k, out_);
      out_->push_back(':');
      AppendValue(v);
    }
    out_->push_back('}');
  }
  void StringList(std::string_view key, const std::vector<std::string>& list) {
    Key(key);
    out_->push_back('[');
    for (size_t i = 0; i < list.size(); ++i) {
      if (i) out_->push_back(',');
      columnar::AppendJsonString(list[i], out_);
    }
    out_->push_back(']');
  }
  void Raw(std::string_view key, std::string_view json) {
    Key(key);
    *out_ += json;
  }
  void DeletionVector(std::string_view key, const DeletionVectorDescriptor& dv) {
    Key(key);
    out_->push_back('{');
    JsonWriter w(out_);
    w.String("storageType", dv.storage_type);
    w.String("pathOrInlineDv", dv.path_or_inline_dv);
    if (dv.offset) w.Int("offset", *dv.offset);
    w.Int("sizeInBytes", dv.size_in_bytes);
    w.Int("cardinality", dv.cardinality);
    out_->push_back('}');
  }

 private:
  void AppendValue(const std::string& v) { columnar::AppendJsonString(v, out_); }
  void AppendValue(const std::optional<std::string>& v) {
    if (v) {
      columnar::AppendJsonString(*v, out_);
    } else {
      *out_ += "null";
    }
  }

  std::string* out_;
  bool first_ = true;
};

void Render(const Protocol& p, JsonWriter& w) {
  w.Int("minReaderVersion", p.min_reader_version);
  w.Int("minWriterVersion", p.min_writer_version);
  if (p.reader_features) w.StringList("readerFeatures", *p.reader_features);
  if (p.writer_features) w.StringList("writerFeatures", *p.writer_features);
}

void Render(const Metadata& m, JsonWriter& w, std::string* out) {
  w.String("id", m.id);
  w.OptString("name", m.name);
  w.OptString("description", m.description);
  w.Key("format");
  *out += "{";
  {
    JsonWriter f(out);
    f.String("provider", m.format_provider);
    f.StringMap("options", m.format_options);
  }
  *out += "}";
  w.String("schemaString", m.schema_string);
  w.StringList("partitionColumns", m.partition_columns);
  w.StringMap("configuration", m.configuration);
  w.OptInt("createdTime", m.created_time);
}

void Render(const AddFile& a, JsonWriter& w) {
  w.String("path", a.path);
  w.StringMap("partitionValues", a.partition_values);
  w.Int("size", a.size);
  w.Int("modificationTime", a.modification_time);
  w.Bool("dataChange", a.data_change);
  w.OptString("stats", a.stats);
  if (!a.tags.empty()) w.StringMap("tags", a.tags);
  if (a.deletion_vector) w.DeletionVector("deletionVector", *a.deletion_vector);
  w.OptInt("baseRowId", a.base_row_id);
  w.OptInt("defaultRowCommitVersion", a.default_row_commit_version);
  w.OptString("clusteringProvider", a.clustering_provider);
}

void Render(const RemoveFile& a, JsonWriter& w) {
  w.String("path", a.path);
  w.OptInt("deletionTimestamp", a.deletion_timestamp);
  w.Bool("dataChange", a.data_change);
  if (a.extended_file_metadata) w.Bool("extendedFileMetadata", *a.extended_file_metadata);
  if (a.partition_values) w.StringMap("partitionValues", *a.partition_values);
  w.OptInt("size", a.size);
  w.OptString("stats", a.stats);
  if (a.tags) w.StringMap("tags", *a.tags);
  if (a.deletion_vector) w.DeletionVector("deletionVector", *a.deletion_vector);
  w.OptInt("baseRowId", a.base_row_id);
  w.OptInt("defaultRowCommitVersion", a.default_row_commit_version);
}

void Render(const AddCdcFile& a, JsonWriter& w) {
  w.String("path", a.path);
  w.StringMap("partitionValues", a.partition_values);
  w.Int("size", a.size);
  w.Bool("dataChange", a.data_change);
  if (!a.tags.empty()) w.StringMap("tags", a.tags);
}

void Render(const AppTransaction& t, JsonWriter& w) {
  w.String("appId", t.app_id);
  w.Int("version", t.version);
  w.OptInt("lastUpdated", t.last_updated);
}

void Render(const DomainMetadata& d, JsonWriter& w) {
  w.String("domain", d.domain);
  w.String("configuration", d.configuration);
  w.Bool("removed", d.removed);
}

void Render(const CheckpointMetadata& c, JsonWriter& w) {
  w.Int("version", c.version);
  if (!c.tags.empty()) w.StringMap("tags", c.tags);
}

void Render(const Sidecar& s, JsonWriter& w) {
  w.String("path", s.path);
  w.Int("sizeInBytes", s.size_in_bytes);
  w.Int("modificationTime", s.modification_time);
  if (!s.tags.empty()) w.StringMap("tags", s.tags);
}

}  // namespace

bool Protocol::HasReaderFeature(std::string_view name) const {
  return Contains(reader_features, name);
}

bool Protocol::HasWriterFeature(std::string_view name) const {
  return Contains(writer_features, name);
}

std::string DeletionVectorDescriptor::UniqueId() const {
  // PROTOCOL.md, "Deletion Vector Descriptor Schema": storageType, pathOrInlineDv
  // and "@offset" when there is one.
  std::string id = storage_type + path_or_inline_dv;
  if (offset) id += "@" + std::to_string(*offset);
  return id;
}

Result<std::vector<Action>> ParseActions(std::string_view text, std::string_view source) {
  std::vector<Action> actions;
  dom::parser parser;
  std::string padded;
  int64_t line_number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
      line.remove_suffix(1);
    }
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    padded.assign(line);
    padded.resize(line.size() + simdjson::SIMDJSON_PADDING);
    dom::element root;
    if (auto error = parser.parse(padded.data(), line.size(), false).get(root)) {
      return Status::Corrupt("{}: line {}: not JSON ({})", source, line_number,
                             simdjson::error_message(error));
    }
    dom::object object;
    if (root.get(object) != simdjson::SUCCESS) {
      return Status::Corrupt("{}: line {}: an action must be a JSON object", source,
                             line_number);
    }
    for (auto [key, value] : object) {
      dom::object body;
      if (value.get(body) != simdjson::SUCCESS) {
        if (value.is_null()) continue;
        return Status::Corrupt("{}: line {}: action {} is not an object", source,
                               line_number, std::string(key));
      }
      ObjectReader r(body, source, line_number, key);
      Result<Action> action = Status::OK();
      if (key == "add") {
        action = ParseAdd(r);
      } else if (key == "remove") {
        action = ParseRemove(r);
      } else if (key == "metaData") {
        action = ParseMetadata(r, source, line_number);
      } else if (key == "protocol") {
        action = ParseProtocol(r);
      } else if (key == "txn") {
        action = ParseTxn(r);
      } else if (key == "commitInfo") {
        action = ParseCommitInfo(r, body);
      } else if (key == "cdc") {
        action = ParseCdc(r);
      } else if (key == "domainMetadata") {
        action = ParseDomainMetadata(r);
      } else if (key == "checkpointMetadata") {
        action = ParseCheckpointMetadata(r);
      } else if (key == "sidecar") {
        action = ParseSidecar(r);
      } else {
        continue;  // PROTOCOL.md: readers ignore unknown actions
      }
      if (!action.ok()) return action.status();
      actions.push_back(std::move(*action));
    }
  }
  return actions;
}

std::string ActionToJson(const Action& action) {
  std::string out = "{";
  JsonWriter outer(&out);
  std::visit(
      [&](const auto& a) {
        using T = std::decay_t<decltype(a)>;
        const char* key = std::is_same_v<T, Protocol>             ? "protocol"
                          : std::is_same_v<T, Metadata>           ? "metaData"
                          : std::is_same_v<T, AddFile>            ? "add"
                          : std::is_same_v<T, RemoveFile>         ? "remove"
                          : std::is_same_v<T, AddCdcFile>         ? "cdc"
                          : std::is_same_v<T, AppTransaction>     ? "txn"
                          : std::is_same_v<T, DomainMetadata>     ? "domainMetadata"
                          : std::is_same_v<T, CommitInfo>         ? "commitInfo"
                          : std::is_same_v<T, CheckpointMetadata> ? "checkpointMetadata"
                                                                  : "sidecar";
        if constexpr (std::is_same_v<T, CommitInfo>) {
          outer.Raw(key, a.json);
          return;
        } else {
          outer.Key(key);
          out += "{";
          JsonWriter w(&out);
          if constexpr (std::is_same_v<T, Metadata>) {
            Render(a, w, &out);
          } else {
            Render(a, w);
          }
          out += "}";
        }
      },
      action);
  out += "}";
  return out;
}

std::string ActionsToJson(const std::vector<Action>& actions) {
  std::string out;
  for (const auto& a : actions) {
    out += ActionToJson(a);
    out += '\n';
  }
  return out;
}

}  // namespace quire::table
