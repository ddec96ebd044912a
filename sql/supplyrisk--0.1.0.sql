-- supplyrisk 0.1.0 — install script.
-- Every function and operator used in a view or SQL function is schema-qualified;
-- reference rows shipped with the extension carry shipped = true and are not dumped.

\echo Use "CREATE EXTENSION supplyrisk" to load this file. \quit

--------------------------------------------------------------------------------
-- Shipped reference rows are read-only (they are not dumped, so a change to one
-- would be lost by pg_dump). Upgrade scripts set supplyrisk.maintenance = 'on'.
--------------------------------------------------------------------------------
CREATE FUNCTION @extschema@.protect_shipped() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF pg_catalog.current_setting('supplyrisk.maintenance', true) IS NOT DISTINCT FROM 'on' THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW.shipped THEN
      RAISE EXCEPTION 'cannot insert a row marked shipped into %', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation',
              DETAIL = 'Only the extension ships reference rows; shipped rows are not dumped by pg_dump.',
              HINT = 'Insert your own rows with shipped = false (the default).';
    END IF;
    RETURN NEW;
  END IF;
  IF OLD.shipped THEN
    RAISE EXCEPTION 'cannot % shipped reference row of %', pg_catalog.lower(TG_OP), TG_TABLE_NAME
      USING ERRCODE = 'restrict_violation',
            DETAIL = pg_catalog.format('Row %s is shipped with the extension and is not dumped by pg_dump.', OLD),
            HINT = 'Add your own rows instead (for a methodology: copy it under a new name).';
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.shipped THEN
    RAISE EXCEPTION 'cannot mark a row of % as shipped', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
COMMENT ON FUNCTION @extschema@.protect_shipped() IS
  'Trigger: refuses changes to reference rows shipped with the extension (they are not dumped).';

--------------------------------------------------------------------------------
-- Reference data
--------------------------------------------------------------------------------
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

INSERT INTO @extschema@.sector (code, name, annex, shipped) VALUES
  ('energy', 'Energy', 'I', true),
  ('transport', 'Transport', 'I', true),
  ('banking', 'Banking', 'I', true),
  ('financial_market_infrastructures', 'Financial market infrastructures', 'I', true),
  ('health', 'Health', 'I', true),
  ('drinking_water', 'Drinking water', 'I', true),
  ('waste_water', 'Waste water', 'I', true),
  ('digital_infrastructure', 'Digital infrastructure', 'I', true),
  ('ict_service_management', 'ICT service management (business-to-business)', 'I', true),
  ('public_administration', 'Public administration', 'I', true),
  ('space', 'Space', 'I', true),
  ('postal_courier', 'Postal and courier services', 'II', true),
  ('waste_management', 'Waste management', 'II', true),
  ('chemicals', 'Manufacture, production and distribution of chemicals', 'II', true),
  ('food', 'Production, processing and distribution of food', 'II', true),
  ('manufacturing', 'Manufacturing', 'II', true),
  ('digital_providers', 'Digital providers', 'II', true),
  ('research', 'Research', 'II', true);

INSERT INTO @extschema@.subsector (code, sector_code, name, shipped) VALUES
  ('energy.electricity', 'energy', 'Electricity (including recharging point operators)', true),
  ('energy.district_heating_cooling', 'energy', 'District heating and cooling', true),
  ('energy.oil', 'energy', 'Oil', true),
  ('energy.gas', 'energy', 'Gas', true),
  ('energy.hydrogen', 'energy', 'Hydrogen', true),
  ('transport.air', 'transport', 'Air', true),
  ('transport.rail', 'transport', 'Rail', true),
  ('transport.water', 'transport', 'Water', true),
  ('transport.road', 'transport', 'Road', true),
  ('banking.credit_institutions', 'banking', 'Credit institutions', true),
  ('financial_market_infrastructures.trading_venues', 'financial_market_infrastructures', 'Operators of trading venues', true),
  ('financial_market_infrastructures.central_counterparties', 'financial_market_infrastructures', 'Central counterparties', true),
  ('health.healthcare_providers', 'health', 'Healthcare providers', true),
  ('health.eu_reference_labs', 'health', 'EU reference laboratories', true),
  ('health.medicinal_rd', 'health', 'Research and development of medicinal products', true),
  ('health.pharmaceutical_manufacturing', 'health', 'Manufacturing of basic pharmaceutical products and preparations', true),
  ('health.critical_medical_devices', 'health', 'Manufacturing of medical devices considered critical during a public health emergency', true),
  ('digital_infrastructure.ixp', 'digital_infrastructure', 'Internet exchange point providers', true),
  ('digital_infrastructure.dns', 'digital_infrastructure', 'DNS service providers', true),
  ('digital_infrastructure.tld', 'digital_infrastructure', 'TLD name registries', true),
  ('digital_infrastructure.cloud', 'digital_infrastructure', 'Cloud computing service providers', true),
  ('digital_infrastructure.data_centre', 'digital_infrastructure', 'Data centre service providers', true),
  ('digital_infrastructure.cdn', 'digital_infrastructure', 'Content delivery network providers', true),
  ('digital_infrastructure.trust_services', 'digital_infrastructure', 'Trust service providers', true),
  ('digital_infrastructure.public_ecomms_networks', 'digital_infrastructure', 'Providers of public electronic communications networks', true),
  ('digital_infrastructure.public_ecomms_services', 'digital_infrastructure', 'Providers of publicly available electronic communications services', true),
  ('ict_service_management.msp', 'ict_service_management', 'Managed service providers', true),
  ('ict_service_management.mssp', 'ict_service_management', 'Managed security service providers', true),
  ('public_administration.central', 'public_administration', 'Public administration entities of central government', true),
  ('public_administration.regional', 'public_administration', 'Public administration entities at regional level', true),
  ('space.ground_infrastructure', 'space', 'Operators of ground-based infrastructure', true),
  ('manufacturing.medical_devices', 'manufacturing', 'Manufacture of medical devices and in vitro diagnostic medical devices', true),
  ('manufacturing.c26', 'manufacturing', 'Manufacture of computer, electronic and optical products (NACE C26)', true),
  ('manufacturing.c27', 'manufacturing', 'Manufacture of electrical equipment (NACE C27)', true),
  ('manufacturing.c28', 'manufacturing', 'Manufacture of machinery and equipment n.e.c. (NACE C28)', true),
  ('manufacturing.c29', 'manufacturing', 'Manufacture of motor vehicles, trailers and semi-trailers (NACE C29)', true),
  ('manufacturing.c30', 'manufacturing', 'Manufacture of other transport equipment (NACE C30)', true),
  ('digital_providers.online_marketplaces', 'digital_providers', 'Providers of online marketplaces', true),
  ('digital_providers.search_engines', 'digital_providers', 'Providers of online search engines', true),
  ('digital_providers.social_networks', 'digital_providers', 'Providers of social networking services platforms', true);

INSERT INTO @extschema@.country (code, name, eu_member, eea_member, shipped) VALUES
  ('AD', 'Andorra', false, false, true),
  ('AE', 'United Arab Emirates', false, false, true),
  ('AF', 'Afghanistan', false, false, true),
  ('AG', 'Antigua and Barbuda', false, false, true),
  ('AI', 'Anguilla', false, false, true),
  ('AL', 'Albania', false, false, true),
  ('AM', 'Armenia', false, false, true),
  ('AO', 'Angola', false, false, true),
  ('AQ', 'Antarctica', false, false, true),
  ('AR', 'Argentina', false, false, true),
  ('AS', 'American Samoa', false, false, true),
  ('AT', 'Austria', true, true, true),
  ('AU', 'Australia', false, false, true),
  ('AW', 'Aruba', false, false, true),
  ('AX', 'Åland Islands', false, false, true),
  ('AZ', 'Azerbaijan', false, false, true),
  ('BA', 'Bosnia and Herzegovina', false, false, true),
  ('BB', 'Barbados', false, false, true),
  ('BD', 'Bangladesh', false, false, true),
  ('BE', 'Belgium', true, true, true),
  ('BF', 'Burkina Faso', false, false, true),
  ('BG', 'Bulgaria', true, true, true),
  ('BH', 'Bahrain', false, false, true),
  ('BI', 'Burundi', false, false, true),
  ('BJ', 'Benin', false, false, true),
  ('BL', 'Saint Barthélemy', false, false, true),
  ('BM', 'Bermuda', false, false, true),
  ('BN', 'Brunei Darussalam', false, false, true),
  ('BO', 'Bolivia, Plurinational State of', false, false, true),
  ('BQ', 'Bonaire, Sint Eustatius and Saba', false, false, true),
  ('BR', 'Brazil', false, false, true),
  ('BS', 'Bahamas', false, false, true),
  ('BT', 'Bhutan', false, false, true),
  ('BV', 'Bouvet Island', false, false, true),
  ('BW', 'Botswana', false, false, true),
  ('BY', 'Belarus', false, false, true),
  ('BZ', 'Belize', false, false, true),
  ('CA', 'Canada', false, false, true),
  ('CC', 'Cocos (Keeling) Islands', false, false, true),
  ('CD', 'Congo, The Democratic Republic of the', false, false, true),
  ('CF', 'Central African Republic', false, false, true),
  ('CG', 'Congo', false, false, true),
  ('CH', 'Switzerland', false, false, true),
  ('CI', 'Côte d''Ivoire', false, false, true),
  ('CK', 'Cook Islands', false, false, true),
  ('CL', 'Chile', false, false, true),
  ('CM', 'Cameroon', false, false, true),
  ('CN', 'China', false, false, true),
  ('CO', 'Colombia', false, false, true),
  ('CR', 'Costa Rica', false, false, true),
  ('CU', 'Cuba', false, false, true),
  ('CV', 'Cabo Verde', false, false, true),
  ('CW', 'Curaçao', false, false, true),
  ('CX', 'Christmas Island', false, false, true),
  ('CY', 'Cyprus', true, true, true),
  ('CZ', 'Czechia', true, true, true),
  ('DE', 'Germany', true, true, true),
  ('DJ', 'Djibouti', false, false, true),
  ('DK', 'Denmark', true, true, true),
  ('DM', 'Dominica', false, false, true),
  ('DO', 'Dominican Republic', false, false, true),
  ('DZ', 'Algeria', false, false, true),
  ('EC', 'Ecuador', false, false, true),
  ('EE', 'Estonia', true, true, true),
  ('EG', 'Egypt', false, false, true),
  ('EH', 'Western Sahara', false, false, true),
  ('ER', 'Eritrea', false, false, true),
  ('ES', 'Spain', true, true, true),
  ('ET', 'Ethiopia', false, false, true),
  ('FI', 'Finland', true, true, true),
  ('FJ', 'Fiji', false, false, true),
  ('FK', 'Falkland Islands (Malvinas)', false, false, true),
  ('FM', 'Micronesia, Federated States of', false, false, true),
  ('FO', 'Faroe Islands', false, false, true),
  ('FR', 'France', true, true, true),
  ('GA', 'Gabon', false, false, true),
  ('GB', 'United Kingdom', false, false, true),
  ('GD', 'Grenada', false, false, true),
  ('GE', 'Georgia', false, false, true),
  ('GF', 'French Guiana', false, false, true),
  ('GG', 'Guernsey', false, false, true),
  ('GH', 'Ghana', false, false, true),
  ('GI', 'Gibraltar', false, false, true),
  ('GL', 'Greenland', false, false, true),
  ('GM', 'Gambia', false, false, true),
  ('GN', 'Guinea', false, false, true),
  ('GP', 'Guadeloupe', false, false, true),
  ('GQ', 'Equatorial Guinea', false, false, true),
  ('GR', 'Greece', true, true, true),
  ('GS', 'South Georgia and the South Sandwich Islands', false, false, true),
  ('GT', 'Guatemala', false, false, true),
  ('GU', 'Guam', false, false, true),
  ('GW', 'Guinea-Bissau', false, false, true),
  ('GY', 'Guyana', false, false, true),
  ('HK', 'Hong Kong', false, false, true),
  ('HM', 'Heard Island and McDonald Islands', false, false, true),
  ('HN', 'Honduras', false, false, true),
  ('HR', 'Croatia', true, true, true),
  ('HT', 'Haiti', false, false, true),
  ('HU', 'Hungary', true, true, true),
  ('ID', 'Indonesia', false, false, true),
  ('IE', 'Ireland', true, true, true),
  ('IL', 'Israel', false, false, true),
  ('IM', 'Isle of Man', false, false, true),
  ('IN', 'India', false, false, true),
  ('IO', 'British Indian Ocean Territory', false, false, true),
  ('IQ', 'Iraq', false, false, true),
  ('IR', 'Iran, Islamic Republic of', false, false, true),
  ('IS', 'Iceland', false, true, true),
  ('IT', 'Italy', true, true, true),
  ('JE', 'Jersey', false, false, true),
  ('JM', 'Jamaica', false, false, true),
  ('JO', 'Jordan', false, false, true),
  ('JP', 'Japan', false, false, true),
  ('KE', 'Kenya', false, false, true),
  ('KG', 'Kyrgyzstan', false, false, true),
  ('KH', 'Cambodia', false, false, true),
  ('KI', 'Kiribati', false, false, true),
  ('KM', 'Comoros', false, false, true),
  ('KN', 'Saint Kitts and Nevis', false, false, true),
  ('KP', 'Korea, Democratic People''s Republic of', false, false, true),
  ('KR', 'Korea, Republic of', false, false, true),
  ('KW', 'Kuwait', false, false, true),
  ('KY', 'Cayman Islands', false, false, true),
  ('KZ', 'Kazakhstan', false, false, true),
  ('LA', 'Lao People''s Democratic Republic', false, false, true),
  ('LB', 'Lebanon', false, false, true),
  ('LC', 'Saint Lucia', false, false, true),
  ('LI', 'Liechtenstein', false, true, true),
  ('LK', 'Sri Lanka', false, false, true),
  ('LR', 'Liberia', false, false, true),
  ('LS', 'Lesotho', false, false, true),
  ('LT', 'Lithuania', true, true, true),
  ('LU', 'Luxembourg', true, true, true),
  ('LV', 'Latvia', true, true, true),
  ('LY', 'Libya', false, false, true),
  ('MA', 'Morocco', false, false, true),
  ('MC', 'Monaco', false, false, true),
  ('MD', 'Moldova, Republic of', false, false, true),
  ('ME', 'Montenegro', false, false, true),
  ('MF', 'Saint Martin (French part)', false, false, true),
  ('MG', 'Madagascar', false, false, true),
  ('MH', 'Marshall Islands', false, false, true),
  ('MK', 'North Macedonia', false, false, true),
  ('ML', 'Mali', false, false, true),
  ('MM', 'Myanmar', false, false, true),
  ('MN', 'Mongolia', false, false, true),
  ('MO', 'Macao', false, false, true),
  ('MP', 'Northern Mariana Islands', false, false, true),
  ('MQ', 'Martinique', false, false, true),
  ('MR', 'Mauritania', false, false, true),
  ('MS', 'Montserrat', false, false, true),
  ('MT', 'Malta', true, true, true),
  ('MU', 'Mauritius', false, false, true),
  ('MV', 'Maldives', false, false, true),
  ('MW', 'Malawi', false, false, true),
  ('MX', 'Mexico', false, false, true),
  ('MY', 'Malaysia', false, false, true),
  ('MZ', 'Mozambique', false, false, true),
  ('NA', 'Namibia', false, false, true),
  ('NC', 'New Caledonia', false, false, true),
  ('NE', 'Niger', false, false, true),
  ('NF', 'Norfolk Island', false, false, true),
  ('NG', 'Nigeria', false, false, true),
  ('NI', 'Nicaragua', false, false, true),
  ('NL', 'Netherlands', true, true, true),
  ('NO', 'Norway', false, true, true),
  ('NP', 'Nepal', false, false, true),
  ('NR', 'Nauru', false, false, true),
  ('NU', 'Niue', false, false, true),
  ('NZ', 'New Zealand', false, false, true),
  ('OM', 'Oman', false, false, true),
  ('PA', 'Panama', false, false, true),
  ('PE', 'Peru', false, false, true),
  ('PF', 'French Polynesia', false, false, true),
  ('PG', 'Papua New Guinea', false, false, true),
  ('PH', 'Philippines', false, false, true),
  ('PK', 'Pakistan', false, false, true),
  ('PL', 'Poland', true, true, true),
  ('PM', 'Saint Pierre and Miquelon', false, false, true),
  ('PN', 'Pitcairn', false, false, true),
  ('PR', 'Puerto Rico', false, false, true),
  ('PS', 'Palestine, State of', false, false, true),
  ('PT', 'Portugal', true, true, true),
  ('PW', 'Palau', false, false, true),
  ('PY', 'Paraguay', false, false, true),
  ('QA', 'Qatar', false, false, true),
  ('RE', 'Réunion', false, false, true),
  ('RO', 'Romania', true, true, true),
  ('RS', 'Serbia', false, false, true),
  ('RU', 'Russian Federation', false, false, true),
  ('RW', 'Rwanda', false, false, true),
  ('SA', 'Saudi Arabia', false, false, true),
  ('SB', 'Solomon Islands', false, false, true),
  ('SC', 'Seychelles', false, false, true),
  ('SD', 'Sudan', false, false, true),
  ('SE', 'Sweden', true, true, true),
  ('SG', 'Singapore', false, false, true),
  ('SH', 'Saint Helena, Ascension and Tristan da Cunha', false, false, true),
  ('SI', 'Slovenia', true, true, true),
  ('SJ', 'Svalbard and Jan Mayen', false, false, true),
  ('SK', 'Slovakia', true, true, true),
  ('SL', 'Sierra Leone', false, false, true),
  ('SM', 'San Marino', false, false, true),
  ('SN', 'Senegal', false, false, true),
  ('SO', 'Somalia', false, false, true),
  ('SR', 'Suriname', false, false, true),
  ('SS', 'South Sudan', false, false, true),
  ('ST', 'Sao Tome and Principe', false, false, true),
  ('SV', 'El Salvador', false, false, true),
  ('SX', 'Sint Maarten (Dutch part)', false, false, true),
  ('SY', 'Syrian Arab Republic', false, false, true),
  ('SZ', 'Eswatini', false, false, true),
  ('TC', 'Turks and Caicos Islands', false, false, true),
  ('TD', 'Chad', false, false, true),
  ('TF', 'French Southern Territories', false, false, true),
  ('TG', 'Togo', false, false, true),
  ('TH', 'Thailand', false, false, true),
  ('TJ', 'Tajikistan', false, false, true),
  ('TK', 'Tokelau', false, false, true),
  ('TL', 'Timor-Leste', false, false, true),
  ('TM', 'Turkmenistan', false, false, true),
  ('TN', 'Tunisia', false, false, true),
  ('TO', 'Tonga', false, false, true),
  ('TR', 'Türkiye', false, false, true),
  ('TT', 'Trinidad and Tobago', false, false, true),
  ('TV', 'Tuvalu', false, false, true),
  ('TW', 'Taiwan, Province of China', false, false, true),
  ('TZ', 'Tanzania, United Republic of', false, false, true),
  ('UA', 'Ukraine', false, false, true),
  ('UG', 'Uganda', false, false, true),
  ('UM', 'United States Minor Outlying Islands', false, false, true),
  ('US', 'United States', false, false, true),
  ('UY', 'Uruguay', false, false, true),
  ('UZ', 'Uzbekistan', false, false, true),
  ('VA', 'Holy See (Vatican City State)', false, false, true),
  ('VC', 'Saint Vincent and the Grenadines', false, false, true),
  ('VE', 'Venezuela, Bolivarian Republic of', false, false, true),
  ('VG', 'Virgin Islands, British', false, false, true),
  ('VI', 'Virgin Islands, U.S.', false, false, true),
  ('VN', 'Viet Nam', false, false, true),
  ('VU', 'Vanuatu', false, false, true),
  ('WF', 'Wallis and Futuna', false, false, true),
  ('WS', 'Samoa', false, false, true),
  ('YE', 'Yemen', false, false, true),
  ('YT', 'Mayotte', false, false, true),
  ('ZA', 'South Africa', false, false, true),
  ('ZM', 'Zambia', false, false, true),
  ('ZW', 'Zimbabwe', false, false, true);

