# supplyrisk — PGXS build.
#   make / make install / make installcheck   the usual PGXS targets
#   make test    install what is missing, build, install, start a private
#                cluster (.pg/), run every suite (pg_regress + pgTAP + dump)
#   make test-matrix   make test against PostgreSQL 15 (host), 17 and 18 (cached Debian
#                roots, throwaway overlay layers; root only): test/matrix.sh
#   make deb     Debian packages, one per installed PostgreSQL version (pkg/deb.sh; pkg/out/)
#   make dist    the PGXN distribution zip, from git archive (pkg/dist.sh; pkg/out/)
#   make demo    the same set-up, then load the demo data and print the dashboard
#   make demo-stop   stop the private cluster
#   make bench   benchmarks (ratios against baselines measured in the same run; the dashboard
#                reads: bench/dashboards.sh);
#                make bench-engine: the supply_mix engine at real cardinalities only;
#                make bench-federation: 3 member databases x 1M rows against one database
#   make fuzz    long bad-input campaign (5 seeds x 1M cases); make valgrind: fuzz + workload under memcheck

EXTENSION    = supplyrisk
# The one place the version is written: it names the generated install script,
# becomes the C library's version string, and must match supplyrisk.control.
EXTVERSION   = 0.3.0
MODULE_big   = supplyrisk
OBJS         = $(patsubst %.c,%.o,$(wildcard src/*.c))
# Released scripts, frozen byte for byte: the files named in sql/released.md5
# (test/releases.sh checks their checksums).
RELEASED     = $(addprefix sql/,$(shell awk '{print $$2}' sql/released.md5))
# Built: the install script of EXTVERSION from sql/install.sql, and an upgrade script from
# each migration sql/migrations/X--Y.sql (sql/build.sh replaces its --include lines by sources).
MIGRATIONS   = $(wildcard sql/migrations/*--*.sql)
DATA_built   = sql/supplyrisk--$(EXTVERSION).sql $(patsubst sql/migrations/%,sql/supplyrisk--%,$(MIGRATIONS))
DATA         = $(RELEASED)
SQL_SOURCES  = $(shell find sql/src -name '*.sql')
PG_CPPFLAGS  = -Isrc -DSUPPLYRISK_VERSION='"$(EXTVERSION)"' -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare -Wno-missing-field-initializers
REGRESS      = $(sort $(notdir $(basename $(wildcard test/sql/*.sql))))
REGRESS_OPTS = --inputdir=test --load-extension=supplyrisk
EXTRA_CLEAN  = results regression.diffs regression.out test/tap.out

PG_CONFIG ?= $(shell bash test/pg.sh)
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)

# Before `make test`/`make demo` have installed the server headers, PGXS does
# not exist yet: only the bootstrap targets below are available then.
ifneq ($(wildcard $(PGXS)),)
include $(PGXS)
else
all install installcheck:
	@echo "PostgreSQL server headers not found ($(PG_CONFIG)); run 'make test' or 'make demo', which install them" >&2; exit 1
endif

SCALE ?= 1

sql/supplyrisk--$(EXTVERSION).sql: sql/install.sql $(SQL_SOURCES) sql/build.sh
	@bash sql/build.sh $(EXTVERSION) install.sql $@

sql/supplyrisk--%.sql: sql/migrations/%.sql $(SQL_SOURCES) sql/build.sh
	@bash sql/build.sh $(EXTVERSION) migrations/$*.sql $@

# the control file's default_version must be EXTVERSION
supplyrisk.control: Makefile
	@grep -q "^default_version = '$(EXTVERSION)'" $@ || { echo "supplyrisk.control: default_version is not $(EXTVERSION)" >&2; exit 1; }
all: supplyrisk.control
# the version string is compiled in
src/supplyrisk.o: Makefile

.PHONY: test test-matrix deb dist demo demo-stop bench bench-full bench-engine bench-federation fuzz valgrind crash report-pictures

test:
	@bash test/run.sh

test-matrix:
	@bash test/matrix.sh

deb:
	@bash pkg/deb.sh

dist:
	@bash pkg/dist.sh

demo:
	@SCALE=$(SCALE) bash data/demo.sh

demo-stop:
	@SR_CLUSTER=demo bash test/cluster.sh stop

bench:
	@bash bench/run.sh

bench-full:
	@BENCH_ROWS="1000000 10000000" bash bench/run.sh

bench-engine:
	@bash bench/engine.sh

bench-federation:
	@bash bench/federation.sh

# pictures of the demo data's reports, rendered by chromium, into doc/ (with the report tests)
report-pictures:
	@SR_CLUSTER=test bash -c 'eval "$$(bash test/setup.sh)"; export PGHOST PGPORT PGUSER; SR_REPORT_PICTURES=1 bash test/report_browser.sh; bash test/cluster.sh stop >/dev/null'

# opt-in campaigns, on the test cluster (or clusters of their own)
fuzz:
	@export SR_CLUSTER=test; eval "$$(bash test/setup.sh)" && export PGHOST PGPORT PGUSER && FUZZ_CASES=$${FUZZ_CASES:-1000000} FUZZ_SEEDS="$${FUZZ_SEEDS:-0.1 0.2 0.3 0.4 0.5}" bash test/fuzz.sh

valgrind:
	@SR_CLUSTER=test bash test/setup.sh >/dev/null && bash test/valgrind.sh

crash:
	@SR_CLUSTER=test bash test/setup.sh >/dev/null && bash test/crash.sh
