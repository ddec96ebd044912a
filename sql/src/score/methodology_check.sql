-- Supplier risk scoring, 1/3: a methodology whose dimension has weight needs factor weights.

-- every dimension that carries weight must have some factor weight: checked at commit when
-- weights change or a methodology is updated (not when one is inserted: pg_restore loads
-- methodologies before their weights; the scoring engine refuses an incomplete one, 22023)
CREATE OR REPLACE FUNCTION @extschema@.check_methodology() RETURNS trigger
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
