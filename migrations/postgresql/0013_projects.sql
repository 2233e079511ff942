-- Key projects (重点项目调度): the registry, annual plans with milestones, monthly progress
-- reports with their review and history, the red/yellow/green rule set of each year and the
-- colour of each project and month. Amounts are integer 元 throughout. Keep in step with the
-- other dialect.

-- The district's industry list (e.g. its six leading industries); configurable.
CREATE TABLE prj_industries (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  sort INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE prj_projects (
  id BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL,
  code TEXT UNIQUE,                      -- national investment-project code (投资项目统一代码), when known
  level TEXT NOT NULL CHECK (level IN ('provincial', 'city', 'county')),
  industry TEXT NOT NULL REFERENCES prj_industries(code),
  nature TEXT NOT NULL CHECK (nature IN ('new', 'continued', 'expansion')),
  town_id BIGINT REFERENCES regions(id),
  content TEXT NOT NULL DEFAULT '',      -- construction content and scale
  lead_unit_id BIGINT NOT NULL REFERENCES departments(id),
  leaders TEXT NOT NULL DEFAULT '',      -- assigned county-level leaders (帮包领导), names joined by '、'
  leader_unit_id BIGINT REFERENCES departments(id),  -- the assigned department (帮包部门)
  owner_company TEXT NOT NULL DEFAULT '',
  owner_contact TEXT NOT NULL DEFAULT '',
  owner_phone TEXT NOT NULL DEFAULT '',
  total_investment BIGINT NOT NULL CHECK (total_investment >= 0),
  start_year INTEGER NOT NULL,
  end_year INTEGER NOT NULL,
  planned_start TEXT,                    -- dates YYYY-MM-DD
  actual_start TEXT,
  planned_completion TEXT,
  status TEXT NOT NULL CHECK (status IN ('preparation', 'construction', 'completed', 'production', 'suspended')),
  approvals TEXT NOT NULL DEFAULT '',    -- pre-construction approvals: kind=YYYY-MM-DD or kind=pending, ';'
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  CHECK (end_year >= start_year)
);
CREATE INDEX prj_projects_lead ON prj_projects(lead_unit_id);
CREATE INDEX prj_projects_town ON prj_projects(town_id);

-- The departments a project involves: its lead unit, the co-responsible units and the assigned
-- department (a department-scoped user sees the projects of their units).
CREATE TABLE prj_project_units (
  project_id BIGINT NOT NULL REFERENCES prj_projects(id),
  department_id BIGINT NOT NULL REFERENCES departments(id),
  role TEXT NOT NULL CHECK (role IN ('lead', 'co', 'assigned')),
  PRIMARY KEY (project_id, department_id, role)
);
CREATE INDEX prj_project_units_department ON prj_project_units(department_id);

-- Settings of the supervising office (report due and lock days), key → text.
CREATE TABLE prj_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- A project's plan for a year: planned investment and, when it starts that year, its month.
CREATE TABLE prj_plans (
  project_id BIGINT NOT NULL REFERENCES prj_projects(id),
  year INTEGER NOT NULL,
  planned_investment BIGINT NOT NULL CHECK (planned_investment >= 0),
  planned_start_month INTEGER CHECK (planned_start_month BETWEEN 1 AND 12),
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (project_id, year)
);

-- Milestones (形象进度节点) of a year's plan, reached when a report or the office says so.
CREATE TABLE prj_milestones (
  id BIGSERIAL PRIMARY KEY,
  project_id BIGINT NOT NULL REFERENCES prj_projects(id),
  year INTEGER NOT NULL,
  month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
  title TEXT NOT NULL,
  reached_on TEXT,
  report_id BIGINT
);
CREATE INDEX prj_milestones_project ON prj_milestones(project_id, year);

-- One report per project and month, by the lead unit; reviewed by the supervising office.
-- `late`: submitted after the month's lock day; `over_total`: the cumulative investment since
-- the start exceeds the project's total (accepted, flagged).
CREATE TABLE prj_reports (
  id BIGSERIAL PRIMARY KEY,
  project_id BIGINT NOT NULL REFERENCES prj_projects(id),
  year INTEGER NOT NULL,
  month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
  amount BIGINT NOT NULL CHECK (amount >= 0),      -- investment completed in the month
  progress TEXT NOT NULL DEFAULT '',
  problems TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('submitted', 'accepted', 'returned')),
  late INTEGER NOT NULL DEFAULT 0,
  over_total INTEGER NOT NULL DEFAULT 0,
  submitted_by BIGINT,
  submitted_at BIGINT NOT NULL,
  reviewed_by BIGINT,
  reviewed_at BIGINT,
  review_note TEXT NOT NULL DEFAULT '',
  revision INTEGER NOT NULL DEFAULT 1,
  version INTEGER NOT NULL DEFAULT 1,
  UNIQUE (project_id, year, month)
);
CREATE INDEX prj_reports_period ON prj_reports(year, month, status);

-- Every state of a report, one row per change (submitted, returned, resubmitted, accepted,
-- corrected): the history kept when a report changes after acceptance.
CREATE TABLE prj_report_history (
  id BIGSERIAL PRIMARY KEY,
  report_id BIGINT NOT NULL REFERENCES prj_reports(id),
  revision INTEGER NOT NULL,
  action TEXT NOT NULL,
  amount BIGINT NOT NULL,
  progress TEXT NOT NULL,
  problems TEXT NOT NULL,
  status TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  by_user BIGINT,
  at BIGINT NOT NULL
);
CREATE INDEX prj_report_history_report ON prj_report_history(report_id);

-- The red/yellow/green rule set in force for a year (projects/warning_rules.h), as JSON.
CREATE TABLE prj_rule_sets (
  year INTEGER PRIMARY KEY,
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  body TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);

-- The colour of a project for a month with the reasons (JSON) and the rule set that gave it.
CREATE TABLE prj_colours (
  project_id BIGINT NOT NULL REFERENCES prj_projects(id),
  year INTEGER NOT NULL,
  month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
  colour TEXT NOT NULL CHECK (colour IN ('green', 'yellow', 'red')),
  base TEXT NOT NULL CHECK (base IN ('green', 'yellow', 'red')),
  reasons TEXT NOT NULL,
  rule_set TEXT NOT NULL,
  evaluated_at BIGINT NOT NULL,
  PRIMARY KEY (project_id, year, month)
);
