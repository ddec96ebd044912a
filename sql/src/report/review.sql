-- The one-year review (issue 15): measure progress per round and review_report, which puts
-- side by side the measure progress of two reporting rounds and, from the snapshots nearest
-- each round, the change in concentration, high-risk share and gaps.

-- The latest observation per measure, member state, entity and round, counted over every
-- row: confidential observations and those of member states the caller may not see count,
-- but nothing of them but the count leaves this function. For a scoped caller (its session
-- user's grant names member states) a cell in which 1 to min_cell_size - 1 member states or
-- entities of other member states fall is NULL and suppressed says so: a small count over
-- other member states' rows could tell who they are (statistical disclosure control;
-- supplyrisk.min_cell_size). See the cells below.
CREATE OR REPLACE FUNCTION @extschema@.min_cell_size() RETURNS integer
  AS 'MODULE_PATHNAME', 'supplyrisk_min_cell_size_fn' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.min_cell_size() IS 'The supplyrisk.min_cell_size setting (superuser-only, default 3): the smallest count a scoped role sees in figures over other member states'' rows.';

CREATE OR REPLACE FUNCTION @extschema@.measure_progress_rows()
RETURNS TABLE (toolbox_code text, measure_code text, reporting_round text, member_states bigint,
               legal_none bigint, legal_in_preparation bigint, legal_adopted bigint,
               not_applied bigint, being_implemented bigint, applied bigint, restrictions_imposed bigint,
               entities bigint, entities_applied bigint, first_recorded date, last_recorded date, suppressed text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  WITH rule AS (  -- scope: the member states of the session user's grant (NULL: unscoped)
    SELECT (SELECT @extschema@.access_member_states_for(SESSION_USER)) AS scope, @extschema@.min_cell_size() AS k
  ),
  latest AS (
    SELECT DISTINCT ON (o.toolbox_code, o.measure_code, o.member_state, o.entity_id, o.reporting_round)
           o.toolbox_code, o.measure_code, o.member_state, o.entity_id, o.reporting_round, o.legal_status, o.application, o.recorded_on
    FROM @extschema@.measure_status o
    ORDER BY o.toolbox_code, o.measure_code, o.member_state, o.entity_id, o.reporting_round, o.recorded_on DESC, o.recorded_at DESC, o.status_id DESC
  ),
  cells AS (  -- each row's cells (1: member-state level, 2-4: its legal status, 5-8: its application,
              -- 9: entity level, 10: entity applied) and whether it is the caller's own
    SELECT l.toolbox_code, l.measure_code, l.reporting_round, l.recorded_on,
           l.member_state = ANY (r.scope) AS own, r.scope IS NULL AS unscoped,
           ARRAY[l.entity_id IS NULL,
                 l.entity_id IS NULL AND l.legal_status = 'none', l.entity_id IS NULL AND l.legal_status = 'in_preparation',
                 l.entity_id IS NULL AND l.legal_status = 'adopted',
                 l.entity_id IS NULL AND l.application = 'not_applied', l.entity_id IS NULL AND l.application = 'being_implemented',
                 l.entity_id IS NULL AND l.application = 'applied', l.entity_id IS NULL AND l.application = 'restrictions_imposed',
                 l.entity_id IS NOT NULL, l.entity_id IS NOT NULL AND l.application IN ('applied', 'restrictions_imposed')] AS hit
    FROM latest l CROSS JOIN rule r
  ),
  counts AS (  -- per cell: every row (c) and the rows of other member states than the caller's (x)
    SELECT e.toolbox_code, e.measure_code, e.reporting_round,
           pg_catalog.array_agg(e.c ORDER BY e.i) AS c, pg_catalog.array_agg(e.x ORDER BY e.i) AS x,
           pg_catalog.min(e.first_recorded) AS first_recorded, pg_catalog.max(e.last_recorded) AS last_recorded,
           pg_catalog.bool_or(e.has_own) AS has_own
    FROM (SELECT c.toolbox_code, c.measure_code, c.reporting_round, u.i,
                 pg_catalog.count(*) FILTER (WHERE u.h) AS c,
                 pg_catalog.count(*) FILTER (WHERE u.h AND NOT COALESCE(c.own, false)) AS x,
                 -- (dates: a scoped caller's own observations only; other member states' dates are not counts)
                 pg_catalog.min(c.recorded_on) FILTER (WHERE c.unscoped OR c.own) AS first_recorded,
                 pg_catalog.max(c.recorded_on) FILTER (WHERE c.unscoped OR c.own) AS last_recorded,
                 COALESCE(pg_catalog.bool_or(c.own), false) AS has_own
          FROM cells c CROSS JOIN LATERAL pg_catalog.unnest(c.hit) WITH ORDINALITY u(h, i)
          GROUP BY c.toolbox_code, c.measure_code, c.reporting_round, u.i) e
    GROUP BY e.toolbox_code, e.measure_code, e.reporting_round
  ),
  -- For a scoped caller a cell is hidden when 1 to k - 1 rows of other member states than its
  -- own fall in it: what the caller writes (even in a transaction it rolls back) moves only its
  -- own rows, so it never changes what is hidden. Complementary suppression: in a group of
  -- cells that adds up to cell 1 (2-4, 5-8) with one hidden cell, the cell with the fewest other
  -- member states' rows is hidden too, so the total less the shown cells gives nothing away.
  primary_cells AS (
    SELECT c.toolbox_code, c.measure_code, c.reporting_round, c.first_recorded, c.last_recorded, c.c, c.x, r.k,
           -- a scoped caller with no observation of its own in the row, and fewer than k of other
           -- member states, does not learn that the row exists
           r.scope IS NOT NULL AND NOT c.has_own AND c.x[1] OPERATOR(pg_catalog.+) c.x[9] OPERATOR(pg_catalog.<) r.k AS withheld,
           ARRAY(SELECT r.scope IS NOT NULL AND v BETWEEN 1 AND r.k - 1 FROM pg_catalog.unnest(c.x) WITH ORDINALITY u(v, i) ORDER BY i) AS hide
    FROM counts c CROSS JOIN rule r
  ),
  shown AS (
    SELECT p.toolbox_code, p.measure_code, p.reporting_round, p.first_recorded, p.last_recorded, p.k, p.withheld,
           ARRAY(SELECT CASE WHEN p.hide[u.i] OR u.i = ANY (h.extra) THEN NULL ELSE u.v END
                 FROM pg_catalog.unnest(p.c) WITH ORDINALITY u(v, i) ORDER BY u.i) AS c,
           true = ANY (p.hide) AS any_suppressed
    FROM primary_cells p
    CROSS JOIN LATERAL (
      SELECT pg_catalog.array_agg(y.i) AS extra
      FROM (VALUES (ARRAY[2, 3, 4]), (ARRAY[5, 6, 7, 8])) g(cells)
      CROSS JOIN LATERAL (SELECT i FROM pg_catalog.unnest(g.cells) i WHERE NOT p.hide[i] ORDER BY p.x[i], i LIMIT 1) y
      WHERE (SELECT pg_catalog.count(*) FROM pg_catalog.unnest(g.cells) i WHERE p.hide[i]) = 1) h
  )
  SELECT s.toolbox_code, s.measure_code, s.reporting_round, s.c[1], s.c[2], s.c[3], s.c[4], s.c[5], s.c[6], s.c[7], s.c[8], s.c[9], s.c[10],
         s.first_recorded, s.last_recorded,
         CASE WHEN s.any_suppressed THEN pg_catalog.format('counts of 1 to %s member states or entities, and cells that would give one away, are not shown (supplyrisk.min_cell_size)', s.k - 1) END
  FROM shown s
  WHERE NOT s.withheld
