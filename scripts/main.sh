#!/usr/bin/env bash
# The README's first command: set everything up on a fresh machine, then run the main job on its
# embedded default. Extra arguments go to `rlvr demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
cargo build --release
./target/release/rlvr demo "$@"
