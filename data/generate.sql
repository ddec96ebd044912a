-- supplyrisk demo dataset: deterministic, fictional, scalable.
--   psql -v scale=1 -f data/generate.sql      (scale 1 ≈ 2,000 entities, ≈ 30,000 supply rows)
-- Every random draw is a hash of (stream, row number), so the same scale gives
-- the same rows on every machine. Supplier names are invented from syllables;
-- countries are drawn from the country table by hash, none is named here.
-- Loads into empty user tables (run after CREATE EXTENSION or on a fresh database).
\set ON_ERROR_STOP on
\if :{?scale}
\else
  \set scale 1
\endif
SET client_min_messages = warning;
SET jit = off;
SELECT set_config('supplyrisk_gen.scale', :'scale', false) AS gen_scale \gset

DO $$
BEGIN
  IF current_setting('supplyrisk_gen.scale')::numeric <= 0 THEN
    RAISE EXCEPTION 'scale must be positive, got %', current_setting('supplyrisk_gen.scale') USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF EXISTS (SELECT 1 FROM supplyrisk.supply) OR EXISTS (SELECT 1 FROM supplyrisk.supplier) THEN
    RAISE EXCEPTION 'the demo generator loads into empty tables; supplyrisk.supply or supplyrisk.supplier has rows'
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
END $$;

-- uniform [0,1) from a stream number and a row number
CREATE FUNCTION pg_temp.u(stream int, i bigint) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT ((pg_catalog.hashint8extended(i, stream) >> 12) & 4503599627370495)::float8 / 4503599627370496.0 $$;

-- sizes
CREATE TEMP TABLE gen_size AS
SELECT (2000 * :'scale'::numeric)::bigint AS entities,
       (100 + 20 * :'scale'::numeric)::bigint AS groups;

-- home countries of supplier groups: a handful of EU and non-EU countries, drawn by hash
CREATE TEMP TABLE gen_home AS
SELECT code, eu_member, row_number() OVER (ORDER BY eu_member DESC, pg_catalog.hashtext(code || ':home')) - 1 AS idx
FROM (
  (SELECT code, eu_member FROM supplyrisk.country WHERE eu_member ORDER BY pg_catalog.hashtext(code || ':eu') LIMIT 9)
  UNION ALL
  (SELECT code, eu_member FROM supplyrisk.country WHERE NOT eu_member ORDER BY pg_catalog.hashtext(code || ':noneu') LIMIT 7)
) h;
CREATE TEMP TABLE gen_ms AS
SELECT code, row_number() OVER (ORDER BY pg_catalog.hashtext(code || ':ms')) - 1 AS idx
FROM supplyrisk.country WHERE eu_member;

-- supplier groups (ultimate controllers) with a latent risk used to draw assessments
CREATE TEMP TABLE gen_group AS
SELECT g AS group_id,
       (ARRAY['Nor','Kes','Val','Ard','Bel','Cor','Dra','Eli','Fen','Gal','Hal','Ist','Jor','Kal','Lum','Mar',
              'Nex','Orb','Pra','Quin','Ros','Sol','Tor','Ulm','Ver','Wyn','Xan','Yor','Zel','Tav','Obr','Mir'])[1 + (pg_temp.u(1, g) * 32)::int % 32]
       || (ARRAY['valent','trix','ora','ion','ex','isk','ano','etta','ium','ara','onic','aris','uvia','emon','ytek','olis'])[1 + (pg_temp.u(2, g) * 16)::int % 16]
       || ' ' || (ARRAY['Systems','Networks','Technologies','Digital','Industries','Solutions','Telecom','Cloud',
                        'Electronics','Software','Automation','Security','Data','Microsystems','Mobility','Labs'])[1 + (pg_temp.u(3, g) * 16)::int % 16]
       AS name,
       (SELECT h.code FROM gen_home h WHERE h.idx = (pg_temp.u(4, g) * 16)::int % 16) AS hq,
       pg_temp.u(5, g) ^ 4 AS latent
FROM generate_series(1, (SELECT groups FROM gen_size)) g;

INSERT INTO supplyrisk.supplier (supplier_id, name, hq_country)
SELECT group_id, name, hq FROM gen_group;

-- subsidiaries: 0..3 per group, the third one controlled by the second (three-level chains)
CREATE TEMP TABLE gen_sub AS
SELECT (SELECT groups FROM gen_size) + row_number() OVER (ORDER BY g.group_id, k) AS supplier_id,
       g.group_id, k, g.name, g.latent * 0.5 AS latent,
       (SELECT m.code FROM gen_ms m WHERE m.idx = (pg_temp.u(7, g.group_id * 4 + k) * 27)::int % 27) AS hq
