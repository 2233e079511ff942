-- The year figures of each project (projects/reports.h, docs/projects.md "Year figures"): per
-- project and year, the accepted amount of each month (a1…a12, 0 without an accepted report) and
-- when each month's report was first submitted (s1…s12, NULL without a report). Kept by the report
-- service in the transaction of every change of a report, so the overview and the monthly colour
-- evaluation read one row per project instead of summing the reports. Keep in step with the other
-- dialect.
CREATE TABLE prj_year_figures (
  project_id BIGINT NOT NULL REFERENCES prj_projects(id),
  year INTEGER NOT NULL,
  a1 BIGINT NOT NULL DEFAULT 0,
  a2 BIGINT NOT NULL DEFAULT 0,
  a3 BIGINT NOT NULL DEFAULT 0,
  a4 BIGINT NOT NULL DEFAULT 0,
  a5 BIGINT NOT NULL DEFAULT 0,
  a6 BIGINT NOT NULL DEFAULT 0,
  a7 BIGINT NOT NULL DEFAULT 0,
  a8 BIGINT NOT NULL DEFAULT 0,
  a9 BIGINT NOT NULL DEFAULT 0,
  a10 BIGINT NOT NULL DEFAULT 0,
  a11 BIGINT NOT NULL DEFAULT 0,
  a12 BIGINT NOT NULL DEFAULT 0,
  s1 BIGINT,
  s2 BIGINT,
  s3 BIGINT,
  s4 BIGINT,
  s5 BIGINT,
  s6 BIGINT,
  s7 BIGINT,
  s8 BIGINT,
  s9 BIGINT,
  s10 BIGINT,
  s11 BIGINT,
  s12 BIGINT,
  PRIMARY KEY (project_id, year)
);
CREATE INDEX prj_year_figures_year ON prj_year_figures(year);

INSERT INTO prj_year_figures (project_id, year, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12)
SELECT project_id, year,
       SUM(CASE WHEN month = 1 AND status = 'accepted' THEN amount ELSE 0 END),
       SUM(CASE WHEN month = 2 AND status = 'accepted' THEN amount ELSE 0 END),
       SUM(CASE WHEN month = 3 AND status = 'accepted' THEN amount ELSE 0 END),
       SUM(CASE WHEN month = 4 AND status = 'accepted' THEN amount ELSE 0 END),
       SUM(CASE WHEN month = 5 AND status = 'accepted' THEN amount ELSE 0 END),
       SUM(CASE WHEN month = 6 AND status = 'accepted' THEN amount ELSE 0 END),
       SUM(CASE WHEN month = 7 AND status = 'accepted' THEN amount ELSE 0 END),
       SUM(CASE WHEN month = 8 AND status = 'accepted' THEN amount ELSE 0 END),
       SUM(CASE WHEN month = 9 AND status = 'accepted' THEN amount ELSE 0 END),
       SUM(CASE WHEN month = 10 AND status = 'accepted' THEN amount ELSE 0 END),
       SUM(CASE WHEN month = 11 AND status = 'accepted' THEN amount ELSE 0 END),
       SUM(CASE WHEN month = 12 AND status = 'accepted' THEN amount ELSE 0 END),
       MAX(CASE WHEN month = 1 THEN submitted_at END),
       MAX(CASE WHEN month = 2 THEN submitted_at END),
       MAX(CASE WHEN month = 3 THEN submitted_at END),
       MAX(CASE WHEN month = 4 THEN submitted_at END),
       MAX(CASE WHEN month = 5 THEN submitted_at END),
       MAX(CASE WHEN month = 6 THEN submitted_at END),
       MAX(CASE WHEN month = 7 THEN submitted_at END),
       MAX(CASE WHEN month = 8 THEN submitted_at END),
       MAX(CASE WHEN month = 9 THEN submitted_at END),
       MAX(CASE WHEN month = 10 THEN submitted_at END),
       MAX(CASE WHEN month = 11 THEN submitted_at END),
       MAX(CASE WHEN month = 12 THEN submitted_at END)
FROM prj_reports GROUP BY project_id, year;

-- The sums the figures replace no longer need their covering index.
DROP INDEX prj_reports_accepted;

