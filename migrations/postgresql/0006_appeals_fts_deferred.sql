-- SQLite moves its appeal full-text index off the intake path in this version (see
-- migrations/sqlite/0006_appeals_fts_deferred.sql). PostgreSQL's pg_trgm GIN index (0005) is
-- maintained by the server with its pending list (fastupdate), so nothing changes here; the
-- file keeps the two dialects' versions in step.
SELECT 1;
