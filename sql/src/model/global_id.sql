-- valid_global_id: the forms of a global supplier identifier, checked by supplier.global_id's
-- constraint (a file of its own: an upgrade can replace the function without the table).

-- Supplier identity across databases: an LEI (ISO 17442, check digits ISO 7064 mod 97-10)
-- or a prefixed identifier (EUID:..., VAT:<CC>...). Databases mean the same supplier when
-- their global ids are equal, so the forms are strict (capitals).
CREATE OR REPLACE FUNCTION @extschema@.valid_global_id(id text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE
    WHEN $1 OPERATOR(pg_catalog.~) '^[0-9A-Z]{18}[0-9]{2}$' THEN  -- LEI: letters count 10..35, the whole number mod 97 is 1
      (SELECT pg_catalog.mod(pg_catalog.string_agg(CASE WHEN c OPERATOR(pg_catalog.~) '[0-9]' THEN c
                                                        ELSE (pg_catalog.ascii(c) OPERATOR(pg_catalog.-) 55)::pg_catalog.text END, '' ORDER BY i)::numeric, 97)
         OPERATOR(pg_catalog.=) 1
       FROM pg_catalog.unnest(pg_catalog.string_to_array($1, NULL)) WITH ORDINALITY x(c, i))
    WHEN $1 OPERATOR(pg_catalog.~) '^EUID:[A-Z]{2}[0-9A-Z.\-]{2,60}$' THEN true
    WHEN $1 OPERATOR(pg_catalog.~) '^VAT:[A-Z]{2}[0-9A-Z]{2,13}$' THEN true
    ELSE false
  END
$$;
COMMENT ON FUNCTION @extschema@.valid_global_id(text) IS
  'Whether a text is a global supplier identifier: an LEI (20 characters, ISO 17442, check digits mod 97-10), EUID:<EUID> or VAT:<country code><number>, in capitals.';
