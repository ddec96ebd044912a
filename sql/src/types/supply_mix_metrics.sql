-- supply_mix metrics (hhi, cr, entropy, gini, shares, ...), what-ifs and
-- concentration bands.

CREATE OR REPLACE FUNCTION @extschema@.total(mix @extschema@.supply_mix) RETURNS float8
  AS 'MODULE_PATHNAME', 'supply_mix_total' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.key_count(mix @extschema@.supply_mix) RETURNS integer
  AS 'MODULE_PATHNAME', 'supply_mix_key_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.hhi(mix @extschema@.supply_mix) RETURNS float8
  AS 'MODULE_PATHNAME', 'supply_mix_hhi' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.hhi(mix @extschema@.supply_mix, base float8) RETURNS float8
  AS 'MODULE_PATHNAME', 'supply_mix_hhi_base' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.cr(mix @extschema@.supply_mix, k integer) RETURNS float8
  AS 'MODULE_PATHNAME', 'supply_mix_cr' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.effective_suppliers(mix @extschema@.supply_mix) RETURNS float8
  AS 'MODULE_PATHNAME', 'supply_mix_effective_suppliers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.entropy(mix @extschema@.supply_mix) RETURNS float8
  AS 'MODULE_PATHNAME', 'supply_mix_entropy' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.entropy(mix @extschema@.supply_mix, normalized boolean) RETURNS float8
  AS 'MODULE_PATHNAME', 'supply_mix_entropy_normalized' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.gini(mix @extschema@.supply_mix) RETURNS float8
  AS 'MODULE_PATHNAME', 'supply_mix_gini' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.share(mix @extschema@.supply_mix, key bigint) RETURNS float8
  AS 'MODULE_PATHNAME', 'supply_mix_share_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.share(mix @extschema@.supply_mix, key text) RETURNS float8
  AS 'MODULE_PATHNAME', 'supply_mix_share_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.share(mix @extschema@.supply_mix, keys bigint[]) RETURNS float8
  AS 'MODULE_PATHNAME', 'supply_mix_share_int8_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.share(mix @extschema@.supply_mix, keys text[]) RETURNS float8
  AS 'MODULE_PATHNAME', 'supply_mix_share_text_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.key_type(mix @extschema@.supply_mix) RETURNS text
  AS 'MODULE_PATHNAME', 'supply_mix_key_type' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.key_type(@extschema@.supply_mix) IS 'The kind of keys of a mix: bigint, text, or empty (no key yet).';
CREATE OR REPLACE FUNCTION @extschema@.top_shares(mix @extschema@.supply_mix, k integer)
  RETURNS TABLE (rank integer, key text, weight float8, share float8)
  AS 'MODULE_PATHNAME', 'supply_mix_top_shares' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
CREATE OR REPLACE FUNCTION @extschema@.each(mix @extschema@.supply_mix) RETURNS TABLE (key text, weight float8)
  AS 'MODULE_PATHNAME', 'supply_mix_each' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.each(@extschema@.supply_mix) IS 'Every key (as text) and weight of a mix, in key order.';
CREATE OR REPLACE FUNCTION @extschema@.without(mix @extschema@.supply_mix, keys bigint[]) RETURNS @extschema@.supply_mix
  AS 'MODULE_PATHNAME', 'supply_mix_without_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.without(mix @extschema@.supply_mix, keys text[]) RETURNS @extschema@.supply_mix
  AS 'MODULE_PATHNAME', 'supply_mix_without_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.merge_keys(mix @extschema@.supply_mix, keys bigint[], into_key bigint) RETURNS @extschema@.supply_mix
  AS 'MODULE_PATHNAME', 'supply_mix_merge_keys_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.merge_keys(mix @extschema@.supply_mix, keys text[], into_key text) RETURNS @extschema@.supply_mix
  AS 'MODULE_PATHNAME', 'supply_mix_merge_keys_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.concentration_level(hhi float8, guideline text DEFAULT 'eu2004') RETURNS text
  AS 'MODULE_PATHNAME', 'supply_mix_concentration_level' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.concentration_bands(guideline text DEFAULT 'eu2004')
  RETURNS TABLE (band integer, level text, hhi_from float8, hhi_to float8, from_included boolean, to_included boolean)
  AS 'MODULE_PATHNAME', 'supply_mix_concentration_bands' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 3;
