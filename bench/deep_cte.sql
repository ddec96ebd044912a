-- deep_mix in plain SQL (recursive CTE over simple paths, the same semantics):
-- the baseline of the deep_mix benchmark. :n entities, depth :depth, min_share :min.
WITH RECURSIVE direct AS (
  SELECT s.entity_id, s.supplier_id AS origin, sum(s.weight) AS w
  FROM supplyrisk.supply s WHERE s.entity_id <= :n GROUP BY 1, 2
),
dep AS (SELECT supplier_id AS s, depends_on_supplier_id AS t, max(share) AS share FROM supplyrisk.supplier_dependency GROUP BY 1, 2),
p (entity_id, origin, node, mass, depth, path) AS (
  SELECT entity_id, origin, origin, 1::float8, 0, ARRAY[origin] FROM direct
  UNION ALL
  SELECT p.entity_id, p.origin, d.t, p.mass * d.share, p.depth + 1, p.path || d.t
  FROM p JOIN dep d ON d.s = p.node
  WHERE p.depth < :depth AND NOT d.t = ANY (p.path) AND p.mass * d.share >= :min
),
rel AS (SELECT entity_id, origin, node, least(1, sum(mass)) AS r FROM p WHERE depth > 0 GROUP BY 1, 2, 3)
SELECT entity_id, count(*) AS keys, sum(weight) AS total FROM (
  SELECT entity_id, node, sum(w) AS weight FROM (
    SELECT entity_id, origin AS node, w FROM direct
    UNION ALL
    SELECT rel.entity_id, rel.node, direct.w * rel.r FROM rel JOIN direct USING (entity_id, origin)) z
  GROUP BY 1, 2) y
GROUP BY 1