INSERT INTO @extschema@.ict_function (code, name, criticality, description, shipped) VALUES
  ('telecom.core_network', 'Mobile and fixed core network', 'critical', 'Core network functions (5G core, IMS, subscriber data management).', true),
  ('telecom.ran', 'Radio access network', 'critical', 'Base stations, antennas and RAN software.', true),
  ('telecom.network_management', 'Network management and orchestration', 'critical', 'Network management, orchestration and operations support systems.', true),
  ('telecom.transport_network', 'Transport and backhaul network', 'sensitive', 'IP/MPLS, optical and microwave transport.', true),
  ('telecom.oss_bss', 'Business support systems', 'sensitive', 'Billing, charging and customer management for network operators.', true),
  ('cav.vehicle_control', 'Vehicle control, processing and decision-making', 'critical', 'ECUs and software that control connected and automated vehicles.', true),
  ('cav.vehicle_data_processing', 'Vehicle data processing', 'critical', 'Processing of vehicle, sensor and driver data, on board and in the back end.', true),
  ('cav.vehicle_communications', 'Vehicle communications', 'critical', 'Telematics control units, V2X and cellular modules.', true),
  ('cav.ota_updates', 'Remote / over-the-air software updates', 'critical', 'Platforms that deliver software and firmware updates to vehicles.', true),
  ('border.scanner_control', 'Detection equipment control', 'critical', 'Control software of scanners and detection equipment at borders and customs.', true),
  ('border.detection_data_processing', 'Detection data processing', 'critical', 'Processing, storage and analysis of detection images and data.', true),
  ('border.detection_hardware', 'Detection equipment hardware', 'sensitive', 'X-ray, CT, radiation and trace detection hardware.', true),
  ('cloud.iaas', 'Cloud hosting (IaaS)', 'critical', 'Compute, storage and network infrastructure as a service.', true),
  ('cloud.paas', 'Cloud platform services (PaaS)', 'sensitive', 'Managed databases, containers and application platforms.', true),
  ('cloud.saas_business', 'Business SaaS applications', 'standard', 'Business applications delivered as software as a service.', true),
  ('datacentre.colocation', 'Data centre and colocation', 'sensitive', 'Physical hosting, power and cooling.', true),
  ('security.managed_security', 'Managed security services', 'critical', 'SOC, managed detection and response, incident response retainers.', true),
  ('security.endpoint_protection', 'Endpoint protection', 'sensitive', 'Endpoint detection and response agents with privileged access.', true),
  ('security.network_security', 'Network security appliances', 'sensitive', 'Firewalls, VPN concentrators, secure gateways.', true),
  ('identity.iam', 'Identity and access management', 'critical', 'Directory, single sign-on, privileged access management.', true),
  ('identity.trust_pki', 'PKI and trust services', 'sensitive', 'Certificate authorities, signing and time-stamping.', true),
  ('ot.ics_control', 'OT / industrial control systems', 'critical', 'PLCs, DCS and safety controllers of industrial processes.', true),
  ('ot.scada', 'SCADA and grid control', 'critical', 'Supervisory control and data acquisition, energy management systems.', true),
  ('ot.field_devices', 'Field devices and sensors', 'sensitive', 'Remote terminal units, smart meters, sensors and actuators.', true),
  ('it.enterprise_network', 'Enterprise network equipment', 'sensitive', 'Switches, routers and wireless LAN.', true),
  ('it.servers_storage', 'Servers and storage hardware', 'standard', 'On-premises compute and storage hardware.', true),
  ('it.end_user_devices', 'End-user devices', 'standard', 'Laptops, desktops and mobile devices.', true),
  ('it.operating_systems', 'Operating systems and virtualisation', 'sensitive', 'Server and client operating systems, hypervisors.', true),
  ('it.managed_services', 'Managed IT services', 'sensitive', 'Outsourced IT operations with remote administrative access.', true),
  ('it.backup', 'Backup and recovery', 'sensitive', 'Backup software, services and immutable storage.', true),
  ('it.collaboration', 'E-mail and collaboration', 'standard', 'E-mail, messaging and office collaboration suites.', true),
  ('it.erp', 'ERP and business applications', 'standard', 'Enterprise resource planning and line-of-business software.', true),
  ('finance.core_banking', 'Core banking systems', 'critical', 'Account management and transaction processing of credit institutions.', true),
  ('finance.payment_processing', 'Payment processing', 'critical', 'Payment switching, clearing and card processing.', true),
  ('finance.trading_platform', 'Trading and clearing platforms', 'critical', 'Matching engines, clearing and settlement systems.', true),
  ('health.clinical_systems', 'Clinical information systems', 'sensitive', 'Electronic health records, hospital and laboratory information systems.', true),
  ('health.medical_device_software', 'Medical device software', 'sensitive', 'Software and connectivity of networked medical devices.', true),
  ('space.ground_segment', 'Space ground segment', 'critical', 'Satellite control, ground stations and mission data processing.', true),
  ('dns.resolution', 'DNS and domain services', 'sensitive', 'Authoritative and recursive DNS, registry systems.', true),
  ('cdn.delivery', 'Content delivery and DDoS protection', 'sensitive', 'Content delivery networks and DDoS mitigation services.', true);

INSERT INTO @extschema@.risk_factor (code, dimension, name, description, reference, shipped) VALUES
  ('nt.state_link', 'non_technical', 'Link to a third-country government', 'Strong link between the supplier and the government of a third country.', 'EU 5G coordinated risk assessment (2019) supplier profile; NIS2 recital 90', true),
  ('nt.jurisdiction', 'non_technical', 'Controlling jurisdiction', 'Legal regime of the controlling jurisdiction: obligations to cooperate with intelligence services without democratic or judicial checks; no EU data-protection or security agreement.', 'EU 5G coordinated risk assessment (2019); Cybersecurity Act revision proposal (2026)', true),
  ('nt.ownership', 'non_technical', 'Ownership and control', 'Opacity or characteristics of ownership, control and financing.', 'EU 5G Security Toolbox (2020); Cybersecurity Act revision proposal (2026)', true),
  ('nt.pressure', 'non_technical', 'Third-country pressure', 'A third country''s ability to exert pressure, including through the place of manufacturing.', 'EU 5G coordinated risk assessment (2019)', true),
  ('nt.sanctions', 'non_technical', 'Sanctions and export controls', 'Restrictive measures and export-control exposure.', 'ICT Supply Chain Security Toolbox (2026)', true),
  ('nt.supply_assurance', 'non_technical', 'Supply assurance', 'Ability to assure supply: financial stability, concentration of production, geopolitical disruption.', 'ICT Supply Chain Security Toolbox (2026); DORA Art. 29', true),
  ('nt.interference_record', 'non_technical', 'Interference record', 'Documented interference or hostile conduct.', 'EU 5G coordinated risk assessment (2019)', true),
  ('t.product_quality', 'technical', 'Product quality', 'Overall quality of products and vulnerability record, including known exploited vulnerabilities.', 'NIS2 Art. 21(3)', true),
  ('t.secure_development', 'technical', 'Secure development', 'Secure development procedures and SBOM availability.', 'NIS2 Art. 21(3); Cyber Resilience Act', true),
  ('t.vulnerability_handling', 'technical', 'Vulnerability handling', 'Coordinated disclosure, patch timeliness and support lifetime.', 'NIS2 Art. 21(2)(e)', true),
  ('t.certification', 'technical', 'Missing certification', 'Absence of relevant certification (ISO/IEC 27001, EUCC, IEC 62443, NESAS).', 'NIS2 Art. 24; ICT Supply Chain Security Toolbox (2026)', true),
  ('t.privileged_access', 'technical', 'Privileged access', 'Level of remote or privileged access the supplier holds (managed services, remote updates).', 'ICT Supply Chain Security Toolbox (2026)', true),
  ('t.incident_record', 'technical', 'Incident record', 'Incident history and response capability.', 'NIS2 Art. 21(3)', true),
  ('t.transparency', 'technical', 'Transparency', 'Openness to audit, testing and source review.', 'EU 5G Security Toolbox (2020)', true),
  ('t.subsupplier_control', 'technical', 'Sub-supplier control', 'Control over the supplier''s own supply chain.', 'NIS2 Art. 21(2)(d)', true);

CREATE TRIGGER sector_protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.sector
  FOR EACH ROW EXECUTE FUNCTION @extschema@.protect_shipped();
CREATE TRIGGER subsector_protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.subsector
  FOR EACH ROW EXECUTE FUNCTION @extschema@.protect_shipped();
CREATE TRIGGER country_protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.country
  FOR EACH ROW EXECUTE FUNCTION @extschema@.protect_shipped();
CREATE TRIGGER ict_function_protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.ict_function
  FOR EACH ROW EXECUTE FUNCTION @extschema@.protect_shipped();
CREATE TRIGGER risk_factor_protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.risk_factor
  FOR EACH ROW EXECUTE FUNCTION @extschema@.protect_shipped();

SELECT pg_catalog.pg_extension_config_dump('@extschema@.sector', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.subsector', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.country', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.ict_function', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.risk_factor', 'WHERE NOT shipped');

