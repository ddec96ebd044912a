-- supply_mix: text I/O, canonical form, metrics, what-ifs, bands, errors.
\set SHOW_CONTEXT never
SET search_path = supplyrisk, public;
SET extra_float_digits = 0;   -- the type prints shortest-exact regardless

-- canonical output: keys sorted, duplicates refused, whitespace ignored, shortest-exact floats
SELECT '{3:1, 1:2.5, -7:1e-3}'::supply_mix;
SELECT ' { "FR" : 1 , "DE":3,"de":2, "Ä":1 } '::supply_mix;
SELECT '{}'::supply_mix, ' {  } '::supply_mix;
SELECT '{1:0.1, 2:0.30000000000000004, 3:1e300, 4:5e-324, 5:123456789012345678}'::supply_mix;
SELECT '{-9223372036854775808:1, 9223372036854775807:2}'::supply_mix;
SELECT '{"a\"b":1, "c\\d":2, "tab\t":3, "\u00e9\ud83d\ude00":4, "x\/y":5}'::supply_mix;
-- text round trip is lossless
SELECT m::text::supply_mix = m AS round_trip
FROM (VALUES ('{1:0.1,2:0.2,3:0.30000000000000004}'::supply_mix), ('{"a\"b":1,"\u0001":2}'), ('{}')) v(m);

-- malformed text: 22P02, with the input and the position
SELECT ''::supply_mix;
\echo :LAST_ERROR_SQLSTATE
SELECT '{1:2'::supply_mix;
\echo :LAST_ERROR_SQLSTATE
SELECT '{1 2}'::supply_mix;
\echo :LAST_ERROR_SQLSTATE
SELECT '{1:2,}'::supply_mix;
\echo :LAST_ERROR_SQLSTATE
SELECT '{1:2} x'::supply_mix;
\echo :LAST_ERROR_SQLSTATE
SELECT '{1:2,"DE":3}'::supply_mix;
\echo :LAST_ERROR_SQLSTATE
SELECT '{1.5:2}'::supply_mix;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"DE:3}'::supply_mix;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"\q":3}'::supply_mix;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"\u0000":3}'::supply_mix;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"\ud800":3}'::supply_mix;
\echo :LAST_ERROR_SQLSTATE
SELECT '{1:1,1:2}'::supply_mix;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"DE":1,"FR":1,"DE":2}'::supply_mix;
\echo :LAST_ERROR_SQLSTATE
SELECT '{1:.5}'::supply_mix;
\echo :LAST_ERROR_SQLSTATE
SELECT '{1:0x10}'::supply_mix;
\echo :LAST_ERROR_SQLSTATE
-- bad weights: 22023 (not positive finite), 22003 (out of range)
SELECT '{1:0}'::supply_mix;
\echo :LAST_ERROR_SQLSTATE
SELECT '{1:-1}'::supply_mix;
\echo :LAST_ERROR_SQLSTATE
SELECT '{1:NaN}'::supply_mix;
\echo :LAST_ERROR_SQLSTATE
SELECT '{1:Infinity}'::supply_mix;
\echo :LAST_ERROR_SQLSTATE
SELECT '{1:-inf}'::supply_mix;
\echo :LAST_ERROR_SQLSTATE
SELECT '{1:1e400}'::supply_mix;
\echo :LAST_ERROR_SQLSTATE
SELECT '{1:1e-400}'::supply_mix;
\echo :LAST_ERROR_SQLSTATE
SELECT '{9223372036854775808:1}'::supply_mix;
\echo :LAST_ERROR_SQLSTATE

-- published examples (domain/metrics.md): exact
SELECT hhi('{1:30,2:30,3:20,4:20}'::supply_mix) AS "30,30,20,20",
       hhi('{1:60,2:30,3:10}'::supply_mix) AS "60,30,10",
       hhi('{1:40,2:30,3:20,4:10}'::supply_mix) AS "40,30,20,10",
       hhi('{1:25,2:25,3:25,4:25}'::supply_mix) AS "25x4",
       hhi('{1:1,2:1,3:1,4:1,5:1}'::supply_mix) AS "5 equal",
       effective_suppliers('{1:1,2:1,3:1,4:1,5:1}'::supply_mix) AS "eff 5 equal";
SELECT hhi(merge_keys(m, '{1,2}', 1)) - hhi(m) AS delta_hhi_30_15
FROM (SELECT '{1:30,2:15,3:55}'::supply_mix AS m) x;
SELECT entropy('{1:2,2:1,3:1}'::supply_mix) AS entropy_2_1_1;

