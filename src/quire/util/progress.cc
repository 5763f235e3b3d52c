/// \file quire/util/progress.cc
#include "quire/util/progress.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include <fmt/format.h>

namespace quire::util {

namespace {

std::string FormatDuration(double seconds) {
  const int64_t s = int64_t(std::llround(std::max(0.0, seconds)));
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

}  // namespace

ProgressBar::ProgressBar(std::optional<int64_t> total_bytes, ProgressOptions options)
    : total_(total_bytes), options_(std::move(options)) {
  enabled_ = options_.sink || options_.force ||
             (::isatty(STDERR_FILENO) == 1 && ::isatty(STDOUT_FILENO) == 1);
  start_ns_ = Now();
}

ProgressBar::~ProgressBar() { Finish(); }

int64_t ProgressBar::Now() const {
  if (options_.now_ns) return options_.now_ns();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string ProgressBar::FormatBytes(double bytes) {
  static constexpr const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  int unit = 0;
  while (bytes >= 1000 && unit < 5) {
    bytes /= 1000;
    ++unit;
  }
  if (unit == 0) return fmt::format("{} B", int64_t(bytes));
  return fmt::format("{:.1f} {}", bytes, kUnits[unit]);
}

std::string ProgressBar::Format(std::string_view label, int64_t done,
                                std::optional<int64_t> total, double elapsed_seconds,
                                int bar_width) {
  std::string out(label);
  // A rate needs some time behind it: the first redraws would show nonsense.
  const double rate = elapsed_seconds >= 0.25 ? double(done) / elapsed_seconds : 0.0;
  if (total && *total > 0) {
    const double fraction = std::clamp(double(done) / double(*total), 0.0, 1.0);
    if (!out.empty()) out += ' ';
    out += fmt::format("{:3}%", int(fraction * 100));
    if (bar_width > 0) {
      const int full = int(fraction * bar_width);
      out += " [";
      out.append(size_t(full), '=');
      if (full < bar_width) {
        out += '>';
        out.append(size_t(bar_width - full - 1), ' ');
      }
      out += ']';
    }
    out += fmt::format(" {} / {}", FormatBytes(double(done)), FormatBytes(double(*total)));
  } else {
    if (!out.empty()) out += ' ';
    out += FormatBytes(double(done));
  }
  if (rate > 0) {
    out += fmt::format(" {:.1f} MB/s", rate / 1e6);
    if (total && *total > done) {
      out += " ETA " + FormatDuration(double(*total - done) / rate);
    }
  }
  return out;
}

void ProgressBar::Update(int64_t done) {
  if (!enabled_ || finished_.load(std::memory_order_relaxed)) return;
  int64_t prev = done_.load(std::memory_order_relaxed);
  while (done > prev && !done_.compare_exchange_weak(prev, done, std::memory_order_relaxed)) {
  }
  const int64_t now = Now();
  int64_t next = next_draw_ns_.load(std::memory_order_relaxed);
  if (now < next) return;
  // One thread wins the right to draw this interval; the others return at once.
  if (!next_draw_ns_.compare_exchange_strong(next, now + options_.min_redraw_interval_ns,
                                             std::memory_order_relaxed)) {
    return;
  }
  std::unique_lock<std::mutex> lock(draw_mutex_, std::try_to_lock);
  if (!lock.owns_lock() || finished_.load()) return;
  Draw(now);
}

void ProgressBar::Draw(int64_t now) {
  const double elapsed = double(now - start_ns_) / 1e9;
  std::string line = "\r";
  line += Format(options_.label, done_.load(std::memory_order_relaxed), total_, elapsed,
                 options_.bar_width);
  line += "\x1b[K";
  drawn_ = true;
  if (options_.sink) {
    options_.sink(line);
  } else {
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
  }
}

void ProgressBar::Finish() {
  if (finished_.exchange(true)) return;
  std::lock_guard<std::mutex> lock(draw_mutex_);
  if (!enabled_ || !drawn_) return;
  static constexpr std::string_view kErase = "\r\x1b[K";
  if (options_.sink) {
    options_.sink(kErase);
  } else {
    std::fwrite(kErase.data(), 1, kErase.size(), stderr);
    std::fflush(stderr);
  }
}

}  // namespace quire::util