--------------------------------------------------------------------------------
-- Methodology: versioned scoring configuration
--------------------------------------------------------------------------------
CREATE TABLE @extschema@.methodology (
  name                 text PRIMARY KEY CONSTRAINT methodology_name_format CHECK (name ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
  description          text,
  power_mean_p         float8 NOT NULL DEFAULT 2
    CONSTRAINT methodology_power_mean_p_range CHECK (power_mean_p >= 1 AND power_mean_p <= 16),
  technical_weight     float8 NOT NULL DEFAULT 1
    CONSTRAINT methodology_technical_weight_range CHECK (technical_weight >= 0 AND technical_weight < 'Infinity'),
  non_technical_weight float8 NOT NULL DEFAULT 1
    CONSTRAINT methodology_non_technical_weight_range CHECK (non_technical_weight >= 0 AND non_technical_weight < 'Infinity'),
  unknown_score        float8 NOT NULL DEFAULT 2
    CONSTRAINT methodology_unknown_score_range CHECK (unknown_score >= 0 AND unknown_score <= 4),
  band_medium          float8 NOT NULL DEFAULT 25,
  band_high            float8 NOT NULL DEFAULT 50,
  band_critical        float8 NOT NULL DEFAULT 75,
  hrv_threshold        float8 NOT NULL DEFAULT 60
    CONSTRAINT methodology_hrv_threshold_range CHECK (hrv_threshold > 0 AND hrv_threshold <= 100),
  weight_critical      float8 NOT NULL DEFAULT 1.0
    CONSTRAINT methodology_weight_critical_range CHECK (weight_critical >= 0 AND weight_critical <= 1),
  weight_sensitive     float8 NOT NULL DEFAULT 0.6
    CONSTRAINT methodology_weight_sensitive_range CHECK (weight_sensitive >= 0 AND weight_sensitive <= 1),
  weight_standard      float8 NOT NULL DEFAULT 0.3
    CONSTRAINT methodology_weight_standard_range CHECK (weight_standard >= 0 AND weight_standard <= 1),
  multi_vendor_cap     float8 NOT NULL DEFAULT 0.35
    CONSTRAINT methodology_multi_vendor_cap_range CHECK (multi_vendor_cap > 0 AND multi_vendor_cap <= 1),
  top_factor_count     integer NOT NULL DEFAULT 3
    CONSTRAINT methodology_top_factor_count_range CHECK (top_factor_count BETWEEN 0 AND 15),
  created_at           timestamptz NOT NULL DEFAULT pg_catalog.now(),
  shipped              boolean NOT NULL DEFAULT false,
  CONSTRAINT methodology_dimension_weights_not_all_zero CHECK (technical_weight + non_technical_weight > 0),
  CONSTRAINT methodology_bands_ordered CHECK (0 < band_medium AND band_medium < band_high AND band_high < band_critical AND band_critical <= 100)
);
COMMENT ON TABLE @extschema@.methodology IS 'Scoring configurations. The shipped one is named default; add a national variant under a new name and select it with the supplyrisk.methodology setting or by name.';
COMMENT ON COLUMN @extschema@.methodology.name IS 'Methodology name (lower case).';
COMMENT ON COLUMN @extschema@.methodology.description IS 'What the methodology is and who calibrated it.';
COMMENT ON COLUMN @extschema@.methodology.power_mean_p IS 'Exponent p of the weighted power mean that combines factor scores (1 = arithmetic mean; higher = one bad factor weighs more).';
COMMENT ON COLUMN @extschema@.methodology.technical_weight IS 'Weight of the technical dimension in risk_score.';
COMMENT ON COLUMN @extschema@.methodology.non_technical_weight IS 'Weight of the non-technical dimension in risk_score.';
COMMENT ON COLUMN @extschema@.methodology.unknown_score IS 'Score (0..4) counted for a factor with no valid assessment.';
COMMENT ON COLUMN @extschema@.methodology.band_medium IS 'risk_score from which the level is medium (below: low).';
COMMENT ON COLUMN @extschema@.methodology.band_high IS 'risk_score from which the level is high.';
COMMENT ON COLUMN @extschema@.methodology.band_critical IS 'risk_score from which the level is critical.';
COMMENT ON COLUMN @extschema@.methodology.hrv_threshold IS 'non_technical_score from which a supplier is high-risk by score.';
COMMENT ON COLUMN @extschema@.methodology.weight_critical IS 'Exposure weight of a critical ICT function.';
COMMENT ON COLUMN @extschema@.methodology.weight_sensitive IS 'Exposure weight of a sensitive ICT function.';
COMMENT ON COLUMN @extschema@.methodology.weight_standard IS 'Exposure weight of a standard ICT function.';
COMMENT ON COLUMN @extschema@.methodology.multi_vendor_cap IS 'Largest share (0..1] one supplier group may hold of a critical or sensitive function at an entity.';
COMMENT ON COLUMN @extschema@.methodology.top_factor_count IS 'How many factors top_factors lists.';
COMMENT ON COLUMN @extschema@.methodology.created_at IS 'When the methodology was recorded.';
COMMENT ON COLUMN @extschema@.methodology.shipped IS 'True for the methodology shipped with the extension (read-only, not dumped).';

CREATE TABLE @extschema@.methodology_weight (
  methodology text NOT NULL REFERENCES @extschema@.methodology (name) ON UPDATE CASCADE ON DELETE CASCADE,
  factor_code text NOT NULL REFERENCES @extschema@.risk_factor (code),
  weight      float8 NOT NULL CONSTRAINT methodology_weight_range CHECK (weight >= 0 AND weight < 'Infinity'),
  shipped     boolean NOT NULL DEFAULT false,
  PRIMARY KEY (methodology, factor_code)
);
COMMENT ON TABLE @extschema@.methodology_weight IS 'Factor weights per methodology; a factor without a row has weight 0 (not counted).';
COMMENT ON COLUMN @extschema@.methodology_weight.methodology IS 'Methodology the weight belongs to.';
COMMENT ON COLUMN @extschema@.methodology_weight.factor_code IS 'Risk factor.';
COMMENT ON COLUMN @extschema@.methodology_weight.weight IS 'Non-negative finite weight of the factor within its dimension.';
COMMENT ON COLUMN @extschema@.methodology_weight.shipped IS 'True for rows shipped with the extension (read-only, not dumped).';

INSERT INTO @extschema@.methodology (name, description, shipped) VALUES
  ('default', 'Defaults of the supplyrisk methodology: all factors weight 1, power mean p = 2, unknown factors at 2, bands 25/50/75, HRV threshold 60 on the non-technical score.', true);
INSERT INTO @extschema@.methodology_weight (methodology, factor_code, weight, shipped)
  SELECT 'default', code, 1, true FROM @extschema@.risk_factor;

CREATE TRIGGER methodology_protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.methodology
  FOR EACH ROW EXECUTE FUNCTION @extschema@.protect_shipped();
CREATE TRIGGER methodology_weight_protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.methodology_weight
  FOR EACH ROW EXECUTE FUNCTION @extschema@.protect_shipped();
SELECT pg_catalog.pg_extension_config_dump('@extschema@.methodology', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.methodology_weight', 'WHERE NOT shipped');

--------------------------------------------------------------------------------
-- User data
--------------------------------------------------------------------------------
CREATE SEQUENCE @extschema@.entity_id_seq AS bigint;
CREATE TABLE @extschema@.entity (
  entity_id      bigint PRIMARY KEY DEFAULT pg_catalog.nextval('@extschema@.entity_id_seq'::pg_catalog.regclass),
  name           text NOT NULL CONSTRAINT entity_name_nonempty CHECK (name <> ''),
  member_state   text NOT NULL REFERENCES @extschema@.country (code),
  sector_code    text NOT NULL REFERENCES @extschema@.sector (code),
  subsector_code text REFERENCES @extschema@.subsector (code),
  entity_class   text NOT NULL CONSTRAINT entity_class_valid CHECK (entity_class IN ('essential', 'important')),
  CONSTRAINT entity_subsector_in_sector FOREIGN KEY (subsector_code, sector_code)
    REFERENCES @extschema@.subsector (code, sector_code)
);
ALTER SEQUENCE @extschema@.entity_id_seq OWNED BY @extschema@.entity.entity_id;
CREATE INDEX entity_sector_member_state_idx ON @extschema@.entity (sector_code, member_state);
COMMENT ON TABLE @extschema@.entity IS 'NIS2 essential and important entities whose ICT supply is modelled.';
COMMENT ON COLUMN @extschema@.entity.entity_id IS 'Entity id (defaults to the next value of entity_id_seq).';
COMMENT ON COLUMN @extschema@.entity.name IS 'Entity name.';
COMMENT ON COLUMN @extschema@.entity.member_state IS 'EU member state of establishment (ISO 3166-1 alpha-2); must be an EU member.';
COMMENT ON COLUMN @extschema@.entity.sector_code IS 'NIS2 sector.';
COMMENT ON COLUMN @extschema@.entity.subsector_code IS 'NIS2 subsector (optional); must belong to sector_code.';
COMMENT ON COLUMN @extschema@.entity.entity_class IS 'essential or important (NIS2 Art. 3).';

CREATE FUNCTION @extschema@.check_entity_member_state() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  is_eu boolean;
BEGIN
  SELECT c.eu_member INTO is_eu FROM @extschema@.country c WHERE c.code OPERATOR(pg_catalog.=) NEW.member_state;
  -- an unknown code is left to the foreign key (23503)
  IF is_eu IS NOT NULL AND NOT is_eu THEN
    IF TG_TABLE_NAME OPERATOR(pg_catalog.=) 'entity' THEN
      RAISE EXCEPTION 'member state "%" is not an EU member state', NEW.member_state
        USING ERRCODE = 'check_violation',
              DETAIL = pg_catalog.format('Entity %s (%s) must be established in an EU member state.', NEW.entity_id, NEW.name),
              HINT = 'See supplyrisk.country where eu_member.';
    END IF;
    RAISE EXCEPTION 'member state "%" is not an EU member state', NEW.member_state
      USING ERRCODE = 'check_violation',
            DETAIL = pg_catalog.format('The member_state of a %s row names the member state it belongs to (NULL: shared by all).', TG_TABLE_NAME),
            HINT = 'See supplyrisk.country where eu_member.';
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION @extschema@.check_entity_member_state() IS 'Trigger: the member_state of an entity, assessment or designation must be an EU member state.';
CREATE TRIGGER entity_member_state_eu BEFORE INSERT OR UPDATE OF member_state ON @extschema@.entity
  FOR EACH ROW EXECUTE FUNCTION @extschema@.check_entity_member_state();

CREATE SEQUENCE @extschema@.supplier_id_seq AS bigint;
CREATE TABLE @extschema@.supplier (
  supplier_id        bigint PRIMARY KEY DEFAULT pg_catalog.nextval('@extschema@.supplier_id_seq'::pg_catalog.regclass),
  name               text NOT NULL CONSTRAINT supplier_name_nonempty CHECK (name <> ''),
  hq_country         text NOT NULL REFERENCES @extschema@.country (code),
  parent_supplier_id bigint REFERENCES @extschema@.supplier (supplier_id),
  CONSTRAINT supplier_not_own_parent CHECK (parent_supplier_id <> supplier_id)
);
ALTER SEQUENCE @extschema@.supplier_id_seq OWNED BY @extschema@.supplier.supplier_id;
CREATE INDEX supplier_parent_idx ON @extschema@.supplier (parent_supplier_id) WHERE parent_supplier_id IS NOT NULL;
COMMENT ON TABLE @extschema@.supplier IS 'ICT suppliers. parent_supplier_id is the controlling owner; the ultimate controller is the supplier group, counted as one actor.';
COMMENT ON COLUMN @extschema@.supplier.supplier_id IS 'Supplier id (defaults to the next value of supplier_id_seq).';
COMMENT ON COLUMN @extschema@.supplier.name IS 'Supplier name.';
COMMENT ON COLUMN @extschema@.supplier.hq_country IS 'Country of the supplier''s headquarters (ISO 3166-1 alpha-2).';
COMMENT ON COLUMN @extschema@.supplier.parent_supplier_id IS 'Controlling owner (decisive influence), optional; ownership cycles are refused.';

CREATE FUNCTION @extschema@.check_supplier_ownership() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  cur  bigint := NEW.parent_supplier_id;
  path text := NEW.supplier_id::text;
  hops integer := 0;
BEGIN
  IF cur IS NULL THEN
    RETURN NEW;
  END IF;
  -- serialise ownership changes so two concurrent updates cannot close a cycle
  PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('supplyrisk.supplier_ownership'));
  WHILE cur IS NOT NULL AND hops < 1000000 LOOP
    path := path || ' -> ' || cur::text;
    IF cur OPERATOR(pg_catalog.=) NEW.supplier_id THEN
      RAISE EXCEPTION 'ownership cycle: supplier % cannot be controlled by supplier %', NEW.supplier_id, NEW.parent_supplier_id
        USING ERRCODE = 'check_violation',
              DETAIL = pg_catalog.format('The chain of control would be %s.', path),
              HINT = 'A supplier group must have exactly one ultimate controller.';
    END IF;
    hops := hops + 1;
    SELECT s.parent_supplier_id INTO cur FROM @extschema@.supplier s WHERE s.supplier_id OPERATOR(pg_catalog.=) cur;
  END LOOP;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION @extschema@.check_supplier_ownership() IS 'Trigger: refuses a parent_supplier_id that would create an ownership cycle.';
CREATE TRIGGER supplier_ownership_acyclic BEFORE INSERT OR UPDATE OF parent_supplier_id, supplier_id ON @extschema@.supplier
  FOR EACH ROW EXECUTE FUNCTION @extschema@.check_supplier_ownership();

-- Ultimate controller (supplier group) of every supplier, walked down from the roots;
-- a supplier in an ownership cycle (impossible through the trigger) would have no row.
CREATE VIEW @extschema@.supplier_group_map WITH (security_invoker = true) AS
WITH RECURSIVE g (supplier_id, group_id, depth) AS (
  SELECT s.supplier_id, s.supplier_id, 0
  FROM @extschema@.supplier s
  WHERE s.parent_supplier_id IS NULL
  UNION ALL
  SELECT c.supplier_id, g.group_id, g.depth OPERATOR(pg_catalog.+) 1
  FROM g JOIN @extschema@.supplier c ON c.parent_supplier_id OPERATOR(pg_catalog.=) g.supplier_id
)
SELECT supplier_id, group_id, depth FROM g;
COMMENT ON VIEW @extschema@.supplier_group_map IS 'Every supplier with its supplier group (ultimate controller) and its depth below it.';
COMMENT ON COLUMN @extschema@.supplier_group_map.supplier_id IS 'Supplier.';
COMMENT ON COLUMN @extschema@.supplier_group_map.group_id IS 'Ultimate controller: the supplier at the top of the chain of parent_supplier_id.';
COMMENT ON COLUMN @extschema@.supplier_group_map.depth IS 'Number of control links between the supplier and its group (0 for the group itself).';

CREATE FUNCTION @extschema@.supplier_group(supplier_id bigint) RETURNS bigint
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
  WITH RECURSIVE up (id, parent, hops) AS (
    SELECT s.supplier_id, s.parent_supplier_id, 0 FROM @extschema@.supplier s
    WHERE s.supplier_id OPERATOR(pg_catalog.=) $1
    UNION ALL
    SELECT s.supplier_id, s.parent_supplier_id, up.hops OPERATOR(pg_catalog.+) 1
    FROM up JOIN @extschema@.supplier s ON s.supplier_id OPERATOR(pg_catalog.=) up.parent
    WHERE up.hops OPERATOR(pg_catalog.<) 1000
  )
  SELECT id FROM up WHERE parent IS NULL
$$;
COMMENT ON FUNCTION @extschema@.supplier_group(bigint) IS 'Ultimate controller (supplier group) of a supplier; NULL for an unknown supplier.';

CREATE SEQUENCE @extschema@.supply_id_seq AS bigint;
CREATE TABLE @extschema@.supply (
  supply_id     bigint PRIMARY KEY DEFAULT pg_catalog.nextval('@extschema@.supply_id_seq'::pg_catalog.regclass),
  entity_id     bigint NOT NULL REFERENCES @extschema@.entity (entity_id),
  supplier_id   bigint NOT NULL REFERENCES @extschema@.supplier (supplier_id),
  function_code text NOT NULL REFERENCES @extschema@.ict_function (code),
  weight        float8 NOT NULL CONSTRAINT supply_weight_positive_finite CHECK (weight > 0 AND weight < 'Infinity'),
  basis         text NOT NULL DEFAULT 'spend'
    CONSTRAINT supply_basis_valid CHECK (basis IN ('spend', 'units', 'installed_base', 'capacity', 'share')),
  valid_from    date NOT NULL DEFAULT CURRENT_DATE,
  valid_to      date,
  CONSTRAINT supply_validity_ordered CHECK (valid_to > valid_from),
  CONSTRAINT supply_dates_finite CHECK (pg_catalog.isfinite(valid_from) AND (valid_to IS NULL OR pg_catalog.isfinite(valid_to)))
);
ALTER SEQUENCE @extschema@.supply_id_seq OWNED BY @extschema@.supply.supply_id;
CREATE INDEX supply_entity_function_idx ON @extschema@.supply (entity_id, function_code);
CREATE INDEX supply_supplier_idx ON @extschema@.supply (supplier_id);
COMMENT ON TABLE @extschema@.supply IS 'Who supplies which ICT function to which entity, with a weight; the table every concentration metric runs over.';
COMMENT ON COLUMN @extschema@.supply.supply_id IS 'Supply row id (defaults to the next value of supply_id_seq).';
COMMENT ON COLUMN @extschema@.supply.entity_id IS 'Entity supplied.';
COMMENT ON COLUMN @extschema@.supply.supplier_id IS 'Supplier (a subsidiary or a group; concentration counts its group).';
COMMENT ON COLUMN @extschema@.supply.function_code IS 'ICT function supplied.';
COMMENT ON COLUMN @extschema@.supply.weight IS 'Positive finite weight: spend, units, installed base, capacity or share, as basis says.';
COMMENT ON COLUMN @extschema@.supply.basis IS 'What weight measures: spend (default), units, installed_base, capacity or share. Compare mixes of one basis only.';
COMMENT ON COLUMN @extschema@.supply.valid_from IS 'First day the supply holds (default: today).';
COMMENT ON COLUMN @extschema@.supply.valid_to IS 'First day it no longer holds; NULL = open-ended.';

CREATE TABLE @extschema@.supplier_dependency (
  supplier_id           bigint NOT NULL REFERENCES @extschema@.supplier (supplier_id),
  depends_on_supplier_id bigint NOT NULL REFERENCES @extschema@.supplier (supplier_id),
  function_code         text REFERENCES @extschema@.ict_function (code),
  share                 float8 NOT NULL CONSTRAINT supplier_dependency_share_range CHECK (share > 0 AND share <= 1),
  CONSTRAINT supplier_dependency_not_self CHECK (depends_on_supplier_id <> supplier_id),
  CONSTRAINT supplier_dependency_unique UNIQUE NULLS NOT DISTINCT (supplier_id, depends_on_supplier_id, function_code)
);
CREATE INDEX supplier_dependency_target_idx ON @extschema@.supplier_dependency (depends_on_supplier_id);
COMMENT ON TABLE @extschema@.supplier_dependency IS 'Tier-n graph: which share of a supplier''s delivery relies on another supplier.';
COMMENT ON COLUMN @extschema@.supplier_dependency.supplier_id IS 'Supplier that depends.';
COMMENT ON COLUMN @extschema@.supplier_dependency.depends_on_supplier_id IS 'Supplier it depends on (its tier-2 supplier).';
COMMENT ON COLUMN @extschema@.supplier_dependency.function_code IS 'Function of the deliveries concerned; NULL = all of the supplier''s deliveries.';
COMMENT ON COLUMN @extschema@.supplier_dependency.share IS 'Share in (0,1] of the supplier''s delivery that relies on the other supplier.';

CREATE SEQUENCE @extschema@.assessment_id_seq AS bigint;
CREATE TABLE @extschema@.assessment (
  assessment_id bigint PRIMARY KEY DEFAULT pg_catalog.nextval('@extschema@.assessment_id_seq'::pg_catalog.regclass),
  supplier_id   bigint NOT NULL REFERENCES @extschema@.supplier (supplier_id),
  factor_code   text NOT NULL REFERENCES @extschema@.risk_factor (code),
  score         float8 NOT NULL CONSTRAINT assessment_score_on_scale CHECK (score IN (0, 1, 2, 3, 4)),
  evidence      text,
  assessed_on   date NOT NULL DEFAULT CURRENT_DATE,
  valid_until   date,
  assessor      text,
  recorded_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
  member_state  text REFERENCES @extschema@.country (code),
  CONSTRAINT assessment_validity_ordered CHECK (valid_until > assessed_on),
  CONSTRAINT assessment_dates_finite CHECK (pg_catalog.isfinite(assessed_on) AND (valid_until IS NULL OR pg_catalog.isfinite(valid_until)))
);
ALTER SEQUENCE @extschema@.assessment_id_seq OWNED BY @extschema@.assessment.assessment_id;
CREATE INDEX assessment_supplier_factor_idx ON @extschema@.assessment (supplier_id, factor_code, assessed_on DESC);
COMMENT ON COLUMN @extschema@.assessment.member_state IS 'Member state that owns the assessment (row-level security); NULL: shared with every member state.';
CREATE TRIGGER assessment_member_state_eu BEFORE INSERT OR UPDATE OF member_state ON @extschema@.assessment
  FOR EACH ROW WHEN (NEW.member_state IS NOT NULL) EXECUTE FUNCTION @extschema@.check_entity_member_state();
COMMENT ON TABLE @extschema@.assessment IS 'Factor assessments with history; at a date, the latest assessment valid then counts per supplier and factor.';
COMMENT ON COLUMN @extschema@.assessment.assessment_id IS 'Assessment id.';
COMMENT ON COLUMN @extschema@.assessment.supplier_id IS 'Supplier assessed.';
COMMENT ON COLUMN @extschema@.assessment.factor_code IS 'Risk factor assessed.';
COMMENT ON COLUMN @extschema@.assessment.score IS 'Ordinal score: 0 no concern, 1 low, 2 moderate, 3 high, 4 very high (integers only).';
COMMENT ON COLUMN @extschema@.assessment.evidence IS 'Evidence behind the score (optional).';
COMMENT ON COLUMN @extschema@.assessment.assessed_on IS 'Date the assessment takes effect (default: today).';
COMMENT ON COLUMN @extschema@.assessment.valid_until IS 'First day the assessment no longer holds; NULL = until superseded.';
COMMENT ON COLUMN @extschema@.assessment.assessor IS 'Who assessed (optional).';
COMMENT ON COLUMN @extschema@.assessment.recorded_at IS 'When the row was recorded; breaks ties between assessments of the same day.';

CREATE SEQUENCE @extschema@.designation_id_seq AS bigint;
CREATE TABLE @extschema@.designation (
  designation_id bigint PRIMARY KEY DEFAULT pg_catalog.nextval('@extschema@.designation_id_seq'::pg_catalog.regclass),
  supplier_id    bigint NOT NULL REFERENCES @extschema@.supplier (supplier_id),
  status         text NOT NULL CONSTRAINT designation_status_valid CHECK (status IN ('high_risk', 'cleared')),
  decided_on     date NOT NULL DEFAULT CURRENT_DATE CONSTRAINT designation_date_finite CHECK (pg_catalog.isfinite(decided_on)),
  legal_basis    text,
  justification  text,
  member_state   text REFERENCES @extschema@.country (code),
  CONSTRAINT designation_one_per_day UNIQUE (supplier_id, decided_on)
);
ALTER SEQUENCE @extschema@.designation_id_seq OWNED BY @extschema@.designation.designation_id;
COMMENT ON TABLE @extschema@.designation IS 'Recorded decisions on a supplier: high_risk, or cleared (lifting an earlier designation). The latest decision in force overrides scores.';
COMMENT ON COLUMN @extschema@.designation.designation_id IS 'Decision id.';
COMMENT ON COLUMN @extschema@.designation.supplier_id IS 'Supplier the decision is about.';
COMMENT ON COLUMN @extschema@.designation.status IS 'high_risk or cleared.';
COMMENT ON COLUMN @extschema@.designation.decided_on IS 'Date the decision takes effect; one decision per supplier and day.';
COMMENT ON COLUMN @extschema@.designation.legal_basis IS 'Legal act or procedure behind the decision.';
COMMENT ON COLUMN @extschema@.designation.justification IS 'Reasons given.';
COMMENT ON COLUMN @extschema@.designation.member_state IS 'Member state that owns the decision (row-level security); NULL: shared with every member state.';
CREATE TRIGGER designation_member_state_eu BEFORE INSERT OR UPDATE OF member_state ON @extschema@.designation
  FOR EACH ROW WHEN (NEW.member_state IS NOT NULL) EXECUTE FUNCTION @extschema@.check_entity_member_state();

CREATE SEQUENCE @extschema@.snapshot_id_seq AS bigint;
CREATE TABLE @extschema@.snapshot (
  snapshot_id bigint PRIMARY KEY DEFAULT pg_catalog.nextval('@extschema@.snapshot_id_seq'::pg_catalog.regclass),
  taken_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
  label       text,
  as_of       date NOT NULL DEFAULT CURRENT_DATE,
  methodology text
);
ALTER SEQUENCE @extschema@.snapshot_id_seq OWNED BY @extschema@.snapshot.snapshot_id;
COMMENT ON TABLE @extschema@.snapshot IS 'Snapshots of the sector metrics, for trends (the toolbox''s one-year review).';
COMMENT ON COLUMN @extschema@.snapshot.snapshot_id IS 'Snapshot id.';
COMMENT ON COLUMN @extschema@.snapshot.taken_at IS 'When the snapshot was taken.';
COMMENT ON COLUMN @extschema@.snapshot.label IS 'Free label, e.g. baseline 2026.';
COMMENT ON COLUMN @extschema@.snapshot.as_of IS 'Date the supply was taken as valid at.';
COMMENT ON COLUMN @extschema@.snapshot.methodology IS 'Scoring methodology used.';

SELECT pg_catalog.pg_extension_config_dump('@extschema@.entity', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.entity_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.supplier', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.supplier_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.supply', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.supply_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.supplier_dependency', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.assessment', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.assessment_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.designation', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.designation_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.snapshot', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.snapshot_id_seq', '');

--------------------------------------------------------------------------------
-- supply_mix: a mergeable distribution of positive weight over keys
--------------------------------------------------------------------------------
CREATE TYPE @extschema@.supply_mix;
CREATE FUNCTION @extschema@.supply_mix_in(cstring) RETURNS @extschema@.supply_mix
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.supply_mix_out(@extschema@.supply_mix) RETURNS cstring
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.supply_mix_recv(internal) RETURNS @extschema@.supply_mix
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.supply_mix_send(@extschema@.supply_mix) RETURNS bytea
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE @extschema@.supply_mix (
  INPUT = @extschema@.supply_mix_in,
  OUTPUT = @extschema@.supply_mix_out,
  RECEIVE = @extschema@.supply_mix_recv,
  SEND = @extschema@.supply_mix_send,
  INTERNALLENGTH = VARIABLE,
  ALIGNMENT = double,
  STORAGE = extended
);
COMMENT ON TYPE @extschema@.supply_mix IS 'Distribution of positive weight over keys (bigint or text): {k:w,...}. Mergeable: the state of vendor concentration.';
COMMENT ON FUNCTION @extschema@.supply_mix_in(cstring) IS 'Text input of supply_mix: {k:w,...} with bigint keys or {"k":w,...} with text keys.';
COMMENT ON FUNCTION @extschema@.supply_mix_out(@extschema@.supply_mix) IS 'Canonical text output of supply_mix: keys sorted, weights shortest-exact.';
COMMENT ON FUNCTION @extschema@.supply_mix_recv(internal) IS 'Binary input of supply_mix (format version 1), fully validated.';
COMMENT ON FUNCTION @extschema@.supply_mix_send(@extschema@.supply_mix) IS 'Binary output of supply_mix (format version 1).';

CREATE FUNCTION @extschema@.supply_mix_eq(@extschema@.supply_mix, @extschema@.supply_mix) RETURNS boolean
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.supply_mix_ne(@extschema@.supply_mix, @extschema@.supply_mix) RETURNS boolean
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.supply_mix_add(@extschema@.supply_mix, @extschema@.supply_mix) RETURNS @extschema@.supply_mix
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.supply_mix_eq(@extschema@.supply_mix, @extschema@.supply_mix) IS 'Equality: same key kind, keys and weights.';
COMMENT ON FUNCTION @extschema@.supply_mix_ne(@extschema@.supply_mix, @extschema@.supply_mix) IS 'Inequality.';
COMMENT ON FUNCTION @extschema@.supply_mix_add(@extschema@.supply_mix, @extschema@.supply_mix) IS 'Merge two mixes: weights of equal keys are added.';
CREATE OPERATOR @extschema@.= (
  LEFTARG = @extschema@.supply_mix, RIGHTARG = @extschema@.supply_mix,
  FUNCTION = @extschema@.supply_mix_eq, COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
  RESTRICT = eqsel, JOIN = eqjoinsel
);
CREATE OPERATOR @extschema@.<> (
  LEFTARG = @extschema@.supply_mix, RIGHTARG = @extschema@.supply_mix,
  FUNCTION = @extschema@.supply_mix_ne, COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
  RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR @extschema@.+ (
  LEFTARG = @extschema@.supply_mix, RIGHTARG = @extschema@.supply_mix,
  FUNCTION = @extschema@.supply_mix_add, COMMUTATOR = OPERATOR(@extschema@.+)
);
COMMENT ON OPERATOR @extschema@.= (@extschema@.supply_mix, @extschema@.supply_mix) IS 'supply_mix equality';
COMMENT ON OPERATOR @extschema@.<> (@extschema@.supply_mix, @extschema@.supply_mix) IS 'supply_mix inequality';
COMMENT ON OPERATOR @extschema@.+ (@extschema@.supply_mix, @extschema@.supply_mix) IS 'merge two supply_mix values (weights of equal keys add up)';

CREATE FUNCTION @extschema@.supply_mix_to_jsonb(@extschema@.supply_mix) RETURNS jsonb
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.supply_mix_from_jsonb(jsonb) RETURNS @extschema@.supply_mix
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.supply_mix_to_jsonb(@extschema@.supply_mix) IS 'supply_mix as a jsonb object {"key": weight}.';
COMMENT ON FUNCTION @extschema@.supply_mix_from_jsonb(jsonb) IS 'jsonb object {"key": weight} as supply_mix; bigint-keyed when every key is a canonical bigint literal.';
CREATE CAST (@extschema@.supply_mix AS jsonb) WITH FUNCTION @extschema@.supply_mix_to_jsonb(@extschema@.supply_mix);
CREATE CAST (jsonb AS @extschema@.supply_mix) WITH FUNCTION @extschema@.supply_mix_from_jsonb(jsonb);
COMMENT ON CAST (@extschema@.supply_mix AS jsonb) IS 'supply_mix to jsonb object';
COMMENT ON CAST (jsonb AS @extschema@.supply_mix) IS 'jsonb object to supply_mix';

-- aggregates ------------------------------------------------------------------
CREATE FUNCTION @extschema@.supply_mix_agg_trans(internal, bigint, float8) RETURNS internal
  AS 'MODULE_PATHNAME', 'supply_mix_agg_trans_int8' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION @extschema@.supply_mix_agg_trans(internal, text, float8) RETURNS internal
  AS 'MODULE_PATHNAME', 'supply_mix_agg_trans_text' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION @extschema@.supply_mix_agg_combine(internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION @extschema@.supply_mix_agg_serialize(internal) RETURNS bytea
  AS 'MODULE_PATHNAME' LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.supply_mix_agg_deserialize(bytea, internal) RETURNS internal
  AS 'MODULE_PATHNAME' LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.supply_mix_agg_final(internal) RETURNS @extschema@.supply_mix
  AS 'MODULE_PATHNAME' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION @extschema@.supply_mix_hhi_final(internal) RETURNS float8
  AS 'MODULE_PATHNAME' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.supply_mix_agg_trans(internal, bigint, float8) IS 'Transition function of supply_mix_agg and hhi (bigint keys).';
COMMENT ON FUNCTION @extschema@.supply_mix_agg_trans(internal, text, float8) IS 'Transition function of supply_mix_agg and hhi (text keys).';
COMMENT ON FUNCTION @extschema@.supply_mix_agg_combine(internal, internal) IS 'Combine function of supply_mix_agg and hhi (parallel query).';
COMMENT ON FUNCTION @extschema@.supply_mix_agg_serialize(internal) IS 'Serialize function of supply_mix_agg and hhi.';
COMMENT ON FUNCTION @extschema@.supply_mix_agg_deserialize(bytea, internal) IS 'Deserialize function of supply_mix_agg and hhi; validates like supply_mix_recv.';
COMMENT ON FUNCTION @extschema@.supply_mix_agg_final(internal) IS 'Final function of supply_mix_agg.';
COMMENT ON FUNCTION @extschema@.supply_mix_hhi_final(internal) IS 'Final function of the hhi aggregate.';
CREATE FUNCTION @extschema@.supply_mix_from_binary(bytes bytea) RETURNS @extschema@.supply_mix
AS 'MODULE_PATHNAME', 'supply_mix_from_binary' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.supply_mix_from_binary(bytea) IS 'A mix from its binary form (what supply_mix_send returns and COPY BINARY carries), validated as strictly as binary input.';
CREATE FUNCTION @extschema@.supply_mix_from_state(state bytea) RETURNS @extschema@.supply_mix
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.supply_mix_from_state(bytea) IS 'A serialized supply_mix_agg state (as parallel workers send it) as a mix, validated like the deserialize function.';

CREATE AGGREGATE @extschema@.supply_mix_agg(key bigint, weight float8) (
  SFUNC = @extschema@.supply_mix_agg_trans, STYPE = internal, SSPACE = 400,
  FINALFUNC = @extschema@.supply_mix_agg_final,
  COMBINEFUNC = @extschema@.supply_mix_agg_combine,
  SERIALFUNC = @extschema@.supply_mix_agg_serialize,
  DESERIALFUNC = @extschema@.supply_mix_agg_deserialize,
  PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.supply_mix_agg(key text, weight float8) (
  SFUNC = @extschema@.supply_mix_agg_trans, STYPE = internal, SSPACE = 400,
  FINALFUNC = @extschema@.supply_mix_agg_final,
  COMBINEFUNC = @extschema@.supply_mix_agg_combine,
  SERIALFUNC = @extschema@.supply_mix_agg_serialize,
  DESERIALFUNC = @extschema@.supply_mix_agg_deserialize,
  PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.hhi(key bigint, weight float8) (
  SFUNC = @extschema@.supply_mix_agg_trans, STYPE = internal, SSPACE = 400,
  FINALFUNC = @extschema@.supply_mix_hhi_final,
  COMBINEFUNC = @extschema@.supply_mix_agg_combine,
  SERIALFUNC = @extschema@.supply_mix_agg_serialize,
  DESERIALFUNC = @extschema@.supply_mix_agg_deserialize,
  PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.hhi(key text, weight float8) (
  SFUNC = @extschema@.supply_mix_agg_trans, STYPE = internal, SSPACE = 400,
  FINALFUNC = @extschema@.supply_mix_hhi_final,
  COMBINEFUNC = @extschema@.supply_mix_agg_combine,
  SERIALFUNC = @extschema@.supply_mix_agg_serialize,
  DESERIALFUNC = @extschema@.supply_mix_agg_deserialize,
  PARALLEL = SAFE
);
CREATE FUNCTION @extschema@.supply_mix_union_trans(internal, @extschema@.supply_mix) RETURNS internal
  AS 'MODULE_PATHNAME' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.supply_mix_union_trans(internal, @extschema@.supply_mix) IS 'Transition function of supply_mix_union.';
CREATE AGGREGATE @extschema@.supply_mix_union(mix @extschema@.supply_mix) (
  SFUNC = @extschema@.supply_mix_union_trans, STYPE = internal, SSPACE = 400,
  FINALFUNC = @extschema@.supply_mix_agg_final,
  COMBINEFUNC = @extschema@.supply_mix_agg_combine,
  SERIALFUNC = @extschema@.supply_mix_agg_serialize,
  DESERIALFUNC = @extschema@.supply_mix_agg_deserialize,
  PARALLEL = SAFE
);
-- the same merge with a non-internal state (supply_mix itself) and + as the
-- combine function: the design Citus (and any system that ships aggregate
-- states as plain values) can distribute
CREATE AGGREGATE @extschema@.supply_mix_sum(mix @extschema@.supply_mix) (
  SFUNC = @extschema@.supply_mix_add, STYPE = @extschema@.supply_mix,
  COMBINEFUNC = @extschema@.supply_mix_add,
  INITCOND = '{}',
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.supply_mix_agg(bigint, float8) IS 'Mix of the weights per bigint key (NULL keys or weights skipped; {} for no rows).';
COMMENT ON AGGREGATE @extschema@.supply_mix_agg(text, float8) IS 'Mix of the weights per text key (NULL keys or weights skipped; {} for no rows).';
COMMENT ON AGGREGATE @extschema@.hhi(bigint, float8) IS 'HHI (0..10000) of the weights per bigint key, without building a mix; NULL for no rows.';
COMMENT ON AGGREGATE @extschema@.hhi(text, float8) IS 'HHI (0..10000) of the weights per text key, without building a mix; NULL for no rows.';
COMMENT ON AGGREGATE @extschema@.supply_mix_union(@extschema@.supply_mix) IS 'Merge of supply_mix values (NULLs skipped; {} for no rows).';
COMMENT ON AGGREGATE @extschema@.supply_mix_sum(@extschema@.supply_mix) IS 'Merge of supply_mix values with a supply_mix state and + as combine function (distributable by Citus); O(keys) per row, prefer supply_mix_union locally.';

-- metrics -------------------------------------------------------------------
CREATE FUNCTION @extschema@.total(mix @extschema@.supply_mix) RETURNS float8
  AS 'MODULE_PATHNAME', 'supply_mix_total' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.key_count(mix @extschema@.supply_mix) RETURNS integer
  AS 'MODULE_PATHNAME', 'supply_mix_key_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.hhi(mix @extschema@.supply_mix) RETURNS float8
  AS 'MODULE_PATHNAME', 'supply_mix_hhi' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.hhi(mix @extschema@.supply_mix, base float8) RETURNS float8
  AS 'MODULE_PATHNAME', 'supply_mix_hhi_base' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.cr(mix @extschema@.supply_mix, k integer) RETURNS float8
  AS 'MODULE_PATHNAME', 'supply_mix_cr' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.effective_suppliers(mix @extschema@.supply_mix) RETURNS float8
  AS 'MODULE_PATHNAME', 'supply_mix_effective_suppliers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.entropy(mix @extschema@.supply_mix) RETURNS float8
  AS 'MODULE_PATHNAME', 'supply_mix_entropy' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.entropy(mix @extschema@.supply_mix, normalized boolean) RETURNS float8
  AS 'MODULE_PATHNAME', 'supply_mix_entropy_normalized' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.gini(mix @extschema@.supply_mix) RETURNS float8
  AS 'MODULE_PATHNAME', 'supply_mix_gini' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.share(mix @extschema@.supply_mix, key bigint) RETURNS float8
  AS 'MODULE_PATHNAME', 'supply_mix_share_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.share(mix @extschema@.supply_mix, key text) RETURNS float8
  AS 'MODULE_PATHNAME', 'supply_mix_share_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.share(mix @extschema@.supply_mix, keys bigint[]) RETURNS float8
  AS 'MODULE_PATHNAME', 'supply_mix_share_int8_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.share(mix @extschema@.supply_mix, keys text[]) RETURNS float8
  AS 'MODULE_PATHNAME', 'supply_mix_share_text_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.top_shares(mix @extschema@.supply_mix, k integer)
  RETURNS TABLE (rank integer, key text, weight float8, share float8)
  AS 'MODULE_PATHNAME', 'supply_mix_top_shares' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
CREATE FUNCTION @extschema@.each(mix @extschema@.supply_mix) RETURNS TABLE (key text, weight float8)
  AS 'MODULE_PATHNAME', 'supply_mix_each' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION @extschema@.each(@extschema@.supply_mix) IS 'Every key (as text) and weight of a mix, in key order.';
CREATE FUNCTION @extschema@.without(mix @extschema@.supply_mix, keys bigint[]) RETURNS @extschema@.supply_mix
  AS 'MODULE_PATHNAME', 'supply_mix_without_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.without(mix @extschema@.supply_mix, keys text[]) RETURNS @extschema@.supply_mix
  AS 'MODULE_PATHNAME', 'supply_mix_without_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.merge_keys(mix @extschema@.supply_mix, keys bigint[], into_key bigint) RETURNS @extschema@.supply_mix
  AS 'MODULE_PATHNAME', 'supply_mix_merge_keys_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.merge_keys(mix @extschema@.supply_mix, keys text[], into_key text) RETURNS @extschema@.supply_mix
  AS 'MODULE_PATHNAME', 'supply_mix_merge_keys_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.concentration_level(hhi float8, guideline text DEFAULT 'eu2004') RETURNS text
  AS 'MODULE_PATHNAME', 'supply_mix_concentration_level' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
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

--------------------------------------------------------------------------------
-- Supplier risk scoring
--------------------------------------------------------------------------------
-- every dimension that carries weight must have some factor weight: checked at commit when
-- weights change or a methodology is updated (not when one is inserted: pg_restore loads
-- methodologies before their weights; the scoring engine refuses an incomplete one, 22023)
CREATE FUNCTION @extschema@.check_methodology() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  target text;
  m record;
BEGIN
  IF TG_TABLE_NAME OPERATOR(pg_catalog.=) 'methodology' THEN
    target := NEW.name;
  ELSIF TG_OP OPERATOR(pg_catalog.=) 'DELETE' THEN
    target := OLD.methodology;
  ELSE
    target := NEW.methodology;
  END IF;
  FOR m IN
    SELECT x.name, x.technical_weight, x.non_technical_weight,
           (SELECT COALESCE(sum(w.weight), 0) FROM @extschema@.methodology_weight w JOIN @extschema@.risk_factor f ON f.code OPERATOR(pg_catalog.=) w.factor_code
             WHERE w.methodology OPERATOR(pg_catalog.=) x.name AND f.dimension OPERATOR(pg_catalog.=) 'technical') AS t,
           (SELECT COALESCE(sum(w.weight), 0) FROM @extschema@.methodology_weight w JOIN @extschema@.risk_factor f ON f.code OPERATOR(pg_catalog.=) w.factor_code
             WHERE w.methodology OPERATOR(pg_catalog.=) x.name AND f.dimension OPERATOR(pg_catalog.=) 'non_technical') AS n
    FROM @extschema@.methodology x
    WHERE x.name OPERATOR(pg_catalog.=) target
  LOOP
    IF m.technical_weight OPERATOR(pg_catalog.>) 0 AND m.t OPERATOR(pg_catalog.<=) 0 THEN
      RAISE EXCEPTION 'methodology "%" gives the technical dimension weight % but no technical factor any weight', m.name, m.technical_weight
        USING ERRCODE = 'check_violation',
              HINT = 'Add rows to supplyrisk.methodology_weight for t.* factors, or set technical_weight to 0.';
    END IF;
    IF m.non_technical_weight OPERATOR(pg_catalog.>) 0 AND m.n OPERATOR(pg_catalog.<=) 0 THEN
      RAISE EXCEPTION 'methodology "%" gives the non-technical dimension weight % but no non-technical factor any weight', m.name, m.non_technical_weight
        USING ERRCODE = 'check_violation',
              HINT = 'Add rows to supplyrisk.methodology_weight for nt.* factors, or set non_technical_weight to 0.';
    END IF;
  END LOOP;
  RETURN NULL;
END $$;
COMMENT ON FUNCTION @extschema@.check_methodology() IS 'Constraint trigger: a dimension with weight needs factor weights (checked at commit of weight changes and methodology updates).';
CREATE CONSTRAINT TRIGGER methodology_weights_complete AFTER UPDATE ON @extschema@.methodology
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION @extschema@.check_methodology();
CREATE CONSTRAINT TRIGGER methodology_weight_complete AFTER INSERT OR UPDATE OR DELETE ON @extschema@.methodology_weight
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION @extschema@.check_methodology();

CREATE TYPE @extschema@.risk_profile AS (
  technical_score     float8,
  non_technical_score float8,
  risk_score          float8,
  risk_level          text,
  coverage            float8,
  top_factors         text[],
  above_hrv_threshold boolean
);
COMMENT ON TYPE @extschema@.risk_profile IS 'A supplier''s scores (0..100), risk level, coverage (0..1), top factors, and whether the non-technical score reaches the HRV threshold.';

CREATE FUNCTION @extschema@.risk_profile_trans(internal, text, text, float8, date, timestamptz, bigint) RETURNS internal
  AS 'MODULE_PATHNAME' LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION @extschema@.risk_profile_combine(internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME' LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION @extschema@.risk_profile_serialize(internal) RETURNS bytea
  AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.risk_profile_deserialize(bytea, internal) RETURNS internal
  AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.risk_profile_final(internal) RETURNS @extschema@.risk_profile
  AS 'MODULE_PATHNAME' LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.risk_profile_trans(internal, text, text, float8, date, timestamptz, bigint) IS 'Transition function of risk_profile_agg: keeps the latest assessment per factor.';
COMMENT ON FUNCTION @extschema@.risk_profile_combine(internal, internal) IS 'Combine function of risk_profile_agg.';
COMMENT ON FUNCTION @extschema@.risk_profile_serialize(internal) IS 'Serialize function of risk_profile_agg.';
COMMENT ON FUNCTION @extschema@.risk_profile_deserialize(bytea, internal) IS 'Deserialize function of risk_profile_agg (validated).';
COMMENT ON FUNCTION @extschema@.risk_profile_final(internal) IS 'Final function of risk_profile_agg: computes the profile.';
CREATE AGGREGATE @extschema@.risk_profile_agg(methodology text, factor_code text, score float8, assessed_on date,
                                              recorded_at timestamptz, assessment_id bigint) (
  SFUNC = @extschema@.risk_profile_trans, STYPE = internal, SSPACE = 600,
  FINALFUNC = @extschema@.risk_profile_final,
  COMBINEFUNC = @extschema@.risk_profile_combine,
  SERIALFUNC = @extschema@.risk_profile_serialize,
  DESERIALFUNC = @extschema@.risk_profile_deserialize,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.risk_profile_agg(text, text, float8, date, timestamptz, bigint) IS
  'Risk profile of one supplier from its assessments valid at a date (the latest per factor counts; rows with a NULL factor only create the profile).';

-- every supplier with each of its controllers up the chain (depth 0: itself)
CREATE VIEW @extschema@.supplier_control_chain WITH (security_invoker = true) AS
WITH RECURSIVE c (supplier_id, controller_id, depth) AS (
  SELECT s.supplier_id, s.supplier_id, 0 FROM @extschema@.supplier s
  UNION ALL
  SELECT c.supplier_id, s.parent_supplier_id, c.depth OPERATOR(pg_catalog.+) 1
  FROM c JOIN @extschema@.supplier s ON s.supplier_id OPERATOR(pg_catalog.=) c.controller_id
  WHERE s.parent_supplier_id IS NOT NULL AND c.depth OPERATOR(pg_catalog.<) 1000
)
SELECT supplier_id, controller_id, depth FROM c;
COMMENT ON VIEW @extschema@.supplier_control_chain IS 'Every supplier with each supplier that controls it, directly or through intermediates (depth 0: itself).';
COMMENT ON COLUMN @extschema@.supplier_control_chain.supplier_id IS 'Supplier.';
COMMENT ON COLUMN @extschema@.supplier_control_chain.controller_id IS 'A supplier controlling it (itself at depth 0).';
COMMENT ON COLUMN @extschema@.supplier_control_chain.depth IS 'Number of control links between them.';

CREATE FUNCTION @extschema@.methodology_name(methodology text DEFAULT NULL) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT COALESCE($1, CASE WHEN pg_catalog.current_setting('supplyrisk.methodology', true) OPERATOR(pg_catalog.<>) ''
                        THEN pg_catalog.current_setting('supplyrisk.methodology', true) END, 'default')
$$;
COMMENT ON FUNCTION @extschema@.methodology_name(text) IS 'The methodology to use: the argument, else the supplyrisk.methodology setting, else default.';

-- The risk of every supplier (supplier = NULL) or of one supplier, at a date, under a methodology.
CREATE FUNCTION @extschema@.supplier_risk_at(as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL, supplier bigint DEFAULT NULL)
RETURNS TABLE (supplier_id bigint, supplier_name text, group_id bigint, technical_score float8,
               non_technical_score float8, risk_score float8, risk_level text, high_risk boolean,
               high_risk_basis text, coverage float8, top_factors text[])
LANGUAGE sql STABLE PARALLEL SAFE AS $$
WITH scope AS (  -- the suppliers whose own status is needed: all, or one and its controllers
  SELECT s.supplier_id FROM @extschema@.supplier s WHERE $3 IS NULL
  UNION ALL
  SELECT c.controller_id FROM @extschema@.supplier_control_chain c WHERE $3 IS NOT NULL AND c.supplier_id OPERATOR(pg_catalog.=) $3
),
prof AS (
  SELECT sc.supplier_id,
         @extschema@.risk_profile_agg((SELECT @extschema@.methodology_name($2)), a.factor_code, a.score,
                                      a.assessed_on, a.recorded_at, a.assessment_id) AS p
  FROM scope sc
  LEFT JOIN @extschema@.assessment a
    ON a.supplier_id OPERATOR(pg_catalog.=) sc.supplier_id
   AND a.assessed_on OPERATOR(pg_catalog.<=) $1
   AND (a.valid_until IS NULL OR a.valid_until OPERATOR(pg_catalog.>) $1)
  GROUP BY sc.supplier_id
),
decision AS (
  SELECT DISTINCT ON (d.supplier_id) d.supplier_id, d.status
  FROM @extschema@.designation d
  WHERE d.decided_on OPERATOR(pg_catalog.<=) $1
  ORDER BY d.supplier_id, d.decided_on DESC
),
own AS (
  SELECT p.supplier_id, p.p,
         CASE WHEN dc.status OPERATOR(pg_catalog.=) 'high_risk' THEN 'designation'
              WHEN COALESCE(dc.status, '') OPERATOR(pg_catalog.<>) 'cleared' AND (p.p).above_hrv_threshold THEN 'score'
         END AS own_basis
  FROM prof p
  LEFT JOIN decision dc ON dc.supplier_id OPERATOR(pg_catalog.=) p.supplier_id
),
control AS (  -- one row per supplier: its group (top of the chain) and whether a controller is high-risk
  SELECT c.supplier_id,
         (pg_catalog.array_agg(c.controller_id ORDER BY c.depth DESC))[1] AS group_id,
         COALESCE(pg_catalog.bool_or(o.own_basis IS NOT NULL) FILTER (WHERE c.depth OPERATOR(pg_catalog.>) 0), false) AS controlled_by_high_risk
  FROM @extschema@.supplier_control_chain c
  LEFT JOIN own o ON o.supplier_id OPERATOR(pg_catalog.=) c.controller_id
  GROUP BY c.supplier_id
)
SELECT o.supplier_id, s.name, i.group_id,
       (o.p).technical_score, (o.p).non_technical_score, (o.p).risk_score, (o.p).risk_level,
       (o.own_basis IS NOT NULL OR COALESCE(i.controlled_by_high_risk, false)),
       COALESCE(o.own_basis, CASE WHEN i.controlled_by_high_risk THEN 'group' END),
       (o.p).coverage, (o.p).top_factors
FROM own o
JOIN @extschema@.supplier s ON s.supplier_id OPERATOR(pg_catalog.=) o.supplier_id
LEFT JOIN control i ON i.supplier_id OPERATOR(pg_catalog.=) o.supplier_id
WHERE $3 IS NULL OR o.supplier_id OPERATOR(pg_catalog.=) $3
$$;
COMMENT ON FUNCTION @extschema@.supplier_risk_at(date, text, bigint) IS
  'Risk profile of every supplier (or only one) from the assessments and designations in force at as_of, under a methodology (default: the supplyrisk.methodology setting).';

CREATE FUNCTION @extschema@.score_supplier(supplier_id bigint, as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS TABLE (supplier_id bigint, supplier_name text, group_id bigint, technical_score float8,
               non_technical_score float8, risk_score float8, risk_level text, high_risk boolean,
               high_risk_basis text, coverage float8, top_factors text[])
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT * FROM @extschema@.supplier_risk_at($2, $3, $1)
$$;
COMMENT ON FUNCTION @extschema@.score_supplier(bigint, date, text) IS
  'The supplier_risk row of one supplier at any date, from the assessments valid then, under a methodology.';

CREATE VIEW @extschema@.supplier_risk WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.supplier_risk_at(CURRENT_DATE, NULL, NULL);
COMMENT ON VIEW @extschema@.supplier_risk IS 'Risk profile of every supplier today, under the methodology of the supplyrisk.methodology setting.';
COMMENT ON COLUMN @extschema@.supplier_risk.supplier_id IS 'Supplier.';
COMMENT ON COLUMN @extschema@.supplier_risk.supplier_name IS 'Supplier name.';
COMMENT ON COLUMN @extschema@.supplier_risk.group_id IS 'Supplier group (ultimate controller).';
COMMENT ON COLUMN @extschema@.supplier_risk.technical_score IS 'Technical dimension score, 0..100 (weighted power mean of the t.* factors).';
COMMENT ON COLUMN @extschema@.supplier_risk.non_technical_score IS 'Non-technical dimension score, 0..100 (weighted power mean of the nt.* factors).';
COMMENT ON COLUMN @extschema@.supplier_risk.risk_score IS 'Overall score, 0..100 (power mean of the two dimensions with the dimension weights).';
COMMENT ON COLUMN @extschema@.supplier_risk.risk_level IS 'low, medium, high or critical, by the methodology''s bands.';
COMMENT ON COLUMN @extschema@.supplier_risk.high_risk IS 'High-risk supplier: designated, non-technical score at or above the HRV threshold, or controlled by a high-risk supplier.';
COMMENT ON COLUMN @extschema@.supplier_risk.high_risk_basis IS 'designation, score or group; NULL when not high-risk.';
COMMENT ON COLUMN @extschema@.supplier_risk.coverage IS 'Share (0..1) of the effective factor weight backed by a valid assessment.';
COMMENT ON COLUMN @extschema@.supplier_risk.top_factors IS 'The assessed factors contributing most to the score, largest first.';

--------------------------------------------------------------------------------
-- Exposure, concentration and the sector views
--------------------------------------------------------------------------------
CREATE TYPE @extschema@.sourcing_counts AS (entities bigint, single_sourced bigint);
COMMENT ON TYPE @extschema@.sourcing_counts IS 'Distinct entities, and how many of them have a single source.';
CREATE FUNCTION @extschema@.sourcing_trans(internal, bigint, bigint) RETURNS internal
  AS 'MODULE_PATHNAME' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION @extschema@.sourcing_combine(internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION @extschema@.sourcing_serialize(internal) RETURNS bytea
  AS 'MODULE_PATHNAME' LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.sourcing_deserialize(bytea, internal) RETURNS internal
  AS 'MODULE_PATHNAME' LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.sourcing_final(internal) RETURNS @extschema@.sourcing_counts
  AS 'MODULE_PATHNAME' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sourcing_trans(internal, bigint, bigint) IS 'Transition function of sourcing.';
COMMENT ON FUNCTION @extschema@.sourcing_combine(internal, internal) IS 'Combine function of sourcing.';
COMMENT ON FUNCTION @extschema@.sourcing_serialize(internal) IS 'Serialize function of sourcing.';
COMMENT ON FUNCTION @extschema@.sourcing_deserialize(bytea, internal) IS 'Deserialize function of sourcing (validated).';
COMMENT ON FUNCTION @extschema@.sourcing_final(internal) IS 'Final function of sourcing.';
CREATE AGGREGATE @extschema@.sourcing(entity bigint, source bigint) (
  SFUNC = @extschema@.sourcing_trans, STYPE = internal, SSPACE = 300,
  FINALFUNC = @extschema@.sourcing_final,
  COMBINEFUNC = @extschema@.sourcing_combine,
  SERIALFUNC = @extschema@.sourcing_serialize,
  DESERIALFUNC = @extschema@.sourcing_deserialize,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.sourcing(bigint, bigint) IS 'Distinct entities in the rows and how many have exactly one distinct source (one pass, no sort).';

CREATE FUNCTION @extschema@.deep_mix(mix @extschema@.supply_mix, max_depth integer DEFAULT 6,
                                     function_code text DEFAULT NULL, min_share float8 DEFAULT 0.01)
RETURNS @extschema@.supply_mix
  AS 'MODULE_PATHNAME', 'supply_mix_deep' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.deep_mix(@extschema@.supply_mix, integer, text, float8) IS
  'A supplier mix propagated through supplier_dependency: each supplier weighs the supply that relies on it at any tier up to max_depth (simple paths, products of shares summed and capped at 1 per origin, paths below min_share pruned).';

-- The core: one scan of the supply rows valid at as_of, per sector, member state and ICT function.
CREATE FUNCTION @extschema@.sector_function_stats(as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS TABLE (sector_code text, member_state text, function_code text, group_mix @extschema@.supply_mix,
               country_mix @extschema@.supply_mix, entities bigint, single_sourced bigint,
               weight float8, hrv_weight float8, risk_weight float8)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
WITH r AS (  -- per supplier: group, the group's headquarters country, risk
  SELECT x.supplier_id, x.group_id, g.hq_country, x.risk_score, x.high_risk
  FROM @extschema@.supplier_risk_at($1, $2) x
  JOIN @extschema@.supplier g ON g.supplier_id OPERATOR(pg_catalog.=) x.group_id
),
base AS (
  SELECT e.sector_code, e.member_state, s.function_code,
         @extschema@.supply_mix_agg(r.group_id, s.weight) AS group_mix,
         @extschema@.supply_mix_agg(r.hq_country, s.weight) AS country_mix,
         @extschema@.sourcing(s.entity_id, r.group_id) AS src,
         pg_catalog.sum(s.weight) AS weight,
         COALESCE(pg_catalog.sum(s.weight) FILTER (WHERE r.high_risk), 0::float8) AS hrv_weight,
         COALESCE(pg_catalog.sum(s.weight OPERATOR(pg_catalog.*) r.risk_score), 0::float8) AS risk_weight
  FROM @extschema@.supply s
  JOIN @extschema@.entity e ON e.entity_id OPERATOR(pg_catalog.=) s.entity_id
  JOIN r ON r.supplier_id OPERATOR(pg_catalog.=) s.supplier_id
  WHERE s.valid_from OPERATOR(pg_catalog.<=) $1 AND (s.valid_to IS NULL OR s.valid_to OPERATOR(pg_catalog.>) $1)
  GROUP BY e.sector_code, e.member_state, s.function_code
)
SELECT b.sector_code, b.member_state, b.function_code, b.group_mix, b.country_mix,
       (b.src).entities, (b.src).single_sourced, b.weight, b.hrv_weight, b.risk_weight
FROM base b
$$;
COMMENT ON FUNCTION @extschema@.sector_function_stats(date, text) IS
  'Mergeable statistics per sector, member state and ICT function from the supply rows valid at as_of: supplier-group mix, HQ-country mix, entities, single-sourced entities, weight, high-risk weight, risk-weighted weight.';

CREATE FUNCTION @extschema@.eu_member_codes() RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT pg_catalog.array_agg(c.code ORDER BY c.code) FROM @extschema@.country c WHERE c.eu_member
$$;
COMMENT ON FUNCTION @extschema@.eu_member_codes() IS 'Codes of the EU member states.';

-- "Name 34%, Name 21%, ..." for the k heaviest supplier groups of a group mix
CREATE FUNCTION @extschema@.top_supplier_names(mix @extschema@.supply_mix, k integer DEFAULT 3) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT pg_catalog.string_agg(pg_catalog.format('%s %s%%', g.name, pg_catalog.round((t.share OPERATOR(pg_catalog.*) 100)::numeric, 0)), ', ' ORDER BY t.rank)
  FROM @extschema@.top_shares($1, $2) t
  JOIN @extschema@.supplier g ON g.supplier_id OPERATOR(pg_catalog.=) t.key::bigint
$$;
COMMENT ON FUNCTION @extschema@.top_supplier_names(@extschema@.supply_mix, integer) IS 'The k heaviest suppliers of a bigint-keyed mix as readable text: name and share in percent.';

-- The statistics of every dashboard row, at four levels: (sector, member state, function),
-- (sector, EU-wide, function), (sector, member state, all functions), (sector, EU-wide, all
-- functions). Mergeable states, additive sums and the metrics derived from them; the live
-- views, the rollups and the snapshots are all this one computation.
CREATE FUNCTION @extschema@.sector_stats_at(as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL,
                                            functions boolean DEFAULT true)
RETURNS TABLE (sector_code text, member_state text, function_code text,
               group_mix @extschema@.supply_mix, country_mix @extschema@.supply_mix,
               entities bigint, single_sourced bigint, single_sourced_critical bigint,
               weight float8, hrv_weight float8, weight_critical float8, hrv_weight_critical float8,
               risk_weight float8, suppliers integer, hhi float8, cr1 float8, cr4 float8,
               effective_suppliers float8, country_hhi float8, hrv_share float8, hrv_share_critical float8,
               non_eu_share float8, mean_risk float8, concentration_level text, top_suppliers text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
WITH f AS (
  SELECT x.*, (fn.criticality OPERATOR(pg_catalog.<>) 'standard') AS crit,
         CASE WHEN $3 THEN x.function_code END AS fx  -- NULL when only the all-functions rows are wanted
  FROM @extschema@.sector_function_stats($1, $2) x
  JOIN @extschema@.ict_function fn ON fn.code OPERATOR(pg_catalog.=) x.function_code
),
sets AS (  -- mergeable states and counts: exact whatever the order, hashed
  SELECT f.sector_code, f.member_state, f.fx AS function_code,
         @extschema@.supply_mix_union(f.group_mix) AS gm, @extschema@.supply_mix_union(f.country_mix) AS cm,
         pg_catalog.sum(f.entities)::bigint AS ent, pg_catalog.sum(f.single_sourced)::bigint AS ss,
         COALESCE(pg_catalog.sum(f.single_sourced) FILTER (WHERE f.crit), 0)::bigint AS ssc
  FROM f
  GROUP BY GROUPING SETS ((f.sector_code, f.member_state, f.fx), (f.sector_code, f.fx),
                          (f.sector_code, f.member_state), (f.sector_code))
  -- without functions the fx sets repeat the all-functions sets: keep one copy
  HAVING $3 OR GROUPING(f.fx) OPERATOR(pg_catalog.=) 1
),
sums AS (  -- float sums in a fixed order, so rollups and live rows agree to the last bit
  SELECT f.sector_code, f.member_state, f.fx AS function_code,
         pg_catalog.sum(f.weight ORDER BY f.member_state, f.function_code) AS w,
         pg_catalog.sum(f.hrv_weight ORDER BY f.member_state, f.function_code) AS hw,
         COALESCE(pg_catalog.sum(f.weight ORDER BY f.member_state, f.function_code) FILTER (WHERE f.crit), 0::float8) AS wc,
         COALESCE(pg_catalog.sum(f.hrv_weight ORDER BY f.member_state, f.function_code) FILTER (WHERE f.crit), 0::float8) AS hwc,
         pg_catalog.sum(f.risk_weight ORDER BY f.member_state, f.function_code) AS rw
  FROM f
  GROUP BY GROUPING SETS ((f.sector_code, f.member_state, f.fx), (f.sector_code, f.fx),
                          (f.sector_code, f.member_state), (f.sector_code))
  HAVING $3 OR GROUPING(f.fx) OPERATOR(pg_catalog.=) 1
),
cube AS (
  SELECT g.sector_code, g.member_state, g.function_code, g.gm, g.cm, g.ent, g.ss, g.ssc, m.w, m.hw, m.wc, m.hwc, m.rw
  FROM sets g
  JOIN sums m ON m.sector_code OPERATOR(pg_catalog.=) g.sector_code
             AND COALESCE(m.member_state, '') OPERATOR(pg_catalog.=) COALESCE(g.member_state, '')
             AND COALESCE(m.function_code, '') OPERATOR(pg_catalog.=) COALESCE(g.function_code, '')
),
ents AS (  -- entities registered, for the all-functions rows
  SELECT e.sector_code, e.member_state, pg_catalog.count(*) AS n
  FROM @extschema@.entity e GROUP BY GROUPING SETS ((e.sector_code, e.member_state), (e.sector_code))
),
rows AS (  -- every sector has an EU-wide all-functions row, with or without data
  SELECT c.* FROM cube c
  UNION ALL
  SELECT s.code, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM @extschema@.sector s
  WHERE NOT EXISTS (SELECT 1 FROM cube c WHERE c.sector_code OPERATOR(pg_catalog.=) s.code
                                          AND c.member_state IS NULL AND c.function_code IS NULL)
)
SELECT c.sector_code, c.member_state, c.function_code, c.gm, c.cm,
       CASE WHEN c.function_code IS NULL THEN COALESCE(en.n, 0) ELSE c.ent END,
       COALESCE(c.ss, 0), COALESCE(c.ssc, 0), COALESCE(c.w, 0::float8), COALESCE(c.hw, 0::float8),
       COALESCE(c.wc, 0::float8), COALESCE(c.hwc, 0::float8), COALESCE(c.rw, 0::float8),
       COALESCE(@extschema@.key_count(c.gm), 0), @extschema@.hhi(c.gm), @extschema@.cr(c.gm, 1),
       @extschema@.cr(c.gm, 4), @extschema@.effective_suppliers(c.gm), @extschema@.hhi(c.cm),
       CASE WHEN c.w OPERATOR(pg_catalog.>) 0::float8 THEN c.hw OPERATOR(pg_catalog./) c.w END,
       CASE WHEN c.wc OPERATOR(pg_catalog.>) 0::float8 THEN c.hwc OPERATOR(pg_catalog./) c.wc END,
       1 OPERATOR(pg_catalog.-) @extschema@.share(c.cm, (SELECT @extschema@.eu_member_codes())),
       CASE WHEN c.w OPERATOR(pg_catalog.>) 0::float8 THEN c.rw OPERATOR(pg_catalog./) c.w END,
       @extschema@.concentration_level(@extschema@.hhi(c.gm)),
       CASE WHEN c.function_code IS NOT NULL THEN @extschema@.top_supplier_names(c.gm, 3) END
FROM rows c
LEFT JOIN ents en ON c.function_code IS NULL AND en.sector_code OPERATOR(pg_catalog.=) c.sector_code
                 AND (en.member_state OPERATOR(pg_catalog.=) c.member_state OR (en.member_state IS NULL AND c.member_state IS NULL))
-- EU-wide rows for roles that see every member state (row-level security)
WHERE c.member_state IS NOT NULL OR (SELECT @extschema@.access_member_states()) IS NULL
$$;
COMMENT ON FUNCTION @extschema@.sector_stats_at(date, text, boolean) IS
  'Dashboard statistics per sector at four levels (member state or EU-wide NULL, ICT function or all functions NULL) from the supply valid at as_of: mergeable group and country mixes, additive sums and the metrics derived from them (top_suppliers on function rows). functions false: only the all-functions rows. The computation behind the sector views, the rollups and the snapshots.';

-- Rollups: the last refresh() of sector_stats_at, read by the dashboard views.
CREATE TABLE @extschema@.sector_rollup (
  sector_code             text NOT NULL REFERENCES @extschema@.sector (code),
  member_state            text REFERENCES @extschema@.country (code),
  function_code           text REFERENCES @extschema@.ict_function (code),
  group_mix               @extschema@.supply_mix,
  country_mix             @extschema@.supply_mix,
  entities                bigint NOT NULL,
  single_sourced          bigint NOT NULL,
  single_sourced_critical bigint NOT NULL,
  weight                  float8 NOT NULL,
  hrv_weight              float8 NOT NULL,
  weight_critical         float8 NOT NULL,
  hrv_weight_critical     float8 NOT NULL,
  risk_weight             float8 NOT NULL,
  suppliers               integer NOT NULL,
  hhi                     float8,
  cr1                     float8,
  cr4                     float8,
  effective_suppliers     float8,
  country_hhi             float8,
  hrv_share               float8,
  hrv_share_critical      float8,
  non_eu_share            float8,
  mean_risk               float8,
  concentration_level     text,
  top_suppliers           text,
  CONSTRAINT sector_rollup_unique UNIQUE NULLS NOT DISTINCT (sector_code, function_code, member_state)
);
COMMENT ON TABLE @extschema@.sector_rollup IS 'Rollups written by refresh(): the rows of sector_stats_at at the last refresh, read by sector_overview and the sector_<code> views. Rebuilt as a whole by every refresh; do not edit.';
DO $cm$
DECLARE c record;
BEGIN
  FOR c IN SELECT * FROM (VALUES
    ('sector_code', 'NIS2 sector.'),
    ('member_state', 'Member state; NULL for the EU-wide row (the merge of the member states).'),
    ('function_code', 'ICT function; NULL for the row over all functions.'),
    ('group_mix', 'Mergeable state: supply weight per supplier group.'),
    ('country_mix', 'Mergeable state: supply weight per headquarters country of the supplier group.'),
    ('entities', 'Function rows: entities using the function; all-functions rows: entities registered.'),
    ('single_sourced', 'Entity and function pairs served by a single supplier group.'),
    ('single_sourced_critical', 'The same, critical and sensitive functions only.'),
    ('weight', 'Total supply weight.'),
    ('hrv_weight', 'Supply weight from high-risk suppliers.'),
    ('weight_critical', 'Supply weight in critical and sensitive functions.'),
    ('hrv_weight_critical', 'High-risk supply weight in critical and sensitive functions.'),
    ('risk_weight', 'Sum of weight times the supplier''s risk_score.'),
    ('suppliers', 'Distinct supplier groups.'),
    ('hhi', 'HHI (0..10000) over supplier groups.'),
    ('cr1', 'Share (0..1) of the largest supplier group.'),
    ('cr4', 'Share (0..1) of the four largest supplier groups.'),
    ('effective_suppliers', 'Numbers equivalent 10000/HHI.'),
    ('country_hhi', 'HHI over the headquarters countries of the supplier groups.'),
    ('hrv_share', 'Share (0..1) of the weight from high-risk suppliers.'),
    ('hrv_share_critical', 'The same over critical and sensitive functions.'),
    ('non_eu_share', 'Share (0..1) of the weight from supplier groups headquartered outside the EU.'),
    ('mean_risk', 'Supply-weighted mean risk_score (0..100).'),
    ('concentration_level', 'Band of hhi under the EU 2004 guidelines.'),
    ('top_suppliers', 'The three largest supplier groups with their shares, as text (function rows).')) x(col, txt) LOOP
    EXECUTE pg_catalog.format('COMMENT ON COLUMN @extschema@.sector_rollup.%I IS %L', c.col, c.txt);
  END LOOP;
END $cm$;

CREATE SEQUENCE @extschema@.rollup_refresh_id_seq AS bigint;
CREATE TABLE @extschema@.rollup_refresh (
  refresh_id   bigint PRIMARY KEY DEFAULT pg_catalog.nextval('@extschema@.rollup_refresh_id_seq'::pg_catalog.regclass),
  started_at   timestamptz NOT NULL,
  finished_at  timestamptz NOT NULL,
  as_of        date NOT NULL,
  methodology  text NOT NULL,
  rollup_rows  bigint NOT NULL
);
ALTER SEQUENCE @extschema@.rollup_refresh_id_seq OWNED BY @extschema@.rollup_refresh.refresh_id;
COMMENT ON TABLE @extschema@.rollup_refresh IS 'One row per refresh() that committed (the last 100 are kept); the newest row describes the rollups the dashboard views read.';
COMMENT ON COLUMN @extschema@.rollup_refresh.refresh_id IS 'Refresh number.';
COMMENT ON COLUMN @extschema@.rollup_refresh.started_at IS 'When the refresh started.';
COMMENT ON COLUMN @extschema@.rollup_refresh.finished_at IS 'When it finished computing (it became visible when its transaction committed).';
COMMENT ON COLUMN @extschema@.rollup_refresh.as_of IS 'Date the supply and assessments were taken as valid at.';
COMMENT ON COLUMN @extschema@.rollup_refresh.methodology IS 'Scoring methodology used.';
COMMENT ON COLUMN @extschema@.rollup_refresh.rollup_rows IS 'Rows written to sector_rollup.';

-- The source of the dashboard rows: live when asked, otherwise the rollups once
-- refresh() has run (live before the first refresh). Each branch carries a
-- one-time filter, so only one of them is executed.
CREATE FUNCTION @extschema@.sector_stats_source(live boolean, as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL,
                                                functions boolean DEFAULT true)
RETURNS SETOF @extschema@.sector_rollup
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT r.* FROM @extschema@.sector_rollup r
  WHERE NOT $1 AND ($4 OR r.function_code IS NULL) AND EXISTS (SELECT 1 FROM @extschema@.rollup_refresh)
  UNION ALL
  SELECT x.* FROM @extschema@.sector_stats_at($2, $3, $4) x
  WHERE $1 OR NOT EXISTS (SELECT 1 FROM @extschema@.rollup_refresh)
$$;
COMMENT ON FUNCTION @extschema@.sector_stats_source(boolean, date, text, boolean) IS
  'Rows of sector_stats_at (functions false: the all-functions rows only): computed live when live is true; otherwise read from the rollups of the last refresh() (computed live, for today, until the first refresh).';

-- one sector, per member state (NULL = EU-wide, the merge of the member states) and ICT function
CREATE FUNCTION @extschema@.sector_function_rows(sector text, live boolean, as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS TABLE (member_state text, function_code text, function_name text, criticality text, entities bigint,
               suppliers integer, hhi float8, cr1 float8, cr4 float8, effective_suppliers float8, hrv_share float8,
               non_eu_share float8, country_hhi float8, top_suppliers text, single_supplier_entities bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT r.member_state, r.function_code, fn.name, fn.criticality, r.entities, r.suppliers, r.hhi, r.cr1, r.cr4,
       r.effective_suppliers, r.hrv_share, r.non_eu_share, r.country_hhi, r.top_suppliers, r.single_sourced
FROM @extschema@.sector_stats_source($2, $3, $4) r
JOIN @extschema@.ict_function fn ON fn.code OPERATOR(pg_catalog.=) r.function_code
WHERE r.sector_code OPERATOR(pg_catalog.=) $1
$$;
COMMENT ON FUNCTION @extschema@.sector_function_rows(text, boolean, date, text) IS
  'The rows of a sector_<code> view, live or from the rollups (see sector_stats_source).';

CREATE FUNCTION @extschema@.sector_function_overview(sector text, as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS TABLE (member_state text, function_code text, function_name text, criticality text, entities bigint,
               suppliers integer, hhi float8, cr1 float8, cr4 float8, effective_suppliers float8, hrv_share float8,
               non_eu_share float8, country_hhi float8, top_suppliers text, single_supplier_entities bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT * FROM @extschema@.sector_function_rows($1, true, $2, $3)
$$;
COMMENT ON FUNCTION @extschema@.sector_function_overview(text, date, text) IS
  'The rows of a sector_<code> view for any sector, date and methodology, computed live.';

CREATE FUNCTION @extschema@.sector_overview_rows(live boolean, as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS TABLE (sector_code text, sector_name text, member_state text, entities bigint, suppliers integer, hhi float8,
               cr4 float8, effective_suppliers float8, country_hhi float8, hrv_share float8, hrv_share_critical float8,
               non_eu_share float8, single_supplier_critical bigint, mean_risk float8, concentration_level text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT r.sector_code, s.name, r.member_state, r.entities, r.suppliers, r.hhi, r.cr4, r.effective_suppliers,
       r.country_hhi, r.hrv_share, r.hrv_share_critical, r.non_eu_share, r.single_sourced_critical, r.mean_risk,
       r.concentration_level
FROM @extschema@.sector_stats_source($1, $2, $3, false) r
JOIN @extschema@.sector s ON s.code OPERATOR(pg_catalog.=) r.sector_code
WHERE r.function_code IS NULL
$$;
COMMENT ON FUNCTION @extschema@.sector_overview_rows(boolean, date, text) IS
  'The rows of sector_overview, live or from the rollups (see sector_stats_source).';

CREATE FUNCTION @extschema@.sector_overview_at(as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS TABLE (sector_code text, sector_name text, member_state text, entities bigint, suppliers integer, hhi float8,
               cr4 float8, effective_suppliers float8, country_hhi float8, hrv_share float8, hrv_share_critical float8,
               non_eu_share float8, single_supplier_critical bigint, mean_risk float8, concentration_level text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT * FROM @extschema@.sector_overview_rows(true, $1, $2)
$$;
COMMENT ON FUNCTION @extschema@.sector_overview_at(date, text) IS 'The rows of sector_overview for any date and methodology, computed live.';

CREATE VIEW @extschema@.sector_overview WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.sector_overview_rows(false, CURRENT_DATE, NULL);
COMMENT ON VIEW @extschema@.sector_overview IS 'Per NIS2 sector: a row per member state and an EU-wide row (member_state NULL, the merge of the member states). Read from the rollups of the last refresh() (see rollup_status); computed live for today until the first refresh.';
COMMENT ON COLUMN @extschema@.sector_overview.sector_code IS 'NIS2 sector.';
COMMENT ON COLUMN @extschema@.sector_overview.sector_name IS 'Sector name.';
COMMENT ON COLUMN @extschema@.sector_overview.member_state IS 'Member state; NULL for the EU-wide row.';
COMMENT ON COLUMN @extschema@.sector_overview.entities IS 'Entities of the sector registered in the member state (EU-wide: all).';
COMMENT ON COLUMN @extschema@.sector_overview.suppliers IS 'Distinct supplier groups in the supply.';
COMMENT ON COLUMN @extschema@.sector_overview.hhi IS 'HHI (0..10000) of the supply pooled over the sector''s entities and functions, per supplier group.';
COMMENT ON COLUMN @extschema@.sector_overview.cr4 IS 'Share (0..1) of the four largest supplier groups.';
COMMENT ON COLUMN @extschema@.sector_overview.effective_suppliers IS 'Numbers equivalent 10000/HHI.';
COMMENT ON COLUMN @extschema@.sector_overview.country_hhi IS 'HHI of the supply by the headquarters country of the supplier group.';
COMMENT ON COLUMN @extschema@.sector_overview.hrv_share IS 'Share (0..1) of the supply weight from high-risk suppliers.';
COMMENT ON COLUMN @extschema@.sector_overview.hrv_share_critical IS 'The same over critical and sensitive ICT functions only.';
COMMENT ON COLUMN @extschema@.sector_overview.non_eu_share IS 'Share (0..1) of the supply from supplier groups headquartered outside the EU.';
COMMENT ON COLUMN @extschema@.sector_overview.single_supplier_critical IS 'Entity and function pairs (critical or sensitive functions) served by a single supplier group.';
COMMENT ON COLUMN @extschema@.sector_overview.mean_risk IS 'Supply-weighted mean risk_score (0..100) of the suppliers.';
COMMENT ON COLUMN @extschema@.sector_overview.concentration_level IS 'Band of hhi under the EU 2004 guidelines (low, moderate, high).';

-- per entity and ICT function
CREATE FUNCTION @extschema@.entity_exposure_at(as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS TABLE (entity_id bigint, entity_name text, member_state text, sector_code text, function_code text,
               criticality text, supplier_count integer, hhi float8, cr1 float8, effective_suppliers float8,
               hrv_share float8, non_eu_share float8, single_supplier boolean, exposure_score float8,
               mix @extschema@.supply_mix)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
WITH r AS (
  SELECT x.supplier_id, x.group_id, x.risk_score, x.high_risk FROM @extschema@.supplier_risk_at($1, $2) x
),
m AS (
  SELECT x.weight_critical, x.weight_sensitive, x.weight_standard FROM @extschema@.methodology x
  WHERE x.name OPERATOR(pg_catalog.=) @extschema@.methodology_name($2)
),
base AS (
  SELECT s.entity_id, s.function_code, @extschema@.supply_mix_agg(r.group_id, s.weight) AS mix,
         pg_catalog.sum(s.weight) AS w,
         COALESCE(pg_catalog.sum(s.weight) FILTER (WHERE r.high_risk), 0::float8) AS hw,
         COALESCE(pg_catalog.sum(s.weight) FILTER (WHERE NOT c.eu_member), 0::float8) AS nw,
         COALESCE(pg_catalog.sum(s.weight OPERATOR(pg_catalog.*) r.risk_score), 0::float8) AS rw
  FROM @extschema@.supply s
  JOIN r ON r.supplier_id OPERATOR(pg_catalog.=) s.supplier_id
  JOIN @extschema@.supplier g ON g.supplier_id OPERATOR(pg_catalog.=) r.group_id
  JOIN @extschema@.country c ON c.code OPERATOR(pg_catalog.=) g.hq_country
  WHERE s.valid_from OPERATOR(pg_catalog.<=) $1 AND (s.valid_to IS NULL OR s.valid_to OPERATOR(pg_catalog.>) $1)
  GROUP BY s.entity_id, s.function_code
)
SELECT e.entity_id, e.name, e.member_state, e.sector_code, b.function_code, fn.criticality,
       @extschema@.key_count(b.mix), @extschema@.hhi(b.mix), @extschema@.cr(b.mix, 1), @extschema@.effective_suppliers(b.mix),
       b.hw OPERATOR(pg_catalog./) b.w, b.nw OPERATOR(pg_catalog./) b.w,
       @extschema@.key_count(b.mix) OPERATOR(pg_catalog.=) 1,
       b.rw OPERATOR(pg_catalog./) b.w OPERATOR(pg_catalog./) 100 OPERATOR(pg_catalog.*)
         CASE WHEN fn.criticality OPERATOR(pg_catalog.=) 'critical' THEN m.weight_critical
            WHEN fn.criticality OPERATOR(pg_catalog.=) 'sensitive' THEN m.weight_sensitive ELSE m.weight_standard END,
       b.mix
FROM base b
JOIN @extschema@.entity e ON e.entity_id OPERATOR(pg_catalog.=) b.entity_id
JOIN @extschema@.ict_function fn ON fn.code OPERATOR(pg_catalog.=) b.function_code
CROSS JOIN m
$$;
COMMENT ON FUNCTION @extschema@.entity_exposure_at(date, text) IS 'The rows of entity_exposure for any date and methodology.';

CREATE VIEW @extschema@.entity_exposure WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.entity_exposure_at(CURRENT_DATE, NULL);
COMMENT ON VIEW @extschema@.entity_exposure IS 'Per entity and ICT function: concentration over supplier groups, high-risk and non-EU shares, exposure, from the supply valid today.';
COMMENT ON COLUMN @extschema@.entity_exposure.entity_id IS 'Entity.';
COMMENT ON COLUMN @extschema@.entity_exposure.entity_name IS 'Entity name.';
COMMENT ON COLUMN @extschema@.entity_exposure.member_state IS 'Member state of the entity.';
COMMENT ON COLUMN @extschema@.entity_exposure.sector_code IS 'Sector of the entity.';
COMMENT ON COLUMN @extschema@.entity_exposure.function_code IS 'ICT function.';
COMMENT ON COLUMN @extschema@.entity_exposure.criticality IS 'critical, sensitive or standard.';
COMMENT ON COLUMN @extschema@.entity_exposure.supplier_count IS 'Distinct supplier groups supplying the function (subsidiaries of one group count once).';
COMMENT ON COLUMN @extschema@.entity_exposure.hhi IS 'HHI (0..10000) over supplier groups.';
COMMENT ON COLUMN @extschema@.entity_exposure.cr1 IS 'Share (0..1) of the largest supplier group.';
COMMENT ON COLUMN @extschema@.entity_exposure.effective_suppliers IS 'Numbers equivalent 10000/HHI.';
COMMENT ON COLUMN @extschema@.entity_exposure.hrv_share IS 'Share (0..1) of the weight from high-risk suppliers.';
COMMENT ON COLUMN @extschema@.entity_exposure.non_eu_share IS 'Share (0..1) of the weight from supplier groups headquartered outside the EU.';
COMMENT ON COLUMN @extschema@.entity_exposure.single_supplier IS 'One supplier group only.';
COMMENT ON COLUMN @extschema@.entity_exposure.exposure_score IS 'Sum over suppliers of risk_score/100 x criticality weight x share (0..1).';
COMMENT ON COLUMN @extschema@.entity_exposure.mix IS 'The supply_mix over supplier groups.';

CREATE FUNCTION @extschema@.multi_vendor_gaps_at(as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS TABLE (entity_id bigint, entity_name text, member_state text, sector_code text, function_code text,
               criticality text, gap text, supplier_count integer, top_group_id bigint, top_share float8,
               hrv_share float8, cap float8)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT x.entity_id, x.entity_name, x.member_state, x.sector_code, x.function_code, x.criticality, g.gap,
       x.supplier_count, (SELECT t.key::bigint FROM @extschema@.top_shares(x.mix, 1) t), x.cr1, x.hrv_share,
       m.multi_vendor_cap
FROM @extschema@.entity_exposure_at($1, $2) x
CROSS JOIN (SELECT y.multi_vendor_cap FROM @extschema@.methodology y
            WHERE y.name OPERATOR(pg_catalog.=) @extschema@.methodology_name($2)) m
CROSS JOIN LATERAL (VALUES
  ('single_supplier', x.criticality OPERATOR(pg_catalog.<>) 'standard' AND x.supplier_count OPERATOR(pg_catalog.=) 1),
  ('high_risk_supplier', x.criticality OPERATOR(pg_catalog.=) 'critical' AND x.hrv_share OPERATOR(pg_catalog.>) 0),
  ('above_cap', x.criticality OPERATOR(pg_catalog.<>) 'standard' AND x.supplier_count OPERATOR(pg_catalog.>) 1
                AND x.cr1 OPERATOR(pg_catalog.>) m.multi_vendor_cap)
) g(gap, hit)
WHERE g.hit
$$;
COMMENT ON FUNCTION @extschema@.multi_vendor_gaps_at(date, text) IS 'The rows of multi_vendor_gaps for any date and methodology.';
CREATE VIEW @extschema@.multi_vendor_gaps WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.multi_vendor_gaps_at(CURRENT_DATE, NULL);
COMMENT ON VIEW @extschema@.multi_vendor_gaps IS 'Entity and function pairs that break the multi-vendor guidance, one row per gap.';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.entity_id IS 'Entity.';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.entity_name IS 'Entity name.';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.member_state IS 'Member state of the entity.';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.sector_code IS 'Sector of the entity.';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.function_code IS 'ICT function.';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.criticality IS 'critical or sensitive (standard functions have no gaps).';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.gap IS 'single_supplier (one supplier group for a critical or sensitive function), high_risk_supplier (high-risk supply in a critical function) or above_cap (a group above the methodology''s cap share, several groups present).';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.supplier_count IS 'Distinct supplier groups.';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.top_group_id IS 'The largest supplier group.';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.top_share IS 'Its share (0..1).';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.hrv_share IS 'Share (0..1) of the weight from high-risk suppliers.';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.cap IS 'The methodology''s multi-vendor cap.';

CREATE FUNCTION @extschema@.entity_deep_exposure_at(as_of date DEFAULT CURRENT_DATE, max_depth integer DEFAULT 6)
RETURNS TABLE (entity_id bigint, entity_name text, member_state text, sector_code text, direct_suppliers integer,
               deep_suppliers integer, direct_hhi float8, deep_hhi float8, top_hidden_group_id bigint,
               top_hidden_group text, top_hidden_share float8, hidden_suppliers text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
WITH gmap AS MATERIALIZED (  -- computed once, not once per entity
  SELECT x.supplier_id, x.group_id FROM @extschema@.supplier_group_map x
),
direct AS (
  SELECT s.entity_id, @extschema@.supply_mix_agg(s.supplier_id, s.weight) AS m
  FROM @extschema@.supply s
  WHERE s.valid_from OPERATOR(pg_catalog.<=) $1 AND (s.valid_to IS NULL OR s.valid_to OPERATOR(pg_catalog.>) $1)
  GROUP BY s.entity_id
),
direct_groups AS (
  SELECT d.entity_id,
         (SELECT @extschema@.supply_mix_agg(gm.group_id, t.weight) FROM @extschema@.each(d.m) t
            JOIN gmap gm ON gm.supplier_id OPERATOR(pg_catalog.=) t.key::bigint) AS direct_g
  FROM direct d
),
groups AS (  -- the group mix propagated (a group's dependencies apply to its subsidiaries), regrouped
  SELECT d.entity_id, d.direct_g, @extschema@.total(d.direct_g) AS direct_total,
         (SELECT @extschema@.supply_mix_agg(gm.group_id, t.weight)
            FROM @extschema@.each(@extschema@.deep_mix(d.direct_g, $2)) t
            JOIN gmap gm ON gm.supplier_id OPERATOR(pg_catalog.=) t.key::bigint) AS deep_g
  FROM direct_groups d
),
hidden AS (  -- weight relying on a group beyond what the entity buys from it directly
  SELECT g.entity_id, t.key::bigint AS group_id,
         (t.weight OPERATOR(pg_catalog.-) COALESCE(@extschema@.share(g.direct_g, t.key::bigint) OPERATOR(pg_catalog.*) g.direct_total, 0::float8))
           OPERATOR(pg_catalog./) g.direct_total AS hidden_share
  FROM groups g, @extschema@.each(g.deep_g) t
),
ranked AS (
  SELECT h.*, pg_catalog.row_number() OVER (PARTITION BY h.entity_id ORDER BY h.hidden_share DESC, h.group_id) AS rk
  FROM hidden h WHERE h.hidden_share OPERATOR(pg_catalog.>) 1e-12
)
SELECT e.entity_id, e.name, e.member_state, e.sector_code,
       @extschema@.key_count(g.direct_g), @extschema@.key_count(g.deep_g),
       @extschema@.hhi(g.direct_g), @extschema@.hhi(g.deep_g),
       top.group_id, gs.name, top.hidden_share,
       (SELECT pg_catalog.string_agg(pg_catalog.format('%s %s%%', s2.name, pg_catalog.round((r2.hidden_share OPERATOR(pg_catalog.*) 100)::numeric, 0)), ', ' ORDER BY r2.rk)
          FROM ranked r2 JOIN @extschema@.supplier s2 ON s2.supplier_id OPERATOR(pg_catalog.=) r2.group_id
         WHERE r2.entity_id OPERATOR(pg_catalog.=) g.entity_id AND r2.rk OPERATOR(pg_catalog.<=) 3)
FROM groups g
JOIN @extschema@.entity e ON e.entity_id OPERATOR(pg_catalog.=) g.entity_id
LEFT JOIN ranked top ON top.entity_id OPERATOR(pg_catalog.=) g.entity_id AND top.rk OPERATOR(pg_catalog.=) 1
LEFT JOIN @extschema@.supplier gs ON gs.supplier_id OPERATOR(pg_catalog.=) top.group_id
$$;
COMMENT ON FUNCTION @extschema@.entity_deep_exposure_at(date, integer) IS 'The rows of entity_deep_exposure for any date and depth.';
CREATE VIEW @extschema@.entity_deep_exposure WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.entity_deep_exposure_at(CURRENT_DATE, 6);
COMMENT ON VIEW @extschema@.entity_deep_exposure IS 'Per entity: hidden (tier-2+) reliance on supplier groups next to the direct supply, and the deep HHI next to the direct one. The direct mix over supplier groups is propagated with deep_mix (depth 6), so dependencies recorded on a group apply to its subsidiaries.';
COMMENT ON COLUMN @extschema@.entity_deep_exposure.entity_id IS 'Entity.';
COMMENT ON COLUMN @extschema@.entity_deep_exposure.entity_name IS 'Entity name.';
COMMENT ON COLUMN @extschema@.entity_deep_exposure.member_state IS 'Member state of the entity.';
COMMENT ON COLUMN @extschema@.entity_deep_exposure.sector_code IS 'Sector of the entity.';
COMMENT ON COLUMN @extschema@.entity_deep_exposure.direct_suppliers IS 'Supplier groups the entity buys from (all functions).';
COMMENT ON COLUMN @extschema@.entity_deep_exposure.deep_suppliers IS 'Supplier groups its supply relies on at any tier up to depth 6.';
COMMENT ON COLUMN @extschema@.entity_deep_exposure.direct_hhi IS 'HHI over supplier groups of the direct supply (all functions pooled).';
COMMENT ON COLUMN @extschema@.entity_deep_exposure.deep_hhi IS 'HHI of the deep mix (deep_mix, grouped): concentration including hidden tiers.';
COMMENT ON COLUMN @extschema@.entity_deep_exposure.top_hidden_group_id IS 'The supplier group with the largest hidden reliance.';
COMMENT ON COLUMN @extschema@.entity_deep_exposure.top_hidden_group IS 'Its name.';
COMMENT ON COLUMN @extschema@.entity_deep_exposure.top_hidden_share IS 'Hidden reliance on it: deep weight beyond the direct purchases, as a share (0..1) of the entity''s direct supply.';
COMMENT ON COLUMN @extschema@.entity_deep_exposure.hidden_suppliers IS 'The three largest hidden reliances as readable text.';

-- The 18 sector views: one definition, generated, identical columns.
DO $gen$
DECLARE
  s record;
  c record;
  v text;
BEGIN
  FOR s IN SELECT code, name FROM @extschema@.sector WHERE shipped ORDER BY code LOOP
    v := 'sector_' || s.code;
    EXECUTE pg_catalog.format('CREATE VIEW @extschema@.%I WITH (security_invoker = true) AS SELECT * FROM @extschema@.sector_function_rows(%L, false, CURRENT_DATE, NULL)', v, s.code);
    EXECUTE pg_catalog.format('COMMENT ON VIEW @extschema@.%I IS %L', v,
      pg_catalog.format('NIS2 sector %s: concentration per member state (NULL: EU-wide) and ICT function. Read from the rollups of the last refresh() (see rollup_status); computed live for today until the first refresh.', s.name));
    FOR c IN SELECT * FROM (VALUES
      ('member_state', 'Member state; NULL for the EU-wide row (the merge of the member-state rows).'),
      ('function_code', 'ICT function.'),
      ('function_name', 'ICT function name.'),
      ('criticality', 'critical, sensitive or standard.'),
      ('entities', 'Entities of the sector that use the function.'),
      ('suppliers', 'Distinct supplier groups.'),
      ('hhi', 'HHI (0..10000) over supplier groups, pooled over the entities.'),
      ('cr1', 'Share (0..1) of the largest supplier group.'),
      ('cr4', 'Share (0..1) of the four largest supplier groups.'),
      ('effective_suppliers', 'Numbers equivalent 10000/HHI.'),
      ('hrv_share', 'Share (0..1) of the weight from high-risk suppliers.'),
      ('non_eu_share', 'Share (0..1) of the weight from supplier groups headquartered outside the EU.'),
      ('country_hhi', 'HHI over the headquarters countries of the supplier groups.'),
      ('top_suppliers', 'The three largest supplier groups with their shares, as text.'),
      ('single_supplier_entities', 'Entities served by a single supplier group for the function.')) x(col, txt) LOOP
      EXECUTE pg_catalog.format('COMMENT ON COLUMN @extschema@.%I.%I IS %L', v, c.col, c.txt);
    END LOOP;
  END LOOP;
END $gen$;

--------------------------------------------------------------------------------
-- Reporting and scheduling: refresh, rollup status, snapshots, trend, pg_cron, reports

CREATE PROCEDURE @extschema@.refresh()
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  t0 timestamptz := pg_catalog.clock_timestamp();
  d  date := CURRENT_DATE;
  m  text := @extschema@.methodology_name(NULL);
  n  bigint;
BEGIN
  -- one refresh at a time; readers (ACCESS SHARE) and supply writers are not blocked
  LOCK TABLE @extschema@.sector_rollup IN SHARE ROW EXCLUSIVE MODE;
  -- computed first (CREATE TABLE AS may use parallel query, INSERT ... SELECT may not),
  -- then swapped in: readers see the previous rollups until this transaction commits
  CREATE TEMP TABLE supplyrisk_refresh_stage ON COMMIT DROP AS
    SELECT * FROM @extschema@.sector_stats_at(d, m);
  DELETE FROM @extschema@.sector_rollup;
  INSERT INTO @extschema@.sector_rollup SELECT * FROM pg_temp.supplyrisk_refresh_stage;
  GET DIAGNOSTICS n = ROW_COUNT;
  DROP TABLE pg_temp.supplyrisk_refresh_stage;
  INSERT INTO @extschema@.rollup_refresh (started_at, finished_at, as_of, methodology, rollup_rows)
  VALUES (t0, pg_catalog.clock_timestamp(), d, m, n);
  DELETE FROM @extschema@.rollup_refresh
  WHERE refresh_id OPERATOR(pg_catalog.<=) (SELECT pg_catalog.max(r.refresh_id) OPERATOR(pg_catalog.-) 100
                                            FROM @extschema@.rollup_refresh r);
END
$$;
COMMENT ON PROCEDURE @extschema@.refresh() IS
  'Rebuilds the rollups (sector_rollup) from the supply valid today under the current methodology, in one transaction: dashboards keep reading the previous rollups until it commits; concurrent refreshes wait for each other.';

CREATE VIEW @extschema@.rollup_status WITH (security_invoker = true) AS
SELECT CASE WHEN r.refresh_id IS NULL THEN 'live' ELSE 'rollup' END AS source,
       r.refresh_id, r.finished_at AS refreshed_at, r.finished_at OPERATOR(pg_catalog.-) r.started_at AS duration,
       pg_catalog.now() OPERATOR(pg_catalog.-) r.finished_at AS age, r.as_of,
       r.as_of OPERATOR(pg_catalog.<) CURRENT_DATE AS outdated, r.methodology, r.rollup_rows
FROM (SELECT 1) one
LEFT JOIN (SELECT x.* FROM @extschema@.rollup_refresh x ORDER BY x.refresh_id DESC LIMIT 1) r ON true;
COMMENT ON VIEW @extschema@.rollup_status IS 'What the dashboard views read: the last refresh (source rollup) or, before the first refresh, a live computation (source live).';
COMMENT ON COLUMN @extschema@.rollup_status.source IS 'rollup (the views read sector_rollup) or live (never refreshed: computed on every read).';
COMMENT ON COLUMN @extschema@.rollup_status.refresh_id IS 'Number of the last refresh.';
COMMENT ON COLUMN @extschema@.rollup_status.refreshed_at IS 'When the last refresh finished.';
COMMENT ON COLUMN @extschema@.rollup_status.duration IS 'How long it took.';
COMMENT ON COLUMN @extschema@.rollup_status.age IS 'Time since then: how stale the dashboards are at most.';
COMMENT ON COLUMN @extschema@.rollup_status.as_of IS 'Date the supply was taken as valid at.';
COMMENT ON COLUMN @extschema@.rollup_status.outdated IS 'True when as_of is before today (a refresh is due).';
COMMENT ON COLUMN @extschema@.rollup_status.methodology IS 'Methodology used.';
COMMENT ON COLUMN @extschema@.rollup_status.rollup_rows IS 'Rows in sector_rollup.';

CREATE TABLE @extschema@.metric_snapshot (
  snapshot_id   bigint NOT NULL REFERENCES @extschema@.snapshot (snapshot_id) ON DELETE CASCADE,
  sector_code   text NOT NULL REFERENCES @extschema@.sector (code),
  member_state  text REFERENCES @extschema@.country (code),
  function_code text REFERENCES @extschema@.ict_function (code),
  group_mix     @extschema@.supply_mix,
  country_mix   @extschema@.supply_mix,
  metrics       jsonb NOT NULL CONSTRAINT metric_snapshot_metrics_object CHECK (pg_catalog.jsonb_typeof(metrics) OPERATOR(pg_catalog.=) 'object'),
  CONSTRAINT metric_snapshot_unique UNIQUE NULLS NOT DISTINCT (snapshot_id, sector_code, member_state, function_code)
);
COMMENT ON TABLE @extschema@.metric_snapshot IS 'Metrics stored per snapshot, sector, member state (NULL = EU-wide) and ICT function (NULL = all), with their mergeable states. User data: dumped, never changed by refresh().';
COMMENT ON COLUMN @extschema@.metric_snapshot.snapshot_id IS 'Snapshot.';
COMMENT ON COLUMN @extschema@.metric_snapshot.sector_code IS 'Sector.';
COMMENT ON COLUMN @extschema@.metric_snapshot.member_state IS 'Member state; NULL for the EU-wide row.';
COMMENT ON COLUMN @extschema@.metric_snapshot.function_code IS 'ICT function; NULL for all functions.';
COMMENT ON COLUMN @extschema@.metric_snapshot.group_mix IS 'Mergeable state: supply weight per supplier group.';
COMMENT ON COLUMN @extschema@.metric_snapshot.country_mix IS 'Mergeable state: supply weight per headquarters country.';
COMMENT ON COLUMN @extschema@.metric_snapshot.metrics IS 'The metrics and sums of sector_stats_at (name: value) and gaps, the entity and function pairs with a multi-vendor gap.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.metric_snapshot', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.sector_rollup', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.rollup_refresh', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.rollup_refresh_id_seq', '');

CREATE FUNCTION @extschema@.take_snapshot(label text DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql SET extra_float_digits = 1 SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  sid bigint;
  d   date := CURRENT_DATE;
  m   text := @extschema@.methodology_name(NULL);
BEGIN
  INSERT INTO @extschema@.snapshot (label, as_of, methodology) VALUES ($1, d, m) RETURNING snapshot_id INTO sid;
  INSERT INTO @extschema@.metric_snapshot (snapshot_id, sector_code, member_state, function_code, group_mix,
                                           country_mix, metrics)
  SELECT sid, x.sector_code, x.member_state, x.function_code, x.group_mix, x.country_mix,
         (pg_catalog.to_jsonb(x) OPERATOR(pg_catalog.-)
            ARRAY['sector_code', 'member_state', 'function_code', 'group_mix', 'country_mix']::text[])
         OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('gaps', COALESCE(g.n, 0))
  FROM @extschema@.sector_stats_at(d, m) x
  LEFT JOIN (
    SELECT p.sector_code, p.member_state, p.function_code, pg_catalog.count(*) AS n
    FROM (SELECT DISTINCT y.sector_code, y.member_state, y.function_code, y.entity_id
          FROM @extschema@.multi_vendor_gaps_at(d, m) y) p
    GROUP BY GROUPING SETS ((p.sector_code, p.member_state, p.function_code), (p.sector_code, p.function_code),
                            (p.sector_code, p.member_state), (p.sector_code))
  ) g ON g.sector_code OPERATOR(pg_catalog.=) x.sector_code
     AND (g.member_state OPERATOR(pg_catalog.=) x.member_state OR (g.member_state IS NULL AND x.member_state IS NULL))
     AND (g.function_code OPERATOR(pg_catalog.=) x.function_code OR (g.function_code IS NULL AND x.function_code IS NULL));
  RETURN sid;
END
$$;
COMMENT ON FUNCTION @extschema@.take_snapshot(text) IS
  'Stores every sector metric (sector_stats_at, per member state and EU-wide, per function and overall, with the mergeable states) and the multi-vendor gap counts, computed live for today; returns the snapshot id.';

CREATE FUNCTION @extschema@.trend_between(from_id bigint, to_id bigint)
RETURNS TABLE (sector_code text, member_state text, from_snapshot bigint, to_snapshot bigint,
               from_taken_at timestamptz, to_taken_at timestamptz,
               hhi_from float8, hhi_to float8, hhi_delta float8,
               hrv_share_from float8, hrv_share_to float8, hrv_share_delta float8,
               gaps_from bigint, gaps_to bigint, gaps_closed bigint, metrics jsonb)
LANGUAGE plpgsql STABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  sid bigint;
BEGIN
  FOREACH sid IN ARRAY ARRAY[$1, $2] LOOP
    IF NOT EXISTS (SELECT 1 FROM @extschema@.snapshot s WHERE s.snapshot_id OPERATOR(pg_catalog.=) sid) THEN
      RAISE EXCEPTION 'snapshot % does not exist', sid USING ERRCODE = 'invalid_parameter_value',
        HINT = 'The snapshots are listed in supplyrisk.snapshot.';
    END IF;
  END LOOP;
  RETURN QUERY
  WITH a AS (SELECT m.* FROM @extschema@.metric_snapshot m
             WHERE m.snapshot_id OPERATOR(pg_catalog.=) $1 AND m.function_code IS NULL),
       b AS (SELECT m.* FROM @extschema@.metric_snapshot m
             WHERE m.snapshot_id OPERATOR(pg_catalog.=) $2 AND m.function_code IS NULL),
       j AS (SELECT COALESCE(a.sector_code, b.sector_code) AS sc, COALESCE(a.member_state, b.member_state) AS ms,
                    COALESCE(a.metrics, '{}'::jsonb) AS am, COALESCE(b.metrics, '{}'::jsonb) AS bm
             FROM a FULL JOIN b ON a.sector_code OPERATOR(pg_catalog.=) b.sector_code
                               AND (a.member_state OPERATOR(pg_catalog.=) b.member_state OR (a.member_state IS NULL AND b.member_state IS NULL)))
  SELECT j.sc, j.ms, $1, $2, sa.taken_at, sb.taken_at,
         (j.am OPERATOR(pg_catalog.->>) 'hhi')::float8, (j.bm OPERATOR(pg_catalog.->>) 'hhi')::float8,
         (j.bm OPERATOR(pg_catalog.->>) 'hhi')::float8 OPERATOR(pg_catalog.-) (j.am OPERATOR(pg_catalog.->>) 'hhi')::float8,
         (j.am OPERATOR(pg_catalog.->>) 'hrv_share')::float8, (j.bm OPERATOR(pg_catalog.->>) 'hrv_share')::float8,
         (j.bm OPERATOR(pg_catalog.->>) 'hrv_share')::float8 OPERATOR(pg_catalog.-) (j.am OPERATOR(pg_catalog.->>) 'hrv_share')::float8,
         COALESCE((j.am OPERATOR(pg_catalog.->>) 'gaps')::bigint, 0), COALESCE((j.bm OPERATOR(pg_catalog.->>) 'gaps')::bigint, 0),
         COALESCE((j.am OPERATOR(pg_catalog.->>) 'gaps')::bigint, 0) OPERATOR(pg_catalog.-) COALESCE((j.bm OPERATOR(pg_catalog.->>) 'gaps')::bigint, 0),
         (SELECT pg_catalog.jsonb_object_agg(k.key, pg_catalog.jsonb_build_object(
                   'from', j.am OPERATOR(pg_catalog.->) k.key, 'to', j.bm OPERATOR(pg_catalog.->) k.key,
                   'delta', CASE WHEN pg_catalog.jsonb_typeof(j.am OPERATOR(pg_catalog.->) k.key) OPERATOR(pg_catalog.=) 'number'
                                  AND pg_catalog.jsonb_typeof(j.bm OPERATOR(pg_catalog.->) k.key) OPERATOR(pg_catalog.=) 'number'
                                 THEN (j.bm OPERATOR(pg_catalog.->>) k.key)::float8 OPERATOR(pg_catalog.-) (j.am OPERATOR(pg_catalog.->>) k.key)::float8 END))
          FROM pg_catalog.jsonb_object_keys(j.am OPERATOR(pg_catalog.||) j.bm) k(key))
  FROM j
  CROSS JOIN (SELECT s.taken_at FROM @extschema@.snapshot s WHERE s.snapshot_id OPERATOR(pg_catalog.=) $1) sa
  CROSS JOIN (SELECT s.taken_at FROM @extschema@.snapshot s WHERE s.snapshot_id OPERATOR(pg_catalog.=) $2) sb
  ORDER BY j.sc, j.ms NULLS FIRST;
END
$$;
COMMENT ON FUNCTION @extschema@.trend_between(bigint, bigint) IS
  'Change of every sector metric between two snapshots, per sector and member state (NULL: EU-wide): the headline figures as columns and every metric as {from, to, delta} in metrics.';

CREATE VIEW @extschema@.trend WITH (security_invoker = true) AS
  SELECT t.* FROM @extschema@.trend_between(
    (SELECT s.snapshot_id FROM @extschema@.snapshot s ORDER BY s.taken_at, s.snapshot_id LIMIT 1),
    (SELECT s.snapshot_id FROM @extschema@.snapshot s ORDER BY s.taken_at DESC, s.snapshot_id DESC LIMIT 1)) t;
COMMENT ON VIEW @extschema@.trend IS 'Change of every sector metric between the first and the latest snapshot, per sector and member state (NULL: EU-wide). Empty without snapshots; trend_between compares any two.';
DO $cm$
DECLARE c record;
BEGIN
  FOR c IN SELECT * FROM (VALUES
    ('sector_code', 'NIS2 sector.'),
    ('member_state', 'Member state; NULL for the EU-wide row.'),
    ('from_snapshot', 'The earlier snapshot.'),
    ('to_snapshot', 'The later snapshot.'),
    ('from_taken_at', 'When the earlier snapshot was taken.'),
    ('to_taken_at', 'When the later snapshot was taken.'),
    ('hhi_from', 'HHI over supplier groups at the earlier snapshot.'),
    ('hhi_to', 'HHI at the later snapshot.'),
    ('hhi_delta', 'hhi_to - hhi_from (negative: less concentrated).'),
    ('hrv_share_from', 'Share (0..1) of high-risk supply at the earlier snapshot.'),
    ('hrv_share_to', 'The same at the later snapshot.'),
    ('hrv_share_delta', 'hrv_share_to - hrv_share_from.'),
    ('gaps_from', 'Entity and function pairs with a multi-vendor gap at the earlier snapshot.'),
    ('gaps_to', 'The same at the later snapshot.'),
    ('gaps_closed', 'gaps_from - gaps_to: net gaps closed (negative: more gaps).'),
    ('metrics', 'Every stored metric as {"from": .., "to": .., "delta": ..} (delta for numbers only).')) x(col, txt) LOOP
    EXECUTE pg_catalog.format('COMMENT ON COLUMN @extschema@.trend.%I IS %L', c.col, c.txt);
  END LOOP;
END $cm$;

-- pg_cron: called only when it is installed; nothing is scheduled by the extension itself
CREATE FUNCTION @extschema@.cron_schedule_job(job text, cron text, command text) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  id bigint;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension e WHERE e.extname OPERATOR(pg_catalog.=) 'pg_cron') THEN
    RAISE EXCEPTION 'pg_cron is not installed in database "%"', pg_catalog.current_database()
      USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = 'Scheduling uses the pg_cron extension; supplyrisk does not require it.',
            HINT = 'Install the postgresql-15-cron package, set shared_preload_libraries = ''pg_cron'' and cron.database_name to this database, restart the server and run CREATE EXTENSION pg_cron; or call supplyrisk.refresh() from another scheduler.';
  END IF;
  IF cron IS NULL OR pg_catalog.btrim(cron) OPERATOR(pg_catalog.=) '' THEN
    RAISE EXCEPTION 'cron schedule must not be empty' USING ERRCODE = 'invalid_parameter_value',
      HINT = 'Use the cron syntax, e.g. ''15 * * * *'' (every hour at :15) or ''@daily''.';
  END IF;
  EXECUTE 'SELECT cron.schedule($1::text, $2::text, $3::text)' INTO id USING job, cron, command;
  RETURN id;
END
$$;
COMMENT ON FUNCTION @extschema@.cron_schedule_job(text, text, text) IS 'Schedules (or reschedules) a named pg_cron job in this database; the common part of schedule_refresh and schedule_snapshot.';

CREATE FUNCTION @extschema@.schedule_refresh(cron text) RETURNS bigint
LANGUAGE sql AS $$
  SELECT @extschema@.cron_schedule_job('supplyrisk_refresh', $1,
                                       pg_catalog.format('CALL %I.refresh()', '@extschema@'))
$$;
COMMENT ON FUNCTION @extschema@.schedule_refresh(text) IS 'Schedules CALL refresh() with pg_cron as job supplyrisk_refresh (rescheduling replaces it); returns the pg_cron job id. Needs pg_cron.';

CREATE FUNCTION @extschema@.schedule_snapshot(cron text, label text DEFAULT NULL) RETURNS bigint
LANGUAGE sql AS $$
  SELECT @extschema@.cron_schedule_job('supplyrisk_snapshot', $1,
           pg_catalog.format('SELECT %I.take_snapshot(%L)', '@extschema@', $2))
$$;
COMMENT ON FUNCTION @extschema@.schedule_snapshot(text, text) IS 'Schedules take_snapshot(label) with pg_cron as job supplyrisk_snapshot (rescheduling replaces it); returns the pg_cron job id. Needs pg_cron.';

CREATE FUNCTION @extschema@.unschedule(job text) RETURNS boolean
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  j text := CASE WHEN job IN ('refresh', 'snapshot') THEN 'supplyrisk_' OPERATOR(pg_catalog.||) job ELSE job END;
  found_job boolean;
BEGIN
  IF j IS NULL OR j NOT IN ('supplyrisk_refresh', 'supplyrisk_snapshot') THEN
    RAISE EXCEPTION 'unknown supplyrisk job "%"', job USING ERRCODE = 'invalid_parameter_value',
      HINT = 'The jobs are refresh and snapshot.';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension e WHERE e.extname OPERATOR(pg_catalog.=) 'pg_cron') THEN
    RAISE EXCEPTION 'pg_cron is not installed in database "%"', pg_catalog.current_database()
      USING ERRCODE = 'object_not_in_prerequisite_state',
            HINT = 'Nothing can have been scheduled through pg_cron here.';
  END IF;
  EXECUTE 'SELECT EXISTS (SELECT 1 FROM cron.job WHERE jobname OPERATOR(pg_catalog.=) $1 AND username OPERATOR(pg_catalog.=) CURRENT_USER)'
    INTO found_job USING j;
  IF NOT found_job THEN
    RETURN false;
  END IF;
  EXECUTE 'SELECT cron.unschedule($1::name)' INTO found_job USING j;
  RETURN found_job;
END
$$;
COMMENT ON FUNCTION @extschema@.unschedule(text) IS 'Removes the pg_cron job refresh or snapshot (supplyrisk_refresh, supplyrisk_snapshot) of the current user; false when it was not scheduled. Needs pg_cron.';

-- Reports: a sector (or the EU dashboard) as Markdown or HTML text
CREATE FUNCTION @extschema@.report_escape(v text, format text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN $2 OPERATOR(pg_catalog.=) 'html' THEN
           pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
             COALESCE($1, ''), '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&#39;')
         ELSE
           pg_catalog.regexp_replace(pg_catalog.replace(pg_catalog.replace(COALESCE($1, ''), '\', '\\'), '|', '\|'),
                                     '[\r\n]+', ' ', 'g')
         END
$$;
COMMENT ON FUNCTION @extschema@.report_escape(text, text) IS 'Text escaped for a report format: markdown (\ and | escaped, line breaks removed) or html (& < > " '' as entities).';

CREATE FUNCTION @extschema@.report_line(cells text[], format text, header boolean DEFAULT false) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN $2 OPERATOR(pg_catalog.=) 'html' THEN
           '<tr>' OPERATOR(pg_catalog.||) pg_catalog.string_agg(
             pg_catalog.format(CASE WHEN $3 THEN '<th>%s</th>' ELSE '<td>%s</td>' END, @extschema@.report_escape(c.v, $2)),
             '' ORDER BY c.i) OPERATOR(pg_catalog.||) '</tr>'
         ELSE
           '| ' OPERATOR(pg_catalog.||) pg_catalog.string_agg(@extschema@.report_escape(c.v, $2), ' | ' ORDER BY c.i)
           OPERATOR(pg_catalog.||) ' |'
           OPERATOR(pg_catalog.||) CASE WHEN $3 THEN E'\n|' OPERATOR(pg_catalog.||) pg_catalog.repeat('---|', pg_catalog.count(*)::integer) ELSE '' END
         END
  FROM pg_catalog.unnest($1) WITH ORDINALITY c(v, i)
$$;
COMMENT ON FUNCTION @extschema@.report_line(text[], text, boolean) IS 'One table row of a report (a header row when header), each cell escaped with report_escape.';

CREATE FUNCTION @extschema@.sector_report(sector text DEFAULT NULL, format text DEFAULT 'markdown') RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  fmt   text := pg_catalog.lower(format);
  title text;
  src   text;
  t1    text;
  t2    text := NULL;
  pct   CONSTANT text := 'FM990.0';
BEGIN
  IF fmt IS NULL OR fmt NOT IN ('markdown', 'html') THEN
    RAISE EXCEPTION 'unknown report format "%"', format USING ERRCODE = 'invalid_parameter_value',
      HINT = 'Use markdown or html.';
  END IF;
  IF sector IS NOT NULL THEN
    SELECT s.name INTO title FROM @extschema@.sector s WHERE s.code OPERATOR(pg_catalog.=) sector;
    IF title IS NULL THEN
      RAISE EXCEPTION 'unknown sector "%"', sector USING ERRCODE = 'invalid_parameter_value',
        HINT = 'The sector codes are listed in supplyrisk.sector.';
    END IF;
  ELSE
    title := 'EU overview of the NIS2 sectors';
  END IF;
  SELECT CASE r.source WHEN 'rollup' THEN pg_catalog.format('rollups of %s (supply valid on %s, methodology %s)',
                                            pg_catalog.to_char(r.refreshed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"'),
                                            pg_catalog.to_char(r.as_of, 'YYYY-MM-DD'), r.methodology)
         ELSE pg_catalog.format('computed live (supply valid on %s, methodology %s)', pg_catalog.to_char(CURRENT_DATE, 'YYYY-MM-DD'),
                                @extschema@.methodology_name(NULL)) END
  INTO src FROM @extschema@.rollup_status r;

  SELECT @extschema@.report_line(ARRAY[CASE WHEN sector IS NULL THEN 'Sector' ELSE 'Member state' END, 'Entities',
           'Supplier groups', 'HHI', 'CR4 %', 'Effective suppliers', 'High-risk %', 'Non-EU %',
           'Single-supplier critical', 'Level'], fmt, true)
         OPERATOR(pg_catalog.||) E'\n' OPERATOR(pg_catalog.||)
         COALESCE(pg_catalog.string_agg(@extschema@.report_line(ARRAY[
           CASE WHEN sector IS NULL THEN o.sector_name ELSE COALESCE(o.member_state, 'EU') END,
           o.entities::text, o.suppliers::text, pg_catalog.round(o.hhi::numeric, 0)::text,
           pg_catalog.to_char(o.cr4 OPERATOR(pg_catalog.*) 100, pct), pg_catalog.round(o.effective_suppliers::numeric, 1)::text,
           pg_catalog.to_char(o.hrv_share OPERATOR(pg_catalog.*) 100, pct), pg_catalog.to_char(o.non_eu_share OPERATOR(pg_catalog.*) 100, pct),
           o.single_supplier_critical::text, o.concentration_level], fmt), E'\n'
           ORDER BY o.sector_code, o.member_state NULLS FIRST), '')
  INTO t1
  FROM @extschema@.sector_overview o
  WHERE CASE WHEN sector IS NULL THEN o.member_state IS NULL ELSE o.sector_code OPERATOR(pg_catalog.=) sector END;

  IF sector IS NOT NULL THEN
    SELECT @extschema@.report_line(ARRAY['ICT function', 'Criticality', 'Entities', 'Supplier groups', 'HHI', 'CR1 %',
             'High-risk %', 'Non-EU %', 'Single-supplier entities', 'Largest suppliers'], fmt, true)
           OPERATOR(pg_catalog.||) E'\n' OPERATOR(pg_catalog.||)
           COALESCE(pg_catalog.string_agg(@extschema@.report_line(ARRAY[
             f.function_name, f.criticality, f.entities::text, f.suppliers::text, pg_catalog.round(f.hhi::numeric, 0)::text,
             pg_catalog.to_char(f.cr1 OPERATOR(pg_catalog.*) 100, pct), pg_catalog.to_char(f.hrv_share OPERATOR(pg_catalog.*) 100, pct),
             pg_catalog.to_char(f.non_eu_share OPERATOR(pg_catalog.*) 100, pct), f.single_supplier_entities::text, f.top_suppliers], fmt), E'\n'
             ORDER BY CASE f.criticality WHEN 'critical' THEN 1 WHEN 'sensitive' THEN 2 ELSE 3 END, f.function_code), '')
    INTO t2
    FROM @extschema@.sector_function_rows(sector, false) f
    WHERE f.member_state IS NULL;
  END IF;

  IF fmt OPERATOR(pg_catalog.=) 'html' THEN
    RETURN pg_catalog.format(E'<h1>%s</h1>\n<p>Source: %s.</p>\n<table>\n%s\n</table>\n%s',
             @extschema@.report_escape(title, 'html'), @extschema@.report_escape(src, 'html'), t1,
             CASE WHEN t2 IS NULL THEN '' ELSE pg_catalog.format(E'<h2>ICT functions, EU-wide</h2>\n<table>\n%s\n</table>\n', t2) END);
  END IF;
  RETURN pg_catalog.format(E'# %s\n\nSource: %s.\n\n%s\n%s', @extschema@.report_escape(title, 'markdown'), src, t1,
           CASE WHEN t2 IS NULL THEN '' ELSE pg_catalog.format(E'\n## ICT functions, EU-wide\n\n%s\n', t2) END);
END
$$;
COMMENT ON FUNCTION @extschema@.sector_report(text, text) IS
  'A report as Markdown or HTML text: one sector (member states, EU-wide ICT functions) or, with sector NULL, the EU overview of all sectors; read from the same source as the dashboard views.';

--------------------------------------------------------------------------------
-- Access control: grants by access level and member state, row-level security

CREATE TABLE @extschema@.access_grant (
  role_name     name PRIMARY KEY,
  access        text NOT NULL CONSTRAINT access_grant_level CHECK (access IN ('read', 'assess', 'admin')),
  member_states text[] CONSTRAINT access_grant_states_nonempty CHECK (pg_catalog.cardinality(member_states) OPERATOR(pg_catalog.>) 0),
  granted_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
  granted_by    name NOT NULL DEFAULT CURRENT_USER
);
COMMENT ON TABLE @extschema@.access_grant IS 'Who may use supplyrisk: one row per role, written by grant_access and revoke_access only.';
COMMENT ON COLUMN @extschema@.access_grant.role_name IS 'The role (members of it inherit the grant).';
COMMENT ON COLUMN @extschema@.access_grant.access IS 'read (views and tables), assess (also writes entities, supply, assessments, designations), admin (everything, refresh, snapshots, grants).';
COMMENT ON COLUMN @extschema@.access_grant.member_states IS 'The member states whose rows the role sees and changes; NULL: all, including EU-wide rows.';
COMMENT ON COLUMN @extschema@.access_grant.granted_at IS 'When the grant was made.';
COMMENT ON COLUMN @extschema@.access_grant.granted_by IS 'Who made it.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.access_grant', '');

-- The member states a user may see: NULL = all (superusers, unscoped grants), an
-- empty array = none (no grant). Security definer, as access_grant is readable by
-- admins only; it answers for the session user and the roles it may act as only.
CREATE FUNCTION @extschema@.access_member_states_for(who name) RETURNS text[]
LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  states text[];
  unscoped boolean;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) who)
     OR NOT pg_catalog.pg_has_role(SESSION_USER, who, 'MEMBER') THEN
    RETURN '{}'::text[];
  END IF;
  IF (SELECT r.rolsuper OR r.rolbypassrls FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) who) THEN
    RETURN NULL;
  END IF;
  SELECT pg_catalog.bool_or(g.member_states IS NULL),
         pg_catalog.array_agg(DISTINCT s.ms ORDER BY s.ms) FILTER (WHERE s.ms IS NOT NULL)
  INTO unscoped, states
  FROM @extschema@.access_grant g
  LEFT JOIN LATERAL pg_catalog.unnest(g.member_states) s(ms) ON true
  WHERE pg_catalog.pg_has_role(who, g.role_name, 'MEMBER');
  IF unscoped THEN
    RETURN NULL;
  END IF;
  RETURN COALESCE(states, '{}'::text[]);
END
$$;
COMMENT ON FUNCTION @extschema@.access_member_states_for(name) IS 'Member states whose rows a role may see (NULL: all; {}: none), the union over its grants; answers only for the session user and roles it is a member of.';

CREATE FUNCTION @extschema@.access_member_states() RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT @extschema@.access_member_states_for(CURRENT_USER)
$$;
COMMENT ON FUNCTION @extschema@.access_member_states() IS 'Member states whose rows the current user may see: NULL for all (superuser or an unscoped grant), {} for none.';


ALTER TABLE @extschema@.entity ENABLE ROW LEVEL SECURITY;
CREATE POLICY entity_by_member_state ON @extschema@.entity
  USING (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[]))));
ALTER TABLE @extschema@.supply ENABLE ROW LEVEL SECURITY;
CREATE POLICY supply_by_entity ON @extschema@.supply  -- the entity's own policy scopes the subquery
  USING (entity_id IN (SELECT e.entity_id FROM @extschema@.entity e));
ALTER TABLE @extschema@.assessment ENABLE ROW LEVEL SECURITY;
CREATE POLICY assessment_read ON @extschema@.assessment FOR SELECT
  USING (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[])) OR (member_state IS NULL AND pg_catalog.cardinality((SELECT @extschema@.access_member_states())) OPERATOR(pg_catalog.>) 0)));
CREATE POLICY assessment_write ON @extschema@.assessment FOR ALL
  USING (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[])))) WITH CHECK (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[]))));
ALTER TABLE @extschema@.designation ENABLE ROW LEVEL SECURITY;
CREATE POLICY designation_read ON @extschema@.designation FOR SELECT
  USING (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[])) OR (member_state IS NULL AND pg_catalog.cardinality((SELECT @extschema@.access_member_states())) OPERATOR(pg_catalog.>) 0)));
CREATE POLICY designation_write ON @extschema@.designation FOR ALL
  USING (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[])))) WITH CHECK (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[]))));
ALTER TABLE @extschema@.sector_rollup ENABLE ROW LEVEL SECURITY;
CREATE POLICY sector_rollup_by_member_state ON @extschema@.sector_rollup
  USING (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[]))));
ALTER TABLE @extschema@.metric_snapshot ENABLE ROW LEVEL SECURITY;
CREATE POLICY metric_snapshot_by_member_state ON @extschema@.metric_snapshot
  USING (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[]))));
