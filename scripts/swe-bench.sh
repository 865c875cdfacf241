#!/usr/bin/env bash
# SWE sandbox benchmark: harness overhead per instance (container create to removal, minus the test
# run) split into setup (create, start, upload), prepare (checkout, patch chain, test-file reset,
# test patch) and teardown (removal), and throughput at each worker count, on synthetic instances;
# image disk use per repository. Prints the load average before each run.
# Usage: scripts/swe-bench.sh [WORKERS...]   (default: 1 2; needs a built rlvr and a Docker engine)
set -euo pipefail
cd "$(dirname "$0")/.."
RLVR=${RLVR:-./target/debug/rlvr}
[ $# -gt 0 ] || set -- 1 2
DIR=${SWE_BENCH_DIR:-/tmp/rlvr-swe-bench}
mkdir -p "$DIR"
if [ ! -s "$DIR/instances.jsonl" ]; then
    "$RLVR" swe synth --out "$DIR" --per-project 3 --max-attempts 20 --seed 1 >&2
fi
echo "machine: $(nproc --all) cores, $(uname -m), docker $(docker version --format '{{.Server.Version}}')"
for w in "$@"; do
    run="bench-w$w-$(date +%s)"
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    start=$(date +%s.%N)
    "$RLVR" swe eval --dataset "$DIR/instances.jsonl" --predictions gold --run-id "$run" --workers "$w" \
        --timeout 300 --log-dir "$DIR/logs" --report-dir "$DIR" >&2
    end=$(date +%s.%N)
    # run_instance.log: "... total=X.XXXs tests=Y.YYYs setup=... prepare=... teardown=..."
    awk -v w="$w" -v load="$load" -v wall="$(echo "$end - $start" | bc)" '
        function val(f) { return substr(f, index(f, "=") + 1) + 0 }
        { for (i = 1; i <= NF; i++) {
              if ($i ~ /^total=/) t = val($i); if ($i ~ /^tests=/) s = val($i)
              if ($i ~ /^setup=/) su = val($i); if ($i ~ /^prepare=/) p = val($i)
              if ($i ~ /^teardown=/) td = val($i) }
          tot += t; tests += s; setup += su; prep += p; tear += td; k++ }
        END { printf "workers=%d instances=%d load_before=[%s] wall=%.2fs throughput=%.3f inst/s mean_total=%.3fs mean_tests=%.3fs mean_overhead=%.3fs (setup=%.3fs prepare=%.3fs teardown=%.3fs)\n",
              w, k, load, wall, k / wall, tot / k, tests / k, (tot - tests) / k, setup / k, prep / k, tear / k }' \
        $(find "$DIR/logs/$run" -name run_instance.log)
done
echo "images:"
docker image ls --filter label=rlvr.swe --format '{{.Repository}}:{{.Tag}} {{.Size}}'
