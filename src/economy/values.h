// The published figures of economic statistics (经济运行) in the store: the indicator catalogue,
// the areas a figure belongs to (the district and its towns from the platform's regions, the
// prefecture's peer areas for ranking), and the figures themselves, entered in the console or
// imported from CSV/XLSX, each with its source and every earlier revision (who, when, how).
//
// Rules (docs/economy.md): a value is given in its indicator's unit with at most its decimals; a
// growth-only indicator takes a growth and no value; a period must fit the indicator's frequency
// and have ended (Asia/Shanghai); a published growth of a current-price or physical indicator that
// contradicts the totals of the year before is stored and flagged, not refused (the bureau may
// have compared on the same scope, 同口径); giving the same figure again changes nothing. The
// district's and peers' figures are read by everyone with economy:read; a town's only within the
// caller's data scope; entering needs economy:enter and the area in scope (peers: all areas).
//
// Thread-safety: safe from any worker thread (the catalogue is an immutable snapshot swapped on
// change; everything else is in the database).
#pragma once

#include "economy/catalogue.h"
#include "economy/figures.h"

#include "platform/audit/audit_log.h"
#include "platform/auth/principal.h"
#include "platform/runtime.h"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace ecity::economy {

// An area a figure belongs to.
struct Area {
  std::string code;  // region code (district, town) or peer code
  std::string name;
  std::string kind;         // district | town | peer
  bool ranked = false;      // one of the prefecture's peer areas (ranks are among them)
  std::string region_path;  // the region's materialised path; empty for a peer
  int sort = 0;
  std::string alias;  // the district's code among the peers (370404), else empty
};
// The area of a code or alias in `areas`.
std::optional<Area> find_area(const std::vector<Area>& areas, const std::string& code);

// A stored figure.
struct Figure {
  std::int64_t id = 0;
  std::string indicator, area, period;
  Period at;
  std::optional<Value> value, growth;  // growth: published, percent × 10^4
  std::string caliber;
  bool growth_conflict = false;
  std::string source;
  int revision = 0;
  std::string updated_by;
  std::int64_t updated_at = 0;
};

// What a caller gives for a figure (already parsed; see parse_figure_input).
struct FigureInput {
  std::optional<Value> value, growth;
  std::string unit, source, caliber;
};

struct Warning {
  std::string code, zh, en;
};

struct PutResult {
  Figure figure;
  bool changed = false;
  std::vector<Warning> warnings;
};

struct HistoryEntry {
  int revision = 0;
  std::optional<Value> value, growth;
  std::string caliber, source, via, changed_by;
  std::int64_t changed_at = 0;
};

struct ImportResult {
  int rows = 0, added = 0, revised = 0, unchanged = 0;
  struct Conflict {
    std::size_t row = 0;
    std::string indicator, area, period;
  };
  std::vector<Conflict> conflicts;
};

// The number of decimals a published growth carries (one, or two when its second place is used).
int growth_decimals(Value growth);

class FigureService {
 public:
  // `data_dir`: where economy/indicators.json and economy/peers.json are.
  FigureService(platform::Runtime& rt, std::string data_dir);

  // Adds the shipped indicators and peers that the store lacks (never changes existing ones).
  void seed();

  std::shared_ptr<const std::vector<Indicator>> indicators() const;
  // Throws Error (not_found) for an unknown code.
  Indicator indicator(const std::string& code) const;
  // Adds an indicator (economy:manage). Throws Error (conflict "exists") for a code in use.
  Indicator add_indicator(const platform::Principal& who, const platform::Actor& actor, const Indicator& in);
  // Department names by code, for the catalogue's owners.
  std::map<std::string, std::string> department_names() const;

  // The district, its towns and the peers (the district once, as a region), in display order.
  std::vector<Area> areas() const;
  // The area of a code (a peer's code that names the district gives the district). Throws
  // Error (not_found).
  Area area(const std::string& code) const;
  std::string group_name() const { return group_; }
  // Whether the caller may read / enter the figures of `a`.
  static bool can_read(const platform::Principal& who, const Area& a);
  static bool can_enter(const platform::Principal& who, const Area& a);

  // Figures of one indicator and area in a year (economy:read, area readable).
  std::vector<Figure> figures(const platform::Principal& who, const std::string& indicator, const std::string& area,
                              int year) const;
  // Figures of the indicators at the given periods for the given areas, unscoped (the tables).
  std::vector<Figure> figures_at(const std::vector<std::string>& areas, const std::vector<std::string>& periods) const;

  // Enters one figure from a request body {value, growth, unit, source, caliber} (numbers as
  // text or JSON numbers). Throws Error: invalid (naming the fields), forbidden, not_found.
  PutResult put(const platform::Principal& who, const platform::Actor& actor, const std::string& indicator,
                const std::string& area, const std::string& period, const nlohmann::json& body);
  std::vector<HistoryEntry> history(const platform::Principal& who, const std::string& indicator,
                                    const std::string& area, const std::string& period) const;
  // A CSV or XLSX table of figures (columns: import_header()), all rows or none. Errors name the
  // row and column.
  ImportResult import(const platform::Principal& who, const platform::Actor& actor, std::string_view bytes);
  // Writes figures as the demo district's publisher (via "demo"); skips those present.
  int load(const platform::Actor& actor,
           const std::vector<std::tuple<std::string, std::string, std::string, FigureInput>>& rows);

 private:
  struct Checked;
  Checked check(const platform::Principal* who, const std::vector<Area>& areas, const std::string& indicator,
                const std::string& area, const std::string& period, const FigureInput& in,
                const std::function<void(const std::string&, const std::string&, const std::string&)>& fail) const;
  PutResult write(platform::Tx& tx, const platform::Actor& actor, const Checked& c, const std::string& via);
  void reload();

  platform::Runtime& rt_;
  std::string data_dir_;
  std::string group_;
  mutable std::mutex mu_;
  std::shared_ptr<const std::vector<Indicator>> catalogue_;  // guarded by mu_
};

// The columns of an import table, in order.
const std::vector<std::string>& import_header();
// A figure's JSON (value and growth as exact decimal text) for the API.
nlohmann::json figure_json(const Figure& f, const Indicator& i, const std::string& area_name);
// Period labels as bulletins write them: "1–9月", "9月", "前三季度", "三季度", "2022年".
std::string period_label(const Indicator& i, Period p);
std::string period_label_en(const Indicator& i, Period p);

}  // namespace ecity::economy
