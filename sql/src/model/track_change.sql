-- Change tracking, the trigger function (its tables and triggers: change_tracking.sql).

-- One trigger function for every tracked table: the transition tables of the statement (new_rows,
-- old_rows: whichever the trigger has) give the rows touched. Security definer, so that writers
-- need no privilege on rollup_change and row-level security does not hide the entities.
CREATE OR REPLACE FUNCTION @extschema@.track_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  -- the rows the statement touched: the new ones, the old ones, or both (an update)
  r text := CASE TG_OP WHEN 'INSERT' THEN 'new_rows' WHEN 'DELETE' THEN 'old_rows'
                       ELSE '(SELECT * FROM new_rows UNION ALL SELECT * FROM old_rows)' END;
BEGIN
  IF TG_OP OPERATOR(pg_catalog.=) 'TRUNCATE' THEN  -- (no transition table: every row may be stale)
    INSERT INTO @extschema@.rollup_change (source, everything) VALUES (TG_TABLE_NAME, true);
  ELSIF TG_TABLE_NAME IN ('supply', 'contract_control') THEN
    EXECUTE pg_catalog.format('INSERT INTO @extschema@.rollup_change (source, sector_code, member_state)
      SELECT DISTINCT %L, e.sector_code, e.member_state FROM %s r JOIN @extschema@.entity e ON e.entity_id OPERATOR(pg_catalog.=) r.entity_id', TG_TABLE_NAME, r);
  ELSIF TG_TABLE_NAME OPERATOR(pg_catalog.=) 'entity' THEN
    EXECUTE pg_catalog.format('INSERT INTO @extschema@.rollup_change (source, sector_code, member_state)
      SELECT DISTINCT %L, r.sector_code, r.member_state FROM %s r', TG_TABLE_NAME, r);
  ELSIF TG_TABLE_NAME OPERATOR(pg_catalog.=) 'supplier' AND TG_OP OPERATOR(pg_catalog.=) 'INSERT' THEN
    -- suppliers added supply nothing yet: one row per statement says the next refresh must
    -- score the suppliers it has not scored (cheap on bulk loads)
    INSERT INTO @extschema@.rollup_change (source) SELECT TG_TABLE_NAME WHERE EXISTS (SELECT 1 FROM new_rows);
  ELSIF TG_TABLE_NAME OPERATOR(pg_catalog.=) 'supplier' THEN
    EXECUTE pg_catalog.format('INSERT INTO @extschema@.rollup_change (source, supplier_id)
      SELECT DISTINCT %L, r.supplier_id FROM %s r', TG_TABLE_NAME, r);
  ELSIF TG_TABLE_NAME IN ('assessment', 'designation') THEN
    -- with the owner: a member state's assessment or decision counts only in its own evaluation,
    -- so only its own rows are stale (member_state NULL: EU-wide, stale everywhere)
    EXECUTE pg_catalog.format('INSERT INTO @extschema@.rollup_change (source, supplier_id, member_state)
      SELECT DISTINCT %L, r.supplier_id, r.member_state FROM %s r', TG_TABLE_NAME, r);
  ELSIF TG_TABLE_NAME OPERATOR(pg_catalog.=) 'supplier_dependency' THEN
    -- a tier-n edge changes the deep rows of every entity whose supply reaches it: the suppliers
    -- of the changed edges, every supplier relying on them at any tier, and their groups (whose
    -- members' customers refresh() finds), recorded as supplier changes. Owned like the edges:
    -- a member state's edge is walked up through the EU-wide edges and that member state's, and
    -- recorded as its change (only its rows are stale); an EU-wide edge through the EU-wide
    -- edges (an EU-wide change), and through each member state's own edges as that member
    -- state's change, so no member state's edges make another's rows stale
    EXECUTE pg_catalog.format('INSERT INTO @extschema@.rollup_change (source, supplier_id, member_state)
      WITH RECURSIVE up (id, owner) AS (
        SELECT DISTINCT r.supplier_id, r.member_state FROM %1$s r
        UNION
        SELECT DISTINCT r.supplier_id, o.member_state FROM %1$s r
        JOIN (SELECT DISTINCT d.member_state FROM @extschema@.supplier_dependency d WHERE d.member_state IS NOT NULL) o ON r.member_state IS NULL
        UNION
        SELECT d.supplier_id, up.owner FROM @extschema@.supplier_dependency d JOIN up ON d.depends_on_supplier_id OPERATOR(pg_catalog.=) up.id
        WHERE d.member_state IS NULL OR d.member_state OPERATOR(pg_catalog.=) up.owner
      )
      SELECT DISTINCT %2$L, x.id, x.owner FROM (SELECT up.id, up.owner FROM up UNION SELECT @extschema@.supplier_group(up.id), up.owner FROM up) x
      WHERE x.id IS NOT NULL', r, TG_TABLE_NAME);
  ELSE  -- methodology, methodology_weight: the methodology's name (refresh() re-weights every
        -- row when it is the one in use; another methodology makes nothing stale)
    EXECUTE pg_catalog.format('INSERT INTO @extschema@.rollup_change (source, methodology) SELECT DISTINCT %L, r.%I FROM %s r',
                              TG_TABLE_NAME, CASE WHEN TG_TABLE_NAME OPERATOR(pg_catalog.=) 'methodology' THEN 'name' ELSE 'methodology' END, r);
  END IF;
  RETURN NULL;
END
$$;
REVOKE EXECUTE ON FUNCTION @extschema@.track_change() FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.track_change() IS 'Trigger (after each statement, with its transition tables) on the tables that feed the rollups: records the sectors and member states, suppliers or everything the statement made stale in rollup_change.';
