//! Sandbox identities: one unprivileged uid per concurrent run.
//!
//! A run drops to its own uid, so it cannot read root's files (or another run's), and the process cap
//! (`RLIMIT_NPROC`, counted per uid by the kernel) is per run rather than shared by all runs. A slot is
//! held with an `flock` on a file under the temp dir, so several rlvr processes on one machine never
//! hand out the same uid at once; the lock dies with its holder.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::sys;

/// The first sandbox uid (and gid): far above any distribution's user range.
pub const BASE_UID: u32 = 1_790_000_000;
/// How many slots exist: the most concurrent runs on one machine.
pub const SLOTS: u32 = 512;

/// A held slot: its uid and gid stay ours until this is dropped.
pub struct Slot {
    pub uid: u32,
    _lock: File,
}

fn lock_dir() -> PathBuf {
    std::env::temp_dir().join("rlvr-sandbox-slots")
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// Takes a free slot, trying each at most once.
pub fn acquire() -> io::Result<Slot> {
    let dir = lock_dir();
    std::fs::create_dir_all(&dir)?;
    let start = NEXT.fetch_add(1, Ordering::Relaxed);
    for k in 0..SLOTS as usize {
        let n = ((start + k) % SLOTS as usize) as u32;
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(format!("{n}.lock")))?;
        if sys::try_lock(&file)? {
            return Ok(Slot {
                uid: BASE_UID + n,
                _lock: file,
            });
        }
    }
    Err(io::Error::new(
        io::ErrorKind::WouldBlock,
        format!("all {SLOTS} sandbox slots are busy"),
    ))
}

/// Whether a uid belongs to the sandbox range (for leak checks).
pub fn is_sandbox_uid(uid: u32) -> bool {
    (BASE_UID..BASE_UID + SLOTS).contains(&uid)
}
