-- Reports lead with what matters (issue 28.4).

-- The three most concerning findings a report opens with (issue 28.4), chosen by rule over the
-- rows the caller may see: of one sector's functions (sector_<code>), or of the functions pooled
-- over every sector (function_overview) for the EU overview; EU-wide rows and member-state rows
-- alike (a scoped reader sees its member states' only).
--   1. the highest high-risk share on a critical or sensitive function;
--   2. the highest function-level HHI;
--   3. the most entities served by a single supplier group for one function.
CREATE OR REPLACE FUNCTION @extschema@.report_findings(sector text DEFAULT NULL)
RETURNS TABLE (rank integer, rule text, function_code text, member_state text, value float8, finding text, source text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
WITH f AS (
  SELECT r.function_code, r.function_name, r.criticality, r.member_state, r.hrv_share, r.hhi, r.cr1, r.top_suppliers,
         r.single_supplier_entities, 'sector_' OPERATOR(pg_catalog.||) $1 AS src
  FROM @extschema@.sector_function_rows($1, false) r WHERE $1 IS NOT NULL
  UNION ALL
  SELECT r.function_code, r.function_name, r.criticality, r.member_state, r.hrv_share, r.hhi, r.cr1, r.top_suppliers,
         r.single_supplier_entities, 'function_overview'
  FROM @extschema@.function_overview r WHERE $1 IS NULL
),
picks AS (
  (SELECT 1 AS rank, 'highest high-risk share on a critical or sensitive function' AS rule, f.*, f.hrv_share AS value
   FROM f WHERE f.criticality OPERATOR(pg_catalog.<>) 'standard' AND f.hrv_share OPERATOR(pg_catalog.>) 0
   ORDER BY f.hrv_share DESC, f.member_state NULLS FIRST, f.function_code LIMIT 1)
  UNION ALL
  (SELECT 2, 'highest function-level HHI', f.*, f.hhi FROM f WHERE f.hhi IS NOT NULL
   ORDER BY f.hhi DESC, f.member_state NULLS FIRST, f.function_code LIMIT 1)
  UNION ALL
  (SELECT 3, 'most single-supplier entities for one function', f.*, f.single_supplier_entities::pg_catalog.float8 FROM f
   WHERE f.single_supplier_entities OPERATOR(pg_catalog.>) 0
   ORDER BY f.single_supplier_entities DESC, f.member_state NULLS FIRST, f.function_code LIMIT 1)
)
SELECT p.rank, p.rule, p.function_code, p.member_state, p.value,
       CASE p.rank
         WHEN 1 THEN pg_catalog.format('%s (%s, %s): %s%% of the supply comes from high-risk suppliers.',
                       p.function_name, p.criticality, COALESCE(p.member_state, 'EU-wide'),
                       pg_catalog.to_char(p.hrv_share OPERATOR(pg_catalog.*) 100, 'FM990.0'))
         WHEN 2 THEN pg_catalog.format('%s (%s): HHI %s, the largest supplier group holds %s%% (%s).',
                       p.function_name, COALESCE(p.member_state, 'EU-wide'), pg_catalog.round(p.hhi::numeric, 0),
                       pg_catalog.to_char(p.cr1 OPERATOR(pg_catalog.*) 100, 'FM990.0'), COALESCE(p.top_suppliers, '-'))
         ELSE pg_catalog.format('%s (%s): %s %s served by a single supplier group.',
                       p.function_name, COALESCE(p.member_state, 'EU-wide'), p.single_supplier_entities,
                       CASE WHEN p.single_supplier_entities OPERATOR(pg_catalog.=) 1 THEN 'entity is' ELSE 'entities are' END)
       END,
       p.src
FROM picks p
$$;
COMMENT ON FUNCTION @extschema@.report_findings(text) IS
  'The three most concerning findings a report opens with, by rule over the rows the caller may see (a sector''s functions, or function_overview for sector NULL): 1 the highest high-risk share on a critical or sensitive function, 2 the highest function-level HHI, 3 the most single-supplier entities for one function; each with its figure (value), a sentence and its source view. A rule with nothing to show gives no row.';