-- every metric on one mix
WITH x(m) AS (SELECT '{1:40,2:30,3:20,4:10}'::supply_mix)
SELECT total(m), key_count(m), hhi(m), hhi(m, 200) AS hhi_base_200, cr(m, 1) AS cr1, cr(m, 2) AS cr2,
       cr(m, 4) AS cr4, cr(m, 10) AS cr10, effective_suppliers(m), entropy(m), entropy(m, true) AS entropy_norm,
       entropy(m, false) AS entropy_plain, gini(m), share(m, 2) AS share2, share(m, 99) AS share_absent,
       share(m, ARRAY[1,2,2,NULL,77]::bigint[]) AS share_1_2
FROM x;
SELECT * FROM top_shares('{1:10,2:40,3:40,4:10}'::supply_mix, 3);
SELECT * FROM top_shares('{"DE":3,"FR":1,"IT":1}'::supply_mix, 5);
SELECT share('{"DE":3,"FR":1}'::supply_mix, 'DE') AS de, share('{"DE":3,"FR":1}'::supply_mix, ARRAY['DE','FR']) AS de_fr;
-- single key and gini
SELECT hhi('{5:2}'::supply_mix), entropy('{5:2}'::supply_mix, true), gini('{5:2}'::supply_mix), gini('{1:1,2:1,3:1,4:97}'::supply_mix);
-- empty mix: NULL metrics, zero total and count
SELECT total(m), key_count(m), hhi(m), hhi(m, 10), cr(m, 1), effective_suppliers(m), entropy(m), entropy(m, true),
       gini(m), share(m, 1), share(m, 'DE'), share(m, ARRAY[1]::bigint[]), (SELECT count(*) FROM top_shares(m, 3)) AS top
FROM (SELECT '{}'::supply_mix AS m) x;

-- what-ifs
SELECT without('{1:50,2:30,3:20}'::supply_mix, ARRAY[1]) AS phase_out_1,
       hhi(without('{1:50,2:30,3:20}'::supply_mix, ARRAY[1])) AS hhi_after,
       without('{1:50,2:30,3:20}'::supply_mix, ARRAY[1,2,3]) AS all_gone,
       without('{1:50,2:30,3:20}'::supply_mix, ARRAY[7,NULL]) AS unchanged;
SELECT merge_keys('{1:50,2:30,3:20}'::supply_mix, ARRAY[2,3], 9) AS into_new,
       merge_keys('{1:50,2:30,3:20}'::supply_mix, ARRAY[2,3], 1) AS into_existing,
       merge_keys('{1:50,2:30,3:20}'::supply_mix, ARRAY[7,8], 1) AS none_present,
       merge_keys('{"A":1,"B":2,"C":3}'::supply_mix, ARRAY['A','B'], 'AB') AS text_keys,
       without('{"A":1,"B":2}'::supply_mix, ARRAY['B']) AS text_without;
-- an untyped array literal is ambiguous between the bigint[] and text[] forms: say which
SELECT without('{1:50,2:30}'::supply_mix, '{1}');
\echo :LAST_ERROR_SQLSTATE
SELECT without('{1:50,2:30}'::supply_mix, '{1}'::bigint[]);
-- merge operator and equality
SELECT '{1:1,2:2}'::supply_mix + '{2:3,5:1}' AS merged, '{1:1}'::supply_mix + '{}' AS with_empty,
       '{1:1}'::supply_mix = '{1:1.0}' AS eq, '{1:1}'::supply_mix <> '{1:2}' AS ne, '{}'::supply_mix = '{}' AS empty_eq,
       '{1:1}'::supply_mix = '{"1":1}' AS kinds_differ;

-- concentration bands: each boundary value and the side it falls on
SELECT h, concentration_level(h) AS eu2004, concentration_level(h, 'us2010') AS us2010, concentration_level(h, 'us2023') AS us2023
FROM unnest(ARRAY[0, 999.9999, 1000, 1500, 1800, 1800.0001, 2000, 2000.0001, 2500, 2500.0001, 10000]::float8[]) h;

-- errors of the functions
SELECT cr('{1:1}'::supply_mix, 0);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM top_shares('{1:1}'::supply_mix, -1);
\echo :LAST_ERROR_SQLSTATE
SELECT hhi('{1:10,2:10}'::supply_mix, 15);
\echo :LAST_ERROR_SQLSTATE
SELECT hhi('{1:10}'::supply_mix, 'NaN');
\echo :LAST_ERROR_SQLSTATE
SELECT share('{1:10}'::supply_mix, 'DE'::text);
\echo :LAST_ERROR_SQLSTATE
SELECT share('{"DE":10}'::supply_mix, 1::bigint);
\echo :LAST_ERROR_SQLSTATE
SELECT merge_keys('{"DE":10}'::supply_mix, '{1}'::bigint[], 1);
\echo :LAST_ERROR_SQLSTATE
SELECT '{1:1}'::supply_mix + '{"DE":1}';
\echo :LAST_ERROR_SQLSTATE
SELECT '{1:1e308}'::supply_mix + '{1:1e308}';
\echo :LAST_ERROR_SQLSTATE
SELECT concentration_level(10001);
\echo :LAST_ERROR_SQLSTATE
SELECT concentration_level(-1);
\echo :LAST_ERROR_SQLSTATE
SELECT concentration_level('NaN');
\echo :LAST_ERROR_SQLSTATE
SELECT concentration_level(500, 'uk2021');
\echo :LAST_ERROR_SQLSTATE
SELECT share('{1:1}'::supply_mix, ARRAY[[1,2],[3,4]]::bigint[]);
\echo :LAST_ERROR_SQLSTATE

