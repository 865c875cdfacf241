#!/usr/bin/env bash
# On the GPU machine: make the transformers references, score them with our release binary (fp32) on
# CPU and CUDA, and print the max absolute logit difference per config. Usage: parity.sh RLVR_BINARY WORKDIR
set -u
bin=$1; work=$2
SP=$(python3 -c "import torch,os;print(os.path.dirname(os.path.dirname(torch.__file__)))")
dirs="$SP/torch/lib"; for d in "$SP"/nvidia/*/lib; do [ -d "$d" ] && dirs="$dirs:$d"; done
export LD_LIBRARY_PATH="$dirs" OMP_NUM_THREADS=4
python3 "$(dirname "$0")/make_parity_refs.py" "$work" || exit 1
for d in "$work"/*/; do
  for dev in cpu cuda; do
    "$bin" model score --checkpoint "$d" --input "$d/inputs.json" --device $dev --dtype f32 > "$d/ours_$dev.json" 2> "$d/err_$dev.txt" \
      || { echo "$(basename "$d") $dev: FAILED: $(tail -3 "$d/err_$dev.txt")"; continue; }
    python3 - "$d" "$dev" <<'PY'
import json, sys, os
d, dev = sys.argv[1], sys.argv[2]
a = json.load(open(os.path.join(d, "reference.json")))["logits"]
b = json.load(open(os.path.join(d, f"ours_{dev}.json")))["logits"]
m = max(abs(x - y) for s, t in zip(a, b) for r, q in zip(s, t) for x, y in zip(r, q))
print(f"{os.path.basename(d.rstrip('/'))} {dev}: max |transformers - rlvr| = {m:.3e}", "PASS" if m <= 1e-4 else "FAIL")
PY
  done
done
