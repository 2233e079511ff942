-- Surface-water monitoring sections (地表水监测断面) and their samples, classified by
-- GB 3838-2002 (environment/water_quality.h). Keep in step with the other dialect.
--
-- A section is never deleted (its samples stay attributable): it is disabled. Its target class
-- (水质目标) is 1-5 for I-V. A sample is one day's laboratory or automatic-station result; its
-- values are kept exactly as decimal text, `code=value` joined by `;` (e.g. `ph=7.62;nh3n=0.48`),
-- one sample per section and date: a correction replaces the values (version + 1) and the
-- operation log keeps the earlier ones.
CREATE TABLE env_water_sections (
  id BIGSERIAL PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  river TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL CHECK (kind IN ('river', 'lake')),
  control TEXT NOT NULL CHECK (control IN ('national', 'provincial', 'city', 'county')),
  target_class INTEGER NOT NULL CHECK (target_class BETWEEN 1 AND 5),
  lng DOUBLE PRECISION,
  lat DOUBLE PRECISION,
  region_id BIGINT REFERENCES regions(id),
  town_id BIGINT REFERENCES regions(id),
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE env_water_samples (
  id BIGSERIAL PRIMARY KEY,
  section_id BIGINT NOT NULL REFERENCES env_water_sections(id),
  sampled_on TEXT NOT NULL CHECK (length(sampled_on) = 10),  -- local date YYYY-MM-DD
  measured TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'import')),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  UNIQUE (section_id, sampled_on)
);
