-- Bench data for deep_mix: :suppliers suppliers in four tiers (30% integrators,
-- 40% component makers, 25% sub-component makers, 5% base suppliers) and
-- :edges dependencies, mostly one tier down, 5% between any two suppliers
-- (cycles included); shares 0.01 + 0.99 u^6 (median about 2%: many small component
-- dependencies, a few critical ones). :entities entities buy from 3..12
-- tier-1 suppliers. Deterministic (hash draws).
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE FUNCTION pg_temp.u(stream int, i bigint) RETURNS float8 LANGUAGE sql IMMUTABLE AS
$$ SELECT ((pg_catalog.hashint8extended(i, stream) >> 12) & 4503599627370495)::float8 / 4503599627370496.0 $$;
SET session_replication_role = replica;
INSERT INTO supplyrisk.supplier (supplier_id, name, hq_country) SELECT g, 'Deep supplier ' || g, 'DE' FROM generate_series(1, :suppliers) g;
-- tier boundaries
SELECT (:suppliers * 0.3)::bigint AS t1, (:suppliers * 0.7)::bigint AS t2, (:suppliers * 0.95)::bigint AS t3 \gset
INSERT INTO supplyrisk.supplier_dependency (supplier_id, depends_on_supplier_id, share)
SELECT DISTINCT ON (s, t) s, t, round((0.01 + 0.99 * pg_temp.u(3, i) ^ 6)::numeric, 4)::float8
FROM (
  SELECT i, s,
         CASE WHEN pg_temp.u(2, i) < 0.05 THEN 1 + (pg_temp.u(4, i) * :suppliers)::bigint % :suppliers
              WHEN s <= :t1 THEN :t1 + 1 + (pg_temp.u(4, i) * (:t2 - :t1))::bigint % (:t2 - :t1)
              WHEN s <= :t2 THEN :t2 + 1 + (pg_temp.u(4, i) * (:t3 - :t2))::bigint % (:t3 - :t2)
              ELSE :t3 + 1 + (pg_temp.u(4, i) * (:suppliers - :t3))::bigint % (:suppliers - :t3) END AS t
  FROM (SELECT i, 1 + (pg_temp.u(1, i) * :t3)::bigint % :t3 AS s FROM generate_series(1, (:edges * 1.02)::bigint) i) x
) y
WHERE s <> t
ORDER BY s, t, i;
INSERT INTO supplyrisk.entity (entity_id, name, member_state, sector_code, entity_class)
SELECT e, 'Deep entity ' || e, 'DE', 'energy', 'important' FROM generate_series(1, :entities) e;
INSERT INTO supplyrisk.supply (supply_id, entity_id, supplier_id, function_code, weight, valid_from)
SELECT row_number() OVER (), e, 1 + (pg_temp.u(6, e * 16 + k) * :t1)::bigint % :t1, 'ot.scada', 1 + round((pg_temp.u(7, e * 16 + k) * 99)::numeric, 2)::float8, '2025-01-01'
FROM generate_series(1, :entities) e, generate_series(1, 12) k
WHERE k <= 3 + (pg_temp.u(5, e) * 10)::int;
RESET session_replication_role;
VACUUM ANALYZE supplyrisk.supplier, supplyrisk.supplier_dependency, supplyrisk.entity, supplyrisk.supply;
