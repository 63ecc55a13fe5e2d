#!/usr/bin/env bash
# End-to-end throughput and peak memory of `stance score`.
#
# Builds the release binary, generates two inputs in a temporary directory
#   units.jsonl    1,000,000 comment-like units {"doc_id","unit_id","text"},
#                  sampled from the seed pages' sentences and words with a
#                  fixed RNG seed (same bytes on every run);
#   newsmtsc.jsonl 200,000 NewsMTSC lines (train.jsonl repeated);
# then runs `stance score --model models/default.model INPUT -o /dev/null`
# under /usr/bin/time -v with RAYON_NUM_THREADS=1 (one scoring thread; the
# reader and writer threads of the pipeline run beside it), with
# RAYON_NUM_THREADS=1 pinned to one CPU (`taskset -c 0`: everything on one
# core), and with all cores, and prints lines/s and peak RSS.
#
# Usage: benches/cli.sh            (from anywhere; paths are relative to the crate)
# Environment:
#   UNITS=N          number of generated units (default 1000000)
#   NEWSMTSC=N       number of NewsMTSC lines (default 200000)
#   NEWSMTSC_TRAIN=F NewsMTSC train file (default ../shared/data/newsmtsc/train.jsonl)
#   KEEP_DATA=1      keep the generated files (their directory is printed)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

UNITS="${UNITS:-1000000}"
NEWSMTSC="${NEWSMTSC:-200000}"
NEWSMTSC_TRAIN="${NEWSMTSC_TRAIN:-$ROOT/../shared/data/newsmtsc/train.jsonl}"
MODEL="models/default.model"
BIN="$ROOT/target/release/stance"
NCPU="$(nproc)"

if [[ ! -x /usr/bin/time ]]; then
    echo "error: /usr/bin/time (GNU time) is missing; install it with: apt-get install time" >&2
    exit 1
fi
if ! command -v python3 >/dev/null; then
    echo "error: python3 is needed to generate the inputs" >&2
    exit 1
fi

echo "== cargo build --release" >&2
cargo build --release >&2

if ! "$BIN" --help | grep -qE '^\s+score\b'; then
    echo "error: this build of stance has no 'score' command yet" >&2
    exit 1
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/stance-cli-bench.XXXXXX")"
if [[ "${KEEP_DATA:-0}" == 1 ]]; then
    echo "generated files kept in $TMP" >&2
else
    trap 'rm -rf "$TMP"' EXIT
fi

echo "== generating $UNITS units" >&2
python3 benches/gen_units.py "$TMP/units.jsonl" "$UNITS" seeds/*.txt

have_newsmtsc=0
if [[ -f "$NEWSMTSC_TRAIN" ]]; then
    echo "== generating $NEWSMTSC NewsMTSC lines" >&2
    python3 - "$NEWSMTSC_TRAIN" "$TMP/newsmtsc.jsonl" "$NEWSMTSC" <<'PY'
import sys
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = [l if l.endswith("\n") else l + "\n" for l in open(src, encoding="utf-8") if l.strip()]
with open(out, "w", encoding="utf-8") as f:
    for i in range(n):
        f.write(lines[i % len(lines)])
PY
    have_newsmtsc=1
else
    echo "note: $NEWSMTSC_TRAIN is absent; skipping the NewsMTSC input" >&2
fi

ROW='%-9s %7s %9s %8s %9s %8s %11s'

# run NAME FILE THREADS (1 = RAYON_NUM_THREADS=1; 1c = the same on one CPU;
# otherwise rayon's default, all cores)
results=()
run() {
    local name="$1" file="$2" threads="$3" log="$TMP/time.log" err="$TMP/stderr.log"
    local lines
    lines="$(wc -l <"$file")"
    echo "== $name, threads=$threads" >&2
    local -a envs=(-u RAYON_NUM_THREADS) pin=()
    if [[ "$threads" == 1 || "$threads" == 1c ]]; then envs=(RAYON_NUM_THREADS=1); fi
    if [[ "$threads" == 1c ]]; then pin=(taskset -c 0); fi
    local start end
    start="$(date +%s.%N)"
    if ! env "${envs[@]}" "${pin[@]}" /usr/bin/time -v -o "$log" \
        "$BIN" score --model "$MODEL" "$file" -o /dev/null 2>"$err"; then
        echo "error: stance score failed on $name:" >&2
        tail -n 20 "$err" >&2
        # shellcheck disable=SC2059
        results+=("$(printf "$ROW" "$name" "$threads" "$lines" FAILED - - -)")
        return
    fi
    end="$(date +%s.%N)"
    tail -n 3 "$err" | sed 's/^/   stance: /' >&2
    local secs cpu rss_kb
    secs="$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')"
    cpu="$(awk -F': ' '/User time|System time/ { t += $2 } END { printf "%.2f", t }' "$log")"
    rss_kb="$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$log")"
    results+=("$(awk -v f="$ROW" -v n="$name" -v t="$threads" -v l="$lines" -v s="$secs" \
        -v c="$cpu" -v r="$rss_kb" \
        'BEGIN { printf f, n, t, l, s, sprintf("%.0f", l / s), c, sprintf("%.1f", r / 1024) }')")
}

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
inputs=(units "$TMP/units.jsonl")
if [[ "$have_newsmtsc" == 1 ]]; then inputs+=(newsmtsc "$TMP/newsmtsc.jsonl"); fi
for ((i = 0; i < ${#inputs[@]}; i += 2)); do
    run "${inputs[i]}" "${inputs[i + 1]}" 1
    if command -v taskset >/dev/null; then run "${inputs[i]}" "${inputs[i + 1]}" 1c; fi
    run "${inputs[i]}" "${inputs[i + 1]}" "$NCPU"
done

echo
echo "stance score --model $MODEL INPUT -o /dev/null"
echo "$NCPU CPUs ($(lscpu | awk -F': +' '/Model name/ { print $2; exit }')); load average before the runs: $load_before"
echo "(other work on the machine lowers wall-clock rates; CPU s = user + system, is less affected)"
# shellcheck disable=SC2059
printf "$ROW\n" input threads lines "wall s" "lines/s" "CPU s" "peak RSS MB"
printf '%s\n' "${results[@]}"
