//! Loading libtorch's CUDA backend at run time.
//!
//! The `rlvr` binary is linked against the CPU libtorch only, so one binary runs on CPU machines and on
//! the GPU machine. libtorch registers its CUDA hooks from the static initialisers of
//! `libtorch_cuda.so`; loading that library before the first tch call makes `tch::Cuda::is_available()`
//! true wherever the library can be found (e.g. on `LD_LIBRARY_PATH`).
#![allow(unsafe_code)]

use std::ffi::CString;

/// Tries to load `libtorch_cuda.so` with global symbol visibility. Returns whether it loaded.
///
/// Must run before any other tch call: libtorch caches the CUDA hooks on first query. Failure is
/// expected on machines without CUDA and is not an error.
pub fn preload_cuda() -> bool {
    let name = CString::new("libtorch_cuda.so").expect("static name has no NUL");
    // SAFETY: dlopen with a valid NUL-terminated name; the handle is deliberately leaked so the
    // library stays loaded for the life of the process.
    let handle = unsafe { libc::dlopen(name.as_ptr(), libc::RTLD_NOW | libc::RTLD_GLOBAL) };
    !handle.is_null()
}
