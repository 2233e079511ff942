-- The year figures read accepted amounts by year, month and project (overview, colours): a
-- covering index, so those sums read the index alone. Keep in step with the other dialect.
CREATE INDEX prj_reports_accepted ON prj_reports(year, status, month, project_id, amount, submitted_at);
