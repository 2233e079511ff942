-- Role grants of scenario modules (platform/module.h), applied once per key so that an
-- administrator's later change to a role is not undone at the next start.
CREATE TABLE role_grants_applied (
  grants_key TEXT PRIMARY KEY,
  applied_at BIGINT NOT NULL
);
