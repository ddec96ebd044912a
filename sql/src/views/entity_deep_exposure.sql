-- entity_deep_exposure: hidden tier-2+ reliance per entity.

-- The rows of entity_deep_exposure as stored (entity_deep_rollup's row type): per entity, the
-- direct mix over supplier groups propagated through the EU-wide dependencies and those of the
-- entity's member state; of every entity, or (scope) of the entities of these
-- '<sector>:<member state>' keys, read by index. The one computation behind the live view and
-- refresh()'s deep rows.
CREATE OR REPLACE FUNCTION @extschema@.entity_deep_compute(as_of date, max_depth integer, scope text[] DEFAULT NULL)
RETURNS SETOF @extschema@.entity_deep_rollup
LANGUAGE sql STABLE PARALLEL SAFE AS $$
WITH direct AS MATERIALIZED (  -- per entity, its mix over suppliers and over supplier groups
  SELECT x.*, @extschema@.supply_mix_by_group(x.m) AS direct_g
  FROM (SELECT s.entity_id, s.member_state, s.sector_code, @extschema@.supply_mix_agg(s.supplier_id, s.weight) AS m
        FROM @extschema@.supply_in_scope($1, $3) s
        GROUP BY s.entity_id, s.member_state, s.sector_code) x
),
groups AS MATERIALIZED (  -- the group mix propagated (a group's dependencies apply to its subsidiaries)
                          -- through the EU-wide edges and those of the entity's member state,
                          -- regrouped; the three largest hidden reliances
  SELECT y.*, @extschema@.hidden_reliance_top(y.deep_g, y.direct_g, 3) AS hidden
  FROM (SELECT d.entity_id, d.member_state, d.sector_code, d.direct_g, @extschema@.total(d.direct_g) AS direct_total,
               @extschema@.supply_mix_by_group(@extschema@.deep_mix(d.direct_g, $2, member_state => d.member_state)) AS deep_g
        FROM direct d) y
),
named AS (  -- the hidden reliances, largest first, named (one join for every entity)
  SELECT g.entity_id, pg_catalog.array_agg(t.key::bigint ORDER BY t.weight DESC, t.key::bigint) AS ids,
         pg_catalog.array_agg(t.weight OPERATOR(pg_catalog./) g.direct_total ORDER BY t.weight DESC, t.key::bigint) AS shares,
         (pg_catalog.array_agg(n.name ORDER BY t.weight DESC, t.key::bigint))[1] AS top_name,
         pg_catalog.string_agg(pg_catalog.format('%s %s%%', n.name,
                                                 pg_catalog.round((t.weight OPERATOR(pg_catalog./) g.direct_total OPERATOR(pg_catalog.*) 100)::numeric, 0)),
                               ', ' ORDER BY t.weight DESC, t.key::bigint) AS txt
  FROM groups g CROSS JOIN LATERAL @extschema@.each(g.hidden) t
  JOIN @extschema@.supplier n ON n.supplier_id OPERATOR(pg_catalog.=) t.key::bigint
  GROUP BY g.entity_id
)
SELECT g.entity_id, g.member_state, g.sector_code,
       @extschema@.key_count(g.direct_g), @extschema@.key_count(g.deep_g),
       @extschema@.hhi(g.direct_g), @extschema@.hhi(g.deep_g),
       COALESCE(h.ids, '{}'), COALESCE(h.shares, '{}'), h.top_name, h.txt
FROM groups g
LEFT JOIN named h ON h.entity_id OPERATOR(pg_catalog.=) g.entity_id
$$;
COMMENT ON FUNCTION @extschema@.entity_deep_compute(date, integer, text[]) IS
  'Internal: the rows of entity_deep_exposure as entity_deep_rollup stores them (the three largest hidden reliances as group ids and shares, and named), from the supply valid at as_of and the dependencies (scope: only the entities of these <sector>:<member state> keys, by index). What the live view and refresh() compute.';

CREATE OR REPLACE FUNCTION @extschema@.entity_deep_exposure_at(as_of date DEFAULT CURRENT_DATE, max_depth integer DEFAULT 6)
RETURNS TABLE (entity_id bigint, entity_name text, member_state text, sector_code text, direct_suppliers integer,
               deep_suppliers integer, direct_hhi float8, deep_hhi float8, top_hidden_group_id bigint,
               top_hidden_group text, top_hidden_share float8, hidden_suppliers text)
LANGUAGE sql STABLE PARALLEL SAFE
-- (SET: not inlined into the view; see entity_exposure_at)
SET jit = off AS $$
SELECT x.entity_id, e.name, e.member_state, e.sector_code, x.direct_suppliers, x.deep_suppliers, x.direct_hhi, x.deep_hhi,
       x.hidden_group_ids[1], x.top_hidden_group, x.hidden_shares[1], x.hidden_suppliers
FROM @extschema@.entity_deep_compute($1, $2) x
JOIN @extschema@.entity e ON e.entity_id OPERATOR(pg_catalog.=) x.entity_id
$$;
COMMENT ON FUNCTION @extschema@.entity_deep_exposure_at(date, integer) IS 'The rows of entity_deep_exposure for any date and depth, computed live.';
-- from the rollups (entity_deep_rollup, depth 6) after a refresh, else live (see entity_exposure)
CREATE OR REPLACE VIEW @extschema@.entity_deep_exposure WITH (security_invoker = true) AS
  SELECT x.entity_id, e.name AS entity_name, x.member_state, x.sector_code, x.direct_suppliers, x.deep_suppliers, x.direct_hhi,
         x.deep_hhi, x.hidden_group_ids[1] AS top_hidden_group_id, x.top_hidden_group, x.hidden_shares[1] AS top_hidden_share,
         x.hidden_suppliers, f.computed_at, f.stale
  FROM @extschema@.entity_deep_rollup x
  JOIN @extschema@.entity e ON e.entity_id OPERATOR(pg_catalog.=) x.entity_id
  CROSS JOIN @extschema@.rollup_freshness(false) f
  WHERE @extschema@.entity_rollup_ready(true)
  UNION ALL
  SELECT y.*, pg_catalog.now(), false
  FROM @extschema@.entity_deep_exposure_at(CURRENT_DATE, 6) y
  WHERE NOT @extschema@.entity_rollup_ready(true);
COMMENT ON VIEW @extschema@.entity_deep_exposure IS 'Per entity: hidden (tier-2+) reliance on supplier groups next to the direct supply, and the deep HHI next to the direct one. Read from the rollups of the last refresh() (entity_deep_rollup); computed live for today until the first refresh. The direct mix over supplier groups is propagated with deep_mix (depth 6) through the EU-wide dependencies and those of the entity''s member state, so dependencies recorded on a group apply to its subsidiaries.';
COMMENT ON COLUMN @extschema@.entity_deep_exposure.entity_id IS 'Entity.';
COMMENT ON COLUMN @extschema@.entity_deep_exposure.entity_name IS 'Entity name.';
COMMENT ON COLUMN @extschema@.entity_deep_exposure.member_state IS 'Member state of the entity.';
COMMENT ON COLUMN @extschema@.entity_deep_exposure.sector_code IS 'Sector of the entity.';
COMMENT ON COLUMN @extschema@.entity_deep_exposure.direct_suppliers IS 'Supplier groups the entity buys from (all functions).';
COMMENT ON COLUMN @extschema@.entity_deep_exposure.deep_suppliers IS 'Supplier groups its supply relies on at any tier up to depth 6.';
COMMENT ON COLUMN @extschema@.entity_deep_exposure.direct_hhi IS 'HHI over supplier groups of the direct supply (all functions pooled).';
COMMENT ON COLUMN @extschema@.entity_deep_exposure.deep_hhi IS 'HHI of the deep mix (deep_mix, grouped): concentration including hidden tiers.';
COMMENT ON COLUMN @extschema@.entity_deep_exposure.top_hidden_group_id IS 'The supplier group with the largest hidden reliance.';
COMMENT ON COLUMN @extschema@.entity_deep_exposure.top_hidden_group IS 'Its name.';
COMMENT ON COLUMN @extschema@.entity_deep_exposure.top_hidden_share IS 'Hidden reliance on it: deep weight beyond the direct purchases, as a share (0..1) of the entity''s direct supply.';
COMMENT ON COLUMN @extschema@.entity_deep_exposure.hidden_suppliers IS 'The three largest hidden reliances as readable text.';
COMMENT ON COLUMN @extschema@.entity_deep_exposure.computed_at IS 'When the row was computed: the end of the last refresh() (now when computed live), so a dashboard can say "as of".';
COMMENT ON COLUMN @extschema@.entity_deep_exposure.stale IS 'True when the row may be out of date: the last refresh''s date has passed or a change is recorded that it does not hold (rollup_status.outdated).';
