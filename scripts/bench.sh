#!/usr/bin/env bash
# bench.sh: import and report a million (and three million) Shodan banners
# with orchex, next to the official Shodan CLI and jq on the same files.
#
# Usage: scripts/bench.sh [-n "1000000 3000000"] [-r RUNS] [-w WORKDIR] [-s SKIP]
#   -n  banner counts to generate and measure (default: "1000000 3000000")
#   -r  runs per command; the table shows the run with the median wall time
#       (default: 3; the machine may be shared, so one run is not a figure)
#   -w  work directory for the inputs and databases (default: /tmp/orchex-bench;
#       needs about 4.2 GB per million banners: the .json.gz and its
#       decompressed copy for jq)
#   -s  comma-separated commands to skip: shodan, jq, real-feeds, demo-ranges,
#       no-ranges, report (e.g. -s shodan,jq to re-measure orchex alone)
#
# What it does, for each count N, one command after the other on an otherwise
# idle machine (nothing runs concurrently with a measured command):
#   1. installs what it needs (Debian: time, jq, python3-shodan) when missing;
#   2. builds orchex (go build ./cmd/orchex);
#   3. writes N banners with `orchex demo --write-shodan` (realistic sizes,
#      about 3 KB a banner, certificates and PEM chains included) and a
#      decompressed copy for jq, unless they are there already;
#   4. measures with /usr/bin/time (wall, user+system CPU, peak RSS):
#        orchex import                                        (no feeds: tagging from engine and ASN only)
#        orchex import --ranges <demo ranges>                 (feeds matching the demo addresses)
#        orchex import --ranges ../shared/data/cloud-ranges   (all real feeds)
#        shodan parse --fields ip_str,port,product FILE.json.gz
#        jq -c '{ip_str,port,product}' FILE.json             (decompressed, jq cannot read gzip)
#        orchex report --format md / json                     (from the snapshot of the last import)
#      each orchex import into a fresh database;
#   5. prints a table per N and the ratios: baseline wall / orchex wall
#      (above 1 means orchex is faster) and the memory growth from the
#      first to the last N.
#
# Environment: ORCHEX_SHARED (default: ../shared next to the repository)
# locates the real cloud range feeds; without them that row is skipped.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
counts="1000000 3000000"
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

echo "building orchex" >&2
(cd "$here" && go build -o "$work/orchex" ./cmd/orchex)
orchex=$work/orchex

# Demo range feeds: the ones `orchex demo` writes for its 198.18.0.0/15
# population (a small demo run writes them; the blocks do not depend on
# the size).
demo_ranges=$work/demo/ranges
if ! skipped demo-ranges && [[ ! -d $demo_ranges ]]; then
	echo "writing the demo range feeds" >&2
	"$orchex" demo --size 500 --no-pdf --rate 10000 --out "$work/demo" >/dev/null 2>&1
fi

# measure NAME LOG CMD...: runs CMD $runs times and appends
# "name wall cpu rss_kb" (the run with the median wall time) to LOG.
measure() {
	local name=$1 log=$2
	shift 2
	local i res=()
	for ((i = 1; i <= runs; i++)); do
		"${pre_run[@]}"
		/usr/bin/time -f "%e %U %S %M" -o "$work/time.out" "$@" >"$work/cmd.out" 2>"$work/cmd.err" || {
			echo "$name failed (run $i):" >&2
			tail -5 "$work/cmd.err" >&2
			return 1
		}
		res+=("$(awk '{printf "%.2f %.2f %d\n", $1, $2 + $3, $4}' "$work/time.out")")
		echo "  $name run $i: $(tail -1 <<<"${res[-1]}") (wall s, cpu s, rss KB)" >&2
	done
	printf '%s\n' "${res[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p" | sed "s/^/$name /" >>"$log"
}
pre_run=(true)

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
	pre_run=(rm -f "$db" "$db-wal" "$db-shm")
	echo "== $n banners ($(du -hL "$gz" | cut -f1) gzip, $runs runs each)" >&2
	# The database of the last import measured stays for the reports.
	if ! skipped no-ranges; then
		# No feeds (an empty cache): tags from the engines' cloud fields and ASNs only.
		measure "orchex-import(no-feeds)" "$log" env XDG_CACHE_HOME="$work/no-cache" "$orchex" --db "$db" -q import --snapshot BENCH "$gz"
	fi
	if ! skipped demo-ranges; then
		measure "orchex-import(demo-feeds)" "$log" "$orchex" --db "$db" -q import --snapshot BENCH --ranges "$demo_ranges" "$gz"
	fi
	if ! skipped real-feeds && [[ -d $shared/data/cloud-ranges ]]; then
		measure "orchex-import(real-feeds)" "$log" "$orchex" --db "$db" -q import --snapshot BENCH --ranges "$shared/data/cloud-ranges" "$gz"
	fi
	pre_run=(true)
	if ! skipped report && [[ -s $db ]]; then
		measure "orchex-report-md" "$log" "$orchex" --db "$db" -q report --snapshot BENCH --format md -o "$work/report.md"
		measure "orchex-report-json" "$log" "$orchex" --db "$db" -q report --snapshot BENCH --format json -o "$work/report.json"
	fi
	pre_run=(true)
	if ! skipped shodan; then
		measure "shodan-parse" "$log" shodan parse --no-color --fields ip_str,port,product "$gz"
	fi
	if ! skipped jq; then
		measure "jq" "$log" jq -c '{ip_str,port,product}' "$plain"
	fi

	echo
	echo "### $n banners (median of $runs runs; CPU = user + system)"
	echo
	awk -v n="$n" '
		{ name[NR] = $1; wall[NR] = $2; cpu[NR] = $3; rss[NR] = $4
		  if ($1 ~ /^orchex-import\(real-feeds\)/ || (!ref && $1 ~ /^orchex-import/)) ref = $2 }
		END {
			printf "| command | wall s | CPU s | peak RSS MB | records/s (wall) | wall / orchex import |\n"
			printf "|---|---:|---:|---:|---:|---:|\n"
			for (i = 1; i <= NR; i++)
				printf "| %s | %.2f | %.2f | %.0f | %s | %.2f |\n", name[i], wall[i], cpu[i], rss[i] / 1024,
					(name[i] ~ /report/ ? "-" : sprintf("%.0f", n / wall[i])), wall[i] / ref
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
