-- The modes of sector_stats_compute (sql/src/stats/sector_stats.sql): where it reads its states
-- and which levels it returns. Enums, so that a call names its mode and a wrong one is refused
-- (22P02), and constant modes still fold away the branches a call does not use.
CREATE TYPE @extschema@.stats_source AS ENUM ('supply', 'rollups', 'federation');
COMMENT ON TYPE @extschema@.stats_source IS 'Where sector_stats_compute reads its per-function states: this database''s supply, the stored rollups, or the states pulled from federation members.';
CREATE TYPE @extschema@.stats_levels AS ENUM ('all_functions', 'sector', 'sector_and_function');
COMMENT ON TYPE @extschema@.stats_levels IS 'Which levels sector_stats_compute returns: the all-functions rows only, every sector level, or also the rows per ICT function pooling every sector.';
