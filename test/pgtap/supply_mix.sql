-- pgTAP: supply_mix against independent computations, parallel vs serial,
-- partition unions, large round trips, state validation.
BEGIN;
SET search_path = supplyrisk, public;
SELECT plan(66);
\ir lib/plan.sql

-- 400 random mixes (1..60 keys, weights spanning 6 orders of magnitude), deterministic
SELECT setseed(0.42);
CREATE TEMP TABLE rnd AS
SELECT m AS mix_id, k AS key, (10 ^ (random() * 6 - 2))::float8 AS w
FROM generate_series(1, 400) m, LATERAL generate_series(1, 1 + (random() * 59)::int) k
WHERE random() < 0.9 OR k = 1;
-- independent formulas in plain SQL (numeric where it matters)
CREATE TEMP TABLE ref AS
WITH t AS (SELECT mix_id, sum(w::numeric) AS tot, count(*) AS n FROM rnd GROUP BY mix_id),
     s AS (SELECT r.mix_id, r.key, r.w, r.w::numeric / t.tot AS sh, t.n, t.tot,
                  row_number() OVER (PARTITION BY r.mix_id ORDER BY r.w DESC) AS rk
           FROM rnd r JOIN t USING (mix_id))
SELECT mix_id,
       10000 * sum(sh * sh) AS hhi,
       sum(sh) FILTER (WHERE rk <= 4) AS cr4,
       -sum(sh * ln(sh)) AS entropy,
       max(n) AS n,
       (SELECT sum(abs(a.w::numeric - b.w::numeric)) FROM rnd a JOIN rnd b USING (mix_id) WHERE a.mix_id = s.mix_id)
         / (2 * max(n) * max(n) * (max(tot) / max(n))) AS gini,
       max(tot) AS total
FROM s GROUP BY mix_id;
CREATE TEMP TABLE got AS
SELECT mix_id, supply_mix_agg(key, w) AS m FROM rnd GROUP BY mix_id;

SELECT is((SELECT count(*)::int FROM got), 400, '400 random mixes');
SELECT is((SELECT count(*)::int FROM got g JOIN ref r USING (mix_id) WHERE abs(hhi(g.m) - r.hhi) > 1e-9 * r.hhi), 0, 'hhi matches numeric reference (rel 1e-9)');
SELECT is((SELECT count(*)::int FROM got g JOIN ref r USING (mix_id) WHERE abs(cr(g.m, 4) - r.cr4) > 1e-12), 0, 'cr(4) matches reference');
SELECT is((SELECT count(*)::int FROM got g JOIN ref r USING (mix_id) WHERE abs(entropy(g.m) - r.entropy) > 1e-12), 0, 'entropy matches reference');
SELECT is((SELECT count(*)::int FROM got g JOIN ref r USING (mix_id) WHERE abs(entropy(g.m, true) - CASE WHEN r.n = 1 THEN 0 ELSE r.entropy / ln(r.n) END) > 1e-12), 0, 'normalised entropy matches reference');
SELECT is((SELECT count(*)::int FROM got g JOIN ref r USING (mix_id) WHERE abs(gini(g.m) - r.gini) > 1e-12), 0, 'gini matches the double-sum definition');
SELECT is((SELECT count(*)::int FROM got g JOIN ref r USING (mix_id) WHERE abs(effective_suppliers(g.m) - 10000 / r.hhi) > 1e-9 * (10000 / r.hhi)), 0, 'effective suppliers = 10000/HHI');
SELECT is((SELECT count(*)::int FROM got g JOIN ref r USING (mix_id) WHERE abs(total(g.m) - r.total) > 1e-13 * r.total), 0, 'total matches exact numeric sum (rel 1e-13)');
SELECT is((SELECT count(*)::int FROM got g JOIN ref r USING (mix_id) WHERE key_count(g.m) <> r.n), 0, 'key_count');
SELECT is((SELECT count(*)::int FROM (SELECT mix_id, hhi(supply_mix_agg(1::bigint, w)) h FROM rnd GROUP BY mix_id) x WHERE h <> 10000), 0,
          'one key: HHI exactly 10000 whatever its weights (400 random sums)');
SELECT is((SELECT count(*)::int FROM got WHERE hhi(m) > 10000 OR hhi(m) < 10000 / key_count(m)::float8 * (1 - 1e-15)), 0,
          'HHI within [10000/N, 10000]');
