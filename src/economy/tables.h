// The derived tables of economic statistics: for a month, each indicator's figure of its own
// period (a quarterly one's latest quarter), its growth (the published rate, or one computed from
// the totals where the price basis allows), the single month or quarter (当月/当季) of a
// year-to-date figure, the two-year average growth, the share of the city's (or, for a town, the
// district's) total, the rank of its growth among the peers with ties and the change of that
// rank since the period before; the peers ranked; the monthly bulletin (经济运行简报) as JSON and
// as an XLSX workbook in the bureau's layout. Formulas: docs/economy.md.
//
// Thread-safety: safe from any worker thread (reads only).
#pragma once

#include "economy/values.h"

#include "platform/audit/export.h"

#include <nlohmann/json.hpp>

#include <string>

namespace ecity::economy {

class TableService {
 public:
  explicit TableService(FigureService& figures) : figures_(figures) {}

  // The table of `month` (a monthly period) for an area (the district when empty).
  nlohmann::json table(const platform::Principal& who, Period month, const std::string& area) const;
  // The peers ranked on an indicator at a period of its frequency ("2022-Q3" for GDP).
  nlohmann::json ranking(const platform::Principal& who, const std::string& indicator, const std::string& period) const;
  // The bulletin of `month`: the district's table, the peers, the towns the caller may read, the
  // growth trend of the year and the notes.
  nlohmann::json bulletin(const platform::Principal& who, Period month) const;
  // The bulletin as a workbook: 主要指标, 各区（市）, 镇街.
  std::string bulletin_xlsx(const platform::Principal& who, Period month) const;

 private:
  FigureService& figures_;
};

}  // namespace ecity::economy
