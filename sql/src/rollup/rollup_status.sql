-- rollup_status: what the dashboard views read and how current it is. After access control:
-- the refresh sizes span every member state and are shown to unscoped roles only.

CREATE OR REPLACE VIEW @extschema@.rollup_status WITH (security_invoker = true) AS
SELECT CASE WHEN r.refresh_id IS NULL THEN 'live' ELSE 'rollup' END AS source,
       r.refresh_id, r.finished_at AS refreshed_at, r.finished_at OPERATOR(pg_catalog.-) r.started_at AS duration,
       pg_catalog.now() OPERATOR(pg_catalog.-) r.finished_at AS age, r.as_of,
       r.as_of OPERATOR(pg_catalog.<) CURRENT_DATE OR c.n OPERATOR(pg_catalog.>) 0 AS outdated, r.methodology,
       CASE WHEN (SELECT @extschema@.access_member_states()) IS NULL THEN r.rollup_rows END AS rollup_rows, r.stale_members,
       c.n AS pending_changes, c.since AS changed_since,
       -- (reweight says that only risk changed, somewhere: a scoped role, which may not see that
       -- change, reads incremental, as every refresh that recomputed none of its rows said before)
       CASE WHEN r.mode OPERATOR(pg_catalog.=) 'reweight' AND (SELECT @extschema@.access_member_states()) IS NOT NULL
            THEN 'incremental' ELSE r.mode END AS mode,
       CASE WHEN (SELECT @extschema@.access_member_states()) IS NULL THEN r.recomputed END AS recomputed,  -- (all member states' rows: unscoped roles only)
       CASE WHEN (SELECT @extschema@.access_member_states()) IS NULL THEN r.reweighted END AS reweighted
FROM (SELECT 1) one
LEFT JOIN (SELECT x.* FROM @extschema@.rollup_refresh x ORDER BY x.refresh_id DESC LIMIT 1) r ON true
CROSS JOIN (SELECT pg_catalog.count(*) AS n, pg_catalog.min(k.changed_at) AS since FROM @extschema@.rollup_change k) c;
COMMENT ON VIEW @extschema@.rollup_status IS 'What the dashboard views read: the last refresh (source rollup) or, before the first refresh, a live computation (source live).';
COMMENT ON COLUMN @extschema@.rollup_status.source IS 'rollup (the views read sector_rollup) or live (never refreshed: computed on every read).';
COMMENT ON COLUMN @extschema@.rollup_status.refresh_id IS 'Number of the last refresh.';
COMMENT ON COLUMN @extschema@.rollup_status.refreshed_at IS 'When the last refresh finished.';
COMMENT ON COLUMN @extschema@.rollup_status.duration IS 'How long it took.';
COMMENT ON COLUMN @extschema@.rollup_status.age IS 'Time since then: how stale the dashboards are at most.';
COMMENT ON COLUMN @extschema@.rollup_status.as_of IS 'Date the supply was taken as valid at.';
COMMENT ON COLUMN @extschema@.rollup_status.outdated IS 'True when a refresh is due: as_of is before today, or a change is recorded that the rollups do not hold (pending_changes above 0). The rollup-backed views carry it as stale.';
COMMENT ON COLUMN @extschema@.rollup_status.methodology IS 'Methodology used.';
COMMENT ON COLUMN @extschema@.rollup_status.rollup_rows IS 'Rows in sector_rollup (NULL for a scoped role: the count spans every member state).';
COMMENT ON COLUMN @extschema@.rollup_status.pending_changes IS 'Changes recorded since the rollups were computed (rollup_change): 0 when they are current.';
COMMENT ON COLUMN @extschema@.rollup_status.mode IS 'How the last refresh computed the rollups: full; incremental (some sector and member-state rows recomputed from the supply, perhaps some re-weighted); reweight (only suppliers'' risk had changed: rows re-weighted from their supplier mixes, none recomputed; a scoped role reads incremental: the change may be another member state''s).';
COMMENT ON COLUMN @extschema@.rollup_status.reweighted IS 'Incremental or reweight: the member-state function rows whose risk columns were re-weighted (their sectors'' and functions'' rows summed again); NULL for a full refresh, and for a scoped role (the count spans every member state).';
COMMENT ON COLUMN @extschema@.rollup_status.recomputed IS 'Incremental: the sector and member-state rows recomputed (their sectors'' EU-wide rows merged again); NULL for a full refresh, and for a scoped role (the count spans every member state).';
COMMENT ON COLUMN @extschema@.rollup_status.changed_since IS 'When the earliest of those changes was made (NULL: none).';
COMMENT ON COLUMN @extschema@.rollup_status.stale_members IS 'Federation coordinator: members whose states in the rollups are from an earlier pull (skipped as unreachable); NULL elsewhere.';