$$;
REVOKE EXECUTE ON FUNCTION @extschema@.measure_progress_rows() FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.measure_progress_rows() IS 'Internal (measure_progress, review_report): counts of the latest observations per measure and round over every row (confidential ones and other member states'' included; counts only). For a scoped caller: counts below supplyrisk.min_cell_size are NULL, first_recorded and last_recorded are over its own observations, and a row where it has none and other member states have fewer than min_cell_size is left out.';

CREATE OR REPLACE VIEW @extschema@.measure_progress WITH (security_invoker = true) AS
  SELECT p.toolbox_code, p.measure_code, m.title, m.kind, m.review_theme, p.reporting_round, p.member_states,
         p.legal_none, p.legal_in_preparation, p.legal_adopted, p.not_applied, p.being_implemented, p.applied,
         p.restrictions_imposed, p.entities, p.entities_applied, p.suppressed
  FROM @extschema@.measure_progress_rows() p
  JOIN @extschema@.measure m ON m.toolbox_code OPERATOR(pg_catalog.=) p.toolbox_code AND m.code OPERATOR(pg_catalog.=) p.measure_code;
COMMENT ON VIEW @extschema@.measure_progress IS 'Per toolbox, measure and reporting round: member states per legal_status and per application (the latest observation of each member state in the round), and entities reporting at entity level. Confidential observations are counted (never shown: measure_status applies row-level security).';
DO $cm$
DECLARE c record;
BEGIN
  FOR c IN SELECT * FROM (VALUES
    ('toolbox_code', 'Toolbox.'), ('measure_code', 'Measure.'), ('title', 'Measure title.'), ('kind', 'Kind of measure.'),
    ('review_theme', 'Theme of the review: risk_management, multi_vendor, cooperation.'), ('reporting_round', 'Reporting round.'),
    ('member_states', 'Member states with a member-state-level observation in the round.'),
    ('legal_none', 'Of them: legal_status none.'), ('legal_in_preparation', 'legal_status in_preparation.'), ('legal_adopted', 'legal_status adopted.'),
    ('not_applied', 'application not_applied.'), ('being_implemented', 'application being_implemented.'), ('applied', 'application applied.'),
    ('restrictions_imposed', 'application restrictions_imposed.'),
    ('entities', 'Entities with an entity-level observation in the round.'),
    ('entities_applied', 'Of them: applied or restrictions_imposed.'),
    ('suppressed', 'Why some counts are NULL: for a role scoped to member states, counts of 1 to supplyrisk.min_cell_size - 1 member states or entities are not shown, nor the smallest other cell of a group (legal statuses, applications) whose total would give such a count away (statistical disclosure control); NULL when nothing is suppressed.')) x(col, txt) LOOP
    EXECUTE pg_catalog.format('COMMENT ON COLUMN @extschema@.measure_progress.%I IS %L', c.col, c.txt);
  END LOOP;
