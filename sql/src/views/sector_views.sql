-- The 18 sector_<code> views: one definition, generated from the shipped sectors.

-- The 18 sector views: one definition, generated, identical columns.
DO $gen$
DECLARE
  s record;
  c record;
  v text;
BEGIN
  FOR s IN SELECT code, name FROM @extschema@.sector WHERE shipped ORDER BY code LOOP
    v := 'sector_' || s.code;
    EXECUTE pg_catalog.format('CREATE OR REPLACE VIEW @extschema@.%I WITH (security_invoker = true) AS SELECT * FROM @extschema@.sector_function_rows(%L, false, CURRENT_DATE, NULL)', v, s.code);
    EXECUTE pg_catalog.format('COMMENT ON VIEW @extschema@.%I IS %L', v,
      pg_catalog.format('NIS2 sector %s: concentration per member state (NULL: EU-wide) and ICT function. Read from the rollups of the last refresh() (see rollup_status); computed live for today until the first refresh.', s.name));
    FOR c IN SELECT * FROM (VALUES
      ('member_state', 'Member state; NULL for the EU-wide row (the merge of the member-state rows).'),
      ('area', 'Where the row is: the member state''s code, or EU for the EU-wide row (member_state NULL), so a BI filter needs no IS NULL.'),
      ('function_code', 'ICT function.'),
      ('function_name', 'ICT function name.'),
      ('criticality', 'critical, sensitive or standard.'),
      ('entities', 'Entities of the sector that use the function.'),
      ('suppliers', 'Distinct supplier groups.'),
      ('hhi', 'HHI (0..10000) over supplier groups, pooled over the entities.'),
      ('cr1', 'Share (0..1) of the largest supplier group.'),
      ('cr4', 'Share (0..1) of the four largest supplier groups.'),
      ('effective_suppliers', 'Numbers equivalent 10000/HHI.'),
      ('hrv_share', 'Share (0..1) of the weight from high-risk suppliers.'),
      ('unassessed_share', 'Share (0..1) of the weight from unassessed suppliers (coverage below the methodology''s min_coverage).'),
      ('non_eu_share', 'Share (0..1) of the weight from supplier groups headquartered outside the EU.'),
      ('country_hhi', 'HHI over the headquarters countries of the supplier groups.'),
      ('top_suppliers', 'The three largest supplier groups with their shares, as text.'),
      ('single_supplier_entities', 'Entities served by a single supplier group for the function.'),
      ('contract_gap_edges', 'Critical or sensitive supply edges whose contracts miss a clause of point 5.1.4 (contract_gaps).'),
    ('computed_at', 'When the row was computed: the end of the last refresh() (now when computed live), so a dashboard can say "as of".'),
    ('stale', 'True when the row may be out of date: the last refresh''s date has passed or a change is recorded that it does not hold (rollup_status.outdated).')) x(col, txt) LOOP
      EXECUTE pg_catalog.format('COMMENT ON COLUMN @extschema@.%I.%I IS %L', v, c.col, c.txt);
    END LOOP;
  END LOOP;
END $gen$;