COMMENT ON FUNCTION @extschema@.total(@extschema@.supply_mix) IS 'Sum of the weights (0 for the empty mix).';
COMMENT ON FUNCTION @extschema@.key_count(@extschema@.supply_mix) IS 'Number of keys (0 for the empty mix).';
COMMENT ON FUNCTION @extschema@.hhi(@extschema@.supply_mix) IS 'Herfindahl-Hirschman index on the 0..10000 scale; NULL for the empty mix.';
COMMENT ON FUNCTION @extschema@.hhi(@extschema@.supply_mix, float8) IS 'HHI with shares weight/base (base >= total: the rest counts as atomised).';
COMMENT ON FUNCTION @extschema@.cr(@extschema@.supply_mix, integer) IS 'Concentration ratio: sum of the k largest shares (0..1).';
COMMENT ON FUNCTION @extschema@.effective_suppliers(@extschema@.supply_mix) IS 'Numbers equivalent 10000/HHI.';
COMMENT ON FUNCTION @extschema@.entropy(@extschema@.supply_mix) IS 'Shannon entropy of the shares (natural log).';
COMMENT ON FUNCTION @extschema@.entropy(@extschema@.supply_mix, boolean) IS 'Shannon entropy; normalized = true divides by ln N (0 for one key).';
COMMENT ON FUNCTION @extschema@.gini(@extschema@.supply_mix) IS 'Gini coefficient of the weights over the keys present.';
COMMENT ON FUNCTION @extschema@.share(@extschema@.supply_mix, bigint) IS 'Share (0..1) of one bigint key; 0 when absent, NULL for the empty mix.';
COMMENT ON FUNCTION @extschema@.share(@extschema@.supply_mix, text) IS 'Share (0..1) of one text key; 0 when absent, NULL for the empty mix.';
COMMENT ON FUNCTION @extschema@.share(@extschema@.supply_mix, bigint[]) IS 'Combined share of a set of bigint keys (each counted once, NULLs ignored).';
COMMENT ON FUNCTION @extschema@.share(@extschema@.supply_mix, text[]) IS 'Combined share of a set of text keys (each counted once, NULLs ignored).';
COMMENT ON FUNCTION @extschema@.top_shares(@extschema@.supply_mix, integer) IS 'The k heaviest keys with rank, weight and share (ties: lower key first).';
COMMENT ON FUNCTION @extschema@.without(@extschema@.supply_mix, bigint[]) IS 'Phase-out what-if: the mix without these keys (remaining shares renormalise).';
COMMENT ON FUNCTION @extschema@.without(@extschema@.supply_mix, text[]) IS 'Phase-out what-if: the mix without these keys (remaining shares renormalise).';
COMMENT ON FUNCTION @extschema@.merge_keys(@extschema@.supply_mix, bigint[], bigint) IS 'Acquisition / common-control what-if: these keys become one key into_key.';
COMMENT ON FUNCTION @extschema@.merge_keys(@extschema@.supply_mix, text[], text) IS 'Acquisition / common-control what-if: these keys become one key into_key.';
COMMENT ON FUNCTION @extschema@.concentration_level(float8, text) IS 'Concentration band of an HHI under eu2004 (default), us2010 or us2023.';
COMMENT ON FUNCTION @extschema@.concentration_bands(text) IS 'The concentration bands of a guideline (eu2004 by default, us2010, us2023), lowest first: band number, level (as concentration_level names it), the HHI range and whether each end belongs to the band. The one definition concentration_level and the report charts read.';