FROM gen_group g, generate_series(1, 3) k
WHERE k <= (pg_temp.u(6, g.group_id) * 4)::int;

INSERT INTO supplyrisk.supplier (supplier_id, name, hq_country, parent_supplier_id)
SELECT s.supplier_id, s.name || ' (' || s.hq || ')', s.hq,
       CASE WHEN s.k = 3 THEN (SELECT p.supplier_id FROM gen_sub p WHERE p.group_id = s.group_id AND p.k = 2)
            ELSE s.group_id END
FROM gen_sub s ORDER BY s.k, s.supplier_id;

-- family of each group: the group itself and its subsidiaries, numbered 0..n-1
CREATE TEMP TABLE gen_family AS
SELECT group_id, 0 AS member, group_id AS supplier_id FROM gen_group
UNION ALL
SELECT group_id, k, supplier_id FROM gen_sub;
CREATE TEMP TABLE gen_family_size AS SELECT group_id, count(*) AS n FROM gen_family GROUP BY group_id;
CREATE INDEX ON gen_family (group_id, member);

-- market structure per ICT function: pool of groups and skew (alpha > 1: a few dominate)
CREATE TEMP TABLE gen_fn AS
SELECT code, row_number() OVER (ORDER BY code) AS fidx,
       CASE WHEN code IN ('telecom.ran','telecom.core_network','cloud.iaas','cav.ota_updates','it.operating_systems',
                          'it.collaboration','cav.vehicle_communications','telecom.network_management') THEN 6
            WHEN criticality = 'critical' THEN 20 ELSE 60 END AS pool,
       CASE WHEN code IN ('telecom.ran','telecom.core_network','cloud.iaas','cav.ota_updates','it.operating_systems',
                          'it.collaboration','cav.vehicle_communications','telecom.network_management') THEN 2.5
            WHEN criticality = 'critical' THEN 1.8 ELSE 1.1 END AS alpha
FROM supplyrisk.ict_function WHERE shipped;
CREATE TEMP TABLE gen_fn_rank AS
SELECT f.code AS function_code, r.rnk - 1 AS rnk, r.group_id
FROM gen_fn f
CROSS JOIN LATERAL (
  SELECT g.group_id, row_number() OVER (ORDER BY pg_catalog.hashint8extended(g.group_id, f.fidx)) AS rnk
  FROM gen_group g
) r
WHERE r.rnk <= f.pool;
CREATE INDEX ON gen_fn_rank (function_code, rnk);

-- which functions each sector relies on, and how likely an entity uses each
CREATE TEMP TABLE gen_sector_fn (sector_code text, function_code text, p float8);
INSERT INTO gen_sector_fn
SELECT s.code, f, 0.55 FROM supplyrisk.sector s,
  unnest(ARRAY['cloud.iaas','cloud.saas_business','security.managed_security','identity.iam','it.enterprise_network',
               'it.end_user_devices','it.operating_systems','it.collaboration','it.erp','it.backup',
               'security.endpoint_protection','security.network_security']) f
WHERE s.shipped;
INSERT INTO gen_sector_fn
SELECT x.sector_code, f, 0.9 FROM (VALUES
  ('energy', ARRAY['ot.scada','ot.ics_control','ot.field_devices']),
  ('transport', ARRAY['ot.scada','cav.vehicle_control','cav.vehicle_data_processing','cav.vehicle_communications','cav.ota_updates','border.detection_data_processing']),
  ('banking', ARRAY['finance.core_banking','finance.payment_processing']),
  ('financial_market_infrastructures', ARRAY['finance.trading_platform','finance.payment_processing']),
  ('health', ARRAY['health.clinical_systems','health.medical_device_software']),
  ('drinking_water', ARRAY['ot.scada','ot.ics_control','ot.field_devices']),
  ('waste_water', ARRAY['ot.scada','ot.ics_control','ot.field_devices']),
  ('digital_infrastructure', ARRAY['telecom.core_network','telecom.ran','telecom.network_management','telecom.transport_network','telecom.oss_bss','datacentre.colocation','dns.resolution','cdn.delivery','identity.trust_pki']),
  ('ict_service_management', ARRAY['it.managed_services','cloud.paas','datacentre.colocation']),
  ('public_administration', ARRAY['border.scanner_control','border.detection_data_processing','border.detection_hardware','identity.trust_pki','it.managed_services']),
  ('space', ARRAY['space.ground_segment','telecom.transport_network']),
  ('postal_courier', ARRAY['it.managed_services','cloud.paas']),
  ('waste_management', ARRAY['ot.field_devices']),
  ('chemicals', ARRAY['ot.ics_control','ot.scada']),
  ('food', ARRAY['ot.ics_control']),
  ('manufacturing', ARRAY['ot.ics_control','ot.field_devices','cav.vehicle_control','cav.ota_updates']),
  ('digital_providers', ARRAY['cloud.paas','cdn.delivery','datacentre.colocation']),
  ('research', ARRAY['cloud.paas','it.servers_storage'])
) x(sector_code, fns), unnest(x.fns) f;

