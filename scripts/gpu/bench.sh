#!/usr/bin/env bash
# On the GPU machine: rlvr and transformers side by side on the `bench` preset, same card, one call.
# Usage: bench.sh RLVR_BINARY; prints one JSON line per measurement (ours, then theirs, per kind).
set -u
bin=$1
here=$(dirname "$0")
SP=$(python3 -c "import torch,os;print(os.path.dirname(os.path.dirname(torch.__file__)))")
dirs="$SP/torch/lib"; for d in "$SP"/nvidia/*/lib "$SP"/nvidia/cu13/lib; do [ -d "$d" ] && dirs="$dirs:$d"; done
export LD_LIBRARY_PATH="$dirs" OMP_NUM_THREADS=4
nvidia-smi --query-gpu=name --format=csv,noheader
"$bin" model bench --what train --config bench --batch 8 --seq-len 2048 --steps 5
# The same with the LM head in bf16, as transformers trains (ours defaults to an fp32 head).
"$bin" model bench --what train --config bench --batch 8 --seq-len 2048 --steps 5 --lm-head model
python3 "$here/bench_transformers.py" --what train --batch 8 --seq-len 2048 --steps 5
"$bin" model bench --what generate --config bench --batch 32 --prompt-len 128 --new-tokens 256 --decode graph,eager
python3 "$here/bench_transformers.py" --what generate --batch 32 --prompt-len 128 --new-tokens 256
