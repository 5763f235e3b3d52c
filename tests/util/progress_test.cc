/// \file tests/util/progress_test.cc
/// \brief ProgressBar: line formatting and redraw throttling, on an injected clock.
#include "quire/util/progress.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace quire::util {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ProgressBarTest, FormatsPercentBarBytesRateAndEta) {
  // 250 MB of 1 GB in 2 s: 125 MB/s, 750 MB left, 6 s.
  const std::string line =
      ProgressBar::Format("in.csv", 250'000'000, 1'000'000'000, 2.0, /*bar_width=*/8);
  EXPECT_EQ(line, "in.csv  25% [==>     ] 250.0 MB / 1.0 GB 125.0 MB/s ETA 0:06");
}

TEST(ProgressBarTest, FormatsUnknownTotalWithoutPercentOrEta) {
  const std::string line = ProgressBar::Format("-", 1'500, std::nullopt, 1.0, 8);
  EXPECT_EQ(line, "- 1.5 kB 0.0 MB/s");
  EXPECT_EQ(ProgressBar::Format("", 0, std::nullopt, 0.0, 8), "0 B");
}

TEST(ProgressBarTest, FormatsCompletionAndLongEtas) {
  EXPECT_EQ(ProgressBar::Format("x", 10, 10, 1.0, 4), "x 100% [====] 10 B / 10 B 0.0 MB/s");
  // 1 MB/s with 7,384 MB to go: 2:03:04.
  EXPECT_THAT(ProgressBar::Format("x", 1'000'000, 7'385'000'000, 1.0, 0),
              HasSubstr("ETA 2:03:04"));
  EXPECT_EQ(ProgressBar::FormatBytes(999), "999 B");
  EXPECT_EQ(ProgressBar::FormatBytes(771'758'720), "771.8 MB");
  EXPECT_EQ(ProgressBar::FormatBytes(2.5e12), "2.5 TB");
}

TEST(ProgressBarTest, RedrawsAtMostOncePerIntervalAndErasesOnFinish) {
  std::vector<std::string> draws;
  int64_t now = 0;
  {
    ProgressBar bar(1000, {.label = "t",
                           .sink = [&](std::string_view s) { draws.emplace_back(s); },
                           .now_ns = [&] { return now; },
                           .min_redraw_interval_ns = 100,
                           .bar_width = 0});
    EXPECT_TRUE(bar.enabled());
    now = 10;
    bar.Update(100);  // first update draws
    now = 50;
    bar.Update(200);  // too soon
    bar.Update(150);  // goes backwards: ignored
    now = 120;
    bar.Update(300);  // next interval
    ASSERT_EQ(draws.size(), 2u);
    EXPECT_EQ(draws[0].front(), '\r');
    EXPECT_THAT(draws[0], HasSubstr(" 10% 100 B / 1.0 kB"));
    EXPECT_THAT(draws[0], HasSubstr("\x1b[K"));
    EXPECT_THAT(draws[1], HasSubstr(" 30% 300 B / 1.0 kB"));
    bar.Finish();
    bar.Finish();  // idempotent
    now = 1000;
    bar.Update(400);  // after Finish: nothing
  }
  ASSERT_EQ(draws.size(), 3u);
  EXPECT_EQ(draws[2], "\r\x1b[K");
}

TEST(ProgressBarTest, NothingIsErasedWhenNothingWasDrawn) {
  std::vector<std::string> draws;
  {
    ProgressBar bar(std::nullopt,
                    {.sink = [&](std::string_view s) { draws.emplace_back(s); }});
  }
  EXPECT_TRUE(draws.empty());
  EXPECT_THAT(ProgressBar::Format("a", 5, std::nullopt, 1.0, 10), Not(HasSubstr("%")));
}

// A rate (and ETA) needs a quarter of a second behind it.
TEST(ProgressBarTest, NoRateInTheFirstMoments) {
  EXPECT_THAT(ProgressBar::Format("a", 5'000'000, 10'000'000, 0.001, 4), Not(HasSubstr("MB/s")));
  EXPECT_THAT(ProgressBar::Format("a", 5'000'000, 10'000'000, 0.5, 4), HasSubstr("10.0 MB/s ETA"));
}

// Unforced and without a sink, a bar draws only when stdout and stderr are both
// terminals; ctest captures both.
TEST(ProgressBarTest, QuietWhenOutputIsNotATerminal) {
  ProgressBar bar(100);
  EXPECT_FALSE(bar.enabled());
  ProgressBar forced(100, {.force = true});
  EXPECT_TRUE(forced.enabled());
  forced.Finish();
}

}  // namespace
}  // namespace quire::util
