-- supplier_risk in plain SQL (the default methodology, today): the baseline the
-- C scoring engine is measured against. Same rows, same columns.
WITH m AS (SELECT * FROM supplyrisk.methodology WHERE name = 'default'),
w AS (
  SELECT f.code, f.dimension = 'technical' AS tech, COALESCE(mw.weight, 0) AS w
  FROM supplyrisk.risk_factor f
  LEFT JOIN supplyrisk.methodology_weight mw ON mw.factor_code = f.code AND mw.methodology = 'default'
),
dw AS (  -- effective weight of a factor: W_d / sum W * w_f / sum_d w
  SELECT w.code, w.tech, w.w,
         CASE WHEN w.tech THEN m.technical_weight ELSE m.non_technical_weight END / (m.technical_weight + m.non_technical_weight)
           * w.w / sum(w.w) OVER (PARTITION BY w.tech) AS ew
  FROM w CROSS JOIN m WHERE w.w > 0
),
latest AS (
  SELECT DISTINCT ON (a.supplier_id, a.factor_code) a.supplier_id, a.factor_code, a.score
  FROM supplyrisk.assessment a
  WHERE a.assessed_on <= CURRENT_DATE AND (a.valid_until IS NULL OR a.valid_until > CURRENT_DATE)
  ORDER BY a.supplier_id, a.factor_code, a.assessed_on DESC, a.recorded_at DESC, a.assessment_id DESC
),
cells AS (
  SELECT s.supplier_id, dw.code, dw.tech, dw.w, dw.ew, COALESCE(l.score, m.unknown_score) AS sc, l.score IS NOT NULL AS assessed
  FROM supplyrisk.supplier s CROSS JOIN dw CROSS JOIN m
  LEFT JOIN latest l ON l.supplier_id = s.supplier_id AND l.factor_code = dw.code
),
prof AS (
  SELECT c.supplier_id,
         100 * (sum(c.w * (c.sc / 4) ^ m.power_mean_p) FILTER (WHERE c.tech) / sum(c.w) FILTER (WHERE c.tech)) ^ (1 / m.power_mean_p) AS t,
         100 * (sum(c.w * (c.sc / 4) ^ m.power_mean_p) FILTER (WHERE NOT c.tech) / sum(c.w) FILTER (WHERE NOT c.tech)) ^ (1 / m.power_mean_p) AS n,
         COALESCE(sum(c.ew) FILTER (WHERE c.assessed), 0) / sum(c.ew) AS coverage,
         COALESCE((array_agg(c.code ORDER BY c.ew * (c.sc / 4) ^ m.power_mean_p DESC, c.code COLLATE "C")
                   FILTER (WHERE c.assessed AND c.sc > 0))[1:max(m.top_factor_count)], '{}') AS top
  FROM cells c CROSS JOIN m
  GROUP BY c.supplier_id, m.power_mean_p
),
scored AS (
  SELECT p.*, 100 * ((m.technical_weight * (p.t / 100) ^ m.power_mean_p + m.non_technical_weight * (p.n / 100) ^ m.power_mean_p)
                     / (m.technical_weight + m.non_technical_weight)) ^ (1 / m.power_mean_p) AS r,
         m.band_medium, m.band_high, m.band_critical, m.hrv_threshold
  FROM prof p CROSS JOIN m
),
decision AS (
  SELECT DISTINCT ON (d.supplier_id) d.supplier_id, d.status FROM supplyrisk.designation d
  WHERE d.decided_on <= CURRENT_DATE ORDER BY d.supplier_id, d.decided_on DESC
),
own AS (
  SELECT s.*, CASE WHEN dc.status = 'high_risk' THEN 'designation'
                   WHEN COALESCE(dc.status, '') <> 'cleared' AND s.n >= s.hrv_threshold THEN 'score' END AS own_basis
  FROM scored s LEFT JOIN decision dc USING (supplier_id)
),
inherited AS (
  SELECT c.supplier_id, bool_or(o.own_basis IS NOT NULL) AS hr
  FROM supplyrisk.supplier_control_chain c JOIN own o ON o.supplier_id = c.controller_id
  WHERE c.depth > 0 GROUP BY c.supplier_id
)
SELECT o.supplier_id, s.name AS supplier_name, g.group_id, o.t AS technical_score, o.n AS non_technical_score, o.r AS risk_score,
       CASE WHEN o.r < o.band_medium THEN 'low' WHEN o.r < o.band_high THEN 'medium' WHEN o.r < o.band_critical THEN 'high' ELSE 'critical' END AS risk_level,
       o.own_basis IS NOT NULL OR COALESCE(i.hr, false) AS high_risk,
       COALESCE(o.own_basis, CASE WHEN i.hr THEN 'group' END) AS high_risk_basis,
       o.coverage, o.top AS top_factors
FROM own o
JOIN supplyrisk.supplier s USING (supplier_id)
LEFT JOIN supplyrisk.supplier_group_map g USING (supplier_id)
LEFT JOIN inherited i USING (supplier_id)
