-- The row of a sector_<code> view (sector_function_rows, sector_function_overview): one row
-- type for the 18 views and the live function.
CREATE TYPE @extschema@.sector_function_row AS (member_state text, area text, function_code text, function_name text, criticality text, entities bigint,
               suppliers integer, hhi float8, cr1 float8, cr4 float8, effective_suppliers float8, hrv_share float8,
               unassessed_share float8, non_eu_share float8, country_hhi float8, top_suppliers text,
               single_supplier_entities bigint, contract_gap_edges bigint,
               computed_at timestamptz, stale boolean);
COMMENT ON TYPE @extschema@.sector_function_row IS 'A row of a sector_<code> view: per member state (NULL: EU-wide) and ICT function, the concentration figures of one sector (sector_function_rows, sector_function_overview).';