ALTER TABLE @extschema@.access_grant ENABLE ROW LEVEL SECURITY;
CREATE POLICY access_grant_admins ON @extschema@.access_grant
  USING ((SELECT @extschema@.access_member_states()) IS NULL);
COMMENT ON POLICY entity_by_member_state ON @extschema@.entity IS 'A scoped role sees and changes the entities of its member states only.';
COMMENT ON POLICY supply_by_entity ON @extschema@.supply IS 'Supply rows follow their entity.';
COMMENT ON POLICY assessment_read ON @extschema@.assessment IS 'Assessments of the role''s member states and shared ones (member_state NULL).';
COMMENT ON POLICY assessment_write ON @extschema@.assessment IS 'A scoped role writes assessments of its member states only; shared ones need an unscoped role.';
COMMENT ON POLICY designation_read ON @extschema@.designation IS 'Designations of the role''s member states and shared ones (member_state NULL).';
COMMENT ON POLICY designation_write ON @extschema@.designation IS 'A scoped role writes designations of its member states only.';
COMMENT ON POLICY sector_rollup_by_member_state ON @extschema@.sector_rollup IS 'Rollup rows of the role''s member states; EU-wide rows for unscoped roles only.';
COMMENT ON POLICY metric_snapshot_by_member_state ON @extschema@.metric_snapshot IS 'Snapshot rows of the role''s member states; EU-wide rows for unscoped roles only.';
COMMENT ON POLICY access_grant_admins ON @extschema@.access_grant IS 'Only unscoped roles see the grants.';

