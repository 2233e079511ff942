-- Full text, indexed without slowing intake. An FTS5 trigger on every INSERT cost intake a
-- third of its rate (each group commit flushed and merged a new FTS segment), so:
--   * content is immutable after intake: appeals_fts indexes it in batches, behind the
--     high-water mark appeal_fts_state.indexed_upto (SQLite commits ids in order: one writer);
--     searches also scan the few rows above the mark, so nothing is ever missing;
--   * the reply changes at human pace: appeals_reply_fts follows it by trigger on UPDATE (an
--     FTS5 table flushes its pending data at every statement savepoint, i.e. per row through a
--     trigger, so bulk imports of cases that already carry a reply index them with one
--     INSERT … SELECT instead: store.cpp, insert_appeals_bulk).
-- SQLite dialect; PostgreSQL keeps its pg_trgm index (0005), maintained by the server.

DROP TRIGGER appeals_fts_insert;
DROP TRIGGER appeals_fts_update;
DROP TRIGGER appeals_fts_delete;
DROP TABLE appeals_fts;

CREATE TABLE appeal_fts_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  indexed_upto INTEGER NOT NULL
);

CREATE VIRTUAL TABLE appeals_fts USING fts5(content, content='appeals', content_rowid='id', tokenize='trigram');
CREATE VIRTUAL TABLE appeals_reply_fts USING fts5(reply_text, content='appeals', content_rowid='id',
                                                  tokenize='trigram');

-- One trigger, so that the old text is removed before the new one is added.
CREATE TRIGGER appeals_reply_fts_update AFTER UPDATE OF reply_text ON appeals
  WHEN old.reply_text IS NOT new.reply_text BEGIN
  INSERT INTO appeals_reply_fts(appeals_reply_fts, rowid, reply_text)
    SELECT 'delete', old.id, old.reply_text WHERE old.reply_text IS NOT NULL;
  INSERT INTO appeals_reply_fts(rowid, reply_text) SELECT new.id, new.reply_text WHERE new.reply_text IS NOT NULL;
END;
CREATE TRIGGER appeals_fts_delete AFTER DELETE ON appeals BEGIN
  INSERT INTO appeals_reply_fts(appeals_reply_fts, rowid, reply_text)
    SELECT 'delete', old.id, old.reply_text WHERE old.reply_text IS NOT NULL;
  INSERT INTO appeals_fts(appeals_fts, rowid, content)
    SELECT 'delete', old.id, old.content WHERE old.id <= (SELECT indexed_upto FROM appeal_fts_state);
END;

INSERT INTO appeals_fts(rowid, content) SELECT id, content FROM appeals ORDER BY id;
INSERT INTO appeal_fts_state (id, indexed_upto) SELECT 1, COALESCE(MAX(id), 0) FROM appeals;
INSERT INTO appeals_reply_fts(rowid, reply_text) SELECT id, reply_text FROM appeals WHERE reply_text IS NOT NULL;
