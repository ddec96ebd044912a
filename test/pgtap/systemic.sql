-- pgTAP: "systemic" means across sectors (issue 28.3): systemic_dependencies on the demo data,
-- against a computation from the supply rows.
BEGIN;
SET search_path = supplyrisk, public;
\set scale 0.05
\ir ../../data/generate.sql
SET search_path = supplyrisk, public;
SELECT plan(5);
CALL refresh();
CREATE TEMP TABLE sd AS SELECT * FROM systemic_dependencies(100);
-- independent: per function, the largest supplier group over all supply; per sector, that group's
-- share of the function there; the score is their sum
CREATE TEMP TABLE plain AS
WITH w AS (
  SELECT s.function_code, e.sector_code, g.group_id, sum(s.weight) AS w
  FROM supply_valid_at(CURRENT_DATE) s JOIN entity e USING (entity_id) JOIN supplier_group_map g USING (supplier_id)
  GROUP BY 1, 2, 3
), top AS (
  SELECT DISTINCT ON (function_code) function_code, group_id FROM (SELECT function_code, group_id, sum(w) AS w FROM w GROUP BY 1, 2) x
  ORDER BY function_code, w DESC, group_id
), per_sector AS (
  SELECT w.function_code, w.sector_code, sum(w.w) FILTER (WHERE w.group_id = t.group_id) / sum(w.w) AS sh
  FROM w JOIN top t USING (function_code) GROUP BY 1, 2
)
SELECT function_code, sum(coalesce(sh, 0)) AS score, count(*) FILTER (WHERE sh > 0) AS n FROM per_sector GROUP BY 1;
SELECT is((SELECT count(*)::int FROM sd JOIN plain p USING (function_code)
           WHERE abs(sd.systemic_score - p.score) > 1e-9 * greatest(p.score, 1) OR sd.top_group_sectors <> p.n), 0,
          'systemic_score = the sum over sectors of the largest group''s share there, and top_group_sectors = where it supplies (plain SQL over the supply)');
SELECT is((SELECT count(*)::int FROM sd), (SELECT count(*)::int FROM plain), 'every supplied function is ranked');
SELECT is((SELECT array_agg(function_code ORDER BY function_code) FROM sd WHERE rank <= 3),
          ARRAY['cloud.iaas', 'it.collaboration', 'it.operating_systems'],
          'on the demo data the top three are the cross-sector functions (IaaS, collaboration, operating systems), not the one- or two-sector ones the HHI puts first');
SELECT ok((SELECT bool_and(a.systemic_score >= b.systemic_score) FROM sd a JOIN sd b ON b.rank = a.rank + 1)
          AND (SELECT min(hhi_rank) FROM sd WHERE rank <= 3) > 3,
          'ranked by the score; the HHI order (hhi_rank) is kept and differs');
SELECT is((SELECT array_agg(function_code ORDER BY hhi_rank) FROM sd),
          (SELECT array_agg(function_code ORDER BY hhi DESC, function_code) FROM function_overview WHERE member_state IS NULL AND hhi IS NOT NULL),
          'hhi_rank is function_overview''s HHI order');
SELECT * FROM finish();
ROLLBACK;
