#!/usr/bin/env bash
# SWE sandbox benchmark: harness overhead per instance (container create to removal, minus the test
# exec) and throughput at 1 and N workers, on synthetic instances; image disk use per repository.
# Usage: scripts/swe-bench.sh [WORKERS]   (needs a built rlvr and a Docker engine)
set -euo pipefail
cd "$(dirname "$0")/.."
RLVR=${RLVR:-./target/debug/rlvr}
WORKERS=${1:-2}
DIR=${SWE_BENCH_DIR:-/tmp/rlvr-swe-bench}
mkdir -p "$DIR"
if [ ! -s "$DIR/instances.jsonl" ]; then
    "$RLVR" swe synth --out "$DIR" --per-project 3 --max-attempts 20 --seed 1 >&2
fi
n=$(wc -l < "$DIR/instances.jsonl")
for w in 1 "$WORKERS"; do
    run="bench-w$w-$(date +%s)"
    start=$(date +%s.%N)
    "$RLVR" swe eval --dataset "$DIR/instances.jsonl" --predictions gold --run-id "$run" --workers "$w" \
        --timeout 300 --log-dir "$DIR/logs" --report-dir "$DIR" >&2
    end=$(date +%s.%N)
    # run_instance.log: "... total=X.XXXs tests=Y.YYYs"
    awk -v w="$w" -v n="$n" -v wall="$(echo "$end - $start" | bc)" '
        { for (i = 1; i <= NF; i++) { if ($i ~ /^total=/) { t = substr($i, 7) + 0 } if ($i ~ /^tests=/) { s = substr($i, 7) + 0 } }
          tot += t; tests += s; k++ }
        END { printf "workers=%d instances=%d wall=%.2fs throughput=%.3f inst/s mean_total=%.3fs mean_tests=%.3fs mean_overhead=%.3fs\n",
              w, k, wall, k / wall, tot / k, tests / k, (tot - tests) / k }' \
        $(find "$DIR/logs/$run" -name run_instance.log)
done
echo "images:"
docker image ls --filter label=rlvr.swe --format '{{.Repository}}:{{.Tag}} {{.Size}}'
