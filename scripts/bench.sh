#!/usr/bin/env bash
# bench.sh: whole-process CPU time and peak memory of every odmadmin command on generated
# InForm-shaped exports, next to xmllint --stream and a bare encoding/xml Token loop.
#
#   scripts/bench.sh [SIZE...]          default sizes: 200000 1000000 (users)
#
# Environment: BENCH_DIR (inputs, default ${TMPDIR:-/tmp}/odmadmin-bench: generated there
# once and reused, never committed; the binaries and each run's timings go to a directory
# of the run's own, so that runs from several worktrees never measure each other's build), BENCH_ROUNDS (default 3),
# BENCH_ONLY (space-separated command names to run, default all), BENCH_TIMEOUT (seconds
# per command, default 1800), BENCH_VMEM_GB (address-space cap per command, default 16;
# a command over it fails and shows as such).
#
# The rounds are interleaved (round 1 of every command, then round 2, ...) so that load
# from other processes spreads over all commands; compare the ratios to xmllint --stream
# of the same run, not absolute seconds across runs. CPU is user+system seconds and RSS
# the peak resident set, both from /usr/bin/time -v. The ratio column is the fastest
# round over xmllint's fastest, then the range of the per-round ratios.
set -euo pipefail

cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(200000 1000000)
rounds=${BENCH_ROUNDS:-3}
dir=${BENCH_DIR:-${TMPDIR:-/tmp}/odmadmin-bench}
limit=${BENCH_TIMEOUT:-1800}
vmem=${BENCH_VMEM_GB:-16}
mkdir -p "$dir"
work=$(mktemp -d "${TMPDIR:-/tmp}/odmadmin-bench-run.XXXXXX")
trap 'rm -rf "$work"' EXIT

if [ ! -x /usr/bin/time ]; then
	echo "installing GNU time (Debian package time) for peak RSS" >&2
	if [ "$(id -u)" = 0 ]; then apt-get install -y time >/dev/null || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }
	else sudo apt-get install -y time >/dev/null; fi
fi
have_xmllint=false
command -v xmllint >/dev/null && have_xmllint=true

go build -o "$work/odmadmin" ./cmd/odmadmin
go build -o "$work/benchtool" ./internal/gen/cmd/benchtool
odm="$work/odmadmin"
tool="$work/benchtool"

# gen makes an input once: into a temporary name first, so that a run stopped halfway (or
# another run starting meanwhile) never takes a partial file for the input.
gen() {
	local out=$1
	shift
	[ -s "$out" ] && return
	"$@" "$out.part.$$"
	mv "$out.part.$$" "$out"
}

# commands prints "NAME<TAB>COMMAND LINE" for one size; $f is the export, $c its copy.
commands() {
	local f=$1 c=$2 up=$3 oc=$4 cj=$5 cc=$6 ou=$7
	$have_xmllint && printf 'xmllint-stream\txmllint --stream --noout %s\n' "$f"
	printf 'xml-token-loop\t%s tokens %s\n' "$tool" "$f"
	printf 'reader\t%s reader %s\n' "$tool" "$f"
	printf 'reader-reuse\t%s reader-reuse %s\n' "$tool" "$f"
	printf 'convert-json\t%s convert --to json %s\n' "$odm" "$f"
	printf 'convert-odm\t%s convert --to odm %s\n' "$odm" "$f"
	printf 'map-json\t%s map --quiet --to json %s\n' "$odm" "$f"
	printf 'map-odm\t%s map --quiet --to odm %s\n' "$odm" "$f"
	printf 'map-odm2\t%s map --quiet --to odm2 %s\n' "$odm" "$f"
	printf 'map-csv\t%s map --quiet --to csv --study GEN-STUDY %s\n' "$odm" "$f"
	printf 'check\t%s check %s\n' "$odm" "$f"
	printf 'query\t%s query --format text --xpath //odm:User[odm:LoginName="user000007"]/odm:Email %s\n' "$odm" "$f"
	printf 'diff\t%s diff %s %s\n' "$odm" "$f" "$c"
	printf 'plan\t%s plan --existing %s --upload %s\n' "$odm" "$f" "$up"
	# An OpenClinica-shaped export of as many users (site studies, users in several
	# AdminData blocks): a smaller file, so it has its own xmllint row to compare with.
	$have_xmllint && printf 'xmllint-oc\txmllint --stream --noout %s\n' "$oc"
	printf 'map-oc-json\t%s map --quiet --to json %s\n' "$odm" "$oc"
	# The commands that read no export: as many participant contact records (a JSON
	# array and the same records as CSV, some 160 and 70 bytes a record) and an
	# OpenClinica 4 user table of as many rows. Their ratio to xmllint is a yardstick
	# only: the inputs differ.
	printf 'contacts-json\t%s contacts --quiet %s\n' "$odm" "$cj"
	printf 'contacts-csv\t%s contacts --quiet %s\n' "$odm" "$cc"
	printf 'accounts\t%s accounts --quiet %s\n' "$odm" "$ou"
}

