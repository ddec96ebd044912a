-- Federation, coordinator side: the member databases (federation_member) and what was
-- pulled from them (federation_state, federation_group). Filled by federation_add_member
-- and refresh(); read by sector_stats_compute. Empty on a database that is not a coordinator.

CREATE TABLE @extschema@.federation_member (
  member_state     text PRIMARY KEY REFERENCES @extschema@.country (code),
  server_name      name NOT NULL,
  added_at         timestamptz NOT NULL DEFAULT pg_catalog.now(),
  last_pull        timestamptz,
  last_as_of       date,
  last_version     text,
  last_methodology text,
  stale            boolean NOT NULL DEFAULT false,
  last_error       text,
  last_error_at    timestamptz
);
COMMENT ON TABLE @extschema@.federation_member IS 'Federation coordinator: one row per member state whose database is pulled by refresh() through a postgres_fdw server. Written by federation_add_member, federation_remove_member and refresh().';
COMMENT ON COLUMN @extschema@.federation_member.member_state IS 'The member state; its rows are pulled from the member database (rows of other member states there are not).';
COMMENT ON COLUMN @extschema@.federation_member.server_name IS 'The postgres_fdw foreign server of the member database (with a user mapping for the role that runs refresh).';
COMMENT ON COLUMN @extschema@.federation_member.added_at IS 'When the member was added.';
COMMENT ON COLUMN @extschema@.federation_member.last_pull IS 'When its states were last pulled (NULL: never).';
COMMENT ON COLUMN @extschema@.federation_member.last_as_of IS 'The date the member computed those states for.';
COMMENT ON COLUMN @extschema@.federation_member.last_version IS 'The member''s supplyrisk version at the last contact.';
COMMENT ON COLUMN @extschema@.federation_member.last_methodology IS 'The methodology the member scored with at the last pull.';
COMMENT ON COLUMN @extschema@.federation_member.stale IS 'True when the last refresh could not reach the member and went on without it (refresh(skip_unreachable => true)): the rollups hold its states of last_pull.';
COMMENT ON COLUMN @extschema@.federation_member.last_error IS 'Why the member was skipped, as the error said (NULL after a good pull).';
COMMENT ON COLUMN @extschema@.federation_member.last_error_at IS 'When that happened.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.federation_member', '');

CREATE TABLE @extschema@.federation_state (
  member_state      text NOT NULL REFERENCES @extschema@.federation_member (member_state) ON DELETE CASCADE,
  sector_code       text NOT NULL REFERENCES @extschema@.sector (code),
  function_code     text REFERENCES @extschema@.ict_function (code),
  group_mix         @extschema@.supply_mix,
  country_mix       @extschema@.supply_mix,
  entities          bigint NOT NULL,
  single_sourced    bigint NOT NULL,
  weight            float8 NOT NULL,
  hrv_weight        float8 NOT NULL,
  risk_weight       float8 NOT NULL,
  unassessed_weight float8 NOT NULL,
  gaps              bigint,
  contract_gap_edges bigint,
  CONSTRAINT federation_state_unique UNIQUE NULLS NOT DISTINCT (member_state, sector_code, function_code)
);
COMMENT ON TABLE @extschema@.federation_state IS 'Federation coordinator: the mergeable states pulled from each member (its federation_export rows), replaced member by member at every pull; the input of the coordinator''s rollups and snapshots.';
DO $cm$
DECLARE c record;
BEGIN
  FOR c IN SELECT * FROM (VALUES
    ('member_state', 'Member state (the member it was pulled from).'),
    ('sector_code', 'NIS2 sector.'),
    ('function_code', 'ICT function; NULL for the row that carries the entities registered and the gaps over all functions.'),
    ('group_mix', 'Mergeable state: supply weight per supplier group, keyed by the group''s global id, or by <member state>:<local id> for a group without one.'),
    ('country_mix', 'Mergeable state: supply weight per headquarters country of the supplier group.'),
    ('entities', 'Function rows: entities using the function; all-functions row: entities registered.'),
    ('single_sourced', 'Entity and function pairs served by a single supplier group.'),
    ('weight', 'Total supply weight.'),
    ('hrv_weight', 'Supply weight from high-risk suppliers (the member''s methodology).'),
    ('risk_weight', 'Sum of weight times risk_score.'),
    ('unassessed_weight', 'Supply weight from unassessed suppliers.'),
    ('gaps', 'Entities with a multi-vendor gap (in the function; all-functions row: in any function); pulled by take_snapshot, NULL after a refresh-only pull.'),
    ('contract_gap_edges', 'Critical or sensitive supply edges whose contracts miss a clause of point 5.1.4 (NULL: the member records no contract check).')) x(col, txt) LOOP
    EXECUTE pg_catalog.format('COMMENT ON COLUMN @extschema@.federation_state.%I IS %L', c.col, c.txt);
  END LOOP;
END $cm$;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.federation_state', '');

CREATE TABLE @extschema@.federation_group (
  member_state text NOT NULL REFERENCES @extschema@.federation_member (member_state) ON DELETE CASCADE,
  key          text NOT NULL,
  name         text NOT NULL,
  PRIMARY KEY (member_state, key)
);
CREATE INDEX federation_group_key_idx ON @extschema@.federation_group (key);
COMMENT ON TABLE @extschema@.federation_group IS 'Federation coordinator: the names of the supplier groups behind the keys of the pulled group mixes, per member (a group with a global id may be named differently by two members: the first member state''s name is shown).';
COMMENT ON COLUMN @extschema@.federation_group.member_state IS 'Member it was pulled from.';
COMMENT ON COLUMN @extschema@.federation_group.key IS 'Key in the group mixes: global id, or <member state>:<local supplier id>.';
COMMENT ON COLUMN @extschema@.federation_group.name IS 'The group''s name in that member database.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.federation_group', '');
