#include "economy/tables.h"

#include "platform/calendar/working_hours.h"
#include "platform/error.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace ecity::economy {

using platform::Principal;

namespace {

const char* kQuarterZh[] = {"", "一季度", "二季度", "三季度", "四季度"};

// The figures read for a table, by indicator, area and period.
class Book {
 public:
  explicit Book(const std::vector<Figure>& figures) {
    for (const auto& f : figures) at_.emplace(std::make_tuple(f.indicator, f.area, f.period), f);
  }
  const Figure* find(const Indicator& i, const std::string& area, Period p) const {
    auto it = at_.find(std::make_tuple(i.code, area, period_text(i.frequency, p)));
    return it == at_.end() ? nullptr : &it->second;
  }
  std::optional<Value> value(const Indicator& i, const std::string& area, Period p) const {
    const auto* f = find(i, area, p);
    return f ? f->value : std::nullopt;
  }

 private:
  std::map<std::tuple<std::string, std::string, std::string>, Figure> at_;
};

// An indicator's own period in a month's table: the month; the latest quarter ended with it;
// none for a yearly indicator, or a quarterly one before March.
std::optional<Period> own_period(const Indicator& i, Period month) {
  switch (i.frequency) {
    case Frequency::kMonthly:
      return month;
    case Frequency::kQuarterly:
      if (month.index < 3) return std::nullopt;
      return Period{month.year, month.index / 3};
    case Frequency::kYearly:
      return std::nullopt;
  }
  return std::nullopt;
}

// A growth as shown: the published rate, or the one computed from the totals rounded to one
// decimal (ranks and the two-year average use the rates as shown, as bulletins do).
struct Growth {
  std::optional<Value> rate;  // percent × 10^4
  int decimals = 1;
  std::string basis;  // published | computed
};

Growth growth_of(const Book& b, const Indicator& i, const std::string& area, Period p) {
  const auto* f = b.find(i, area, p);
  if (f && f->growth) return {f->growth, growth_decimals(*f->growth), "published"};
  if (i.growth_only || i.price_basis == PriceBasis::kComparable || !f || !f->value) return {};
  const auto base = b.value(i, area, year_before(p));
  if (!base) return {};
  const auto g = growth_percent(*f->value, *base);
  if (!g) return {};
  return {g->rounded(1) * 1000, 1, "computed"};
}

nlohmann::json text(const std::optional<Value>& v, int decimals) {
  return v ? nlohmann::json(format_value(*v, decimals)) : nlohmann::json(nullptr);
}

// The periods a row of `p` reads: p, the year before, two years before, the period before in
// the year and its year before.
void add_needed(const Indicator& i, Period p, std::set<std::string>& out) {
  for (auto q : {p, year_before(p), year_before(year_before(p))}) out.insert(period_text(i.frequency, q));
  if (auto b = before_in_year(p)) {
    out.insert(period_text(i.frequency, *b));
    out.insert(period_text(i.frequency, year_before(*b)));
  }
}

struct Ranks {
  std::map<std::string, int> by_growth, by_total;
  int ranked = 0;
};

Ranks ranks_of(const Book& b, const Indicator& i, const std::vector<Area>& peers, Period p) {
  std::vector<std::optional<Value>> growths, totals;
  for (const auto& a : peers) {
    growths.push_back(growth_of(b, i, a.code, p).rate);
    totals.push_back(i.growth_only ? std::nullopt : b.value(i, a.code, p));
  }
  const auto rg = competition_ranks(growths), rt = competition_ranks(totals);
  Ranks r;
  for (std::size_t k = 0; k < peers.size(); ++k) {
    r.by_growth[peers[k].code] = rg[k];
    r.by_total[peers[k].code] = rt[k];
    if (rg[k] > 0) ++r.ranked;
  }
  return r;
}

nlohmann::json rank_json(int rank) { return rank > 0 ? nlohmann::json(rank) : nlohmann::json(nullptr); }

// Everything a month's tables read, at once.
struct Context {
  std::vector<Area> areas;
  Area district;
  std::vector<Area> peers, towns;
  std::shared_ptr<const std::vector<Indicator>> indicators;
  Book book{{}};
};

Context load(const FigureService& figures, Period month, bool whole_year) {
  Context c;
  c.areas = figures.areas();
  for (const auto& a : c.areas) {
    if (a.kind == "district") c.district = a;
    if (a.ranked) c.peers.push_back(a);
    if (a.kind == "town") c.towns.push_back(a);
  }
  if (c.district.code.empty()) throw Error::not_found("尚未导入本区行政区划", "the district's regions are not loaded");
  c.indicators = figures.indicators();
  std::set<std::string> periods;
  for (const auto& i : *c.indicators) {
    if (whole_year) {
      for (int m = 1; m <= month.index; ++m)
        if (auto p = own_period(i, {month.year, m})) add_needed(i, *p, periods);
    } else if (auto p = own_period(i, month)) {
      add_needed(i, *p, periods);
    }
  }
  std::vector<std::string> codes;
  for (const auto& a : c.areas) codes.push_back(a.code);
  c.book = Book(figures.figures_at(codes, {periods.begin(), periods.end()}));
  return c;
}

// One indicator's row for an area; `peers` is the set it ranks among.
nlohmann::json row_json(const Context& c, const Indicator& i, const Area& a, const std::vector<Area>& peers, Period p) {
  const auto& b = c.book;
  const auto* f = b.find(i, a.code, p);
  const auto g = growth_of(b, i, a.code, p);
  nlohmann::json j = {{"indicator", indicator_json(i)},
                      {"period", period_text(i.frequency, p)},
                      {"period_label", period_label(i, p)},
                      {"period_label_en", period_label_en(i, p)},
                      {"value", f ? text(f->value, i.decimals) : nlohmann::json(nullptr)},
                      {"growth", text(g.rate, g.decimals)},
                      {"growth_basis", g.basis.empty() ? nlohmann::json(nullptr) : nlohmann::json(g.basis)},
                      {"growth_zh", g.rate ? nlohmann::json(growth_zh(*g.rate, g.decimals)) : nlohmann::json(nullptr)},
                      {"growth_en", g.rate ? nlohmann::json(growth_en(*g.rate, g.decimals)) : nlohmann::json(nullptr)},
                      {"growth_conflict", f && f->growth_conflict},
                      {"caliber", f ? f->caliber : ""},
                      {"source", f ? f->source : ""}};
  // The growth from the totals, beside a published one (the check the flag reports).
  std::optional<Value> computed;
  if (f && f->value && !i.growth_only && i.price_basis != PriceBasis::kComparable)
    if (auto base = b.value(i, a.code, year_before(p)))
      if (auto x = growth_percent(*f->value, *base)) computed = x->rounded(1) * 1000;
  j["computed_growth"] = text(computed, 1);
  // 当月 / 当季 of a year-to-date figure.
  std::optional<Value> single;
  if (i.cumulative && !i.growth_only && f && f->value) {
    if (auto before = before_in_year(p)) {
      if (auto v = b.value(i, a.code, *before)) single = single_month(*f->value, v);
    } else {
      single = f->value;
    }
  }
  j["single"] = text(single, i.decimals);
  j["single_label"] =
      i.frequency == Frequency::kQuarterly ? std::string(kQuarterZh[p.index]) : fmt::format("{}月", p.index);
  // 两年平均增长 from this year's rate and last year's.
  std::optional<Value> two_year;
  const auto last = growth_of(b, i, a.code, year_before(p));
  if (g.rate && last.rate)
    if (auto t = two_year_average_growth(*g.rate, *last.rate, 1)) two_year = *t * 1000;
  j["two_year_growth"] = text(two_year, 1);
  // Share of the city's total (all peers given), or of the district's for a town.
  std::optional<Value> share;
  if (!i.growth_only && f && f->value) {
    std::optional<Value> whole;
    if (a.kind == "town") {
      whole = b.value(i, c.district.code, p);
    } else if (a.ranked) {
      Value sum = 0;
      bool all = true;
      for (const auto& peer : c.peers)
        if (auto v = b.value(i, peer.code, p))
          sum += *v;
        else
          all = false;
      if (all) whole = sum;
    }
    if (whole && *whole > 0)
      share = platform::Fraction{static_cast<__int128>(*f->value) * 100, *whole}.rounded(1) * 1000;
  }
  j["share"] = text(share, 1);
  // Rank of the growth among the peers, and its change since the period before.
  const auto now = ranks_of(b, i, peers, p);
  const int rank = now.by_growth.count(a.code) ? now.by_growth.at(a.code) : 0;
  j["rank"] = rank_json(rank);
  j["rank_total"] = rank_json(now.by_total.count(a.code) ? now.by_total.at(a.code) : 0);
  std::optional<int> change;
  if (auto before = before_in_year(p)) {
    const auto earlier = ranks_of(b, i, peers, *before);
    if (earlier.by_growth.count(a.code)) change = rank_change(earlier.by_growth.at(a.code), rank);
  }
  j["rank_change"] = change ? nlohmann::json(*change) : nlohmann::json(nullptr);
  j["ranked"] = now.ranked;
  j["peer_count"] = peers.size();
  return j;
}

nlohmann::json ranking_items(const Context& c, const Indicator& i, Period p) {
  const auto now = ranks_of(c.book, i, c.peers, p);
  std::optional<Ranks> earlier;
  if (auto before = before_in_year(p)) earlier = ranks_of(c.book, i, c.peers, *before);
  std::vector<std::pair<int, nlohmann::json>> items;
  for (const auto& a : c.peers) {
    const auto* f = c.book.find(i, a.code, p);
    const auto g = growth_of(c.book, i, a.code, p);
    const int rank = now.by_growth.at(a.code);
    std::optional<int> change;
    if (earlier) change = rank_change(earlier->by_growth.at(a.code), rank);
    items.emplace_back(
        rank == 0 ? 1000 : rank,
        nlohmann::json{{"area", a.code},
                       {"name", a.name},
                       {"value", f ? text(f->value, i.decimals) : nlohmann::json(nullptr)},
                       {"growth", text(g.rate, g.decimals)},
                       {"growth_basis", g.basis.empty() ? nlohmann::json(nullptr) : nlohmann::json(g.basis)},
                       {"rank", rank_json(rank)},
                       {"rank_total", rank_json(now.by_total.at(a.code))},
                       {"rank_change", change ? nlohmann::json(*change) : nlohmann::json(nullptr)},
                       {"own", a.code == c.district.code}});
  }
  std::stable_sort(items.begin(), items.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  nlohmann::json out = nlohmann::json::array();
  for (auto& [rank, j] : items) out.push_back(std::move(j));
  return out;
}

void check_month(Period month) {
  if (!parse_period(Frequency::kMonthly, period_text(Frequency::kMonthly, month)))
    throw Error::invalid("validation", "期别应为月份，如 2022-09", "the period is a month such as 2022-09")
        .on_field("period", "无效", "invalid");
}

std::string month_label(Period month) {
  return month.index == 1 ? fmt::format("{}年1月", month.year) : fmt::format("{}年1–{}月", month.year, month.index);
}

std::string month_label_en(Period month) {
  static const char* kMonthEn[] = {"",    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return month.index == 1 ? fmt::format("Jan {}", month.year)
                          : fmt::format("Jan–{} {}", kMonthEn[month.index], month.year);
}

nlohmann::json rows_for(const Context& c, const Area& a, Period month) {
  const auto& peers = a.kind == "town" ? c.towns : c.peers;
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& i : *c.indicators)
    if (auto p = own_period(i, month)) rows.push_back(row_json(c, i, a, peers, *p));
  return rows;
}

}  // namespace

nlohmann::json TableService::table(const Principal& who, Period month, const std::string& area) const {
  check_month(month);
  const auto c = load(figures_, month, false);
  const auto a = area.empty() ? c.district : figures_.area(area);
  if (!FigureService::can_read(who, a))
    throw Error::forbidden("无权查看该地区的数据", "you may not see this area's figures");
  return {{"period", period_text(Frequency::kMonthly, month)},
          {"label", month_label(month)},
          {"label_en", month_label_en(month)},
          {"area", {{"code", a.code}, {"name", a.name}, {"kind", a.kind}}},
          {"group", figures_.group_name()},
          {"rows", rows_for(c, a, month)}};
}

nlohmann::json TableService::ranking(const Principal&, const std::string& code, const std::string& period) const {
  const auto i = figures_.indicator(code);
  const auto p = parse_period(i.frequency, period);
  if (!p)
    throw Error::invalid("validation", "期别与指标的频率不符", "the period does not fit the indicator's frequency")
        .on_field("period", "无效", "invalid");
  // The month whose table shows this period: the period's last month.
  const Period month{p->year, i.frequency == Frequency::kQuarterly ? p->index * 3 : p->index};
  if (i.frequency == Frequency::kYearly)
    throw Error::invalid("validation", "年度指标不排位次", "yearly indicators are not ranked here")
        .on_field("indicator", "年度指标", "yearly");
  const auto c = load(figures_, month, false);
  return {{"indicator", indicator_json(i)},      {"period", period_text(i.frequency, *p)},
          {"period_label", period_label(i, *p)}, {"basis", "growth"},
          {"group", figures_.group_name()},      {"items", ranking_items(c, i, *p)}};
}

nlohmann::json TableService::bulletin(const Principal& who, Period month) const {
  check_month(month);
  const auto c = load(figures_, month, true);
  const auto& d = c.district;
  nlohmann::json peers = nlohmann::json::array();
  for (const auto& i : *c.indicators)
    if (auto p = own_period(i, month))
      peers.push_back({{"indicator", indicator_json(i)},
                       {"period", period_text(i.frequency, *p)},
                       {"period_label", period_label(i, *p)},
                       {"items", ranking_items(c, i, *p)}});
  // The towns the caller may read, on the indicators towns report.
  nlohmann::json town_indicators = nlohmann::json::array(), town_items = nlohmann::json::array();
  std::vector<std::pair<Indicator, Period>> reported;
  for (const auto& i : *c.indicators)
    if (auto p = own_period(i, month))
      if (std::any_of(c.towns.begin(), c.towns.end(), [&](const Area& t) { return c.book.find(i, t.code, *p); })) {
        reported.emplace_back(i, *p);
        auto j = indicator_json(i);
        j["period"] = period_text(i.frequency, *p);
        j["period_label"] = period_label(i, *p);
        town_indicators.push_back(std::move(j));
      }
  for (const auto& t : c.towns) {
    if (!FigureService::can_read(who, t)) continue;
    nlohmann::json values = nlohmann::json::object();
    for (const auto& [i, p] : reported) {
      const auto* f = c.book.find(i, t.code, p);
      const auto g = growth_of(c.book, i, t.code, p);
      values[i.code] = {{"value", f ? text(f->value, i.decimals) : nlohmann::json(nullptr)},
                        {"growth", text(g.rate, g.decimals)}};
    }
    town_items.push_back({{"area", t.code}, {"name", t.name}, {"values", values}});
  }
  // The growth of each indicator through the year (a quarterly one at its quarters' ends).
  nlohmann::json months = nlohmann::json::array(), series = nlohmann::json::array();
  for (int m = 1; m <= month.index; ++m) months.push_back(period_text(Frequency::kMonthly, {month.year, m}));
  for (const auto& i : *c.indicators) {
    if (i.frequency == Frequency::kYearly) continue;
    nlohmann::json growth = nlohmann::json::array();
    bool any = false;
    for (int m = 1; m <= month.index; ++m) {
      const bool at_end = i.frequency == Frequency::kMonthly || m % 3 == 0;
      const auto p = own_period(i, {month.year, m});
      const auto g = at_end && p ? growth_of(c.book, i, d.code, *p) : Growth{};
      any = any || g.rate.has_value();
      growth.push_back(text(g.rate, g.decimals));
    }
    if (any) series.push_back({{"indicator", i.code}, {"name", i.name}, {"name_en", i.name_en}, {"growth", growth}});
  }
  auto rows = rows_for(c, d, month);
  nlohmann::json notes = nlohmann::json::array(
      {"数值为年初至今的累计值（当月、当季由累计值相减得到），增速为同比增长。",
       "地区生产总值、规模以上工业增加值的增速按可比价格计算，只列发布的增速；其余指标按现价（工业用电量按实物量）"
       "计算，未发布增速时由两年总量计算。",
       fmt::format("位次为增速在{}各区（市）中的位次，增速相同者位次并列；位次变化与上期相比。", figures_.group_name()),
       "两年平均增长为以今年与上年同期增速计算的几何平均增速。", "因四舍五入，总量与分项之和可能不等，未作调整。"});
  if (std::any_of(rows.begin(), rows.end(), [](const nlohmann::json& r) { return r["growth_conflict"].get<bool>(); }))
    notes.push_back("标记的增速与两年总量计算的结果不一致，系主管部门按同口径计算发布。");
  const auto today = platform::local_date_of(platform::now_ms());
  return {{"title", d.name + "经济运行简报"},
          {"title_en", "Economic bulletin of " + d.name},
          {"period", period_text(Frequency::kMonthly, month)},
          {"label", month_label(month)},
          {"label_en", month_label_en(month)},
          {"issued", fmt::format("{:04}-{:02}-{:02}", static_cast<int>(today.year()), unsigned(today.month()),
                                 unsigned(today.day()))},
          {"district", {{"code", d.code}, {"name", d.name}}},
          {"group", figures_.group_name()},
          {"rows", rows},
          {"peers", peers},
          {"towns", {{"indicators", town_indicators}, {"items", town_items}}},
          {"trend", {{"periods", months}, {"series", series}}},
          {"notes", notes}};
}

std::string TableService::bulletin_xlsx(const Principal& who, Period month) const {
  const auto b = bulletin(who, month);
  auto str = [](const nlohmann::json& v) {
    return v.is_null() ? std::string() : v.is_string() ? v.get<std::string>() : v.dump();
  };
  platform::Table main;
  main.header = {"指标",          "单位",     "期别",    "累计值", "同比增长(%)", "当月/当季", "两年平均增长(%)",
                 "占全市比重(%)", "全市位次", "位次变化"};
  main.numeric = {false, false, false, true, true, true, true, true, true, true};
  for (const auto& r : b["rows"])
    main.rows.push_back({r["indicator"]["name"].get<std::string>(), r["indicator"]["unit"].get<std::string>(),
                         r["period_label"].get<std::string>(), str(r["value"]),
                         str(r["growth"]) + (r["growth_conflict"].get<bool>() ? "*" : ""), str(r["single"]),
                         str(r["two_year_growth"]), str(r["share"]), str(r["rank"]), str(r["rank_change"])});
  main.rows.push_back({});
  main.rows.push_back({"附注"});
  int n = 0;
  for (const auto& note : b["notes"]) main.rows.push_back({fmt::format("{}. {}", ++n, note.get<std::string>())});
  platform::Table peers;
  peers.header = {"指标", "期别", "地区", "数值", "同比增长(%)", "位次"};
  peers.numeric = {false, false, false, true, true, true};
  for (const auto& p : b["peers"])
    for (const auto& it : p["items"])
      peers.rows.push_back({p["indicator"]["name"].get<std::string>(), p["period_label"].get<std::string>(),
                            it["name"].get<std::string>(), str(it["value"]), str(it["growth"]), str(it["rank"])});
  platform::Table towns;
  towns.header = {"镇街"};
  towns.numeric = {false};
  for (const auto& i : b["towns"]["indicators"]) {
    const auto name = i["name"].get<std::string>();
    if (!i["growth_only"].get<bool>()) {
      towns.header.push_back(fmt::format("{}（{}）", name, i["unit"].get<std::string>()));
      towns.numeric.push_back(true);
    }
    towns.header.push_back(name + " 同比增长(%)");
    towns.numeric.push_back(true);
  }
  for (const auto& t : b["towns"]["items"]) {
    std::vector<std::string> row = {t["name"].get<std::string>()};
    for (const auto& i : b["towns"]["indicators"]) {
      const auto& v = t["values"][i["code"].get<std::string>()];
      if (!i["growth_only"].get<bool>()) row.push_back(str(v["value"]));
      row.push_back(str(v["growth"]));
    }
    towns.rows.push_back(std::move(row));
  }
  return platform::to_xlsx({{"主要指标", &main}, {"各区（市）", &peers}, {"镇街", &towns}});
}

}  // namespace ecity::economy
