#!/usr/bin/env bash
# bench-censys.sh: both engines at once against their fakes, each at its own
# rate limit. Prints, per run, the wall time against the slower engine's
# rate-limit floor (target: within 5%), and credits spent against pages
# needed (target: equal).
#
# Knobs (environment): ORCHEX_BENCH_SHODAN_PAGES (8), ORCHEX_BENCH_CENSYS_PAGES (8),
# ORCHEX_BENCH_SHODAN_RATE (1 request/s, Shodan's limit), ORCHEX_BENCH_CENSYS_RATE
# (1 request/s, orchex's Censys default), COUNT (3 runs).
set -euo pipefail
cd "$(dirname "$0")/.."
go test -run '^$' -bench '^BenchmarkBothEngines$' -benchtime 1x -count "${COUNT:-3}" -v ./pkg/source/censys/ |
	grep -E '^(both engines|shodan:|BenchmarkBothEngines)'
