-- Per-entity rollups (issue 28.6): the rows of entity_exposure (per entity and ICT function) and
-- of entity_deep_exposure (per entity) as the last refresh() computed them, so that the
-- dashboards' entity views read a table by sector and member state instead of scoring and
-- aggregating the supply on every read. refresh() writes them in the same transaction as
-- sector_rollup: all of them (full), or those of the stale sectors and member states
-- (incremental, the same keys as the sector rows). Row-level security: access/entity_rollup_policies.sql.

CREATE TABLE @extschema@.entity_rollup (
  entity_id           bigint NOT NULL,
  function_code       text NOT NULL,
  member_state        text NOT NULL,
  sector_code         text NOT NULL,
  supplier_count      integer NOT NULL,
  hhi                 float8 NOT NULL,
  cr1                 float8 NOT NULL,
  effective_suppliers float8 NOT NULL,
  hrv_share           float8 NOT NULL,
  non_eu_share        float8 NOT NULL,
  exposure_score      float8,
  mix                 @extschema@.supply_mix NOT NULL,
  top_group_id        bigint NOT NULL,
  gaps                text[] NOT NULL,
  PRIMARY KEY (entity_id, function_code)
)
-- (room on each page: refresh()'s re-weighting updates the risk columns of the rows a change of
-- risk touches in place, without new index entries (heap-only tuples): 260 ms instead of 470 for
-- the 17,000 rows of the most-used supplier at 1M supply rows)
WITH (fillfactor = 85);
CREATE INDEX entity_rollup_sector_idx ON @extschema@.entity_rollup (sector_code, member_state);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.entity_rollup', '');
COMMENT ON TABLE @extschema@.entity_rollup IS 'Rollups written by refresh(): the rows of entity_exposure (per entity and ICT function) at the last refresh, computed with the suppliers'' scores of supplier_rollup; read by entity_exposure and multi_vendor_gaps. Rebuilt by refresh() for the stale sectors and member states; do not edit.';

CREATE TABLE @extschema@.entity_deep_rollup (
  entity_id           bigint PRIMARY KEY,
  member_state        text NOT NULL,
  sector_code         text NOT NULL,
  direct_suppliers    integer NOT NULL,
  deep_suppliers      integer NOT NULL,
  direct_hhi          float8 NOT NULL,
  deep_hhi            float8 NOT NULL,
  hidden_group_ids    bigint[] NOT NULL,
  hidden_shares       float8[] NOT NULL,
  top_hidden_group    text,
  hidden_suppliers    text
);
CREATE INDEX entity_deep_rollup_sector_idx ON @extschema@.entity_deep_rollup (sector_code, member_state);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.entity_deep_rollup', '');
COMMENT ON TABLE @extschema@.entity_deep_rollup IS 'Rollups written by refresh(): the rows of entity_deep_exposure (per entity, depth 6) at the last refresh; read by entity_deep_exposure. Rebuilt by refresh() for the stale sectors and member states (a change of supplier_dependency makes stale the rows of every supplier relying on the changed edge, at any tier; a change of a supplier named in hidden_group_ids, the rows naming it); do not edit.';

DO $cm$
DECLARE c record;
BEGIN
  FOR c IN SELECT * FROM (VALUES
    ('entity_rollup', 'entity_id', 'Entity.'),
    ('entity_rollup', 'function_code', 'ICT function.'),
    ('entity_rollup', 'member_state', 'Member state of the entity (at the refresh).'),
    ('entity_rollup', 'sector_code', 'Sector of the entity (at the refresh).'),
    ('entity_rollup', 'supplier_count', 'Distinct supplier groups supplying the function.'),
    ('entity_rollup', 'hhi', 'HHI (0..10000) over supplier groups.'),
    ('entity_rollup', 'cr1', 'Share (0..1) of the largest supplier group.'),
    ('entity_rollup', 'effective_suppliers', 'Numbers equivalent 10000/HHI.'),
    ('entity_rollup', 'hrv_share', 'Share (0..1) of the weight from high-risk suppliers (as evaluated for the entity''s member state).'),
    ('entity_rollup', 'non_eu_share', 'Share (0..1) of the weight from supplier groups headquartered outside the EU.'),
    ('entity_rollup', 'exposure_score', 'Sum over suppliers of risk_score/100 x criticality weight x share (0..1).'),
    ('entity_rollup', 'mix', 'The supply_mix over supplier groups.'),
    ('entity_rollup', 'top_group_id', 'The largest supplier group (the lowest id among equal shares).'),
    ('entity_rollup', 'gaps', 'Its multi-vendor gaps under the refresh''s methodology (multi_vendor_gap_kinds: single_supplier, high_risk_supplier, above_cap); empty when none.'),
    ('entity_deep_rollup', 'entity_id', 'Entity.'),
    ('entity_deep_rollup', 'member_state', 'Member state of the entity (at the refresh).'),
    ('entity_deep_rollup', 'sector_code', 'Sector of the entity (at the refresh).'),
    ('entity_deep_rollup', 'direct_suppliers', 'Supplier groups the entity buys from (all functions).'),
    ('entity_deep_rollup', 'deep_suppliers', 'Supplier groups its supply relies on at any tier up to depth 6.'),
    ('entity_deep_rollup', 'direct_hhi', 'HHI over supplier groups of the direct supply.'),
    ('entity_deep_rollup', 'deep_hhi', 'HHI of the deep mix, grouped.'),
    ('entity_deep_rollup', 'hidden_group_ids', 'The supplier groups with the largest hidden reliance, largest first (at most three).'),
    ('entity_deep_rollup', 'hidden_shares', 'Their hidden reliance, as shares (0..1) of the entity''s direct supply, in the same order.'),
    ('entity_deep_rollup', 'top_hidden_group', 'The name of the first of them (a rename of any of them makes the row stale).'),
    ('entity_deep_rollup', 'hidden_suppliers', 'They as readable text, "name share%", largest first.')) x(tab, col, txt) LOOP
    EXECUTE pg_catalog.format('COMMENT ON COLUMN @extschema@.%I.%I IS %L', c.tab, c.col, c.txt);
  END LOOP;
END $cm$;