SELECT is((SELECT count(*)::int FROM got g JOIN (SELECT mix_id, hhi(key, w) AS h FROM rnd GROUP BY mix_id) a USING (mix_id) WHERE abs(hhi(g.m) - a.h) > 1e-12 * a.h), 0, 'hhi aggregate = hhi of the mix');
SELECT is((SELECT count(*)::int FROM got g WHERE abs((SELECT sum(share) FROM top_shares(g.m, 1000)) - 1) > 1e-12), 0, 'top_shares of all keys sum to 1');
SELECT is((SELECT count(*)::int FROM got g WHERE abs((SELECT sum(share) FROM top_shares(g.m, 4)) - cr(g.m, 4)) > 1e-12), 0, 'top_shares(4) sums to cr(4)');
SELECT is((SELECT count(*)::int FROM got g WHERE m::text::supply_mix <> m), 0, 'text round trip of every random mix');
SELECT is((SELECT count(*)::int FROM got g WHERE m::jsonb::supply_mix <> m), 0, 'jsonb round trip of every random mix');
SELECT is((SELECT count(*)::int FROM got g WHERE abs(share(m, ARRAY(SELECT generate_series(1, 60)::bigint)) - 1) > 1e-12), 0, 'share of all keys is 1');
SELECT is((SELECT count(*)::int FROM got g WHERE key_count(without(m, ARRAY[1::bigint])) <> key_count(m) - 1), 0, 'without drops the key');
SELECT is((SELECT count(*)::int FROM got g WHERE key_count(m) > 1 AND abs(hhi(merge_keys(m, ARRAY[1, 2]::bigint[], 1)) - hhi(m)
            - 2 * 10000 * share(m, 1::bigint) * share(m, 2::bigint)) > 1e-9 * hhi(m)), 0, 'merge_keys raises HHI by 2 S_a S_b (published delta rule)');
SELECT is((SELECT count(*)::int FROM got g WHERE key_count(m) > 1 AND abs(hhi(without(m, ARRAY[1::bigint]))
            - 10000 * (SELECT sum((w / (SELECT sum(w) FROM rnd r2 WHERE r2.mix_id = g.mix_id AND r2.key <> 1)) ^ 2) FROM rnd r WHERE r.mix_id = g.mix_id AND r.key <> 1)) > 1e-9 * 10000), 0, 'without renormalises the remaining shares');

-- merge is associative and commutative, and agrees with aggregating the rows together
SELECT is((SELECT count(*)::int FROM got a JOIN got b ON b.mix_id = a.mix_id + 1 WHERE a.m + b.m <> b.m + a.m), 0, 'merge commutes');
SELECT ok((SELECT bool_and(abs(hhi(x.m) - hhi(y.m)) < 1e-12 * hhi(x.m))
           FROM (SELECT supply_mix_union(m) m FROM got) x, (SELECT supply_mix_agg(key, w) m FROM rnd) y), 'union of per-mix states = one aggregate over all rows');

-- parallel vs serial on 2M rows
CREATE TABLE public.mix_big AS
SELECT (random() * 20000)::bigint AS key, ('c' || (random() * 300)::int) AS ckey, (random() * 1000 + 0.001)::float8 AS w, g % 7 AS part
FROM generate_series(1, 2000000) g;
ANALYZE public.mix_big;
SET LOCAL max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial AS SELECT supply_mix_agg(key, w) AS m, hhi(key, w) AS h, supply_mix_agg(ckey, w) AS cm, hhi(ckey, w) AS ch FROM public.mix_big;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
-- force_parallel_mode is debug_parallel_query from PostgreSQL 16 on
SELECT CASE WHEN current_setting('server_version_num')::int >= 160000 THEN 'debug_parallel_query' ELSE 'force_parallel_mode' END AS parallel_guc \gset
SET LOCAL :parallel_guc = on;
SELECT ok(EXISTS (SELECT 1 FROM pg_temp.plan_of('SELECT supply_mix_agg(key, w), hhi(key, w), supply_mix_agg(ckey, w), hhi(ckey, w) FROM public.mix_big') l
                  WHERE l LIKE '%Partial Aggregate%'), 'the parallel plan aggregates partially in workers');
CREATE TEMP TABLE par AS SELECT supply_mix_agg(key, w) AS m, hhi(key, w) AS h, supply_mix_agg(ckey, w) AS cm, hhi(ckey, w) AS ch FROM public.mix_big;
SELECT ok((SELECT abs(s.h - p.h) <= 1e-13 * s.h FROM serial s, par p), 'hhi: parallel = serial (rel 1e-13)');
SELECT ok((SELECT abs(s.ch - p.ch) <= 1e-13 * s.ch FROM serial s, par p), 'hhi text keys: parallel = serial (rel 1e-13)');
SELECT ok((SELECT key_count(s.m) = key_count(p.m) FROM serial s, par p), 'same keys serial and parallel');
SELECT ok((SELECT bool_and(abs(a.weight - b.weight) <= 4e-16 * a.weight) FROM serial s, par p,
           LATERAL top_shares(s.m, 100000) a JOIN LATERAL top_shares(p.m, 100000) b ON true WHERE a.key = b.key), 'every weight: parallel = serial within 2 ulp');
