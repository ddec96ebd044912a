-- pgTAP: exact_sum against exact numeric sums, in any order, serial and parallel; special
-- values, overflow, serialized states.
BEGIN;
SET search_path = supplyrisk, public;
SELECT plan(32);
\ir lib/plan.sql

SELECT is(exact_sum(x), 0.6::float8, '0.1 + 0.2 + 0.3 is 0.6 (sum(float8) gives 0.6000000000000001)')
FROM (VALUES (0.1::float8), (0.2), (0.3)) v(x);
SELECT isnt((SELECT sum(x) FROM (VALUES (0.1::float8), (0.2), (0.3)) v(x)), 0.6::float8, '(the naive sum is off by an ulp)');
SELECT is(exact_sum(x), 1::float8, '1e100 + 1 - 1e100 is 1 (nothing lost to cancellation)')
FROM (VALUES (1e100::float8), (1), (-1e100)) v(x);
SELECT is(exact_sum(x), 1e16::float8 + 2, 'ties: 1e16 + 1 + 1e-10... rounds up when the partials below say so')
FROM (VALUES (1e16::float8), (1), (1e-10)) v(x);
SELECT is(exact_sum(x), NULL, 'no rows: NULL') FROM (SELECT 1::float8 WHERE false) v(x);
SELECT is(exact_sum(x), NULL, 'only NULLs: NULL') FROM (VALUES (NULL::float8), (NULL)) v(x);
SELECT is(exact_sum(x), 'Infinity'::float8, 'infinity with finite values: infinity') FROM (VALUES ('inf'::float8), (1), (-5)) v(x);
SELECT ok(exact_sum(x) = 'NaN'::float8, 'inf + -inf: NaN, as sum(float8)') FROM (VALUES ('inf'::float8), ('-inf')) v(x);
SELECT throws_ok($$SELECT supplyrisk.exact_sum(x) FROM (VALUES (1e308::float8), (1e308)) v(x)$$, '22003',
                 'value out of range: overflow', 'a sum beyond float8: 22003');

-- 200 groups of 2,000 values spanning 30 orders of magnitude, both signs, each exactly k * 2^e:
-- the exact sum, an integer in numeric (scaled by 2^70), rounded once to float8 and scaled back
-- (exactly: a power of two), is the reference
SELECT setseed(0.17);
CREATE TABLE public.es_rows AS
SELECT g, k, e, (k::float8 * 2::float8 ^ e) AS x
FROM (SELECT g, ((random() - 0.3) * 2 ^ 52)::bigint AS k, (floor(random() * 100) - 70)::int AS e
      FROM generate_series(1, 200) g, generate_series(1, 2000) i) q;
ANALYZE public.es_rows;
CREATE TEMP TABLE es_ref AS
SELECT g, sum(k::numeric * 2::numeric ^ (e + 70))::float8 * 2::float8 ^ -70 AS exact,
       sum(x) AS naive
FROM public.es_rows GROUP BY g;
SELECT is((SELECT count(*) FROM public.es_rows WHERE x / 2::float8 ^ e <> k::float8), 0::bigint, '(every value of the fixture is exactly k * 2^e)');
SELECT is((SELECT count(*) FROM es_ref r JOIN (SELECT g, exact_sum(x) AS s FROM public.es_rows GROUP BY g) a USING (g) WHERE a.s = r.exact),
          200::bigint, 'every group''s exact_sum is the exact sum rounded once');
SELECT cmp_ok((SELECT count(*) FROM es_ref WHERE naive <> exact), '>', 0::bigint, '(where sum(float8) differs in some groups)');
SELECT is((SELECT count(*) FROM (SELECT g, exact_sum(x ORDER BY x) AS a, exact_sum(x ORDER BY -x) AS b, exact_sum(x ORDER BY random()) AS c
                                  FROM public.es_rows GROUP BY g) q WHERE a = b AND b = c),
          200::bigint, 'ascending, descending and shuffled orders give the same bits');

-- parallel partial aggregation (combine, serialize, deserialize) = serial
CREATE TEMP TABLE es_serial AS SELECT exact_sum(x) AS s, count(*) AS n FROM public.es_rows;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SELECT ok(EXISTS (SELECT 1 FROM pg_temp.plan_of('SELECT supplyrisk.exact_sum(x) FROM public.es_rows') l WHERE l LIKE '%Partial Aggregate%'),
          'exact_sum runs as a parallel partial aggregate');
SELECT is((SELECT exact_sum(x) FROM public.es_rows), (SELECT s FROM es_serial), 'parallel = serial, to the last bit');
SELECT is((SELECT exact_sum(x) FROM public.es_rows), (SELECT sum(k::numeric * 2::numeric ^ (e + 70))::float8 * 2::float8 ^ -70 FROM public.es_rows),
          'parallel = the exact sum rounded once');
RESET max_parallel_workers_per_gather; RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;

-- inputs over 1,950 binary orders of magnitude (k * 2^e, e from -1000 to 950): the partials
-- outgrow the 16 the state holds in itself (60 to 90 of them here; 0.2.0 stopped at 48 with an
-- internal error); the reference is the exact sum in numeric (2^e exactly, as 5^-e * 10^e for
-- negative e), rounded once by the numeric to float8 cast
SELECT setseed(0.29);
CREATE TABLE public.es_wide AS
SELECT g, k, e, (k::float8 * 2::float8 ^ e) AS x
FROM (SELECT g, ((random() - 0.5) * 2 ^ 53)::bigint AS k, (floor(random() * 1951) - 1000)::int AS e
      FROM generate_series(1, 10) g, generate_series(1, 5000) i) q;