END $cm$;

-- "a -> b (+d)" for the review tables (NULL side: "-")
CREATE OR REPLACE FUNCTION @extschema@.review_change(a numeric, b numeric, digits integer DEFAULT 0) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT COALESCE(x.a::pg_catalog.text, '-') OPERATOR(pg_catalog.||) ' → ' OPERATOR(pg_catalog.||) COALESCE(x.b::pg_catalog.text, '-') OPERATOR(pg_catalog.||)
         CASE WHEN x.a IS NULL OR x.b IS NULL THEN ''
              ELSE ' (' OPERATOR(pg_catalog.||) CASE WHEN x.b OPERATOR(pg_catalog.>=) x.a THEN '+' ELSE '' END
                   OPERATOR(pg_catalog.||) (x.b OPERATOR(pg_catalog.-) x.a)::pg_catalog.text OPERATOR(pg_catalog.||) ')' END
  FROM (SELECT pg_catalog.round($1, $3) AS a, pg_catalog.round($2, $3) AS b) x
$$;
COMMENT ON FUNCTION @extschema@.review_change(numeric, numeric, integer) IS 'A change as the review report prints it: "a → b (+d)", a and b rounded to digits and d their difference; "-" for a missing side.';

-- the snapshot that stands for a reporting round: one labelled with the round, else the one
-- taken nearest the round's last observation (the earlier of two as near)
CREATE OR REPLACE FUNCTION @extschema@.review_round_snapshot(round text) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT COALESCE(
    (SELECT s.snapshot_id FROM @extschema@.snapshot s WHERE s.label OPERATOR(pg_catalog.=) $1
     ORDER BY s.taken_at DESC, s.snapshot_id DESC LIMIT 1),
    (SELECT s.snapshot_id FROM @extschema@.snapshot s
     CROSS JOIN (SELECT pg_catalog.max(p.last_recorded) AS d FROM @extschema@.measure_progress_rows() p
                 WHERE p.reporting_round OPERATOR(pg_catalog.=) $1) r
     WHERE r.d IS NOT NULL
     ORDER BY pg_catalog.abs((s.taken_at AT TIME ZONE 'UTC')::pg_catalog.date OPERATOR(pg_catalog.-) r.d), s.taken_at, s.snapshot_id LIMIT 1))
