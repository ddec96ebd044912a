-- The supplier scores behind the rollups (issue 17): refresh() scores every supplier once (a
-- full refresh) or only those that changed (incremental), and computes the rollups' rows from
-- these scores, so that recomputing a sector and member state does not score its suppliers again.

CREATE TABLE @extschema@.supplier_rollup (
  supplier_id   bigint PRIMARY KEY,
  group_id      bigint NOT NULL,
  risk_score    float8,
  high_risk     boolean NOT NULL,
  unassessed    boolean NOT NULL,
  member_states text[],
  ms_risk_score float8[],
  ms_high_risk  boolean[],
  ms_unassessed boolean[]
);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.supplier_rollup', '');
-- (its comments: supplier_rollup_comments.sql, which the migration includes too)
