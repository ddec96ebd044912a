-- Snapshots of every sector metric (take_snapshot, into metric_snapshot: rollup/metric_snapshot.sql)
-- and trends.

-- Entity and ICT function pairs with a multi-vendor gap at the four levels of sector_stats_compute: from this
-- database's supply, or (federated) the counts pulled from the members (an entity belongs
-- to one member state, so member-state counts add up to the EU-wide ones).
CREATE OR REPLACE FUNCTION @extschema@.sector_gap_counts(federated boolean, as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS SETOF @extschema@.federation_gaps  -- the row type of the counts a member exports
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT p.sector_code, p.member_state, p.function_code, pg_catalog.count(*)
  FROM (SELECT DISTINCT y.sector_code, y.member_state, y.function_code, y.entity_id
        FROM @extschema@.multi_vendor_gaps_at($2, $3) y WHERE NOT $1) p
  GROUP BY GROUPING SETS ((p.sector_code, p.member_state, p.function_code), (p.sector_code, p.function_code),
                          (p.sector_code, p.member_state), (p.sector_code))
  UNION ALL
  SELECT s.sector_code, s.member_state, s.function_code, s.gaps
  FROM @extschema@.federation_state s WHERE $1 AND s.gaps IS NOT NULL
  UNION ALL
  SELECT s.sector_code, NULL, s.function_code, pg_catalog.sum(s.gaps)::bigint
  FROM @extschema@.federation_state s WHERE $1 AND s.gaps IS NOT NULL
  GROUP BY s.sector_code, s.function_code
$$;
COMMENT ON FUNCTION @extschema@.sector_gap_counts(boolean, date, text) IS
  'Entity and ICT function pairs with a multi-vendor gap per sector, member state (NULL: EU-wide) and ICT function (NULL: all functions, the pairs of every function added up), from this database''s supply valid at as_of or (federated) from the counts pulled from the federation members.';

CREATE OR REPLACE FUNCTION @extschema@.take_snapshot(label text DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql SET extra_float_digits = 1 SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  sid bigint;
  d   date := CURRENT_DATE;
  m   text := @extschema@.methodology_name(NULL);
  fed boolean := EXISTS (SELECT 1 FROM @extschema@.federation_member);
BEGIN
  IF fed THEN
    -- a coordinator: every member's states and gap counts, pulled now
    PERFORM @extschema@.federation_pull(true, false);
    SELECT pg_catalog.string_agg(DISTINCT f.last_methodology, ', ' ORDER BY f.last_methodology) INTO m
    FROM @extschema@.federation_member f;
  END IF;
  INSERT INTO @extschema@.snapshot (label, as_of, methodology) VALUES ($1, d, m) RETURNING snapshot_id INTO sid;
  -- the sector rows and the function rows (every sector pooled) of one computation
  CREATE TEMP TABLE supplyrisk_snapshot_stage ON COMMIT DROP AS
    SELECT * FROM @extschema@.sector_stats_full(federated => fed, stored_scores => false, as_of => d, methodology => CASE WHEN NOT fed THEN m END);
  INSERT INTO @extschema@.function_snapshot (snapshot_id, function_code, member_state, group_mix, country_mix, metrics)
  SELECT sid, x.function_code, x.member_state, x.group_mix, x.country_mix,
         (pg_catalog.to_jsonb(x) OPERATOR(pg_catalog.-)
            ARRAY['sector_code', 'member_state', 'function_code', 'group_mix', 'country_mix']::text[])
         OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('sectors', COALESCE(c.n, 0))
  FROM pg_temp.supplyrisk_snapshot_stage x
  LEFT JOIN (SELECT y.function_code, COALESCE(y.member_state, '') AS ms, pg_catalog.count(*) AS n
             FROM pg_temp.supplyrisk_snapshot_stage y WHERE y.sector_code IS NOT NULL AND y.function_code IS NOT NULL GROUP BY 1, 2) c
    ON c.function_code OPERATOR(pg_catalog.=) x.function_code AND c.ms OPERATOR(pg_catalog.=) COALESCE(x.member_state, '')
  WHERE x.sector_code IS NULL;
  INSERT INTO @extschema@.metric_snapshot (snapshot_id, sector_code, member_state, function_code, group_mix,
                                           country_mix, metrics)
  SELECT sid, x.sector_code, x.member_state, x.function_code, x.group_mix, x.country_mix,
         (pg_catalog.to_jsonb(x) OPERATOR(pg_catalog.-)
            ARRAY['sector_code', 'member_state', 'function_code', 'group_mix', 'country_mix']::text[])
         OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('gaps', COALESCE(g.gaps, 0))
  FROM pg_temp.supplyrisk_snapshot_stage x
  LEFT JOIN @extschema@.sector_gap_counts(fed, d, CASE WHEN NOT fed THEN m END) g
    ON g.sector_code OPERATOR(pg_catalog.=) x.sector_code
   AND (g.member_state OPERATOR(pg_catalog.=) x.member_state OR (g.member_state IS NULL AND x.member_state IS NULL))
   AND (g.function_code OPERATOR(pg_catalog.=) x.function_code OR (g.function_code IS NULL AND x.function_code IS NULL))
  WHERE x.sector_code IS NOT NULL;
  DROP TABLE pg_temp.supplyrisk_snapshot_stage;
  RETURN sid;
END
$$;
COMMENT ON FUNCTION @extschema@.take_snapshot(text) IS
  'Stores every sector metric (sector_stats_at, per member state and EU-wide, per function and overall, with the mergeable states) and the multi-vendor gap counts, and the function rows (function_snapshot: every sector pooled, per ICT function and member state), computed live for today (on a federation coordinator: pulled now from every member); returns the snapshot id.';

-- every metric of two snapshot rows as {from, to, delta} (delta for numbers)
CREATE OR REPLACE FUNCTION @extschema@.metrics_delta(from_metrics jsonb, to_metrics jsonb) RETURNS jsonb
  AS 'MODULE_PATHNAME', 'metrics_delta' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;  -- (src/snapshot_json.c)
COMMENT ON FUNCTION @extschema@.metrics_delta(jsonb, jsonb) IS 'Every key of two metrics objects as {"from": .., "to": .., "delta": ..}, delta = to - from when both are numbers: the metrics column of trend and function_trend.';

-- snapshots named by a trend must exist
CREATE OR REPLACE FUNCTION @extschema@.snapshot_check(ids bigint[]) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  sid bigint;
BEGIN
  FOREACH sid IN ARRAY ids LOOP
    IF NOT EXISTS (SELECT 1 FROM @extschema@.snapshot s WHERE s.snapshot_id OPERATOR(pg_catalog.=) sid) THEN
      RAISE EXCEPTION 'snapshot % does not exist', sid USING ERRCODE = 'invalid_parameter_value',
        HINT = 'The snapshots are listed in supplyrisk.snapshot.';
    END IF;
  END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.snapshot_check(bigint[]) IS 'Raises 22023 naming the first of the snapshots that does not exist (trend_between, function_trend_between).';

-- The rows of two snapshots matched up, for trend_between and function_trend_between: per sector
-- (function_rows false: metric_snapshot's all-functions rows) or per ICT function (true:
-- function_snapshot's), and member state (NULL: EU-wide), a row present in either snapshot, with
-- both snapshots' metrics ('{}' where one has no row) and the HHI and high-risk share of each.
CREATE OR REPLACE FUNCTION @extschema@.snapshot_metric_pairs(from_id bigint, to_id bigint, function_rows boolean)
RETURNS TABLE (row_key text, member_state text, from_taken_at timestamptz, to_taken_at timestamptz,
               hhi_from float8, hhi_to float8, hhi_delta float8,
               hrv_share_from float8, hrv_share_to float8, hrv_share_delta float8,
               from_metrics jsonb, to_metrics jsonb)
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
  WITH a AS (SELECT m.sector_code AS k, m.member_state, m.metrics FROM @extschema@.metric_snapshot m
             WHERE NOT $3 AND m.snapshot_id OPERATOR(pg_catalog.=) $1 AND m.function_code IS NULL
             UNION ALL
             SELECT m.function_code, m.member_state, m.metrics FROM @extschema@.function_snapshot m
             WHERE $3 AND m.snapshot_id OPERATOR(pg_catalog.=) $1),
       b AS (SELECT m.sector_code AS k, m.member_state, m.metrics FROM @extschema@.metric_snapshot m
             WHERE NOT $3 AND m.snapshot_id OPERATOR(pg_catalog.=) $2 AND m.function_code IS NULL
             UNION ALL
             SELECT m.function_code, m.member_state, m.metrics FROM @extschema@.function_snapshot m
             WHERE $3 AND m.snapshot_id OPERATOR(pg_catalog.=) $2),
       j AS (SELECT COALESCE(a.k, b.k) AS k, COALESCE(a.member_state, b.member_state) AS ms,
                    COALESCE(a.metrics, '{}'::pg_catalog.jsonb) AS am, COALESCE(b.metrics, '{}'::pg_catalog.jsonb) AS bm
             FROM a FULL JOIN b ON a.k OPERATOR(pg_catalog.=) b.k
                               AND COALESCE(a.member_state, '') OPERATOR(pg_catalog.=) COALESCE(b.member_state, ''))
  SELECT j.k, j.ms, sa.taken_at, sb.taken_at,
         (j.am OPERATOR(pg_catalog.->>) 'hhi')::pg_catalog.float8, (j.bm OPERATOR(pg_catalog.->>) 'hhi')::pg_catalog.float8,
         (j.bm OPERATOR(pg_catalog.->>) 'hhi')::pg_catalog.float8 OPERATOR(pg_catalog.-) (j.am OPERATOR(pg_catalog.->>) 'hhi')::pg_catalog.float8,
         (j.am OPERATOR(pg_catalog.->>) 'hrv_share')::pg_catalog.float8, (j.bm OPERATOR(pg_catalog.->>) 'hrv_share')::pg_catalog.float8,
         (j.bm OPERATOR(pg_catalog.->>) 'hrv_share')::pg_catalog.float8 OPERATOR(pg_catalog.-) (j.am OPERATOR(pg_catalog.->>) 'hrv_share')::pg_catalog.float8,
         j.am, j.bm
  FROM j
  CROSS JOIN (SELECT s.taken_at FROM @extschema@.snapshot s WHERE s.snapshot_id OPERATOR(pg_catalog.=) $1) sa
  CROSS JOIN (SELECT s.taken_at FROM @extschema@.snapshot s WHERE s.snapshot_id OPERATOR(pg_catalog.=) $2) sb
$$;
COMMENT ON FUNCTION @extschema@.snapshot_metric_pairs(bigint, bigint, boolean) IS 'Internal: the rows of two snapshots matched per sector (function_rows false) or ICT function (true) and member state, with both snapshots'' metrics and the HHI and high-risk share of each (trend_between, function_trend_between).';

CREATE OR REPLACE FUNCTION @extschema@.trend_between(from_id bigint, to_id bigint)
RETURNS TABLE (sector_code text, member_state text, area text, from_snapshot bigint, to_snapshot bigint,
               from_taken_at timestamptz, to_taken_at timestamptz,
               hhi_from float8, hhi_to float8, hhi_delta float8,
               hrv_share_from float8, hrv_share_to float8, hrv_share_delta float8,
               gaps_from bigint, gaps_to bigint, gaps_closed bigint, metrics jsonb)
LANGUAGE plpgsql STABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  PERFORM @extschema@.snapshot_check(ARRAY[$1, $2]);
  RETURN QUERY
  SELECT p.row_key, p.member_state, COALESCE(p.member_state, 'EU'), $1, $2, p.from_taken_at, p.to_taken_at,
         p.hhi_from, p.hhi_to, p.hhi_delta, p.hrv_share_from, p.hrv_share_to, p.hrv_share_delta,
         COALESCE((p.from_metrics OPERATOR(pg_catalog.->>) 'gaps')::bigint, 0), COALESCE((p.to_metrics OPERATOR(pg_catalog.->>) 'gaps')::bigint, 0),
         COALESCE((p.from_metrics OPERATOR(pg_catalog.->>) 'gaps')::bigint, 0) OPERATOR(pg_catalog.-) COALESCE((p.to_metrics OPERATOR(pg_catalog.->>) 'gaps')::bigint, 0),
         @extschema@.metrics_delta(p.from_metrics, p.to_metrics)
  FROM @extschema@.snapshot_metric_pairs(from_id => $1, to_id => $2, function_rows => false) p
  ORDER BY p.row_key, p.member_state NULLS FIRST;
END
$$;
COMMENT ON FUNCTION @extschema@.trend_between(bigint, bigint) IS
  'Change of every sector metric between two snapshots, per sector and member state (NULL: EU-wide): the headline figures as columns and every metric as {from, to, delta} in metrics.';

CREATE OR REPLACE VIEW @extschema@.trend WITH (security_invoker = true) AS
  SELECT t.* FROM @extschema@.trend_between(
    (SELECT s.snapshot_id FROM @extschema@.snapshot s ORDER BY s.taken_at, s.snapshot_id LIMIT 1),
    (SELECT s.snapshot_id FROM @extschema@.snapshot s ORDER BY s.taken_at DESC, s.snapshot_id DESC LIMIT 1)) t
  WHERE t.from_snapshot OPERATOR(pg_catalog.<>) t.to_snapshot;  -- (one snapshot is no trend)
COMMENT ON VIEW @extschema@.trend IS 'Change of every sector metric between the first and the latest snapshot, per sector and member state (NULL: EU-wide). Empty until there are two snapshots (one snapshot is not compared with itself); trend_between compares any two.';
DO $cm$
DECLARE c record;
BEGIN
  FOR c IN SELECT * FROM (VALUES
    ('sector_code', 'NIS2 sector.'),
    ('member_state', 'Member state; NULL for the EU-wide row.'),
    ('area', 'Where the row is: the member state''s code, or EU for the EU-wide row (member_state NULL), so a BI filter needs no IS NULL.'),
    ('from_snapshot', 'The earlier snapshot.'),
    ('to_snapshot', 'The later snapshot.'),
    ('from_taken_at', 'When the earlier snapshot was taken.'),
    ('to_taken_at', 'When the later snapshot was taken.'),
    ('hhi_from', 'HHI over supplier groups at the earlier snapshot.'),
    ('hhi_to', 'HHI at the later snapshot.'),
    ('hhi_delta', 'hhi_to - hhi_from (negative: less concentrated).'),
    ('hrv_share_from', 'Share (0..1) of high-risk supply at the earlier snapshot.'),
    ('hrv_share_to', 'The same at the later snapshot.'),
    ('hrv_share_delta', 'hrv_share_to - hrv_share_from.'),
    ('gaps_from', 'Entity and function pairs with a multi-vendor gap at the earlier snapshot.'),
    ('gaps_to', 'The same at the later snapshot.'),
    ('gaps_closed', 'gaps_from - gaps_to: net gaps closed (negative: more gaps).'),
    ('metrics', 'Every stored metric as {"from": .., "to": .., "delta": ..} (delta for numbers only).')) x(col, txt) LOOP
    EXECUTE pg_catalog.format('COMMENT ON COLUMN @extschema@.trend.%I IS %L', c.col, c.txt);
  END LOOP;
END $cm$;
