-- Appeals open to citizens and other systems: the query code a citizen uses to follow a case,
-- the Open311 (GeoReport v2) clients with their API keys, and what an Open311 request brought
-- beyond an ordinary appeal. Keep in step with the other dialect's 0007_appeals_open.sql.

-- SHA-256 (hex) of the case's query code (查询码); NULL: no code was issued.
ALTER TABLE appeals ADD COLUMN query_code_hash TEXT;

-- An application allowed to use /open311/v2 (a WeChat mini-program, a town's app). It acts as
-- its service account user_id: that user's roles and data scope decide what it may file and read.
CREATE TABLE open311_clients (
  id BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  key_hash TEXT NOT NULL UNIQUE,   -- SHA-256 (hex) of the API key; the key itself is shown once
  key_prefix TEXT NOT NULL,        -- first characters of the key, to tell keys apart
  channel TEXT NOT NULL,           -- the appeal channel its requests arrive on
  user_id BIGINT NOT NULL REFERENCES users(id),
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL
);

-- One row per appeal filed through Open311.
CREATE TABLE open311_requests (
  appeal_id BIGINT PRIMARY KEY REFERENCES appeals(id),
  client_id BIGINT NOT NULL REFERENCES open311_clients(id),
  token TEXT NOT NULL UNIQUE,
  service_code TEXT NOT NULL,
  account_id TEXT NOT NULL DEFAULT '',
  device_id TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  media_url TEXT NOT NULL DEFAULT '',
  attributes TEXT NOT NULL DEFAULT '{}'  -- the attribute values as posted (JSON)
);
