-- The library version.

CREATE OR REPLACE FUNCTION @extschema@.version() RETURNS text
AS 'MODULE_PATHNAME', 'supplyrisk_version' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.version() IS 'Version of the loaded supplyrisk library.';
