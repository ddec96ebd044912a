-- Every object of the supplyrisk extension described by its definition, one line
-- each, sorted, with no OIDs, and the shipped rows (their contents' md5): two
-- databases with the same extension objects give identical output. Used by
-- test/upgrade.sh.
WITH ext AS (SELECT oid FROM pg_extension WHERE extname = 'supplyrisk'),
members AS (
  SELECT d.classid, d.objid FROM pg_depend d, ext WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e'
),
lines AS (
  SELECT pg_describe_object(m.classid, m.objid, 0) AS obj,
    CASE m.classid
      WHEN 'pg_proc'::regclass THEN (
        SELECT CASE WHEN p.prokind = 'a' THEN (SELECT format('agg %s %s %s %s %s %s %s %s %s', a.aggtransfn, a.aggfinalfn, a.aggcombinefn, a.aggserialfn,
                                                           a.aggdeserialfn, format_type(a.aggtranstype, NULL), a.aggtransspace, a.agginitval, p.proparallel)
                                              FROM pg_aggregate a WHERE a.aggfnoid = p.oid)
                    ELSE pg_get_functiondef(p.oid) END || ' acl=' || coalesce(p.proacl::text, '-')
        FROM pg_proc p WHERE p.oid = m.objid)
      WHEN 'pg_class'::regclass THEN (
        SELECT format('%s rls=%s opts=%s acl=%s cols=[%s] cons=[%s] idx=[%s] trg=[%s] pol=[%s] view=%s', c.relkind, c.relrowsecurity, c.reloptions,
                      coalesce(c.relacl::text, '-'),
                      (SELECT string_agg(format('%s %s %s %s %s', a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                                                pg_get_expr(ad.adbin, ad.adrelid), col_description(c.oid, a.attnum)), '; ' ORDER BY a.attnum)
                       FROM pg_attribute a LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
                       WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
                      (SELECT string_agg(format('%s %s', co.conname, pg_get_constraintdef(co.oid)), '; ' ORDER BY co.conname) FROM pg_constraint co WHERE co.conrelid = c.oid),
                      (SELECT string_agg(pg_get_indexdef(i.indexrelid), '; ' ORDER BY pg_get_indexdef(i.indexrelid)) FROM pg_index i WHERE i.indrelid = c.oid),
                      (SELECT string_agg(pg_get_triggerdef(t.oid), '; ' ORDER BY t.tgname) FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal),
                      (SELECT string_agg(format('%s %s %s %s %s', po.polname, po.polcmd, po.polpermissive, pg_get_expr(po.polqual, po.polrelid),
                                                pg_get_expr(po.polwithcheck, po.polrelid)), '; ' ORDER BY po.polname) FROM pg_policy po WHERE po.polrelid = c.oid),
                      CASE WHEN c.relkind = 'v' THEN pg_get_viewdef(c.oid) END)
        FROM pg_class c WHERE c.oid = m.objid)
      WHEN 'pg_type'::regclass THEN (SELECT format('%s %s %s %s %s', t.typtype, t.typlen, t.typalign, t.typstorage, t.typinput::text) FROM pg_type t WHERE t.oid = m.objid)
      WHEN 'pg_operator'::regclass THEN (SELECT format('%s %s %s', o.oprcode, o.oprcom::regoperator, o.oprnegate::regoperator) FROM pg_operator o WHERE o.oid = m.objid)
      WHEN 'pg_cast'::regclass THEN (SELECT format('%s %s', c.castfunc::regprocedure, c.castcontext) FROM pg_cast c WHERE c.oid = m.objid)
      ELSE ''
    END AS def,
    obj_description(m.objid, (SELECT relname FROM pg_class WHERE oid = m.classid)) AS comment
  FROM members m
)
SELECT obj || ' | ' || coalesce(def, '') || ' | ' || coalesce(comment, '-') FROM lines
UNION ALL
SELECT 'config ' || string_agg(format('%s:%s', c::regclass, w), ', ' ORDER BY c::regclass::text)
FROM pg_extension e, unnest(e.extconfig, e.extcondition) x(c, w) WHERE e.extname = 'supplyrisk'
UNION ALL
SELECT 'shipped ' || string_agg(format('%s=%s', t, n), ', ' ORDER BY t) FROM (
  SELECT 'sector' t, md5(string_agg(x::text, ',' ORDER BY x::text)) n FROM supplyrisk.sector x WHERE shipped
  UNION ALL SELECT 'subsector', md5(string_agg(x::text, ',' ORDER BY x::text)) FROM supplyrisk.subsector x WHERE shipped
  UNION ALL SELECT 'country', md5(string_agg(x::text, ',' ORDER BY x::text)) FROM supplyrisk.country x WHERE shipped
  UNION ALL SELECT 'ict_function', md5(string_agg(x::text, ',' ORDER BY x::text)) FROM supplyrisk.ict_function x WHERE shipped
  UNION ALL SELECT 'risk_factor', md5(string_agg(x::text, ',' ORDER BY x::text)) FROM supplyrisk.risk_factor x WHERE shipped
  UNION ALL SELECT 'methodology', md5(string_agg((to_jsonb(x) - 'created_at')::text, ',' ORDER BY x::text)) FROM supplyrisk.methodology x WHERE shipped
  UNION ALL SELECT 'methodology_weight', md5(string_agg(x::text, ',' ORDER BY x::text)) FROM supplyrisk.methodology_weight x WHERE shipped) s
ORDER BY 1;