-- jsonb casts
SELECT '{1:2.5,-3:1}'::supply_mix::jsonb AS to_jsonb, '{"DE":3,"a\"b":1}'::supply_mix::jsonb AS text_to_jsonb;
SELECT '{"17": 2.5, "-3": 1}'::jsonb::supply_mix AS int_keys, '{"DE": 3, "17": 1}'::jsonb::supply_mix AS text_keys,
       '{"017": 1}'::jsonb::supply_mix AS leading_zero_is_text, '{}'::jsonb::supply_mix AS empty;
SELECT m::jsonb::supply_mix = m AS jsonb_round_trip
FROM (VALUES ('{1:0.1,2:0.30000000000000004,3:1e-300}'::supply_mix), ('{"DE":0.1,"FR":7}'), ('{}')) v(m);
SELECT '[1,2]'::jsonb::supply_mix;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"DE": "3"}'::jsonb::supply_mix;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"DE": -3}'::jsonb::supply_mix;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"DE": 0}'::jsonb::supply_mix;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"DE": 1e400}'::jsonb::supply_mix;
\echo :LAST_ERROR_SQLSTATE
SELECT '{"DE": 1e-400}'::jsonb::supply_mix;
\echo :LAST_ERROR_SQLSTATE

-- aggregates: NULL rows skipped, empty input, mixed kinds refused, bad weights refused
SELECT supply_mix_agg(k, w), hhi(k, w)
FROM (VALUES (1::bigint, 30::float8), (2, 30), (3, 20), (4, 10), (4, 10), (NULL, 5), (5, NULL)) v(k, w);
SELECT supply_mix_agg(k, w), hhi(k, w) FROM (VALUES ('DE', 3::float8), ('FR', 1), ('DE', 0.5)) v(k, w);
SELECT supply_mix_agg(k, w) AS no_rows, hhi(k, w) AS hhi_no_rows FROM (SELECT 1::bigint k, 1::float8 w WHERE false) v;
SELECT supply_mix_agg(k, w) AS only_nulls FROM (VALUES (NULL::bigint, 1::float8)) v(k, w);
SELECT supply_mix_union(m), supply_mix_sum(m) FROM (VALUES ('{1:1,2:2}'::supply_mix), (NULL), ('{2:1,3:1}'), ('{}')) v(m);
SELECT supply_mix_union(m), supply_mix_sum(m) FROM (VALUES ('{"DE":1}'::supply_mix), ('{"FR":2,"DE":0.5}')) v(m);
SELECT supply_mix_union(m) AS union_no_rows, supply_mix_sum(m) AS sum_no_rows FROM (SELECT '{1:1}'::supply_mix m WHERE false) v;
SELECT supply_mix_agg(k, w) FROM (VALUES (1::bigint, 1::float8), (2, -1)) v(k, w);
\echo :LAST_ERROR_SQLSTATE
SELECT hhi(k, w) FROM (VALUES (1::bigint, 'NaN'::float8)) v(k, w);
\echo :LAST_ERROR_SQLSTATE
SELECT supply_mix_agg(k, w) FROM (VALUES ('DE', 'Infinity'::float8)) v(k, w);
\echo :LAST_ERROR_SQLSTATE
SELECT supply_mix_agg(k, w) FROM (VALUES (1::bigint, 0::float8)) v(k, w);
\echo :LAST_ERROR_SQLSTATE
SELECT supply_mix_agg(k, w) FROM (VALUES (1::bigint, 1e308::float8), (1, 1e308)) v(k, w);
\echo :LAST_ERROR_SQLSTATE
SELECT supply_mix_union(m) FROM (VALUES ('{1:1}'::supply_mix), ('{"DE":1}')) v(m);
\echo :LAST_ERROR_SQLSTATE
SELECT supply_mix_sum(m) FROM (VALUES ('{1:1}'::supply_mix), ('{"DE":1}')) v(m);
\echo :LAST_ERROR_SQLSTATE
