-- supplyrisk 0.2.0 -> 0.3.0, run by ALTER EXTENSION supplyrisk UPDATE (sql/build.sh turns this
-- migration into sql/supplyrisk--0.2.0--0.3.0.sql).
-- What is written here by hand: the changes to stored objects (ALTER TABLE, data moves) and the
-- DROPs of objects 0.3.0 removes or whose signature or columns change. Every function, view and
-- aggregate 0.3.0 defines anew is pulled in from its one source file by an --include line, so no
-- definition is written twice. test/upgrade.sh proves that an updated database equals a fresh
-- 0.3.0 install, object for object, with every user row kept.

--include src/base/update_guard.sql

-- sector_stats_levels (nine positional parameters) becomes sector_stats_compute, with its source
-- and levels as named modes, read through one function per purpose; sector_stats_at returns
-- the rollup row type instead of repeating its column list. No view depends on either.
DROP FUNCTION @extschema@.sector_stats_levels(boolean, date, text, boolean, text[], boolean, boolean, text[], boolean);
DROP FUNCTION @extschema@.sector_stats_at(date, text, boolean);
-- Re-weighting (issue 29): the member-state function rows keep the supply weight per supplier
-- (sector_stats_compute returns it as a last column of sector_rollup; sector_function_stats a
-- column more), and the refresh log says how many rows a change of risk re-weighted
DROP FUNCTION @extschema@.sector_function_stats(date, text, boolean, text[], boolean);
ALTER TABLE @extschema@.sector_rollup ADD COLUMN supplier_mix @extschema@.supply_mix;
COMMENT ON COLUMN @extschema@.sector_rollup.supplier_mix IS 'Member-state function rows: mergeable state of the supply weight per supplier (supplier ids), which refresh() re-weights the row''s risk columns from when only suppliers'' risk changed; NULL on the other rows.';
ALTER TABLE @extschema@.rollup_refresh ADD COLUMN reweighted integer;
-- a methodology change records the methodology's name (a change of another than the one in use
-- makes nothing stale; of the one in use, every row is re-weighted)
ALTER TABLE @extschema@.rollup_change ADD COLUMN methodology text;
COMMENT ON TABLE @extschema@.rollup_change IS 'Changes since the last refresh() that make dashboard rows stale, written by triggers, cleared by refresh(): a sector and member state, a supplier (its rows wherever it supplies), suppliers added (to be scored), a methodology (its suppliers'' scores, where it is the one in use), or everything (a TRUNCATE). Not dumped: a restore records its own loading here, so a restored database shows pending changes until its first refresh.';
COMMENT ON COLUMN @extschema@.rollup_change.everything IS 'True when every row is stale (a tracked table was truncated).';
COMMENT ON COLUMN @extschema@.rollup_change.methodology IS 'A methodology or its weights changed (its name; a rename records both): where it is the one the rollups were computed with, every supplier is scored again and every row re-weighted; another methodology makes nothing stale.';
COMMENT ON COLUMN @extschema@.rollup_refresh.mode IS 'full, incremental (rows recomputed from the supply) or reweight (only suppliers'' risk changed: rows re-weighted from their supplier mixes, none recomputed); NULL: refreshed before 0.2.0.';
COMMENT ON COLUMN @extschema@.rollup_refresh.reweighted IS 'Incremental or reweight: member-state function rows whose risk columns were re-weighted from their supplier mixes (their sectors'' and functions'' rows summed again); NULL for a full refresh and before 0.3.0.';

