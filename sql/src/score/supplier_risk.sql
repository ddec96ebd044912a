-- Supplier risk scoring, 3/3: control chains, supplier_risk_at, score_supplier, the
-- supplier_risk view.

-- every supplier with each of its controllers up the chain (depth 0: itself)
CREATE OR REPLACE VIEW @extschema@.supplier_control_chain WITH (security_invoker = true) AS
WITH RECURSIVE c (supplier_id, controller_id, depth) AS (
  SELECT s.supplier_id, s.supplier_id, 0 FROM @extschema@.supplier s
  UNION ALL
  SELECT c.supplier_id, s.parent_supplier_id, c.depth OPERATOR(pg_catalog.+) 1
  FROM c JOIN @extschema@.supplier s ON s.supplier_id OPERATOR(pg_catalog.=) c.controller_id
  WHERE s.parent_supplier_id IS NOT NULL AND c.depth OPERATOR(pg_catalog.<) 32
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
-- Sovereignty (issue 27): an assessment or designation owned by member state X counts only in
-- X's evaluation; EU-wide ones (member_state NULL) count in every evaluation. In X's evaluation,
-- per factor the latest assessment in force among the EU-wide and X's counts; high risk when
-- the EU-wide evaluation says so (it is a floor no member state can lift), when X's decision
-- in force is high_risk, when X's non-technical score reaches the threshold and the nearest
-- owner's decision in force (X's, else the EU-wide one) is not cleared, or when a controller is
-- high-risk in X's evaluation.
-- member_state NULL: the EU-wide evaluation of every supplier (member_state NULL) and X's of
-- every supplier that X's rows (on it or on a controller) make differ; member_state X: X's
-- evaluation of every supplier (member_state X on every row).
CREATE OR REPLACE FUNCTION @extschema@.supplier_risk_of(as_of date, methodology text, suppliers bigint[], member_state text DEFAULT NULL)
RETURNS TABLE (supplier_id bigint, supplier_name text, group_id bigint, technical_score float8,
               non_technical_score float8, risk_score float8, risk_level text, high_risk boolean,
               high_risk_basis text, coverage float8, top_factors text[], member_state text)
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
  WHERE s.parent_supplier_id IS NOT NULL AND c.depth OPERATOR(pg_catalog.<) 32
),
ctrl AS (  -- the suppliers whose own status is needed: all, or the set and its controllers
  SELECT s.supplier_id FROM @extschema@.supplier s WHERE $3 IS NULL
  UNION ALL
  SELECT DISTINCT c.controller_id FROM chain c WHERE $3 IS NOT NULL
),
owned AS (  -- (supplier, member state) pairs where a member state's own rows are in force
  SELECT DISTINCT o.supplier_id, o.ms FROM (
    SELECT a.supplier_id, a.member_state AS ms FROM @extschema@.assessment a
    WHERE $3 IS NULL AND a.member_state IS NOT NULL AND ($4 IS NULL OR a.member_state OPERATOR(pg_catalog.=) $4)
      AND a.assessed_on OPERATOR(pg_catalog.<=) $1 AND (a.valid_until IS NULL OR a.valid_until OPERATOR(pg_catalog.>) $1)
    UNION ALL
    SELECT d.supplier_id, d.member_state FROM @extschema@.designation d
    WHERE $3 IS NULL AND d.member_state IS NOT NULL AND ($4 IS NULL OR d.member_state OPERATOR(pg_catalog.=) $4)
      AND d.decided_on OPERATOR(pg_catalog.<=) $1
    UNION ALL  -- a set: its controllers' rows by index
    SELECT c.supplier_id, x.ms FROM ctrl c
    CROSS JOIN LATERAL (
      SELECT a.member_state AS ms FROM @extschema@.assessment a
      WHERE a.supplier_id OPERATOR(pg_catalog.=) c.supplier_id
        AND a.member_state IS NOT NULL AND ($4 IS NULL OR a.member_state OPERATOR(pg_catalog.=) $4)
        AND a.assessed_on OPERATOR(pg_catalog.<=) $1 AND (a.valid_until IS NULL OR a.valid_until OPERATOR(pg_catalog.>) $1)
      UNION ALL
      SELECT d.member_state FROM @extschema@.designation d
      WHERE d.supplier_id OPERATOR(pg_catalog.=) c.supplier_id
        AND d.member_state IS NOT NULL AND ($4 IS NULL OR d.member_state OPERATOR(pg_catalog.=) $4)
        AND d.decided_on OPERATOR(pg_catalog.<=) $1) x
    WHERE $3 IS NOT NULL) o
),
prof AS (  -- each needed supplier scored: EU-wide (ms NULL) from the EU-wide assessments, and
           -- per owning member state from the EU-wide and its own
  SELECT x.supplier_id, x.ms,
         @extschema@.risk_profile_agg((SELECT @extschema@.methodology_name($2)), x.factor_code, x.score,
                                      x.assessed_on, x.recorded_at, x.assessment_id) AS p
  FROM (SELECT s.supplier_id, NULL::pg_catalog.text AS ms, a.factor_code, a.score, a.assessed_on, a.recorded_at, a.assessment_id
        FROM @extschema@.supplier s
        LEFT JOIN @extschema@.assessment a
          ON a.supplier_id OPERATOR(pg_catalog.=) s.supplier_id AND a.member_state IS NULL
         AND a.assessed_on OPERATOR(pg_catalog.<=) $1
         AND (a.valid_until IS NULL OR a.valid_until OPERATOR(pg_catalog.>) $1)
        WHERE $3 IS NULL
        UNION ALL  -- a set: its assessments by index (lateral), not a scan of them all
        SELECT c.supplier_id, NULL, a.factor_code, a.score, a.assessed_on, a.recorded_at, a.assessment_id
        FROM ctrl c
        LEFT JOIN LATERAL (
          SELECT a.factor_code, a.score, a.assessed_on, a.recorded_at, a.assessment_id
          FROM @extschema@.assessment a
          WHERE a.supplier_id OPERATOR(pg_catalog.=) c.supplier_id AND a.member_state IS NULL
            AND a.assessed_on OPERATOR(pg_catalog.<=) $1
            AND (a.valid_until IS NULL OR a.valid_until OPERATOR(pg_catalog.>) $1)) a ON true
        WHERE $3 IS NOT NULL
        UNION ALL  -- per owning member state: the EU-wide assessments and its own, by index
        SELECT o.supplier_id, o.ms, a.factor_code, a.score, a.assessed_on, a.recorded_at, a.assessment_id
        FROM owned o
        LEFT JOIN LATERAL (
          SELECT a.factor_code, a.score, a.assessed_on, a.recorded_at, a.assessment_id
          FROM @extschema@.assessment a
          WHERE a.supplier_id OPERATOR(pg_catalog.=) o.supplier_id
            AND (a.member_state IS NULL OR a.member_state OPERATOR(pg_catalog.=) o.ms)
            AND a.assessed_on OPERATOR(pg_catalog.<=) $1
            AND (a.valid_until IS NULL OR a.valid_until OPERATOR(pg_catalog.>) $1)) a ON true) x
  GROUP BY x.supplier_id, x.ms
),
decision AS (  -- the decision in force per supplier and owner
  SELECT DISTINCT ON (d.supplier_id, d.member_state) d.supplier_id, d.member_state AS ms, d.status
  FROM @extschema@.designation d
  WHERE d.decided_on OPERATOR(pg_catalog.<=) $1 AND (d.member_state IS NULL OR $4 IS NULL OR d.member_state OPERATOR(pg_catalog.=) $4)
  ORDER BY d.supplier_id, d.member_state, d.decided_on DESC, d.designation_id DESC
),
eu AS (  -- the EU-wide own status
  SELECT p.supplier_id, p.p, dc.status AS eu_status,
         CASE WHEN dc.status OPERATOR(pg_catalog.=) 'high_risk' THEN 'designation'
              WHEN COALESCE(dc.status, '') OPERATOR(pg_catalog.<>) 'cleared' AND (p.p).above_hrv_threshold THEN 'score'
         END AS own_basis
  FROM prof p
  LEFT JOIN decision dc ON dc.supplier_id OPERATOR(pg_catalog.=) p.supplier_id AND dc.ms IS NULL
  WHERE p.ms IS NULL
),
ownx AS (  -- the own status in each owning member state's evaluation
  SELECT p.supplier_id, p.ms, p.p,
         CASE WHEN e.own_basis OPERATOR(pg_catalog.=) 'designation' OR dx.status OPERATOR(pg_catalog.=) 'high_risk' THEN 'designation'
              WHEN e.own_basis IS NOT NULL THEN e.own_basis
              WHEN COALESCE(dx.status, e.eu_status, '') OPERATOR(pg_catalog.<>) 'cleared' AND (p.p).above_hrv_threshold THEN 'score'
         END AS own_basis
  FROM prof p
  JOIN eu e ON e.supplier_id OPERATOR(pg_catalog.=) p.supplier_id
  LEFT JOIN decision dx ON dx.supplier_id OPERATOR(pg_catalog.=) p.supplier_id AND dx.ms OPERATOR(pg_catalog.=) p.ms
  WHERE p.ms IS NOT NULL
),
evals AS (  -- the evaluations to give: EU-wide and every owner of the supplier or a controller
            -- ($4 NULL), or $4's only
  SELECT c.supplier_id, NULL::pg_catalog.text AS ms FROM chain c WHERE c.depth OPERATOR(pg_catalog.=) 0 AND $4 IS NULL
  UNION
  SELECT c.supplier_id, o.ms FROM chain c JOIN owned o ON o.supplier_id OPERATOR(pg_catalog.=) c.controller_id WHERE $4 IS NULL
  UNION
  SELECT c.supplier_id, $4 FROM chain c WHERE c.depth OPERATOR(pg_catalog.=) 0 AND $4 IS NOT NULL
),
control AS (  -- per evaluation: the supplier's group (top of the chain) and whether a controller is high-risk
  SELECT v.supplier_id, v.ms,
         (pg_catalog.array_agg(c.controller_id ORDER BY c.depth DESC))[1] AS group_id,
         COALESCE(pg_catalog.bool_or(COALESCE(ox.own_basis, oe.own_basis) IS NOT NULL) FILTER (WHERE c.depth OPERATOR(pg_catalog.>) 0), false) AS controlled_by_high_risk
  FROM evals v
  JOIN chain c ON c.supplier_id OPERATOR(pg_catalog.=) v.supplier_id
  LEFT JOIN eu oe ON oe.supplier_id OPERATOR(pg_catalog.=) c.controller_id
  LEFT JOIN ownx ox ON ox.supplier_id OPERATOR(pg_catalog.=) c.controller_id AND ox.ms OPERATOR(pg_catalog.=) v.ms
  GROUP BY v.supplier_id, v.ms
)
SELECT i.supplier_id, s.name, i.group_id,
       (o.p).technical_score, (o.p).non_technical_score, (o.p).risk_score, (o.p).risk_level,
       (o.own_basis IS NOT NULL OR i.controlled_by_high_risk),
       COALESCE(o.own_basis, CASE WHEN i.controlled_by_high_risk THEN 'group' END),
       (o.p).coverage, (o.p).top_factors, i.ms
