-- Platform foundation: org tree, users, roles, sessions, audit, outbox, calendar adjustments.
-- Times are UTC epoch milliseconds (BIGINT); flags are INTEGER 0/1.

CREATE TABLE regions (
  id INTEGER PRIMARY KEY,
  parent_id INTEGER REFERENCES regions(id),
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('district', 'town', 'village', 'grid')),
  path TEXT NOT NULL,            -- materialised path '/1/5/23/' for subtree queries
  geometry TEXT,                 -- GeoJSON Polygon or MultiPolygon
  sort INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX regions_parent ON regions(parent_id);
CREATE INDEX regions_path ON regions(path);

CREATE TABLE departments (
  id INTEGER PRIMARY KEY,
  parent_id INTEGER REFERENCES departments(id),
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  region_id INTEGER REFERENCES regions(id),
  path TEXT NOT NULL,
  sort INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX departments_parent ON departments(parent_id);
CREATE INDEX departments_path ON departments(path);

CREATE TABLE positions (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL
);

CREATE TABLE roles (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  data_scope TEXT NOT NULL CHECK (data_scope IN ('all', 'department', 'region', 'self')),
  builtin INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);

CREATE TABLE role_permissions (
  role_id INTEGER NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
  permission TEXT NOT NULL,
  PRIMARY KEY (role_id, permission)
);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  phone TEXT,
  id_card TEXT,
  email TEXT,
  department_id INTEGER REFERENCES departments(id),
  region_id INTEGER REFERENCES regions(id),
  position_id INTEGER REFERENCES positions(id),
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  last_login_at BIGINT
);
CREATE INDEX users_department ON users(department_id);
CREATE INDEX users_region ON users(region_id);

CREATE TABLE user_roles (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role_id INTEGER NOT NULL REFERENCES roles(id),
  PRIMARY KEY (user_id, role_id)
);

CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,   -- SHA-256 of the token; the token itself is never stored
  user_id INTEGER NOT NULL REFERENCES users(id),
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,        -- absolute limit
  revoked_at BIGINT,
  client_ip TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE audit_operations (
  id INTEGER PRIMARY KEY,
  at BIGINT NOT NULL,
  user_id INTEGER,
  username TEXT NOT NULL,
  client_ip TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  action TEXT NOT NULL,
  before_json TEXT,
  after_json TEXT
);
CREATE INDEX audit_operations_at ON audit_operations(at);
CREATE INDEX audit_operations_entity ON audit_operations(entity, entity_id);

CREATE TABLE audit_logins (
  id INTEGER PRIMARY KEY,
  at BIGINT NOT NULL,
  username TEXT NOT NULL,
  user_id INTEGER,
  client_ip TEXT NOT NULL,
  user_agent TEXT NOT NULL,
  success INTEGER NOT NULL,
  reason TEXT NOT NULL
);
CREATE INDEX audit_logins_at ON audit_logins(at);

-- The audit trail is append-only: no statement may change or remove an entry.
CREATE TRIGGER audit_operations_no_update BEFORE UPDATE ON audit_operations
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_operations_no_delete BEFORE DELETE ON audit_operations
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_logins_no_update BEFORE UPDATE ON audit_logins
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_logins_no_delete BEFORE DELETE ON audit_logins
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  at BIGINT NOT NULL,
  topic TEXT NOT NULL,
  payload TEXT NOT NULL,
  delivered_at BIGINT
);
CREATE INDEX outbox_pending ON outbox(delivered_at, id);

CREATE TABLE calendar_adjustments (
  date TEXT PRIMARY KEY,             -- YYYY-MM-DD, Asia/Shanghai
  working INTEGER NOT NULL,
  reason TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by INTEGER REFERENCES users(id)
);
