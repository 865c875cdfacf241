#!/usr/bin/env bash
# Everything rlvr needs on a fresh machine, idempotent: a project-local libtorch. Other set-up steps
# (Docker base images, wheelhouses) are added here as environments need them.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo >/dev/null || { echo "setup: cargo not found; install Rust first" >&2; exit 1; }
./scripts/setup-libtorch.sh
./scripts/swe-setup.sh