FROM control i
JOIN @extschema@.supplier s ON s.supplier_id OPERATOR(pg_catalog.=) i.supplier_id
JOIN eu oe ON oe.supplier_id OPERATOR(pg_catalog.=) i.supplier_id
LEFT JOIN ownx ox ON ox.supplier_id OPERATOR(pg_catalog.=) i.supplier_id AND ox.ms OPERATOR(pg_catalog.=) i.ms
CROSS JOIN LATERAL (  -- its own evaluation for the member state, else (no rows of its own) the EU-wide one
  SELECT CASE WHEN ox.supplier_id IS NULL THEN oe.p ELSE ox.p END AS p,
         CASE WHEN ox.supplier_id IS NULL THEN oe.own_basis ELSE ox.own_basis END AS own_basis) o
$$;
COMMENT ON FUNCTION @extschema@.supplier_risk_of(date, text, bigint[], text) IS
  'Risk profile of every supplier (suppliers NULL) or of the given suppliers (only they and their controllers are scored), from the assessments and designations in force at as_of, under a methodology (NULL: the supplyrisk.methodology setting). member_state NULL: the EU-wide evaluation (member_state NULL, EU-wide rows only) of each, and one evaluation per member state whose own rows on the supplier or a controller are in force; member_state X: X''s evaluation of each (EU-wide rows and X''s). supplier_risk_at''s computation.';

