-- Bad-input campaign for supply_mix: random and mutated inputs to the text input
-- (supply_mix_in), the binary input (supply_mix_from_binary = recv) and the
-- aggregate-state deserializer (supply_mix_from_state), and the state deserializer of
-- exact_sum (exact_sum_from_state). Every case must end in a value (a mix must round-trip
-- and feed every metric) or a clean ERROR with one of the documented SQLSTATEs; the
-- backend's memory must not grow with the cases.
--   psql -v cases=100000 -v seconds=300 -v seed=0.5 -f test/fuzz/fuzz.sql
\set ON_ERROR_STOP 1
\if :{?cases} \else \set cases 100000 \endif
\if :{?seconds} \else \set seconds 300 \endif
\if :{?seed} \else \set seed 0.5 \endif
SET search_path = supplyrisk, public;
SET client_min_messages = notice;
SELECT setseed(:seed);

CREATE TEMP TABLE fuzz_seed (target text, v bytea);
INSERT INTO fuzz_seed SELECT 'text', convert_to(t, 'UTF8') FROM unnest(ARRAY[
  '{}', '{1:1}', '{1:2.5,3:1e-300,9223372036854775807:1.7976931348623157e308}', '{-9223372036854775808:5,0:0.1}',
  '{"a":1,"b\"c":2,"\u00e9":3}', '{"":1}', '{"x":0.1,"y":0.2,"z":4.9406564584124654e-324}', '{ 1 : 2 , 3 : 4 }',
  '{"DE":3,"FR":1}', '{7:1e10,8:1e-10,9:123456789012345678}', '{"\\":1,"\/":2,"\t\n":3}', '{"€uro":1,"日本":2}']) t;
INSERT INTO fuzz_seed SELECT 'binary', supply_mix_send(convert_from(v, 'UTF8')::supply_mix) FROM fuzz_seed WHERE target = 'text';
INSERT INTO fuzz_seed VALUES
  ('state', '\x01000000'::bytea || int4send(0)),
  ('state', '\x01010000'::bytea || int4send(1) || int8send(5) || float8send(2.5) || float8send(0)),
  ('state', '\x01010000'::bytea || int4send(3) || int8send(-7) || float8send(1) || float8send(1e-17)
            || int8send(5) || float8send(2.5) || float8send(-1e-16) || int8send(9223372036854775807) || float8send(1e300) || float8send(0)),
  ('state', '\x01020000'::bytea || int4send(2) || int4send(2) || 'DE'::bytea || float8send(3) || float8send(0)
            || int4send(2) || 'FR'::bytea || float8send(1) || float8send(1e-20)),
  -- version 2 (what serialize writes): keys in any order, each once
  ('state', '\x02010000'::bytea || int4send(3) || int8send(5) || float8send(2.5) || float8send(-1e-16)
            || int8send(-7) || float8send(1) || float8send(1e-17) || int8send(9223372036854775807) || float8send(1e300) || float8send(0)),
  ('state', '\x02020000'::bytea || int4send(2) || int4send(2) || 'FR'::bytea || float8send(1) || float8send(1e-20)
            || int4send(2) || 'DE'::bytea || float8send(3) || float8send(0));

-- exact_sum states: version 1, count, special flag, special sum, n, n partials (increasing magnitude)
INSERT INTO fuzz_seed VALUES
  ('sum_state', '\x01'::bytea || int8send(0) || '\x00'::bytea || float8send(0) || int4send(0)),
  ('sum_state', '\x01'::bytea || int8send(1) || '\x00'::bytea || float8send(0) || int4send(1) || float8send(5)),
  ('sum_state', '\x01'::bytea || int8send(3) || '\x00'::bytea || float8send(0) || int4send(3) || float8send(1e-300) || float8send(-1e-20) || float8send(1e300)),
  ('sum_state', '\x01'::bytea || int8send(2) || '\x01'::bytea || float8send('-Infinity') || int4send(1) || float8send(2.5));

CREATE TEMP TABLE fuzz_result (target text, outcome text, n bigint, example text);

-- one random mutation of a byte string
CREATE FUNCTION pg_temp.mutate(b bytea) RETURNS bytea LANGUAGE plpgsql AS $$
DECLARE
  len int := length(b);
  p int := floor(random() * (len + 1))::int;
  q int;
  op int := floor(random() * 9)::int;
  magic bytea[] := ARRAY['\x00000000', '\xffffffff', '\x7fffffff', '\x80000000', '\x7ff8000000000000',
                         '\x7ff0000000000000', '\xfff0000000000000', '\x8000000000000000', '\x0000000000000001',
                         '\x7fefffffffffffff', '\x00', '\x01', '\x02', '\x03', '\xff']::bytea[];
