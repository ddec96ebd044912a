-- Cross-sector concentration as people read it (issue 18): one supplier group behind the same
-- ICT function in two sectors and two member states; function_overview, a coordinated
-- assessment's scope, the systemic dependencies of the EU report. In a transaction that is
-- rolled back: the later files of this suite see none of it.
BEGIN;
SET search_path = supplyrisk, public;
SET client_min_messages = warning;
-- (sequences are not rolled back: their positions are put back at the end for the later files)
SELECT (SELECT last_value FROM entity_id_seq) AS e_last, (SELECT is_called FROM entity_id_seq) AS e_called,
       (SELECT last_value FROM supplier_id_seq) AS p_last, (SELECT is_called FROM supplier_id_seq) AS p_called,
       (SELECT last_value FROM supply_id_seq) AS s_last, (SELECT is_called FROM supply_id_seq) AS s_called,
       (SELECT last_value FROM designation_id_seq) AS d_last, (SELECT is_called FROM designation_id_seq) AS d_called \gset
-- (pg_regress feeds this file to psql on standard input: \ir is relative to the directory it
-- runs in, the repository's top, as test/regress.sh and make installcheck run it)
\ir test/fixtures/cross_sector.sql
-- every sector pooled, per ICT function (computed live: no refresh here, its id would shift the
-- later files'): cloud.iaas EU-wide is Alpha 80, Beta 30, Gamma 10 of 120
SELECT function_code, coalesce(member_state, 'EU') AS ms, sectors, entities, suppliers, round(hhi::numeric, 2) AS hhi,
       round(cr1::numeric, 4) AS cr1, round(hrv_share::numeric, 4) AS hrv, round(non_eu_share::numeric, 4) AS non_eu,
       single_supplier_entities AS single, concentration_level AS level, top_suppliers
FROM function_overview ORDER BY function_code, member_state NULLS FIRST;
-- the 5G assessment's scope: its functions, and the whole scope merged (entities not added)
SELECT coalesce(function_code, '(whole scope)') AS function_code, coalesce(member_state, 'EU') AS ms, sectors, entities,
       round(hhi::numeric, 2) AS hhi, round(hrv_share::numeric, 4) AS hrv, top_suppliers
FROM assessment_overview('5g-2019');
SELECT code, adopted_on, (SELECT string_agg(function_code, ', ' ORDER BY function_code) FROM coordinated_assessment_function f WHERE f.assessment_code = a.code) AS functions
FROM coordinated_assessment a ORDER BY code;
SELECT rank, function_code, sectors, round(hhi::numeric, 2) AS hhi, top_group, round(top_group_share::numeric, 4) AS share, top_group_sectors
FROM systemic_dependencies(3);
-- the EU report's section
SELECT substring(sector_report(NULL, 'markdown') FROM '## Systemic.*$');
-- an unknown scope
SELECT * FROM assessment_overview('6g-2030');
ROLLBACK;
SELECT setval('supplyrisk.entity_id_seq', :e_last, :'e_called') > 0 AND setval('supplyrisk.supplier_id_seq', :p_last, :'p_called') > 0
   AND setval('supplyrisk.supply_id_seq', :s_last, :'s_called') > 0 AND setval('supplyrisk.designation_id_seq', :d_last, :'d_called') > 0 AS sequences_put_back;
