#include "environment/hj212.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <set>

namespace ecity::environment::hj212 {
namespace {

// Frames from ../shared/standards/hj212.md §1.3 and §5 (field packets, the standard's example).
const char* const kGoodFrames[] = {
    "##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&1C80",
    "##0411QN=20220513162608370;ST=22;CN=2051;PW=123456;MN=JLYP01_AIR01_0001;Flag=4;CP=&&DataTime=20220513162600;"
    "a21004-Avg=4,a21004-Flag=N;a05024-Avg=63,a05024-Flag=N;a21026-Avg=6,a21026-Flag=N;a21005-Avg=0.427,a21005-Flag=N;"
    "a34004-Avg=14,a34004-Flag=N;a34002-Avg=31,a34002-Flag=N;a01007-Avg=1,a01007-Flag=N;a01008-Avg=11,a01008-Flag=N;"
    "a01001-Avg=17,a01001-Flag=N;a01002-Avg=85,a01002-Flag=N;a01006-Avg=95,a01006-Flag=N&&D641",
    "##0367QN=20200814151600001;ST=22;CN=2011;PW=123456;MN=010000A8900016F000169DC0;Flag=7;CP=&&DataTime="
    "20200814151600;LA-td=50.1,LA-Flag=N;a34004-Rtd=207,a34004-Flag=N;a34002-Rtd=295,a34002-Flag=N;a01001-Rtd=12.6,"
    "a01001-Flag=N;a01002-Rtd=32,a01002-Flag=N;a01006-Rtd=101.02,a01006-Flag=N;a01007-Rtd=2.1,a01007-Flag=N;"
    "a01008-Rtd=120,a01008-Flag=N;a34001-Rtd=217,a34001-Flag=N;&&5CC0",
    "##0139ST=32;CN=2011;PW=123456;MN=LD130133000015;CP=&&DataTime=20160824003817000;B01-Rtd=36.91;011-Rtd=231.0,"
    "011-Flag=N;060-Rtd=1.803,060-Flag=N&&4980",
    "##0136ST=32;CN=2011;PW=000000;MN=LD130133000015;CP=&&DataTime=20160824003817;011-Rtd=231.0,011-Flag=N;"
    "B01-Rtd=36.91;060-Rtd=1.803,060-Flag=N&&1dc0",
    "##0078QN=20201008154743635;ST=91;CN=9014;PW=123456;MN=SD000001;Flag=9;CP=&&QnRtn=1&&71c0",
    "##0087QN=20160801085857223;ST=91;CN=9014;PW=123456;MN=010000A8900016F000169DC0;Flag=4;CP=&&&&3240",
    "##0260QN=20160801085857534;ST=32;CN=2061;PW=123456;MN=010000A8900016F000169DC0;Flag=7;PNUM=2;PNO=1;CP=&&"
    "DataTime=20160801080000;w00000-Cou=63.0,w00000-Min=16.4,w00000-Avg=17.5,w00000-Max=20.1,w00000-Flag=N;"
    "w01001-Min=7.1,w01001-Avg=7.5,w01001-Max=7.8,w01001-Flag=N&&D941",
    "##0152QN=20160801085857223;ST=32;CN=3020;PW=123456;MN=010000A8900016F000169DC0;Flag=5;CP=&&DataTime="
    "20100301145000;PolId=w01018;i11001-Info=//清洗管路//&&9741",
    "##0073ST=32;CN=8013;PW=123456;MN=ZG130182201205;Flag=0;CP=&&HeartbeatTime=120&&0500",
};

std::vector<FrameReader::Item> read_all(FrameReader& r) {
  std::vector<FrameReader::Item> out;
  while (auto it = r.next()) out.push_back(std::move(*it));
  return out;
}

TEST(Hj212, TheStandardsCrcNotModbus) {
  EXPECT_EQ(crc("123456789"), 0x2F80);
  EXPECT_EQ(crc_reference("123456789"), 0x2F80);
  EXPECT_EQ(crc(""), 0xFFFF);
  std::mt19937 rng(7);
  for (int n = 0; n < 200; ++n) {
    std::string s(static_cast<std::size_t>(rng() % 300), '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    ASSERT_EQ(crc(s), crc_reference(s)) << n;
  }
}

TEST(Hj212, FieldAndStandardFramesAreAccepted) {
  for (const char* f : kGoodFrames) {
    FrameReader r;
    r.feed(std::string(f) + "\r\n");
    auto items = read_all(r);
    ASSERT_EQ(items.size(), 1u) << f;
    EXPECT_FALSE(items[0].reject) << f << " " << code(*items[0].reject);
    EXPECT_TRUE(parse_segment(items[0].segment).has_value()) << f;
    EXPECT_EQ(r.buffered(), 0u);
  }
  // README sample #8 of another parser carries the CRC of a different packet: refused.
  FrameReader r;
  r.feed(
      "##0136ST=32;CN=2011;PW=123456;MN=LD130133000015;CP=&&DataTime=20160824003817;B01-Rtd=36.91;011-Rtd=231.0,"
      "011-Flag=N;060-Rtd=1.803,060-Flag=N&&4980\r\n");
  auto items = read_all(r);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].reject, Reject::kBadCrc);
}

TEST(Hj212, SplitReadsGluedFramesGarbageAndResync) {
  std::string stream;
  for (const char* f : kGoodFrames) stream += std::string(f) + "\r\n";
  // One byte at a time.
  FrameReader slow;
  std::size_t good = 0;
  for (char c : stream) {
    slow.feed(std::string_view(&c, 1));
    for (auto& it : read_all(slow)) good += it.reject ? 0 : 1;
  }
  EXPECT_EQ(good, std::size(kGoodFrames));
  // Junk before, between and inside; a frame that lost its tail glued to the next.
  FrameReader r;
  std::string first = kGoodFrames[0];
  r.feed("\x01\x03\x00\x00\x00\x0A\xC5\xCD" + std::string(kGoodFrames[6]) + "\r\nNOISE" +
         first.substr(0, first.size() - 10) + std::string(kGoodFrames[9]) + "\n##12ab" + std::string(kGoodFrames[3]));
  auto items = read_all(r);
  std::vector<std::string> kinds;
  for (const auto& it : items) kinds.push_back(it.reject ? std::string(code(*it.reject)) : "ok");
  EXPECT_EQ(kinds,
            (std::vector<std::string>{"garbage", "ok", "garbage", "bad_crc", "ok", "bad_length", "garbage", "ok"}));
  EXPECT_EQ(r.buffered(), 0u);
}

TEST(Hj212, RandomBytesNeverStallOrGrow) {
  std::mt19937 rng(11);
  FrameReader r;
  std::string chunk(4096, '\0');
  std::size_t max_held = 0;
  for (int i = 0; i < 2560; ++i) {  // 10 MB
    for (auto& c : chunk) c = static_cast<char>(rng() % 4 == 0 ? '#' : rng());
    r.feed(chunk);
    read_all(r);
    max_held = std::max(max_held, r.buffered());
  }
  EXPECT_LE(max_held, 9999u + 12u);
  // Still in step afterwards.
  r.feed(std::string("\r\n") + kGoodFrames[0] + "\r\n");
  auto items = read_all(r);
  ASSERT_FALSE(items.empty());
  EXPECT_FALSE(items.back().reject);
}

TEST(Hj212, PacketFields) {
  auto p = parse_segment(
      "QN=20160801085857534;ST=32;CN=2061;PW=123456;MN=010000A8900016F000169DC0;Flag=7;PNUM=2;PNO=1;CP=&&DataTime="
      "20160801080000;w00000-Cou=63.0,w00000-Flag=N&&");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->qn, "20160801085857534");
  EXPECT_EQ(p->cn, "2061");
  EXPECT_TRUE(p->needs_answer());
  EXPECT_TRUE(p->split());
  EXPECT_EQ(p->version(), 1);
  EXPECT_EQ(p->data_time, "20160801080000");
  ASSERT_EQ(p->cp.size(), 3u);
  EXPECT_EQ(p->cp[1].key, "w00000-Cou");
  EXPECT_EQ(p->cp[1].value, "63.0");
  // 2005: no QN, no Flag, 17-digit DataTime, an item without a flag; a text with separators.
  p = parse_segment("ST=32;CN=2011;PW=123456;MN=LD130133000015;CP=&&DataTime=20160824003817000;B01-Rtd=36.91&&");
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->flag);
  EXPECT_FALSE(p->needs_answer());
  EXPECT_EQ(p->data_time, "20160824003817");
  p = parse_segment("QN=1;ST=32;CN=3020;PW=1;MN=M;Flag=5;CP=&&PolId=w01018;i11001-Info=//清洗,管路;完成//;X=1&&");
  ASSERT_TRUE(p);
  ASSERT_EQ(p->cp.size(), 3u);
  EXPECT_EQ(p->cp[1].value, "//清洗,管路;完成//");
  // Flag 7 without PNUM/PNO is not split; MN before PW; a comma for a semicolon.
  p = parse_segment("QN=1,ST=22;CN=2011;MN=M1;PW=1;Flag=7;CP=&&DataTime=20200814151600;a34004-Rtd=207;&&");
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->split());
  EXPECT_EQ(p->mn, "M1");
  for (const char* bad : {"ST=32;CN=2011;PW=1;CP=&&&&", "ST=32;MN=M;PW=1;CP=&&&&", "ST=32;CN=2011;MN=M;PW=1",
                          "CN=2011;MN=M;Flag=x;CP=&&&&", "CN=2011;MN=M;Flag=256;CP=&&&&",
                          "CN=2011;MN=M;CP=&&DataTime=2016082400;&&", "CN=2011;MN=M;junk;CP=&&&&"})
    EXPECT_FALSE(parse_segment(bad).has_value()) << bad;
}