$$;
COMMENT ON FUNCTION @extschema@.review_round_snapshot(text) IS 'The snapshot review_report compares for a reporting round: the latest labelled with the round, else the one taken nearest the round''s last observation; NULL without snapshots.';

CREATE OR REPLACE FUNCTION @extschema@.review_report(from_round text, to_round text, format text DEFAULT 'markdown') RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  fmt    text := pg_catalog.lower(format);
  rounds text;
  sa     bigint;
  sb     bigint;
  th     record;
  body   text := '';
  t      text;
  m      text;
  snapln text;
  h2     text;
  para   text;
  lab    text[];
  va     float8[];
  vb     float8[];
  mx     float8;
BEGIN
  IF fmt IS NULL OR fmt NOT IN ('markdown', 'html') THEN
    RAISE EXCEPTION 'unknown report format "%"', format USING ERRCODE = 'invalid_parameter_value', HINT = 'Use markdown or html.';
  END IF;
  SELECT pg_catalog.string_agg(DISTINCT p.reporting_round, ', ' ORDER BY p.reporting_round) INTO rounds FROM @extschema@.measure_progress_rows() p;
  FOREACH t IN ARRAY ARRAY[from_round, to_round] LOOP
    IF t IS NULL OR NOT EXISTS (SELECT 1 FROM @extschema@.measure_progress_rows() p WHERE p.reporting_round OPERATOR(pg_catalog.=) t) THEN
      RAISE EXCEPTION 'reporting round "%" does not exist', t USING ERRCODE = 'invalid_parameter_value',
        HINT = CASE WHEN rounds IS NULL THEN 'No measure_status observation is recorded yet.'
                    ELSE pg_catalog.format('Known rounds: %s.', rounds) END;
    END IF;
  END LOOP;
  h2 := CASE WHEN fmt OPERATOR(pg_catalog.=) 'html' THEN E'<section>\n<h2>%s</h2>\n' ELSE E'\n## %s\n\n' END;
  para := CASE WHEN fmt OPERATOR(pg_catalog.=) 'html' THEN E'<p>%s</p>\n' ELSE E'%s\n\n' END;
  sa := @extschema@.review_round_snapshot(from_round);
  sb := @extschema@.review_round_snapshot(to_round);
  snapln := CASE WHEN sa IS NULL OR sb IS NULL
                 THEN 'No snapshot stands for both rounds: concentration and gaps are not compared (take_snapshot at each round, labelled with the round).'
                 ELSE (SELECT pg_catalog.format('Concentration and gaps: snapshot %s (%s, %s) against snapshot %s (%s, %s).',
                              a.snapshot_id, pg_catalog.to_char(a.taken_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), COALESCE(a.label, 'unlabelled'),
                              b.snapshot_id, pg_catalog.to_char(b.taken_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), COALESCE(b.label, 'unlabelled'))
                       FROM @extschema@.snapshot a, @extschema@.snapshot b
                       WHERE a.snapshot_id OPERATOR(pg_catalog.=) sa AND b.snapshot_id OPERATOR(pg_catalog.=) sb) END;

  FOR th IN SELECT * FROM (VALUES (1, 'risk_management', 'Strengthening risk management'),
                                  (2, 'multi_vendor', 'Fostering multi-vendor strategies'),
                                  (3, 'cooperation', 'Enhancing cooperation')) x(i, code, title) ORDER BY 1 LOOP
    body := body OPERATOR(pg_catalog.||) pg_catalog.format(h2, @extschema@.report_escape(th.title, fmt));
    -- measure progress: member states per status in each round and the change (the table rows,
    -- and the chart's labels and counts, from one pass)
    SELECT pg_catalog.string_agg(@extschema@.report_line(ARRAY[
             x.toolbox_code OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) x.code OPERATOR(pg_catalog.||) ' ' OPERATOR(pg_catalog.||) x.title,
             @extschema@.review_change(a.member_states, b.member_states),
             @extschema@.review_change(a.legal_in_preparation, b.legal_in_preparation),
             @extschema@.review_change(a.legal_adopted, b.legal_adopted),
             @extschema@.review_change(a.being_implemented, b.being_implemented),
             @extschema@.review_change(a.applied OPERATOR(pg_catalog.+) a.restrictions_imposed, b.applied OPERATOR(pg_catalog.+) b.restrictions_imposed),
             @extschema@.review_change(a.entities_applied, b.entities_applied)], fmt), E'\n' ORDER BY x.toolbox_code, x.code),
           pg_catalog.array_agg(x.toolbox_code OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) x.code OPERATOR(pg_catalog.||) ' ' OPERATOR(pg_catalog.||) x.title ORDER BY x.toolbox_code, x.code),
           pg_catalog.array_agg(COALESCE(a.legal_adopted, 0)::float8 ORDER BY x.toolbox_code, x.code),
           pg_catalog.array_agg(COALESCE(b.legal_adopted, 0)::float8 ORDER BY x.toolbox_code, x.code),
           GREATEST(pg_catalog.max(a.member_states), pg_catalog.max(b.member_states))::float8
    INTO t, lab, va, vb, mx
    FROM @extschema@.measure x
    LEFT JOIN @extschema@.measure_progress_rows() a ON a.toolbox_code OPERATOR(pg_catalog.=) x.toolbox_code AND a.measure_code OPERATOR(pg_catalog.=) x.code
                                                   AND a.reporting_round OPERATOR(pg_catalog.=) from_round
    LEFT JOIN @extschema@.measure_progress_rows() b ON b.toolbox_code OPERATOR(pg_catalog.=) x.toolbox_code AND b.measure_code OPERATOR(pg_catalog.=) x.code
                                                   AND b.reporting_round OPERATOR(pg_catalog.=) to_round
    WHERE x.review_theme OPERATOR(pg_catalog.=) th.code AND (a.toolbox_code IS NOT NULL OR b.toolbox_code IS NOT NULL);
    IF t IS NULL THEN
      body := body OPERATOR(pg_catalog.||) pg_catalog.format(para, @extschema@.report_escape(
                pg_catalog.format('No measure of this theme has an observation in round %s or %s.', from_round, to_round), fmt));
    ELSE
      IF fmt OPERATOR(pg_catalog.=) 'html' THEN  -- the chart: member states with the legal basis adopted, in each round
        m := @extschema@.report_svg_bars(cid => 'adopted-' OPERATOR(pg_catalog.||) th.code,
               title => pg_catalog.format('%s: legal basis adopted, round %s and round %s', th.title, from_round, to_round),
               description => pg_catalog.format('Member states with the legal basis of each measure of the theme adopted, in round %s and in round %s (counts include confidential observations).', from_round, to_round),
               labels => lab, vals => va, vals2 => vb,
               series => ARRAY['Round ' OPERATOR(pg_catalog.||) from_round, 'Round ' OPERATOR(pg_catalog.||) to_round],
               xmax => GREATEST(5::float8, @extschema@.report_nice_max(mx)), unit => 'Member states', fmt => 'int',
               source => 'measure_status (latest observation per member state and round)');
        body := body OPERATOR(pg_catalog.||) m OPERATOR(pg_catalog.||) E'\n';
      END IF;
      t := @extschema@.report_line(ARRAY['Measure', 'Member states reporting', 'Legal basis in preparation', 'Legal basis adopted',
                                         'Being implemented', 'Applied or restrictions imposed', 'Entities applying'], fmt, true)
           OPERATOR(pg_catalog.||) E'\n' OPERATOR(pg_catalog.||) t;
      body := body OPERATOR(pg_catalog.||) pg_catalog.format(para, @extschema@.report_escape(
                pg_catalog.format('Measure progress, round %s → round %s (member states; change in brackets).', from_round, to_round), fmt))
              OPERATOR(pg_catalog.||) CASE WHEN fmt OPERATOR(pg_catalog.=) 'html' THEN E'<table>\n' OPERATOR(pg_catalog.||) t OPERATOR(pg_catalog.||) E'\n</table>\n'
                                           ELSE t OPERATOR(pg_catalog.||) E'\n\n' END;
    END IF;
    -- the metrics of the theme, per sector and member state, from the two snapshots
    IF th.code OPERATOR(pg_catalog.<>) 'cooperation' AND sa IS NOT NULL AND sb IS NOT NULL THEN
      WITH a AS (SELECT s.sector_code, s.member_state, s.metrics FROM @extschema@.metric_snapshot s
                 WHERE s.snapshot_id OPERATOR(pg_catalog.=) sa AND s.function_code IS NULL),
           b AS (SELECT s.sector_code, s.member_state, s.metrics FROM @extschema@.metric_snapshot s
                 WHERE s.snapshot_id OPERATOR(pg_catalog.=) sb AND s.function_code IS NULL),
           j AS (SELECT COALESCE(a.sector_code, b.sector_code) AS sc, COALESCE(a.member_state, b.member_state) AS ms,
                        COALESCE(a.metrics, '{}'::jsonb) AS am, COALESCE(b.metrics, '{}'::jsonb) AS bm
                 FROM a FULL JOIN b ON a.sector_code OPERATOR(pg_catalog.=) b.sector_code
                                   AND (a.member_state OPERATOR(pg_catalog.=) b.member_state OR (a.member_state IS NULL AND b.member_state IS NULL)))
      SELECT pg_catalog.string_agg(@extschema@.report_line(
               ARRAY[sec.name, COALESCE(j.ms, 'EU')] OPERATOR(pg_catalog.||) CASE WHEN th.code OPERATOR(pg_catalog.=) 'risk_management' THEN ARRAY[
                 @extschema@.review_change((j.am OPERATOR(pg_catalog.->>) 'hrv_share')::numeric OPERATOR(pg_catalog.*) 100, (j.bm OPERATOR(pg_catalog.->>) 'hrv_share')::numeric OPERATOR(pg_catalog.*) 100, 1),
                 @extschema@.review_change((j.am OPERATOR(pg_catalog.->>) 'unassessed_share')::numeric OPERATOR(pg_catalog.*) 100, (j.bm OPERATOR(pg_catalog.->>) 'unassessed_share')::numeric OPERATOR(pg_catalog.*) 100, 1),
                 @extschema@.review_change((j.am OPERATOR(pg_catalog.->>) 'contract_gap_edges')::numeric, (j.bm OPERATOR(pg_catalog.->>) 'contract_gap_edges')::numeric)]
               ELSE ARRAY[
                 @extschema@.review_change((j.am OPERATOR(pg_catalog.->>) 'hhi')::numeric, (j.bm OPERATOR(pg_catalog.->>) 'hhi')::numeric),
                 @extschema@.review_change((j.am OPERATOR(pg_catalog.->>) 'cr4')::numeric OPERATOR(pg_catalog.*) 100, (j.bm OPERATOR(pg_catalog.->>) 'cr4')::numeric OPERATOR(pg_catalog.*) 100, 1),
                 @extschema@.review_change((j.am OPERATOR(pg_catalog.->>) 'effective_suppliers')::numeric, (j.bm OPERATOR(pg_catalog.->>) 'effective_suppliers')::numeric, 1),
                 @extschema@.review_change((j.am OPERATOR(pg_catalog.->>) 'gaps')::numeric, (j.bm OPERATOR(pg_catalog.->>) 'gaps')::numeric)] END, fmt),
               E'\n' ORDER BY sec.name, j.ms NULLS FIRST)
      INTO m
      FROM j JOIN @extschema@.sector sec ON sec.code OPERATOR(pg_catalog.=) j.sc
      -- rows with supply in either snapshot (a sector without data has nothing to compare)
      WHERE COALESCE((j.am OPERATOR(pg_catalog.->>) 'weight')::float8, 0::float8) OPERATOR(pg_catalog.>) 0::float8
         OR COALESCE((j.bm OPERATOR(pg_catalog.->>) 'weight')::float8, 0::float8) OPERATOR(pg_catalog.>) 0::float8;
      IF m IS NULL THEN
        body := body OPERATOR(pg_catalog.||) pg_catalog.format(para, @extschema@.report_escape(snapln OPERATOR(pg_catalog.||) ' They hold no sector row with supply that you may see.', fmt));
      ELSE
        m := @extschema@.report_line(CASE WHEN th.code OPERATOR(pg_catalog.=) 'risk_management'
                                          THEN ARRAY['Sector', 'Member state', 'High-risk %', 'Unassessed %', 'Contract gap edges']
                                          ELSE ARRAY['Sector', 'Member state', 'HHI', 'CR4 %', 'Effective suppliers', 'Multi-vendor gaps'] END, fmt, true)
             OPERATOR(pg_catalog.||) E'\n' OPERATOR(pg_catalog.||) m;
        body := body OPERATOR(pg_catalog.||) pg_catalog.format(para, @extschema@.report_escape(snapln, fmt))
                OPERATOR(pg_catalog.||) CASE WHEN fmt OPERATOR(pg_catalog.=) 'html' THEN E'<table>\n' OPERATOR(pg_catalog.||) m OPERATOR(pg_catalog.||) E'\n</table>\n'
                                             ELSE m OPERATOR(pg_catalog.||) E'\n' END;
      END IF;
    ELSIF th.code OPERATOR(pg_catalog.<>) 'cooperation' THEN
      body := body OPERATOR(pg_catalog.||) pg_catalog.format(para, @extschema@.report_escape(snapln, fmt));
    END IF;
    IF fmt OPERATOR(pg_catalog.=) 'html' THEN
      body := body OPERATOR(pg_catalog.||) E'</section>\n';
    END IF;
  END LOOP;
  t := pg_catalog.format('One-year review: round %s to round %s', from_round, to_round);
  IF fmt OPERATOR(pg_catalog.=) 'html' THEN
    RETURN @extschema@.report_html_document(t, pg_catalog.format(E'<h1>%s</h1>\n%s', @extschema@.report_escape(t, 'html'), pg_catalog.rtrim(body, E'\n')));
  END IF;
  RETURN pg_catalog.format(E'# %s\n%s', @extschema@.report_escape(t, 'markdown'), pg_catalog.rtrim(body, E'\n') OPERATOR(pg_catalog.||) E'\n');
END
$$;
COMMENT ON FUNCTION @extschema@.review_report(text, text, text) IS
  'The one-year review as Markdown or HTML text, by theme (risk management, multi-vendor strategies, cooperation): measure progress between two reporting rounds (member states per status in each round and the change; confidential observations counted, never shown) and, from the snapshots standing for the rounds (review_round_snapshot), the change in high-risk share, unassessed share and contract gaps, or in HHI, CR4, effective suppliers and multi-vendor gaps, per sector and member state.';
