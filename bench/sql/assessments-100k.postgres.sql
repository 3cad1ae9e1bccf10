-- 100k clients in CE with 4.19 assessments and PSH referrals, generated straight into a PostgreSQL
-- database made by `hearth migrate` and `hearth seed-demo` (for its CE and PSH projects); the data of
-- BENCHMARKS.md "The priority list and the CE APR at 100k clients". psql -f this file.
\set ON_ERROR_STOP on
SELECT id AS ce FROM project WHERE project_type = 14 LIMIT 1 \gset
SELECT id AS psh FROM project WHERE project_type = 3 LIMIT 1 \gset
SELECT id AS org FROM organization LIMIT 1 \gset
CREATE TEMP TABLE g AS SELECT n, gen_random_uuid() AS c, gen_random_uuid() AS e,
  (DATE '2023-12-01' + (n % 1000)) AS entry FROM generate_series(1, 100000) n;
INSERT INTO client (id, first_name, last_name, first_name_search, last_name_search, date_of_birth, created_by_organization_id, date_created, date_updated, sex)
  SELECT c, 'F'||n, 'L'||n, 'f'||n, 'l'||n, DATE '1960-01-01' + (n % 20000), :'org', now(), now(), 99 FROM g;
INSERT INTO household (id, project_id, date_created, date_updated) SELECT e, :'ce', now(), now() FROM g;
INSERT INTO enrollment (id, client_id, project_id, entry_date, exit_date, date_created, date_updated, household_id, relationship_to_hoh, enrollment_coc)
  SELECT e, c, :'ce', entry, CASE WHEN n % 10 < 7 THEN entry + 60 END, now(), now(), e, 1, 'XX-501' FROM g;
INSERT INTO assessment (id, enrollment_id, household_id, client_id, assessment_date, assessment_location, assessment_type, assessment_level, prioritization_status, date_created, date_updated)
  SELECT gen_random_uuid(), e, e, c, entry + 1, 'Access point', 1 + n % 3, 2, CASE WHEN n % 5 = 0 THEN 2 ELSE 1 END, now(), now() FROM g;
INSERT INTO assessment (id, enrollment_id, household_id, client_id, assessment_date, assessment_location, assessment_type, assessment_level, prioritization_status, date_created, date_updated)
  SELECT gen_random_uuid(), e, e, c, entry + 20, 'Access point', 1 + n % 3, 1, 1, now(), now() FROM g WHERE n % 2 = 0;
INSERT INTO ce_event (id, enrollment_id, client_id, event_date, event_type, referred_project_id, referral_result, result_date, date_created, date_updated, household_id)
  SELECT gen_random_uuid(), e, c, entry + 30, 14, :'psh', CASE n % 4 WHEN 0 THEN 1 WHEN 1 THEN 2 WHEN 2 THEN 3 END, CASE WHEN n % 4 < 3 THEN entry + 40 END, now(), now(), e FROM g WHERE n % 2 = 1;
ANALYZE;