TEST(Hj212, AnswersEchoTheRequest) {
  auto p = parse_segment(
      "QN=20250101120000000;ST=22;CN=2011;PW=123456;MN=010000A8900016F000169DC0;Flag=5;CP=&&DataTime=20250101120000&&");
  ASSERT_TRUE(p);
  EXPECT_EQ(answer(*p, "9014"),
            "##0087QN=20250101120000000;ST=91;CN=9014;PW=123456;MN=010000A8900016F000169DC0;Flag=4;CP=&&&&8EC1\r\n");
  // 2005 (Flag 1): the answered QN goes inside CP.
  p = parse_segment("QN=20160823235559979;ST=32;CN=2072;PW=123456;MN=ZG130182201401;Flag=1;CP=&&&&");
  ASSERT_TRUE(p);
  const auto a = answer(*p, "9014");
  EXPECT_NE(a.find(";CP=&&QN=20160823235559979&&"), std::string::npos) << a;
  FrameReader r;
  r.feed(a);
  auto items = read_all(r);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_FALSE(items[0].reject);
}

// Two hours of real field traffic: every line is either a good frame or counted as refused,
// and the stream reader agrees with checking each line on its own.
TEST(Hj212, TheFieldCorpusIsAccountedForLineByLine) {
  const char* src = std::getenv("ECITY_SOURCE_DIR");
  ASSERT_NE(src, nullptr);
  for (const char* name : {"2016-08-24_00.h212", "2016-08-24_12.h212"}) {
    const std::string path = std::string(src) + "/tests/data/hj212-corpus/" + name;
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in) << path;
    std::string all((std::istreambuf_iterator<char>(in)), {});
    // Line by line, by the rule itself: length = segment bytes, reference CRC = sent CRC.
    std::size_t lines = 0, line_ok = 0, parsed = 0;
    std::set<std::string> good_segments;
    for (std::size_t start = 0; start < all.size();) {
      auto end = all.find('\n', start);
      if (end == std::string::npos) end = all.size();
      std::string_view line(all.data() + start, end - start);
      start = end + 1;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      ++lines;
      if (line.size() < 10 || line.substr(0, 2) != "##") continue;
      const auto len = static_cast<std::size_t>(std::atoi(std::string(line.substr(2, 4)).c_str()));
      if (line.size() != len + 10) continue;
      const auto seg = line.substr(6, len);
      if (std::strtoul(std::string(line.substr(6 + len, 4)).c_str(), nullptr, 16) != crc_reference(seg)) continue;
      ++line_ok;
      good_segments.insert(std::string(seg));
      parsed += parse_segment(seg) ? 1 : 0;
    }
    // The stream, in uneven chunks: copied (feed), and read in place from one buffer that the
    // next read overwrites (feed_view, as the listener reads).
    for (const bool in_place : {false, true}) {
      FrameReader r;
      std::size_t ok = 0, refused = 0, found_in_line = 0;
      std::mt19937 rng(3);
      std::string scratch;
      for (std::size_t at = 0; at < all.size();) {
        const std::size_t n = std::min<std::size_t>(1 + rng() % 3000, all.size() - at);
        if (in_place) {
          scratch.assign(all.data() + at, n);
          r.feed_view(scratch);
        } else {
          r.feed(std::string_view(all.data() + at, n));
        }
        at += n;
        for (auto& it : read_all(r)) {
          if (it.reject) {
            ++refused;
          } else {
            ++ok;
            found_in_line += good_segments.count(std::string(it.segment));
          }
        }
        scratch.assign(scratch.size(), '#');
      }
      EXPECT_EQ(r.buffered(), 0u) << name;
      // Every frame good on its own line is found by the stream reader; each damaged line costs
      // one refusal (its good neighbours are not lost).
      EXPECT_EQ(found_in_line, line_ok) << name << (in_place ? " in place" : "");
      EXPECT_EQ(ok + refused, lines) << name << ": ok " << ok << " refused " << refused;
    }
    EXPECT_GT(line_ok, lines * 99 / 100) << name;
    EXPECT_EQ(parsed, line_ok) << name;
    std::cout << name << ": " << lines << " lines, " << line_ok << " good\n";
  }
}

}  // namespace
}  // namespace ecity::environment::hj212
