-- Appeals (诉求办理): catalogue, service levels, dispatch catalogue, cases, their timeline and
-- pending requests. SQLite dialect; keep in step with migrations/postgresql/0004_appeals.sql.

CREATE TABLE appeal_categories (
  id INTEGER PRIMARY KEY,
  parent_id INTEGER REFERENCES appeal_categories(id),
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  path TEXT NOT NULL,                  -- materialised path '/3/17/'
  sort INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  auto_dispatch INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX appeal_categories_parent ON appeal_categories(parent_id);

-- Time limits per category (0 = the district default) and urgency; a category without its
-- own row takes its nearest ancestor's, then the default.
CREATE TABLE appeal_sla (
  category_id INTEGER NOT NULL,
  urgency TEXT NOT NULL CHECK (urgency IN ('normal', 'urgent', 'critical')),
  sign_minutes INTEGER NOT NULL CHECK (sign_minutes > 0),
  handle_days INTEGER NOT NULL CHECK (handle_days > 0),
  PRIMARY KEY (category_id, urgency)
);

-- 派单目录: (category, region) → lead unit and co-units. region 0 = anywhere in the district.
CREATE TABLE appeal_dispatch_rules (
  id INTEGER PRIMARY KEY,
  category_id INTEGER NOT NULL REFERENCES appeal_categories(id),
  region_id INTEGER NOT NULL DEFAULT 0,
  lead_department_id INTEGER REFERENCES departments(id),
  lead_region_id INTEGER REFERENCES regions(id),
  co_department_ids TEXT NOT NULL DEFAULT '',   -- comma-separated department ids
  CHECK ((lead_department_id IS NULL) <> (lead_region_id IS NULL)),
  UNIQUE (category_id, region_id)
);

-- Case numbers: the last sequence used per local day (gaps are harmless, duplicates impossible).
CREATE TABLE appeal_numbers (
  day TEXT PRIMARY KEY,
  last INTEGER NOT NULL
);

CREATE TABLE appeals (
  id INTEGER PRIMARY KEY,
  number TEXT NOT NULL UNIQUE,
  channel TEXT NOT NULL,
  type TEXT NOT NULL,
  category_id INTEGER NOT NULL REFERENCES appeal_categories(id),
  urgency TEXT NOT NULL,
  caller_name TEXT NOT NULL DEFAULT '',
  caller_phone TEXT NOT NULL DEFAULT '',
  anonymous INTEGER NOT NULL DEFAULT 0,
  confidential INTEGER NOT NULL DEFAULT 0,
  content TEXT NOT NULL,
  address TEXT NOT NULL DEFAULT '',
  lng DOUBLE PRECISION,
  lat DOUBLE PRECISION,
  region_id INTEGER REFERENCES regions(id),      -- the most specific region of the location
  tags TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL,
  lead_department_id INTEGER REFERENCES departments(id),
  lead_region_id INTEGER REFERENCES regions(id),
  sub_region_id INTEGER REFERENCES regions(id),  -- second-level unit (village, grid)
  created_at BIGINT NOT NULL,
  created_by INTEGER REFERENCES users(id),
  dispatched_at BIGINT,
  signed_at BIGINT,
  replied_at BIGINT,
  closed_at BIGINT,
  archived_at BIGINT,
  sign_due_at BIGINT,
  handle_due_at BIGINT,
  sla_pending INTEGER NOT NULL DEFAULT 0,        -- a due date lies past the shipped calendar
  sign_late INTEGER NOT NULL DEFAULT 0,          -- ever signed or still unsigned after sign_due_at
  handle_late INTEGER NOT NULL DEFAULT 0,        -- ever past handle_due_at before the reply
  warning TEXT NOT NULL DEFAULT 'green',
  extension_pending INTEGER NOT NULL DEFAULT 0,
  reply_text TEXT,
  reply_result TEXT,
  callback_reached INTEGER,
  callback_solved INTEGER,
  satisfaction TEXT,
  master_id INTEGER REFERENCES appeals(id),
  reopen_count INTEGER NOT NULL DEFAULT 0,
  return_count INTEGER NOT NULL DEFAULT 0,
  extension_count INTEGER NOT NULL DEFAULT 0,
  supervise_level TEXT,
  supervise_due_at BIGINT,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX appeals_created ON appeals(created_at);
CREATE INDEX appeals_state ON appeals(state, id);
CREATE INDEX appeals_lead_department ON appeals(lead_department_id, state);
CREATE INDEX appeals_lead_region ON appeals(lead_region_id, state);
CREATE INDEX appeals_region ON appeals(region_id, created_at);
CREATE INDEX appeals_caller_phone ON appeals(caller_phone, created_at);
CREATE INDEX appeals_category ON appeals(category_id, created_at);

CREATE TABLE appeal_co_units (
  appeal_id INTEGER NOT NULL REFERENCES appeals(id),
  department_id INTEGER NOT NULL REFERENCES departments(id),
  PRIMARY KEY (appeal_id, department_id)
);
CREATE INDEX appeal_co_units_department ON appeal_co_units(department_id);

-- The case's timeline: every action, who, when, what.
CREATE TABLE appeal_timeline (
  id INTEGER PRIMARY KEY,
  appeal_id INTEGER NOT NULL REFERENCES appeals(id),
  at BIGINT NOT NULL,
  user_id INTEGER,
  user_name TEXT NOT NULL,
  action TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  data TEXT                                    -- JSON: the action's fields
);
CREATE INDEX appeal_timeline_appeal ON appeal_timeline(appeal_id, id);

-- Return and extension requests awaiting (or after) the centre's decision.
CREATE TABLE appeal_requests (
  id INTEGER PRIMARY KEY,
  appeal_id INTEGER NOT NULL REFERENCES appeals(id),
  kind TEXT NOT NULL CHECK (kind IN ('return', 'extension')),
  reason TEXT NOT NULL,
  new_due_at BIGINT,
  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
  requested_by INTEGER,
  requested_at BIGINT NOT NULL,
  decided_by INTEGER,
  decided_at BIGINT
);
CREATE INDEX appeal_requests_appeal ON appeal_requests(appeal_id, status);

-- Business settings the centre edits (number prefix, warning window, …).
CREATE TABLE appeal_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