BEGIN
  IF op = 0 AND len > 0 THEN            -- change one byte
    RETURN set_byte(b, least(p, len - 1), floor(random() * 256)::int);
  ELSIF op = 1 THEN                      -- truncate
    RETURN substring(b FROM 1 FOR p);
  ELSIF op = 2 THEN                      -- insert random bytes
    RETURN substring(b FROM 1 FOR p) || decode(md5(random()::text), 'hex') ::bytea
           || substring(b FROM p + 1);
  ELSIF op = 3 AND len > 0 THEN          -- delete a range
    q := floor(random() * 16)::int + 1;
    RETURN substring(b FROM 1 FOR p) || substring(b FROM p + q + 1);
  ELSIF op = 4 AND len > 0 THEN          -- duplicate a range
    q := floor(random() * 24)::int + 1;
    RETURN substring(b FROM 1 FOR p) || substring(b FROM greatest(p - q, 0) + 1 FOR q) || substring(b FROM p + 1);
  ELSIF op IN (5, 6) THEN                -- overwrite with an interesting value
    RETURN overlay(b PLACING magic[1 + floor(random() * array_length(magic, 1))::int] FROM p + 1);
  ELSIF op = 7 THEN                      -- append garbage
    RETURN b || substring(decode(md5(random()::text), 'hex') FROM 1 FOR floor(random() * 16)::int + 1);
  END IF;
  RETURN set_byte(b || '\x00', p, floor(random() * 256)::int);  -- flip, possibly past the end
END $$;

