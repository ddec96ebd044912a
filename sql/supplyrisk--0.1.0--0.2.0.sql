-- supplyrisk 0.1.0 -> 0.2.0, run by ALTER EXTENSION supplyrisk UPDATE.
-- Hand-written: each change of 0.2.0 adds its step here in the same commit as its
-- source in sql/src/. test/upgrade.sh proves that an updated database equals a
-- fresh 0.2.0 install object for object, with every user row kept.

\echo Use "ALTER EXTENSION supplyrisk UPDATE TO '0.2.0'" to load this file. \quit


-- Constraints a loader can hit say what to fix: the value and the values allowed.
CREATE FUNCTION @extschema@.constraint_check(ok boolean, value anyelement, constraint_name text, column_name text, rule text)
RETURNS boolean
  AS 'MODULE_PATHNAME', 'supplyrisk_constraint_check' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.constraint_check(boolean, anyelement, text, text, text) IS
  'For CHECK constraints: returns ok; when ok is false, raises check_violation (23514) naming column_name, the value and the rule, with constraint_name as the error''s constraint.';

ALTER TABLE @extschema@.entity DROP CONSTRAINT entity_name_nonempty,
  ADD CONSTRAINT entity_name_nonempty CHECK (@extschema@.constraint_check(name <> '', name, 'entity_name_nonempty', 'entity name',
    'An entity needs a name that is not empty.'));
ALTER TABLE @extschema@.entity DROP CONSTRAINT entity_class_valid,
  ADD CONSTRAINT entity_class_valid CHECK (@extschema@.constraint_check(entity_class IN ('essential', 'important'), entity_class, 'entity_class_valid', 'entity_class',
    'entity_class is essential or important (NIS2 Art. 3).'));
ALTER TABLE @extschema@.supplier DROP CONSTRAINT supplier_name_nonempty,
  ADD CONSTRAINT supplier_name_nonempty CHECK (@extschema@.constraint_check(name <> '', name, 'supplier_name_nonempty', 'supplier name',
    'A supplier needs a name that is not empty.'));
ALTER TABLE @extschema@.supplier DROP CONSTRAINT supplier_not_own_parent,
  ADD CONSTRAINT supplier_not_own_parent CHECK (@extschema@.constraint_check(parent_supplier_id <> supplier_id, parent_supplier_id, 'supplier_not_own_parent', 'parent_supplier_id',
    'A supplier cannot control itself: parent_supplier_id is another supplier, or NULL for the top of a group.'));
ALTER TABLE @extschema@.supply DROP CONSTRAINT supply_weight_positive_finite,
  ADD CONSTRAINT supply_weight_positive_finite CHECK (@extschema@.constraint_check(weight > 0 AND weight < 'Infinity', weight, 'supply_weight_positive_finite', 'weight',
    'A supply weight is a positive finite number (spend, units, installed base, capacity or share, as basis says).'));
ALTER TABLE @extschema@.supply DROP CONSTRAINT supply_basis_valid,
  ADD CONSTRAINT supply_basis_valid CHECK (@extschema@.constraint_check(basis IN ('spend', 'units', 'installed_base', 'capacity', 'share'), basis, 'supply_basis_valid', 'basis',
    'basis is one of spend (the default), units, installed_base, capacity, share.'));
ALTER TABLE @extschema@.supply DROP CONSTRAINT supply_validity_ordered,
  ADD CONSTRAINT supply_validity_ordered CHECK (@extschema@.constraint_check(valid_to > valid_from, valid_to, 'supply_validity_ordered', 'valid_to',
    'valid_to is the first day the supply no longer holds: a date after valid_from, or NULL for open-ended.'));
ALTER TABLE @extschema@.supply DROP CONSTRAINT supply_dates_finite,
  ADD CONSTRAINT supply_dates_finite CHECK (@extschema@.constraint_check(pg_catalog.isfinite(valid_from) AND (valid_to IS NULL OR pg_catalog.isfinite(valid_to)), CASE WHEN pg_catalog.isfinite(valid_from) THEN valid_to ELSE valid_from END, 'supply_dates_finite', 'validity date',
    'valid_from and valid_to are finite dates (valid_to NULL for open-ended), not infinity or -infinity.'));
ALTER TABLE @extschema@.supplier_dependency DROP CONSTRAINT supplier_dependency_share_range,
  ADD CONSTRAINT supplier_dependency_share_range CHECK (@extschema@.constraint_check(share > 0 AND share <= 1, share, 'supplier_dependency_share_range', 'share',
    'share is the part of the supplier''s delivery that relies on the other supplier: above 0 and at most 1.'));
ALTER TABLE @extschema@.supplier_dependency DROP CONSTRAINT supplier_dependency_not_self,
  ADD CONSTRAINT supplier_dependency_not_self CHECK (@extschema@.constraint_check(depends_on_supplier_id <> supplier_id, depends_on_supplier_id, 'supplier_dependency_not_self', 'depends_on_supplier_id',
    'A supplier cannot depend on itself.'));
ALTER TABLE @extschema@.assessment DROP CONSTRAINT assessment_score_on_scale,
  ADD CONSTRAINT assessment_score_on_scale CHECK (@extschema@.constraint_check(score IN (0, 1, 2, 3, 4), score, 'assessment_score_on_scale', 'score',
    'A score is one of 0, 1, 2, 3, 4 (0 no concern or not applicable, 1 low, 2 moderate, 3 high, 4 very high).'));
ALTER TABLE @extschema@.assessment DROP CONSTRAINT assessment_validity_ordered,
  ADD CONSTRAINT assessment_validity_ordered CHECK (@extschema@.constraint_check(valid_until > assessed_on, valid_until, 'assessment_validity_ordered', 'valid_until',
    'valid_until is the first day the assessment no longer holds: a date after assessed_on, or NULL until superseded.'));
ALTER TABLE @extschema@.assessment DROP CONSTRAINT assessment_dates_finite,
  ADD CONSTRAINT assessment_dates_finite CHECK (@extschema@.constraint_check(pg_catalog.isfinite(assessed_on) AND (valid_until IS NULL OR pg_catalog.isfinite(valid_until)), CASE WHEN pg_catalog.isfinite(assessed_on) THEN valid_until ELSE assessed_on END, 'assessment_dates_finite', 'assessment date',
    'assessed_on and valid_until are finite dates (valid_until NULL until superseded), not infinity or -infinity.'));
ALTER TABLE @extschema@.designation DROP CONSTRAINT designation_status_valid,
  ADD CONSTRAINT designation_status_valid CHECK (@extschema@.constraint_check(status IN ('high_risk', 'cleared'), status, 'designation_status_valid', 'status',
    'status is high_risk, or cleared (a decision lifting an earlier designation).'));
ALTER TABLE @extschema@.designation DROP CONSTRAINT designation_date_finite,
  ADD CONSTRAINT designation_date_finite CHECK (@extschema@.constraint_check(pg_catalog.isfinite(decided_on), decided_on, 'designation_date_finite', 'decided_on',
    'decided_on is a finite date (default today), not infinity or -infinity.'));


-- min_coverage: below it, a supplier's risk_level is unassessed (issue 11).
ALTER TABLE @extschema@.methodology ADD COLUMN
  min_coverage         float8 NOT NULL DEFAULT 0.5
    CONSTRAINT methodology_min_coverage_range CHECK (@extschema@.constraint_check(min_coverage >= 0 AND min_coverage <= 1, min_coverage,
      'methodology_min_coverage_range', 'min_coverage', 'min_coverage is a share of the factor weight, from 0 to 1 (default 0.5).'));
COMMENT ON COLUMN @extschema@.methodology.min_coverage IS 'Coverage (0..1, the share of factor weight assessed) below which a supplier''s risk_level is unassessed: unknown is not high risk. Its score is still shown.';

COMMENT ON COLUMN @extschema@.supplier_risk.risk_level IS 'low, medium, high or critical, by the methodology''s bands; unassessed when coverage is below the methodology''s min_coverage (the score is still shown).';


-- One definition of "valid at a date", used by the views below.
CREATE FUNCTION @extschema@.supply_valid_at(as_of date DEFAULT CURRENT_DATE) RETURNS SETOF @extschema@.supply
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT s.* FROM @extschema@.supply s
  WHERE s.valid_from OPERATOR(pg_catalog.<=) $1 AND (s.valid_to IS NULL OR s.valid_to OPERATOR(pg_catalog.>) $1)
$$;
COMMENT ON FUNCTION @extschema@.supply_valid_at(date) IS
  'The supply rows valid at a date (default today): valid_from <= as_of < valid_to (valid_to NULL: open-ended). What every view and metric reads.';


-- Names for the keys of a mix.
CREATE FUNCTION @extschema@.key_type(mix @extschema@.supply_mix) RETURNS text
  AS 'MODULE_PATHNAME', 'supply_mix_key_type' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.key_type(@extschema@.supply_mix) IS 'The kind of keys of a mix: bigint, text, or empty (no key yet).';

CREATE FUNCTION @extschema@.top_shares_named(mix @extschema@.supply_mix, k integer)
RETURNS TABLE (rank integer, key text, name text, weight float8, share float8)
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
  SELECT t.rank, t.key,
         CASE WHEN @extschema@.key_type($1) OPERATOR(pg_catalog.=) 'bigint'
              THEN (SELECT s.name FROM @extschema@.supplier s WHERE s.supplier_id OPERATOR(pg_catalog.=) t.key::bigint)
              ELSE COALESCE((SELECT c.name FROM @extschema@.country c WHERE c.code OPERATOR(pg_catalog.=) t.key), t.key) END,
         t.weight, t.share
  FROM @extschema@.top_shares($1, $2) t
$$;
COMMENT ON FUNCTION @extschema@.top_shares_named(@extschema@.supply_mix, integer) IS
  'top_shares with a readable name per key: the supplier''s name for bigint keys (supplier or group ids; NULL for an id that is not a supplier), the country''s name for a text key that is a country code, else the key itself.';


-- unassessed_share beside hrv_share: the dashboard computation, the rollups and the
-- views over them gain the weight of unassessed suppliers. Return types change, so
-- the functions and the views that depend on them are dropped and created again.
DO $drop$
DECLARE s record;
BEGIN
  FOR s IN SELECT code FROM @extschema@.sector WHERE shipped ORDER BY code LOOP
    EXECUTE pg_catalog.format('DROP VIEW @extschema@.%I', 'sector_' || s.code);
  END LOOP;
END $drop$;
DROP VIEW @extschema@.sector_overview;
DROP FUNCTION @extschema@.sector_overview_at(date, text);
DROP FUNCTION @extschema@.sector_overview_rows(boolean, date, text);
DROP FUNCTION @extschema@.sector_function_overview(text, date, text);
DROP FUNCTION @extschema@.sector_function_rows(text, boolean, date, text);
DROP FUNCTION @extschema@.sector_stats_at(date, text, boolean);
DROP FUNCTION @extschema@.sector_function_stats(date, text);