-- Repeated RETURNS TABLE lists become row types: the live functions return the row type of the
-- view they compute (sector_overview_at, function_overview_at, supplier_risk_at, score_supplier;
-- sector_gap_counts that of federation_gaps), and the 18 sector views and
-- sector_function_overview share the type sector_function_row. A function's result type cannot
-- be replaced: they are dropped and created again (below, by the includes), and the views over
-- them with them; the grants of existing roles are given again at the end.
DROP FUNCTION @extschema@.sector_overview_at(date, text);
-- the rollup-backed views gain computed_at and stale (issue 28.5)
DROP VIEW @extschema@.sector_overview;
DROP FUNCTION @extschema@.sector_overview_rows(boolean, date, text);
DROP FUNCTION @extschema@.function_overview_at(date, text);
DROP VIEW @extschema@.function_overview;
-- systemic_dependencies ranks by a systemic score, with its components (issue 28.3)
DROP FUNCTION @extschema@.systemic_dependencies(integer);
DROP FUNCTION @extschema@.function_overview_rows(boolean, date, text);
-- views with EU-wide rows carry area ('EU' or the member state) beside member_state (issue 28.7)
DROP VIEW @extschema@.trend;
DROP FUNCTION @extschema@.trend_between(bigint, bigint);
DROP VIEW @extschema@.function_trend;
DROP FUNCTION @extschema@.function_trend_between(bigint, bigint);
DROP FUNCTION @extschema@.sector_gap_counts(boolean, date, text);
DROP VIEW @extschema@.supplier_risk;
DROP FUNCTION @extschema@.score_supplier(bigint, date, text);
DROP FUNCTION @extschema@.supplier_risk_at(date, text, bigint);
-- sovereignty of risk (issue 27): supplier_risk_of evaluates per member state (a parameter and a
-- column more); supplier_rollup keeps the member states' own evaluations beside the EU-wide one
DROP FUNCTION @extschema@.supplier_risk_of(date, text, bigint[]);
ALTER TABLE @extschema@.supplier_rollup ADD COLUMN member_states text[], ADD COLUMN ms_risk_score float8[],
  ADD COLUMN ms_high_risk boolean[], ADD COLUMN ms_unassessed boolean[];
--include src/score/supplier_rollup_comments.sql
DO $drop$
DECLARE s record;
BEGIN
  FOR s IN SELECT code FROM @extschema@.sector WHERE shipped ORDER BY code LOOP
    EXECUTE pg_catalog.format('DROP VIEW @extschema@.%I', 'sector_' OPERATOR(pg_catalog.||) s.code);
  END LOOP;
