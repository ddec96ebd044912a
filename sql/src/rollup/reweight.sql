-- Re-weighting (issue 29): when only suppliers' risk changed (an assessment, a designation, a
-- decision cleared, an assessment's validity ending, a change of a controller's risk), refresh()
-- does not read the supply of the rows those suppliers are in. Each member-state function row
-- of sector_rollup keeps the supply weight of every supplier in it (supplier_mix); its
-- risk-dependent columns (high-risk weight and share, risk-weighted weight and mean risk,
-- unassessed weight and share) are derived again from those weights and the suppliers' new
-- stored scores (supply_mix_risk_sums), the sectors' and functions' rows above them summed
-- again from the member-state rows (as the full computation sums them), and the entity rows of
-- the entities those suppliers supply recomputed from those entities' own supply rows.
-- Concentration (the group and country mixes and everything derived from them) does not depend
-- on risk and is not touched.

CREATE OR REPLACE FUNCTION @extschema@.supply_mix_risk_sums(mix @extschema@.supply_mix, supplier_ids bigint[], high_risk boolean[],
                                                            risk_score float8[], unassessed boolean[]) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'supply_mix_risk_sums' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.supply_mix_risk_sums(@extschema@.supply_mix, bigint[], boolean[], float8[], boolean[]) IS
  'Internal: the risk sums of a mix of supply weight per supplier: {high-risk weight, sum of weight x risk_score, unassessed weight}, each an exact sum, from each supplier''s risk given by parallel arrays sorted by supplier id (strictly increasing; risk_score may be NULL: adds nothing). refresh()''s re-weighting of a rollup row without its supply rows.';

-- The suppliers' stored risk (supplier_rollup) as evaluated for each of these member states,
-- as arrays sorted by supplier id: what supply_mix_risk_sums reads for a row of that member state.
CREATE OR REPLACE FUNCTION @extschema@.supplier_risk_arrays(member_states text[])
RETURNS TABLE (member_state text, supplier_ids bigint[], high_risk boolean[], risk_score float8[], unassessed boolean[])
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT m.ms, pg_catalog.array_agg(c.supplier_id ORDER BY c.supplier_id),
         pg_catalog.array_agg(CASE WHEN k.i IS NULL THEN c.high_risk ELSE c.ms_high_risk[k.i] END ORDER BY c.supplier_id),
         pg_catalog.array_agg(CASE WHEN k.i IS NULL THEN c.risk_score ELSE c.ms_risk_score[k.i] END ORDER BY c.supplier_id),
         pg_catalog.array_agg(CASE WHEN k.i IS NULL THEN c.unassessed ELSE c.ms_unassessed[k.i] END ORDER BY c.supplier_id)
  FROM (SELECT DISTINCT x AS ms FROM pg_catalog.unnest($1) x) m
  CROSS JOIN @extschema@.supplier_rollup c
  CROSS JOIN LATERAL (SELECT @extschema@.supply_risk_index(c.member_states, m.ms) AS i) k
  GROUP BY m.ms
$$;
COMMENT ON FUNCTION @extschema@.supplier_risk_arrays(text[]) IS
  'Internal: per member state, every supplier''s risk stored by refresh() (supplier_rollup) as evaluated for that member state (its own evaluation where it has one, else the EU-wide one), as parallel arrays sorted by supplier id (supply_mix_risk_sums'' arguments).';

-- The re-weighting step. reweight: '<supplier>:<owner>' pairs whose risk changed (owner empty:
-- EU-wide, every member state's rows; else only that member state's rows), or {*}: every
-- supplier's (the methodology in use changed: every row is re-weighted); stale_keys: the
-- '<sector>:<member state>' keys recomputed from the supply in this refresh (not re-weighted).
-- Returns the member-state function rows re-weighted and the entity rows recomputed.
CREATE OR REPLACE FUNCTION @extschema@.refresh_reweight(as_of date, methodology text, reweight text[], stale_keys text[],
                                                        OUT rows_reweighted bigint, OUT entity_rows bigint)
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  done text[] := COALESCE(stale_keys, '{}');
  every boolean := reweight OPERATOR(pg_catalog.=) ARRAY['*'];
  ents bigint[];
  funcs text[];
