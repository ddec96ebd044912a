#!/usr/bin/env python3
"""Copies what the upgrade script holds verbatim from its sources in sql/src/ into
sql/supplyrisk--0.1.0--0.2.0.sql:
  - the regions between "-- >>> sync: <files>" and "-- <<< sync": those files, whole;
  - single objects the upgrade drops or replaces: from their CREATE line to the end of their
    COMMENT statement (CREATE becomes CREATE OR REPLACE where the upgrade replaces a 0.1.0
    object in place).
Run after editing one of them; test/upgrade.sh checks the result against a fresh install."""
import os, re
top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
up = os.path.join(top, 'sql', 'supplyrisk--0.1.0--0.2.0.sql')
U = open(up).read()
src = lambda n: open(os.path.join(top, 'sql', 'src', n)).read()
end_of = lambda text, i: re.compile(r";\n").search(text, i).end()

def regions():
    global U
    out, pos = [], 0
    for m in re.finditer(r'-- >>> sync: ([^\n]*)\n(.*?)-- <<< sync\n', U, re.S):
        files = m.group(1).split()
        out.append(U[pos:m.start()])
        out.append('-- >>> sync: ' + ' '.join(files) + '\n' + ''.join(src(f).rstrip('\n') + '\n' for f in files) + '-- <<< sync\n')
        pos = m.end()
    out.append(U[pos:])
    U = ''.join(out)

def block(text, start, end):
    i = text.index(start); i = text.rfind('\n', 0, i) + 1
    return i, end_of(text, text.index(end, i))

def sync(srcfile, start, end, replace=False):
    global U
    s = src(srcfile)
    i, j = block(s, start, end)
    new = s[i:j]
    ustart = start
    if replace:
        new = re.sub(r'CREATE (FUNCTION|VIEW)', r'CREATE OR REPLACE \1', new, count=1)
        ustart = re.sub(r'CREATE (FUNCTION|VIEW)', r'CREATE OR REPLACE \1', start)
    uend = re.sub(r'CREATE (FUNCTION|VIEW)', r'CREATE OR REPLACE \1', end) if replace and end == start else end
    a, b = block(U, ustart, uend)
    U = U[:a] + new + U[b:]

regions()
sync('32_supply.sql', 'CREATE FUNCTION @extschema@.supply_in_scope', 'COMMENT ON FUNCTION @extschema@.supply_in_scope')
sync('52_supplier_risk.sql', 'CREATE FUNCTION @extschema@.supplier_risk_of', 'COMMENT ON FUNCTION @extschema@.supplier_risk_of')
sync('52_supplier_risk.sql', 'CREATE FUNCTION @extschema@.supplier_risk_at', 'COMMENT ON FUNCTION @extschema@.supplier_risk_at', True)
sync('82_grant_functions.sql', 'CREATE FUNCTION @extschema@.grant_access', 'COMMENT ON FUNCTION @extschema@.grant_access', True)
sync('82_grant_functions.sql', 'CREATE FUNCTION @extschema@.grant_privileges', 'COMMENT ON FUNCTION @extschema@.grant_privileges')
sync('82_grant_functions.sql', 'CREATE FUNCTION @extschema@.revoke_privileges', 'COMMENT ON FUNCTION @extschema@.revoke_privileges', True)
sync('73_reports.sql', 'CREATE FUNCTION @extschema@.sector_report(', 'COMMENT ON FUNCTION @extschema@.sector_report(', True)
sync('70_refresh.sql', 'CREATE VIEW @extschema@.rollup_status', 'CREATE VIEW @extschema@.rollup_status', True)
sync('70_refresh.sql', 'CREATE PROCEDURE @extschema@.refresh', 'COMMENT ON PROCEDURE @extschema@.refresh')
sync('71_snapshots_trend.sql', 'CREATE FUNCTION @extschema@.sector_gap_counts', 'COMMENT ON FUNCTION @extschema@.sector_gap_counts')
sync('71_snapshots_trend.sql', 'CREATE FUNCTION @extschema@.metrics_delta', 'COMMENT ON FUNCTION @extschema@.metrics_delta')
sync('71_snapshots_trend.sql', 'CREATE FUNCTION @extschema@.snapshot_check', 'COMMENT ON FUNCTION @extschema@.snapshot_check')
sync('71_snapshots_trend.sql', 'CREATE FUNCTION @extschema@.trend_between', 'COMMENT ON FUNCTION @extschema@.trend_between', True)
sync('71_snapshots_trend.sql', 'CREATE FUNCTION @extschema@.take_snapshot', 'COMMENT ON FUNCTION @extschema@.take_snapshot', True)
sync('61_sector_stats.sql', 'CREATE FUNCTION @extschema@.scope_part', 'COMMENT ON FUNCTION @extschema@.scope_part')
sync('61_sector_stats.sql', 'CREATE FUNCTION @extschema@.sector_function_stats', 'COMMENT ON FUNCTION @extschema@.sector_function_stats')
sync('61_sector_stats.sql', 'CREATE FUNCTION @extschema@.sector_stats_levels', 'COMMENT ON FUNCTION @extschema@.sector_stats_levels')
sync('61_sector_stats.sql', 'CREATE FUNCTION @extschema@.sector_stats_at', 'COMMENT ON FUNCTION @extschema@.sector_stats_at')
sync('61_sector_stats.sql', 'CREATE FUNCTION @extschema@.federation_group_name', 'COMMENT ON FUNCTION @extschema@.federation_group_name')
sync('61_sector_stats.sql', 'CREATE FUNCTION @extschema@.top_shares_named', 'COMMENT ON FUNCTION @extschema@.top_shares_named')
sync('61_sector_stats.sql', 'CREATE FUNCTION @extschema@.top_supplier_names', 'COMMENT ON FUNCTION @extschema@.top_supplier_names', True)
for f in ('sector_stats_read', 'sector_function_rows', 'sector_function_overview', 'sector_overview_rows', 'sector_overview_at'):
    sync('63_sector_overview.sql', 'CREATE FUNCTION @extschema@.' + f + '(', 'COMMENT ON FUNCTION @extschema@.' + f + '(')
sync('63_sector_overview.sql', 'CREATE VIEW @extschema@.sector_overview', "COMMENT ON COLUMN @extschema@.sector_overview.contract_gap_edges")
sync('67_sector_views.sql', '-- The 18 sector views: one definition', 'END $gen$')
open(up, 'w').write(U)
