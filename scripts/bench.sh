#!/usr/bin/env bash
# bench.sh: import Shodan banners with orchex side by side with the
# official Shodan CLI and jq on the same files, in one run, and print the
# ratios, the peak memory and the machine's floor.
#
# Usage: scripts/bench.sh [-n "200000 1000000"] [-r RUNS] [-w WORKDIR] [-s SKIP]
#   -n  banner counts to generate and measure (default: "200000 1000000";
#       add 3000000 to check that memory stays flat)
#   -r  rounds (default: 3); the table shows the median wall time of
#       each command and the range (the machine may be shared: one run is
#       not a figure)
#   -w  work directory for the inputs and databases (default:
#       /tmp/orchex-bench; about 4.2 GB per million banners: the .json.gz
#       and its decompressed copy for jq)
#   -s  comma-separated commands to skip: shodan, jq, real-feeds,
#       demo-feeds, no-feeds, floor, report (e.g. -s report,demo-feeds)
#
# What it does, for each count N:
#   1. installs what it needs (Debian: time, jq, python3-shodan) when
#      missing;
#   2. builds orchex (go build ./cmd/orchex) and the importer's benchmark
#      binary (go test -c ./pkg/importer, for the floor);
#   3. writes N banners with `orchex demo --write-shodan` (realistic sizes,
#      about 3 KB a banner, certificates and PEM chains included) and a
#      decompressed copy for jq, unless they are there already;
#   4. runs, in each round, one command after the other, so that every
#      command of a round shares the machine's load of that moment
#      (/usr/bin/time: wall, user+system CPU, peak RSS):
#        orchex import                                       (no feeds: tags from the engines' fields and ASNs)
#        orchex import --ranges <demo ranges>                (feeds matching the demo addresses)
#        orchex import --ranges ../shared/data/cloud-ranges  (all real feeds, when present)
#        shodan parse --fields ip_str,port,product FILE.json.gz
#        jq -c '{ip_str,port,product}' FILE.json            (decompressed: jq cannot read gzip)
#        floor: inflate + decode + classify on every core, nothing stored
#               (BenchmarkFloor of pkg/importer on the same file)
#      each orchex import into a fresh database; then orchex report
#      --format md / json of the last import's snapshot;
#   5. prints a table per N (median wall, range, CPU, peak RSS, records/s,
#      and how many times faster than each command the orchex import is)
#      and the peak RSS growth of the import from the first N to the last.
#
# Environment: ORCHEX_SHARED (default: ../shared next to the repository)
# locates the real cloud range feeds; without them that row is skipped.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
counts="200000 1000000"
runs=3
work=/tmp/orchex-bench
skip=""
while getopts "n:r:w:s:h" opt; do
	case $opt in
	n) counts=$OPTARG ;;
	r) runs=$OPTARG ;;
	w) work=$OPTARG ;;
	s) skip=",$OPTARG," ;;
	*) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 2 ;;
	esac
done
skipped() { [[ $skip == *",$1,"* ]]; }
# A misspelt name would skip nothing and measure for minutes: refuse it.
for name in ${skip//,/ }; do
	case $name in
	shodan | jq | real-feeds | demo-feeds | no-feeds | floor | report) ;;
	*) echo "bench.sh: -s $name: unknown (want shodan, jq, real-feeds, demo-feeds, no-feeds, floor, report)" >&2; exit 2 ;;
	esac
done
shared=${ORCHEX_SHARED:-$here/../shared}
mkdir -p "$work"