CREATE OR REPLACE VIEW @extschema@.supplier_risk WITH (security_invoker = true) AS
  SELECT x.*, COALESCE(x.member_state, 'EU') AS area FROM @extschema@.supplier_risk_of(CURRENT_DATE, NULL, NULL) x;
COMMENT ON VIEW @extschema@.supplier_risk IS 'Risk profile of every supplier today, under the methodology of the supplyrisk.methodology setting: the EU-wide evaluation (member_state NULL), and one row per supplier and member state whose own assessments or designations, on the supplier or a controller, are in force (that member state''s evaluation).';
COMMENT ON COLUMN @extschema@.supplier_risk.supplier_id IS 'Supplier.';
COMMENT ON COLUMN @extschema@.supplier_risk.supplier_name IS 'Supplier name.';
COMMENT ON COLUMN @extschema@.supplier_risk.group_id IS 'Supplier group (ultimate controller).';
COMMENT ON COLUMN @extschema@.supplier_risk.technical_score IS 'Technical dimension score, 0..100 (weighted power mean of the t.* factors).';
COMMENT ON COLUMN @extschema@.supplier_risk.non_technical_score IS 'Non-technical dimension score, 0..100 (weighted power mean of the nt.* factors).';
COMMENT ON COLUMN @extschema@.supplier_risk.risk_score IS 'Overall score, 0..100 (power mean of the two dimensions with the dimension weights).';
COMMENT ON COLUMN @extschema@.supplier_risk.risk_level IS 'low, medium, high or critical: the band of risk_score under the methodology (default bands at the midpoints 37.5/62.5/87.5, so a supplier scored k on every factor gets the level k names); unassessed when coverage is below the methodology''s min_coverage (the score is still shown). Not high_risk, which is a designation, the non-technical score at or above hrv_threshold, or a high-risk controller.';
COMMENT ON COLUMN @extschema@.supplier_risk.high_risk IS 'High-risk supplier: designated, non-technical score at or above the HRV threshold, or controlled by a high-risk supplier (high_risk_basis says which). Not the same as risk_level, which is the band of risk_score: a supplier can be high-risk at a low level, or critical without being high-risk.';
COMMENT ON COLUMN @extschema@.supplier_risk.high_risk_basis IS 'designation, score or group; NULL when not high-risk.';
COMMENT ON COLUMN @extschema@.supplier_risk.coverage IS 'Share (0..1) of the effective factor weight backed by a valid assessment.';
COMMENT ON COLUMN @extschema@.supplier_risk.top_factors IS 'The assessed factors contributing most to the score, largest first.';
COMMENT ON COLUMN @extschema@.supplier_risk.member_state IS 'The member state whose evaluation the row is (its own rows and the EU-wide ones count; the EU-wide high-risk status holds in every evaluation); NULL: the EU-wide evaluation, from EU-wide rows only.';
COMMENT ON COLUMN @extschema@.supplier_risk.area IS 'Whose evaluation, for BI filters: the member state''s code, or EU for the EU-wide evaluation (member_state NULL).';