CREATE FUNCTION @extschema@.sector_function_stats(as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS TABLE (sector_code text, member_state text, function_code text, group_mix @extschema@.supply_mix,
               country_mix @extschema@.supply_mix, entities bigint, single_sourced bigint,
               weight float8, hrv_weight float8, risk_weight float8, unassessed_weight float8)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
WITH r AS (  -- per supplier: group, the group's headquarters country, risk
  SELECT x.supplier_id, x.group_id, g.hq_country, x.risk_score, x.high_risk,
         x.risk_level OPERATOR(pg_catalog.=) 'unassessed' AS unassessed
  FROM @extschema@.supplier_risk_at($1, $2) x
  JOIN @extschema@.supplier g ON g.supplier_id OPERATOR(pg_catalog.=) x.group_id
),
base AS (
  SELECT e.sector_code, e.member_state, s.function_code,
         @extschema@.supply_mix_agg(r.group_id, s.weight) AS group_mix,
         @extschema@.supply_mix_agg(r.hq_country, s.weight) AS country_mix,
         @extschema@.sourcing(s.entity_id, r.group_id) AS src,
         pg_catalog.sum(s.weight) AS weight,
         COALESCE(pg_catalog.sum(s.weight) FILTER (WHERE r.high_risk), 0::float8) AS hrv_weight,
         COALESCE(pg_catalog.sum(s.weight OPERATOR(pg_catalog.*) r.risk_score), 0::float8) AS risk_weight,
         COALESCE(pg_catalog.sum(s.weight) FILTER (WHERE r.unassessed), 0::float8) AS unassessed_weight
  FROM @extschema@.supply_valid_at($1) s
  JOIN @extschema@.entity e ON e.entity_id OPERATOR(pg_catalog.=) s.entity_id
  JOIN r ON r.supplier_id OPERATOR(pg_catalog.=) s.supplier_id
  GROUP BY e.sector_code, e.member_state, s.function_code
)
SELECT b.sector_code, b.member_state, b.function_code, b.group_mix, b.country_mix,
       (b.src).entities, (b.src).single_sourced, b.weight, b.hrv_weight, b.risk_weight, b.unassessed_weight
FROM base b
$$;
COMMENT ON FUNCTION @extschema@.sector_function_stats(date, text) IS
  'Mergeable statistics per sector, member state and ICT function from the supply rows valid at as_of: supplier-group mix, HQ-country mix, entities, single-sourced entities, weight, high-risk weight, risk-weighted weight, weight from unassessed suppliers.';

CREATE FUNCTION @extschema@.sector_stats_at(as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL,
                                            functions boolean DEFAULT true)
RETURNS TABLE (sector_code text, member_state text, function_code text,
               group_mix @extschema@.supply_mix, country_mix @extschema@.supply_mix,
               entities bigint, single_sourced bigint, single_sourced_critical bigint,
               weight float8, hrv_weight float8, weight_critical float8, hrv_weight_critical float8,
               risk_weight float8, suppliers integer, hhi float8, cr1 float8, cr4 float8,
               effective_suppliers float8, country_hhi float8, hrv_share float8, hrv_share_critical float8,
               non_eu_share float8, mean_risk float8, concentration_level text, top_suppliers text,
               unassessed_weight float8, unassessed_share float8)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
WITH f AS (
  SELECT x.*, (fn.criticality OPERATOR(pg_catalog.<>) 'standard') AS crit,
         CASE WHEN $3 THEN x.function_code END AS fx  -- NULL when only the all-functions rows are wanted
  FROM @extschema@.sector_function_stats($1, $2) x
  JOIN @extschema@.ict_function fn ON fn.code OPERATOR(pg_catalog.=) x.function_code
),
sets AS (  -- mergeable states and counts: exact whatever the order, hashed
  SELECT f.sector_code, f.member_state, f.fx AS function_code,
         @extschema@.supply_mix_union(f.group_mix) AS gm, @extschema@.supply_mix_union(f.country_mix) AS cm,
         pg_catalog.sum(f.entities)::bigint AS ent, pg_catalog.sum(f.single_sourced)::bigint AS ss,
         COALESCE(pg_catalog.sum(f.single_sourced) FILTER (WHERE f.crit), 0)::bigint AS ssc
  FROM f
  GROUP BY GROUPING SETS ((f.sector_code, f.member_state, f.fx), (f.sector_code, f.fx),
                          (f.sector_code, f.member_state), (f.sector_code))
  -- without functions the fx sets repeat the all-functions sets: keep one copy
  HAVING $3 OR GROUPING(f.fx) OPERATOR(pg_catalog.=) 1
),
sums AS (  -- float sums in a fixed order, so rollups and live rows agree to the last bit
  SELECT f.sector_code, f.member_state, f.fx AS function_code,
         pg_catalog.sum(f.weight ORDER BY f.member_state, f.function_code) AS w,
         pg_catalog.sum(f.hrv_weight ORDER BY f.member_state, f.function_code) AS hw,
         COALESCE(pg_catalog.sum(f.weight ORDER BY f.member_state, f.function_code) FILTER (WHERE f.crit), 0::float8) AS wc,
         COALESCE(pg_catalog.sum(f.hrv_weight ORDER BY f.member_state, f.function_code) FILTER (WHERE f.crit), 0::float8) AS hwc,
         pg_catalog.sum(f.risk_weight ORDER BY f.member_state, f.function_code) AS rw,
         pg_catalog.sum(f.unassessed_weight ORDER BY f.member_state, f.function_code) AS uw
  FROM f
  GROUP BY GROUPING SETS ((f.sector_code, f.member_state, f.fx), (f.sector_code, f.fx),
                          (f.sector_code, f.member_state), (f.sector_code))
  HAVING $3 OR GROUPING(f.fx) OPERATOR(pg_catalog.=) 1
),
cube AS (
  SELECT g.sector_code, g.member_state, g.function_code, g.gm, g.cm, g.ent, g.ss, g.ssc, m.w, m.hw, m.wc, m.hwc, m.rw, m.uw
  FROM sets g
  JOIN sums m ON m.sector_code OPERATOR(pg_catalog.=) g.sector_code
             AND COALESCE(m.member_state, '') OPERATOR(pg_catalog.=) COALESCE(g.member_state, '')
             AND COALESCE(m.function_code, '') OPERATOR(pg_catalog.=) COALESCE(g.function_code, '')
),
ents AS (  -- entities registered, for the all-functions rows
  SELECT e.sector_code, e.member_state, pg_catalog.count(*) AS n
  FROM @extschema@.entity e GROUP BY GROUPING SETS ((e.sector_code, e.member_state), (e.sector_code))
),
rows AS (  -- every sector has an EU-wide all-functions row, with or without data
  SELECT c.* FROM cube c
  UNION ALL
  SELECT s.code, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM @extschema@.sector s
  WHERE NOT EXISTS (SELECT 1 FROM cube c WHERE c.sector_code OPERATOR(pg_catalog.=) s.code
                                          AND c.member_state IS NULL AND c.function_code IS NULL)
)
SELECT c.sector_code, c.member_state, c.function_code, c.gm, c.cm,
       CASE WHEN c.function_code IS NULL THEN COALESCE(en.n, 0) ELSE c.ent END,
       COALESCE(c.ss, 0), COALESCE(c.ssc, 0), COALESCE(c.w, 0::float8), COALESCE(c.hw, 0::float8),
       COALESCE(c.wc, 0::float8), COALESCE(c.hwc, 0::float8), COALESCE(c.rw, 0::float8),
       COALESCE(@extschema@.key_count(c.gm), 0), @extschema@.hhi(c.gm), @extschema@.cr(c.gm, 1),
       @extschema@.cr(c.gm, 4), @extschema@.effective_suppliers(c.gm), @extschema@.hhi(c.cm),
       CASE WHEN c.w OPERATOR(pg_catalog.>) 0::float8 THEN c.hw OPERATOR(pg_catalog./) c.w END,
       CASE WHEN c.wc OPERATOR(pg_catalog.>) 0::float8 THEN c.hwc OPERATOR(pg_catalog./) c.wc END,
       1 OPERATOR(pg_catalog.-) @extschema@.share(c.cm, (SELECT @extschema@.eu_member_codes())),
       CASE WHEN c.w OPERATOR(pg_catalog.>) 0::float8 THEN c.rw OPERATOR(pg_catalog./) c.w END,
       @extschema@.concentration_level(@extschema@.hhi(c.gm)),
       CASE WHEN c.function_code IS NOT NULL THEN @extschema@.top_supplier_names(c.gm, 3) END,
       COALESCE(c.uw, 0::float8),
       CASE WHEN c.w OPERATOR(pg_catalog.>) 0::float8 THEN c.uw OPERATOR(pg_catalog./) c.w END
FROM rows c
LEFT JOIN ents en ON c.function_code IS NULL AND en.sector_code OPERATOR(pg_catalog.=) c.sector_code
                 AND (en.member_state OPERATOR(pg_catalog.=) c.member_state OR (en.member_state IS NULL AND c.member_state IS NULL))
-- EU-wide rows for roles that see every member state (row-level security)
WHERE c.member_state IS NOT NULL OR (SELECT @extschema@.access_member_states()) IS NULL
$$;
COMMENT ON FUNCTION @extschema@.sector_stats_at(date, text, boolean) IS
  'Dashboard statistics per sector at four levels (member state or EU-wide NULL, ICT function or all functions NULL) from the supply valid at as_of: mergeable group and country mixes, additive sums and the metrics derived from them (top_suppliers on function rows). functions false: only the all-functions rows. The computation behind the sector views, the rollups and the snapshots.';

ALTER TABLE @extschema@.sector_rollup ADD COLUMN unassessed_weight float8, ADD COLUMN unassessed_share float8;
COMMENT ON COLUMN @extschema@.sector_rollup.unassessed_weight IS 'Supply weight from suppliers whose risk_level is unassessed (NULL in rollups refreshed before 0.2.0).';
COMMENT ON COLUMN @extschema@.sector_rollup.unassessed_share IS 'Share (0..1) of the weight from unassessed suppliers (coverage below the methodology''s min_coverage).';
CREATE FUNCTION @extschema@.sector_function_rows(sector text, live boolean, as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS TABLE (member_state text, function_code text, function_name text, criticality text, entities bigint,
               suppliers integer, hhi float8, cr1 float8, cr4 float8, effective_suppliers float8, hrv_share float8,
               unassessed_share float8, non_eu_share float8, country_hhi float8, top_suppliers text,
               single_supplier_entities bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT r.member_state, r.function_code, fn.name, fn.criticality, r.entities, r.suppliers, r.hhi, r.cr1, r.cr4,
       r.effective_suppliers, r.hrv_share, r.unassessed_share, r.non_eu_share, r.country_hhi, r.top_suppliers, r.single_sourced
FROM @extschema@.sector_stats_source($2, $3, $4) r
JOIN @extschema@.ict_function fn ON fn.code OPERATOR(pg_catalog.=) r.function_code
WHERE r.sector_code OPERATOR(pg_catalog.=) $1
$$;
COMMENT ON FUNCTION @extschema@.sector_function_rows(text, boolean, date, text) IS
  'The rows of a sector_<code> view, live or from the rollups (see sector_stats_source).';

CREATE FUNCTION @extschema@.sector_function_overview(sector text, as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS TABLE (member_state text, function_code text, function_name text, criticality text, entities bigint,
               suppliers integer, hhi float8, cr1 float8, cr4 float8, effective_suppliers float8, hrv_share float8,
               unassessed_share float8, non_eu_share float8, country_hhi float8, top_suppliers text,
               single_supplier_entities bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT * FROM @extschema@.sector_function_rows($1, true, $2, $3)
$$;
COMMENT ON FUNCTION @extschema@.sector_function_overview(text, date, text) IS
  'The rows of a sector_<code> view for any sector, date and methodology, computed live.';

CREATE FUNCTION @extschema@.sector_overview_rows(live boolean, as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS TABLE (sector_code text, sector_name text, member_state text, entities bigint, suppliers integer, hhi float8,
               cr4 float8, effective_suppliers float8, country_hhi float8, hrv_share float8, unassessed_share float8,
               hrv_share_critical float8, non_eu_share float8, single_supplier_critical bigint, mean_risk float8,
               concentration_level text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT r.sector_code, s.name, r.member_state, r.entities, r.suppliers, r.hhi, r.cr4, r.effective_suppliers,
       r.country_hhi, r.hrv_share, r.unassessed_share, r.hrv_share_critical, r.non_eu_share, r.single_sourced_critical, r.mean_risk,
       r.concentration_level
FROM @extschema@.sector_stats_source($1, $2, $3, false) r
JOIN @extschema@.sector s ON s.code OPERATOR(pg_catalog.=) r.sector_code
WHERE r.function_code IS NULL
$$;
COMMENT ON FUNCTION @extschema@.sector_overview_rows(boolean, date, text) IS
  'The rows of sector_overview, live or from the rollups (see sector_stats_source).';

CREATE FUNCTION @extschema@.sector_overview_at(as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS TABLE (sector_code text, sector_name text, member_state text, entities bigint, suppliers integer, hhi float8,
               cr4 float8, effective_suppliers float8, country_hhi float8, hrv_share float8, unassessed_share float8,
               hrv_share_critical float8, non_eu_share float8, single_supplier_critical bigint, mean_risk float8,
               concentration_level text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT * FROM @extschema@.sector_overview_rows(true, $1, $2)
$$;
COMMENT ON FUNCTION @extschema@.sector_overview_at(date, text) IS 'The rows of sector_overview for any date and methodology, computed live.';

CREATE VIEW @extschema@.sector_overview WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.sector_overview_rows(false, CURRENT_DATE, NULL);
COMMENT ON VIEW @extschema@.sector_overview IS 'Per NIS2 sector: a row per member state and an EU-wide row (member_state NULL, the merge of the member states). Read from the rollups of the last refresh() (see rollup_status); computed live for today until the first refresh.';
COMMENT ON COLUMN @extschema@.sector_overview.sector_code IS 'NIS2 sector.';
COMMENT ON COLUMN @extschema@.sector_overview.sector_name IS 'Sector name.';
COMMENT ON COLUMN @extschema@.sector_overview.member_state IS 'Member state; NULL for the EU-wide row.';
COMMENT ON COLUMN @extschema@.sector_overview.entities IS 'Entities of the sector registered in the member state (EU-wide: all).';
COMMENT ON COLUMN @extschema@.sector_overview.suppliers IS 'Distinct supplier groups in the supply.';
COMMENT ON COLUMN @extschema@.sector_overview.hhi IS 'HHI (0..10000) of the supply pooled over the sector''s entities and functions, per supplier group.';
COMMENT ON COLUMN @extschema@.sector_overview.cr4 IS 'Share (0..1) of the four largest supplier groups.';
COMMENT ON COLUMN @extschema@.sector_overview.effective_suppliers IS 'Numbers equivalent 10000/HHI.';
COMMENT ON COLUMN @extschema@.sector_overview.country_hhi IS 'HHI of the supply by the headquarters country of the supplier group.';
COMMENT ON COLUMN @extschema@.sector_overview.hrv_share IS 'Share (0..1) of the supply weight from high-risk suppliers.';
COMMENT ON COLUMN @extschema@.sector_overview.unassessed_share IS 'Share (0..1) of the supply weight from unassessed suppliers (coverage below the methodology''s min_coverage): how much of hrv_share rests on unknowns.';
COMMENT ON COLUMN @extschema@.sector_overview.hrv_share_critical IS 'The same over critical and sensitive ICT functions only.';
COMMENT ON COLUMN @extschema@.sector_overview.non_eu_share IS 'Share (0..1) of the supply from supplier groups headquartered outside the EU.';
COMMENT ON COLUMN @extschema@.sector_overview.single_supplier_critical IS 'Entity and function pairs (critical or sensitive functions) served by a single supplier group.';
COMMENT ON COLUMN @extschema@.sector_overview.mean_risk IS 'Supply-weighted mean risk_score (0..100) of the suppliers.';
COMMENT ON COLUMN @extschema@.sector_overview.concentration_level IS 'Band of hhi under the EU 2004 guidelines (low, moderate, high).';

-- entity_exposure: concentration and exposure per entity and ICT function.

-- The 18 sector views: one definition, generated, identical columns.
DO $gen$
DECLARE
  s record;
  c record;
  v text;
BEGIN
  FOR s IN SELECT code, name FROM @extschema@.sector WHERE shipped ORDER BY code LOOP
    v := 'sector_' || s.code;
    EXECUTE pg_catalog.format('CREATE VIEW @extschema@.%I WITH (security_invoker = true) AS SELECT * FROM @extschema@.sector_function_rows(%L, false, CURRENT_DATE, NULL)', v, s.code);
    EXECUTE pg_catalog.format('COMMENT ON VIEW @extschema@.%I IS %L', v,
      pg_catalog.format('NIS2 sector %s: concentration per member state (NULL: EU-wide) and ICT function. Read from the rollups of the last refresh() (see rollup_status); computed live for today until the first refresh.', s.name));
    FOR c IN SELECT * FROM (VALUES
      ('member_state', 'Member state; NULL for the EU-wide row (the merge of the member-state rows).'),
      ('function_code', 'ICT function.'),
      ('function_name', 'ICT function name.'),
      ('criticality', 'critical, sensitive or standard.'),
      ('entities', 'Entities of the sector that use the function.'),
      ('suppliers', 'Distinct supplier groups.'),
      ('hhi', 'HHI (0..10000) over supplier groups, pooled over the entities.'),
      ('cr1', 'Share (0..1) of the largest supplier group.'),
      ('cr4', 'Share (0..1) of the four largest supplier groups.'),
      ('effective_suppliers', 'Numbers equivalent 10000/HHI.'),
      ('hrv_share', 'Share (0..1) of the weight from high-risk suppliers.'),
      ('unassessed_share', 'Share (0..1) of the weight from unassessed suppliers (coverage below the methodology''s min_coverage).'),
      ('non_eu_share', 'Share (0..1) of the weight from supplier groups headquartered outside the EU.'),
      ('country_hhi', 'HHI over the headquarters countries of the supplier groups.'),
      ('top_suppliers', 'The three largest supplier groups with their shares, as text.'),
      ('single_supplier_entities', 'Entities served by a single supplier group for the function.')) x(col, txt) LOOP
      EXECUTE pg_catalog.format('COMMENT ON COLUMN @extschema@.%I.%I IS %L', v, c.col, c.txt);
    END LOOP;
  END LOOP;
END $gen$;


-- entity_exposure and entity_deep_exposure read supply_valid_at (same results).
CREATE OR REPLACE FUNCTION @extschema@.entity_exposure_at(as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS TABLE (entity_id bigint, entity_name text, member_state text, sector_code text, function_code text,
               criticality text, supplier_count integer, hhi float8, cr1 float8, effective_suppliers float8,
               hrv_share float8, non_eu_share float8, single_supplier boolean, exposure_score float8,
               mix @extschema@.supply_mix)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
WITH r AS (
  SELECT x.supplier_id, x.group_id, x.risk_score, x.high_risk FROM @extschema@.supplier_risk_at($1, $2) x
),
m AS (
  SELECT x.weight_critical, x.weight_sensitive, x.weight_standard FROM @extschema@.methodology x
  WHERE x.name OPERATOR(pg_catalog.=) @extschema@.methodology_name($2)
),
base AS (
  SELECT s.entity_id, s.function_code, @extschema@.supply_mix_agg(r.group_id, s.weight) AS mix,
         pg_catalog.sum(s.weight) AS w,
         COALESCE(pg_catalog.sum(s.weight) FILTER (WHERE r.high_risk), 0::float8) AS hw,
         COALESCE(pg_catalog.sum(s.weight) FILTER (WHERE NOT c.eu_member), 0::float8) AS nw,
         COALESCE(pg_catalog.sum(s.weight OPERATOR(pg_catalog.*) r.risk_score), 0::float8) AS rw
  FROM @extschema@.supply_valid_at($1) s
  JOIN r ON r.supplier_id OPERATOR(pg_catalog.=) s.supplier_id
  JOIN @extschema@.supplier g ON g.supplier_id OPERATOR(pg_catalog.=) r.group_id
  JOIN @extschema@.country c ON c.code OPERATOR(pg_catalog.=) g.hq_country
  GROUP BY s.entity_id, s.function_code
)
SELECT e.entity_id, e.name, e.member_state, e.sector_code, b.function_code, fn.criticality,
       @extschema@.key_count(b.mix), @extschema@.hhi(b.mix), @extschema@.cr(b.mix, 1), @extschema@.effective_suppliers(b.mix),
       b.hw OPERATOR(pg_catalog./) b.w, b.nw OPERATOR(pg_catalog./) b.w,
       @extschema@.key_count(b.mix) OPERATOR(pg_catalog.=) 1,
       b.rw OPERATOR(pg_catalog./) b.w OPERATOR(pg_catalog./) 100 OPERATOR(pg_catalog.*)
         CASE WHEN fn.criticality OPERATOR(pg_catalog.=) 'critical' THEN m.weight_critical
            WHEN fn.criticality OPERATOR(pg_catalog.=) 'sensitive' THEN m.weight_sensitive ELSE m.weight_standard END,
       b.mix
FROM base b
JOIN @extschema@.entity e ON e.entity_id OPERATOR(pg_catalog.=) b.entity_id
JOIN @extschema@.ict_function fn ON fn.code OPERATOR(pg_catalog.=) b.function_code
CROSS JOIN m
$$;
COMMENT ON FUNCTION @extschema@.entity_exposure_at(date, text) IS 'The rows of entity_exposure for any date and methodology.';

CREATE OR REPLACE FUNCTION @extschema@.entity_deep_exposure_at(as_of date DEFAULT CURRENT_DATE, max_depth integer DEFAULT 6)
RETURNS TABLE (entity_id bigint, entity_name text, member_state text, sector_code text, direct_suppliers integer,
               deep_suppliers integer, direct_hhi float8, deep_hhi float8, top_hidden_group_id bigint,
               top_hidden_group text, top_hidden_share float8, hidden_suppliers text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
WITH gmap AS MATERIALIZED (  -- computed once, not once per entity
  SELECT x.supplier_id, x.group_id FROM @extschema@.supplier_group_map x
),
direct AS (
  SELECT s.entity_id, @extschema@.supply_mix_agg(s.supplier_id, s.weight) AS m
  FROM @extschema@.supply_valid_at($1) s
  GROUP BY s.entity_id
),
direct_groups AS (
  SELECT d.entity_id,
         (SELECT @extschema@.supply_mix_agg(gm.group_id, t.weight) FROM @extschema@.each(d.m) t
            JOIN gmap gm ON gm.supplier_id OPERATOR(pg_catalog.=) t.key::bigint) AS direct_g
  FROM direct d
),
groups AS (  -- the group mix propagated (a group's dependencies apply to its subsidiaries), regrouped
  SELECT d.entity_id, d.direct_g, @extschema@.total(d.direct_g) AS direct_total,
         (SELECT @extschema@.supply_mix_agg(gm.group_id, t.weight)
            FROM @extschema@.each(@extschema@.deep_mix(d.direct_g, $2)) t
            JOIN gmap gm ON gm.supplier_id OPERATOR(pg_catalog.=) t.key::bigint) AS deep_g
  FROM direct_groups d
),
hidden AS (  -- weight relying on a group beyond what the entity buys from it directly
  SELECT g.entity_id, t.key::bigint AS group_id,
         (t.weight OPERATOR(pg_catalog.-) COALESCE(@extschema@.share(g.direct_g, t.key::bigint) OPERATOR(pg_catalog.*) g.direct_total, 0::float8))
           OPERATOR(pg_catalog./) g.direct_total AS hidden_share
  FROM groups g, @extschema@.each(g.deep_g) t
),
ranked AS (
  SELECT h.*, pg_catalog.row_number() OVER (PARTITION BY h.entity_id ORDER BY h.hidden_share DESC, h.group_id) AS rk
  FROM hidden h WHERE h.hidden_share OPERATOR(pg_catalog.>) 1e-12
)
SELECT e.entity_id, e.name, e.member_state, e.sector_code,
       @extschema@.key_count(g.direct_g), @extschema@.key_count(g.deep_g),
       @extschema@.hhi(g.direct_g), @extschema@.hhi(g.deep_g),
       top.group_id, gs.name, top.hidden_share,
       (SELECT pg_catalog.string_agg(pg_catalog.format('%s %s%%', s2.name, pg_catalog.round((r2.hidden_share OPERATOR(pg_catalog.*) 100)::numeric, 0)), ', ' ORDER BY r2.rk)
          FROM ranked r2 JOIN @extschema@.supplier s2 ON s2.supplier_id OPERATOR(pg_catalog.=) r2.group_id
         WHERE r2.entity_id OPERATOR(pg_catalog.=) g.entity_id AND r2.rk OPERATOR(pg_catalog.<=) 3)
FROM groups g
JOIN @extschema@.entity e ON e.entity_id OPERATOR(pg_catalog.=) g.entity_id
LEFT JOIN ranked top ON top.entity_id OPERATOR(pg_catalog.=) g.entity_id AND top.rk OPERATOR(pg_catalog.=) 1
LEFT JOIN @extschema@.supplier gs ON gs.supplier_id OPERATOR(pg_catalog.=) top.group_id
$$;
COMMENT ON FUNCTION @extschema@.entity_deep_exposure_at(date, integer) IS 'The rows of entity_deep_exposure for any date and depth.';


-- Loading with explicit ids keeps the id sequences ahead.
CREATE FUNCTION @extschema@.advance_id_sequence() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  top  bigint;
  seq  regclass := TG_ARGV[1]::regclass;
  last bigint;
BEGIN
  EXECUTE pg_catalog.format('SELECT pg_catalog.max(%I) FROM new_rows', TG_ARGV[0]) INTO top;
  IF top IS NULL THEN
    RETURN NULL;
  END IF;
  last := pg_catalog.pg_sequence_last_value(seq);  -- NULL before the first nextval
  IF last IS NULL OR top OPERATOR(pg_catalog.>) last THEN
    -- serialise concurrent loaders, so the sequence never moves back
    PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('supplyrisk.advance_id_sequence'), seq::oid::integer);
    last := pg_catalog.pg_sequence_last_value(seq);
    IF last IS NULL OR top OPERATOR(pg_catalog.>) last THEN
      PERFORM pg_catalog.setval(seq, top);
    END IF;
  END IF;
  RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION @extschema@.advance_id_sequence() FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.advance_id_sequence() IS
  'Trigger (after INSERT, per statement): moves the id sequence (argument 2) past the largest id (column argument 1) the statement inserted, so rows loaded with explicit ids and rows that take the default mix.';

DO $gen$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT * FROM (VALUES ('entity', 'entity_id'), ('supplier', 'supplier_id'), ('supply', 'supply_id'),
                                 ('assessment', 'assessment_id'), ('designation', 'designation_id'),
                                 ('snapshot', 'snapshot_id')) x(tab, col) LOOP
    EXECUTE pg_catalog.format(
      'CREATE TRIGGER %I AFTER INSERT ON @extschema@.%I REFERENCING NEW TABLE AS new_rows '
      'FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.advance_id_sequence(%L, %L)',
      t.tab || '_advance_id_sequence', t.tab, t.col, '@extschema@.' || t.tab || '_id_seq');
  END LOOP;
END $gen$;

-- and sequences already left behind by such loads are moved past their tables' ids
DO $seq$
DECLARE t record;
BEGIN
  FOR t IN SELECT * FROM (VALUES ('entity', 'entity_id'), ('supplier', 'supplier_id'), ('supply', 'supply_id'),
                                 ('assessment', 'assessment_id'), ('designation', 'designation_id'),
                                 ('snapshot', 'snapshot_id')) x(tab, col) LOOP
    EXECUTE pg_catalog.format('SELECT pg_catalog.setval(%L, m) FROM (SELECT pg_catalog.max(%I) AS m FROM @extschema@.%I) x '
                              'WHERE m OPERATOR(pg_catalog.>) COALESCE(pg_catalog.pg_sequence_last_value(%L), 0)',
                              '@extschema@.' || t.tab || '_id_seq', t.col, t.tab, '@extschema@.' || t.tab || '_id_seq');
  END LOOP;
END $seq$;

-- Real data in (issue 13): organisation names that match, bills of materials read as they are.
-- The rules, in order (REFERENCE.md has examples): Unicode compatibility form (NFKC),
-- lower case; "&" becomes "and"; a web domain ending (.com .org .net .io .dev .eu) is
-- dropped; every other character that is not a letter, digit or space becomes a space,
-- apostrophes vanish; spaces collapse; single letters join up ("S.A." becomes "sa");
-- a leading "the" goes; trailing legal forms go,
-- repeatedly (inc, corp, corporation, ltd, llc, gmbh, ag, sa, sas, bv, ... and a dangling
-- "and co"). A name that would become empty keeps its lower-cased, collapsed form.
CREATE FUNCTION @extschema@.normalize_org_name(name text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  WITH a AS (
    SELECT pg_catalog.regexp_replace(pg_catalog.btrim(pg_catalog.lower(pg_catalog.normalize($1, 'NFKC'))), '\s+', ' ', 'g') AS plain
  ),
  b AS (
    SELECT a.plain,
           pg_catalog.btrim(pg_catalog.regexp_replace(pg_catalog.regexp_replace(pg_catalog.regexp_replace(pg_catalog.regexp_replace(
             pg_catalog.replace(a.plain, '&', ' and '),
             '\.(com|org|net|io|dev|eu)$', ''),
             '[''’`]', '', 'g'),
             '[^[:alnum:][:space:]]+', ' ', 'g'),
             '\s+', ' ', 'g')) AS s0
    FROM a
  ),
  j AS (  -- letters of an abbreviation join up again: "s a" (from S.A.) is "sa"
    SELECT b.plain, pg_catalog.regexp_replace(b.s0, '\m([[:alnum:]]) (?=[[:alnum:]]\M)', '\1', 'g') AS s
    FROM b
  ),
  c AS (
    SELECT j.plain,
           pg_catalog.btrim(pg_catalog.regexp_replace(pg_catalog.regexp_replace(j.s, '^the ', ''),
             '( (and co|co|inc|incorporated|corp|corporation|ltd|limited|llc|llp|lp|plc|gmbh|mbh|ag|kg|kgaa|se|sa|sas|sarl|srl|spa|bv|nv|oy|oyj|ab|as|asa|aps|pty|pte|kk|sl|sro|kft|zrt|sp z o o))+$',
             '')) AS s
    FROM j
  )
  SELECT CASE WHEN c.s OPERATOR(pg_catalog.=) '' THEN c.plain ELSE c.s END FROM c
$$;
COMMENT ON FUNCTION @extschema@.normalize_org_name(text) IS
  'An organisation name normalised for matching: NFKC, lower case, & as and, a web domain ending dropped, punctuation to spaces, spaces collapsed, single letters joined (S.A. as sa), a leading "the" and trailing legal forms (Inc, Corp, Ltd, LLC, GmbH, AG, SA, SAS, BV, ...) removed.';

CREATE TABLE @extschema@.org_alias (
  alias     text PRIMARY KEY,
  canonical text NOT NULL CONSTRAINT org_alias_canonical_nonempty CHECK (@extschema@.constraint_check(
    pg_catalog.btrim(canonical) OPERATOR(pg_catalog.<>) '', canonical, 'org_alias_canonical_nonempty', 'canonical',
    'canonical is the organisation''s name as it should appear (not empty).'))
);
COMMENT ON TABLE @extschema@.org_alias IS 'Organisation aliases: a normalised alias (normalize_org_name, applied on insert) maps to the canonical name of the organisation. The canonical name of any organisation is its alias target, else its normalised name.';
COMMENT ON COLUMN @extschema@.org_alias.alias IS 'An organisation name as documents spell it; stored normalised (normalize_org_name), so every spelling that normalises alike matches.';
COMMENT ON COLUMN @extschema@.org_alias.canonical IS 'The name the organisation goes by in mixes and suppliers.';

CREATE FUNCTION @extschema@.org_alias_normalize() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  NEW.alias := @extschema@.normalize_org_name(NEW.alias);
  IF NEW.alias IS NULL OR NEW.alias OPERATOR(pg_catalog.=) '' THEN
    RAISE EXCEPTION 'alias must name an organisation' USING ERRCODE = 'check_violation',
      HINT = 'Give the alias as documents spell it, e.g. ''The Apache Software Foundation''.';
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION @extschema@.org_alias_normalize() IS 'Trigger: stores org_alias.alias normalised (normalize_org_name).';
CREATE TRIGGER org_alias_normalize BEFORE INSERT OR UPDATE OF alias ON @extschema@.org_alias
  FOR EACH ROW EXECUTE FUNCTION @extschema@.org_alias_normalize();
SELECT pg_catalog.pg_extension_config_dump('@extschema@.org_alias', '');

CREATE FUNCTION @extschema@.canonical_org_name(name text) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
  SELECT COALESCE((SELECT a.canonical FROM @extschema@.org_alias a
                   WHERE a.alias OPERATOR(pg_catalog.=) @extschema@.normalize_org_name($1)),
                  @extschema@.normalize_org_name($1))
$$;
COMMENT ON FUNCTION @extschema@.canonical_org_name(text) IS
  'The canonical name of an organisation: its org_alias target, else its normalised name.';

-- The kind and version of a document, or an error that says what was found.
CREATE FUNCTION @extschema@.bom_format(doc jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  v text;
  hint text := 'Supported: CycloneDX JSON 1.2 to 1.6 and SPDX JSON 2.2 and 2.3.';
BEGIN
  IF doc IS NULL THEN
    RAISE EXCEPTION 'bom document must not be null' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF jsonb_typeof(doc) OPERATOR(pg_catalog.=) 'string' THEN
    v := btrim(doc #>> '{}');
    RAISE EXCEPTION 'not a JSON bill of materials: %', CASE
        WHEN v LIKE '<%' THEN 'an XML document (a JSON string starting with "<")'
        WHEN v ~* '^SPDXVersion:' THEN 'an SPDX tag-value document'
        ELSE format('a JSON string (%s)', left(v, 40)) END
      USING ERRCODE = 'invalid_parameter_value', HINT = hint || ' Convert XML or tag-value documents to JSON first.';
  END IF;
  IF jsonb_typeof(doc) OPERATOR(pg_catalog.<>) 'object' THEN
    RAISE EXCEPTION 'not a JSON bill of materials: a JSON %', jsonb_typeof(doc)
      USING ERRCODE = 'invalid_parameter_value', HINT = hint;
  END IF;
  IF doc ? 'bomFormat' THEN
    IF doc ->> 'bomFormat' OPERATOR(pg_catalog.<>) 'CycloneDX' THEN
      RAISE EXCEPTION 'unsupported bomFormat "%"', doc ->> 'bomFormat' USING ERRCODE = 'invalid_parameter_value', HINT = hint;
    END IF;
    v := doc ->> 'specVersion';
    IF v IS NULL OR v NOT IN ('1.2', '1.3', '1.4', '1.5', '1.6') THEN
      RAISE EXCEPTION 'unsupported CycloneDX specVersion "%"', COALESCE(v, 'missing')
        USING ERRCODE = 'invalid_parameter_value', HINT = hint;
    END IF;
    RETURN 'CycloneDX ' || v;
  END IF;
  IF doc ? 'spdxVersion' THEN
    v := doc ->> 'spdxVersion';
    IF v NOT IN ('SPDX-2.2', 'SPDX-2.3') THEN
      RAISE EXCEPTION 'unsupported spdxVersion "%"', v USING ERRCODE = 'invalid_parameter_value', HINT = hint;
    END IF;
    RETURN replace(v, '-', ' ');
  END IF;
  RAISE EXCEPTION 'not a bill of materials: the JSON object has neither "bomFormat" nor "spdxVersion"'
    USING ERRCODE = 'invalid_parameter_value', HINT = hint;
END $$;
COMMENT ON FUNCTION @extschema@.bom_format(jsonb) IS
  'The format of a JSON bill of materials ("CycloneDX 1.4", "SPDX 2.3"), or 22023 naming what was found (XML, tag-value, another format or version).';

CREATE FUNCTION @extschema@.bom_refuse(message text, hint text) RETURNS float8
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RAISE EXCEPTION '%', message USING ERRCODE = 'invalid_parameter_value', HINT = hint;
END $$;
COMMENT ON FUNCTION @extschema@.bom_refuse(text, text) IS 'Internal: the 22023 errors of bom_components (a component that is not an object, a quantity that is not a positive number), raised from within its one pass over the document.';

-- Every component of a document, nested ones included, with the organisation behind it.
CREATE FUNCTION @extschema@.bom_components(doc jsonb)
RETURNS TABLE (path text, kind text, bom_ref text, name text, version text, purl text,
               organisation text, organisation_field text, quantity float8)
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  fmt text := @extschema@.bom_format(doc);
BEGIN
  IF fmt LIKE 'CycloneDX%' THEN
    RETURN QUERY
    WITH RECURSIVE c(path, kind, j) AS (
      SELECT format('components[%s]', o OPERATOR(pg_catalog.-) 1), 'component', e
      FROM jsonb_array_elements(CASE WHEN jsonb_typeof(doc -> 'components') OPERATOR(pg_catalog.=) 'array' THEN doc -> 'components' ELSE '[]' END)
           WITH ORDINALITY x(e, o)
      UNION ALL
      SELECT format('services[%s]', o OPERATOR(pg_catalog.-) 1), 'service', e
      FROM jsonb_array_elements(CASE WHEN jsonb_typeof(doc -> 'services') OPERATOR(pg_catalog.=) 'array' THEN doc -> 'services' ELSE '[]' END)
           WITH ORDINALITY x(e, o)
      UNION ALL
      SELECT format('%s.%s[%s]', c.path, k.key, o OPERATOR(pg_catalog.-) 1), CASE k.key WHEN 'services' THEN 'service' ELSE 'component' END, e
      FROM c CROSS JOIN (VALUES ('components'), ('services')) k(key)
      CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(c.j -> k.key) OPERATOR(pg_catalog.=) 'array'
                                                   THEN c.j -> k.key ELSE '[]' END) WITH ORDINALITY x(e, o)
    ),
    org AS (
      SELECT c.*, f.field, f.value
      FROM c
      LEFT JOIN LATERAL (
        SELECT v.field, v.value FROM (VALUES
          (1, 'manufacturer', NULLIF(btrim(c.j #>> '{manufacturer,name}'), '')),
          (2, 'supplier', NULLIF(btrim(c.j #>> '{supplier,name}'), '')),
          (3, 'publisher', CASE WHEN jsonb_typeof(c.j -> 'publisher') OPERATOR(pg_catalog.=) 'string' THEN NULLIF(btrim(c.j ->> 'publisher'), '') END),
          (4, 'provider', NULLIF(btrim(c.j #>> '{provider,name}'), ''))) v(rank, field, value)
        WHERE v.value IS NOT NULL
        ORDER BY v.rank LIMIT 1) f ON true
    ),
    qty AS (
      SELECT o.*, (SELECT p ->> 'value' FROM jsonb_array_elements(CASE WHEN jsonb_typeof(o.j -> 'properties') OPERATOR(pg_catalog.=) 'array'
                                                                      THEN o.j -> 'properties' ELSE '[]' END) p
                   WHERE p ->> 'name' OPERATOR(pg_catalog.=) 'cdx:device:quantity' LIMIT 1) AS q
      FROM org o
    )
    SELECT q.path, q.kind, q.j ->> 'bom-ref', q.j ->> 'name', q.j ->> 'version', q.j ->> 'purl', q.value, q.field,
           CASE WHEN jsonb_typeof(q.j) OPERATOR(pg_catalog.<>) 'object'
                THEN @extschema@.bom_refuse(format('%s is a JSON %s, not an object', q.path, jsonb_typeof(q.j)),
                                            'Every CycloneDX component and service is a JSON object.')
                WHEN q.q IS NULL THEN 1::float8
                WHEN q.q ~ '^\s*[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?\s*$' AND q.q::float8 OPERATOR(pg_catalog.>) 0
                     AND q.q::float8 OPERATOR(pg_catalog.<) 'Infinity'::float8 THEN q.q::float8
                ELSE @extschema@.bom_refuse(format('quantity of %s is "%s", not a positive number', q.path, q.q),
                                            'The property cdx:device:quantity holds a positive number of units, e.g. "12".') END
    FROM qty q
    ORDER BY q.path;
  ELSE
    RETURN QUERY
    SELECT format('packages[%s]', o OPERATOR(pg_catalog.-) 1), 'package', e ->> 'SPDXID', e ->> 'name', e ->> 'versionInfo',
           (SELECT r ->> 'referenceLocator' FROM jsonb_array_elements(CASE WHEN jsonb_typeof(e -> 'externalRefs') OPERATOR(pg_catalog.=) 'array'
                                                                          THEN e -> 'externalRefs' ELSE '[]' END) r
            WHERE r ->> 'referenceType' OPERATOR(pg_catalog.=) 'purl' LIMIT 1),
           f.value, f.field,
           CASE WHEN jsonb_typeof(e) OPERATOR(pg_catalog.<>) 'object'
                THEN @extschema@.bom_refuse(format('packages[%s] is a JSON %s, not an object', o OPERATOR(pg_catalog.-) 1, jsonb_typeof(e)),
                                            'Every SPDX package is a JSON object.')
                ELSE 1::float8 END
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(doc -> 'packages') OPERATOR(pg_catalog.=) 'array' THEN doc -> 'packages' ELSE '[]' END)
         WITH ORDINALITY x(e, o)
    LEFT JOIN LATERAL (
      SELECT v.field, NULLIF(btrim(substr(v.raw, length('Organization:') OPERATOR(pg_catalog.+) 1)), '') AS value
      FROM (VALUES (1, 'supplier', e ->> 'supplier'), (2, 'originator', e ->> 'originator')) v(rank, field, raw)
      WHERE v.raw ILIKE 'Organization:%' AND NULLIF(btrim(substr(v.raw, length('Organization:') OPERATOR(pg_catalog.+) 1)), '') IS NOT NULL
      ORDER BY v.rank LIMIT 1) f ON true
    ORDER BY o;
  END IF;
END $$;
COMMENT ON FUNCTION @extschema@.bom_components(jsonb) IS
  'Every component of a CycloneDX (components and services, nested ones included) or SPDX (packages) JSON document: path, kind, bom-ref or SPDXID, name, version, purl, the organisation behind it and the field it came from (CycloneDX manufacturer, supplier, publisher, provider; SPDX supplier, else originator, when an Organization), quantity (cdx:device:quantity, default 1).';

CREATE FUNCTION @extschema@.sbom_supplier_mix(doc jsonb, weight text DEFAULT 'count') RETURNS @extschema@.supply_mix
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  m @extschema@.supply_mix;
BEGIN
  IF weight IS NULL OR weight NOT IN ('count', 'quantity') THEN
    RAISE EXCEPTION 'unknown weight "%"', weight USING ERRCODE = 'invalid_parameter_value',
      HINT = 'Weigh components by count (each one 1) or by quantity (cdx:device:quantity, default 1).';
  END IF;
  -- each distinct spelling is normalised once
  SELECT @extschema@.supply_mix_agg(@extschema@.canonical_org_name(o.organisation), o.w)
  INTO m
  FROM (SELECT c.organisation, sum(CASE WHEN weight OPERATOR(pg_catalog.=) 'quantity' THEN c.quantity ELSE 1::float8 END) AS w
        FROM @extschema@.bom_components(doc) c
        WHERE c.organisation IS NOT NULL
        GROUP BY c.organisation) o;
  RETURN m;
END $$;
COMMENT ON FUNCTION @extschema@.sbom_supplier_mix(jsonb, text) IS
  'The concentration of a CycloneDX or SPDX JSON document''s components over the organisations that make or supply them (canonical names; components without an organisation are left out), weighted by count or by quantity.';

-- Real data in (issue 13): registers, row by row with every refusal reported.
CREATE FUNCTION @extschema@.import_rows(target regclass, rows jsonb, partial boolean DEFAULT false)
RETURNS TABLE (line integer, column_name text, sqlstate text, reason text)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  allowed text[] := ARRAY['entity', 'supplier', 'supply', 'supplier_dependency', 'assessment', 'designation',
                          'org_alias', 'methodology', 'methodology_weight'];
  tab text;
  cols text[];
  r record;
  keys text[];
  unknown text[];
  n integer := 0;
  loaded integer := 0;
  st text; msg text; det text; con text; col text;
  refused jsonb := '[]';
BEGIN
  IF target IS NULL OR rows IS NULL THEN
    RAISE EXCEPTION 'target and rows must not be null' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  SELECT c.relname INTO tab FROM pg_class c
  WHERE c.oid OPERATOR(pg_catalog.=) target AND c.relnamespace OPERATOR(pg_catalog.=) '@extschema@'::regnamespace;
  IF tab IS NULL OR NOT tab OPERATOR(pg_catalog.=) ANY (allowed) THEN
    RAISE EXCEPTION 'cannot import rows into %', target USING ERRCODE = 'invalid_parameter_value',
      HINT = format('import_rows loads the tables %s of schema @extschema@.', array_to_string(allowed, ', '));
  END IF;
  IF jsonb_typeof(rows) OPERATOR(pg_catalog.<>) 'array' THEN
    RAISE EXCEPTION 'rows must be a JSON array of objects, not a JSON %', jsonb_typeof(rows) USING ERRCODE = 'invalid_parameter_value',
      HINT = 'One object per row, e.g. [{"name": "Example GmbH", "hq_country": "DE"}]; from a CSV: jsonb_agg(to_jsonb(staging) ORDER BY line).';
  END IF;
  SELECT array_agg(a.attname::text ORDER BY a.attnum) INTO cols
  FROM pg_attribute a WHERE a.attrelid OPERATOR(pg_catalog.=) target AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped;

  BEGIN  -- every row below; undone as a whole when something is refused and partial is false
    FOR r IN SELECT e AS obj, o::integer AS pos FROM jsonb_array_elements(rows) WITH ORDINALITY x(e, o) LOOP
      n := n OPERATOR(pg_catalog.+) 1;
      IF jsonb_typeof(r.obj) OPERATOR(pg_catalog.<>) 'object' THEN
        refused := refused OPERATOR(pg_catalog.||) jsonb_build_array(jsonb_build_object('line', r.pos, 'column', NULL,
                     'sqlstate', '22023', 'reason', format('the row is a JSON %s, not an object', jsonb_typeof(r.obj))));
        CONTINUE;
      END IF;
      SELECT array_agg(k ORDER BY k) INTO keys FROM jsonb_object_keys(r.obj) k;
      SELECT array_agg(k ORDER BY k) INTO unknown FROM unnest(keys) k WHERE NOT k OPERATOR(pg_catalog.=) ANY (cols);
      IF unknown IS NOT NULL THEN
        refused := refused OPERATOR(pg_catalog.||) jsonb_build_array(jsonb_build_object('line', r.pos, 'column', unknown[1],
                     'sqlstate', '42703', 'reason', format('%s has no column %s', tab, array_to_string(unknown, ', '))));
        CONTINUE;
      END IF;
      IF keys IS NULL THEN
        refused := refused OPERATOR(pg_catalog.||) jsonb_build_array(jsonb_build_object('line', r.pos, 'column', NULL,
                     'sqlstate', '22023', 'reason', 'the row has no column'));
        CONTINUE;
      END IF;
      BEGIN
        EXECUTE format('INSERT INTO @extschema@.%I (%s) SELECT %s FROM jsonb_populate_record(NULL::@extschema@.%I, $1) t',
                       tab, (SELECT string_agg(quote_ident(k), ', ') FROM unnest(keys) k),
                       (SELECT string_agg('t.' || quote_ident(k), ', ') FROM unnest(keys) k), tab)
          USING r.obj;
        loaded := loaded OPERATOR(pg_catalog.+) 1;
      EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
                                con = CONSTRAINT_NAME, col = COLUMN_NAME;
        IF col IS NULL OR col OPERATOR(pg_catalog.=) '' THEN  -- the constraint's columns, else the value that did not convert
          SELECT string_agg(a.attname::text, ', ' ORDER BY a.attnum) INTO col
          FROM pg_constraint k JOIN pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) k.conrelid AND a.attnum OPERATOR(pg_catalog.=) ANY (k.conkey)
          WHERE k.conrelid OPERATOR(pg_catalog.=) target AND k.conname OPERATOR(pg_catalog.=) con;
        END IF;
        IF (col IS NULL OR col OPERATOR(pg_catalog.=) '') AND st LIKE '22%' THEN
          SELECT k INTO col FROM unnest(keys) k
          WHERE NOT @extschema@.import_value_converts(tab, k, r.obj OPERATOR(pg_catalog.->) k) LIMIT 1;
        END IF;
        refused := refused OPERATOR(pg_catalog.||) jsonb_build_array(jsonb_build_object('line', r.pos,
                     'column', NULLIF(col, ''), 'sqlstate', st,
                     'reason', msg OPERATOR(pg_catalog.||) COALESCE(' (' OPERATOR(pg_catalog.||) NULLIF(det, '') OPERATOR(pg_catalog.||) ')', '')));
      END;
    END LOOP;
    IF jsonb_array_length(refused) OPERATOR(pg_catalog.>) 0 AND NOT partial THEN
      RAISE EXCEPTION USING ERRCODE = 'SR001';  -- undo every row of this import
    END IF;
  EXCEPTION WHEN SQLSTATE 'SR001' THEN
    loaded := 0;
  END;
  RAISE NOTICE 'import_rows: % of % rows loaded into %, % refused%', loaded, n, tab, jsonb_array_length(refused),
    CASE WHEN jsonb_array_length(refused) OPERATOR(pg_catalog.>) 0 AND NOT partial
         THEN ' (nothing loaded: pass partial => true to load the valid rows)' ELSE '' END;
  RETURN QUERY
  SELECT (x OPERATOR(pg_catalog.->>) 'line')::integer, x OPERATOR(pg_catalog.->>) 'column',
         x OPERATOR(pg_catalog.->>) 'sqlstate', x OPERATOR(pg_catalog.->>) 'reason'
  FROM jsonb_array_elements(refused) x
  ORDER BY 1;
END $$;
COMMENT ON FUNCTION @extschema@.import_rows(regclass, jsonb, boolean) IS
  'Loads rows (a JSON array of objects, one key per column) into one of the loader tables, with the tables'' own rules; returns every refused row with its line (position in the array), column, SQLSTATE and reason. Nothing is loaded when a row is refused, unless partial is true.';

CREATE FUNCTION @extschema@.import_value_converts(tab text, col text, value jsonb) RETURNS boolean
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  EXECUTE format('SELECT (jsonb_populate_record(NULL::@extschema@.%I, jsonb_build_object(%L, $1))).%I', tab, col, col) USING value;
  RETURN true;
EXCEPTION WHEN OTHERS THEN
  RETURN false;
END $$;
COMMENT ON FUNCTION @extschema@.import_value_converts(text, text, jsonb) IS
  'Internal: whether a JSON value converts to the type of a column of a loader table (import_rows names the column of a conversion error with it).';

-- The trigger errors of entity, assessment, designation and supplier name their column.
CREATE OR REPLACE FUNCTION @extschema@.check_entity_member_state() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  is_eu boolean;
BEGIN
  SELECT c.eu_member INTO is_eu FROM @extschema@.country c WHERE c.code OPERATOR(pg_catalog.=) NEW.member_state;
  -- an unknown code is left to the foreign key (23503)
  IF is_eu IS NOT NULL AND NOT is_eu THEN
    IF TG_TABLE_NAME OPERATOR(pg_catalog.=) 'entity' THEN
      RAISE EXCEPTION 'member state "%" is not an EU member state', NEW.member_state
        USING ERRCODE = 'check_violation', COLUMN = 'member_state', TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA,
              DETAIL = pg_catalog.format('Entity %s (%s) must be established in an EU member state.', NEW.entity_id, NEW.name),
              HINT = 'See supplyrisk.country where eu_member.';
    END IF;
    RAISE EXCEPTION 'member state "%" is not an EU member state', NEW.member_state
      USING ERRCODE = 'check_violation', COLUMN = 'member_state', TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA,
            DETAIL = pg_catalog.format('The member_state of a %s row names the member state it belongs to (NULL: shared by all).', TG_TABLE_NAME),
            HINT = 'See supplyrisk.country where eu_member.';
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION @extschema@.check_entity_member_state() IS 'Trigger: the member_state of an entity, assessment or designation must be an EU member state.';
CREATE OR REPLACE FUNCTION @extschema@.check_supplier_ownership() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  cur  bigint := NEW.parent_supplier_id;
  path text := NEW.supplier_id::text;
  hops integer := 0;
BEGIN
  IF cur IS NULL THEN
    RETURN NEW;
  END IF;
  -- serialise ownership changes so two concurrent updates cannot close a cycle
  PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('supplyrisk.supplier_ownership'));
  WHILE cur IS NOT NULL AND hops < 1000000 LOOP
    path := path || ' -> ' || cur::text;
    IF cur OPERATOR(pg_catalog.=) NEW.supplier_id THEN
      RAISE EXCEPTION 'ownership cycle: supplier % cannot be controlled by supplier %', NEW.supplier_id, NEW.parent_supplier_id
        USING ERRCODE = 'check_violation', COLUMN = 'parent_supplier_id', TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA,
              DETAIL = pg_catalog.format('The chain of control would be %s.', path),
              HINT = 'A supplier group must have exactly one ultimate controller.';
    END IF;
    hops := hops + 1;
    SELECT s.parent_supplier_id INTO cur FROM @extschema@.supplier s WHERE s.supplier_id OPERATOR(pg_catalog.=) cur;
  END LOOP;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION @extschema@.check_supplier_ownership() IS 'Trigger: refuses a parent_supplier_id that would create an ownership cycle.';


-- Supplier identity across databases: supplier.global_id.
CREATE FUNCTION @extschema@.valid_global_id(id text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE
    WHEN $1 OPERATOR(pg_catalog.~) '^[0-9A-Z]{18}[0-9]{2}$' THEN  -- LEI: letters count 10..35, the whole number mod 97 is 1
      (SELECT pg_catalog.mod(pg_catalog.string_agg(CASE WHEN c OPERATOR(pg_catalog.~) '[0-9]' THEN c
                                                        ELSE (pg_catalog.ascii(c) OPERATOR(pg_catalog.-) 55)::text END, '' ORDER BY i)::numeric, 97)
         OPERATOR(pg_catalog.=) 1
       FROM pg_catalog.unnest(pg_catalog.string_to_array($1, NULL)) WITH ORDINALITY x(c, i))
    WHEN $1 OPERATOR(pg_catalog.~) '^EUID:[A-Z]{2}[0-9A-Z.\-]{2,60}$' THEN true
    WHEN $1 OPERATOR(pg_catalog.~) '^VAT:[A-Z]{2}[0-9A-Z]{2,13}$' THEN true
    ELSE false
  END
$$;
COMMENT ON FUNCTION @extschema@.valid_global_id(text) IS
  'Whether a text is a global supplier identifier: an LEI (20 characters, ISO 17442, check digits mod 97-10), EUID:<EUID> or VAT:<country code><number>, in capitals.';

ALTER TABLE @extschema@.supplier ADD COLUMN global_id text
  CONSTRAINT supplier_global_id_unique UNIQUE
  CONSTRAINT supplier_global_id_valid CHECK (@extschema@.constraint_check(@extschema@.valid_global_id(global_id), global_id,
    'supplier_global_id_valid', 'global_id',
    'global_id is an LEI (20 characters of capitals and digits whose check digits verify, ISO 17442), EUID:<European unique identifier> or VAT:<country code><number>, in capitals; NULL when unknown.'));
COMMENT ON COLUMN @extschema@.supplier.global_id IS 'Global identifier (optional, unique): an LEI (ISO 17442), EUID:<EUID> or VAT:<CC><number>. Databases that share a global id mean the same supplier.';

-- Real data in (issue 13): import_bom.
-- Suppliers found in documents have no known headquarters: ZZ, the code ISO 3166 leaves to
-- users, stands for an unknown or unspecified country (outside the EU: unknown origin is not
-- taken for EU origin). Shipped like the ISO codes.
ALTER TABLE @extschema@.country DISABLE TRIGGER country_protect_shipped;
INSERT INTO @extschema@.country (code, name, eu_member, eea_member, shipped)
  VALUES ('ZZ', 'Unknown or unspecified country (user-assigned code)', false, false, true);
ALTER TABLE @extschema@.country ENABLE TRIGGER country_protect_shipped;

-- matching organisations to suppliers by normalised name is an index lookup
CREATE INDEX supplier_normalized_name_idx ON @extschema@.supplier (@extschema@.normalize_org_name(name));

CREATE SEQUENCE @extschema@.bom_id_seq AS bigint;
CREATE TABLE @extschema@.bom (
  bom_id              bigint PRIMARY KEY DEFAULT pg_catalog.nextval('@extschema@.bom_id_seq'::pg_catalog.regclass),
  document_key        text NOT NULL CONSTRAINT bom_document_key_unique UNIQUE,
  format              text NOT NULL,
  name                text,
  product_supplier_id bigint REFERENCES @extschema@.supplier (supplier_id),
  function_code       text REFERENCES @extschema@.ict_function (code),
  document            jsonb NOT NULL,
  imported_at         timestamptz NOT NULL DEFAULT pg_catalog.now()
);
ALTER SEQUENCE @extschema@.bom_id_seq OWNED BY @extschema@.bom.bom_id;
COMMENT ON TABLE @extschema@.bom IS 'Bills of materials imported by import_bom, one row per document (the same document imported again replaces its row).';
COMMENT ON COLUMN @extschema@.bom.bom_id IS 'Import id.';
COMMENT ON COLUMN @extschema@.bom.document_key IS 'What makes a document the same one: CycloneDX serialNumber/version, SPDX documentNamespace, else the md5 of the document.';
COMMENT ON COLUMN @extschema@.bom.format IS 'Format and version, e.g. CycloneDX 1.4, SPDX 2.3.';
COMMENT ON COLUMN @extschema@.bom.name IS 'The product the document describes (CycloneDX metadata.component, SPDX document name).';
COMMENT ON COLUMN @extschema@.bom.product_supplier_id IS 'Supplier of the product: the argument of import_bom, else the document''s own supplier or manufacturer; the supplier_dependency rows start from it.';
COMMENT ON COLUMN @extschema@.bom.function_code IS 'ICT function the dependencies are recorded for (NULL: all of the product supplier''s deliveries).';
COMMENT ON COLUMN @extschema@.bom.document IS 'The document as imported.';
COMMENT ON COLUMN @extschema@.bom.imported_at IS 'When it was imported.';

CREATE TABLE @extschema@.bom_component (
  bom_id             bigint NOT NULL REFERENCES @extschema@.bom (bom_id) ON DELETE CASCADE,
  path               text NOT NULL,
  kind               text NOT NULL,
  bom_ref            text,
  name               text,
  version            text,
  purl               text,
  organisation       text,
  organisation_field text,
  quantity           float8 NOT NULL,
  supplier_id        bigint REFERENCES @extschema@.supplier (supplier_id),
  component          jsonb NOT NULL,
  PRIMARY KEY (bom_id, path)
);
CREATE INDEX bom_component_supplier_idx ON @extschema@.bom_component (supplier_id) WHERE supplier_id IS NOT NULL;
COMMENT ON TABLE @extschema@.bom_component IS 'Every component of an imported document (nested ones included), with the organisation behind it and the supplier it was matched to.';
COMMENT ON COLUMN @extschema@.bom_component.bom_id IS 'The import.';
COMMENT ON COLUMN @extschema@.bom_component.path IS 'Where the component stands in the document, e.g. components[3].components[0], packages[7].';
COMMENT ON COLUMN @extschema@.bom_component.kind IS 'component, service (CycloneDX) or package (SPDX).';
COMMENT ON COLUMN @extschema@.bom_component.bom_ref IS 'CycloneDX bom-ref or SPDX SPDXID.';
COMMENT ON COLUMN @extschema@.bom_component.name IS 'Component name.';
COMMENT ON COLUMN @extschema@.bom_component.version IS 'Component version.';
COMMENT ON COLUMN @extschema@.bom_component.purl IS 'Package URL, when the document gives one.';
COMMENT ON COLUMN @extschema@.bom_component.organisation IS 'The organisation as the document spells it; NULL when none (unattributed).';
COMMENT ON COLUMN @extschema@.bom_component.organisation_field IS 'The field it came from: manufacturer, supplier, publisher, provider (CycloneDX); supplier, originator (SPDX).';
COMMENT ON COLUMN @extschema@.bom_component.quantity IS 'cdx:device:quantity, default 1.';
COMMENT ON COLUMN @extschema@.bom_component.supplier_id IS 'The supplier the organisation was matched to or created as.';
COMMENT ON COLUMN @extschema@.bom_component.component IS 'The component''s JSON as imported.';

CREATE TABLE @extschema@.bom_dependency (
  bom_id       bigint NOT NULL REFERENCES @extschema@.bom (bom_id) ON DELETE CASCADE,
  ref          text NOT NULL,
  depends_on   text NOT NULL,
  relationship text NOT NULL
);
CREATE INDEX bom_dependency_bom_idx ON @extschema@.bom_dependency (bom_id);
COMMENT ON TABLE @extschema@.bom_dependency IS 'The document''s own dependency graph, kept for traceability: CycloneDX dependencies, SPDX relationships (the *_OF types reversed, so that ref always depends on or contains depends_on).';
COMMENT ON COLUMN @extschema@.bom_dependency.bom_id IS 'The import.';
COMMENT ON COLUMN @extschema@.bom_dependency.ref IS 'The component that depends (bom-ref or SPDXID).';
COMMENT ON COLUMN @extschema@.bom_dependency.depends_on IS 'The component it depends on.';
COMMENT ON COLUMN @extschema@.bom_dependency.relationship IS 'dependsOn or provides (CycloneDX); the SPDX relationship type as written.';

ALTER TABLE @extschema@.supplier_dependency ADD COLUMN source_bom_id bigint REFERENCES @extschema@.bom (bom_id) ON DELETE CASCADE;
COMMENT ON COLUMN @extschema@.supplier_dependency.source_bom_id IS 'The import (bom) that wrote the row; NULL for rows entered otherwise. Rows of an import go when it is replaced or deleted.';

SELECT pg_catalog.pg_extension_config_dump('@extschema@.bom', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.bom_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.bom_component', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.bom_dependency', '');

CREATE TYPE @extschema@.bom_import AS (
  bom_id               bigint,
  components           integer,
  attributed           integer,
  unattributed         integer,
  suppliers_matched    integer,
  suppliers_created    integer,
  dependencies_written integer
);
COMMENT ON TYPE @extschema@.bom_import IS 'What import_bom did: the import id, components (attributed to an organisation or not), organisations matched to existing suppliers or created as suppliers, supplier_dependency rows written.';

CREATE FUNCTION @extschema@.import_bom(doc jsonb, product_supplier bigint DEFAULT NULL, function_code text DEFAULT NULL)
RETURNS @extschema@.bom_import
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  fmt  text := @extschema@.bom_format(doc);
  cdx  boolean := fmt LIKE 'CycloneDX%';
  key  text;
  bid  bigint;
  prod bigint := product_supplier;
  prod_org text;
  res  @extschema@.bom_import;
  dangling integer;
  written integer := 0;
BEGIN
  IF prod IS NOT NULL AND NOT EXISTS (SELECT 1 FROM @extschema@.supplier s WHERE s.supplier_id OPERATOR(pg_catalog.=) prod) THEN
    RAISE EXCEPTION 'unknown supplier %', prod USING ERRCODE = 'invalid_parameter_value',
      HINT = 'product_supplier is the supplier_id of the product''s supplier, or NULL to take the document''s own supplier or manufacturer.';
  END IF;
  IF function_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM @extschema@.ict_function f WHERE f.code OPERATOR(pg_catalog.=) function_code) THEN
    RAISE EXCEPTION 'unknown ICT function "%"', function_code USING ERRCODE = 'invalid_parameter_value',
      HINT = 'See supplyrisk.ict_function; NULL records the dependencies for all of the supplier''s deliveries.';
  END IF;

  CREATE TEMP TABLE supplyrisk_bom_stage ON COMMIT DROP AS
    SELECT c.*, NULL::text AS canonical, NULL::bigint AS supplier_id
    FROM @extschema@.bom_components(doc) c;
  UPDATE supplyrisk_bom_stage s SET canonical = n.canonical  -- each distinct spelling normalised once
  FROM (SELECT d.organisation, @extschema@.canonical_org_name(d.organisation) AS canonical
        FROM (SELECT DISTINCT t.organisation FROM supplyrisk_bom_stage t WHERE t.organisation IS NOT NULL) d) n
  WHERE n.organisation = s.organisation;
  key := CASE WHEN cdx THEN COALESCE((doc ->> 'serialNumber') || '/' || COALESCE(doc ->> 'version', '1'), md5(doc::text))
              ELSE COALESCE(doc ->> 'documentNamespace', md5(doc::text)) END;

  -- the document's own organisation, when no product supplier is given
  IF prod IS NULL THEN
    prod_org := CASE WHEN cdx THEN COALESCE(NULLIF(btrim(doc #>> '{metadata,manufacturer,name}'), ''),
                                            NULLIF(btrim(doc #>> '{metadata,manufacture,name}'), ''),
                                            NULLIF(btrim(doc #>> '{metadata,supplier,name}'), ''),
                                            NULLIF(btrim(doc #>> '{metadata,component,manufacturer,name}'), ''),
                                            NULLIF(btrim(doc #>> '{metadata,component,supplier,name}'), ''))
                     ELSE (SELECT s.organisation FROM supplyrisk_bom_stage s
                           WHERE s.bom_ref IN (SELECT r ->> 'relatedSpdxElement'
                                               FROM jsonb_array_elements(CASE WHEN jsonb_typeof(doc -> 'relationships') = 'array'
                                                                              THEN doc -> 'relationships' ELSE '[]' END) r
                                               WHERE r ->> 'spdxElementId' = doc ->> 'SPDXID' AND r ->> 'relationshipType' = 'DESCRIBES')
                             AND s.organisation IS NOT NULL
                           ORDER BY s.path LIMIT 1) END;
  END IF;

  -- replace an earlier import of the same document (its components, graph and dependencies go with it)
  DELETE FROM @extschema@.bom b WHERE b.document_key = key;
  INSERT INTO @extschema@.bom (document_key, format, name, product_supplier_id, function_code, document)
  VALUES (key, fmt, CASE WHEN cdx THEN doc #>> '{metadata,component,name}' ELSE doc ->> 'name' END, prod, function_code, doc)
  RETURNING bom_id INTO bid;

  -- organisations: an existing supplier whose canonical name is the same, else a new supplier
  CREATE TEMP TABLE supplyrisk_bom_orgs ON COMMIT DROP AS
    SELECT o.canonical, o.spelling, m.supplier_id, m.supplier_id IS NOT NULL AS matched
    FROM (SELECT s.canonical, (pg_catalog.array_agg(s.organisation ORDER BY s.path))[1] AS spelling
          FROM (SELECT canonical, organisation, path FROM supplyrisk_bom_stage WHERE organisation IS NOT NULL
                UNION ALL
                SELECT @extschema@.canonical_org_name(prod_org), prod_org, '' WHERE prod_org IS NOT NULL) s
          GROUP BY s.canonical) o
    LEFT JOIN LATERAL (
      SELECT p.supplier_id FROM @extschema@.supplier p
      WHERE @extschema@.normalize_org_name(p.name) IN (SELECT @extschema@.normalize_org_name(o.canonical)
                                                       UNION SELECT a.alias FROM @extschema@.org_alias a WHERE a.canonical = o.canonical)
        AND @extschema@.canonical_org_name(p.name) = o.canonical
      ORDER BY p.supplier_id LIMIT 1) m ON true;
  WITH created AS (
    INSERT INTO @extschema@.supplier (name, hq_country)
    SELECT o.spelling, 'ZZ' FROM supplyrisk_bom_orgs o WHERE o.supplier_id IS NULL ORDER BY o.canonical
    RETURNING supplier_id, name
  )
  UPDATE supplyrisk_bom_orgs o SET supplier_id = c.supplier_id
  FROM created c WHERE o.supplier_id IS NULL AND c.name = o.spelling;
  UPDATE supplyrisk_bom_stage s SET supplier_id = o.supplier_id FROM supplyrisk_bom_orgs o WHERE o.canonical = s.canonical;
  IF prod IS NULL AND prod_org IS NOT NULL THEN
    SELECT o.supplier_id INTO prod FROM supplyrisk_bom_orgs o WHERE o.canonical = @extschema@.canonical_org_name(prod_org);
    UPDATE @extschema@.bom SET product_supplier_id = prod WHERE bom_id = bid;
  END IF;

  INSERT INTO @extschema@.bom_component (bom_id, path, kind, bom_ref, name, version, purl, organisation, organisation_field,
                                         quantity, supplier_id, component)
  SELECT bid, s.path, s.kind, s.bom_ref, s.name, s.version, s.purl, s.organisation, s.organisation_field, s.quantity, s.supplier_id,
         COALESCE(doc #> (SELECT array_agg(p ORDER BY o)
                          FROM regexp_split_to_table(regexp_replace(s.path, '\[([0-9]+)\]', '.\1', 'g'), '\.') WITH ORDINALITY t(p, o)), 'null')
  FROM supplyrisk_bom_stage s;

  -- the document's own graph
  IF cdx THEN
    INSERT INTO @extschema@.bom_dependency (bom_id, ref, depends_on, relationship)
    SELECT bid, d ->> 'ref', x.t, x.rel
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(doc -> 'dependencies') = 'array' THEN doc -> 'dependencies' ELSE '[]' END) d
    CROSS JOIN LATERAL (
      SELECT v, 'dependsOn' FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(d -> 'dependsOn') = 'array' THEN d -> 'dependsOn' ELSE '[]' END) v
      UNION ALL
      SELECT v, 'provides' FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(d -> 'provides') = 'array' THEN d -> 'provides' ELSE '[]' END) v
    ) x(t, rel)
    WHERE d ->> 'ref' IS NOT NULL;
  ELSE
    INSERT INTO @extschema@.bom_dependency (bom_id, ref, depends_on, relationship)
    SELECT bid,
           CASE WHEN r ->> 'relationshipType' LIKE '%\_OF' THEN r ->> 'relatedSpdxElement' ELSE r ->> 'spdxElementId' END,
           CASE WHEN r ->> 'relationshipType' LIKE '%\_OF' THEN r ->> 'spdxElementId' ELSE r ->> 'relatedSpdxElement' END,
           r ->> 'relationshipType'
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(doc -> 'relationships') = 'array' THEN doc -> 'relationships' ELSE '[]' END) r
    WHERE r ->> 'spdxElementId' IS NOT NULL AND r ->> 'relatedSpdxElement' IS NOT NULL;
  END IF;
  SELECT count(*) INTO dangling FROM @extschema@.bom_dependency d
  WHERE d.bom_id = bid AND d.relationship <> 'DESCRIBES'
    AND NOT EXISTS (SELECT 1 FROM supplyrisk_bom_stage s WHERE s.bom_ref = d.depends_on)
    AND d.depends_on IS DISTINCT FROM (CASE WHEN cdx THEN doc #>> '{metadata,component,bom-ref}' END);
  IF dangling > 0 THEN
    RAISE WARNING 'import_bom: % dependency references name no component of the document; kept as written', dangling;
  END IF;

  -- the product supplier relies on each component supplier for its part of the components
  IF prod IS NOT NULL THEN
    INSERT INTO @extschema@.supplier_dependency AS d (supplier_id, depends_on_supplier_id, function_code, share, source_bom_id)
    SELECT prod, s.supplier_id, function_code, sum(s.quantity) / (SELECT sum(t.quantity) FROM supplyrisk_bom_stage t WHERE t.supplier_id IS NOT NULL), bid
    FROM supplyrisk_bom_stage s
    WHERE s.supplier_id IS NOT NULL AND s.supplier_id <> prod
    GROUP BY s.supplier_id
    ON CONFLICT ON CONSTRAINT supplier_dependency_unique
      DO UPDATE SET share = EXCLUDED.share, source_bom_id = EXCLUDED.source_bom_id;
    GET DIAGNOSTICS written = ROW_COUNT;
  END IF;
  res.dependencies_written := written;

  res.bom_id := bid;
  SELECT count(*), count(*) FILTER (WHERE organisation IS NOT NULL), count(*) FILTER (WHERE organisation IS NULL)
    INTO res.components, res.attributed, res.unattributed FROM supplyrisk_bom_stage;
  SELECT count(*) FILTER (WHERE matched), count(*) FILTER (WHERE NOT matched)
    INTO res.suppliers_matched, res.suppliers_created FROM supplyrisk_bom_orgs;
  DROP TABLE supplyrisk_bom_stage;
  DROP TABLE supplyrisk_bom_orgs;
  RETURN res;
END $$;
COMMENT ON FUNCTION @extschema@.import_bom(jsonb, bigint, text) IS
  'Imports a CycloneDX or SPDX JSON document: stores it and every component (bom, bom_component, bom_dependency), matches its organisations to suppliers by canonical name or creates them (headquarters ZZ, unknown), and writes supplier_dependency rows from the product supplier (argument, else the document''s own) to the component suppliers, share = their part of the components by quantity. The same document imported again replaces its rows.';

-- assess roles write the import tables (grant_access)
CREATE OR REPLACE FUNCTION @extschema@.grant_access(role regrole, access text, member_states text[] DEFAULT NULL) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  r   text := pg_catalog.quote_ident((SELECT a.rolname FROM pg_catalog.pg_roles a WHERE a.oid OPERATOR(pg_catalog.=) role::oid));
  sch text := pg_catalog.quote_ident('@extschema@');
  bad text;
  ms  text[];
BEGIN
  IF role IS NULL OR access IS NULL THEN
    RAISE EXCEPTION 'role and access must not be null' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  PERFORM @extschema@.access_require_admin('grant');
  IF access NOT IN ('read', 'assess', 'admin') THEN
    RAISE EXCEPTION 'unknown access level "%"', access USING ERRCODE = 'invalid_parameter_value',
      HINT = 'Use read, assess or admin.';
  END IF;
  IF (SELECT a.rolsuper FROM pg_catalog.pg_roles a WHERE a.oid OPERATOR(pg_catalog.=) role::oid) THEN
    RAISE EXCEPTION 'role "%" is a superuser', role USING ERRCODE = 'invalid_parameter_value',
      DETAIL = 'Superusers bypass row-level security; a grant would not limit them.';
  END IF;
  IF member_states IS NOT NULL THEN
    IF access OPERATOR(pg_catalog.=) 'admin' THEN
      RAISE EXCEPTION 'admin access cannot be limited to member states' USING ERRCODE = 'invalid_parameter_value',
        DETAIL = 'Admins refresh the rollups and take snapshots, which need every row.', HINT = 'Grant assess instead.';
    END IF;
    IF pg_catalog.cardinality(member_states) OPERATOR(pg_catalog.=) 0 OR pg_catalog.array_position(member_states, NULL) IS NOT NULL THEN
      RAISE EXCEPTION 'member_states must list at least one member state and no NULL' USING ERRCODE = 'invalid_parameter_value',
        HINT = 'Pass NULL for all member states; revoke_access removes access.';
    END IF;
    SELECT pg_catalog.string_agg(m, ', ') INTO bad FROM pg_catalog.unnest(member_states) m
    WHERE NOT EXISTS (SELECT 1 FROM @extschema@.country c WHERE c.code OPERATOR(pg_catalog.=) m AND c.eu_member);
    IF bad IS NOT NULL THEN
      RAISE EXCEPTION 'not an EU member state: "%"', bad USING ERRCODE = 'invalid_parameter_value',
        HINT = 'See supplyrisk.country where eu_member.';
    END IF;
    SELECT pg_catalog.array_agg(DISTINCT m ORDER BY m) INTO ms FROM pg_catalog.unnest(member_states) m;
  END IF;
  -- start from nothing, then grant the level
  PERFORM @extschema@.revoke_privileges(r);
  EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA %s TO %s', sch, r);
  EXECUTE pg_catalog.format('GRANT SELECT ON ALL TABLES IN SCHEMA %s TO %s', sch, r);
  IF access IN ('assess', 'admin') THEN
    EXECUTE pg_catalog.format('GRANT INSERT, UPDATE, DELETE ON %1$s.entity, %1$s.supply, %1$s.assessment, %1$s.designation TO %2$s', sch, r);
    EXECUTE pg_catalog.format('GRANT INSERT ON %1$s.supplier TO %2$s', sch, r);
    EXECUTE pg_catalog.format('GRANT INSERT, UPDATE, DELETE ON %1$s.supplier_dependency, %1$s.bom, %1$s.bom_component, %1$s.bom_dependency TO %2$s', sch, r);
    EXECUTE pg_catalog.format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA %s TO %s', sch, r);
  END IF;
  IF access OPERATOR(pg_catalog.=) 'admin' THEN
    EXECUTE pg_catalog.format('GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %s TO %s', sch, r);
    EXECUTE pg_catalog.format('GRANT EXECUTE ON PROCEDURE %s.refresh() TO %s', sch, r);
    EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %1$s.take_snapshot(text), %1$s.cron_schedule_job(text, text, text), %1$s.schedule_refresh(text), %1$s.schedule_snapshot(text, text), %1$s.unschedule(text), %1$s.grant_access(regrole, text, text[]), %1$s.revoke_access(regrole) TO %2$s', sch, r);
  END IF;
  INSERT INTO @extschema@.access_grant AS g (role_name, access, member_states)
  VALUES ((SELECT a.rolname FROM pg_catalog.pg_roles a WHERE a.oid OPERATOR(pg_catalog.=) role::oid), access, ms)
  ON CONFLICT (role_name) DO UPDATE SET access = EXCLUDED.access, member_states = EXCLUDED.member_states,
                                        granted_at = pg_catalog.now(), granted_by = SESSION_USER;
END
$$;
COMMENT ON FUNCTION @extschema@.grant_access(regrole, text, text[]) IS 'Gives a role read, assess or admin access to supplyrisk, limited to some member states (NULL: all); replaces any earlier grant of the role.';

-- Roles granted access before the update reach the tables it adds, as grant_access would
-- have given them (read: SELECT; assess: also writes the import tables; admin: everything).
DO $grants$
DECLARE g record;
BEGIN
  FOR g IN SELECT a.role_name, a.access FROM @extschema@.access_grant a
           WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) a.role_name) LOOP
    EXECUTE pg_catalog.format('GRANT SELECT ON @extschema@.org_alias, @extschema@.bom, @extschema@.bom_component, @extschema@.bom_dependency TO %I', g.role_name);
    IF g.access OPERATOR(pg_catalog.=) 'admin' THEN
      EXECUTE pg_catalog.format('GRANT INSERT, UPDATE, DELETE ON @extschema@.org_alias TO %I', g.role_name);
    END IF;
    IF g.access IN ('assess', 'admin') THEN
      EXECUTE pg_catalog.format('GRANT INSERT, UPDATE, DELETE ON @extschema@.supplier_dependency, @extschema@.bom, @extschema@.bom_component, @extschema@.bom_dependency TO %I', g.role_name);
    END IF;
  END LOOP;
END $grants$;
