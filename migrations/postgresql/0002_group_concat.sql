-- group_concat(value, separator), as SQLite has it, so that one SQL text serves both
-- dialects (e.g. a user's roles aggregated in the user list). NULL values are skipped.
CREATE FUNCTION ecity_concat_step(acc text, val text, sep text) RETURNS text
  LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN val IS NULL THEN acc WHEN acc IS NULL THEN val ELSE acc || sep || val END $$;
CREATE AGGREGATE group_concat(text, text) (SFUNC = ecity_concat_step, STYPE = text);
