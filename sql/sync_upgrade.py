#!/usr/bin/env python3
"""Copies objects that the upgrade script holds verbatim from their sources in sql/src/ into
sql/supplyrisk--0.1.0--0.2.0.sql: the federation files (68, 69) whole, and single functions
(from their CREATE line to the end of their COMMENT statement; CREATE becomes CREATE OR REPLACE
where the upgrade replaces a 0.1.0 object). Run after editing one of them; test/upgrade.sh
checks the result against a fresh install."""
import os, re
top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
up = os.path.join(top, 'sql', 'supplyrisk--0.1.0--0.2.0.sql')
U = open(up).read()
src = lambda n: open(os.path.join(top, 'sql', 'src', n)).read()
end_of = lambda text, i: re.compile(r";\n").search(text, i).end()

def block(text, start, comment):
    i = text.index(start); i = text.rfind('\n', 0, i) + 1
    return i, end_of(text, text.index(comment, i))

def sync(srcfile, start, comment, replace=False):
    global U
    s = src(srcfile)
    i, j = block(s, start, comment)
    new = s[i:j]
    ustart = start.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION') if replace else start
    if replace:
        new = new.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION', 1)
    a, b = block(U, ustart, comment)
    U = U[:a] + new + U[b:]

# the federation files, whole
a68, a69 = src('68_federation_export.sql'), src('69_federation_pull.sql')
i = U.index(a68.split('\n', 1)[0])
j = U.index('\n', U.index("';", U.index("COMMENT ON FUNCTION @extschema@.federation_explain()", i))) + 1
U = U[:i] + a68 + a69 + U[j:]
# single objects
sync('82_grant_functions.sql', 'CREATE FUNCTION @extschema@.grant_access', 'COMMENT ON FUNCTION @extschema@.grant_access', True)
sync('82_grant_functions.sql', 'CREATE FUNCTION @extschema@.grant_privileges', 'COMMENT ON FUNCTION @extschema@.grant_privileges')
sync('82_grant_functions.sql', 'CREATE FUNCTION @extschema@.revoke_privileges', 'COMMENT ON FUNCTION @extschema@.revoke_privileges', True)
sync('70_refresh.sql', 'CREATE PROCEDURE @extschema@.refresh', 'COMMENT ON PROCEDURE @extschema@.refresh')
sync('71_snapshots_trend.sql', 'CREATE FUNCTION @extschema@.sector_gap_counts', 'COMMENT ON FUNCTION @extschema@.sector_gap_counts')
sync('71_snapshots_trend.sql', 'CREATE FUNCTION @extschema@.take_snapshot', 'COMMENT ON FUNCTION @extschema@.take_snapshot', True)
sync('61_sector_stats.sql', 'CREATE FUNCTION @extschema@.sector_function_stats', 'COMMENT ON FUNCTION @extschema@.sector_function_stats')
sync('61_sector_stats.sql', 'CREATE FUNCTION @extschema@.sector_stats_levels', 'COMMENT ON FUNCTION @extschema@.sector_stats_levels')
sync('61_sector_stats.sql', 'CREATE FUNCTION @extschema@.federation_group_name', 'COMMENT ON FUNCTION @extschema@.federation_group_name')
sync('61_sector_stats.sql', 'CREATE FUNCTION @extschema@.top_shares_named', 'COMMENT ON FUNCTION @extschema@.top_shares_named')
sync('61_sector_stats.sql', 'CREATE FUNCTION @extschema@.top_supplier_names', 'COMMENT ON FUNCTION @extschema@.top_supplier_names', True)
open(up, 'w').write(U)
