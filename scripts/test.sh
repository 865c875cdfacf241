#!/usr/bin/env bash
# The README's second command: set everything up, then run the whole test suite.
# RLVR_REQUIRE_DOCKER=1 (set by .ci/run) makes tests that need Docker fail, not skip, without an engine.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
# libtorch's default OpenMP threads make tiny tensor tests 10-100x slower on small machines.
export OMP_NUM_THREADS=1
# --no-fail-fast: one failing test binary must not hide the results of the others.
cargo test --workspace --no-fail-fast "$@"