SELECT ok((SELECT bool_and(abs(a.weight - b.weight) <= 4e-16 * a.weight) FROM serial s, par p,
           LATERAL top_shares(s.cm, 100000) a JOIN LATERAL top_shares(p.cm, 100000) b ON true WHERE a.key = b.key), 'every text-key weight: parallel = serial within 2 ulp');
-- union of per-partition states (postgres_fdw shards, Citus workers)
-- 7 partitions, each split into 700 states (one per key bucket): many states to merge
CREATE TABLE public.mix_parts AS SELECT part, key % 700 AS bucket, supply_mix_agg(key, w) AS m, supply_mix_agg(ckey, w) AS cm FROM public.mix_big GROUP BY part, key % 700;
ANALYZE public.mix_parts;
SELECT ok((SELECT abs(hhi(u.m) - s.h) <= 1e-13 * s.h FROM (SELECT supply_mix_union(m) m FROM public.mix_parts) u, serial s), 'union of 4,900 partition states = serial hhi');
SELECT ok((SELECT abs(hhi(u.cm) - s.ch) <= 1e-13 * s.ch FROM (SELECT supply_mix_union(cm) cm FROM public.mix_parts) u, serial s), 'union of 4,900 text partition states = serial hhi');
SELECT ok(EXISTS (SELECT 1 FROM pg_temp.plan_of('SELECT supply_mix_union(m) FROM public.mix_parts') l WHERE l LIKE '%Partial Aggregate%'),
          'supply_mix_union runs as a partial aggregate');
SELECT ok(EXISTS (SELECT 1 FROM pg_temp.plan_of('SELECT supply_mix_sum(m) FROM public.mix_parts') l WHERE l LIKE '%Partial Aggregate%'),
          'supply_mix_sum runs as a partial aggregate (combine = + over supply_mix states)');
SELECT ok((SELECT abs(hhi(u) - hhi(v)) <= 1e-13 * hhi(u) AND key_count(u) = key_count(v)
           FROM (SELECT supply_mix_union(m) u, supply_mix_sum(m) v FROM public.mix_parts) x), 'supply_mix_sum (parallel) = supply_mix_union (parallel)');
RESET :parallel_guc;

-- summation does not drift with row order: 1M tiny weights plus one big, in two orders
SELECT ok((SELECT a.m = b.m FROM
  (SELECT supply_mix_agg(1::bigint, w ORDER BY g) m FROM (SELECT g, CASE WHEN g = 1 THEN 1e16 ELSE 1 END::float8 w FROM generate_series(1, 1000000) g) x) a,
  (SELECT supply_mix_agg(1::bigint, w ORDER BY g DESC) m FROM (SELECT g, CASE WHEN g = 1 THEN 1e16 ELSE 1 END::float8 w FROM generate_series(1, 1000000) g) x) b),
  'compensated sums: same weight in both row orders');
SELECT is((SELECT total(supply_mix_agg(1::bigint, w ORDER BY g)) FROM (SELECT g, CASE WHEN g = 1 THEN 1e16 ELSE 1 END::float8 w FROM generate_series(1, 1000000) g) x),
          1e16::float8 + 999999, 'compensated sum of 1e16 + 999999 ones is exact');

-- large mixes: 1,000,000 keys round-trip through text, jsonb and the aggregate state
CREATE TEMP TABLE large AS SELECT supply_mix_agg(g, g * 0.37 + 1) AS m, supply_mix_agg('k' || g, g * 0.37 + 1) AS t FROM generate_series(1, 1000000) g;
SELECT is((SELECT key_count(m) FROM large), 1000000, '1M-key bigint mix');
SELECT ok((SELECT m::text::supply_mix = m FROM large), '1M-key bigint mix text round trip');
SELECT ok((SELECT t::text::supply_mix = t FROM large), '1M-key text mix text round trip');
SELECT ok((SELECT m::jsonb::supply_mix = m FROM large), '1M-key mix jsonb round trip');
SELECT ok((SELECT pg_column_size(m) <= 16 * 1000000 + 16 FROM large), 'bigint mix stores 16 bytes per key');

