-- Files attached to an appeal (photos, recordings, documents). The bytes live in the file
-- store (config [files] dir) under their SHA-256; this row is the label and the evidence of who
-- attached what and when. Rows are never deleted. Keep in step with the other dialect.
CREATE TABLE appeal_attachments (
  id INTEGER PRIMARY KEY,
  appeal_id BIGINT NOT NULL REFERENCES appeals(id),
  name TEXT NOT NULL,           -- the uploader's file name, checked; never a path
  content_type TEXT NOT NULL,   -- sniffed from the bytes
  size BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  uploaded_by BIGINT REFERENCES users(id),
  uploaded_by_name TEXT NOT NULL,
  uploaded_at BIGINT NOT NULL
);
CREATE INDEX appeal_attachments_appeal ON appeal_attachments(appeal_id);
