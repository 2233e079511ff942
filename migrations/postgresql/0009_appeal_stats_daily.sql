-- Statistics roll-up (see migrations/sqlite/0009_appeal_stats_daily.sql for the why).
CREATE TABLE appeal_stats_daily (
  day BIGINT NOT NULL,
  lead_department_id BIGINT NOT NULL,
  lead_region_id BIGINT NOT NULL,
  town_id BIGINT NOT NULL,
  category_id BIGINT NOT NULL,
  channel TEXT NOT NULL,
  type TEXT NOT NULL,
  received BIGINT NOT NULL DEFAULT 0, dispatched BIGINT NOT NULL DEFAULT 0, direct BIGINT NOT NULL DEFAULT 0, signed_in BIGINT NOT NULL DEFAULT 0, signed_on_time BIGINT NOT NULL DEFAULT 0, closed BIGINT NOT NULL DEFAULT 0, closed_on_time BIGINT NOT NULL DEFAULT 0, overdue BIGINT NOT NULL DEFAULT 0, callbacks BIGINT NOT NULL DEFAULT 0, reached BIGINT NOT NULL DEFAULT 0, satisfied BIGINT NOT NULL DEFAULT 0, solved BIGINT NOT NULL DEFAULT 0, replied BIGINT NOT NULL DEFAULT 0, reopened BIGINT NOT NULL DEFAULT 0, repeats BIGINT NOT NULL DEFAULT 0, handle_days_sum DOUBLE PRECISION NOT NULL DEFAULT 0, handle_days_n BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (day, lead_department_id, lead_region_id, town_id, category_id, channel, type)
);

-- The same by local month (year * 12 + month - 1) without channel and type, ten times fewer
-- rows: whole months of a period come from here, the days at its edges from the daily table.
-- Recomputed from the daily table whenever one of its days is.
CREATE TABLE appeal_stats_monthly (
  month BIGINT NOT NULL,
  lead_department_id BIGINT NOT NULL,
  lead_region_id BIGINT NOT NULL,
  town_id BIGINT NOT NULL,
  category_id BIGINT NOT NULL,
  received BIGINT NOT NULL DEFAULT 0, dispatched BIGINT NOT NULL DEFAULT 0, direct BIGINT NOT NULL DEFAULT 0, signed_in BIGINT NOT NULL DEFAULT 0, signed_on_time BIGINT NOT NULL DEFAULT 0, closed BIGINT NOT NULL DEFAULT 0, closed_on_time BIGINT NOT NULL DEFAULT 0, overdue BIGINT NOT NULL DEFAULT 0, callbacks BIGINT NOT NULL DEFAULT 0, reached BIGINT NOT NULL DEFAULT 0, satisfied BIGINT NOT NULL DEFAULT 0, solved BIGINT NOT NULL DEFAULT 0, replied BIGINT NOT NULL DEFAULT 0, reopened BIGINT NOT NULL DEFAULT 0, repeats BIGINT NOT NULL DEFAULT 0, handle_days_sum DOUBLE PRECISION NOT NULL DEFAULT 0, handle_days_n BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (month, lead_department_id, lead_region_id, town_id, category_id)
);

-- And by month, channel, type and town (no unit, no category): statistics by channel or type,
-- or filtered by them, over whole months.
CREATE TABLE appeal_stats_monthly_ct (
  month BIGINT NOT NULL,
  channel TEXT NOT NULL,
  type TEXT NOT NULL,
  town_id BIGINT NOT NULL,
  received BIGINT NOT NULL DEFAULT 0, dispatched BIGINT NOT NULL DEFAULT 0, direct BIGINT NOT NULL DEFAULT 0, signed_in BIGINT NOT NULL DEFAULT 0, signed_on_time BIGINT NOT NULL DEFAULT 0, closed BIGINT NOT NULL DEFAULT 0, closed_on_time BIGINT NOT NULL DEFAULT 0, overdue BIGINT NOT NULL DEFAULT 0, callbacks BIGINT NOT NULL DEFAULT 0, reached BIGINT NOT NULL DEFAULT 0, satisfied BIGINT NOT NULL DEFAULT 0, solved BIGINT NOT NULL DEFAULT 0, replied BIGINT NOT NULL DEFAULT 0, reopened BIGINT NOT NULL DEFAULT 0, repeats BIGINT NOT NULL DEFAULT 0, handle_days_sum DOUBLE PRECISION NOT NULL DEFAULT 0, handle_days_n BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (month, channel, type, town_id)
);

CREATE TABLE appeal_stats_changes (
  id BIGSERIAL PRIMARY KEY,
  day BIGINT NOT NULL
);

INSERT INTO appeal_stats_changes(day) SELECT DISTINCT (created_at + 28800000) / 86400000 FROM appeals;

-- Statistics by town read the roll-up now: the index that served them costs intake for nothing.
DROP INDEX appeals_town;