-- serialized states are validated like binary input (22P03)
SELECT is(supply_mix_from_state('\x01010000' || int4send(1) || int8send(5) || float8send(2.5) || float8send(0)), '{5:2.5}'::supply_mix, 'a valid state');
SELECT is(supply_mix_from_state('\x01000000' || int4send(0)), '{}'::supply_mix, 'an empty state');
SELECT throws_ok($$SELECT supply_mix_from_state('\x010100')$$, '22P03', NULL, 'truncated header');
-- found by the fuzz campaign: a text-key length near 2^31 overflowed the bounds check (was 08P01)
SELECT throws_ok($$SELECT supply_mix_from_state('\x01020000'::bytea || int4send(1) || int4send(2147483647) || '\x44454f'::bytea || float8send(1) || float8send(0))$$, '22P03', NULL, 'state: text key length near 2^31');
SELECT throws_ok($$SELECT supply_mix_from_binary('\x01020000'::bytea || int4send(1) || int4send(2147483647) || '\x4445'::bytea || float8send(1))$$, '22P03', NULL, 'binary: text key length near 2^31');
SELECT is(supply_mix_from_binary(supply_mix_send('{"DE":3,"FR":1}')), '{"DE":3,"FR":1}'::supply_mix, 'supply_mix_from_binary reads what supply_mix_send writes');
SELECT throws_ok($$SELECT supply_mix_from_state('\x03010000' || int4send(1) || int8send(5) || float8send(2.5) || float8send(0))$$, '22P03', NULL, 'wrong version');
SELECT is(supply_mix_from_state('\x02010000' || int4send(2) || int8send(9) || float8send(1) || float8send(0) || int8send(5) || float8send(2.5) || float8send(0)),
          '{5:2.5,9:1}'::supply_mix, 'a version 2 state: keys in any order');
SELECT throws_ok($$SELECT supply_mix_from_state('\x02010000' || int4send(2) || int8send(5) || float8send(1) || float8send(0) || int8send(5) || float8send(2.5) || float8send(0))$$,
                 '22P03', 'invalid serialized supply_mix aggregate state: duplicate key', 'version 2: a key twice is refused');
SELECT throws_ok($$SELECT supply_mix_from_state('\x02020000'::bytea || int4send(2) || int4send(2) || 'DE'::bytea || float8send(1) || float8send(0) || int4send(2) || 'DE'::bytea || float8send(2) || float8send(0))$$,
                 '22P03', 'invalid serialized supply_mix aggregate state: duplicate key', 'version 2: a text key twice is refused');
SELECT throws_ok($$SELECT supply_mix_from_state('\x01010000' || int4send(2) || int8send(9) || float8send(1) || float8send(0) || int8send(5) || float8send(2.5) || float8send(0))$$,
                 '22P03', NULL, 'version 1: keys out of order are refused');
SELECT throws_ok($$SELECT supply_mix_from_state('\x01010001' || int4send(1) || int8send(5) || float8send(2.5) || float8send(0))$$, '22P03', NULL, 'reserved bits set');
SELECT throws_ok($$SELECT supply_mix_from_state('\x01010000' || int4send(2) || int8send(5) || float8send(2.5) || float8send(0) || int8send(5) || float8send(1) || float8send(0))$$, '22P03', NULL, 'duplicate key');
SELECT throws_ok($$SELECT supply_mix_from_state('\x01010000' || int4send(1) || int8send(5) || float8send('NaN') || float8send(0))$$, '22P03', NULL, 'NaN weight');
SELECT throws_ok($$SELECT supply_mix_from_state('\x01030000' || int4send(1) || int8send(5) || float8send(2.5) || float8send(0))$$, '22P03', NULL, 'unknown kind');

-- the concentration bands, written once (concentration_bands): the published eu2004 thresholds
-- (1,000 and 2,000), contiguous from 0 to 10,000, and concentration_level agreeing with them at
-- every edge and inside every band
SELECT results_eq($$SELECT level, hhi_from, hhi_to, from_included, to_included FROM concentration_bands() ORDER BY band$$,
                  $$VALUES ('low', 0::float8, 1000::float8, true, false), ('moderate', 1000, 2000, true, true), ('high', 2000, 10000, false, true)$$,
                  'eu2004 bands: low below 1,000, moderate 1,000 to 2,000, high above 2,000');
SELECT is((SELECT count(*)::int FROM unnest(ARRAY['eu2004', 'us2010', 'us2023']) g, concentration_bands(g) b
           JOIN concentration_bands(g) c ON c.band = b.band + 1
           WHERE c.hhi_from <> b.hhi_to OR c.from_included = b.to_included), 0,
          'each band starts where the one below ends, the edge in exactly one of them');
