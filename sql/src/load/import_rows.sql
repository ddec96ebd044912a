-- Real data in, 2/n: registers (spreadsheets of suppliers, entities, supply, ...) loaded
-- row by row with every refusal reported: import_rows.

CREATE OR REPLACE FUNCTION @extschema@.import_rows(target regclass, rows jsonb, partial boolean DEFAULT false)
RETURNS TABLE (line integer, column_name text, sqlstate text, reason text)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  allowed text[] := ARRAY['entity', 'supplier', 'supply', 'supplier_dependency', 'assessment', 'designation',
                          'org_alias', 'methodology', 'methodology_weight'];
  tab text;
  cols text[];
  r record;
  keys text[];
  unknown text[];
  n integer := 0;
  loaded integer := 0;
  st text; msg text; det text; con text; col text;
  refused jsonb := '[]';
BEGIN
  IF target IS NULL OR rows IS NULL THEN
    RAISE EXCEPTION 'target and rows must not be null' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  SELECT c.relname INTO tab FROM pg_class c
  WHERE c.oid OPERATOR(pg_catalog.=) target AND c.relnamespace OPERATOR(pg_catalog.=) '@extschema@'::regnamespace;
  IF tab IS NULL OR NOT tab OPERATOR(pg_catalog.=) ANY (allowed) THEN
    RAISE EXCEPTION 'cannot import rows into %', target USING ERRCODE = 'invalid_parameter_value',
      HINT = format('import_rows loads the tables %s of schema @extschema@.', array_to_string(allowed, ', '));
  END IF;
  IF jsonb_typeof(rows) OPERATOR(pg_catalog.<>) 'array' THEN
    RAISE EXCEPTION 'rows must be a JSON array of objects, not a JSON %', jsonb_typeof(rows) USING ERRCODE = 'invalid_parameter_value',
      HINT = 'One object per row, e.g. [{"name": "Example GmbH", "hq_country": "DE"}]; from a CSV: jsonb_agg(to_jsonb(staging) ORDER BY line).';
  END IF;
  SELECT array_agg(a.attname::text ORDER BY a.attnum) INTO cols
  FROM pg_attribute a WHERE a.attrelid OPERATOR(pg_catalog.=) target AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped;

  BEGIN  -- every row below; undone as a whole when something is refused and partial is false
    FOR r IN SELECT e AS obj, o::integer AS pos FROM jsonb_array_elements(rows) WITH ORDINALITY x(e, o) LOOP
      n := n OPERATOR(pg_catalog.+) 1;
      IF jsonb_typeof(r.obj) OPERATOR(pg_catalog.<>) 'object' THEN
        refused := refused OPERATOR(pg_catalog.||) jsonb_build_array(jsonb_build_object('line', r.pos, 'column', NULL,
                     'sqlstate', '22023', 'reason', format('the row is a JSON %s, not an object', jsonb_typeof(r.obj))));
        CONTINUE;
      END IF;
      SELECT array_agg(k ORDER BY k) INTO keys FROM jsonb_object_keys(r.obj) k;
      SELECT array_agg(k ORDER BY k) INTO unknown FROM unnest(keys) k WHERE NOT k OPERATOR(pg_catalog.=) ANY (cols);
      IF unknown IS NOT NULL THEN
        refused := refused OPERATOR(pg_catalog.||) jsonb_build_array(jsonb_build_object('line', r.pos, 'column', unknown[1],
                     'sqlstate', '42703', 'reason', format('%s has no column %s', tab, array_to_string(unknown, ', '))));
        CONTINUE;
      END IF;
      IF keys IS NULL THEN
        refused := refused OPERATOR(pg_catalog.||) jsonb_build_array(jsonb_build_object('line', r.pos, 'column', NULL,
                     'sqlstate', '22023', 'reason', 'the row has no column'));
        CONTINUE;
      END IF;
      BEGIN
        EXECUTE format('INSERT INTO @extschema@.%I (%s) SELECT %s FROM jsonb_populate_record(NULL::@extschema@.%I, $1) t',
                       tab, (SELECT string_agg(quote_ident(k), ', ') FROM unnest(keys) k),
                       (SELECT string_agg('t.' || quote_ident(k), ', ') FROM unnest(keys) k), tab)
          USING r.obj;
        loaded := loaded OPERATOR(pg_catalog.+) 1;
      EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
                                con = CONSTRAINT_NAME, col = COLUMN_NAME;
        IF col IS NULL OR col OPERATOR(pg_catalog.=) '' THEN  -- the constraint's columns, else the value that did not convert
          SELECT string_agg(a.attname::text, ', ' ORDER BY a.attnum) INTO col
          FROM pg_constraint k JOIN pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) k.conrelid AND a.attnum OPERATOR(pg_catalog.=) ANY (k.conkey)
          WHERE k.conrelid OPERATOR(pg_catalog.=) target AND k.conname OPERATOR(pg_catalog.=) con;
        END IF;
        IF (col IS NULL OR col OPERATOR(pg_catalog.=) '') AND st LIKE '22%' THEN
          SELECT k INTO col FROM unnest(keys) k
          WHERE NOT @extschema@.import_value_converts(tab, k, r.obj OPERATOR(pg_catalog.->) k) LIMIT 1;
        END IF;
        refused := refused OPERATOR(pg_catalog.||) jsonb_build_array(jsonb_build_object('line', r.pos,
                     'column', NULLIF(col, ''), 'sqlstate', st,
                     'reason', msg OPERATOR(pg_catalog.||) COALESCE(' (' OPERATOR(pg_catalog.||) NULLIF(det, '') OPERATOR(pg_catalog.||) ')', '')));
      END;
    END LOOP;
    IF jsonb_array_length(refused) OPERATOR(pg_catalog.>) 0 AND NOT partial THEN
      RAISE EXCEPTION USING ERRCODE = 'SR001';  -- undo every row of this import
    END IF;
  EXCEPTION WHEN SQLSTATE 'SR001' THEN
    loaded := 0;
  END;
  RAISE NOTICE 'import_rows: % of % rows loaded into %, % refused%', loaded, n, tab, jsonb_array_length(refused),
    CASE WHEN jsonb_array_length(refused) OPERATOR(pg_catalog.>) 0 AND NOT partial
         THEN ' (nothing loaded: pass partial => true to load the valid rows)' ELSE '' END;
  RETURN QUERY
  SELECT (x OPERATOR(pg_catalog.->>) 'line')::integer, x OPERATOR(pg_catalog.->>) 'column',
         x OPERATOR(pg_catalog.->>) 'sqlstate', x OPERATOR(pg_catalog.->>) 'reason'
  FROM jsonb_array_elements(refused) x
  ORDER BY 1;
END $$;
COMMENT ON FUNCTION @extschema@.import_rows(regclass, jsonb, boolean) IS
  'Loads rows (a JSON array of objects, one key per column) into one of the loader tables, with the tables'' own rules; returns every refused row with its line (position in the array), column, SQLSTATE and reason. Nothing is loaded when a row is refused, unless partial is true.';

CREATE OR REPLACE FUNCTION @extschema@.import_value_converts(tab text, col text, value jsonb) RETURNS boolean
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  EXECUTE format('SELECT (jsonb_populate_record(NULL::@extschema@.%I, jsonb_build_object(%L, $1))).%I', tab, col, col) USING value;
  RETURN true;
EXCEPTION WHEN OTHERS THEN
  RETURN false;
END $$;
COMMENT ON FUNCTION @extschema@.import_value_converts(text, text, jsonb) IS
  'Internal: whether a JSON value converts to the type of a column of a loader table (import_rows names the column of a conversion error with it).';
