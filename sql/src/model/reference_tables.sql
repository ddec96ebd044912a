-- Reference tables: NIS2 sectors and subsectors, countries, ICT functions, risk
-- factors. Their shipped rows are in 11_reference_rows.sql.

CREATE TABLE @extschema@.sector (
  code    text PRIMARY KEY CONSTRAINT sector_code_format CHECK (code ~ '^[a-z][a-z0-9_]{0,62}$'),
  name    text NOT NULL CONSTRAINT sector_name_nonempty CHECK (name <> ''),
  annex   text NOT NULL CONSTRAINT sector_annex_valid CHECK (annex IN ('I', 'II')),
  shipped boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE @extschema@.sector IS 'NIS2 sectors (Annex I: high criticality; Annex II: other critical). The 18 shipped rows are not dumped.';
COMMENT ON COLUMN @extschema@.sector.code IS 'Slug used in view names (sector_<code>).';
COMMENT ON COLUMN @extschema@.sector.name IS 'Sector name as in the NIS2 annexes.';
COMMENT ON COLUMN @extschema@.sector.annex IS 'NIS2 annex: I (sectors of high criticality) or II (other critical sectors).';
COMMENT ON COLUMN @extschema@.sector.shipped IS 'True for rows shipped with the extension (read-only, not dumped).';

CREATE TABLE @extschema@.subsector (
  code        text PRIMARY KEY CONSTRAINT subsector_code_format CHECK (code ~ '^[a-z][a-z0-9_]*\.[a-z0-9_]+$'),
  sector_code text NOT NULL REFERENCES @extschema@.sector (code),
  name        text NOT NULL CONSTRAINT subsector_name_nonempty CHECK (name <> ''),
  shipped     boolean NOT NULL DEFAULT false,
  CONSTRAINT subsector_code_in_sector CHECK (pg_catalog.split_part(code, '.', 1) OPERATOR(pg_catalog.=) sector_code),
  UNIQUE (code, sector_code)
);
COMMENT ON TABLE @extschema@.subsector IS 'NIS2 subsectors; code is <sector>.<subsector>, e.g. energy.electricity, manufacturing.c29.';
COMMENT ON COLUMN @extschema@.subsector.code IS 'Subsector code, prefixed by its sector code.';
COMMENT ON COLUMN @extschema@.subsector.sector_code IS 'Sector the subsector belongs to.';
COMMENT ON COLUMN @extschema@.subsector.name IS 'Subsector name.';
COMMENT ON COLUMN @extschema@.subsector.shipped IS 'True for rows shipped with the extension (read-only, not dumped).';

CREATE TABLE @extschema@.country (
  code       text PRIMARY KEY CONSTRAINT country_code_format CHECK (code ~ '^[A-Z]{2}$'),
  name       text NOT NULL CONSTRAINT country_name_nonempty CHECK (name <> ''),
  eu_member  boolean NOT NULL DEFAULT false,
  eea_member boolean NOT NULL DEFAULT false,
  shipped    boolean NOT NULL DEFAULT false,
  CONSTRAINT country_eu_in_eea CHECK (NOT eu_member OR eea_member)
);
COMMENT ON TABLE @extschema@.country IS 'ISO 3166-1 alpha-2 countries with EU and EEA membership (all 249 shipped, not dumped).';
COMMENT ON COLUMN @extschema@.country.code IS 'ISO 3166-1 alpha-2 code (GR for Greece).';
COMMENT ON COLUMN @extschema@.country.name IS 'ISO 3166-1 short name.';
COMMENT ON COLUMN @extschema@.country.eu_member IS 'Member state of the European Union.';
COMMENT ON COLUMN @extschema@.country.eea_member IS 'Member of the European Economic Area (EU plus Iceland, Liechtenstein, Norway).';
COMMENT ON COLUMN @extschema@.country.shipped IS 'True for rows shipped with the extension (read-only, not dumped).';

CREATE TABLE @extschema@.ict_function (
  code        text PRIMARY KEY CONSTRAINT ict_function_code_format CHECK (code ~ '^[a-z][a-z0-9_]*\.[a-z0-9_]+$'),
  name        text NOT NULL CONSTRAINT ict_function_name_nonempty CHECK (name <> ''),
  criticality text NOT NULL CONSTRAINT ict_function_criticality_valid CHECK (criticality IN ('critical', 'sensitive', 'standard')),
  description text,
  shipped     boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE @extschema@.ict_function IS 'Catalogue of ICT functions an entity relies on, with their criticality (the 5G toolbox''s critical and sensitive assets).';
COMMENT ON COLUMN @extschema@.ict_function.code IS 'Function code, <family>.<function>, e.g. telecom.ran, cav.ota_updates.';
COMMENT ON COLUMN @extschema@.ict_function.name IS 'Function name.';
COMMENT ON COLUMN @extschema@.ict_function.criticality IS 'critical, sensitive or standard; drives the exposure weight and the multi-vendor rules.';
COMMENT ON COLUMN @extschema@.ict_function.description IS 'What the function covers.';
COMMENT ON COLUMN @extschema@.ict_function.shipped IS 'True for rows shipped with the extension (read-only, not dumped).';

CREATE TABLE @extschema@.risk_factor (
  code        text PRIMARY KEY CONSTRAINT risk_factor_code_format CHECK (code ~ '^(t|nt)\.[a-z0-9_]+$'),
  dimension   text NOT NULL CONSTRAINT risk_factor_dimension_valid CHECK (dimension IN ('technical', 'non_technical')),
  name        text NOT NULL CONSTRAINT risk_factor_name_nonempty CHECK (name <> ''),
  description text NOT NULL,
  reference   text,
  shipped     boolean NOT NULL DEFAULT false,
  CONSTRAINT risk_factor_prefix_matches_dimension
    CHECK ((dimension = 'technical') = (code ~ '^t\.'))
);
COMMENT ON TABLE @extschema@.risk_factor IS 'Catalogue of supplier risk factors, technical (t.*) and non-technical (nt.*), each assessed on the 0..4 scale.';
COMMENT ON COLUMN @extschema@.risk_factor.code IS 'Factor code: t.<name> (technical) or nt.<name> (non-technical).';
COMMENT ON COLUMN @extschema@.risk_factor.dimension IS 'technical or non_technical.';
COMMENT ON COLUMN @extschema@.risk_factor.name IS 'Short name.';
COMMENT ON COLUMN @extschema@.risk_factor.description IS 'What an assessor scores.';
COMMENT ON COLUMN @extschema@.risk_factor.reference IS 'Legal or methodological source of the factor.';
COMMENT ON COLUMN @extschema@.risk_factor.shipped IS 'True for rows shipped with the extension (read-only, not dumped).';
