-- supplyrisk 0.2.0 -> 0.3.0, run by ALTER EXTENSION supplyrisk UPDATE (sql/build.sh turns this
-- migration into sql/supplyrisk--0.2.0--0.3.0.sql).
-- What is written here by hand: the changes to stored objects (ALTER TABLE, data moves) and the
-- DROPs of objects 0.3.0 removes or whose signature or columns change. Every function, view and
-- aggregate 0.3.0 defines anew is pulled in from its one source file by an --include line, so no
-- definition is written twice. test/upgrade.sh proves that an updated database equals a fresh
-- 0.3.0 install, object for object, with every user row kept.

-- sector_stats_levels (nine positional parameters) becomes sector_stats_compute, with its source
-- and levels as named modes, read through one function per purpose; sector_stats_at returns
-- the rollup row type instead of repeating its column list. No view depends on either.
DROP FUNCTION @extschema@.sector_stats_levels(boolean, date, text, boolean, text[], boolean, boolean, text[], boolean);
DROP FUNCTION @extschema@.sector_stats_at(date, text, boolean);
--include src/stats/stats_modes.sql
--include src/stats/sector_stats.sql
--include src/views/function_overview.sql
--include src/rollup/snapshots_trend.sql
--include src/rollup/refresh.sql
COMMENT ON TABLE @extschema@.function_rollup IS 'Rollups written by refresh(): per ICT function and member state (NULL: EU-wide), every sector pooled (the function rows of sector_stats_compute, computed in the same pass as sector_rollup), read by function_overview and assessment_overview. Do not edit.';
-- report_svg_bars is called with named arguments; the concentration bands are written once, in C
-- (concentration_bands, read by concentration_level and the report charts)
--include src/types/supply_mix_metrics.sql
--include src/report/report_charts.sql
--include src/report/review.sql
-- one search_path rule (DEVELOPER.md): the SQL functions' casts name pg_catalog's types
-- (a cast to a bare type name was looked up in the caller's search_path)
--include src/model/global_id.sql
--include src/model/contract_gaps.sql
--include src/views/entity_exposure.sql
--include src/views/entity_deep_exposure.sql
--include src/federation/federation_pull.sql