-- entities
CREATE TEMP TABLE gen_sector AS
SELECT code, annex, row_number() OVER (ORDER BY code) - 1 AS idx FROM supplyrisk.sector WHERE shipped;
CREATE TEMP TABLE gen_entity AS
SELECT e AS entity_id,
       (SELECT m.code FROM gen_ms m WHERE m.idx = (27 * pg_temp.u(10, e) ^ 1.4)::int % 27) AS member_state,
       (SELECT s.code FROM gen_sector s WHERE s.idx = (pg_temp.u(11, e) * 18)::int % 18) AS sector_code
FROM generate_series(1, (SELECT entities FROM gen_size)) e;

INSERT INTO supplyrisk.entity (entity_id, name, member_state, sector_code, subsector_code, entity_class)
SELECT e.entity_id,
       initcap(replace(e.sector_code, '_', ' ')) || ' operator ' || e.member_state || '-' || e.entity_id,
       e.member_state, e.sector_code,
       CASE WHEN pg_temp.u(12, e.entity_id) < 0.7 THEN
         (SELECT ss.code FROM supplyrisk.subsector ss WHERE ss.sector_code = e.sector_code
          ORDER BY pg_catalog.hashint8extended(e.entity_id, pg_catalog.hashtext(ss.code)) LIMIT 1) END,
       CASE WHEN pg_temp.u(13, e.entity_id) < (CASE WHEN s.annex = 'I' THEN 0.45 ELSE 0.15 END) THEN 'essential' ELSE 'important' END
FROM gen_entity e JOIN gen_sector s ON s.code = e.sector_code;

SELECT setval('supplyrisk.entity_id_seq', (SELECT max(entity_id) FROM supplyrisk.entity)) \gset
SELECT setval('supplyrisk.supplier_id_seq', (SELECT max(supplier_id) FROM supplyrisk.supplier)) \gset

-- supply rows: per entity and function, 1..4 supplier picks (mostly 1 or 2); each
-- pick draws a group by rank in the function's market (skewed by alpha), then a
-- member of the group's family
ANALYZE gen_entity, gen_sector_fn, gen_fn, gen_fn_rank, gen_family, gen_family_size;
CREATE TEMP TABLE gen_pick AS
SELECT ef.entity_id, ef.function_code, pick,
       pg_catalog.hashint8extended(ef.entity_id * 64 + pick, ef.fidx) AS h,
       (least((SELECT groups FROM gen_size), ef.pool)
          * pg_temp.u(22, pg_catalog.hashint8extended(ef.entity_id * 64 + pick, ef.fidx)) ^ ef.alpha)::bigint
         % least((SELECT groups FROM gen_size), ef.pool) AS rnk
FROM (
  SELECT e.entity_id, sf.function_code, f.fidx, f.pool, f.alpha,
         1 + (pg_temp.u(21, e.entity_id * 64 + f.fidx) ^ 2 * 3.6)::int AS npick
  FROM gen_entity e
  JOIN gen_sector_fn sf ON sf.sector_code = e.sector_code
  JOIN gen_fn f ON f.code = sf.function_code
  WHERE pg_temp.u(20, e.entity_id * 64 + f.fidx) < sf.p
) ef, generate_series(1, ef.npick) pick;
CREATE TEMP TABLE gen_pick_group AS
SELECT p.entity_id, p.function_code, p.pick, p.h, r.group_id,
       CASE WHEN pg_temp.u(27, p.h) < 0.5 THEN 0 ELSE (pg_temp.u(28, p.h) * fs.n)::int % fs.n END AS member
FROM gen_pick p
JOIN gen_fn_rank r ON r.function_code = p.function_code AND r.rnk = p.rnk
JOIN gen_family_size fs ON fs.group_id = r.group_id;
ANALYZE gen_pick_group;
SET session_replication_role = replica;  -- the rows are valid by construction: skip per-row FK checks
INSERT INTO supplyrisk.supply (supply_id, entity_id, supplier_id, function_code, weight, basis, valid_from, valid_to)
SELECT row_number() OVER (ORDER BY x.entity_id, x.function_code, x.pick),
       x.entity_id, fam.supplier_id, x.function_code,
       round((10 * exp(pg_temp.u(23, x.h) * 5))::numeric, 2)::float8,
       'spend',
       date '2023-01-01' + (pg_temp.u(24, x.h) * 900)::int,
       CASE WHEN pg_temp.u(25, x.h) < 0.04 THEN date '2023-01-01' + (pg_temp.u(24, x.h) * 900)::int + 30 + (pg_temp.u(26, x.h) * 300)::int END
