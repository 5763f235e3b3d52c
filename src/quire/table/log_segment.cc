/// \file quire/table/log_segment.cc
/// \brief Finding the checkpoint and commits of a version in `_delta_log/`.

#include "quire/table/log_segment.h"

#include <algorithm>
#include <charconv>
#include <map>

#include <fmt/format.h>

#include "quire/table/checkpoint.h"
#include "quire/util/macros.h"

namespace quire::table {

namespace {

// A file of the log, recognised by its name (PROTOCOL.md, "Delta Log Entries",
// "Checkpoints"). Everything else in the folder (`.crc` files, log compaction
// files, `_last_checkpoint`, staged commits) plays no part in replay.
struct LogName {
  enum class Kind : uint8_t { kCommit, kClassic, kPart, kV2 } kind;
  int64_t version = 0;
  int part = 0;
  int parts = 0;
};

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<int64_t> ParseNumber(std::string_view digits) {
  if (!AllDigits(digits)) return std::nullopt;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return std::nullopt;
  return v;
}

std::optional<LogName> ParseLogName(std::string_view name) {
  if (name.size() < 21 || name[20] != '.') return std::nullopt;
  auto version = ParseNumber(name.substr(0, 20));
  if (!version) return std::nullopt;
  std::string_view rest = name.substr(21);
  if (rest == "json") return LogName{LogName::Kind::kCommit, *version};
  if (!rest.starts_with("checkpoint.")) return std::nullopt;
  rest.remove_prefix(11);
  if (rest == "parquet") return LogName{LogName::Kind::kClassic, *version};
  // <part:10 digits>.<parts:10 digits>.parquet
  if (rest.size() == 29 && rest[10] == '.' && rest.ends_with(".parquet")) {
    auto part = ParseNumber(rest.substr(0, 10));
    auto parts = ParseNumber(rest.substr(11, 10));
    if (part && parts && *part >= 1 && *part <= *parts && *parts < (1 << 20)) {
      return LogName{LogName::Kind::kPart, *version, int(*part), int(*parts)};
    }
    return std::nullopt;
  }
  // <uuid>.json or <uuid>.parquet
  if (rest.ends_with(".json") || rest.ends_with(".parquet")) {
    return LogName{LogName::Kind::kV2, *version};
  }
  return std::nullopt;
}

std::string_view BaseName(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// The log's files, by version.
struct LogListing {
  std::map<int64_t, io::FileInfo> commits;
  // Candidate checkpoints by version; complete ones only.
  std::map<int64_t, std::vector<CheckpointFiles>> checkpoints;
  int64_t requests = 0;
};

Result<LogListing> ListLog(io::FileSystem& fs, std::string_view table_root,
                           std::string start_after) {
  LogListing listing;
  io::ListOptions options;
  options.start_after = std::move(start_after);
  auto lister = fs.List(LogDir(table_root), options);
  if (!lister.ok()) {
    if (lister.status().code() == ErrorCode::kNotFound) return listing;
    return lister.status();
  }
  // Multi-part checkpoints: (version, parts) -> the parts seen.
  std::map<std::pair<int64_t, int>, std::map<int, io::FileInfo>> parts;
  for (;;) {
    QUIRE_ASSIGN_OR_RETURN(auto page, (*lister)->Next());
    ++listing.requests;
    if (page.empty()) break;
    for (auto& info : page) {
      if (!info.is_file()) continue;
      auto name = ParseLogName(BaseName(info.path));
      if (!name) continue;
      switch (name->kind) {
        case LogName::Kind::kCommit:
          listing.commits.emplace(name->version, std::move(info));
          break;
        case LogName::Kind::kClassic:
          listing.checkpoints[name->version].push_back(
              {name->version, CheckpointFiles::Kind::kClassic, {std::move(info)}});
          break;
        case LogName::Kind::kV2:
          listing.checkpoints[name->version].push_back(
              {name->version, CheckpointFiles::Kind::kV2, {std::move(info)}});
          break;
        case LogName::Kind::kPart:
          parts[{name->version, name->parts}].emplace(name->part, std::move(info));
          break;
      }
    }
  }
  for (auto& [key, seen] : parts) {
    if (int(seen.size()) != key.second) continue;  // incomplete: not usable
    CheckpointFiles cp{key.first, CheckpointFiles::Kind::kMultiPart, {}};
    for (auto& [part, info] : seen) cp.files.push_back(std::move(info));
    listing.checkpoints[key.first].push_back(std::move(cp));
  }
  return listing;
}

// The version `_last_checkpoint` names, or nullopt when it is absent or cannot be
// parsed (PROTOCOL.md, "Last Checkpoint File": readers may then list the log).
Result<std::optional<int64_t>> LastCheckpointVersion(io::FileSystem& fs,
                                                     std::string_view table_root) {
  auto last = ReadLastCheckpoint(fs, LogDir(table_root));
  if (!last.ok()) {
    if (last.status().code() == ErrorCode::kCorrupt) return std::optional<int64_t>();
    return last.status();
  }
  if (!*last) return std::optional<int64_t>();
  return std::optional<int64_t>((*last)->version);
}

Status MissingVersion(int64_t version, const LogListing& listing) {
  if (listing.commits.empty()) {
    return Status::NotFound("version {} does not exist: the log has no commits", version);
  }
  return Status::NotFound("version {} does not exist: the log holds versions {} to {}",
                          version, listing.commits.begin()->first,
                          listing.commits.rbegin()->first);
}

// The segment of `version` from `listing`, or nullopt when the listing cannot give
// one (so that a partial listing is retried whole).
Result<std::optional<LogSegment>> Choose(const LogListing& listing,
                                         std::optional<int64_t> version, bool partial,
                                         std::string_view table_root) {
  int64_t target;
  if (version) {
    target = *version;
  } else if (!listing.commits.empty()) {
    target = listing.commits.rbegin()->first;
    if (!listing.checkpoints.empty()) target = std::max(target, listing.checkpoints.rbegin()->first);
  } else if (!listing.checkpoints.empty()) {
    target = listing.checkpoints.rbegin()->first;
  } else {
    if (partial) return std::optional<LogSegment>();
    return Status::NotFound("{}: not a Delta table (no commits in {})", table_root,
                            LogDir(table_root));
  }
  LogSegment segment;
  segment.version = target;
  // The newest checkpoint at or before the target.
  auto it = listing.checkpoints.upper_bound(target);
  int64_t first_commit = 0;
  if (it != listing.checkpoints.begin()) {
    --it;
    // Prefer a V2 or classic checkpoint (one file) over a multi-part one.
    const auto& candidates = it->second;
    const CheckpointFiles* best = &candidates.front();
    for (const auto& c : candidates) {
      if (c.files.size() < best->files.size()) best = &c;
    }
    segment.checkpoint = *best;
    first_commit = it->first + 1;
  } else if (partial) {
    return std::optional<LogSegment>();
  }
  for (int64_t v = first_commit; v <= target; ++v) {
    auto c = listing.commits.find(v);
    if (c == listing.commits.end()) {
      if (partial) return std::optional<LogSegment>();
      if (version && (listing.commits.empty() || v > listing.commits.rbegin()->first)) {
        return MissingVersion(*version, listing);
      }
      if (!segment.checkpoint && v == 0) {
        if (version && !listing.commits.empty() && *version < listing.commits.begin()->first) {
          return Status::NotFound(
              "version {} cannot be read: the log starts at version {} (older commits "
              "were cleaned up) and there is no checkpoint at or before it",
              *version, listing.commits.begin()->first);
        }
        return Status::Corrupt(
            "{}: the log starts at version {} and has no checkpoint at or before it",
            LogDir(table_root), listing.commits.empty() ? target : listing.commits.begin()->first);
      }
      return Status::Corrupt("{}: commit {} is missing between versions {} and {}",
                             LogDir(table_root), v, first_commit, target);
    }
    segment.commits.push_back({v, c->second});
  }
  return std::optional<LogSegment>(std::move(segment));
}

}  // namespace

std::string_view CheckpointKindName(CheckpointFiles::Kind kind) {
  switch (kind) {
    case CheckpointFiles::Kind::kClassic: return "classic";
    case CheckpointFiles::Kind::kMultiPart: return "multipart";
    case CheckpointFiles::Kind::kV2: return "v2";
  }
  return "?";
}

std::string LogDir(std::string_view table_root) {
  return table_root.empty() ? std::string("_delta_log")
                            : io::JoinPath(table_root, "_delta_log");
}

std::string CommitPath(std::string_view table_root, int64_t version) {
  return fmt::format("{}/{:020}.json", LogDir(table_root), version);
}

Result<LogSegment> ListLogSegment(io::FileSystem& fs, std::string_view table_root,
                                  std::optional<int64_t> version) {
  if (version && *version < 0) return Status::Invalid("version {} is negative", *version);
  QUIRE_ASSIGN_OR_RETURN(auto last, LastCheckpointVersion(fs, table_root));
  int64_t requests = 1;
  if (last && (!version || *last <= *version)) {
    // Only the files from the checkpoint on: "<v>" sorts before "<v>.checkpoint..."
    // and "<v>.json".
    QUIRE_ASSIGN_OR_RETURN(
        LogListing listing,
        ListLog(fs, table_root, fmt::format("{}/{:020}", LogDir(table_root), *last)));
    requests += listing.requests;
    QUIRE_ASSIGN_OR_RETURN(auto segment, Choose(listing, version, true, table_root));
    if (segment && segment->checkpoint) {
      segment->requests = requests;
      return std::move(*segment);
    }
  }
  QUIRE_ASSIGN_OR_RETURN(LogListing listing, ListLog(fs, table_root, ""));
  requests += listing.requests;
  QUIRE_ASSIGN_OR_RETURN(auto segment, Choose(listing, version, false, table_root));
  segment->requests = requests;
  return std::move(*segment);
}

Result<std::vector<CommitFile>> ListCommits(io::FileSystem& fs, std::string_view table_root) {
  QUIRE_ASSIGN_OR_RETURN(LogListing listing, ListLog(fs, table_root, ""));
  std::vector<CommitFile> commits;
  for (auto& [v, info] : listing.commits) commits.push_back({v, std::move(info)});
  return commits;
}

}  // namespace quire::table
