-- The user rows of every user table, one line per table: table:columns:md5:count
-- (shipped rows left out). With -v cols='table:col,col<newline>...' (the first two
-- fields of an earlier run's lines) the same columns are read, so rows of an older
-- version compare with the same rows after an upgrade that added columns.
-- Used by test/upgrade.sh.
SELECT format('%s:%s:%s', c.relname, cl.cols,
  (xpath('/row/m/text()', query_to_xml(format(
     'SELECT md5(coalesce(string_agg(r::text, chr(10) ORDER BY r::text), '''')) || '':'' || count(*) AS m FROM (SELECT %s FROM supplyrisk.%I t %s) r',
     cl.cols, c.relname,
     CASE WHEN EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'shipped') THEN 'WHERE NOT shipped' ELSE '' END),
   false, true, '')))[1]::text)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL (
  SELECT coalesce((SELECT split_part(l, ':', 2) FROM unnest(string_to_array(:'cols', E'\n')) l WHERE split_part(l, ':', 1) = c.relname),
                  (SELECT string_agg(quote_ident(a.attname), ',' ORDER BY a.attnum) FROM pg_attribute a
                   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped)) AS cols) cl
WHERE n.nspname = 'supplyrisk' AND c.relkind = 'r'
  AND c.relname IN ('entity', 'supplier', 'supply', 'supplier_dependency', 'assessment', 'designation', 'snapshot',
                    'metric_snapshot', 'sector_rollup', 'rollup_refresh', 'methodology', 'methodology_weight', 'access_grant')
ORDER BY 1;
