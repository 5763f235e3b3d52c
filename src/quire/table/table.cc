/// \file quire/table/table.cc
/// \brief Opening tables, time travel and history.

#include "quire/table/table.h"

#include <charconv>
#include <future>

#include "quire/table/log_segment.h"
#include "quire/text/value_parse_internal.h"
#include "quire/table/table_internal.h"
#include "quire/util/macros.h"
#include "quire/util/thread_pool.h"

namespace quire::table {

namespace {

using internal::ModificationMs;
using internal::NowMs;
using internal::Text;

// The commitInfo of each commit, read concurrently.
Result<std::vector<std::optional<CommitInfo>>> ReadCommitInfos(
    const std::shared_ptr<io::FileSystem>& fs, const std::vector<CommitFile>& commits) {
  std::vector<std::future<Result<columnar::BufferPtr>>> reads;
  for (const auto& c : commits) {
    std::string path = c.info.path;
    reads.push_back(io::IoThreadPool()->Submit(
        [fs, path]() -> Result<columnar::BufferPtr> { return fs->ReadAll(path); }));
  }
  std::vector<std::optional<CommitInfo>> infos;
  Status first_error;
  for (size_t i = 0; i < reads.size(); ++i) {
    auto bytes = reads[i].get();
    if (!bytes.ok()) {
      if (first_error.ok()) first_error = bytes.status();
      continue;
    }
    auto actions = ParseActions(Text(**bytes), commits[i].info.path);
    if (!actions.ok()) {
      if (first_error.ok()) first_error = actions.status();
      continue;
    }
    std::optional<CommitInfo> info;
    for (auto& a : *actions) {
      if (auto* ci = std::get_if<CommitInfo>(&a)) info = std::move(*ci);
    }
    infos.push_back(std::move(info));
  }
  QUIRE_RETURN_NOT_OK(first_error);
  return infos;
}

}  // namespace

Result<std::shared_ptr<Table>> Table::Open(std::string_view url, const io::UrlOptions& options) {
  QUIRE_ASSIGN_OR_RETURN(io::FileSystemAndPath target, io::FileSystemFromUrl(url, options));
  std::string root = std::move(target.path);
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  return Open(std::move(target.fs), std::move(root));
}

std::shared_ptr<Table> Table::Open(std::shared_ptr<io::FileSystem> fs, std::string root) {
  return std::shared_ptr<Table>(new Table(std::move(fs), std::move(root)));
}

Result<bool> Table::Exists() const {
  auto segment = ListLogSegment(*fs_, root_);
  if (segment.ok()) return true;
  if (segment.status().code() == ErrorCode::kNotFound) return false;
  return segment.status();
}

Result<SnapshotPtr> Table::Load(std::optional<int64_t> version) const {
  QUIRE_ASSIGN_OR_RETURN(LogSegment segment, ListLogSegment(*fs_, root_, version));
  return Snapshot::Load(fs_, root_, std::move(segment));
}

Result<SnapshotPtr> Table::Latest() const { return Load(std::nullopt); }

Result<SnapshotPtr> Table::AtVersion(int64_t version) const { return Load(version); }

Result<int64_t> Table::VersionAsOf(int64_t timestamp_ms) const {
  QUIRE_ASSIGN_OR_RETURN(auto commits, ListCommits(*fs_, root_));
  if (commits.empty()) return Status::NotFound("{}: not a Delta table", root_);
  // PROTOCOL.md, "In-Commit Timestamps": tables that record them are timed by them;
  // others by the commit files' modification times, made increasing.
  QUIRE_ASSIGN_OR_RETURN(SnapshotPtr latest, Latest());
  std::vector<int64_t> times;
  if (latest->Property("delta.enableInCommitTimestamps") == "true") {
    QUIRE_ASSIGN_OR_RETURN(auto infos, ReadCommitInfos(fs_, commits));
    for (size_t i = 0; i < commits.size(); ++i) {
      times.push_back(infos[i] && infos[i]->in_commit_timestamp ? *infos[i]->in_commit_timestamp
                                                                : ModificationMs(commits[i].info));
    }
  } else {
    for (const auto& c : commits) times.push_back(ModificationMs(c.info));
  }
  for (size_t i = 1; i < times.size(); ++i) times[i] = std::max(times[i], times[i - 1] + 1);
  if (timestamp_ms < times.front()) {
    return Status::NotFound("no version of {} is as old as {} ms: version {} was committed at {}",
                            root_, timestamp_ms, commits.front().version, times.front());
  }
  size_t chosen = 0;
  for (size_t i = 0; i < times.size(); ++i) {
    if (times[i] <= timestamp_ms) chosen = i;
  }
  return commits[chosen].version;
}

Result<SnapshotPtr> Table::AsOf(int64_t timestamp_ms) const {
  QUIRE_ASSIGN_OR_RETURN(int64_t version, VersionAsOf(timestamp_ms));
  return AtVersion(version);
}

Result<std::vector<HistoryEntry>> Table::History(std::optional<int64_t> limit) const {
  QUIRE_ASSIGN_OR_RETURN(auto commits, ListCommits(*fs_, root_));
  if (commits.empty()) return Status::NotFound("{}: not a Delta table", root_);
  std::reverse(commits.begin(), commits.end());
  if (limit && int64_t(commits.size()) > *limit) commits.resize(size_t(std::max<int64_t>(*limit, 0)));
  QUIRE_ASSIGN_OR_RETURN(auto infos, ReadCommitInfos(fs_, commits));
  std::vector<HistoryEntry> history;
  for (size_t i = 0; i < commits.size(); ++i) {
    HistoryEntry e;
    e.version = commits[i].version;
    e.timestamp_ms = ModificationMs(commits[i].info);
    if (infos[i]) {
      e.commit_info = infos[i]->json;
      e.operation = infos[i]->operation.value_or("");
      if (infos[i]->in_commit_timestamp) {
        e.timestamp_ms = *infos[i]->in_commit_timestamp;
      } else if (infos[i]->timestamp) {
        e.timestamp_ms = *infos[i]->timestamp;
      }
    }
    history.push_back(std::move(e));
  }
  return history;
}

Result<int64_t> ParseTimestampMs(std::string_view text) {
  if (!text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= '0' && c <= '9') || c == '-';
      }) && text.find('-', 1) == std::string_view::npos) {
    int64_t v;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc() && p == text.data() + text.size()) return v;
  }
  int64_t ticks;
  if (text::internal::ParseTimestamp(text.data(), text.size(), columnar::TimeUnit::kMilli,
                                     &ticks) != text::internal::TimestampForm::kInvalid) {
    return ticks;
  }
  return Status::Invalid(
      "'{}' is not a time: give ms since the epoch, a date (2024-05-01) or an ISO-8601 "
      "timestamp (2024-05-01T12:00:00Z)",
      text);
}

}  // namespace quire::table