-- one random mutation of a text
CREATE FUNCTION pg_temp.mutate_text(t text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  alphabet text[] := ARRAY['{', '}', ':', ',', '"', '\', 'u', '0', '1', '9', '.', 'e', 'E', '-', '+', ' ', 'N', 'a', 'I',
                           'n', 'f', 'i', 'nity', 'NaN', '1e309', '-0', '0x10', '\u0000', '\ud800', '\u00e9', 'é', '日',
                           '9223372036854775808', '-9223372036854775809', '1e-400', '{}', '""', '\"'];
  len int := length(t);
  p int := floor(random() * (len + 1))::int;
  tok text := alphabet[1 + floor(random() * array_length(alphabet, 1))::int];
  op int := floor(random() * 6)::int;
BEGIN
  IF op = 0 THEN RETURN overlay(t PLACING tok FROM p + 1 FOR 1);         -- replace a character
  ELSIF op = 1 THEN RETURN substring(t FROM 1 FOR p) || tok || substring(t FROM p + 1);  -- insert
  ELSIF op = 2 THEN RETURN substring(t FROM 1 FOR p) || substring(t FROM p + 2 + floor(random() * 4)::int);  -- delete
  ELSIF op = 3 THEN RETURN substring(t FROM 1 FOR p);                    -- truncate
  ELSIF op = 4 THEN RETURN t || substring(t FROM p + 1);                  -- duplicate a tail
  END IF;
  RETURN chr(1 + floor(random() * 126)::int) || t;                        -- random lead character
END $$;

CREATE FUNCTION pg_temp.fuzz(cases int, seconds int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  deadline timestamptz := clock_timestamp() + make_interval(secs => seconds);
  seeds_text text[] := ARRAY(SELECT convert_from(v, 'UTF8') FROM fuzz_seed WHERE target = 'text');
  seeds_bin bytea[] := ARRAY(SELECT v FROM fuzz_seed WHERE target = 'binary');
  seeds_state bytea[] := ARRAY(SELECT v FROM fuzz_seed WHERE target = 'state');
  seeds_sum bytea[] := ARRAY(SELECT v FROM fuzz_seed WHERE target = 'sum_state');
  x float8;
  allowed text[] := ARRAY['22P02', '22P03', '22023', '22003', '54000'];
  i int := 0;
  k int;
  target text;
  t text;
  b bytea;
  m supply_mix;
  st text;
  msg text;
  mem_before bigint;
  mem_after bigint;
  done int;
BEGIN
  SELECT sum(total_bytes) INTO mem_before FROM pg_backend_memory_contexts;
  WHILE i < cases AND clock_timestamp() < deadline LOOP
    i := i + 1;
    target := (ARRAY['text', 'binary', 'state', 'sum_state'])[1 + i % 4];
    t := NULL; b := NULL;
    IF target = 'text' THEN
      IF random() < 0.1 THEN  -- fresh random text
        SELECT string_agg(substr('{}:,"\0123456789.eE+-aNinfu ', 1 + floor(random() * 28)::int, 1), '')
          INTO t FROM generate_series(1, floor(random() * 40)::int);
        t := coalesce(t, '');
      ELSE
        t := seeds_text[1 + floor(random() * array_length(seeds_text, 1))::int];
        FOR k IN 1 .. 1 + floor(random() * 3)::int LOOP t := pg_temp.mutate_text(t); END LOOP;
      END IF;
    ELSE
      IF random() < 0.1 THEN  -- fresh random bytes, with a plausible header half of the time
        b := decode(repeat(md5(random()::text), 1 + floor(random() * 4)::int), 'hex');
        IF random() < 0.5 THEN b := overlay(b PLACING '\x0101000000000001'::bytea FROM 1); END IF;
      ELSE
        b := CASE target WHEN 'binary' THEN seeds_bin[1 + floor(random() * array_length(seeds_bin, 1))::int]
                         WHEN 'state' THEN seeds_state[1 + floor(random() * array_length(seeds_state, 1))::int]
                         ELSE seeds_sum[1 + floor(random() * array_length(seeds_sum, 1))::int] END;
        FOR k IN 1 .. 1 + floor(random() * 3)::int LOOP b := pg_temp.mutate(b); END LOOP;
      END IF;
    END IF;
    BEGIN
      IF target = 'text' THEN
        m := t::supply_mix;
        IF (m::text)::supply_mix <> m OR (m::text)::supply_mix::text <> m::text THEN
          RAISE EXCEPTION 'text round trip failed for %', t USING ERRCODE = 'FZ001';
        END IF;
      ELSIF target = 'binary' THEN
        m := supply_mix_from_binary(b);
        IF supply_mix_send(m) <> b THEN
          RAISE EXCEPTION 'binary round trip failed for %', b USING ERRCODE = 'FZ001';
        END IF;
      ELSIF target = 'state' THEN
        m := supply_mix_from_state(b);
      ELSE
        x := exact_sum_from_state(b);  -- a float8 (or NULL for a state of no inputs)
      END IF;
      IF target <> 'sum_state' THEN
        -- an accepted mix must be usable: every metric, jsonb, binary
        PERFORM hhi(m), cr(m, 1), cr(m, 4), entropy(m), entropy(m, true), gini(m), effective_suppliers(m),
                total(m), key_count(m), (m::jsonb)::supply_mix = m, supply_mix_from_binary(supply_mix_send(m)) = m,
                (SELECT count(*) FROM top_shares(m, 3)), m + m;
        IF key_count(m) > 0 AND NOT (hhi(m) BETWEEN 0 AND 10000.000001) THEN
          RAISE EXCEPTION 'hhi % out of range for %', hhi(m), m USING ERRCODE = 'FZ002';
        END IF;
      END IF;
      INSERT INTO fuzz_result VALUES (target, 'value', 1, NULL);
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
      INSERT INTO fuzz_result VALUES (target, 'error ' || st, 1,
        CASE WHEN st <> ALL (allowed) THEN coalesce(t, encode(b, 'hex')) || ' -> ' || msg END);
    END;
  END LOOP;
  SELECT sum(total_bytes) INTO mem_after FROM pg_backend_memory_contexts;
  done := i;
  RAISE NOTICE 'fuzz: % cases in % s, backend memory % kB before, % kB after',
    done, round(extract(epoch FROM clock_timestamp() - (deadline - make_interval(secs => seconds)))::numeric, 1),
    mem_before / 1024, mem_after / 1024;
  CREATE TEMP TABLE fuzz_run AS SELECT done AS cases, mem_before, mem_after;
END $$;

SELECT pg_temp.fuzz(:cases, :seconds);
SELECT target, outcome, sum(n) AS cases FROM fuzz_result GROUP BY 1, 2 ORDER BY 1, 2;
SELECT target, outcome, example FROM fuzz_result WHERE example IS NOT NULL LIMIT 20;
DO $$
DECLARE r record; bad bigint; accepted bigint;
BEGIN
  SELECT * INTO r FROM fuzz_run;
  SELECT count(*) FILTER (WHERE example IS NOT NULL), count(*) FILTER (WHERE outcome = 'value') INTO bad, accepted FROM fuzz_result;
  IF bad > 0 THEN RAISE EXCEPTION 'fuzz: % cases ended in an unexpected error', bad; END IF;
  IF r.cases < current_setting('fuzz.min_cases')::int THEN
    RAISE EXCEPTION 'fuzz: only % cases ran within the time bound (at least % wanted)', r.cases, current_setting('fuzz.min_cases');
  END IF;
  IF r.mem_after - r.mem_before > 16 * 1024 * 1024 THEN
    RAISE EXCEPTION 'fuzz: backend memory grew by % kB', (r.mem_after - r.mem_before) / 1024;
  END IF;
  RAISE NOTICE 'fuzz: ok — % cases, % accepted values, every other case a clean error with a documented SQLSTATE', r.cases, accepted;
END $$;
