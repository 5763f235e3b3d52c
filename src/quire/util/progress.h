#pragma once

/// \file quire/util/progress.h
/// \brief A one-line progress bar on stderr for long command-line work.

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "quire/util/visibility.h"

namespace quire::util {

/// \brief Options of ProgressBar.
struct ProgressOptions {
  /// Text before the bar, e.g. the input file name.
  std::string label;
  /// Draw even when stderr or stdout is not a terminal.
  bool force = false;
  /// Where lines go instead of stderr (tests, other front ends). A sink is always
  /// drawn to, whether or not stderr is a terminal. Each call receives one whole
  /// redraw: "\r", the line, and "\x1b[K" (erase to the end of the line).
  std::function<void(std::string_view)> sink;
  /// Clock in nanoseconds (steady_clock when empty); tests inject their own.
  std::function<int64_t()> now_ns;
  /// Shortest interval between two redraws.
  int64_t min_redraw_interval_ns = 100'000'000;
  /// Columns of the bar itself ("[=====>    ]"), 0 for none.
  int bar_width = 24;
};

/// \brief A progress line: percent, a bar, bytes done and total, rate and ETA.
///
/// For example `lineitem.csv  45% [==========>            ] 347.3 MB / 771.8 MB
/// 312.5 MB/s ETA 0:01`; with an unknown total, `lineitem.csv 347.3 MB 312.5 MB/s`.
/// Drawn only when both stderr and stdout are terminals (isatty: output piped or
/// redirected, as in scripts, keeps it quiet), when forced, or into a sink.
/// Thread-safe: any thread may call Update() (an atomic store and a clock read;
/// at most one thread redraws, at most every min_redraw_interval_ns).
class QUIRE_EXPORT ProgressBar {
 public:
  /// \param total_bytes the amount of work, or std::nullopt when unknown (stdin).
  explicit ProgressBar(std::optional<int64_t> total_bytes, ProgressOptions options = {});
  /// \brief Finish() if not done yet.
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  /// \brief Report that `done` bytes of the work are done (values that go
  /// backwards are ignored), redrawing if the last redraw is old enough.
  void Update(int64_t done);

  /// \brief Erase the line, leaving the terminal as it was. Idempotent.
  void Finish();

  /// \brief Return whether anything is drawn.
  bool enabled() const { return enabled_; }

  /// \brief Render one line (without "\r" and the erase sequence).
  ///
  /// `elapsed_seconds` gives the rate (from 0.25 s on); the ETA is shown when the
  /// total is known and the rate is positive.
  static std::string Format(std::string_view label, int64_t done,
                            std::optional<int64_t> total, double elapsed_seconds,
                            int bar_width);

  /// \brief Render a byte count with a decimal unit: "512 B", "1.5 kB", "347.3 MB".
  static std::string FormatBytes(double bytes);

 private:
  int64_t Now() const;
  void Draw(int64_t now);

  const std::optional<int64_t> total_;
  ProgressOptions options_;
  bool enabled_;
  int64_t start_ns_;
  std::atomic<int64_t> done_{0};
  std::atomic<int64_t> next_draw_ns_{0};
  std::atomic<bool> finished_{false};
  std::mutex draw_mutex_;
  bool drawn_ = false;
};

}  // namespace quire::util
