// The centre's business settings of the appeals module (stored in appeal_settings as text):
// what each means, its default and its valid range live here, once.
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace ecity::appeals {

struct Settings {
  std::string number_prefix = "SQ";    // case numbers: prefix + YYYYMMDD + 6 digits
  int duplicate_days = 30;             // same phone within this many days: duplicate / repeat
  double duplicate_radius_m = 200;     // nearby duplicates: same category within this distance
  double duplicate_similarity = 0.35;  // … and content at least this similar (bigram Dice)
  double rank_weight_response = 0.3;   // unit ranking: score weights, summing to 1
  double rank_weight_solved = 0.3;
  double rank_weight_satisfaction = 0.4;
  int max_reopens = 1;  // 重办 at most this often; then the callback's outcome is final
};

// Reads stored key → text pairs over the defaults; unknown keys are ignored, a stored value
// out of range keeps the default (and is logged), so a bad row never stops intake.
Settings settings_from(const std::map<std::string, std::string>& stored);

// Validates a partial update {key: value, …} from the console against `current` and returns
// the result; throws Error::invalid("validation") naming every bad field (unknown keys too).
Settings apply_settings(const Settings& current, const nlohmann::json& changes);

// key → stored text, and the JSON the API shows.
std::map<std::string, std::string> to_stored(const Settings& s);
nlohmann::json to_json(const Settings& s);

}  // namespace ecity::appeals
