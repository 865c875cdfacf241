#!/usr/bin/env bash
# On the GPU machine: CISPO, DAPO and GRPO side by side on one card (configs/compare.toml; only the
# loss differs), then their curves overlaid. Usage: compare.sh RLVR_BINARY OUT_DIR [--set k=v ...]
set -u
bin=$1; out=$2; shift 2
SP=$(python3 -c "import torch,os;print(os.path.dirname(os.path.dirname(torch.__file__)))")
dirs="$SP/torch/lib"; for d in "$SP"/nvidia/*/lib "$SP"/nvidia/cu13/lib; do [ -d "$d" ] && dirs="$dirs:$d"; done
export LD_LIBRARY_PATH="$dirs" OMP_NUM_THREADS=4
nvidia-smi --query-gpu=name --format=csv,noheader
mkdir -p "$out"
for algo in cispo dapo grpo; do
  "$bin" train --config configs/compare.toml --set loss.algo=$algo --set run.out_dir="$out/$algo" "$@" \
    > "$out/$algo.log" 2>&1 &
done
wait
for algo in cispo dapo grpo; do echo "== $algo"; tail -3 "$out/$algo.log"; done
"$bin" plot "$out/cispo" "$out/dapo" "$out/grpo" --out "$out/plots"
