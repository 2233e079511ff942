// The command-line faces of the environment computations, run as a user would: the real
// binary, CSV on stdin, output on stdout, errors on stderr with status 2 and nothing on stdout.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace ecity::test {
namespace {

struct Run {
  int status = -1;
  std::string out, err;
};

Run run(const std::string& args, const std::string& input) {
  const char* bin = std::getenv("ECITY_BIN");
  const auto dir = std::filesystem::temp_directory_path() / ("ecity-env-cli-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "in.csv", std::ios::binary) << input;
  const std::string cmd = "'" + std::string(bin) + "' " + args + " < '" + (dir / "in.csv").string() + "' 2> '" +
                          (dir / "err.txt").string() + "'";
  Run r;
  FILE* p = popen(cmd.c_str(), "r");
  char buf[512];
  std::size_t n = 0;
  while (p != nullptr && (n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  if (p != nullptr) {
    const int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  }
  std::ifstream e(dir / "err.txt");
  r.err.assign(std::istreambuf_iterator<char>(e), {});
  std::filesystem::remove_all(dir);
  return r;
}

std::string hours(const std::string& date, const std::string& values) {
  std::string out;
  for (int h = 0; h < 24; ++h) out += date + (h < 10 ? " 0" : " ") + std::to_string(h) + "," + values + "\n";
  return out;
}

class EnvironmentCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::getenv("ECITY_BIN") == nullptr) GTEST_SKIP() << "ECITY_BIN not set (ctest sets it)";
  }
};

TEST_F(EnvironmentCli, AirDailyAndEvaluate) {
  const std::string csv = "time,so2,no2,co,o3,pm10,pm25\n" + hours("2022-06-15", "20,45,1.2,130,160,80") +
                          hours("2026-06-15", "20,45,1.2,130,160,80");
  auto r = run("air daily", csv);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\n2022-06-15,20,45,1.2,130,130,160,80,20,57,30,41,75,105,107,107,3,轻度污染,PM2.5\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\n2026-06-15,20,45,1.2,130,130,160,80,20,57,30,,75,116,119,119,3,轻度污染,PM2.5\n"),
            std::string::npos)
      << r.out;
  r = run("air daily --standard 2026", csv);
  EXPECT_NE(r.out.find("\n2022-06-15,20,45,1.2,130,130,160,80,20,57,30,,75,116,119,119,"), std::string::npos) << r.out;
  r = run("air evaluate", csv);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("valid_days,2\ngood_days,0\ngood_rate,0.0\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("composite_index,7.14\n"), std::string::npos) << r.out;
}

TEST_F(EnvironmentCli, BadInputExitsWithStatus2AndNoOutput) {
  auto r = run("air daily", "time,so2,no2,co,o3,pm10,pm25\n" + hours("2022-06-15", "20,45,1.2,130,160,80") +
                                "2022-06-16 07,20,45,abc,130,160,80\n");
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find("第 26 行"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("line 26"), std::string::npos) << r.err;
  r = run("air daily --standard 2019", "time,so2,no2,co,o3,pm10,pm25\n");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--standard"), std::string::npos) << r.err;
  r = run("water classify", "section,kind,tp\n贾庄闸,river,0.25\n贾庄闸,river,0.35\n");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "section,class,exceeding\n贾庄闸,IV,tp:0.50\n");
  r = run("water classify", "section,kind,tp\n贾庄闸,sea,0.25\n");
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(r.out.empty());
}

}  // namespace
}  // namespace ecity::test
