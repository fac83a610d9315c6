#!/usr/bin/env bash
# bench-collect.sh: measure live collection against the fake Shodan API at
# Shodan's real rate limit (1 request/s, enforced and checked by the fake).
#
# Reports, for a clean run and for a run cancelled half-way and resumed:
#   pages/s       pages fetched per second (target: >= 0.95 of the limit)
#   of-limit      pages/s divided by the limit
#   credits/page  credits charged by the fake per page needed (target: 1)
# The benchmark fails if the fake saw requests faster than the limit or a
# page fetched twice.
#
# Usage: scripts/bench-collect.sh [PAGES]   (default 10; takes ~2×PAGES s)
set -euo pipefail
cd "$(dirname "$0")/.."
export ORCHEX_BENCH_PAGES="${1:-10}"
go test -run '^$' -bench 'BenchmarkCollect(AtRateLimit|KillResume)$' -benchtime 1x ./pkg/source/shodan/
