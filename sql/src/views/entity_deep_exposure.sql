-- entity_deep_exposure: hidden tier-2+ reliance per entity.

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
groups AS (  -- the group mix propagated (a group's dependencies apply to its subsidiaries) through the
            -- EU-wide edges and those of the entity's member state, regrouped
  SELECT d.entity_id, d.direct_g, @extschema@.total(d.direct_g) AS direct_total,
         (SELECT @extschema@.supply_mix_agg(gm.group_id, t.weight)
            FROM @extschema@.each(@extschema@.deep_mix(d.direct_g, $2, member_state => de.member_state)) t
            JOIN gmap gm ON gm.supplier_id OPERATOR(pg_catalog.=) t.key::bigint) AS deep_g
  FROM direct_groups d
  JOIN @extschema@.entity de ON de.entity_id OPERATOR(pg_catalog.=) d.entity_id
),
hidden AS (  -- weight relying on a group beyond what the entity buys from it directly
  SELECT g.entity_id, t.key::bigint AS group_id,
         (t.weight OPERATOR(pg_catalog.-) COALESCE(@extschema@.share(g.direct_g, t.key::bigint) OPERATOR(pg_catalog.*) g.direct_total, 0::pg_catalog.float8))
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
CREATE OR REPLACE VIEW @extschema@.entity_deep_exposure WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.entity_deep_exposure_at(CURRENT_DATE, 6);
COMMENT ON VIEW @extschema@.entity_deep_exposure IS 'Per entity: hidden (tier-2+) reliance on supplier groups next to the direct supply, and the deep HHI next to the direct one. The direct mix over supplier groups is propagated with deep_mix (depth 6) through the EU-wide dependencies and those of the entity''s member state, so dependencies recorded on a group apply to its subsidiaries.';
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