FROM gen_pick_group x
JOIN gen_family fam ON fam.group_id = x.group_id AND fam.member = x.member;
RESET session_replication_role;
SELECT setval('supplyrisk.supply_id_seq', (SELECT max(supply_id) FROM supplyrisk.supply)) \gset

-- tier-2/3 dependencies: every group leans on 1..3 shared component or cloud groups
CREATE TEMP TABLE gen_component AS
SELECT group_id, row_number() OVER (ORDER BY pg_catalog.hashint8extended(group_id, 99)) - 1 AS idx
FROM gen_group ORDER BY pg_catalog.hashint8extended(group_id, 99) LIMIT greatest(5, (SELECT groups FROM gen_size) / 20);
-- skewed draw (u^2): the first component groups are shared by many suppliers
INSERT INTO supplyrisk.supplier_dependency (supplier_id, depends_on_supplier_id, function_code, share)
SELECT DISTINCT ON (g.group_id, c.group_id) g.group_id, c.group_id, NULL::text,
       round((0.1 + 0.9 * pg_temp.u(31, g.group_id * 8 + d))::numeric, 3)::float8
FROM gen_group g
CROSS JOIN generate_series(1, 3) d
JOIN gen_component c
  ON c.idx = ((SELECT count(*) FROM gen_component) * pg_temp.u(32, g.group_id * 8 + d) ^ 2)::int % (SELECT count(*) FROM gen_component)
WHERE d <= 1 + (pg_temp.u(30, g.group_id) * 3)::int AND c.group_id <> g.group_id
ORDER BY g.group_id, c.group_id;

-- assessments with history: an expired first round, a current round; some factors never assessed
INSERT INTO supplyrisk.assessment (supplier_id, factor_code, score, evidence, assessed_on, valid_until, assessor)
SELECT s.supplier_id, f.code,
       greatest(0, least(4, round(4 * (CASE WHEN f.dimension = 'non_technical' THEN s.latent ELSE 0.5 * s.latent + 0.3 * pg_temp.u(41, s.supplier_id * 32 + f.idx) END)
                                  + (pg_temp.u(42, s.supplier_id * 32 + f.idx) - 0.5) * 1.2 + r.round_shift))),
       'demo evidence round ' || r.round_no,
       r.on_date + (pg_temp.u(43, s.supplier_id * 32 + f.idx) * 60)::int,
       r.until_date,
       'demo assessor ' || (1 + (pg_temp.u(44, s.supplier_id) * 5)::int)
FROM (SELECT supplier_id, latent FROM gen_group JOIN supplyrisk.supplier ON supplier_id = group_id
      UNION ALL SELECT supplier_id, latent FROM gen_sub) s
CROSS JOIN (SELECT code, dimension, row_number() OVER (ORDER BY code) AS idx FROM supplyrisk.risk_factor WHERE shipped) f
CROSS JOIN (VALUES (1, date '2024-03-01', date '2025-03-01', 0.4), (2, date '2025-04-01', NULL::date, 0.0)) r(round_no, on_date, until_date, round_shift)
WHERE pg_temp.u(45, s.supplier_id * 32 + f.idx) < 0.85
  AND (r.round_no = 1 OR pg_temp.u(46, s.supplier_id * 32 + f.idx) < 0.9);

-- designations: the three groups with the highest latent risk are designated high-risk; the third is later cleared
INSERT INTO supplyrisk.designation (supplier_id, status, decided_on, legal_basis, justification)
SELECT group_id, 'high_risk', date '2025-06-02', 'demo national screening decision', 'demo: non-technical risk factors'
FROM (SELECT group_id FROM gen_group ORDER BY latent DESC, group_id LIMIT 3) t;
INSERT INTO supplyrisk.designation (supplier_id, status, decided_on, legal_basis, justification)
SELECT group_id, 'cleared', date '2026-02-16', 'demo review decision', 'demo: commitments accepted'
FROM (SELECT group_id FROM gen_group ORDER BY latent DESC, group_id OFFSET 2 LIMIT 1) t;

SELECT setval('supplyrisk.assessment_id_seq', (SELECT max(assessment_id) FROM supplyrisk.assessment)) \gset
ANALYZE supplyrisk.entity, supplyrisk.supplier, supplyrisk.supply, supplyrisk.supplier_dependency,
        supplyrisk.assessment, supplyrisk.designation;