-- only admins run the jobs and change access
REVOKE EXECUTE ON PROCEDURE @extschema@.refresh() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.take_snapshot(text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.cron_schedule_job(text, text, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.schedule_refresh(text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.schedule_snapshot(text, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.unschedule(text) FROM PUBLIC;

-- the session user must be a superuser or a supplyrisk admin (called by the security-definer
-- grant functions, whose current user is the owner: the session user is the caller)
CREATE FUNCTION @extschema@.access_require_admin(action text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF NOT (SELECT a.rolsuper FROM pg_catalog.pg_roles a WHERE a.rolname OPERATOR(pg_catalog.=) SESSION_USER)
     AND NOT EXISTS (SELECT 1 FROM @extschema@.access_grant g WHERE g.access OPERATOR(pg_catalog.=) 'admin'
                     AND pg_catalog.pg_has_role(SESSION_USER, g.role_name, 'MEMBER')) THEN
    RAISE EXCEPTION 'permission denied to % supplyrisk access', action USING ERRCODE = 'insufficient_privilege',
      HINT = 'Grants are made and changed by superusers and supplyrisk admins.';
  END IF;
END
$$;
REVOKE EXECUTE ON FUNCTION @extschema@.access_require_admin(text) FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.access_require_admin(text) IS 'Internal: 42501 unless the session user is a superuser or a supplyrisk admin; called by grant_access and revoke_access.';

CREATE FUNCTION @extschema@.grant_access(role regrole, access text, member_states text[] DEFAULT NULL) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  r   text := pg_catalog.quote_ident((SELECT a.rolname FROM pg_catalog.pg_roles a WHERE a.oid OPERATOR(pg_catalog.=) role::oid));
  sch text := pg_catalog.quote_ident('@extschema@');
  bad text;
  ms  text[];
BEGIN
  IF role IS NULL OR access IS NULL THEN
    RAISE EXCEPTION 'role and access must not be null' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  PERFORM @extschema@.access_require_admin('grant');
  IF access NOT IN ('read', 'assess', 'admin') THEN
    RAISE EXCEPTION 'unknown access level "%"', access USING ERRCODE = 'invalid_parameter_value',
      HINT = 'Use read, assess or admin.';
  END IF;
  IF (SELECT a.rolsuper FROM pg_catalog.pg_roles a WHERE a.oid OPERATOR(pg_catalog.=) role::oid) THEN
    RAISE EXCEPTION 'role "%" is a superuser', role USING ERRCODE = 'invalid_parameter_value',
      DETAIL = 'Superusers bypass row-level security; a grant would not limit them.';
  END IF;
  IF member_states IS NOT NULL THEN
    IF access OPERATOR(pg_catalog.=) 'admin' THEN
      RAISE EXCEPTION 'admin access cannot be limited to member states' USING ERRCODE = 'invalid_parameter_value',
        DETAIL = 'Admins refresh the rollups and take snapshots, which need every row.', HINT = 'Grant assess instead.';
    END IF;
    IF pg_catalog.cardinality(member_states) OPERATOR(pg_catalog.=) 0 OR pg_catalog.array_position(member_states, NULL) IS NOT NULL THEN
      RAISE EXCEPTION 'member_states must list at least one member state and no NULL' USING ERRCODE = 'invalid_parameter_value',
        HINT = 'Pass NULL for all member states; revoke_access removes access.';
    END IF;
    SELECT pg_catalog.string_agg(m, ', ') INTO bad FROM pg_catalog.unnest(member_states) m
    WHERE NOT EXISTS (SELECT 1 FROM @extschema@.country c WHERE c.code OPERATOR(pg_catalog.=) m AND c.eu_member);
    IF bad IS NOT NULL THEN
      RAISE EXCEPTION 'not an EU member state: "%"', bad USING ERRCODE = 'invalid_parameter_value',
        HINT = 'See supplyrisk.country where eu_member.';
    END IF;
    SELECT pg_catalog.array_agg(DISTINCT m ORDER BY m) INTO ms FROM pg_catalog.unnest(member_states) m;
  END IF;
  -- start from nothing, then grant the level
  PERFORM @extschema@.revoke_privileges(r);
  EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA %s TO %s', sch, r);
  EXECUTE pg_catalog.format('GRANT SELECT ON ALL TABLES IN SCHEMA %s TO %s', sch, r);
  IF access IN ('assess', 'admin') THEN
    EXECUTE pg_catalog.format('GRANT INSERT, UPDATE, DELETE ON %1$s.entity, %1$s.supply, %1$s.assessment, %1$s.designation TO %2$s', sch, r);
    EXECUTE pg_catalog.format('GRANT INSERT ON %1$s.supplier, %1$s.supplier_dependency TO %2$s', sch, r);
    EXECUTE pg_catalog.format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA %s TO %s', sch, r);
  END IF;
  IF access OPERATOR(pg_catalog.=) 'admin' THEN
    EXECUTE pg_catalog.format('GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %s TO %s', sch, r);
    EXECUTE pg_catalog.format('GRANT EXECUTE ON PROCEDURE %s.refresh() TO %s', sch, r);
    EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %1$s.take_snapshot(text), %1$s.cron_schedule_job(text, text, text), %1$s.schedule_refresh(text), %1$s.schedule_snapshot(text, text), %1$s.unschedule(text), %1$s.grant_access(regrole, text, text[]), %1$s.revoke_access(regrole) TO %2$s', sch, r);
  END IF;
  INSERT INTO @extschema@.access_grant AS g (role_name, access, member_states)
  VALUES ((SELECT a.rolname FROM pg_catalog.pg_roles a WHERE a.oid OPERATOR(pg_catalog.=) role::oid), access, ms)
  ON CONFLICT (role_name) DO UPDATE SET access = EXCLUDED.access, member_states = EXCLUDED.member_states,
                                        granted_at = pg_catalog.now(), granted_by = SESSION_USER;
END
$$;
COMMENT ON FUNCTION @extschema@.grant_access(regrole, text, text[]) IS 'Gives a role read, assess or admin access to supplyrisk, limited to some member states (NULL: all); replaces any earlier grant of the role.';

CREATE FUNCTION @extschema@.revoke_privileges(role_sql text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  sch text := pg_catalog.quote_ident('@extschema@');
BEGIN
  EXECUTE pg_catalog.format('REVOKE ALL ON ALL TABLES IN SCHEMA %s FROM %s', sch, role_sql);
  EXECUTE pg_catalog.format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %s FROM %s', sch, role_sql);
  EXECUTE pg_catalog.format('REVOKE EXECUTE ON PROCEDURE %s.refresh() FROM %s', sch, role_sql);
  EXECUTE pg_catalog.format('REVOKE EXECUTE ON FUNCTION %1$s.take_snapshot(text), %1$s.cron_schedule_job(text, text, text), %1$s.schedule_refresh(text), %1$s.schedule_snapshot(text, text), %1$s.unschedule(text), %1$s.grant_access(regrole, text, text[]), %1$s.revoke_access(regrole) FROM %2$s', sch, role_sql);
  EXECUTE pg_catalog.format('REVOKE USAGE ON SCHEMA %s FROM %s', sch, role_sql);
END
$$;
REVOKE EXECUTE ON FUNCTION @extschema@.revoke_privileges(text) FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.revoke_privileges(text) IS 'Internal: removes every privilege grant_access gives (role as an SQL identifier); called by grant_access and revoke_access.';

CREATE FUNCTION @extschema@.revoke_access(role regrole) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  n text := (SELECT a.rolname FROM pg_catalog.pg_roles a WHERE a.oid OPERATOR(pg_catalog.=) role::oid);
BEGIN
  IF role IS NULL THEN
    RAISE EXCEPTION 'role must not be null' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  PERFORM @extschema@.access_require_admin('revoke');
  PERFORM @extschema@.revoke_privileges(pg_catalog.quote_ident(n));
  DELETE FROM @extschema@.access_grant g WHERE g.role_name OPERATOR(pg_catalog.=) n;
  RETURN FOUND;
END
$$;
COMMENT ON FUNCTION @extschema@.revoke_access(regrole) IS 'Removes a role''s supplyrisk access and privileges; false when it had no grant.';
REVOKE EXECUTE ON FUNCTION @extschema@.grant_access(regrole, text, text[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.revoke_access(regrole) FROM PUBLIC;

CREATE FUNCTION @extschema@.version() RETURNS text
AS 'MODULE_PATHNAME', 'supplyrisk_version' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.version() IS 'Version of the loaded supplyrisk library.';
