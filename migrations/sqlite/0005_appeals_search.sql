-- Appeals: repeat marks, the town of the location and handling time for statistics, the
-- full-text index (FTS5 trigram) and the index duplicate suggestions use. SQLite dialect; keep
-- in step with migrations/postgresql/0005_appeals_search.sql.

-- Same caller phone and category within 30 days before (counted by the repeat rate).
ALTER TABLE appeals ADD COLUMN is_repeat INTEGER NOT NULL DEFAULT 0;
-- The town containing region_id (statistics by region group on it).
ALTER TABLE appeals ADD COLUMN town_id INTEGER REFERENCES regions(id);
-- Working days from dispatch to the last reply, set at each reply.
ALTER TABLE appeals ADD COLUMN handle_days DOUBLE PRECISION;

UPDATE appeals SET town_id = (
  SELECT t.id FROM regions r JOIN regions t ON t.level = 'town' AND r.path LIKE t.path || '%'
  WHERE r.id = appeals.region_id);
UPDATE appeals SET is_repeat = CASE WHEN caller_phone <> '' AND EXISTS (
  SELECT 1 FROM appeals b WHERE b.caller_phone = appeals.caller_phone AND b.category_id = appeals.category_id
    AND b.created_at < appeals.created_at AND b.created_at >= appeals.created_at - 2592000000) THEN 1 ELSE 0 END;

-- Open cases by category and latitude: the nearby-duplicate lookup (a partial index, so it
-- stays as small as the open workload).
CREATE INDEX appeals_open_nearby ON appeals(category_id, lat) WHERE state NOT IN ('closed', 'archived', 'merged');
CREATE INDEX appeals_town ON appeals(town_id, created_at);
CREATE INDEX appeals_supervised ON appeals(supervise_level) WHERE supervise_level IS NOT NULL;

-- Chinese full text over content and reply: trigrams match any substring of 3+ characters.
CREATE VIRTUAL TABLE appeals_fts USING fts5(content, reply_text, content='appeals', content_rowid='id',
                                            tokenize='trigram');
CREATE TRIGGER appeals_fts_insert AFTER INSERT ON appeals BEGIN
  INSERT INTO appeals_fts(rowid, content, reply_text) VALUES (new.id, new.content, new.reply_text);
END;
CREATE TRIGGER appeals_fts_delete AFTER DELETE ON appeals BEGIN
  INSERT INTO appeals_fts(appeals_fts, rowid, content, reply_text) VALUES ('delete', old.id, old.content, old.reply_text);
END;
CREATE TRIGGER appeals_fts_update AFTER UPDATE OF content, reply_text ON appeals
  WHEN old.content IS NOT new.content OR old.reply_text IS NOT new.reply_text BEGIN
  INSERT INTO appeals_fts(appeals_fts, rowid, content, reply_text) VALUES ('delete', old.id, old.content, old.reply_text);
  INSERT INTO appeals_fts(rowid, content, reply_text) VALUES (new.id, new.content, new.reply_text);
END;
INSERT INTO appeals_fts(appeals_fts) VALUES ('rebuild');
