#!/usr/bin/env bash
# `make bench`: benchmarks, reported as ratios against baselines measured in the same run.
set -euo pipefail
echo "supplyrisk: no benchmark yet (the supply_mix engine brings the first one)"
