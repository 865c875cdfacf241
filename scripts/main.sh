#!/usr/bin/env bash
# The README's first command: set everything up on a fresh machine, then run the main job on its
# embedded default: the environment demo (references vs corrupted answers), then the CPU training run
# of configs/main.toml (SFT warm-up, then CISPO), written to runs/main (an existing run there is resumed, never deleted).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
cargo build --release
./target/release/rlvr demo
./target/release/rlvr train
./target/release/rlvr plot runs/main
