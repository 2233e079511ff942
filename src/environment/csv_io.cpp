#include "environment/csv_io.h"

#include "environment/readings.h"
#include "environment/water_quality.h"
#include "platform/calendar/working_hours.h"
#include "platform/error.h"
#include "platform/numeric/decimal.h"

#include <fmt/format.h>

#include <map>
#include <set>

namespace ecity::environment {

namespace {

using platform::format_scaled;
using platform::parse_scaled;

constexpr std::size_t kMaxLineBytes = 64 * 1024;

Error line_error(std::size_t line, const std::string& zh, const std::string& en) {
  return Error::invalid("csv-invalid", fmt::format("第 {} 行：{}", line, zh), fmt::format("line {}: {}", line, en));
}

// The next line without its CR/LF; false at the end. The first line loses a UTF-8 BOM.
bool next_line(std::istream& in, std::string& line, std::size_t& number) {
  if (!std::getline(in, line)) return false;
  ++number;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
  if (line.size() > kMaxLineBytes) throw line_error(number, "行过长", "line too long");
  return true;
}

std::vector<std::string> split(const std::string& line, std::size_t number) {
  if (line.find('"') != std::string::npos)
    throw line_error(number, "不支持带引号的字段", "quoted fields are not supported");
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const auto comma = line.find(',', start);
    out.push_back(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

// A data line split into exactly `columns` fields.
std::vector<std::string> fields(const std::string& line, std::size_t number, std::size_t columns) {
  auto f = split(line, number);
  if (f.size() != columns)
    throw line_error(number, fmt::format("应有 {} 列，实有 {} 列", columns, f.size()),
                     fmt::format("expected {} columns, got {}", columns, f.size()));
  return f;
}

// A measured value: a plain decimal from 0 to `max` in its unit, at `scale`.
std::int64_t value_of(const std::string& text, int scale, std::int64_t max, const std::string& column,
                      std::size_t number) {
  const auto v = parse_scaled(text, scale);
  if (!v || *v < 0 || *v > max * platform::pow10(scale))
    throw line_error(number, fmt::format("{} 的值无效：{}", column, text),
                     fmt::format("invalid {} value: {}", column, text));
  return *v;
}

// The indicator of each column after `section,<second>,` of a water CSV header.
std::vector<std::size_t> water_header(const std::vector<std::string>& header, const std::string& second) {
  if (header.size() < 3 || header[0] != "section" || header[1] != second)
    throw line_error(1, "表头应以 section," + second + " 开始，并至少有一项指标",
                     "the header must start with section," + second + " and name an indicator");
  std::vector<std::size_t> slot;  // column → indicator
  for (std::size_t c = 2; c < header.size(); ++c) {
    const auto i = water_indicator_index(header[c]);
    if (!i) throw line_error(1, "未知指标：" + header[c], "unknown indicator: " + header[c]);
    for (auto s : slot)
      if (s == *i) throw line_error(1, "指标重复：" + header[c], "indicator given twice: " + header[c]);
    slot.push_back(*i);
  }
  return slot;
}

std::int64_t water_value(std::size_t indicator, const std::string& text, const std::string& column,
                         std::size_t number) {
  const auto v = parse_water_value(indicator, text);
  if (!v)
    throw line_error(number, fmt::format("{} 的值无效：{}", column, text),
                     fmt::format("invalid {} value: {}", column, text));
  return *v;
}

std::string opt(const std::optional<std::int64_t>& v, int decimals) {
  return v ? format_scaled(*v, decimals, decimals) : "";
}
std::string opt(const std::optional<int>& v) { return v ? std::to_string(*v) : ""; }

}  // namespace

std::vector<DayHours> read_hourly_csv(std::istream& in) {
  static const std::vector<std::string> kHeader{"time", "so2", "no2", "co", "o3", "pm10", "pm25"};
  // Column order of the file → the pollutant slots.
  static constexpr Pollutant kSlots[] = {Pollutant::kSO2, Pollutant::kNO2,  Pollutant::kCO,
                                         Pollutant::kO3,  Pollutant::kPM10, Pollutant::kPM25};
  std::string line;
  std::size_t number = 0;
  if (!next_line(in, line, number) || split(line, 1) != kHeader)
    throw line_error(1, "表头应为 time,so2,no2,co,o3,pm10,pm25", "the header must be time,so2,no2,co,o3,pm10,pm25");
  std::map<std::string, DayHours> days;
  std::map<std::string, std::array<bool, 24>> seen;
  while (next_line(in, line, number)) {
    if (line.empty()) continue;
    const auto f = fields(line, number, kHeader.size());
    // "YYYY-MM-DD HH"
    const std::string& t = f[0];
    if (t.size() != 13 || t[10] != ' ' || t[11] < '0' || t[11] > '9' || t[12] < '0' || t[12] > '9')
      throw line_error(number, "时间应为 YYYY-MM-DD HH：" + t, "time must be YYYY-MM-DD HH: " + t);
    std::string date = t.substr(0, 10);
    try {
      date = platform::format_date(platform::parse_date(date));
    } catch (const Error&) {
      throw line_error(number, "日期无效：" + date, "invalid date: " + date);
    }
    const int hour = (t[11] - '0') * 10 + (t[12] - '0');
    if (hour > 23) throw line_error(number, "小时应为 00–23：" + t, "hour must be 00-23: " + t);
    auto& day = days[date];
    day.date = date;
    auto& s = seen[date];
    if (s[static_cast<std::size_t>(hour)]) throw line_error(number, "同一小时重复：" + t, "hour given twice: " + t);
    s[static_cast<std::size_t>(hour)] = true;
    for (std::size_t i = 1; i < f.size(); ++i) {
      if (f[i].empty()) continue;
      day.hours[static_cast<std::size_t>(hour)][static_cast<std::size_t>(kSlots[i - 1])] =
          value_of(f[i], kInputScale, 100'000, kHeader[i], number);
    }
  }
  std::vector<DayHours> out;
  out.reserve(days.size());
  for (auto& [date, day] : days) out.push_back(std::move(day));
  return out;
}

std::vector<DailyResult> daily_results(const std::vector<DayHours>& days, std::optional<AqiStandard> standard) {
  std::vector<DailyResult> out;
  out.reserve(days.size());
  for (const auto& d : days) out.push_back(daily_result(d, standard.value_or(standard_on(d.date))));
  return out;
}

std::string daily_csv(const std::vector<DailyResult>& results) {
  std::string out =
      "date,so2,no2,co,o3_1h_max,o3_8h_max,pm10,pm25,iaqi_so2,iaqi_no2,iaqi_co,iaqi_o3_1h,iaqi_o3_8h,iaqi_pm10,"
      "iaqi_pm25,aqi,level,category,primary\n";
  auto mean = [](const DailyResult& r, Pollutant p) {
    return opt(r.mean[static_cast<std::size_t>(p)], result_decimals(p));
  };
  for (const auto& r : results) {
    std::string primary;
    for (auto p : r.aqi.primary) primary += (primary.empty() ? "" : ";") + std::string(p);
    std::string level, category;
    if (r.aqi.aqi) {
      const auto l = level_of(*r.aqi.aqi);
      level = std::to_string(l.level);
      category = l.name;
    }
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", r.date, mean(r, Pollutant::kSO2),
                       mean(r, Pollutant::kNO2), mean(r, Pollutant::kCO), opt(r.o3_1h_max, 0), opt(r.o3_8h_max, 0),
                       mean(r, Pollutant::kPM10), mean(r, Pollutant::kPM25), opt(r.iaqi_so2), opt(r.iaqi_no2),
                       opt(r.iaqi_co), opt(r.iaqi_o3_1h), opt(r.iaqi_o3_8h), opt(r.iaqi_pm10), opt(r.iaqi_pm25),
                       opt(r.aqi.aqi), level, category, primary);
  }
  return out;
}

std::string evaluation_csv(const Evaluation& e) {
  std::string out;
  out += fmt::format("valid_days,{}\n", e.valid_days);
  out += fmt::format("good_days,{}\n", e.good_days);
  out += fmt::format("good_rate,{}\n", opt(e.good_rate_tenths, 1));
  out += fmt::format("so2_mean,{}\n", opt(e.so2_mean, 0));
  out += fmt::format("no2_mean,{}\n", opt(e.no2_mean, 0));
  out += fmt::format("pm10_mean,{}\n", opt(e.pm10_mean, 0));
  out += fmt::format("pm25_mean,{}\n", opt(e.pm25_mean, 0));
  out += fmt::format("co_p95,{}\n", opt(e.co_p95, 1));
  out += fmt::format("o3_8h_p90,{}\n", opt(e.o3_8h_p90, 0));
  out += fmt::format("composite_index,{}\n", opt(e.composite_hundredths, 2));
  return out;
}

std::string classify_water_csv(std::istream& in) {
  std::string line;
  std::size_t number = 0;
  if (!next_line(in, line, number)) throw line_error(1, "缺少表头", "missing header");
  const auto header = split(line, 1);
  const auto slot = water_header(header, "kind");
  struct Section {
    WaterBody body;
    std::vector<WaterSample> samples;
  };
  std::vector<std::string> order;
  std::map<std::string, Section> sections;
  while (next_line(in, line, number)) {
    if (line.empty()) continue;
    const auto f = fields(line, number, header.size());
    if (f[0].empty()) throw line_error(number, "断面名称为空", "empty section name");
    const auto body = water_body_from(f[1]);
    if (!body) throw line_error(number, "水体类型应为 river 或 lake：" + f[1], "kind must be river or lake: " + f[1]);
    WaterSample s{};
    for (std::size_t c = 2; c < f.size(); ++c) {
      if (f[c].empty()) continue;
      s[slot[c - 2]] = water_value(slot[c - 2], f[c], header[c], number);
    }
    auto [it, fresh] = sections.try_emplace(f[0], Section{*body, {}});
    if (fresh) order.push_back(f[0]);
    if (it->second.body != *body)
      throw line_error(number, "同一断面的水体类型不一致：" + f[0], "the section's kind changed: " + f[0]);
    it->second.samples.push_back(s);
  }
  std::string out = "section,class,exceeding\n";
  for (const auto& name : order) {
    const auto& sec = sections.at(name);
    const auto r = classify(sec.body, average(sec.samples));
    std::string over;
    for (const auto& e : r.exceeding) {
      over += (over.empty() ? "" : ";") + std::string(e.code);
      if (e.multiple_hundredths) over += ":" + format_scaled(*e.multiple_hundredths, 2, 2);
    }
    out += fmt::format("{},{},{}\n", name, r.water_class ? class_name(*r.water_class) : "", over);
  }
  return out;
}

std::vector<WaterCsvSample> read_water_samples_csv(std::istream& in) {
  std::string line;
  std::size_t number = 0;
  if (!next_line(in, line, number)) throw line_error(1, "缺少表头", "missing header");
  const auto header = split(line, 1);
  const auto slot = water_header(header, "date");
  std::vector<WaterCsvSample> out;
  std::set<std::pair<std::string, std::string>> seen;
  while (next_line(in, line, number)) {
    if (line.empty()) continue;
    const auto f = fields(line, number, header.size());
    WaterCsvSample s;
    s.line = number;
    s.section = f[0];
    s.date = f[1];
    if (s.section.empty()) throw line_error(number, "断面编码为空", "empty section code");
    if (!local_midnight_ms(s.date))
      throw line_error(number, "日期应为 YYYY-MM-DD：" + s.date, "date must be YYYY-MM-DD: " + s.date);
    bool any = false;
    for (std::size_t c = 2; c < f.size(); ++c) {
      if (f[c].empty()) continue;
      s.values[slot[c - 2]] = water_value(slot[c - 2], f[c], header[c], number);
      any = true;
    }
    if (!any) throw line_error(number, "没有任何监测值", "no value measured");
    if (!seen.emplace(s.section, s.date).second)
      throw line_error(number, "同一断面同一日期重复：" + s.section + " " + s.date,
                       "the section and date appear twice: " + s.section + " " + s.date);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace ecity::environment
