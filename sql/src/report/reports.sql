-- Reports: a sector, or the EU dashboard, as Markdown or HTML text.

-- Reports: a sector (or the EU dashboard) as Markdown or HTML text
-- Text from data, made inert for a report format. Every format: line breaks become spaces, and
-- C0 and C1 control characters and the Unicode bidirectional controls (U+200E, U+200F,
-- U+202A to U+202E, U+2066 to U+2069) are removed, so a name cannot reorder the text around it
-- (report_svg_text adds its own isolates around the whole name). html: & < > " ' as entities.
-- markdown: what CommonMark/GFM could read as markup is backslash-escaped: \ ` * _ { } [ ] < > |
-- ~ & everywhere (links and images need [ ], inline HTML < >, emphasis * _ ~, code `, table
-- cells |, entities &), the colon of scheme:// and the dot of www. (autolinks), and a leading
-- # + - > or "1." / "1)" (headings, lists, quotes); an @ gets a zero-width space before it (GFM
-- links e-mail addresses whatever their escapes). So text from data renders as literal text,
-- while ( ) : . , % and digits elsewhere stay as they are.
CREATE OR REPLACE FUNCTION @extschema@.report_escape(v text, format text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN $2 OPERATOR(pg_catalog.=) 'html' THEN
           pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
             t.plain, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&#39;')
         ELSE
           pg_catalog.regexp_replace(pg_catalog.regexp_replace(pg_catalog.regexp_replace(pg_catalog.regexp_replace(
             pg_catalog.replace(pg_catalog.regexp_replace(t.plain, '([\\`*_{}\[\]<>|~&])', '\\\1', 'g'),  -- inline markup, HTML, entities, cells
                                '@', pg_catalog.chr(8203) OPERATOR(pg_catalog.||) '@'),             -- e-mail autolinks (no escape stops them)
             '([A-Za-z0-9]):(//)', '\1\\:\2', 'g'),                                   -- scheme:// autolinks
             '(www)\.', '\1\\.', 'gi'),                                                -- www. autolinks
             '^(>|(#{1,6}|[+-])(\s|$))', '\\\1'),                                     -- a quote, heading or list at the start
             '^([0-9]{1,9})([.)])(\s|$)', '\1\\\2\3')                                  -- an ordered list at the start
         END
  FROM (SELECT pg_catalog.regexp_replace(pg_catalog.regexp_replace(COALESCE($1, ''), '[\r\n]+', ' ', 'g'),
                                         '[\x01-\x1F\x7F-\x9F\u200E\u200F\u202A-\u202E\u2066-\u2069]', '', 'g') AS plain) t
$$;
COMMENT ON FUNCTION @extschema@.report_escape(text, text) IS 'Text from data made inert for a report format: line breaks as spaces, control and bidirectional-control characters removed; markdown: every character CommonMark/GFM could read as markup backslash-escaped; html: & < > " '' as entities.';

CREATE OR REPLACE FUNCTION @extschema@.report_line(cells text[], format text, header boolean DEFAULT false) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN $2 OPERATOR(pg_catalog.=) 'html' THEN
           '<tr>' OPERATOR(pg_catalog.||) pg_catalog.string_agg(
             pg_catalog.format(CASE WHEN $3 THEN '<th>%s</th>' ELSE '<td>%s</td>' END, @extschema@.report_escape(c.v, $2)),
             '' ORDER BY c.i) OPERATOR(pg_catalog.||) '</tr>'
         ELSE
           '| ' OPERATOR(pg_catalog.||) pg_catalog.string_agg(@extschema@.report_escape(c.v, $2), ' | ' ORDER BY c.i)
           OPERATOR(pg_catalog.||) ' |'
           OPERATOR(pg_catalog.||) CASE WHEN $3 THEN E'\n|' OPERATOR(pg_catalog.||) pg_catalog.repeat('---|', pg_catalog.count(*)::integer) ELSE '' END
         END
  FROM pg_catalog.unnest($1) WITH ORDINALITY c(v, i)
$$;
COMMENT ON FUNCTION @extschema@.report_line(text[], text, boolean) IS 'One table row of a report (a header row when header), each cell escaped with report_escape.';

CREATE OR REPLACE FUNCTION @extschema@.sector_report(sector text DEFAULT NULL, format text DEFAULT 'markdown') RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  fmt   text := pg_catalog.lower(format);
  title text;
  src   text;
  t1    text;
  t2    text := NULL;
  t2_title text;
  t2_note  text;
  notice text;
  findings text;
  pct   CONSTANT text := 'FM990.0';
BEGIN
  IF fmt IS NULL OR fmt NOT IN ('markdown', 'html') THEN
    RAISE EXCEPTION 'unknown report format "%"', format USING ERRCODE = 'invalid_parameter_value',
      HINT = 'Use markdown or html.';
  END IF;
  IF sector IS NOT NULL THEN
    SELECT s.name INTO title FROM @extschema@.sector s WHERE s.code OPERATOR(pg_catalog.=) sector;
    IF title IS NULL THEN
      RAISE EXCEPTION 'unknown sector "%"', sector USING ERRCODE = 'invalid_parameter_value',
        HINT = 'The sector codes are listed in supplyrisk.sector.';
    END IF;
  ELSE
    title := 'EU overview of the NIS2 sectors';
  END IF;
  SELECT CASE r.source WHEN 'rollup' THEN pg_catalog.format('rollups of %s (supply valid on %s, methodology %s)',
                                            pg_catalog.to_char(r.refreshed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"'),
                                            pg_catalog.to_char(r.as_of, 'YYYY-MM-DD'), r.methodology)
         ELSE pg_catalog.format('computed live (supply valid on %s, methodology %s)', pg_catalog.to_char(CURRENT_DATE, 'YYYY-MM-DD'),
                                @extschema@.methodology_name(NULL)) END
  INTO src FROM @extschema@.rollup_status r;

  SELECT @extschema@.report_line(ARRAY[CASE WHEN sector IS NULL THEN 'Sector' ELSE 'Member state' END, 'Entities',
           'Supplier groups', 'HHI', 'CR4 %', 'Effective suppliers', 'High-risk %', 'Non-EU %',
           'Single-supplier critical', 'Level'], fmt, true)
         OPERATOR(pg_catalog.||) E'\n' OPERATOR(pg_catalog.||)
         COALESCE(pg_catalog.string_agg(@extschema@.report_line(ARRAY[
           CASE WHEN sector IS NULL THEN o.sector_name ELSE COALESCE(o.member_state, 'EU') END,
           o.entities::text, o.suppliers::text, pg_catalog.round(o.hhi::numeric, 0)::text,
           pg_catalog.to_char(o.cr4 OPERATOR(pg_catalog.*) 100, pct), pg_catalog.round(o.effective_suppliers::numeric, 1)::text,
           pg_catalog.to_char(o.hrv_share OPERATOR(pg_catalog.*) 100, pct), pg_catalog.to_char(o.non_eu_share OPERATOR(pg_catalog.*) 100, pct),
           o.single_supplier_critical::text, o.concentration_level], fmt), E'\n'
           ORDER BY o.member_state IS NOT NULL, o.hhi DESC NULLS LAST, o.sector_code, o.member_state), '')  -- EU-wide first, then by concentration
  INTO t1
  FROM @extschema@.sector_overview o
  WHERE CASE WHEN sector IS NULL THEN o.member_state IS NULL ELSE o.sector_code OPERATOR(pg_catalog.=) sector END;

  IF sector IS NOT NULL THEN
    SELECT @extschema@.report_line(ARRAY['ICT function', 'Criticality', 'Entities', 'Supplier groups', 'HHI', 'CR1 %',
             'High-risk %', 'Non-EU %', 'Single-supplier entities', 'Largest suppliers'], fmt, true)
           OPERATOR(pg_catalog.||) E'\n' OPERATOR(pg_catalog.||)
           COALESCE(pg_catalog.string_agg(@extschema@.report_line(ARRAY[
             f.function_name, f.criticality, f.entities::text, f.suppliers::text, pg_catalog.round(f.hhi::numeric, 0)::text,
             pg_catalog.to_char(f.cr1 OPERATOR(pg_catalog.*) 100, pct), pg_catalog.to_char(f.hrv_share OPERATOR(pg_catalog.*) 100, pct),
             pg_catalog.to_char(f.non_eu_share OPERATOR(pg_catalog.*) 100, pct), f.single_supplier_entities::text, f.top_suppliers], fmt), E'\n'
             ORDER BY f.hrv_share DESC NULLS LAST, f.hhi DESC NULLS LAST, f.function_code), '')  -- by concern
    INTO t2
    FROM @extschema@.sector_function_rows(sector, false) f
    WHERE f.member_state IS NULL;
  ELSE
    -- the EU overview: the systemic dependencies, every sector pooled per ICT function
    SELECT @extschema@.report_line(ARRAY['ICT function', 'Criticality', 'Systemic score', 'Sectors', 'Entities', 'HHI', 'Level',
             'Largest supplier group', 'Its share %', 'Sectors it supplies'], fmt, true)
           OPERATOR(pg_catalog.||) E'\n' OPERATOR(pg_catalog.||)
           COALESCE(pg_catalog.string_agg(@extschema@.report_line(ARRAY[
             d.function_name, d.criticality, pg_catalog.round(d.systemic_score::numeric, 2)::text, d.sectors::text, d.entities::text,
             pg_catalog.round(d.hhi::numeric, 0)::text,
             d.concentration_level, d.top_group, pg_catalog.to_char(d.top_group_share OPERATOR(pg_catalog.*) 100, pct),
             d.top_group_sectors::text], fmt), E'\n' ORDER BY d.rank), '')
    INTO t2
    FROM @extschema@.systemic_dependencies(10) d;
  END IF;

  IF sector IS NOT NULL THEN
    t2_title := 'ICT functions, EU-wide';
  ELSE
    t2_title := 'Systemic dependencies: ICT functions across sectors';
    t2_note := 'The ICT functions on which the most sectors depend on one supplier group: ranked by the systemic score, the sum over the sectors of the share the function''s largest group (every sector and member state pooled) holds there (18 sectors all held by one group: 18), with that group, its share, the sectors it supplies and the HHI. One group behind the same function in many sectors is a dependency no sector view shows.';
  END IF;
  -- stale rollups are said so, in both formats
  SELECT CASE WHEN r.source OPERATOR(pg_catalog.=) 'live' THEN NULL
                WHEN r.pending_changes OPERATOR(pg_catalog.>) 0 THEN pg_catalog.format('The data changed after the rollups were computed (%s, for the supply valid on %s): %s changes recorded since %s are not in this report. Run CALL supplyrisk.refresh() (or schedule it) for current figures.',
                                                       pg_catalog.to_char(r.refreshed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"'), pg_catalog.to_char(r.as_of, 'YYYY-MM-DD'),
                                                       r.pending_changes, pg_catalog.to_char(r.changed_since AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"'))
                WHEN r.outdated THEN pg_catalog.format('The rollups are from %s, for the supply valid on %s: data recorded since are not in this report. Run CALL supplyrisk.refresh() (or schedule it) for current figures.',
                                                       pg_catalog.to_char(r.refreshed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"'), pg_catalog.to_char(r.as_of, 'YYYY-MM-DD'))
                WHEN r.stale_members IS NOT NULL AND pg_catalog.cardinality(r.stale_members) OPERATOR(pg_catalog.>) 0
                  THEN pg_catalog.format('Federation members %s could not be reached at the last refresh: their figures are from an earlier pull.',
                                         pg_catalog.array_to_string(r.stale_members, ', ')) END
  INTO notice FROM @extschema@.rollup_status r;
  -- what matters first: the three most concerning findings, by rule
  SELECT pg_catalog.string_agg(CASE WHEN fmt OPERATOR(pg_catalog.=) 'html'
                                    THEN pg_catalog.format('<li>%s <span class="source">(%s)</span></li>', @extschema@.report_escape(x.finding, 'html'), x.source)
                                    ELSE pg_catalog.format('%s. %s (%s)', x.rank, @extschema@.report_escape(x.finding, 'markdown'), x.source) END,
                               E'\n' ORDER BY x.rank)
  INTO findings FROM @extschema@.report_findings(sector) x;
  IF fmt OPERATOR(pg_catalog.=) 'html' THEN
    -- a self-contained document: the findings, the charts, then the tables
    RETURN @extschema@.report_html_document(title,
             pg_catalog.format(E'<h1>%s</h1>\n<p class="source">Source: %s.</p>\n%s%s%s%s%s',
               @extschema@.report_escape(title, 'html'), @extschema@.report_escape(src, 'html'),
               CASE WHEN notice IS NULL THEN '' ELSE pg_catalog.format(E'<p class="notice">%s</p>\n', @extschema@.report_escape(notice, 'html')) END,
               @extschema@.report_section('Key findings', CASE WHEN findings IS NULL THEN '<p>No finding: no supply visible.</p>'
                                                               ELSE pg_catalog.format(E'<ol>\n%s\n</ol>', findings) END, NULL),
               @extschema@.sector_report_charts(sector, src),
               @extschema@.report_section(CASE WHEN sector IS NULL THEN 'Sectors, EU-wide' ELSE 'Member states' END,
                                          pg_catalog.format(E'<table>\n%s\n</table>', t1), NULL),
               @extschema@.report_section(t2_title, pg_catalog.format(E'%s<table>\n%s\n</table>',
                 CASE WHEN t2_note IS NULL THEN '' ELSE pg_catalog.format(E'<p>%s</p>\n', @extschema@.report_escape(t2_note, 'html')) END, t2), NULL)));
  END IF;
  RETURN pg_catalog.format(E'# %s\n\nSource: %s.\n\n%s## Key findings\n\n%s\n\n%s\n\n## %s\n\n%s%s\n', @extschema@.report_escape(title, 'markdown'), src,
           CASE WHEN notice IS NULL THEN '' ELSE pg_catalog.format(E'> **Note:** %s\n\n', @extschema@.report_escape(notice, 'markdown')) END,
           COALESCE(findings, 'No finding: no supply visible.'), t1,
           t2_title, CASE WHEN t2_note IS NULL THEN '' ELSE t2_note OPERATOR(pg_catalog.||) E'\n\n' END, t2);
END
$$;
COMMENT ON FUNCTION @extschema@.sector_report(text, text) IS
  'A report as Markdown or HTML: one sector (member states, EU-wide ICT functions) or, with sector NULL, the EU overview of all sectors and its systemic dependencies (systemic_dependencies: the most concentrated ICT functions across sectors); read from the same source as the dashboard views. html: a self-contained document with inline SVG charts (sector_report_charts), a notice when the rollups are outdated, printable on A4.';