END $drop$;
DROP FUNCTION @extschema@.sector_function_overview(text, date, text);
-- measure_progress gains suppressed (small counts hidden from scoped roles, issue 27)
DROP VIEW @extschema@.measure_progress;
DROP FUNCTION @extschema@.measure_progress_rows();
DROP FUNCTION @extschema@.sector_function_rows(text, boolean, date, text);
--include src/score/supplier_risk.sql
--include src/score/supplier_risk_rows.sql
--include src/views/sector_function_row.sql
--include src/views/sector_overview.sql
--include src/views/sector_views.sql
--include src/stats/stats_modes.sql
--include src/stats/sector_stats.sql
--include src/views/function_overview.sql
--include src/report/report_findings.sql
--include src/rollup/snapshots_trend.sql
--include src/rollup/reweight.sql
--include src/rollup/refresh.sql
COMMENT ON TABLE @extschema@.function_rollup IS 'Rollups written by refresh(): per ICT function and member state (NULL: EU-wide), every sector pooled (the function rows of sector_stats_compute, computed in the same pass as sector_rollup), read by function_overview and assessment_overview. Do not edit.';
-- report_svg_bars is called with named arguments; the concentration bands are written once, in C
-- (concentration_bands, read by concentration_level and the report charts)
--include src/types/supply_mix_aggregates.sql
--include src/types/supply_mix_metrics.sql
--include src/report/reports.sql
--include src/report/report_charts.sql
--include src/report/review.sql
-- one search_path rule (DEVELOPER.md): the SQL functions' casts name pg_catalog's types
-- (a cast to a bare type name was looked up in the caller's search_path)
--include src/model/global_id.sql
--include src/model/contract_gaps.sql
-- contract gaps count where the sector and member state record contract checks (one member state's
-- first check no longer turns another's NULL into a count, nor tells it somebody tracks contracts)
--include src/federation/federation_export.sql
-- every dashboard query is fast (issue 28.6): per-entity rollups written by refresh(), read by
-- entity_exposure, multi_vendor_gaps and entity_deep_exposure (live until the first refresh
-- after the update); supplier_dependency is tracked, so the deep rows follow its changes
--include src/rollup/entity_rollup.sql
--include src/model/supply_scope.sql
--include src/views/entity_exposure.sql
--include src/views/multi_vendor_gaps.sql
-- tier-n edges and BOMs have an owner (issue 27.6): deep_mix counts the EU-wide edges and those of
-- the member state it is asked for; an import replaces only its owner's import of a document
DROP FUNCTION @extschema@.deep_mix(@extschema@.supply_mix, integer, text, float8);
--include src/stats/deep_mix.sql
--include src/views/entity_deep_exposure.sql
-- the CycloneDX components are walked in C, once, linear in the document however deep it nests
-- (issue 27.7); a stored component leaves out its nested ones (rows of their own)
--include src/load/bom_components.sql
-- no duplicate loads silently (issue 28.1): import_rows refuses, sums or skips a repeated supply
-- row, matches a supplier without id to an existing one (supplier_match, which import_bom
-- matches with too), takes each row's line from line_key, and says what a foreign key allows
DROP FUNCTION @extschema@.import_rows(regclass, jsonb, boolean);
--include src/load/import_rows.sql
--include src/load/import_bom.sql
COMMENT ON COLUMN @extschema@.bom_component.component IS 'The component''s JSON as imported; a CycloneDX component without its nested components and services (each is a row of its own).';
--include src/federation/federation_pull.sql

-- Trust (issue 27): one decision per supplier, owner and day (a member state's decision no
-- longer collides with, and so reveals, another member state's decision of the same day)
ALTER TABLE @extschema@.designation DROP CONSTRAINT designation_one_per_day,
  ADD CONSTRAINT designation_one_per_day UNIQUE NULLS NOT DISTINCT (supplier_id, member_state, decided_on);
COMMENT ON COLUMN @extschema@.designation.decided_on IS 'Date the decision takes effect; one decision per supplier, owner (member_state, NULL: EU-wide) and day.';
-- Grants name roles by OID (and name): a dropped role's grant reaches no later role of its name
ALTER TABLE @extschema@.access_grant ADD COLUMN role_id oid;
COMMENT ON COLUMN @extschema@.access_grant.role_id IS 'The OID of the role at grant time: a grant holds only while a role with this OID and role_name exists (a dropped role''s grant goes to no later role of the same name; after a restore into another cluster, grant again).';
UPDATE @extschema@.access_grant g SET role_id = r.oid FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) g.role_name;
--include src/access/member_states.sql
--include src/access/entity_rollup_policies.sql
--include src/rollup/rollup_status.sql
-- a member state's assessment or decision makes only its own rows stale (the change records its owner)
--include src/model/track_change.sql
--include src/model/track_dependency_triggers.sql
COMMENT ON COLUMN @extschema@.rollup_change.member_state IS 'With sector_code: see there. With supplier_id: the owner of the assessment or designation that changed (its rows only are stale); NULL: EU-wide.';
--include src/access/owner_rows.sql
-- a chain of control is at most 32 links (a role that may add suppliers could build one thousands deep)
--include src/model/supplier_ownership.sql
-- The id-sequence trigger runs as the writing role (an explicit id beyond a
-- shared sequence needs UPDATE on it: admins); the federation export functions are for
-- federation and admin roles only; admins may move the id sequences.
--include src/model/id_sequence_trigger.sql
--include src/access/grant_functions.sql
-- supplyrisk.maintenance is the library's superuser-only setting, read through maintenance_mode()
--include src/base/protect_shipped.sql

-- The levels say what the scores say (issue 28.2): the shipped default's bands move to the
-- midpoints of the scale (a supplier scored k on every factor gets the level k names); a new
-- methodology gets them by default; methodologies of users keep theirs.
ALTER TABLE @extschema@.methodology ALTER COLUMN band_medium SET DEFAULT 37.5,
  ALTER COLUMN band_high SET DEFAULT 62.5, ALTER COLUMN band_critical SET DEFAULT 87.5;
COMMENT ON COLUMN @extschema@.methodology.band_medium IS 'risk_score from which the level is medium (below: low). Default 37.5: the bands sit at the midpoints of the scale, so a supplier scored k on every factor gets the level k names (0 and 1 low, 2 medium, 3 high, 4 critical).';
SELECT pg_catalog.set_config('supplyrisk.maintenance', 'on', true);  -- (this script may change shipped rows)
UPDATE @extschema@.methodology SET band_medium = 37.5, band_high = 62.5, band_critical = 87.5,
  description = 'Defaults of the supplyrisk methodology: all factors weight 1, power mean p = 2, unknown factors at 2, bands 37.5/62.5/87.5 (the midpoints: a supplier scored k on every factor gets the level k names), HRV threshold 60 on the non-technical score.'
WHERE name OPERATOR(pg_catalog.=) 'default' AND shipped;
SELECT pg_catalog.set_config('supplyrisk.maintenance', 'off', true);

-- Roles granted access before the update get exactly the privileges of their level, as
-- grant_access gives them now: on the views and functions this update created again, and
-- without what 0.3.0 no longer gives (read and assess roles lose the federation functions).
DO $grants$
DECLARE g record;
BEGIN
  FOR g IN SELECT a.role_name, a.access FROM @extschema@.access_grant a
           WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) a.role_name) LOOP
    PERFORM @extschema@.revoke_privileges(pg_catalog.quote_ident(g.role_name));
    PERFORM @extschema@.grant_privileges(pg_catalog.quote_ident(g.role_name), g.access);
  END LOOP;
END $grants$;
