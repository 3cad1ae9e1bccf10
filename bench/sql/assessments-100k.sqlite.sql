-- The same community as assessments-100k.postgres.sql, for a SQLite file made by `hearth migrate`
-- and `hearth seed-demo` (UUIDs are 16-byte blobs there). sqlite3 FILE < this file.
PRAGMA journal_mode=WAL;
BEGIN;
CREATE TEMP TABLE g AS WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM s WHERE n < 100000)
  SELECT n, randomblob(16) AS c, randomblob(16) AS e, date('2023-12-01', '+' || (n % 1000) || ' days') AS entry FROM s;
INSERT INTO client (id, first_name, last_name, first_name_search, last_name_search, date_of_birth, created_by_organization_id, date_created, date_updated, sex)
  SELECT c, 'F'||n, 'L'||n, 'f'||n, 'l'||n, date('1960-01-01', '+' || (n % 20000) || ' days'), (SELECT id FROM organization LIMIT 1), '2026-12-01T00:00:00+00:00', '2026-12-01T00:00:00+00:00', 99 FROM g;
INSERT INTO household (id, project_id, date_created, date_updated) SELECT e, (SELECT id FROM project WHERE project_type = 14), '2026-12-01T00:00:00+00:00', '2026-12-01T00:00:00+00:00' FROM g;
INSERT INTO enrollment (id, client_id, project_id, entry_date, exit_date, date_created, date_updated, household_id, relationship_to_hoh, enrollment_coc)
  SELECT e, c, (SELECT id FROM project WHERE project_type = 14), entry, CASE WHEN n % 10 < 7 THEN date(entry, '+60 days') END, '2026-12-01T00:00:00+00:00', '2026-12-01T00:00:00+00:00', e, 1, 'XX-501' FROM g;
INSERT INTO assessment (id, enrollment_id, household_id, client_id, assessment_date, assessment_location, assessment_type, assessment_level, prioritization_status, date_created, date_updated)
  SELECT randomblob(16), e, e, c, date(entry, '+1 days'), 'Access point', 1 + n % 3, 2, CASE WHEN n % 5 = 0 THEN 2 ELSE 1 END, '2026-12-01T00:00:00+00:00', '2026-12-01T00:00:00+00:00' FROM g;
INSERT INTO assessment (id, enrollment_id, household_id, client_id, assessment_date, assessment_location, assessment_type, assessment_level, prioritization_status, date_created, date_updated)
  SELECT randomblob(16), e, e, c, date(entry, '+20 days'), 'Access point', 1 + n % 3, 1, 1, '2026-12-01T00:00:00+00:00', '2026-12-01T00:00:00+00:00' FROM g WHERE n % 2 = 0;
INSERT INTO ce_event (id, enrollment_id, client_id, event_date, event_type, referred_project_id, referral_result, result_date, date_created, date_updated, household_id)
  SELECT randomblob(16), e, c, date(entry, '+30 days'), 14, (SELECT id FROM project WHERE project_type = 3 LIMIT 1), CASE n % 4 WHEN 0 THEN 1 WHEN 1 THEN 2 WHEN 2 THEN 3 END, CASE WHEN n % 4 < 3 THEN date(entry, '+40 days') END, '2026-12-01T00:00:00+00:00', '2026-12-01T00:00:00+00:00', e FROM g WHERE n % 2 = 1;
COMMIT;
ANALYZE;
