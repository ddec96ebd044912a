-- Bench data for supplier scoring: :suppliers suppliers (40% groups, the rest
-- subsidiaries two or three levels deep), 15 factors assessed in two rounds
-- (the first expired), a few hundred designations. Deterministic (hash draws).
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET session_replication_role = replica;   -- valid by construction
INSERT INTO supplyrisk.supplier (supplier_id, name, hq_country, parent_supplier_id)
SELECT g, 'Bench supplier ' || g, 'DE',
       CASE WHEN g <= :suppliers * 0.4 THEN NULL
            WHEN g <= :suppliers * 0.8 THEN 1 + (g % (:suppliers * 0.4)::bigint)
            ELSE (:suppliers * 0.4)::bigint + 1 + (g % (:suppliers * 0.4)::bigint) END
FROM generate_series(1, :suppliers) g;
INSERT INTO supplyrisk.assessment (supplier_id, factor_code, score, assessed_on, valid_until, recorded_at)
SELECT s, f.code, ((((pg_catalog.hashint8extended(s, pg_catalog.hashtext(f.code) + r.k) & 65535) / 65536.0) ^ 1.5) * 4.49)::int,
       r.d, r.u, r.d::timestamptz
FROM generate_series(1, :suppliers) s
CROSS JOIN supplyrisk.risk_factor f
CROSS JOIN (VALUES (1, date '2024-01-01', date '2025-01-01', 0.85), (2, date '2025-02-01', NULL::date, 0.8)) r(k, d, u, p)
-- a per-row hash draw: a volatile random() here would be pushed down to the VALUES scan
WHERE (pg_catalog.hashint8extended(s, pg_catalog.hashtext(f.code) + 7 * r.k) & 65535) / 65536.0 < r.p;
INSERT INTO supplyrisk.designation (supplier_id, status, decided_on)
SELECT s, 'high_risk', date '2025-03-01' FROM generate_series(1, :suppliers, 200) s;
INSERT INTO supplyrisk.designation (supplier_id, status, decided_on)
SELECT s, 'cleared', date '2025-09-01' FROM generate_series(1, :suppliers, 1000) s;
RESET session_replication_role;
SELECT setval('supplyrisk.assessment_id_seq', (SELECT max(assessment_id) FROM supplyrisk.assessment)) \gset
VACUUM ANALYZE supplyrisk.supplier, supplyrisk.assessment, supplyrisk.designation;
