-- Supplier risk scoring, 3/3: control chains, supplier_risk_at, score_supplier, the
-- supplier_risk view.

-- every supplier with each of its controllers up the chain (depth 0: itself)
CREATE OR REPLACE VIEW @extschema@.supplier_control_chain WITH (security_invoker = true) AS
WITH RECURSIVE c (supplier_id, controller_id, depth) AS (
  SELECT s.supplier_id, s.supplier_id, 0 FROM @extschema@.supplier s
  UNION ALL
  SELECT c.supplier_id, s.parent_supplier_id, c.depth OPERATOR(pg_catalog.+) 1
  FROM c JOIN @extschema@.supplier s ON s.supplier_id OPERATOR(pg_catalog.=) c.controller_id
  WHERE s.parent_supplier_id IS NOT NULL AND c.depth OPERATOR(pg_catalog.<) 1000
)
SELECT supplier_id, controller_id, depth FROM c;
COMMENT ON VIEW @extschema@.supplier_control_chain IS 'Every supplier with each supplier that controls it, directly or through intermediates (depth 0: itself).';
COMMENT ON COLUMN @extschema@.supplier_control_chain.supplier_id IS 'Supplier.';
COMMENT ON COLUMN @extschema@.supplier_control_chain.controller_id IS 'A supplier controlling it (itself at depth 0).';
COMMENT ON COLUMN @extschema@.supplier_control_chain.depth IS 'Number of control links between them.';

CREATE OR REPLACE FUNCTION @extschema@.methodology_name(methodology text DEFAULT NULL) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT COALESCE($1, CASE WHEN pg_catalog.current_setting('supplyrisk.methodology', true) OPERATOR(pg_catalog.<>) ''
                        THEN pg_catalog.current_setting('supplyrisk.methodology', true) END, 'default')
$$;
COMMENT ON FUNCTION @extschema@.methodology_name(text) IS 'The methodology to use: the argument, else the supplyrisk.methodology setting, else default.';

-- The risk of every supplier (suppliers = NULL) or of a set of suppliers, at a date, under a
-- methodology: only the set's suppliers and their controllers are scored (refresh()'s scoped
-- recomputation scores the suppliers of the stale rows, not all of them).
CREATE OR REPLACE FUNCTION @extschema@.supplier_risk_of(as_of date, methodology text, suppliers bigint[])
RETURNS TABLE (supplier_id bigint, supplier_name text, group_id bigint, technical_score float8,
               non_technical_score float8, risk_score float8, risk_level text, high_risk boolean,
               high_risk_basis text, coverage float8, top_factors text[])
LANGUAGE sql STABLE PARALLEL SAFE AS $$
WITH RECURSIVE chain (supplier_id, controller_id, depth) AS (  -- supplier_control_chain, from the set
  (SELECT s.supplier_id, s.supplier_id, 0 FROM @extschema@.supplier s WHERE $3 IS NULL
   UNION ALL  -- a set: joined (hashed), not a linear = ANY
   SELECT s.supplier_id, s.supplier_id, 0
   FROM (SELECT DISTINCT u.id FROM pg_catalog.unnest($3) u(id)) u
   JOIN @extschema@.supplier s ON s.supplier_id OPERATOR(pg_catalog.=) u.id)
  UNION ALL
  SELECT c.supplier_id, s.parent_supplier_id, c.depth OPERATOR(pg_catalog.+) 1
  FROM chain c JOIN @extschema@.supplier s ON s.supplier_id OPERATOR(pg_catalog.=) c.controller_id
  WHERE s.parent_supplier_id IS NOT NULL AND c.depth OPERATOR(pg_catalog.<) 1000
),
prof AS (  -- the suppliers whose own status is needed (all, or the set and its controllers), scored
  SELECT x.supplier_id,
         @extschema@.risk_profile_agg((SELECT @extschema@.methodology_name($2)), x.factor_code, x.score,
                                      x.assessed_on, x.recorded_at, x.assessment_id) AS p
  FROM (SELECT s.supplier_id, a.factor_code, a.score, a.assessed_on, a.recorded_at, a.assessment_id
        FROM @extschema@.supplier s
        LEFT JOIN @extschema@.assessment a
          ON a.supplier_id OPERATOR(pg_catalog.=) s.supplier_id
         AND a.assessed_on OPERATOR(pg_catalog.<=) $1
         AND (a.valid_until IS NULL OR a.valid_until OPERATOR(pg_catalog.>) $1)
        WHERE $3 IS NULL
        UNION ALL  -- a set: its assessments by index (lateral), not a scan of them all
        SELECT sc.supplier_id, a.factor_code, a.score, a.assessed_on, a.recorded_at, a.assessment_id
        FROM (SELECT DISTINCT c.controller_id AS supplier_id FROM chain c) sc
        LEFT JOIN LATERAL (
          SELECT a.factor_code, a.score, a.assessed_on, a.recorded_at, a.assessment_id
          FROM @extschema@.assessment a
          WHERE a.supplier_id OPERATOR(pg_catalog.=) sc.supplier_id
            AND a.assessed_on OPERATOR(pg_catalog.<=) $1
            AND (a.valid_until IS NULL OR a.valid_until OPERATOR(pg_catalog.>) $1)) a ON true
        WHERE $3 IS NOT NULL) x
  GROUP BY x.supplier_id
),
decision AS (
  SELECT DISTINCT ON (d.supplier_id) d.supplier_id, d.status
  FROM @extschema@.designation d
  WHERE d.decided_on OPERATOR(pg_catalog.<=) $1
  ORDER BY d.supplier_id, d.decided_on DESC, d.designation_id DESC  -- (owners may decide the same day: the later recorded)
),
own AS (
  SELECT p.supplier_id, p.p,
         CASE WHEN dc.status OPERATOR(pg_catalog.=) 'high_risk' THEN 'designation'
              WHEN COALESCE(dc.status, '') OPERATOR(pg_catalog.<>) 'cleared' AND (p.p).above_hrv_threshold THEN 'score'
         END AS own_basis
  FROM prof p
  LEFT JOIN decision dc ON dc.supplier_id OPERATOR(pg_catalog.=) p.supplier_id
),
control AS (  -- one row per supplier: its group (top of the chain) and whether a controller is high-risk
  SELECT c.supplier_id,
         (pg_catalog.array_agg(c.controller_id ORDER BY c.depth DESC))[1] AS group_id,
         COALESCE(pg_catalog.bool_or(o.own_basis IS NOT NULL) FILTER (WHERE c.depth OPERATOR(pg_catalog.>) 0), false) AS controlled_by_high_risk
  FROM chain c
  LEFT JOIN own o ON o.supplier_id OPERATOR(pg_catalog.=) c.controller_id
  GROUP BY c.supplier_id
)
SELECT o.supplier_id, s.name, i.group_id,
       (o.p).technical_score, (o.p).non_technical_score, (o.p).risk_score, (o.p).risk_level,
       (o.own_basis IS NOT NULL OR COALESCE(i.controlled_by_high_risk, false)),
       COALESCE(o.own_basis, CASE WHEN i.controlled_by_high_risk THEN 'group' END),
       (o.p).coverage, (o.p).top_factors