ANALYZE public.es_wide;
CREATE TEMP TABLE es_p2 AS
SELECT e, CASE WHEN e >= 0 THEN 2::numeric ^ e ELSE 5::numeric ^ (-e) * ('1e' || e)::numeric END AS p FROM generate_series(-1000, 1000) e;
CREATE TEMP TABLE es_wide_ref AS SELECT g, sum(w.k * p.p)::float8 AS exact FROM public.es_wide w JOIN es_p2 p USING (e) GROUP BY g;
SELECT is((SELECT count(*) FROM public.es_wide WHERE x / 2::float8 ^ e <> k::float8), 0::bigint, '(every wide value is exactly k * 2^e)');
SELECT is((SELECT count(*) FROM es_wide_ref r JOIN (SELECT g, exact_sum(x) AS s FROM public.es_wide GROUP BY g) a USING (g) WHERE a.s = r.exact),
          10::bigint, 'inputs spread over 1,950 binary orders of magnitude: every group''s exact_sum is the exact sum rounded once');
CREATE TEMP TABLE es_wide_serial AS SELECT exact_sum(x ORDER BY x) AS s FROM public.es_wide;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SELECT is((SELECT exact_sum(x) FROM public.es_wide), (SELECT s FROM es_wide_serial),
          'wide inputs, parallel (states of many partials serialized, combined) = serial in ascending order, to the last bit');
SELECT is((SELECT exact_sum(x) FROM public.es_wide), (SELECT sum(w.k * p.p)::float8 FROM public.es_wide w JOIN es_p2 p USING (e)),
          'wide inputs, parallel = the exact sum rounded once');
RESET max_parallel_workers_per_gather; RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
SELECT is(exact_sum_from_state('\x01'::bytea || int8send(100) || '\x00'::bytea || float8send(0) || int4send(100)
                               || (SELECT string_agg(float8send(2::float8 ^ (-1000 + 20 * j)), ''::bytea ORDER BY j) FROM generate_series(0, 99) j)),
          (SELECT sum(p)::float8 FROM es_p2 WHERE (e + 1000) % 20 = 0 AND e <= 980),
          'a state of 100 partials (2^-1000, 2^-980, ..., 2^980) is read and rounded once');
SELECT throws_ok($$SELECT supplyrisk.exact_sum_from_state('\x01'::bytea || int8send(1) || '\x00'::bytea || float8send(0) || int4send(2099)
                                                          || decode(repeat('3ff0000000000000', 2099), 'hex'))$$,
                 '22P03', NULL, 'a state of more partials than float8 has bit positions (2,099 > 2,098) is refused');

-- serialized states: what workers send, validated
SELECT is(exact_sum_from_state('\x01'::bytea || int8send(2) || '\x00'::bytea || float8send(0) || int4send(2) || float8send(1e-20) || float8send(3)),
          3::float8, 'a state of partials 1e-20 and 3 is 3');
SELECT throws_ok($$SELECT supplyrisk.exact_sum_from_state('\x01'::bytea || int8send(2) || '\x00'::bytea || float8send(0) || int4send(2) || float8send(3) || float8send(1e-20))$$,
                 '22P03', NULL, 'partials out of order are refused');
SELECT throws_ok($$SELECT supplyrisk.exact_sum_from_state('\x01'::bytea || int8send(1) || '\x00'::bytea || float8send(0) || int4send(2) || float8send(1))$$,
                 '22P03', NULL, 'a count of partials beyond the bytes is refused');
SELECT throws_ok($$SELECT supplyrisk.exact_sum_from_state('\x01'::bytea || int8send(1))$$,
                 '22P03', NULL, 'a state shorter than its header is refused');
SELECT throws_ok($$SELECT supplyrisk.exact_sum_from_state('\x01'::bytea || int8send(1) || '\x02'::bytea || float8send(0) || int4send(0))$$,
                 '22P03', NULL, 'a special-value flag other than 0 or 1 is refused');
SELECT throws_ok($$SELECT supplyrisk.exact_sum_from_state('\x01'::bytea || int8send(1) || '\x00'::bytea || float8send(0) || int4send(1) || float8send('NaN'))$$,
                 '22P03', NULL, 'a NaN partial is refused');
SELECT throws_ok($$SELECT supplyrisk.exact_sum_from_state('\x01'::bytea || int8send(0) || '\x00'::bytea || float8send(0) || int4send(1) || float8send(2))$$,
                 '22P03', NULL, 'partial sums without inputs are refused');
SELECT throws_ok($$SELECT supplyrisk.exact_sum_from_state('\x01'::bytea || int8send(-1) || '\x00'::bytea || float8send(0) || int4send(0))$$,
                 '22P03', NULL, 'a negative input count is refused');
SELECT is(exact_sum_from_state('\x01'::bytea || int8send(0) || '\x00'::bytea || float8send(0) || int4send(0)), NULL,
          'a state of no inputs is NULL');
SELECT throws_ok($$SELECT supplyrisk.exact_sum_from_state('\x02'::bytea || int8send(1) || '\x00'::bytea || float8send(0) || int4send(0))$$,
                 '22P03', NULL, 'an unknown format version is refused');

SELECT * FROM finish();
ROLLBACK;
