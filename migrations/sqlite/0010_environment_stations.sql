-- Monitoring stations that speak HJ 212 (环境监测站点). MN is the device number the station
-- sends in every packet; the access password (PW) is kept as its SHA-256. A station is never
-- deleted (its data stays attributable): it is disabled. Keep in step with the other dialect.
CREATE TABLE env_stations (
  id INTEGER PRIMARY KEY,
  mn TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('national', 'provincial', 'county', 'micro')),
  lng DOUBLE PRECISION,
  lat DOUBLE PRECISION,
  region_id BIGINT REFERENCES regions(id),   -- the most specific region of the location
  town_id BIGINT REFERENCES regions(id),
  password_hash TEXT NOT NULL,
  factors TEXT NOT NULL DEFAULT '',          -- factor codes reported, comma-separated (a34004,a21026,…)
  protocol TEXT NOT NULL DEFAULT '2017' CHECK (protocol IN ('2005', '2017', '2025')),
  enabled INTEGER NOT NULL DEFAULT 1,
  last_seen_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX env_stations_town ON env_stations(town_id);
