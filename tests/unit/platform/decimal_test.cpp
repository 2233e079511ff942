#include "platform/numeric/decimal.h"

#include <gtest/gtest.h>

namespace ecity::platform {
namespace {

TEST(Decimal, RoundHalfEvenOnExactQuotients) {
  struct Case {
    std::int64_t num, den, want;
  } cases[] = {
      {5, 2, 2},  {7, 2, 4},  {-5, 2, -2}, {-7, 2, -4},  {1, 3, 0},    {2, 3, 1},     {-2, 3, -1},
      {10, 4, 2}, {14, 4, 4}, {0, 9, 0},   {49, 100, 0}, {51, 100, 1}, {150, 100, 2}, {250, 100, 2},
  };
  for (const auto& c : cases) EXPECT_EQ(round_half_even(c.num, c.den), c.want) << c.num << "/" << c.den;
  EXPECT_EQ(ceil_div(1, 3), 1);
  EXPECT_EQ(ceil_div(3, 3), 1);
  EXPECT_EQ(ceil_div(0, 3), 0);
  EXPECT_EQ(ceil_div(-1, 3), 0);
}

// GB/T 8170's own examples, decided on the digits (0.35 is not exact in binary).
TEST(Decimal, ParsesAndRoundsOnTheDigits) {
  EXPECT_EQ(parse_scaled("1.050", 1), 10);
  EXPECT_EQ(parse_scaled("0.35", 1), 4);
  EXPECT_EQ(parse_scaled("10.5002", 0), 11);
  EXPECT_EQ(parse_scaled("28.175", 2), 2818);
  EXPECT_EQ(parse_scaled("28.165", 2), 2816);
  EXPECT_EQ(parse_scaled("-28.175", 2), -2818);
  EXPECT_EQ(parse_scaled("2.5", 0), 2);
  EXPECT_EQ(parse_scaled("3.5", 0), 4);
  EXPECT_EQ(parse_scaled("12", 3), 12000);
  EXPECT_EQ(parse_scaled(".5", 1), 5);
  EXPECT_EQ(parse_scaled("+7.25", 2), 725);
  EXPECT_EQ(parse_scaled("0.00005", 6), 50);
  for (const char* bad : {"", "-", ".", "1e3", " 1", "1 ", "1,5", "abc", "1.2.3", "--1", "1234567890123456", "峄城"})
    EXPECT_FALSE(parse_scaled(bad, 2).has_value()) << bad;
  // The result must fit 18 digits: at scale 6, twelve integer digits do, thirteen do not.
  EXPECT_EQ(parse_scaled("999999999999.5", 6), 999'999'999'999'500'000);
  EXPECT_FALSE(parse_scaled("1000000000000", 6).has_value());
  EXPECT_FALSE(parse_scaled("999999999999999", 6).has_value());
}

TEST(Decimal, RescalesAndFormats) {
  EXPECT_EQ(rescale(1235, 2, 1), 124);
  EXPECT_EQ(rescale(1245, 2, 1), 124);
  EXPECT_EQ(rescale(12, 0, 3), 12000);
  EXPECT_EQ(format_scaled(658, 1, 1), "65.8");
  EXPECT_EQ(format_scaled(-50, 2, 2), "-0.50");
  EXPECT_EQ(format_scaled(439, 2, 2), "4.39");
  EXPECT_EQ(format_scaled(5, 0, 0), "5");
  EXPECT_EQ(format_scaled(1375, 1, 0), "138");  // 137.5 → 138
  EXPECT_EQ(format_scaled(1365, 1, 0), "136");  // 136.5 → 136
  EXPECT_EQ(format_scaled(7, 3, 3), "0.007");
}

}  // namespace
}  // namespace ecity::platform

namespace ecity::platform {
namespace {

TEST(PlainDecimal, MovesThePointOfAnExponent) {
  EXPECT_EQ(plain_decimal("2.1e-05"), "0.000021");
  EXPECT_EQ(plain_decimal("1.5E+3"), "1500");
  EXPECT_EQ(plain_decimal("-2E+2"), "-200");
  EXPECT_EQ(plain_decimal("1e-7"), "0.0000001");  // kept: parse_scaled then refuses what is too fine
  EXPECT_EQ(plain_decimal("12.345e1"), "123.45");
  EXPECT_EQ(plain_decimal("0.15"), "0.15");
  EXPECT_EQ(plain_decimal("7"), "7");
}

}  // namespace
}  // namespace ecity::platform