FROM own o
JOIN @extschema@.supplier s ON s.supplier_id OPERATOR(pg_catalog.=) o.supplier_id
JOIN control i ON i.supplier_id OPERATOR(pg_catalog.=) o.supplier_id
$$;
COMMENT ON FUNCTION @extschema@.supplier_risk_of(date, text, bigint[]) IS
  'Risk profile of every supplier (suppliers NULL) or of the given suppliers (only they and their controllers are scored), from the assessments and designations in force at as_of, under a methodology (NULL: the supplyrisk.methodology setting). supplier_risk_at''s computation.';

CREATE OR REPLACE VIEW @extschema@.supplier_risk WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.supplier_risk_of(CURRENT_DATE, NULL, NULL);
COMMENT ON VIEW @extschema@.supplier_risk IS 'Risk profile of every supplier today, under the methodology of the supplyrisk.methodology setting.';
COMMENT ON COLUMN @extschema@.supplier_risk.supplier_id IS 'Supplier.';
COMMENT ON COLUMN @extschema@.supplier_risk.supplier_name IS 'Supplier name.';
COMMENT ON COLUMN @extschema@.supplier_risk.group_id IS 'Supplier group (ultimate controller).';
COMMENT ON COLUMN @extschema@.supplier_risk.technical_score IS 'Technical dimension score, 0..100 (weighted power mean of the t.* factors).';
COMMENT ON COLUMN @extschema@.supplier_risk.non_technical_score IS 'Non-technical dimension score, 0..100 (weighted power mean of the nt.* factors).';
COMMENT ON COLUMN @extschema@.supplier_risk.risk_score IS 'Overall score, 0..100 (power mean of the two dimensions with the dimension weights).';
COMMENT ON COLUMN @extschema@.supplier_risk.risk_level IS 'low, medium, high or critical, by the methodology''s bands; unassessed when coverage is below the methodology''s min_coverage (the score is still shown).';
COMMENT ON COLUMN @extschema@.supplier_risk.high_risk IS 'High-risk supplier: designated, non-technical score at or above the HRV threshold, or controlled by a high-risk supplier.';
COMMENT ON COLUMN @extschema@.supplier_risk.high_risk_basis IS 'designation, score or group; NULL when not high-risk.';
COMMENT ON COLUMN @extschema@.supplier_risk.coverage IS 'Share (0..1) of the effective factor weight backed by a valid assessment.';
COMMENT ON COLUMN @extschema@.supplier_risk.top_factors IS 'The assessed factors contributing most to the score, largest first.';

-- The risk of every supplier (supplier = NULL) or of one supplier, at a date, under a methodology.
CREATE OR REPLACE FUNCTION @extschema@.supplier_risk_at(as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL, supplier bigint DEFAULT NULL)
RETURNS SETOF @extschema@.supplier_risk  -- the view's row type
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT * FROM @extschema@.supplier_risk_of($1, $2, CASE WHEN $3 IS NOT NULL THEN ARRAY[$3] END)
$$;
COMMENT ON FUNCTION @extschema@.supplier_risk_at(date, text, bigint) IS
  'Risk profile of every supplier (or only one) from the assessments and designations in force at as_of, under a methodology (default: the supplyrisk.methodology setting).';

CREATE OR REPLACE FUNCTION @extschema@.score_supplier(supplier_id bigint, as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS SETOF @extschema@.supplier_risk  -- the view's row type
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT * FROM @extschema@.supplier_risk_at($2, $3, $1)
$$;
COMMENT ON FUNCTION @extschema@.score_supplier(bigint, date, text) IS
  'The supplier_risk row of one supplier at any date, from the assessments valid then, under a methodology.';
