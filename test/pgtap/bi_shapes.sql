-- pgTAP: BI-friendly shapes (issue 28.7). Every view with EU-wide rows (member_state NULL)
-- carries area, 'EU' on those rows and the member state's code on the others, so a BI filter
-- needs no IS NULL. Found from the catalogue: a view added later without area fails here.
BEGIN;
SET search_path = supplyrisk, public;
\set scale 0.02
\ir ../../data/generate.sql
SET search_path = supplyrisk, public;
SELECT plan(4);
CALL refresh();
SELECT take_snapshot('first');
UPDATE supply SET weight = weight * 2 WHERE supply_id % 7 = 0;
CALL refresh();
SELECT take_snapshot('second');

CREATE TEMP TABLE shapes (view_name text, eu_rows bigint, has_area boolean, wrong_area bigint);
DO $$
DECLARE v record; eu bigint; wrong bigint;
BEGIN
  FOR v IN SELECT c.relname, EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'area' AND NOT a.attisdropped) AS has_area
           FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'member_state' AND NOT a.attisdropped
           WHERE c.relnamespace = 'supplyrisk'::regnamespace AND c.relkind = 'v' AND c.relname NOT LIKE 'federation\_%' LOOP
    EXECUTE format('SELECT count(*) FILTER (WHERE member_state IS NULL) FROM supplyrisk.%I', v.relname) INTO eu;
    wrong := NULL;
    IF v.has_area THEN
      EXECUTE format('SELECT count(*) FILTER (WHERE area IS DISTINCT FROM COALESCE(member_state, ''EU'')) FROM supplyrisk.%I', v.relname) INTO wrong;
    END IF;
    INSERT INTO shapes VALUES (v.relname, eu, v.has_area, wrong);
  END LOOP;
END $$;
SELECT is((SELECT array_agg(view_name ORDER BY view_name) FROM shapes WHERE eu_rows > 0 AND NOT has_area), NULL,
  'every view with EU-wide rows (member_state NULL) has an area column');
SELECT is((SELECT array_agg(view_name ORDER BY view_name) FROM shapes WHERE wrong_area > 0), NULL,
  'area is EU on the EU-wide rows and the member state on the others, in every such view');
SELECT ok((SELECT count(*) FROM shapes WHERE has_area AND eu_rows > 0) >= 20,
  'at least 20 of them have EU-wide rows to check (sector_overview, function_overview, trend, function_trend, supplier_risk and the sector views of the sectors with entities at this scale)');
SELECT is((SELECT count(*)::int FROM sector_energy WHERE area = 'EU'), (SELECT count(*)::int FROM sector_energy WHERE member_state IS NULL),
  'a BI filter area = ''EU'' gives the EU-wide rows');
SELECT * FROM finish();
ROLLBACK;
