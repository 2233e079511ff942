-- Economic statistics (经济运行, src/economy, docs/economy.md). Keep in step with the other dialect.
-- The indicator catalogue: seeded from data/economy/indicators.json (missing codes only), then
-- extended in the console.
CREATE TABLE eco_indicators (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  name_en TEXT NOT NULL,
  unit TEXT NOT NULL,
  price_basis TEXT NOT NULL CHECK (price_basis IN ('current', 'comparable', 'physical')),
  frequency TEXT NOT NULL CHECK (frequency IN ('monthly', 'quarterly', 'yearly')),
  cumulative INTEGER NOT NULL,
  growth_only INTEGER NOT NULL,
  decimals INTEGER NOT NULL,
  department TEXT NOT NULL,
  sort INTEGER NOT NULL DEFAULT 0
);
-- The peer areas of the prefecture (ranks are among them), seeded from data/economy/peers.json.
-- A peer that is the district itself names its region: its values are stored under the region's
-- code, like the towns' (regions of level district or town).
CREATE TABLE eco_peers (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  region_code TEXT,
  sort INTEGER NOT NULL DEFAULT 0
);
-- One published figure: value × 10^4 in the indicator's unit (NULL for a growth-only
-- indicator), the published year-on-year growth in percent × 10^4 (NULL when none was
-- published), its caliber (口径) when the publisher names one, and whether the published growth
-- contradicts the totals (current prices and physical units only). `area` is a region code or a
-- peer code; `period` is 2022-09, 2022-Q3 or 2022 (year and idx as numbers, idx 0 for a year).
CREATE TABLE eco_values (
  id BIGSERIAL PRIMARY KEY,
  indicator TEXT NOT NULL REFERENCES eco_indicators(code),
  area TEXT NOT NULL,
  period TEXT NOT NULL,
  year INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  value BIGINT,
  growth BIGINT,
  caliber TEXT NOT NULL DEFAULT '',
  growth_conflict INTEGER NOT NULL DEFAULT 0,
  source TEXT NOT NULL,
  revision INTEGER NOT NULL,
  updated_by BIGINT,
  updated_by_name TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (indicator, area, period)
);
CREATE INDEX eco_values_period ON eco_values(year, idx, indicator);
-- Every revision of a figure, the first included: what it was, from where, who entered it, when.
CREATE TABLE eco_value_history (
  id BIGSERIAL PRIMARY KEY,
  value_id BIGINT NOT NULL REFERENCES eco_values(id),
  revision INTEGER NOT NULL,
  value BIGINT,
  growth BIGINT,
  caliber TEXT NOT NULL,
  source TEXT NOT NULL,
  via TEXT NOT NULL CHECK (via IN ('entry', 'import', 'demo')),
  changed_by BIGINT,
  changed_by_name TEXT NOT NULL,
  changed_at BIGINT NOT NULL,
  UNIQUE (value_id, revision)
);
