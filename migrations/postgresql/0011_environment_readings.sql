-- What monitoring stations send (HJ 212 uploads 2011 real-time, 2051 minute, 2061 hourly and
-- 2031 daily data) and what the listener refused. Keep in step with the other dialect.
--
-- One row per (station, CN, DataTime): a re-sent packet finds its row and changes nothing. The
-- six AQI pollutants have their own columns, in millionths of the canonical unit (µg/m³; CO
-- mg/m³, converted from the station's units on arrival), each with its HJ 212 data flag
-- (N, F, M, S, D, C, T, B; NULL when the packet had no flag). Every other item of the data area
-- is kept in `other` as sent (`code-suffix=value;…`). A split message (PNUM > 1) fills its
-- row part by part: `parts` has bit PNO-1 set for each sub-packet received.
CREATE TABLE env_readings (
  station_id BIGINT NOT NULL REFERENCES env_stations(id),
  cn INTEGER NOT NULL CHECK (cn IN (2011, 2051, 2061, 2031)),
  data_time BIGINT NOT NULL,       -- epoch ms; the period's start for 2051, 2061 and 2031
  so2 BIGINT, no2 BIGINT, co BIGINT, o3 BIGINT, pm10 BIGINT, pm25 BIGINT,
  so2_flag TEXT, no2_flag TEXT, co_flag TEXT, o3_flag TEXT, pm10_flag TEXT, pm25_flag TEXT,
  other TEXT NOT NULL DEFAULT '',
  parts BIGINT NOT NULL DEFAULT 1,
  pnum INTEGER NOT NULL DEFAULT 1,
  received_at BIGINT NOT NULL,
  source TEXT NOT NULL DEFAULT 'hj212' CHECK (source IN ('hj212', 'import')),
  PRIMARY KEY (station_id, cn, data_time)
);

-- Packets and connections the listener refused, for the console's data-quality view. The
-- listener writes at most a few rows a second (the counters in /metrics count them all).
CREATE TABLE env_rejections (
  id BIGSERIAL PRIMARY KEY,
  at BIGINT NOT NULL,
  peer TEXT NOT NULL,
  reason TEXT NOT NULL,
  mn TEXT,
  station_id BIGINT,
  detail TEXT NOT NULL DEFAULT '',
  sample TEXT NOT NULL DEFAULT ''  -- the packet's first bytes, non-printable ones escaped
);
CREATE INDEX env_rejections_at ON env_rejections(at);

-- Per-station units of the AQI factors when they differ from µg/m³ (CO mg/m³), e.g.
-- `a34004=ng/m3,a34002=ng/m3`, and vendor factor codes, e.g. `o31104=a05024`.
ALTER TABLE env_stations ADD COLUMN units TEXT NOT NULL DEFAULT '';
ALTER TABLE env_stations ADD COLUMN aliases TEXT NOT NULL DEFAULT '';
