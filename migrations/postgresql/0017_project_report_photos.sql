-- Photos of a monthly report (site progress): the bytes live in the platform's file store under
-- their SHA-256 (platform/files/file_store.h); the name is a label only. Keep in step with the
-- other dialect.
CREATE TABLE prj_report_photos (
  id BIGSERIAL PRIMARY KEY,
  report_id BIGINT NOT NULL REFERENCES prj_reports(id),
  name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  uploaded_by BIGINT,
  uploaded_at BIGINT NOT NULL
);
CREATE INDEX prj_report_photos_report ON prj_report_photos(report_id);
