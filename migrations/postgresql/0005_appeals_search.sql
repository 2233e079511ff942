-- Appeals: repeat marks, the town of the location and handling time for statistics, the
-- full-text index (pg_trgm) and the index duplicate suggestions use. PostgreSQL dialect; keep
-- in step with migrations/sqlite/0005_appeals_search.sql. pg_trgm is a trusted extension
-- (PostgreSQL 13+): the database owner may create it. Chinese characters count as word
-- characters only in a UTF-8 locale (initdb --locale=C.UTF-8 or zh_CN.UTF-8).

ALTER TABLE appeals ADD COLUMN is_repeat INTEGER NOT NULL DEFAULT 0;
ALTER TABLE appeals ADD COLUMN town_id BIGINT REFERENCES regions(id);
ALTER TABLE appeals ADD COLUMN handle_days DOUBLE PRECISION;

UPDATE appeals SET town_id = (
  SELECT t.id FROM regions r JOIN regions t ON t.level = 'town' AND r.path LIKE t.path || '%'
  WHERE r.id = appeals.region_id);
UPDATE appeals SET is_repeat = CASE WHEN caller_phone <> '' AND EXISTS (
  SELECT 1 FROM appeals b WHERE b.caller_phone = appeals.caller_phone AND b.category_id = appeals.category_id
    AND b.created_at < appeals.created_at AND b.created_at >= appeals.created_at - 2592000000) THEN 1 ELSE 0 END;

CREATE INDEX appeals_open_nearby ON appeals(category_id, lat) WHERE state NOT IN ('closed', 'archived', 'merged');
CREATE INDEX appeals_town ON appeals(town_id, created_at);
CREATE INDEX appeals_supervised ON appeals(supervise_level) WHERE supervise_level IS NOT NULL;

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX appeals_text_trgm ON appeals USING gin ((content || ' ' || coalesce(reply_text, '')) gin_trgm_ops);
