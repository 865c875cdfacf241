//! The heap policy holds: the memory a freed batch of records leaves is reused by the next batch
//! without a page fault. Its own test binary without libtest's harness, because the policy is
//! process-wide and the generators' batches are built on the main thread (glibc's main heap).

// Reading the process's fault counter is a C call.
#![allow(unsafe_code)]

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn main() {
    fn minor_faults() -> i64 {
        // SAFETY: getrusage writes one plain struct that we own.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        assert_eq!(unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) }, 0);
        usage.ru_minflt
    }
    // 16 MiB of prompt-sized blocks, as a bench batch holds, and the vector holding them (over
    // glibc's default mmap threshold).
    fn batch(round: usize) -> Vec<String> {
        (0..25_000)
            .map(|i| format!("{:0>650}", i + round))
            .collect()
    }
    rlvr_synlogic::heap::keep_freed_memory();
    drop(std::hint::black_box(batch(0)));
    let before = minor_faults();
    let second = std::hint::black_box(batch(1));
    let faults = minor_faults() - before;
    drop(second);
    println!("the second batch of 16 MiB took {faults} page faults");
    // Without the policy glibc gives part of the first batch back (its vector, and the heap's top)
    // and the second batch faults in some 460 pages again.
    assert!(faults < 100, "the second batch took {faults} page faults");
    println!("test a_freed_batch_is_reused_without_faults ... ok");
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn main() {}
