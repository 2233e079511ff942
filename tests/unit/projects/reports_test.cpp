#include "projects/reports.h"
#include "projects/attraction.h"

#include <gtest/gtest.h>

namespace ecity::projects {
namespace {

// Epoch ms of local (Asia/Shanghai) midnight at the start of a date.
constexpr std::int64_t midnight(std::int64_t days_since_epoch) { return days_since_epoch * 86'400'000 - 8 * 3'600'000; }

TEST(ReportDeadlines, DueAndLockDaysOfTheNextMonth) {
  const ReportSettings s{5, 10};
  // October 2022: due by the end of 5 November, locked from 11 November 00:00 local.
  EXPECT_EQ(due_instant(2022, 10, s), midnight(19'302));   // 2022-11-06
  EXPECT_EQ(lock_instant(2022, 10, s), midnight(19'307));  // 2022-11-11
  // December rolls into January of the next year.
  EXPECT_EQ(lock_instant(2022, 12, s), midnight(19'368));  // 2023-01-11
  // February's reports of a leap year lock in March as usual.
  EXPECT_EQ(due_instant(2024, 2, ReportSettings{28, 28}), midnight(19'811));  // 2024-03-29
  EXPECT_LT(due_instant(2022, 10, s), lock_instant(2022, 10, s));
}

TEST(Attraction, AmountBracketsAtTheirBoundaries) {
  constexpr Yuan yi = 100'000'000;
  EXPECT_EQ(amount_bracket(yi - 1), "lt1");
  EXPECT_EQ(amount_bracket(yi), "1to10");
  EXPECT_EQ(amount_bracket(10 * yi - 1), "1to10");
  EXPECT_EQ(amount_bracket(10 * yi), "10to50");
  EXPECT_EQ(amount_bracket(50 * yi - 1), "10to50");
  EXPECT_EQ(amount_bracket(50 * yi), "ge50");
  EXPECT_EQ(amount_bracket(0), "lt1");
  EXPECT_EQ(lead_stages().front(), "lead");
  EXPECT_EQ(lead_stages().back(), "converted");
}

}  // namespace
}  // namespace ecity::projects
