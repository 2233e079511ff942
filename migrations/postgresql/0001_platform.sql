-- Platform foundation: org tree, users, roles, sessions, audit, outbox, calendar adjustments.
-- PostgreSQL dialect; keep in step with migrations/sqlite/0001_platform.sql.
-- Times are UTC epoch milliseconds (BIGINT); flags are INTEGER 0/1.

CREATE TABLE regions (
  id BIGSERIAL PRIMARY KEY,
  parent_id BIGINT REFERENCES regions(id),
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
  id BIGSERIAL PRIMARY KEY,
  parent_id BIGINT REFERENCES departments(id),
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  region_id BIGINT REFERENCES regions(id),
  path TEXT NOT NULL,
  sort INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX departments_parent ON departments(parent_id);
CREATE INDEX departments_path ON departments(path);

CREATE TABLE positions (
  id BIGSERIAL PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL
);

CREATE TABLE roles (
  id BIGSERIAL PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  data_scope TEXT NOT NULL CHECK (data_scope IN ('all', 'department', 'region', 'self')),
  builtin INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);

CREATE TABLE role_permissions (
  role_id BIGINT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
  permission TEXT NOT NULL,
  PRIMARY KEY (role_id, permission)
);

CREATE TABLE users (
  id BIGSERIAL PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  phone TEXT,
  id_card TEXT,
  email TEXT,
  department_id BIGINT REFERENCES departments(id),
  region_id BIGINT REFERENCES regions(id),
  position_id BIGINT REFERENCES positions(id),
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
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role_id BIGINT NOT NULL REFERENCES roles(id),
  PRIMARY KEY (user_id, role_id)
);

CREATE TABLE sessions (
  id BIGSERIAL PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,   -- SHA-256 of the token; the token itself is never stored
  user_id BIGINT NOT NULL REFERENCES users(id),
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,        -- absolute limit
  revoked_at BIGINT,
  client_ip TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE audit_operations (
  id BIGSERIAL PRIMARY KEY,
  at BIGINT NOT NULL,
  user_id BIGINT,
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
  id BIGSERIAL PRIMARY KEY,
  at BIGINT NOT NULL,
  username TEXT NOT NULL,
  user_id BIGINT,
  client_ip TEXT NOT NULL,
  user_agent TEXT NOT NULL,
  success INTEGER NOT NULL,
  reason TEXT NOT NULL
);
CREATE INDEX audit_logins_at ON audit_logins(at);

-- The audit trail is append-only: no statement may change or remove an entry.
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit log is append-only'; END; $$;
CREATE TRIGGER audit_operations_append_only BEFORE UPDATE OR DELETE ON audit_operations
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_logins_append_only BEFORE UPDATE OR DELETE ON audit_logins
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_operations_no_truncate BEFORE TRUNCATE ON audit_operations
  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_logins_no_truncate BEFORE TRUNCATE ON audit_logins
  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();

CREATE TABLE outbox (
  id BIGSERIAL PRIMARY KEY,
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
  created_by BIGINT REFERENCES users(id)
);
