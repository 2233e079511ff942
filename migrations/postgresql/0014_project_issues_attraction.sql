-- Key projects' issue lists (问题清单) with their three escalation levels, the joint meetings
-- (联席会议) whose decisions answer them, and the investment-attraction pipeline (招商引资) with
-- the all-citizen talent and contact database (全民招商人才信息库). Amounts in integer 元. Keep in
-- step with the other dialect.

CREATE TABLE prj_issues (
  id BIGSERIAL PRIMARY KEY,
  project_id BIGINT NOT NULL REFERENCES prj_projects(id),
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL CHECK (kind IN ('land', 'funding', 'approvals', 'relocation', 'utilities', 'labour', 'other')),
  unit_id BIGINT NOT NULL REFERENCES departments(id),  -- responsible unit
  raised_on TEXT NOT NULL,                              -- YYYY-MM-DD
  working_days INTEGER NOT NULL CHECK (working_days BETWEEN 1 AND 250),
  deadline TEXT NOT NULL,                               -- raised_on + working_days on the calendar
  level INTEGER NOT NULL DEFAULT 1 CHECK (level BETWEEN 1 AND 3),  -- owner, joint meeting, district government
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  resolution TEXT NOT NULL DEFAULT '',
  resolved_on TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX prj_issues_project ON prj_issues(project_id);
CREATE INDEX prj_issues_status ON prj_issues(status, deadline);

CREATE TABLE prj_issue_log (
  id BIGSERIAL PRIMARY KEY,
  issue_id BIGINT NOT NULL REFERENCES prj_issues(id),
  action TEXT NOT NULL,            -- raise, escalate, decide, resolve, reopen
  level INTEGER NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  meeting_id BIGINT,
  by_user BIGINT,
  at BIGINT NOT NULL
);
CREATE INDEX prj_issue_log_issue ON prj_issue_log(issue_id);

CREATE TABLE prj_meetings (
  id BIGSERIAL PRIMARY KEY,
  held_on TEXT NOT NULL,
  title TEXT NOT NULL,
  chair TEXT NOT NULL DEFAULT '',
  attendees TEXT NOT NULL DEFAULT '',
  minutes TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  created_by BIGINT
);

-- A meeting's decisions, each answering an issue (or none) and given to a unit with a date.
CREATE TABLE prj_meeting_decisions (
  id BIGSERIAL PRIMARY KEY,
  meeting_id BIGINT NOT NULL REFERENCES prj_meetings(id),
  issue_id BIGINT REFERENCES prj_issues(id),
  decision TEXT NOT NULL,
  unit_id BIGINT REFERENCES departments(id),
  due_on TEXT
);
CREATE INDEX prj_meeting_decisions_issue ON prj_meeting_decisions(issue_id);

-- People who bring leads: residents, natives working elsewhere, business contacts.
CREATE TABLE prj_talents (
  id BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL,
  phone TEXT NOT NULL DEFAULT '',
  organisation TEXT NOT NULL DEFAULT '',
  city TEXT NOT NULL DEFAULT '',
  field TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);

CREATE TABLE prj_leads (
  id BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL,
  investor TEXT NOT NULL DEFAULT '',
  industry TEXT NOT NULL REFERENCES prj_industries(code),
  amount BIGINT NOT NULL CHECK (amount >= 0),        -- intended investment
  talent_id BIGINT REFERENCES prj_talents(id),       -- who brought it
  town_id BIGINT REFERENCES regions(id),
  stage TEXT NOT NULL CHECK (stage IN ('lead', 'negotiating', 'signed', 'registered', 'started', 'converted', 'dropped')),
  signed_on TEXT,
  registered_on TEXT,
  started_on TEXT,
  project_id BIGINT REFERENCES prj_projects(id),     -- once converted into a key project
  note TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX prj_leads_stage ON prj_leads(stage);
