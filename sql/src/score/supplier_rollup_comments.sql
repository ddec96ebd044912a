-- The comments of supplier_rollup (a table file is never included by a migration; its comments are).
COMMENT ON TABLE @extschema@.supplier_rollup IS 'Written by refresh(): every supplier''s risk as the rollups were computed with it (supplier_risk_of at rollup_status.as_of under its methodology): the EU-wide evaluation, and each member state''s that its own rows make differ. A full refresh scores every supplier; an incremental one only those that changed, were added, or whose assessments or designations began or ended, and the suppliers they control. Row-level security: unscoped roles only (the rows hold every member state''s evaluation).';
COMMENT ON COLUMN @extschema@.supplier_rollup.supplier_id IS 'Supplier (no foreign key: a deleted supplier''s row goes at the next refresh).';
COMMENT ON COLUMN @extschema@.supplier_rollup.group_id IS 'Its supplier group (the top of its control chain).';
COMMENT ON COLUMN @extschema@.supplier_rollup.risk_score IS 'risk_score of the EU-wide evaluation (0..100; NULL when unassessed).';
COMMENT ON COLUMN @extschema@.supplier_rollup.high_risk IS 'high_risk of the EU-wide evaluation (own score or designation, or a high-risk controller).';
COMMENT ON COLUMN @extschema@.supplier_rollup.unassessed IS 'risk_level of the EU-wide evaluation is unassessed.';
COMMENT ON COLUMN @extschema@.supplier_rollup.member_states IS 'The member states with an evaluation of their own (their rows on the supplier or a controller are in force), sorted; NULL: none. The ms_ arrays hold their values, in this order.';
COMMENT ON COLUMN @extschema@.supplier_rollup.ms_risk_score IS 'risk_score as evaluated for each of member_states.';
COMMENT ON COLUMN @extschema@.supplier_rollup.ms_high_risk IS 'high_risk as evaluated for each of member_states.';
COMMENT ON COLUMN @extschema@.supplier_rollup.ms_unassessed IS 'Whether risk_level is unassessed as evaluated for each of member_states.';
