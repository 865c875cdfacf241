#!/usr/bin/env bash
# Installs a project-local CPU libtorch 2.11.0 (what tch 0.24 expects) into .libtorch/ from PyPI wheels.
#
# Only libc10, libtorch_cpu and libgomp are unpacked from the torch wheel, plus libcudart/libcupti (13 MB),
# which the cu130 libtorch_cpu.so names as DT_NEEDED, and the CUDA runtime headers (with the small crt wheel)
# that the CUDA-graph shim compiles against (kernels/build.rs). The multi-GB CUDA wheels are never fetched: on the
# GPU machine the binary dlopens the libtorch_cuda.so of the torch installed there (see ARCHITECTURE.md).
# Downloaded wheels are cached in $RLVR_CACHE (default ~/.cache/rlvr) so a fresh clone does not fetch
# the 530 MB wheel again. Idempotent: does nothing when .libtorch is complete.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/.libtorch"
cache="${RLVR_CACHE:-$HOME/.cache/rlvr}/wheels"
version=2.11.0
torch_sha256=7aa2f9bbc6d4595ba72138026b2074be1233186150e9292865e04b7a63b8c67a # cp311 manylinux_2_28 x86_64

say() { echo "[setup-libtorch] $*" >&2; }

if [ -f "$dest/torch/lib/libtorch_cpu.so" ] && [ -f "$dest/nvidia/cu13/lib/libcudart.so.13" ] \
  && [ -f "$dest/nvidia/cu13/include/crt/host_config.h" ] && [ "$(cat "$dest/torch/build-version" 2>/dev/null)" = "$version+cu130" ]; then
  exit 0
fi

mkdir -p "$cache"
fetch() {
  python3 -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: \
    --implementation cp --python-version 3.11 \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 --platform manylinux_2_25_x86_64 \
    --platform manylinux2014_x86_64 -d "$cache" "$@" >&2
}
wheel=$(ls "$cache"/torch-$version-cp311-*.whl 2>/dev/null | head -n1 || true)
if [ -z "$wheel" ]; then
  say "downloading torch==$version (530 MB, cached in $cache)"
  fetch "torch==$version"
  wheel=$(ls "$cache"/torch-$version-cp311-*.whl | head -n1)
fi
echo "$torch_sha256  $wheel" | sha256sum -c --quiet - || { say "checksum mismatch for $wheel; delete it and retry"; exit 1; }
ls "$cache"/nvidia_cuda_runtime-13.0.96-*.whl >/dev/null 2>&1 || fetch nvidia-cuda-runtime==13.0.96
ls "$cache"/nvidia_cuda_cupti-13.0.85-*.whl >/dev/null 2>&1 || fetch nvidia-cuda-cupti==13.0.85
ls "$cache"/nvidia_cuda_crt-13.0.88-*.whl >/dev/null 2>&1 || fetch nvidia-cuda-crt==13.0.88

# Unpack into a temporary directory, then rename: an interrupted set-up never leaves a half-made .libtorch.
tmp=$(mktemp -d "$root/.libtorch.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
say "unpacking CPU libtorch"
unzip -q "$wheel" 'torch/include/*' torch/lib/libc10.so torch/lib/libtorch_cpu.so torch/lib/libgomp.so.1 -d "$tmp"
# The wheel's libtorch.so needs libtorch_cuda.so; point -ltorch at the CPU library instead.
ln -s libtorch_cpu.so "$tmp/torch/lib/libtorch.so"
echo "$version+cu130" > "$tmp/torch/build-version"
unzip -q "$cache"/nvidia_cuda_runtime-13.0.96-*.whl 'nvidia/cu13/lib/libcudart.so.13' 'nvidia/cu13/include/*' -d "$tmp"
unzip -q "$cache"/nvidia_cuda_crt-13.0.88-*.whl 'nvidia/cu13/include/*' -d "$tmp"
unzip -q "$cache"/nvidia_cuda_cupti-13.0.85-*.whl 'nvidia/cu13/lib/libcupti.so.13' -d "$tmp"
test -f "$tmp/nvidia/cu13/lib/libcudart.so.13" && test -f "$tmp/nvidia/cu13/lib/libcupti.so.13"
test -f "$tmp/nvidia/cu13/include/crt/host_config.h"
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
say "libtorch $version ready in $dest"
