# supplyrisk — PGXS build.
#   make / make install / make installcheck   the usual PGXS targets
#   make test    install what is missing, build, install, start a private
#                cluster (.pg/), run every suite (pg_regress + pgTAP + dump)
#   make demo    the same set-up, then load the demo data and print the dashboard
#   make demo-stop   stop the private cluster
#   make bench   benchmarks (ratios against baselines measured in the same run)
#   make fuzz    long bad-input campaign (5 seeds x 1M cases); make valgrind: fuzz + workload under memcheck

EXTENSION    = supplyrisk
EXTVERSION   = 0.1.0
MODULE_big   = supplyrisk
OBJS         = $(patsubst %.c,%.o,$(wildcard src/*.c))
DATA         = $(wildcard sql/supplyrisk--*.sql)
PG_CPPFLAGS  = -Isrc -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare -Wno-missing-field-initializers
REGRESS      = $(sort $(notdir $(basename $(wildcard test/sql/*.sql))))
REGRESS_OPTS = --inputdir=test --load-extension=supplyrisk
EXTRA_CLEAN  = results regression.diffs regression.out test/tap.out

PG_CONFIG ?= $(firstword $(wildcard /usr/lib/postgresql/15/bin/pg_config) pg_config)
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

.PHONY: test demo demo-stop bench bench-full fuzz valgrind crash

test:
	@bash test/run.sh

demo:
	@SCALE=$(SCALE) bash data/demo.sh

demo-stop:
	@bash test/cluster.sh stop

bench:
	@bash bench/run.sh

bench-full:
	@BENCH_ROWS="1000000 10000000" bash bench/run.sh

# opt-in campaigns (need the private cluster: run `make test` or `make demo` first)
fuzz:
	@eval "$$(bash test/setup.sh)" && export PGHOST PGPORT PGUSER && FUZZ_CASES=$${FUZZ_CASES:-1000000} FUZZ_SEEDS="$${FUZZ_SEEDS:-0.1 0.2 0.3 0.4 0.5}" bash test/fuzz.sh

valgrind:
	@bash test/setup.sh >/dev/null && bash test/valgrind.sh

crash:
	@bash test/setup.sh >/dev/null && bash test/crash.sh
