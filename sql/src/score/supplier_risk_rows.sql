-- Supplier risk in the rollups' shape: one row per supplier with every evaluation, and where a
-- supply row finds its own.

-- Every supplier's risk (suppliers NULL) or the given suppliers', in supplier_rollup's shape: the
-- EU-wide evaluation and the member states' own ones as arrays, so that a supply row finds the
-- evaluation for its entity's member state in its supplier's one row (supply_risk_index).
CREATE OR REPLACE FUNCTION @extschema@.supplier_risk_rows(as_of date, methodology text, suppliers bigint[])
RETURNS SETOF @extschema@.supplier_rollup
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT x.supplier_id,
         pg_catalog.min(x.group_id),
         pg_catalog.min(x.risk_score) FILTER (WHERE x.member_state IS NULL),
         pg_catalog.bool_or(x.high_risk) FILTER (WHERE x.member_state IS NULL),
         pg_catalog.bool_or(x.risk_level OPERATOR(pg_catalog.=) 'unassessed') FILTER (WHERE x.member_state IS NULL),
         pg_catalog.array_agg(x.member_state ORDER BY x.member_state) FILTER (WHERE x.member_state IS NOT NULL),
         pg_catalog.array_agg(x.risk_score ORDER BY x.member_state) FILTER (WHERE x.member_state IS NOT NULL),
         pg_catalog.array_agg(x.high_risk ORDER BY x.member_state) FILTER (WHERE x.member_state IS NOT NULL),
         pg_catalog.array_agg(x.risk_level OPERATOR(pg_catalog.=) 'unassessed' ORDER BY x.member_state) FILTER (WHERE x.member_state IS NOT NULL)
  FROM @extschema@.supplier_risk_of($1, $2, $3) x
  GROUP BY x.supplier_id
$$;
COMMENT ON FUNCTION @extschema@.supplier_risk_rows(date, text, bigint[]) IS
  'Internal: supplier_risk_of in supplier_rollup''s shape, one row per supplier (the EU-wide evaluation, and the member states'' own ones as arrays), for refresh() and the live statistics.';

-- Where a supply row of an entity of member_state finds its evaluation in its supplier's
-- supplier_rollup row: the index into the ms_ arrays, NULL for the EU-wide evaluation.
CREATE OR REPLACE FUNCTION @extschema@.supply_risk_index(member_states text[], member_state text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT pg_catalog.array_position($1, $2)  -- (NULL for a NULL array)
$$;
COMMENT ON FUNCTION @extschema@.supply_risk_index(text[], text) IS
  'Internal: the position of a supply row''s member state among a supplier_rollup row''s member_states (the ms_ arrays), NULL when the EU-wide evaluation applies.';
