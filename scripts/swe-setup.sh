#!/usr/bin/env bash
# The SWE sandbox's host tools: debootstrap builds the offline Debian base image (the images
# themselves are built on first use by `rlvr swe images build|synth|eval` and cached by content hash).
set -euo pipefail
if command -v debootstrap >/dev/null || [ -x /usr/sbin/debootstrap ]; then
    exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y -q debootstrap >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q debootstrap >/dev/null; }
else
    echo "swe-setup: debootstrap is missing; install it (as root: apt-get install debootstrap) to build SWE images" >&2
fi
