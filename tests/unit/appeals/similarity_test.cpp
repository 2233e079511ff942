#include "appeals/similarity.h"

#include <gtest/gtest.h>

namespace ecity::appeals {
namespace {

TEST(BigramSimilarity, IdenticalAndDisjointTexts) {
  EXPECT_DOUBLE_EQ(bigram_similarity("青檀路路灯不亮", "青檀路路灯不亮"), 1.0);
  EXPECT_DOUBLE_EQ(bigram_similarity("青檀路路灯不亮", "小区噪音扰民"), 0.0);
}

TEST(BigramSimilarity, CountsSharedBigramsAsDice) {
  // 路灯不亮 → {路灯, 灯不, 不亮}; 路灯坏了 → {路灯, 灯坏, 坏了}: 2·1 / (3+3).
  EXPECT_NEAR(bigram_similarity("路灯不亮", "路灯坏了"), 1.0 / 3.0, 1e-12);
  // Repeated bigrams count once (sets, not bags).
  EXPECT_NEAR(bigram_similarity("哈哈哈哈", "哈哈"), 1.0, 1e-12);
}

TEST(BigramSimilarity, IgnoresPunctuationSpacesAndCase) {
  EXPECT_DOUBLE_EQ(bigram_similarity("青檀路，路灯 不亮！", "青檀路路灯不亮"), 1.0);
  EXPECT_DOUBLE_EQ(bigram_similarity("WiFi 信号差", "wifi信号差。"), 1.0);
  EXPECT_DOUBLE_EQ(bigram_similarity("（坛山街道）【紧急】", "坛山街道紧急"), 1.0);
}

TEST(BigramSimilarity, RealDuplicatesScoreAboveUnrelatedOnes) {
  const char* a = "峄城区坛山街道青檀路路灯连续三晚不亮，夜间出行不便，请尽快维修。";
  const char* same = "坛山街道青檀路的路灯这几天晚上都不亮，希望尽快修好";
  const char* other = "古邵镇某养殖场异味严重，影响周边居民生活";
  EXPECT_GT(bigram_similarity(a, same), 0.35);
  EXPECT_LT(bigram_similarity(a, other), 0.1);
  EXPECT_DOUBLE_EQ(bigram_similarity(a, same), bigram_similarity(same, a));  // symmetric
}

TEST(BigramSimilarity, EdgeCases) {
  EXPECT_DOUBLE_EQ(bigram_similarity("", ""), 1.0);
  EXPECT_DOUBLE_EQ(bigram_similarity("", "路灯"), 0.0);
  EXPECT_DOUBLE_EQ(bigram_similarity("灯", "灯"), 1.0);
  EXPECT_DOUBLE_EQ(bigram_similarity("灯", "路"), 0.0);
  EXPECT_DOUBLE_EQ(bigram_similarity("，。！", ""), 1.0);  // only punctuation = empty
  // Malformed UTF-8 never crashes and still compares.
  EXPECT_DOUBLE_EQ(bigram_similarity("\xff\xfe路灯", "\xff\xfe路灯"), 1.0);
  std::string huge(200000, 'a');
  EXPECT_DOUBLE_EQ(bigram_similarity(huge, "aa"), 1.0);
}

TEST(Distance, MetresBetweenPoints) {
  EXPECT_DOUBLE_EQ(distance_m(117.59, 34.77, 117.59, 34.77), 0.0);
  // 0.001° of latitude ≈ 111.2 m anywhere.
  EXPECT_NEAR(distance_m(117.59, 34.770, 117.59, 34.771), 111.2, 0.5);
  // 0.001° of longitude at 34.77° N ≈ 111.2 · cos(34.77°) ≈ 91.3 m.
  EXPECT_NEAR(distance_m(117.590, 34.77, 117.591, 34.77), 91.3, 0.5);
  // Zaozhuang (117.32, 34.81) → Jinan (117.00, 36.65) ≈ 206 km.
  EXPECT_NEAR(distance_m(117.32, 34.81, 117.00, 36.65) / 1000, 206.7, 2.0);
}

}  // namespace
}  // namespace ecity::appeals
