#!/usr/bin/env bash
# Real SWE-bench Lite instances, end to end on this machine's Docker engine: makes one bare clone
# per repository (`owner__name`) under a repos directory from the given git sources, then runs
# `rlvr swe eval` twice: the gold patches (each should resolve) and the test patches alone as the
# predictions (none should resolve; the harness resets the test files and applies the test patch
# on top, so the code under test is the base commit's).
#
# Usage: scripts/swe-lite.sh [--dataset FILE] [--out DIR] [--workers N] [--timeout S]
#                            [--source owner/name=GIT_SOURCE]...
# A source is anything `git clone` takes (a local bare mirror, a GitHub URL). Without one, a
# repository is cloned from /work/.mirror/<owner>+<name>/repo when that exists, else from GitHub.
# Needs a built rlvr (RLVR=..., default ./target/debug/rlvr), git, python3 and a Docker engine.
set -euo pipefail
cd "$(dirname "$0")/.."
RLVR=${RLVR:-./target/debug/rlvr}
DATASET=datasets/swe-lite/instances.jsonl
OUT=${SWE_LITE_DIR:-/tmp/rlvr-swe-lite}
WORKERS=2
TIMEOUT=900
declare -A SOURCES=()
while [ $# -gt 0 ]; do
    case "$1" in
        --dataset) DATASET=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --workers) WORKERS=$2; shift 2 ;;
        --timeout) TIMEOUT=$2; shift 2 ;;
        --source) SOURCES[${2%%=*}]=${2#*=}; shift 2 ;;
        *) echo "swe-lite: unknown argument $1" >&2; exit 2 ;;
    esac
done
REPOS=$OUT/repos
mkdir -p "$REPOS"

for repo in $(python3 -c 'import json,sys; print("\n".join(sorted({json.loads(l)["repo"] for l in open(sys.argv[1]) if l.strip()})))' "$DATASET"); do
    dest=$REPOS/${repo/\//__}
    [ -d "$dest" ] && continue
    src=${SOURCES[$repo]:-}
    if [ -z "$src" ]; then
        mirror=/work/.mirror/${repo/\//+}/repo
        if [ -d "$mirror" ]; then src=$mirror; else src=https://github.com/$repo.git; fi
    fi
    echo "swe-lite: cloning $repo from $src" >&2
    git clone --quiet --bare "$src" "$dest"
done

# The test patch alone, as each instance's prediction.
python3 - "$DATASET" "$OUT/test-patch-only.jsonl" <<'PY'
import json, sys
with open(sys.argv[2], "w") as out:
    for line in open(sys.argv[1]):
        if line.strip():
            i = json.loads(line)
            out.write(json.dumps({"instance_id": i["instance_id"], "model_name_or_path": "test-patch-only",
                                  "model_patch": i["test_patch"]}) + "\n")
PY

status=0
for preds in gold "$OUT/test-patch-only.jsonl"; do
    name=$(basename "$preds" .jsonl)
    start=$(date +%s.%N)
    "$RLVR" swe eval --dataset "$DATASET" --predictions "$preds" --run-id "swe-lite-$name" \
        --repos "$REPOS" --workers "$WORKERS" --timeout "$TIMEOUT" \
        --log-dir "$OUT/logs" --report-dir "$OUT" --json > "$OUT/$name.report.json" || status=$?
    end=$(date +%s.%N)
    echo "swe-lite: $name: wall $(echo "$end - $start" | bc) s" >&2
    find "$OUT/logs/swe-lite-$name" -name run_instance.log -exec cat {} + >&2 || true
    # Gold must resolve every instance; the test patch alone none.
    python3 - "$OUT/$name.report.json" "$name" <<'PY' || status=1
import json, sys
r = json.load(open(sys.argv[1]))
want = r["total_instances"] if sys.argv[2] == "gold" else 0
print(f"swe-lite: {sys.argv[2]}: {r['resolved_instances']}/{r['total_instances']} resolved "
      f"(want {want}), {r['error_instances']} error(s); resolved: {r['resolved_ids']}", file=sys.stderr)
sys.exit(0 if r["resolved_instances"] == want and r["error_instances"] == 0 else 1)
PY
done
left=$(docker ps -aq --filter label=rlvr.swe | wc -l)
echo "swe-lite: containers left: $left" >&2
[ "$left" = 0 ] || status=1
exit $status
