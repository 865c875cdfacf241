#!/usr/bin/env bash
# Generation and verification speed of our SynLogic tasks beside SynLogic's own Python, side by side
# in one run: for each task, ours (`rlvr synlogic bench`) and theirs (a driver you supply) run back to
# back, alternating for ROUNDS rounds, each pinned to the same core with taskset. Both sides are timed
# in CPU time (ours: the bench's `cpu_*` rates; theirs: `time.process_time()`), so a shared machine
# slows neither side's figure. Prints one markdown table (best round per side) and the load average.
#
# Usage: scripts/synlogic-side-by-side.sh ANCHOR_DRIVER [TASK...]
# ANCHOR_DRIVER is run as `$ANCHOR_PYTHON ANCHOR_DRIVER TASK COUNT` (TASK may carry a suffix such as
# `sudoku/4`, passed through) and must print, as its last stdout line, one JSON object with
# `gen_per_s`, `verify_per_s`, `settings` and optionally `gold_pass` and `python`. The driver we use is
# scripts/synlogic-anchor/driver.py (our glue; SynLogic's code stays outside this repository, see the
# README there for setting up the anchor). This script does not fetch or build the anchor.
# Env: RLVR (default ./target/release/rlvr), ANCHOR_PYTHON (python3), CPU (1), ROUNDS (2),
# SCALE (multiplies every instance count; default 1), ANCHOR_TIMEOUT (seconds per anchor call; 600),
# ANCHOR_MALLOC (same: the anchor gets our heap thresholds, the default; default: glibc's own).
set -euo pipefail
cd "$(dirname "$0")/.."
DRIVER=${1:?usage: scripts/synlogic-side-by-side.sh ANCHOR_DRIVER [TASK...]}
shift
RLVR=${RLVR:-./target/release/rlvr}
PY=${ANCHOR_PYTHON:-python3}
CPU=${CPU:-1}
ROUNDS=${ROUNDS:-2}
SCALE=${SCALE:-1}

# ours-task ours-level ours-count theirs-task theirs-count. The levels match SynLogic's settings as
# in synlogic/DIFFICULTY.md. Our bench repeats batches of its count for at least 200 ms of CPU; their
# counts give each anchor pass about half a second or more of CPU (a pass of a few dozen ms, or of 3
# instances of a heavy-tailed generator, moved their rate by up to 1.8x between runs).
PLAN=(
    "sudoku 4 2000 sudoku 100"
    "sudoku 10 1000 sudoku/4 3"
    "futoshiki 5 5000 futoshiki 4000"
    "skyscraper_puzzle 3 5000 skyscraper_puzzle 3000"
    "calcudoko 4 3000 calcudoko 100"
    "kukurasu 2 5000 kukurasu 2000"
    "survo 2 10000 survo 10000"
    "game_of_24 2 2000 game_of_24 20"
    "cryptarithm 1 500 cryptarithm 30"
    "norinori 3 5000 norinori 200"
    "star_placement_puzzle 2 5000 star_placement_puzzle 3000"
    "numbrix 6 2000 numbrix 200"
    "math_path 8 5000 math_path 2000"
    "arrow_maze 2 3000 arrow_maze 200"
    "campsite 5 5000 campsite 8000"
    # Level 4 is 8x8 at density .3, like the anchor (.35 revealed vs our .4); level 5 is 10x10.
    "minesweeper 4 2000 minesweeper 1000"
    # SynLogic's number_wall rejects repeats within a run; at 4x4 it stalls past a few dozen puzzles.
    "number_wall 3 3000 number_wall 20"
    "wordscapes 3 2000 wordscapes 3"
)

ours() { # task level count -> "gen verify"
    taskset -c "$CPU" "$RLVR" synlogic bench --task "$1" --difficulty "$2" --count "$3" --json --no-effort |
        jq -r '.[0] | "\(.cpu_generated_per_s // .generated_per_s) \(.cpu_verified_per_s // .verified_per_s)"'
}

# Our binary raises glibc's trim and mmap thresholds for itself (synlogic/src/heap.rs); the anchor's
# Python gets the same two thresholds, so both sides run on the same malloc policy. ANCHOR_MALLOC=default
# leaves the anchor on glibc's defaults.
HEAP_TUNABLES="glibc.malloc.trim_threshold=$((128 << 20)):glibc.malloc.mmap_threshold=$((32 << 20))"
if [ "${ANCHOR_MALLOC:-same}" = default ]; then HEAP_TUNABLES=""; fi

theirs() { # task count -> "gen verify gold settings python"
    GLIBC_TUNABLES="$HEAP_TUNABLES" OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 timeout "${ANCHOR_TIMEOUT:-600}" \
        taskset -c "$CPU" "$PY" "$DRIVER" "$1" "$2" 2>/dev/null | tail -n 1 |
        jq -r '"\(.gen_per_s) \(.verify_per_s) \(.gold_pass // "-") \(.python // "-") \(.settings)"'
}

best() { # keeps the larger of two numbers ("" counts as none)
    if [ -z "$1" ]; then echo "$2"; else awk -v a="$1" -v b="$2" 'BEGIN { print (a > b) ? a : b }'; fi
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), pinned to core $CPU, $ROUNDS rounds"
echo "anchor malloc: ${HEAP_TUNABLES:-glibc defaults}"
echo
echo "| task (ours level ↔ theirs) | ours gen/s | theirs gen/s | ratio | ours verify/s | theirs verify/s | ratio | their gold passes |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for row in "${PLAN[@]}"; do
    read -r task level n_ours their_task n_theirs <<<"$row"
    if [ $# -gt 0 ] && ! printf '%s\n' "$@" | grep -qx "$task"; then
        continue
    fi
    n_ours=$((n_ours * SCALE))
    n_theirs=$(( (n_theirs * SCALE) > 0 ? n_theirs * SCALE : 1 ))
    og="" ov="" tg="" tv="" gold="-" py="-" settings=""
    for _ in $(seq "$ROUNDS"); do
        read -r g v <<<"$(ours "$task" "$level" "$n_ours")"
        og=$(best "$og" "$g"); ov=$(best "$ov" "$v")
        read -r g v gold py settings <<<"$(theirs "$their_task" "$n_theirs")"
        tg=$(best "$tg" "$g"); tv=$(best "$tv" "$v")
    done
    awk -v t="$task" -v l="$level" -v s="$settings" -v og="$og" -v tg="$tg" -v ov="$ov" -v tv="$tv" \
        -v gold="$gold" 'BEGIN {
        # Small anchor rates (cryptarithm, wordscapes: ~1/s) keep two decimals.
        tgs = (tg < 10) ? sprintf("%.2f", tg) : sprintf("%.0f", tg)
        printf "| %s (%s ↔ %s) | %.0f | %s | %.0fx | %.0f | %.0f | %.1fx | %s |\n",
            t, l, s, og, tgs, (tg > 0 ? og / tg : 0), ov, tv, (tv > 0 ? ov / tv : 0), gold
    }'
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); anchor python: $py"