-- One row per supplier group: its members' risk, so that analysts need not join parents by hand.
CREATE OR REPLACE VIEW @extschema@.group_risk WITH (security_invoker = true) AS
SELECT a.group_id, g.name AS group_name, a.members, a.highest_risk_level, a.highest_risk_score, a.high_risk,
       a.high_risk_members, a.high_risk_reasons
FROM (  -- aggregated first, then named (joined before, the function's row estimate made it a nested loop over every pair)
  SELECT r.group_id,
         pg_catalog.count(*)::integer AS members,
         COALESCE((pg_catalog.array_agg(r.risk_level ORDER BY l.rank DESC, r.risk_score DESC NULLS LAST)
                     FILTER (WHERE r.risk_level OPERATOR(pg_catalog.<>) 'unassessed'))[1], 'unassessed') AS highest_risk_level,
         pg_catalog.max(r.risk_score) AS highest_risk_score,
         pg_catalog.bool_or(r.high_risk) AS high_risk,
         pg_catalog.count(*) FILTER (WHERE r.high_risk)::integer AS high_risk_members,
         pg_catalog.string_agg(pg_catalog.format('%s: %s', r.supplier_name, r.high_risk_basis), '; ' ORDER BY r.supplier_name, r.supplier_id)
           FILTER (WHERE r.high_risk_basis OPERATOR(pg_catalog.<>) 'group') AS high_risk_reasons
  FROM @extschema@.supplier_risk r
  CROSS JOIN LATERAL (SELECT CASE r.risk_level WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END AS rank) l
  WHERE r.member_state IS NULL
  GROUP BY r.group_id
) a
JOIN @extschema@.supplier g ON g.supplier_id OPERATOR(pg_catalog.=) a.group_id;
COMMENT ON VIEW @extschema@.group_risk IS 'One row per supplier group (a supplier and everything it controls, named by its ultimate controller): its members'' risk today, EU-wide evaluation (per member state: supplier_risk_at(member_state => X)). risk_level is the band of a score; high_risk is a designation, the non-technical score at or above hrv_threshold, or control by a high-risk supplier (high_risk_basis says which), so a group can be high-risk with low levels, or critical without being high-risk.';
COMMENT ON COLUMN @extschema@.group_risk.group_id IS 'The group: its ultimate controller''s supplier_id.';
COMMENT ON COLUMN @extschema@.group_risk.group_name IS 'The ultimate controller''s name.';
COMMENT ON COLUMN @extschema@.group_risk.members IS 'Suppliers in the group, the controller included.';
COMMENT ON COLUMN @extschema@.group_risk.highest_risk_level IS 'The highest risk_level among the members (low < medium < high < critical); unassessed when no member is assessed enough.';
COMMENT ON COLUMN @extschema@.group_risk.highest_risk_score IS 'The highest risk_score among the members (0..100).';
COMMENT ON COLUMN @extschema@.group_risk.high_risk IS 'Whether any member is high-risk.';
COMMENT ON COLUMN @extschema@.group_risk.high_risk_members IS 'How many members are high-risk (a high-risk controller makes every member below it high-risk).';
COMMENT ON COLUMN @extschema@.group_risk.high_risk_reasons IS 'Why: each member high-risk on its own account, as "name: designation" or "name: score" (members high-risk only through their controller are left out); NULL when none.';

-- The risk of every supplier (supplier = NULL) or of one supplier, at a date, under a
-- methodology, as evaluated for one member state (member_state NULL: EU-wide rows only).
CREATE OR REPLACE FUNCTION @extschema@.supplier_risk_at(as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL, supplier bigint DEFAULT NULL,
                                             member_state text DEFAULT NULL)
RETURNS SETOF @extschema@.supplier_risk  -- the view's row type
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT x.*, COALESCE(x.member_state, 'EU') FROM @extschema@.supplier_risk_of($1, $2, CASE WHEN $3 IS NOT NULL THEN ARRAY[$3] END, $4) x
  WHERE $4 IS NOT NULL OR x.member_state IS NULL
$$;
COMMENT ON FUNCTION @extschema@.supplier_risk_at(date, text, bigint, text) IS
  'Risk profile of every supplier (or only one) from the assessments and designations in force at as_of, under a methodology (default: the supplyrisk.methodology setting), as evaluated for member_state (its own rows and the EU-wide ones; NULL: the EU-wide evaluation, from EU-wide rows only).';

CREATE OR REPLACE FUNCTION @extschema@.score_supplier(supplier_id bigint, as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS SETOF @extschema@.supplier_risk  -- the view's row type
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT * FROM @extschema@.supplier_risk_at($2, $3, $1)
$$;
COMMENT ON FUNCTION @extschema@.score_supplier(bigint, date, text) IS
  'The supplier_risk row of one supplier at any date, from the assessments valid then, under a methodology.';