SELECT is((SELECT count(*)::int FROM unnest(ARRAY['eu2004', 'us2010', 'us2023']) g, concentration_bands(g) b,
           LATERAL (VALUES (b.hhi_from), (b.hhi_to), ((b.hhi_from + b.hhi_to) / 2), (b.hhi_from + 1e-9), (b.hhi_to - 1e-9)) v(h)
           WHERE (concentration_level(v.h, g) = b.level) IS DISTINCT FROM
                 ((v.h > b.hhi_from OR (v.h = b.hhi_from AND b.from_included)) AND (v.h < b.hhi_to OR (v.h = b.hhi_to AND b.to_included)))),
          0, 'concentration_level names the band concentration_bands puts each edge, midpoint and near-edge value in (3 guidelines)');
SELECT is((SELECT string_agg(g || ' ' || lo || '-' || hi, ', ' ORDER BY g) FROM (
             SELECT g, min(b.hhi_from) FILTER (WHERE b.from_included) AS lo, max(b.hhi_to) FILTER (WHERE b.to_included) AS hi
             FROM unnest(ARRAY['eu2004', 'us2010', 'us2023']) g, concentration_bands(g) b GROUP BY g) q),
          'eu2004 0-10000, us2010 0-10000, us2023 0-10000', 'every guideline''s bands cover 0 to 10,000, both ends included');
SELECT throws_ok($$SELECT * FROM supplyrisk.concentration_bands('eu2005')$$, '22023', 'unknown concentration guideline "eu2005"',
                 'an unknown guideline is refused (22023), as by concentration_level');
SELECT is(report_bands_text(guideline => 'eu2004'), 'low below 1,000; moderate 1,000 to 2,000; high above 2,000', 'the bands in words, from concentration_bands');

-- supply_mix_to_state, the inverse of supply_mix_from_state: every mix of the fuzz corpus and
-- large ones round-trip exactly; a state whose stored sum plus compensation is not positive
-- (hi 1, lo -1: a weight of 0) is refused like one with a zero weight
CREATE TEMP TABLE st_mix (id serial, m supply_mix);
INSERT INTO st_mix (m) SELECT t::supply_mix FROM unnest(ARRAY[
  '{}', '{1:1}', '{1:2.5,3:1e-300,9223372036854775807:1.7976931348623157e308}', '{-9223372036854775808:5,0:0.1}',
  '{"a":1,"b\"c":2,"\u00e9":3}', '{"":1}', '{"x":0.1,"y":0.2,"z":4.9406564584124654e-324}', '{ 1 : 2 , 3 : 4 }',
  '{"DE":3,"FR":1}', '{7:1e10,8:1e-10,9:123456789012345678}', '{"\\":1,"\/":2,"\t\n":3}', '{"€uro":1,"日本":2}']) t;
INSERT INTO st_mix (m) SELECT (SELECT supply_mix_agg(g, g * 0.1 + 1e-9) FROM generate_series(1, n) g) FROM unnest(ARRAY[1000, 100000]) n;
INSERT INTO st_mix (m) SELECT (SELECT supply_mix_agg('k' || g, g * 0.1) FROM generate_series(1, 20000) g);
SELECT is((SELECT count(*)::int FROM st_mix WHERE supply_mix_from_state(supply_mix_to_state(m)) OPERATOR(supplyrisk.=) m
                                              AND supply_mix_from_state(supply_mix_to_state(m))::text = m::text),
          (SELECT count(*)::int FROM st_mix), 'supply_mix_from_state(supply_mix_to_state(m)) = m for the fuzz corpus and mixes of 1,000 to 100,000 keys');
SELECT is(supply_mix_to_state('{5:2.5}'), '\x02010000'::bytea || int4send(1) || int8send(5) || float8send(2.5) || float8send(0),
          'supply_mix_to_state writes the version-2 state: kind, count, then key, weight and a zero compensation');
SELECT is(supply_mix_to_state('{}'), '\x02000000'::bytea || int4send(0), 'the empty mix is the empty state');
SELECT throws_ok($$SELECT supply_mix_from_state('\x02010000' || int4send(1) || int8send(5) || float8send(1) || float8send(-1))$$,
                 '22P03', NULL, 'a stored sum plus compensation of 0 (hi 1, lo -1) is refused');
SELECT throws_ok($$SELECT supply_mix_from_state('\x02010000' || int4send(1) || int8send(5) || float8send(1.7976931348623157e308) || float8send(1.7976931348623157e308))$$,
                 '22P03', NULL, 'a stored sum plus compensation beyond float8 is refused');

SELECT * FROM finish();
ROLLBACK;
