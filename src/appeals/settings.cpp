#include "appeals/settings.h"

#include "platform/http/fields.h"

#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdlib>

namespace ecity::appeals {

namespace {

// One setting: its key, where it lives in Settings, and its valid range.
struct Spec {
  const char* key;
  double Settings::*real = nullptr;
  int Settings::*whole = nullptr;
  double lo, hi;
};

const Spec kSpecs[] = {
    {"duplicate_days", nullptr, &Settings::duplicate_days, 1, 365},
    {"duplicate_radius_m", &Settings::duplicate_radius_m, nullptr, 10, 5000},
    {"duplicate_similarity", &Settings::duplicate_similarity, nullptr, 0.05, 1},
    {"rank_weight_response", &Settings::rank_weight_response, nullptr, 0, 1},
    {"rank_weight_solved", &Settings::rank_weight_solved, nullptr, 0, 1},
    {"rank_weight_satisfaction", &Settings::rank_weight_satisfaction, nullptr, 0, 1},
    {"max_reopens", nullptr, &Settings::max_reopens, 0, 5},
};

bool valid_prefix(const std::string& p) {
  if (p.empty() || p.size() > 8) return false;
  for (char c : p)
    if (!(c >= 'A' && c <= 'Z')) return false;
  return true;
}

double weight_sum(const Settings& s) {
  return s.rank_weight_response + s.rank_weight_solved + s.rank_weight_satisfaction;
}

}  // namespace

Settings settings_from(const std::map<std::string, std::string>& stored) {
  Settings s;
  if (auto it = stored.find("number_prefix"); it != stored.end()) {
    if (valid_prefix(it->second)) {
      s.number_prefix = it->second;
    } else {
      spdlog::warn("event=appeal_setting_ignored key=number_prefix value=\"{}\"", it->second);
    }
  }
  for (const auto& spec : kSpecs) {
    auto it = stored.find(spec.key);
    if (it == stored.end()) continue;
    char* end = nullptr;
    const double v = std::strtod(it->second.c_str(), &end);
    const bool whole_ok = !spec.whole || v == std::floor(v);
    if (end == it->second.c_str() || *end != '\0' || !std::isfinite(v) || v < spec.lo || v > spec.hi || !whole_ok) {
      spdlog::warn("event=appeal_setting_ignored key={} value=\"{}\"", spec.key, it->second);
      continue;
    }
    if (spec.real) s.*spec.real = v;
    if (spec.whole) s.*spec.whole = static_cast<int>(v);
  }
  if (std::abs(weight_sum(s) - 1.0) > 1e-6) {
    spdlog::warn("event=appeal_setting_ignored key=rank_weight_* reason=\"weights do not sum to 1\"");
    Settings d;
    s.rank_weight_response = d.rank_weight_response;
    s.rank_weight_solved = d.rank_weight_solved;
    s.rank_weight_satisfaction = d.rank_weight_satisfaction;
  }
  return s;
}

Settings apply_settings(const Settings& current, const nlohmann::json& changes) {
  std::set<std::string> allowed{"number_prefix"};
  for (const auto& spec : kSpecs) allowed.insert(spec.key);
  platform::Fields f(changes, allowed);
  Settings s = current;
  if (auto p = f.opt_str("number_prefix", 8)) {
    if (valid_prefix(*p)) {
      s.number_prefix = *p;
    } else {
      f.fail("number_prefix", "编号前缀应为 1–8 个大写字母", "1–8 capital letters");
    }
  }
  for (const auto& spec : kSpecs) {
    if (!changes.contains(spec.key)) continue;
    const auto& v = changes[spec.key];
    const bool number = v.is_number() && std::isfinite(v.get<double>());
    const double x = number ? v.get<double>() : 0;
    if (!number || x < spec.lo || x > spec.hi || (spec.whole && x != std::floor(x))) {
      const auto range = fmt::format("{}–{}", spec.lo, spec.hi);
      f.fail(spec.key, "取值应为 " + range + (spec.whole ? " 的整数" : " 的数"),
             "must be a " + std::string(spec.whole ? "whole number" : "number") + " in " + range);
      continue;
    }
    if (spec.real) s.*spec.real = x;
    if (spec.whole) s.*spec.whole = static_cast<int>(x);
  }
  if (std::abs(weight_sum(s) - 1.0) > 1e-6)
    f.fail("rank_weight_response", "三项排名权重之和应为 1", "the three ranking weights must sum to 1");
  f.done();
  return s;
}

std::map<std::string, std::string> to_stored(const Settings& s) {
  std::map<std::string, std::string> out{{"number_prefix", s.number_prefix}};
  for (const auto& spec : kSpecs)
    out[spec.key] = spec.real ? fmt::format("{}", s.*spec.real) : std::to_string(s.*spec.whole);
  return out;
}

nlohmann::json to_json(const Settings& s) {
  nlohmann::json out{{"number_prefix", s.number_prefix}};
  for (const auto& spec : kSpecs)
    out[spec.key] = spec.real ? nlohmann::json(s.*spec.real) : nlohmann::json(s.*spec.whole);
  return out;
}

}  // namespace ecity::appeals
