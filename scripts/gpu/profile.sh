#!/usr/bin/env bash
# On the GPU machine: where rlvr's decode and training steps spend their time (`rlvr model bench
# --what profile`), then the side-by-side benchmark against transformers (bench.sh).
# Usage: profile.sh RLVR_BINARY; prints JSON lines.
set -u
bin=$1
here=$(dirname "$0")
SP=$(python3 -c "import torch,os;print(os.path.dirname(os.path.dirname(torch.__file__)))")
dirs="$SP/torch/lib"; for d in "$SP"/nvidia/*/lib "$SP"/nvidia/cu13/lib; do [ -d "$d" ] && dirs="$dirs:$d"; done
export LD_LIBRARY_PATH="$dirs" OMP_NUM_THREADS=4
nvidia-smi --query-gpu=name --format=csv,noheader
"$bin" model bench --what profile --config bench --batch 8 --seq-len 2048 --decode-batch 32 --prompt-len 128 --reps 10
"$bin" model bench --what generate --config bench --batch 32 --prompt-len 128 --new-tokens 256
python3 "$here/bench_transformers.py" --what generate --batch 32 --prompt-len 128 --new-tokens 256
