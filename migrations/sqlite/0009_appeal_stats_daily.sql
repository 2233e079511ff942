-- Statistics roll-up: the counters of docs/appeals.md "Statistics" per local day of receipt and
-- per lead unit, town, category, channel and type, so that a year's statistics read a few
-- thousand rows instead of every case. Kept exact by a change log: every insert or update of
-- an appeal logs its day in the same transaction (the store's writers do it, not triggers: a
-- trigger gives every statement a statement journal, which makes FTS5 flush on bulk loads);
-- the appeals job and every statistics read recompute the logged days and delete the log rows
-- they consumed. Bulk loads rebuild the roll-up instead.
-- Keep in step with migrations/postgresql/0009_appeal_stats_daily.sql.
CREATE TABLE appeal_stats_daily (
  day INTEGER NOT NULL,                 -- local (UTC+8) day number: (created_at + 28800000) / 86400000
  lead_department_id INTEGER NOT NULL,  -- 0: none
  lead_region_id INTEGER NOT NULL,      -- 0: none
  town_id INTEGER NOT NULL,             -- 0: not located
  category_id INTEGER NOT NULL,
  channel TEXT NOT NULL,
  type TEXT NOT NULL,
  received BIGINT NOT NULL DEFAULT 0, dispatched BIGINT NOT NULL DEFAULT 0, direct BIGINT NOT NULL DEFAULT 0, signed_in BIGINT NOT NULL DEFAULT 0, signed_on_time BIGINT NOT NULL DEFAULT 0, closed BIGINT NOT NULL DEFAULT 0, closed_on_time BIGINT NOT NULL DEFAULT 0, overdue BIGINT NOT NULL DEFAULT 0, callbacks BIGINT NOT NULL DEFAULT 0, reached BIGINT NOT NULL DEFAULT 0, satisfied BIGINT NOT NULL DEFAULT 0, solved BIGINT NOT NULL DEFAULT 0, replied BIGINT NOT NULL DEFAULT 0, reopened BIGINT NOT NULL DEFAULT 0, repeats BIGINT NOT NULL DEFAULT 0, handle_days_sum DOUBLE PRECISION NOT NULL DEFAULT 0, handle_days_n BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (day, lead_department_id, lead_region_id, town_id, category_id, channel, type)
);

-- The same by local month (year * 12 + month - 1) without channel and type, ten times fewer
-- rows: whole months of a period come from here, the days at its edges from the daily table.
-- Recomputed from the daily table whenever one of its days is.
CREATE TABLE appeal_stats_monthly (
  month INTEGER NOT NULL,
  lead_department_id INTEGER NOT NULL,
  lead_region_id INTEGER NOT NULL,
  town_id INTEGER NOT NULL,
  category_id INTEGER NOT NULL,
  received BIGINT NOT NULL DEFAULT 0, dispatched BIGINT NOT NULL DEFAULT 0, direct BIGINT NOT NULL DEFAULT 0, signed_in BIGINT NOT NULL DEFAULT 0, signed_on_time BIGINT NOT NULL DEFAULT 0, closed BIGINT NOT NULL DEFAULT 0, closed_on_time BIGINT NOT NULL DEFAULT 0, overdue BIGINT NOT NULL DEFAULT 0, callbacks BIGINT NOT NULL DEFAULT 0, reached BIGINT NOT NULL DEFAULT 0, satisfied BIGINT NOT NULL DEFAULT 0, solved BIGINT NOT NULL DEFAULT 0, replied BIGINT NOT NULL DEFAULT 0, reopened BIGINT NOT NULL DEFAULT 0, repeats BIGINT NOT NULL DEFAULT 0, handle_days_sum DOUBLE PRECISION NOT NULL DEFAULT 0, handle_days_n BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (month, lead_department_id, lead_region_id, town_id, category_id)
);

-- And by month, channel, type and town (no unit, no category): statistics by channel or type,
-- or filtered by them, over whole months.
CREATE TABLE appeal_stats_monthly_ct (
  month INTEGER NOT NULL,
  channel TEXT NOT NULL,
  type TEXT NOT NULL,
  town_id INTEGER NOT NULL,
  received BIGINT NOT NULL DEFAULT 0, dispatched BIGINT NOT NULL DEFAULT 0, direct BIGINT NOT NULL DEFAULT 0, signed_in BIGINT NOT NULL DEFAULT 0, signed_on_time BIGINT NOT NULL DEFAULT 0, closed BIGINT NOT NULL DEFAULT 0, closed_on_time BIGINT NOT NULL DEFAULT 0, overdue BIGINT NOT NULL DEFAULT 0, callbacks BIGINT NOT NULL DEFAULT 0, reached BIGINT NOT NULL DEFAULT 0, satisfied BIGINT NOT NULL DEFAULT 0, solved BIGINT NOT NULL DEFAULT 0, replied BIGINT NOT NULL DEFAULT 0, reopened BIGINT NOT NULL DEFAULT 0, repeats BIGINT NOT NULL DEFAULT 0, handle_days_sum DOUBLE PRECISION NOT NULL DEFAULT 0, handle_days_n BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (month, channel, type, town_id)
);

CREATE TABLE appeal_stats_changes (
  id INTEGER PRIMARY KEY,
  day INTEGER NOT NULL
);

-- The cases already there: every day of them is to be computed.
INSERT INTO appeal_stats_changes(day) SELECT DISTINCT (created_at + 28800000) / 86400000 FROM appeals;

-- Statistics by town read the roll-up now: the index that served them costs intake for nothing.
DROP INDEX appeals_town;
