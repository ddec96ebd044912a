-- Check constraints whose errors say what to fix: the constraints a loader can hit
-- call constraint_check, which passes the condition through and, when it is
-- false, raises 23514 naming the column, the value and the rule (src/constraint.c).

CREATE OR REPLACE FUNCTION @extschema@.constraint_check(ok boolean, value anyelement, constraint_name text, column_name text, rule text)
RETURNS boolean
  AS 'MODULE_PATHNAME', 'supplyrisk_constraint_check' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.constraint_check(boolean, anyelement, text, text, text) IS
  'For CHECK constraints: returns ok; when ok is false, raises check_violation (23514) naming column_name, the value and the rule, with constraint_name as the error''s constraint.';