need=()
[[ -x /usr/bin/time ]] || need+=(time)
command -v jq >/dev/null || skipped jq || need+=(jq)
command -v shodan >/dev/null || skipped shodan || need+=(python3-shodan)
if ((${#need[@]})); then
	echo "installing ${need[*]} (apt-get)" >&2
	sudo=""
	[[ $(id -u) == 0 ]] || sudo=sudo
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "building orchex and the floor benchmark" >&2
(cd "$here" && go build -o "$work/orchex" ./cmd/orchex && go test -c -o "$work/importer.test" ./pkg/importer)
orchex=$work/orchex

# Demo range feeds: the ones `orchex demo` writes for its 198.18.0.0/15
# population (a small demo run writes them; the blocks do not depend on
# the size).
demo_ranges=$work/demo/ranges
if ! skipped demo-feeds && [[ ! -d $demo_ranges ]]; then
	echo "writing the demo range feeds" >&2
	"$orchex" demo --size 500 --no-pdf --rate 10000 --out "$work/demo" >/dev/null 2>&1
fi

# run NAME LOG CMD...: runs CMD once and appends "name wall cpu rss_kb" to LOG.
run() {
	local name=$1 log=$2
	shift 2
	/usr/bin/time -f "%e %U %S %M" -o "$work/time.out" "$@" >"$work/cmd.out" 2>"$work/cmd.err" || {
		echo "$name failed:" >&2
		tail -5 "$work/cmd.err" >&2
		return 1
	}
	awk -v n="$name" '{printf "%s %.2f %.2f %d\n", n, $1, $2 + $3, $4}' "$work/time.out" | tee -a "$log" | sed 's/^/  /' >&2
}

first_rss=""
for n in $counts; do
	gz=$work/k8s-$n.json.gz
	plain=$work/k8s-$n.json
	if [[ ! -s $gz ]]; then
		echo "writing $n banners to $gz" >&2
		"$orchex" demo --write-shodan "$gz" --size "$n" >&2
	fi
	if ! skipped jq && [[ ! -s $plain ]]; then
		gzip -dc "$gz" >"$plain"
	fi
	log=$work/results-$n.txt
	: >"$log"
	db=$work/bench-$n.db
	fresh() { rm -f "$db" "$db-wal" "$db-shm"; }
	echo "== $n banners ($(du -hL "$gz" | cut -f1) gzip, $runs rounds; load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
	for ((i = 1; i <= runs; i++)); do
		echo " round $i (wall s, cpu s, rss KB)" >&2
		if ! skipped no-feeds; then
			fresh
			run "orchex-import" "$log" env XDG_CACHE_HOME="$work/no-cache" "$orchex" --db "$db" -q import --snapshot BENCH "$gz"
		fi
		if ! skipped demo-feeds; then
			fresh
			run "orchex-import(demo-feeds)" "$log" "$orchex" --db "$db" -q import --snapshot BENCH --ranges "$demo_ranges" "$gz"
		fi
		if ! skipped real-feeds && [[ -d $shared/data/cloud-ranges ]]; then
			fresh
			run "orchex-import(real-feeds)" "$log" "$orchex" --db "$db" -q import --snapshot BENCH --ranges "$shared/data/cloud-ranges" "$gz"
		fi
		skipped shodan || run "shodan-parse" "$log" shodan parse --no-color --fields ip_str,port,product "$gz"
		skipped jq || run "jq" "$log" jq -c '{ip_str,port,product}' "$plain"
		skipped floor || run "floor" "$log" env ORCHEX_BENCH_FILE="$gz" "$work/importer.test" -test.run '^$' -test.bench BenchmarkFloor -test.benchtime 1x
		if ! skipped report && [[ -s $db ]]; then
			run "orchex-report-md" "$log" "$orchex" --db "$db" -q report --snapshot BENCH --format md -o "$work/report.md"
			run "orchex-report-json" "$log" "$orchex" --db "$db" -q report --snapshot BENCH --format json -o "$work/report.json"
		fi
	done

	echo
	echo "### $n banners (median wall of $runs rounds, range; CPU = user + system; load average after: $(cut -d' ' -f1-3 /proc/loadavg))"
	echo
	# Per command: the round with the median wall time, the range, the
	# largest RSS; then ratios to the first orchex import row.
	awk -v n="$n" '
		{ k = $1; if (!(k in cnt)) order[++m] = k; i = ++cnt[k]; w[k, i] = $2; c[k, i] = $3; if ($4 > rss[k]) rss[k] = $4 }
		function med(k,    i, j, t, a, b) {
			for (i = 1; i <= cnt[k]; i++) { a[i] = w[k, i]; b[i] = c[k, i] }
			for (i = 1; i <= cnt[k]; i++) for (j = i + 1; j <= cnt[k]; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t; t = b[i]; b[i] = b[j]; b[j] = t }
			lo[k] = a[1]; hi[k] = a[cnt[k]]; mc[k] = b[int((cnt[k] + 1) / 2)]
			return a[int((cnt[k] + 1) / 2)]
		}
		END {
			for (x = 1; x <= m; x++) { k = order[x]; mw[k] = med(k); if (!ref && k ~ /^orchex-import/) ref = k }
			printf "| command | wall s (median) | range | CPU s | peak RSS MB | records/s | its wall / orchex import wall |\n"
			printf "|---|---:|---:|---:|---:|---:|---:|\n"
			for (x = 1; x <= m; x++) {
				k = order[x]
				printf "| %s | %.2f | %.2f–%.2f | %.2f | %.0f | %s | %.2f |\n", k, mw[k], lo[k], hi[k], mc[k], rss[k] / 1024,
					(k ~ /report/ ? "-" : sprintf("%.0f", n / mw[k])), mw[k] / mw[ref]
			}
			if (ref != "") {
				printf "\n%s: peak RSS %.0f MB", ref, rss[ref] / 1024
				if ("shodan-parse" in mw) printf "; %.2fx as fast as shodan parse (target 2)", mw["shodan-parse"] / mw[ref]
				if ("jq" in mw) printf "; %.2fx as fast as jq (target 2)", mw["jq"] / mw[ref]
				if ("floor" in mw) printf "; %.2fx the floor (inflate + decode + classify on every core, %.2f s)", mw[ref] / mw["floor"], mw["floor"]
				printf "\n"
			}
		}' "$log"
	rss=$(awk '/^orchex-import/ { if ($4 > m) m = $4 } END { print m }' "$log")
	if [[ -z $first_rss ]]; then
		first_rss=$rss
		first_n=$n
	else
		awk -v a="$first_rss" -v b="$rss" -v na="$first_n" -v nb="$n" 'BEGIN {
			printf "\npeak RSS of orchex import: %.0f MB at %d banners, %.0f MB at %d banners (%+.1f%%)\n", a / 1024, na, b / 1024, nb, (b / a - 1) * 100 }'
	fi
done
