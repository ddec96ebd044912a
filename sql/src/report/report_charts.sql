-- Reports people look at (issue 16): inline SVG charts and the self-contained HTML document
-- around them. No script, no external resource; every chart has a <title> and a <desc> (its
-- text alternative), axis labels with units and its source line; colours from the Okabe-Ito
-- palette (colour-blind safe); names escaped, isolated for right-to-left text, cut to fit.

-- A name or label as SVG or HTML text: escaped (& < > " '), cut to maxlen characters with an
-- ellipsis (0: not cut), between Unicode isolates (FSI ... PDI) so that right-to-left names do
-- not reorder the text around them.
CREATE OR REPLACE FUNCTION @extschema@.report_svg_text(v text, maxlen integer DEFAULT 0) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT pg_catalog.chr(8296) OPERATOR(pg_catalog.||)
         @extschema@.report_escape(CASE WHEN $2 OPERATOR(pg_catalog.>) 0 AND pg_catalog.length(COALESCE($1, '')) OPERATOR(pg_catalog.>) $2
                                        THEN pg_catalog.left($1, $2 OPERATOR(pg_catalog.-) 1) OPERATOR(pg_catalog.||) pg_catalog.chr(8230)
                                        ELSE COALESCE($1, '') END, 'html')
         OPERATOR(pg_catalog.||) pg_catalog.chr(8297)
$$;
COMMENT ON FUNCTION @extschema@.report_svg_text(text, integer) IS 'Text for an SVG chart or HTML report: escaped, cut to maxlen characters with an ellipsis (0: whole), isolated for right-to-left text (U+2068 ... U+2069).';

-- A number as a chart prints it: 'int' (rounded), 'pct' (a share 0..1 as percent, one decimal)
CREATE OR REPLACE FUNCTION @extschema@.report_number(v float8, fmt text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN $1 IS NULL THEN 'n/a'
              WHEN $2 OPERATOR(pg_catalog.=) 'pct' THEN pg_catalog.round(($1 OPERATOR(pg_catalog.*) 100)::numeric, 1)::pg_catalog.text OPERATOR(pg_catalog.||) '%'
              ELSE pg_catalog.round($1::numeric, 0)::pg_catalog.text END
$$;
COMMENT ON FUNCTION @extschema@.report_number(float8, text) IS 'A value as charts print it: int (rounded) or pct (a 0..1 share in percent, one decimal); n/a for NULL.';

-- The bands of a concentration guideline in words, from concentration_bands (the one place
-- they are written): 'low below 1,000; moderate 1,000 to 2,000; high above 2,000', or with
-- whole => false only the lowest and the highest band ('low below 1,000, high above 2,000').
CREATE OR REPLACE FUNCTION @extschema@.report_bands_text(guideline text, whole boolean DEFAULT true) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  last integer;
BEGIN
  SELECT max(b.band) INTO last FROM @extschema@.concentration_bands(guideline => guideline) b;
  RETURN (SELECT string_agg(CASE WHEN b.band = 1 THEN b.level || ' below ' || to_char(b.hhi_to, 'FM99,999')
                                 WHEN b.band = last THEN b.level || ' above ' || to_char(b.hhi_from, 'FM99,999')
                                 ELSE b.level || ' ' || to_char(b.hhi_from, 'FM99,999') || ' to ' || to_char(b.hhi_to, 'FM99,999') END,
                            CASE WHEN whole THEN '; ' ELSE ', ' END ORDER BY b.band)
          FROM @extschema@.concentration_bands(guideline => guideline) b
          WHERE whole OR b.band IN (1, last));
END
$$;
COMMENT ON FUNCTION @extschema@.report_bands_text(text, boolean) IS 'The bands of a concentration guideline in words for reports, from concentration_bands: all of them (whole, the default) or the lowest and the highest.';

-- (The PL/pgSQL chart functions pin search_path = pg_catalog, pg_temp, so their plain operators
-- are pg_catalog's and keep their precedence; OPERATOR() would make every operator left-associative.)

-- A horizontal bar chart: one row per label, one or two series (vals2 NULL: one), values from
-- 0 to xmax; zones: the eu2004 concentration bands (HHI) drawn behind the bars. The height
-- grows with the rows (20 px each), so 27 member states or long names never overlap.
CREATE OR REPLACE FUNCTION @extschema@.report_svg_bars(cid text, title text, description text, labels text[], vals float8[],
                                            vals2 float8[], series text[], xmax float8, unit text, fmt text,
                                            source text, zones boolean DEFAULT false) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  w   CONSTANT integer := 760;
  l   CONSTANT integer := 250;   -- label column
  pw  CONSTANT integer := 430;   -- plot width
  rh  CONSTANT integer := 20;    -- row height
  t   CONSTANT integer := 52;    -- title, legend
  n   integer := COALESCE(pg_catalog.cardinality(labels), 0);
  h   integer;
  xm  float8 := CASE WHEN xmax IS NULL OR xmax <= 0 THEN 1 ELSE xmax END;
  out text;
  i   integer;
  y   integer;
  bw  float8;
  two boolean := vals2 IS NOT NULL;
  col CONSTANT text[] := ARRAY['#0072B2', '#E69F00'];
  z   record;
BEGIN
  h := t + n * rh + 58;
  out := pg_catalog.format('<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="%1$s-t %1$s-d" width="%2$s" height="%3$s" viewBox="0 0 %2$s %3$s" font-family="DejaVu Sans, Arial, sans-serif" font-size="11">'
                           '<title id="%1$s-t">%4$s</title><desc id="%1$s-d">%5$s</desc>'
                           '<text x="0" y="16" font-size="14" font-weight="bold">%4$s</text>',
                           cid, w, h, @extschema@.report_svg_text(title), @extschema@.report_svg_text(description));
  IF zones THEN  -- the eu2004 bands (concentration_bands), lightest fill lowest
    FOR z IN SELECT b.hhi_from AS a, b.hhi_to AS b, b.level AS name, (ARRAY['#E3F1E8', '#FBF0D5', '#F7DDD3'])[b.band] AS fill
             FROM @extschema@.concentration_bands(guideline => 'eu2004') b ORDER BY b.band LOOP
      IF z.a < xm THEN
        out := out || pg_catalog.format(
          '<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/><text x="%s" y="%s" font-size="8" fill="#555">%s</text>',
          pg_catalog.round((l + pw * z.a / xm)::numeric, 1), t - 4,
          pg_catalog.round((pw * (LEAST(z.b, xm) - z.a) / xm)::numeric, 1),
          n * rh + 4, z.fill,
          pg_catalog.round((l + 3 + pw * z.a / xm)::numeric, 1), t - 7,
          z.name);
      END IF;
    END LOOP;
  END IF;
  IF zones THEN
    out := out || pg_catalog.format('<text x="%s" y="33" font-size="9" fill="#555">Bands (EU 2004 guidelines): %s</text>', l,
                                    @extschema@.report_bands_text(guideline => 'eu2004'));
  END IF;
  IF two THEN  -- legend
    out := out || pg_catalog.format(
      '<rect x="%s" y="24" width="10" height="10" fill="%s"/><text x="%s" y="33">%s</text><rect x="%s" y="24" width="10" height="10" fill="%s"/><text x="%s" y="33">%s</text>',
      l, col[1], l + 14, @extschema@.report_svg_text(series[1], 30),
      l + 220, col[2], l + 234, @extschema@.report_svg_text(series[2], 30));
  END IF;
  -- grid, ticks and their values
  FOR i IN 0..5 LOOP
    out := out || pg_catalog.format(
      '<line x1="%1$s" y1="%2$s" x2="%1$s" y2="%3$s" stroke="#BBBBBB" stroke-width="0.5"/><text x="%1$s" y="%4$s" text-anchor="middle" font-size="9">%5$s</text>',
      pg_catalog.round((l + pw * i / 5.0)::numeric, 1), t,
      t + n * rh, t + n * rh + 13,
      @extschema@.report_number(xm * i / 5.0, fmt));
  END LOOP;
  out := out || pg_catalog.format(
    '<text x="%s" y="%s" text-anchor="middle" font-size="10">%s</text>',
    l + pw / 2, t + n * rh + 28, @extschema@.report_svg_text(unit));
  -- the rows
  FOR i IN 1..n LOOP
    y := t + (i - 1) * rh;
    out := out || pg_catalog.format(
      '<g><title>%s</title><text x="%s" y="%s" text-anchor="end">%s</text>',
      @extschema@.report_svg_text(labels[i] || ': ' || @extschema@.report_number(vals[i], fmt)
                                  || CASE WHEN two THEN ', ' || @extschema@.report_number(vals2[i], fmt) ELSE '' END),
      l - 6, y + 14, @extschema@.report_svg_text(labels[i], 38));
    bw := pw * LEAST(GREATEST(COALESCE(vals[i], 0), 0), xm) / xm;
    out := out || pg_catalog.format(
      '<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/><text x="%s" y="%s" font-size="9">%s</text>',
      l, y + CASE WHEN two THEN 2 ELSE 4 END, pg_catalog.round(bw::numeric, 1), CASE WHEN two THEN 8 ELSE 12 END, col[1],
      pg_catalog.round((l + bw + 3)::numeric, 1), y + CASE WHEN two THEN 9 ELSE 14 END,
      @extschema@.report_number(vals[i], fmt));
    IF two THEN
      bw := pw * LEAST(GREATEST(COALESCE(vals2[i], 0), 0), xm) / xm;
      out := out || pg_catalog.format(
        '<rect x="%s" y="%s" width="%s" height="8" fill="%s"/><text x="%s" y="%s" font-size="9">%s</text>',
        l, y + 11, pg_catalog.round(bw::numeric, 1), col[2],
        pg_catalog.round((l + bw + 3)::numeric, 1), y + 18,
        @extschema@.report_number(vals2[i], fmt));
    END IF;
    out := out || '</g>';
  END LOOP;
  out := out || pg_catalog.format('<text x="0" y="%s" font-size="9" fill="#555">Source: %s</text></svg>',
                                                       h - 6, @extschema@.report_svg_text(source, 130));
  RETURN out;
END
$$;
COMMENT ON FUNCTION @extschema@.report_svg_bars(text, text, text, text[], float8[], float8[], text[], float8, text, text, text, boolean) IS
  'An inline SVG horizontal bar chart (id cid): title and desc, one row per label (names cut to 38 characters, whole in the row''s title), one or two series with a legend, ticks and an axis label with the unit, the eu2004 concentration bands behind HHI bars (zones), the source line.';

-- A round upper bound for an axis: 1, 2 or 5 times a power of ten, at least v
CREATE OR REPLACE FUNCTION @extschema@.report_nice_max(v float8) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN $1 IS NULL OR $1 OPERATOR(pg_catalog.<=) 0 THEN 1::pg_catalog.float8
              ELSE (SELECT pg_catalog.min(m OPERATOR(pg_catalog.*) p) FROM (SELECT pg_catalog.power(10::pg_catalog.float8, pg_catalog.floor(pg_catalog.log($1)))) x(p),
                           (VALUES (1::pg_catalog.float8), (2), (5), (10)) y(m)
                    WHERE m OPERATOR(pg_catalog.*) p OPERATOR(pg_catalog.>=) $1) END
$$;
COMMENT ON FUNCTION @extschema@.report_nice_max(float8) IS 'A round axis maximum for a value: the least of 1, 2, 5 or 10 times a power of ten that is at least v (1 for NULL or v <= 0).';

-- A line chart of one series over labelled points (snapshots), values from 0 to ymax
CREATE OR REPLACE FUNCTION @extschema@.report_svg_line(cid text, title text, description text, xlabels text[], vals float8[],
                                            ymax float8, unit text, fmt text, source text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  w   CONSTANT integer := 760;
  l   CONSTANT integer := 70;
  pw  CONSTANT integer := 650;
  t   CONSTANT integer := 36;
  ph  CONSTANT integer := 200;
  h   CONSTANT integer := 36 + 200 + 64;
  n   integer := COALESCE(pg_catalog.cardinality(vals), 0);
  ym  float8 := CASE WHEN ymax IS NULL OR ymax <= 0 THEN 1 ELSE ymax END;
  out text;
  pts text := '';
  i   integer;
  x   float8;
  y   float8;
  every integer := GREATEST(1, pg_catalog.ceil(n / 8.0)::integer);
BEGIN
  out := pg_catalog.format('<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="%1$s-t %1$s-d" width="%2$s" height="%3$s" viewBox="0 0 %2$s %3$s" font-family="DejaVu Sans, Arial, sans-serif" font-size="11">'
                           '<title id="%1$s-t">%4$s</title><desc id="%1$s-d">%5$s</desc>'
                           '<text x="0" y="16" font-size="14" font-weight="bold">%4$s</text>',
                           cid, w, h, @extschema@.report_svg_text(title), @extschema@.report_svg_text(description));
  FOR i IN 0..4 LOOP
    y := t + ph - ph * i / 4.0;
    out := out || pg_catalog.format(
      '<line x1="%1$s" y1="%2$s" x2="%3$s" y2="%2$s" stroke="#BBBBBB" stroke-width="0.5"/><text x="%4$s" y="%5$s" text-anchor="end" font-size="9">%6$s</text>',
      l, pg_catalog.round(y::numeric, 1), l + pw, l - 4, pg_catalog.round((y + 3)::numeric, 1),
      @extschema@.report_number(ym * i / 4.0, fmt));
  END LOOP;
  out := out || pg_catalog.format(
    '<text x="12" y="%s" text-anchor="middle" font-size="10" transform="rotate(-90 12 %s)">%s</text>',
    t + ph / 2, t + ph / 2, @extschema@.report_svg_text(unit));
  FOR i IN 1..n LOOP
    x := l + CASE WHEN n = 1 THEN pw / 2.0
                                       ELSE pw * (i - 1) / (n - 1)::float8 END;
    y := t + ph - ph * LEAST(GREATEST(COALESCE(vals[i], 0), 0), ym) / ym;
    pts := pts || pg_catalog.format('%s,%s ', pg_catalog.round(x::numeric, 1), pg_catalog.round(y::numeric, 1));
    out := out || pg_catalog.format('<circle cx="%s" cy="%s" r="3" fill="#D55E00"><title>%s</title></circle>',
             pg_catalog.round(x::numeric, 1), pg_catalog.round(y::numeric, 1),
             @extschema@.report_svg_text(xlabels[i] || ': ' || @extschema@.report_number(vals[i], fmt)));
    IF (i - 1) % every = 0 OR i = n THEN
      out := out || pg_catalog.format('<text x="%s" y="%s" text-anchor="middle" font-size="9">%s</text>',
               pg_catalog.round(x::numeric, 1), t + ph + 14, @extschema@.report_svg_text(xlabels[i], 16));
    END IF;
  END LOOP;
  out := out || pg_catalog.format('<polyline points="%s" fill="none" stroke="#D55E00" stroke-width="2"/>', pg_catalog.rtrim(pts))
         || pg_catalog.format('<text x="%s" y="%s" text-anchor="middle" font-size="10">Snapshot (date taken)</text>',
                                                   l + pw / 2, t + ph + 32)
         || pg_catalog.format('<text x="0" y="%s" font-size="9" fill="#555">Source: %s</text></svg>',
                                                   h - 6, @extschema@.report_svg_text(source, 130));
  RETURN out;
END
$$;
COMMENT ON FUNCTION @extschema@.report_svg_line(text, text, text, text[], float8[], float8, text, text, text) IS
  'An inline SVG line chart (id cid): title and desc, one point per label (at most eight labels printed, every point titled), the value axis with its unit, the source line.';

-- The self-contained HTML document of a report: inline CSS (screen and A4 print: each section
-- on a page of its own), no script, no external resource.
CREATE OR REPLACE FUNCTION @extschema@.report_html_document(title text, body text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT pg_catalog.format(E'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>%s</title>\n<style>\n'
    'body{font-family:"DejaVu Sans",Arial,sans-serif;font-size:12px;color:#222;margin:24px;max-width:1000px}\n'
    'h1{font-size:20px;margin:0 0 4px}h2{font-size:15px;margin:18px 0 6px}\n'
    'table{border-collapse:collapse;font-size:11px;margin:4px 0}th,td{border:1px solid #BBB;padding:2px 6px;text-align:left}th{background:#EEE}\n'
    '.source{color:#555;font-size:11px}.notice{border-left:4px solid #D55E00;background:#FDF0E6;padding:4px 8px}\n'
    '.empty{color:#555;font-style:italic}svg{display:block;max-width:100%%;height:auto}\n'
    '@page{size:A4;margin:12mm}\n'
    '@media print{body{margin:0;max-width:none}section{break-before:page}section:first-of-type{break-before:auto}'
    'svg,tr{break-inside:avoid}}\n'
    '</style>\n</head>\n<body>\n%s\n</body>\n</html>\n',
    @extschema@.report_escape($1, 'html'), $2)
$$;
COMMENT ON FUNCTION @extschema@.report_html_document(text, text) IS 'A self-contained HTML5 report around its body: inline CSS (A4 print, each section on its own page), no script, no external resource.';

-- "<section><h2>heading</h2>content</section>", or the reason it is empty
CREATE OR REPLACE FUNCTION @extschema@.report_section(heading text, content text, empty_reason text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT pg_catalog.format(E'<section>\n<h2>%s</h2>\n%s\n</section>\n', @extschema@.report_escape($1, 'html'),
           COALESCE($2, pg_catalog.format('<p class="empty">%s</p>', @extschema@.report_escape($3, 'html'))))
$$;
COMMENT ON FUNCTION @extschema@.report_section(text, text, text) IS 'A section of an HTML report: its heading and content, or a paragraph saying why it is empty.';

-- The chart sections of sector_report (one sector, or the EU overview with sector NULL), from
-- the rows the dashboard views read (rollups, or live before the first refresh) and the
-- snapshots; each chart from the rows the caller may see (row-level security).
CREATE OR REPLACE FUNCTION @extschema@.sector_report_charts(sector text, source text) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  eu   boolean := sector IS NULL;
  lab  text[];
  v1   float8[];
  v2   float8[];
  gm   @extschema@.supply_mix;
  cm   @extschema@.supply_mix;
  out  text := '';
  none text := CASE WHEN sector IS NULL THEN 'No supply is recorded in any sector you may see: there is nothing to chart.'
                    ELSE 'No supply is recorded for this sector in the member states you may see: there is nothing to chart.' END;
  what text := CASE WHEN sector IS NULL THEN 'all sectors' ELSE 'the sector' END;
BEGIN
  -- concentration: by member state (a sector) or by sector (the EU overview)
  IF eu THEN
    SELECT pg_catalog.array_agg(o.sector_name ORDER BY o.hhi DESC, o.sector_code), pg_catalog.array_agg(o.hhi ORDER BY o.hhi DESC, o.sector_code)
    INTO lab, v1 FROM @extschema@.sector_overview o WHERE o.member_state IS NULL AND o.hhi IS NOT NULL;
  ELSE
    SELECT pg_catalog.array_agg(COALESCE(c.name, o.member_state) || ' (' || o.member_state || ')' ORDER BY o.hhi DESC, o.member_state),
           pg_catalog.array_agg(o.hhi ORDER BY o.hhi DESC, o.member_state)
    INTO lab, v1 FROM @extschema@.sector_overview o LEFT JOIN @extschema@.country c ON c.code = o.member_state
    WHERE o.sector_code = sector AND o.member_state IS NOT NULL AND o.hhi IS NOT NULL;
  END IF;
  out := out || @extschema@.report_section(
    CASE WHEN eu THEN 'Concentration by sector' ELSE 'Concentration by member state' END,
    CASE WHEN lab IS NOT NULL THEN @extschema@.report_svg_bars(cid => 'hhi',
      title => CASE WHEN eu THEN 'HHI of each sector, EU-wide' ELSE 'HHI by member state' END,
      description => pg_catalog.format('Herfindahl-Hirschman index over supplier groups, %s, on 0 to 10,000, with the EU 2004 concentration bands (%s). Highest: %s, %s.',
                        CASE WHEN eu THEN 'per sector pooled over the member states' ELSE 'per member state' END,
                        @extschema@.report_bands_text(guideline => 'eu2004', whole => false), lab[1], pg_catalog.round(v1[1]::numeric, 0)),
      labels => lab, vals => v1, vals2 => NULL, series => NULL, xmax => 10000, unit => 'HHI (0 to 10,000)', fmt => 'int',
      source => source, zones => true) END, none);
  -- the largest supplier groups and the country of origin: the merge of the visible member-state rows
  SELECT @extschema@.supply_mix_union(r.group_mix), @extschema@.supply_mix_union(r.country_mix) INTO gm, cm
  FROM @extschema@.sector_stats_read(false, CURRENT_DATE, NULL, false, sector) r
  WHERE r.member_state IS NOT NULL AND r.function_code IS NULL AND r.group_mix IS NOT NULL;
  lab := NULL; v1 := NULL;
  IF gm IS NOT NULL AND @extschema@.key_count(gm) > 0 THEN
    SELECT pg_catalog.array_agg(COALESCE(t.name, t.key) ORDER BY t.rank), pg_catalog.array_agg(t.share ORDER BY t.rank) INTO lab, v1
    FROM @extschema@.top_shares_named(gm, 10) t;
  END IF;
  out := out || @extschema@.report_section('Largest supplier groups',
    CASE WHEN lab IS NOT NULL THEN @extschema@.report_svg_bars(cid => 'top',
      title => pg_catalog.format('The %s largest supplier groups', pg_catalog.cardinality(lab)),
      description => pg_catalog.format('Share of the supply weight of %s held by each of the largest supplier groups (ultimate controllers); the largest, %s, holds %s.',
                        what, lab[1], @extschema@.report_number(v1[1], 'pct')),
      labels => lab, vals => v1, vals2 => NULL, series => NULL, xmax => LEAST(1.0, pg_catalog.ceil(v1[1] * 10) / 10),
      unit => 'Share of the supply weight (%)', fmt => 'pct', source => source) END, none);
  lab := NULL; v1 := NULL;
  IF cm IS NOT NULL AND @extschema@.key_count(cm) > 0 THEN
    SELECT ARRAY['EU member states (all)', 'Outside the EU (all)'] || pg_catalog.array_agg(COALESCE(t.name, t.key) ORDER BY t.rank),
           ARRAY[@extschema@.share(cm, (SELECT @extschema@.eu_member_codes())), 1 - @extschema@.share(cm, (SELECT @extschema@.eu_member_codes()))]
             || pg_catalog.array_agg(t.share ORDER BY t.rank)
    INTO lab, v1 FROM @extschema@.top_shares_named(cm, 8) t;
  END IF;
  out := out || @extschema@.report_section('Country of origin',
    CASE WHEN lab IS NOT NULL THEN @extschema@.report_svg_bars(cid => 'origin', title => 'Country of origin of the supply',
      description => pg_catalog.format('Share of the supply weight of %s by headquarters country of the supplier group: %s from the EU, %s from outside; then the largest countries.',
                        what, @extschema@.report_number(v1[1], 'pct'), @extschema@.report_number(v1[2], 'pct')),
      labels => lab, vals => v1, vals2 => NULL, series => NULL, xmax => 1, unit => 'Share of the supply weight (%)', fmt => 'pct',
      source => source) END, none);
  -- high-risk and unassessed share
  lab := NULL; v1 := NULL;
  IF eu THEN
    SELECT pg_catalog.array_agg(o.sector_name ORDER BY o.hrv_share DESC NULLS LAST, o.sector_code), pg_catalog.array_agg(o.hrv_share ORDER BY o.hrv_share DESC NULLS LAST, o.sector_code),
           pg_catalog.array_agg(o.unassessed_share ORDER BY o.hrv_share DESC NULLS LAST, o.sector_code)
    INTO lab, v1, v2 FROM @extschema@.sector_overview o WHERE o.member_state IS NULL AND o.hhi IS NOT NULL;
  ELSE
    SELECT pg_catalog.array_agg(COALESCE(c.name, o.member_state) || ' (' || o.member_state || ')' ORDER BY o.hrv_share DESC NULLS LAST, o.member_state),
           pg_catalog.array_agg(o.hrv_share ORDER BY o.hrv_share DESC NULLS LAST, o.member_state),
           pg_catalog.array_agg(o.unassessed_share ORDER BY o.hrv_share DESC NULLS LAST, o.member_state)
    INTO lab, v1, v2 FROM @extschema@.sector_overview o LEFT JOIN @extschema@.country c ON c.code = o.member_state
    WHERE o.sector_code = sector AND o.member_state IS NOT NULL AND o.hhi IS NOT NULL;
  END IF;
  out := out || @extschema@.report_section('High-risk and unassessed supply',
    CASE WHEN lab IS NOT NULL THEN @extschema@.report_svg_bars(cid => 'risk',
      title => CASE WHEN eu THEN 'High-risk and unassessed share by sector' ELSE 'High-risk and unassessed share by member state' END,
      description => pg_catalog.format('Share of the supply weight from high-risk suppliers and from suppliers not assessed enough to be scored, %s. Highest high-risk share: %s, %s.',
                        CASE WHEN eu THEN 'per sector' ELSE 'per member state' END, lab[1], @extschema@.report_number(v1[1], 'pct')),
      labels => lab, vals => v1, vals2 => v2, series => ARRAY['High-risk suppliers', 'Unassessed suppliers'], xmax => 1,
      unit => 'Share of the supply weight (%)', fmt => 'pct', source => source) END, none);
  -- the HHI trend across the snapshots: the merge of the visible member-state states of each
  lab := NULL; v1 := NULL;
  SELECT pg_catalog.array_agg(x.lbl ORDER BY x.taken_at, x.snapshot_id), pg_catalog.array_agg(x.h ORDER BY x.taken_at, x.snapshot_id) INTO lab, v1
  FROM (SELECT s.snapshot_id, s.taken_at, pg_catalog.to_char(s.taken_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS lbl,
               @extschema@.hhi(@extschema@.supply_mix_union(m.group_mix)) AS h
        FROM @extschema@.snapshot s JOIN @extschema@.metric_snapshot m ON m.snapshot_id = s.snapshot_id
        WHERE m.member_state IS NOT NULL AND m.function_code IS NULL AND m.group_mix IS NOT NULL
          AND (sector IS NULL OR m.sector_code = sector)
        GROUP BY s.snapshot_id, s.taken_at) x
  WHERE x.h IS NOT NULL;
  out := out || @extschema@.report_section('Concentration over time',
    CASE WHEN pg_catalog.cardinality(lab) >= 2 THEN @extschema@.report_svg_line('trend', 'HHI across the snapshots',
      pg_catalog.format('HHI over supplier groups of %s at each of %s snapshots, from %s on %s to %s on %s.', what, pg_catalog.cardinality(lab),
                        pg_catalog.round(v1[1]::numeric, 0), lab[1], pg_catalog.round(v1[pg_catalog.cardinality(v1)]::numeric, 0), lab[pg_catalog.cardinality(lab)]),
      lab, v1, @extschema@.report_nice_max((SELECT pg_catalog.max(u) FROM pg_catalog.unnest(v1) u)),
      'HHI (0 to 10,000)', 'int', 'snapshots (take_snapshot); ' || source) END,
    CASE WHEN COALESCE(pg_catalog.cardinality(lab), 0) = 1 THEN 'One snapshot only: a trend needs two (take_snapshot, e.g. monthly with schedule_snapshot).'
         ELSE 'No snapshot with supply yet: a trend needs two (take_snapshot, e.g. monthly with schedule_snapshot).' END);
  RETURN out;
END
$$;
COMMENT ON FUNCTION @extschema@.sector_report_charts(text, text) IS
  'The chart sections of sector_report''s html: concentration by member state (a sector) or by sector (the EU overview) with the concentration bands, the largest supplier groups, the country of origin, high-risk and unassessed share, and the HHI trend across the snapshots (from two); each chart over the rows the caller may see, or a sentence saying why it is empty.';