BEGIN
  -- the pairs, parsed once (none for {*})
  CREATE TEMP TABLE supplyrisk_reweight_pairs ON COMMIT DROP AS
    SELECT pg_catalog.split_part(k, ':', 1)::bigint AS id, NULLIF(pg_catalog.split_part(k, ':', 2), '') AS owner
    FROM pg_catalog.unnest(reweight) k WHERE k OPERATOR(pg_catalog.<>) '*';
  -- 1. the member-state function rows holding a re-weighted supplier (owned EU-wide or by the
  -- row's member state): their risk columns from their supplier mixes (7,000 rows at 1M supply
  -- rows: a sequential read of the table, no supply)
  CREATE TEMP TABLE supplyrisk_reweight_rows ON COMMIT DROP AS
    SELECT r.sector_code, r.member_state, r.function_code, r.supplier_mix
    FROM @extschema@.sector_rollup r
    WHERE r.member_state IS NOT NULL AND r.function_code IS NOT NULL
      AND NOT ((r.sector_code OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) r.member_state) OPERATOR(pg_catalog.=) ANY (done))
      -- (holds one of them: without them, fewer keys; a share could round to 0 for a tiny weight)
      AND (every OR @extschema@.key_count(@extschema@.without(r.supplier_mix, ARRAY(SELECT p.id FROM pg_temp.supplyrisk_reweight_pairs p WHERE p.owner IS NULL OR p.owner OPERATOR(pg_catalog.=) r.member_state)))
          OPERATOR(pg_catalog.<) @extschema@.key_count(r.supplier_mix));
  WITH s AS MATERIALIZED (  -- (once per row: its three sums are read six times)
    SELECT y.*, CASE WHEN y.crit THEN y.x[1] ELSE 0::pg_catalog.float8 END AS hwc
    FROM (SELECT t.sector_code, t.member_state, t.function_code, fn.criticality OPERATOR(pg_catalog.<>) 'standard' AS crit,
           @extschema@.supply_mix_risk_sums(t.supplier_mix, k.supplier_ids, k.high_risk, k.risk_score, k.unassessed) AS x
    FROM pg_temp.supplyrisk_reweight_rows t
    JOIN @extschema@.supplier_risk_arrays(ARRAY(SELECT DISTINCT t2.member_state FROM pg_temp.supplyrisk_reweight_rows t2)) k
      ON k.member_state OPERATOR(pg_catalog.=) t.member_state
    JOIN @extschema@.ict_function fn ON fn.code OPERATOR(pg_catalog.=) t.function_code
          OFFSET 0) y  -- (not flattened: the sums once)
  )
  UPDATE @extschema@.sector_rollup r
  SET hrv_weight = s.x[1], risk_weight = s.x[2], unassessed_weight = s.x[3],
      hrv_weight_critical = s.hwc, hrv_share = @extschema@.share_of(s.x[1], r.weight),
      hrv_share_critical = @extschema@.share_of(s.hwc, r.weight_critical),
      mean_risk = @extschema@.share_of(s.x[2], r.weight),
      unassessed_share = @extschema@.share_of(s.x[3], r.weight)
  FROM s
  WHERE r.sector_code OPERATOR(pg_catalog.=) s.sector_code AND r.member_state OPERATOR(pg_catalog.=) s.member_state
    AND r.function_code OPERATOR(pg_catalog.=) s.function_code;
  GET DIAGNOSTICS rows_reweighted = ROW_COUNT;
  DROP TABLE pg_temp.supplyrisk_reweight_rows;

  -- 2. the rows above them, summed again from the member-state function rows as the full
  -- computation sums them (exact sums: equal to it whatever the order)
  PERFORM @extschema@.refresh_resum_risk();

  -- 3. the entity rows: the (entity, function) pairs the re-weighted suppliers supply (owner's
  -- entities only), outside the keys recomputed, from those pairs' supply rows (by index)
  WITH pairs AS (
    SELECT DISTINCT s.entity_id, s.function_code
    FROM pg_temp.supplyrisk_reweight_pairs p
    JOIN @extschema@.supply s ON s.supplier_id OPERATOR(pg_catalog.=) p.id  -- (by index)
    JOIN @extschema@.entity e ON e.entity_id OPERATOR(pg_catalog.=) s.entity_id
    WHERE (p.owner IS NULL OR e.member_state OPERATOR(pg_catalog.=) p.owner)
      AND s.valid_from OPERATOR(pg_catalog.<=) as_of AND (s.valid_to IS NULL OR s.valid_to OPERATOR(pg_catalog.>) as_of)
      AND NOT ((e.sector_code OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) e.member_state) OPERATOR(pg_catalog.=) ANY (done))
  )
  SELECT pg_catalog.array_agg(x.entity_id ORDER BY x.entity_id, x.function_code),
         pg_catalog.array_agg(x.function_code ORDER BY x.entity_id, x.function_code)  -- (distinct, in index order)
  INTO ents, funcs FROM pairs x WHERE NOT every;
  entity_rows := 0;
  IF ents IS NOT NULL OR every THEN
    -- (every: all entity rows, from one scan of the supply, outside the keys recomputed)
    CREATE TEMP TABLE supplyrisk_entity_stage ON COMMIT DROP AS
      SELECT x.* FROM @extschema@.entity_exposure_compute(as_of => as_of, methodology => methodology, stored_scores => true,
                                                          entity_ids => ents, function_codes => funcs, risk_only => true) x
      WHERE NOT every OR NOT ((x.sector_code OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) x.member_state) OPERATOR(pg_catalog.=) ANY (done));
    -- (only the columns risk enters change, computed by the view's own code; the gaps by their
    -- one rule from the row's unchanged supplier count and largest share. An update in place, by
    -- the primary key, with no index to update: half the cost of a delete and insert)
    -- Pairs of a sector and member state with a change recorded since this refresh took its
    -- changes are left as they are: that change (committed after it, but perhaps seen by the
    -- computation above, which would then mix it with the row's stored counts) is in
    -- rollup_change, read here after the computation, and the next refresh recomputes them.
    DELETE FROM pg_temp.supplyrisk_entity_stage x
    USING @extschema@.rollup_change c
    WHERE c.sector_code OPERATOR(pg_catalog.=) x.sector_code AND c.member_state OPERATOR(pg_catalog.=) x.member_state;
    UPDATE @extschema@.entity_rollup r
    SET hrv_share = x.hrv_share, exposure_score = x.exposure_score,
        gaps = @extschema@.multi_vendor_gap_kinds(fn.criticality, r.supplier_count, r.cr1, x.hrv_share, m.multi_vendor_cap)
    FROM pg_temp.supplyrisk_entity_stage x
    JOIN @extschema@.ict_function fn ON fn.code OPERATOR(pg_catalog.=) x.function_code
    CROSS JOIN (SELECT y.multi_vendor_cap FROM @extschema@.methodology y
                WHERE y.name OPERATOR(pg_catalog.=) @extschema@.methodology_name(methodology)) m
    WHERE r.entity_id OPERATOR(pg_catalog.=) x.entity_id AND r.function_code OPERATOR(pg_catalog.=) x.function_code;
    GET DIAGNOSTICS entity_rows = ROW_COUNT;
    DROP TABLE pg_temp.supplyrisk_entity_stage;
  END IF;
  DROP TABLE pg_temp.supplyrisk_reweight_pairs;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_reweight(date, text, text[], text[]) IS
  'Internal step of refresh() (issue 29): for the ''<supplier>:<owner>'' pairs whose risk changed (owner empty: EU-wide; {*}: every supplier, the methodology in use changed), re-weights the risk columns of the member-state function rows holding those suppliers (the owner''s rows only) from their supplier mixes and the stored scores, sums the sectors'' and functions'' rows above them again, and recomputes the entity rows of the (entity, function) pairs those suppliers supply from those pairs'' supply rows; rows of the stale_keys (recomputed from the supply in the same refresh) are left alone. Returns the member-state function rows re-weighted and the entity rows written.';

-- The risk columns of every row above the member-state function rows (sector_rollup's EU-wide
-- and all-functions rows, function_rollup's rows) summed again from the member-state function
-- rows, the way sector_stats_compute sums them; only rows whose values change are written.
CREATE OR REPLACE FUNCTION @extschema@.refresh_resum_risk() RETURNS void
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE t record;
BEGIN
  CREATE TEMP TABLE supplyrisk_resum ON COMMIT DROP AS
    WITH l1 AS (
      SELECT r.sector_code, r.member_state, r.function_code, r.hrv_weight, r.risk_weight, r.unassessed_weight,
             fn.criticality OPERATOR(pg_catalog.<>) 'standard' AS crit
      FROM @extschema@.sector_rollup r
      JOIN @extschema@.ict_function fn ON fn.code OPERATOR(pg_catalog.=) r.function_code
      WHERE r.member_state IS NOT NULL
    )
    SELECT GROUPING(l1.sector_code) AS pooled, l1.sector_code, l1.member_state, l1.function_code,
           @extschema@.exact_sum(l1.hrv_weight) AS hw,
           COALESCE(@extschema@.exact_sum(l1.hrv_weight) FILTER (WHERE l1.crit), 0::pg_catalog.float8) AS hwc,
           @extschema@.exact_sum(l1.risk_weight) AS rw, @extschema@.exact_sum(l1.unassessed_weight) AS uw
    FROM l1
    GROUP BY GROUPING SETS ((l1.sector_code, l1.function_code), (l1.sector_code, l1.member_state), (l1.sector_code),
                            (l1.function_code, l1.member_state), (l1.function_code));
  -- the sector rows above the member-state function rows, then the function rows
  FOR t IN SELECT * FROM (VALUES
      ('sector_rollup', 0, 'r.sector_code OPERATOR(pg_catalog.=) u.sector_code AND (r.member_state IS NULL OR r.function_code IS NULL)
                           AND COALESCE(r.function_code, '''') OPERATOR(pg_catalog.=) COALESCE(u.function_code, '''')'),
      ('function_rollup', 1, 'r.function_code OPERATOR(pg_catalog.=) u.function_code')) x(tab, pooled, keys) LOOP
    EXECUTE pg_catalog.format('UPDATE @extschema@.%I r
      SET hrv_weight = u.hw, hrv_weight_critical = u.hwc, risk_weight = u.rw, unassessed_weight = u.uw,
          hrv_share = @extschema@.share_of(u.hw, r.weight), hrv_share_critical = @extschema@.share_of(u.hwc, r.weight_critical),
          mean_risk = @extschema@.share_of(u.rw, r.weight), unassessed_share = @extschema@.share_of(u.uw, r.weight)
      FROM pg_temp.supplyrisk_resum u
      WHERE u.pooled OPERATOR(pg_catalog.=) %s AND %s
        AND COALESCE(r.member_state, '''') OPERATOR(pg_catalog.=) COALESCE(u.member_state, '''')
        AND (r.hrv_weight, r.hrv_weight_critical, r.risk_weight, r.unassessed_weight) IS DISTINCT FROM (u.hw, u.hwc, u.rw, u.uw)',
      t.tab, t.pooled, t.keys);
  END LOOP;
  DROP TABLE pg_temp.supplyrisk_resum;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_resum_risk() IS
  'Internal step of refresh() (re-weighting): the risk columns (high-risk, risk-weighted and unassessed weight, and their shares) of the sectors'' EU-wide and all-functions rows and of the function rows summed again from the member-state function rows, as sector_stats_compute sums them; writes only the rows that change.';