wanted() { [ -z "${BENCH_ONLY:-}" ] || [[ " $BENCH_ONLY " == *" $1 "* ]]; }

echo "odmadmin bench $(git rev-parse --short HEAD 2>/dev/null || echo '?') on $(nproc) CPUs, $(go version | cut -d' ' -f3), $(date -u +%FT%TZ)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for n in "${sizes[@]}"; do
	f="$dir/inform-$n.xml" c="$dir/inform-$n-copy.xml" up="$dir/upload-$n.csv" oc="$dir/openclinica-$n.xml"
	cj="$dir/contacts-$n.json" cc="$dir/contacts-$n.csv" ou="$dir/oc4users-$n.csv"
	gen "$f" "$tool" inform "$n"
	gen "$oc" "$tool" openclinica "$n"
	gen "$c" cp "$f"
	gen "$up" "$tool" upload 1000 "$n"
	gen "$cj" "$tool" contacts "$n"
	gen "$cc" "$tool" contactscsv "$n"
	gen "$ou" "$tool" oc4users "$n"
	res="$work/results-$n.tsv"
	: >"$res"
	mapfile -t cmds < <(commands "$f" "$c" "$up" "$oc" "$cj" "$cc" "$ou")
	for ((r = 1; r <= rounds; r++)); do
		for line in "${cmds[@]}"; do
			name=${line%%$'\t'*} cmdline=${line#*$'\t'}
			wanted "$name" || [ "$name" = xmllint-stream ] || continue
			t="$work/time.txt" e="$work/stderr.txt"
			rc=0
			# shellcheck disable=SC2086 # the command line is split on purpose
			(ulimit -v $((vmem * 1024 * 1024)); exec /usr/bin/time -v -o "$t" timeout "$limit" $cmdline) >/dev/null 2>"$e" || rc=$?
			cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$t")
			rss=$(awk -F': ' '/Maximum resident/ {print $2}' "$t")
			# Exit 1 is an answer (differences, findings, warnings), not a failure.
			status=ok
			[ "$rc" -le 1 ] || status="exit $rc: $(grep -v '^Command exited' "$e" | head -c 120 | tr '\n\t' '  ')"
			printf '%s\t%d\t%s\t%s\t%s\n' "$name" "$r" "$cpu" "$rss" "$status" >>"$res"
		done
	done
	echo
	echo "## $n users ($(($(stat -c %s "$f") / 1000000)) MB), $rounds rounds, load average now $(cut -d' ' -f1-3 /proc/loadavg)"
	echo
	awk -F'\t' '
	{ k = $1; if (!(k in seen)) { seen[k] = 1; order[++m] = k }
	  cpu[k, $2] = $3; if ($4 > rss[k]) rss[k] = $4; if ($5 != "ok") bad[k] = $5
	  if (!(k in lo) || $3 < lo[k]) lo[k] = $3; if ($3 > hi[k]) hi[k] = $3; rounds[k]++ }
	END {
	  printf "| %-15s | %-13s | %12s | %-22s |\n", "command", "CPU s", "peak RSS MiB", "× xmllint (per round)"
	  printf "|-----------------|---------------|--------------|------------------------|\n"
	  for (i = 1; i <= m; i++) {
	    k = order[i]; ratio = "n/a"
	    if ("xmllint-stream" in seen) {
	      rl = 1e9; rh = 0
	      for (r = 1; r <= rounds[k]; r++) if (cpu["xmllint-stream", r] > 0) {
	        q = cpu[k, r] / cpu["xmllint-stream", r]; if (q < rl) rl = q; if (q > rh) rh = q }
	      ratio = sprintf("%.2f (%.2f–%.2f)", lo[k] / lo["xmllint-stream"], rl, rh)
	    }
	    printf "| %-15s | %5.2f–%-7.2f | %12.0f | %-22s |%s\n", k, lo[k], hi[k], rss[k] / 1024, ratio, (k in bad) ? " FAILED " bad[k] : ""
	  }
	}' "$res"
done
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
