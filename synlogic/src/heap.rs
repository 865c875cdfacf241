//! The heap policy for a process that generates records in batches: memory a batch frees stays with
//! the allocator for the next batch instead of going back to the kernel.
//!
//! glibc's malloc hands the free top of its heap back to the kernel once it exceeds the trim
//! threshold (128 KiB, raised only as far as twice the largest block it has mapped and freed), and
//! serves blocks over the mmap threshold with fresh mappings. A caller that holds a batch of prompts
//! (several MiB), drops it and builds the next one then takes a page fault on every page again: on
//! the 2-core machine of BENCHMARKS.md, a held 470-byte prompt cost 272-286 ns with glibc's
//! defaults and 70-73 ns with both thresholds raised (the `record_floor` example). Python's records
//! live in the same malloc, so `scripts/synlogic-side-by-side.sh` gives SynLogic's Python these
//! thresholds too.

// `mallopt` is a C call; it only sets two of malloc's tuning numbers.
#![allow(unsafe_code)]

/// Freed heap the allocator keeps before it trims (bytes).
pub const TRIM_THRESHOLD: usize = 128 << 20;
/// Blocks at least this large get their own mapping (bytes); glibc's largest allowed on 64-bit.
pub const MMAP_THRESHOLD: usize = 32 << 20;

/// Sets [`TRIM_THRESHOLD`] and [`MMAP_THRESHOLD`] for this process. Call it first thing in `main`,
/// before other threads start. A no-op where the C library is not glibc; a value glibc refuses
/// leaves its default in place, which changes speed only.
pub fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallopt takes two integers and only records them for later allocations; both
        // values are in range for a c_int.
        unsafe {
            libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD as libc::c_int);
            libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD as libc::c_int);
        }
    }
}
