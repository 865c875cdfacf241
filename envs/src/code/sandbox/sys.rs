//! The raw Linux calls behind the process sandbox: the only module of the code verifier with `unsafe`.
//!
//! [`spawn`] clones a helper into fresh PID, mount and IPC namespaces. The helper (PID 1 there) builds
//! the mount table, forks the program, waits for it and writes its exit status and resource usage to a
//! pipe. When the helper exits, the kernel kills every process left in its PID namespace, so nothing
//! the program started outlives the run. Between `clone` and `execve` the children of this
//! (multi-threaded) process may only make async-signal-safe calls: everything they need is prepared in
//! a [`ChildPlan`] first, and they make raw system calls only, with no allocation and no locks.
#![allow(unsafe_code)]

use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::Duration;

/// One step of the mount-namespace set-up, run by the helper as root inside the new namespace.
pub enum MountStep {
    /// Stops mount events from propagating back to the host.
    PrivateRoot,
    /// Makes every mount read-only, recursively (`mount_setattr`).
    ReadOnlyRoot,
    /// A fresh tmpfs at `target` with the given options (`size=..,mode=..`).
    Tmpfs { target: CString, options: CString },
    /// Creates a directory (the mount point of a bind inside a tmpfs).
    Mkdir { path: CString },
    /// Opens `path` (`O_PATH`) as descriptor `fd` (3 to 9: free in the helper), so it can be bound
    /// after a tmpfs covers it. It must be opened inside the new namespace: a bind's source must be
    /// a mount of the caller's namespace.
    OpenSource { path: CString, fd: RawFd },
    /// Bind-mounts `source` (usually `/proc/self/fd/N` of a descriptor opened before the host path
    /// was covered) at `target`, read-only unless `writable`.
    Bind {
        source: CString,
        target: CString,
        writable: bool,
    },
    /// A procfs of the new PID namespace at `/proc`.
    Proc,
}

/// Everything the helper and the program need, prepared before `clone`.
pub struct ChildPlan {
    pub exe: CString,
    pub argv: Vec<CString>,
    pub env: Vec<CString>,
    pub cwd: CString,
    pub stdin: RawFd,
    pub stdout: RawFd,
    pub stderr: RawFd,
    /// The write end of the status pipe (helper's report, or the program's `execve` error).
    pub status: RawFd,
    /// Descriptors the helper needs (the four above and the bind sources); all others are closed.
    pub keep: Vec<RawFd>,
    pub mounts: Vec<MountStep>,
    /// `(resource, limit)`: soft and hard limits for the program.
    pub rlimits: Vec<(libc::__rlimit_resource_t, u64)>,
    pub uid: u32,
    pub gid: u32,
    pub seccomp: Vec<libc::sock_filter>,
}

/// Stages reported through the status pipe when set-up fails.
pub const STAGE_MOUNT: u8 = b'M';
pub const STAGE_EXEC: u8 = b'E';
pub const STAGE_SETUP: u8 = b'S';
pub const STAGE_FORK: u8 = b'F';
/// One byte the helper writes once the mounts are done, just before it forks the program: the
/// program's wall clock starts there, so a slow namespace set-up is never charged to the program.
pub const STARTED: u8 = b'+';
/// The helper's final report: the program's wait status and resource usage.
pub const REPORT: u8 = b'R';
/// Length of a report record: tag, wait status, user µs, system µs, peak RSS KiB.
pub const REPORT_LEN: usize = 1 + 4 + 8 + 8 + 8;
/// Length of a failure record: tag, step index, errno.
pub const FAILURE_LEN: usize = 1 + 4 + 4;

/// A spawned sandbox: the helper's pid and a pidfd that becomes readable when it exits.
pub struct Spawned {
    pub pid: libc::pid_t,
    pub pidfd: OwnedFd,
}

fn cvt(ret: libc::c_long) -> io::Result<libc::c_long> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

/// A pipe whose ends are close-on-exec and numbered 10 or above (so `dup2` onto 0..3 never clobbers).
pub fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: `fds` is a valid array of two ints for pipe2 to fill.
    cvt(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }.into())?;
    // SAFETY: pipe2 succeeded, so both are fresh descriptors we own.
    let (r, w) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    Ok((raise(r)?, raise(w)?))
}

/// Moves a descriptor to number 10 or above, close-on-exec.
pub fn raise(fd: OwnedFd) -> io::Result<OwnedFd> {
    // SAFETY: F_DUPFD_CLOEXEC on a valid descriptor returns a new one we own.
    let new = cvt(unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 10) }.into())?;
    // SAFETY: `new` was just returned by fcntl and is owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(new as RawFd) })
}

/// Sets `O_NONBLOCK` on a descriptor.
pub fn set_nonblocking(fd: RawFd) -> io::Result<()> {
    // SAFETY: F_GETFL/F_SETFL on a descriptor the caller owns.
    unsafe {
        let flags = cvt(libc::fcntl(fd, libc::F_GETFL).into())?;
        cvt(libc::fcntl(fd, libc::F_SETFL, flags as libc::c_int | libc::O_NONBLOCK).into())?;
    }
    Ok(())
}

/// An anonymous in-memory file holding `data`, positioned at its start: the program's stdin.
pub fn memfd_with(data: &[u8]) -> io::Result<std::fs::File> {
    use std::io::{Seek, Write};
    let name = c"rlvr-stdin";
    // SAFETY: `name` is a valid C string; memfd_create returns a new descriptor we own.
    let fd = cvt(unsafe { libc::memfd_create(name.as_ptr(), libc::MFD_CLOEXEC) }.into())?;
    // SAFETY: fresh descriptor from memfd_create.
    let owned = raise(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })?;
    let mut file = std::fs::File::from(owned);
    file.write_all(data)?;
    file.seek(io::SeekFrom::Start(0))?;
    Ok(file)
}

/// Waits until one of `fds` is readable (or hung up) or `timeout` passes. Returns the revents.
pub fn poll(fds: &[RawFd], timeout: Duration) -> io::Result<Vec<libc::c_short>> {
    let mut pfds: Vec<libc::pollfd> = fds
        .iter()
        .map(|&fd| libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        })
        .collect();
    let ms = timeout.as_millis().min(i32::MAX as u128) as libc::c_int;
    // SAFETY: `pfds` is a valid, exclusively borrowed array of `pfds.len()` pollfd structs.
    let ret = unsafe { libc::poll(pfds.as_mut_ptr(), pfds.len() as libc::nfds_t, ms) };
    if ret < 0 {
        let err = io::Error::last_os_error();
        if err.kind() == io::ErrorKind::Interrupted {
            return Ok(vec![0; fds.len()]);
        }
        return Err(err);
    }
    Ok(pfds.iter().map(|p| p.revents).collect())
}

/// Sends SIGKILL to `pid` (our own child, not yet reaped, so the pid cannot have been reused).
pub fn kill(pid: libc::pid_t) {
    // SAFETY: plain kill(2) of our own unreaped child.
    unsafe {
        libc::kill(pid, libc::SIGKILL);
    }
}

/// Reaps our exited child `pid`, blocking until it is gone.
pub fn reap(pid: libc::pid_t) -> io::Result<()> {
    let mut status = 0;
    loop {
        // SAFETY: waitpid on our own child with a valid status pointer.
        let ret = unsafe { libc::waitpid(pid, &mut status, 0) };
        if ret >= 0 {
            return Ok(());
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

/// The effective uid of this process.
pub fn euid() -> u32 {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() }
}

/// Takes an exclusive, non-blocking `flock` on an open file. `Ok(false)` when another holds it.
pub fn try_lock(file: &std::fs::File) -> io::Result<bool> {
    // SAFETY: flock on a descriptor owned by `file`.
    let ret = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if ret == 0 {
        return Ok(true);
    }
    let err = io::Error::last_os_error();
    if err.raw_os_error() == Some(libc::EWOULDBLOCK) {
        Ok(false)
    } else {
        Err(err)
    }
}

/// Clones the helper into new PID, mount and IPC namespaces and returns at once.
pub fn spawn(plan: &ChildPlan) -> io::Result<Spawned> {
    // Everything the children touch is built here, before the clone.
    let argv: Vec<*const libc::c_char> = plan
        .argv
        .iter()
        .map(|a| a.as_ptr())
        .chain(std::iter::once(std::ptr::null()))
        .collect();
    let envp: Vec<*const libc::c_char> = plan
        .env
        .iter()
        .map(|a| a.as_ptr())
        .chain(std::iter::once(std::ptr::null()))
        .collect();
    let mut keep = plan.keep.clone();
    keep.sort_unstable();
    keep.dedup();
    let filter = libc::sock_fprog {
        len: plan.seccomp.len() as libc::c_ushort,
        filter: plan.seccomp.as_ptr() as *mut libc::sock_filter,
    };
    let prepared = Prepared {
        plan,
        argv: &argv,
        envp: &envp,
        keep: &keep,
        filter: &filter,
    };
    let flags = libc::CLONE_NEWPID | libc::CLONE_NEWNS | libc::CLONE_NEWIPC | libc::SIGCHLD;
    // SAFETY: clone without CLONE_VM and with a null stack behaves as fork: the child gets a
    // copy-on-write copy of this address space. The child runs only `helper`, which never returns and
    // makes only async-signal-safe raw system calls on memory prepared above.
    let pid = cvt(unsafe {
        libc::syscall(
            libc::SYS_clone,
            flags as libc::c_ulong,
            0usize,
            0usize,
            0usize,
            0usize,
        )
    })?;
    if pid == 0 {
        helper(&prepared);
    }
    let pid = pid as libc::pid_t;
    // SAFETY: pidfd_open of our own unreaped child.
    let pidfd = match cvt(unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) }) {
        // SAFETY: fresh descriptor returned by pidfd_open.
        Ok(fd) => unsafe { OwnedFd::from_raw_fd(fd as RawFd) },
        Err(e) => {
            kill(pid);
            let _ = reap(pid);
            return Err(e);
        }
    };
    Ok(Spawned { pid, pidfd })
}

struct Prepared<'a> {
    plan: &'a ChildPlan,
    argv: &'a [*const libc::c_char],
    envp: &'a [*const libc::c_char],
    keep: &'a [RawFd],
    filter: &'a libc::sock_fprog,
}

/// Writes a failure record and exits. Async-signal-safe.
fn fail(status: RawFd, stage: u8, step: u32, code: u8) -> ! {
    // SAFETY: errno location is thread-local and valid; write/_exit are async-signal-safe.
    unsafe {
        let errno = *libc::__errno_location();
        let mut rec = [0u8; FAILURE_LEN];
        rec[0] = stage;
        rec[1..5].copy_from_slice(&step.to_le_bytes());
        rec[5..9].copy_from_slice(&errno.to_le_bytes());
        libc::write(status, rec.as_ptr().cast(), rec.len());
        libc::_exit(code as libc::c_int)
    }
}

/// Closes every descriptor not in the sorted list `keep`.
fn close_all_but(keep: &[RawFd]) {
    let mut next: libc::c_uint = 0;
    // SAFETY: close_range only closes descriptors; the ones we need are skipped.
    unsafe {
        for &fd in keep {
            let fd = fd as libc::c_uint;
            if fd > next {
                libc::syscall(libc::SYS_close_range, next, fd - 1, 0);
            }
            next = fd + 1;
        }
        libc::syscall(libc::SYS_close_range, next, libc::c_uint::MAX, 0);
    }
}

#[repr(C)]
struct MountAttr {
    attr_set: u64,
    attr_clr: u64,
    propagation: u64,
    userns_fd: u64,
}

const MOUNT_ATTR_RDONLY: u64 = 0x1;
const MOUNT_ATTR_NOSUID: u64 = 0x2;

fn mount_steps(p: &Prepared) -> Result<(), u32> {
    for (i, step) in p.plan.mounts.iter().enumerate() {
        // SAFETY: every pointer is a valid C string prepared before clone; these are raw syscalls.
        let ret = unsafe {
            match step {
                MountStep::PrivateRoot => libc::mount(
                    std::ptr::null(),
                    c"/".as_ptr(),
                    std::ptr::null(),
                    libc::MS_REC | libc::MS_PRIVATE,
                    std::ptr::null(),
                ),
                MountStep::ReadOnlyRoot => {
                    let attr = MountAttr {
                        attr_set: MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID,
                        attr_clr: 0,
                        propagation: 0,
                        userns_fd: 0,
                    };
                    libc::syscall(
                        libc::SYS_mount_setattr,
                        libc::AT_FDCWD,
                        c"/".as_ptr(),
                        libc::AT_RECURSIVE,
                        &attr as *const MountAttr,
                        std::mem::size_of::<MountAttr>(),
                    ) as libc::c_int
                }
                MountStep::Tmpfs { target, options } => libc::mount(
                    c"tmpfs".as_ptr(),
                    target.as_ptr(),
                    c"tmpfs".as_ptr(),
                    libc::MS_NOSUID | libc::MS_NODEV,
                    options.as_ptr().cast(),
                ),
                MountStep::Mkdir { path } => {
                    // Two binds may share parent directories.
                    let r = libc::mkdir(path.as_ptr(), 0o755);
                    if r != 0 && *libc::__errno_location() == libc::EEXIST {
                        0
                    } else {
                        r
                    }
                }
                MountStep::OpenSource { path, fd } => {
                    let opened = libc::open(path.as_ptr(), libc::O_PATH | libc::O_CLOEXEC);
                    if opened < 0 {
                        -1
                    } else if opened == *fd {
                        0
                    } else {
                        let r = libc::dup3(opened, *fd, libc::O_CLOEXEC);
                        libc::close(opened);
                        if r == *fd {
                            0
                        } else {
                            -1
                        }
                    }
                }
                MountStep::Bind {
                    source,
                    target,
                    writable,
                } => {
                    let r = libc::mount(
                        source.as_ptr(),
                        target.as_ptr(),
                        std::ptr::null(),
                        libc::MS_BIND | libc::MS_REC,
                        std::ptr::null(),
                    );
                    if r != 0 {
                        r
                    } else {
                        let ro = if *writable { 0 } else { libc::MS_RDONLY };
                        libc::mount(
                            std::ptr::null(),
                            target.as_ptr(),
                            std::ptr::null(),
                            libc::MS_REMOUNT
                                | libc::MS_BIND
                                | libc::MS_NOSUID
                                | libc::MS_NODEV
                                | ro,
                            std::ptr::null(),
                        )
                    }
                }
                MountStep::Proc => libc::mount(
                    c"proc".as_ptr(),
                    c"/proc".as_ptr(),
                    c"proc".as_ptr(),
                    libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
                    std::ptr::null(),
                ),
            }
        };
        if ret != 0 {
            return Err(i as u32);
        }
    }
    Ok(())
}

/// PID 1 of the sandbox: mounts, forks the program, reports its end. Never returns.
fn helper(p: &Prepared) -> ! {
    let plan = p.plan;
    close_all_but(p.keep);
    // SAFETY: raw async-signal-safe calls on prepared memory; see `spawn`.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong);
        if let Err(step) = mount_steps(p) {
            fail(plan.status, STAGE_MOUNT, step, 126);
        }
        // Written before the fork, so it precedes anything the program's process writes.
        libc::write(plan.status, [STARTED].as_ptr().cast(), 1);
        let child = libc::syscall(
            libc::SYS_clone,
            libc::SIGCHLD as libc::c_ulong,
            0usize,
            0usize,
            0usize,
            0usize,
        );
        if child < 0 {
            fail(plan.status, STAGE_FORK, 0, 126);
        }
        if child == 0 {
            program(p);
        }
        // Only the program holds the pipes' write ends now, so the parent sees them close with it.
        libc::close(plan.stdin);
        libc::close(plan.stdout);
        libc::close(plan.stderr);
        let mut status: libc::c_int = 0;
        let mut usage: libc::rusage = std::mem::zeroed();
        loop {
            let r = libc::wait4(child as libc::pid_t, &mut status, 0, &mut usage);
            if r >= 0 || *libc::__errno_location() != libc::EINTR {
                break;
            }
        }
        let micros = |t: libc::timeval| (t.tv_sec as u64) * 1_000_000 + t.tv_usec as u64;
        let mut rec = [0u8; REPORT_LEN];
        rec[0] = REPORT;
        rec[1..5].copy_from_slice(&status.to_le_bytes());
        rec[5..13].copy_from_slice(&micros(usage.ru_utime).to_le_bytes());
        rec[13..21].copy_from_slice(&micros(usage.ru_stime).to_le_bytes());
        rec[21..29].copy_from_slice(&(usage.ru_maxrss as u64).to_le_bytes());
        libc::write(plan.status, rec.as_ptr().cast(), rec.len());
        libc::_exit(0)
    }
}

/// The program's process: stdio, limits, identity, seccomp, then `execve`. Never returns.
fn program(p: &Prepared) -> ! {
    let plan = p.plan;
    // SAFETY: raw async-signal-safe calls on prepared memory; see `spawn`.
    unsafe {
        if libc::dup2(plan.stdin, 0) < 0
            || libc::dup2(plan.stdout, 1) < 0
            || libc::dup2(plan.stderr, 2) < 0
        {
            fail(plan.status, STAGE_SETUP, 0, 127);
        }
        // The status pipe moves to 3 (close-on-exec, so a successful execve closes it).
        let status = if plan.status == 3 || libc::dup3(plan.status, 3, libc::O_CLOEXEC) == 3 {
            3
        } else {
            fail(plan.status, STAGE_SETUP, 1, 127)
        };
        libc::syscall(
            libc::SYS_close_range,
            4 as libc::c_uint,
            libc::c_uint::MAX,
            0,
        );
        libc::setsid();
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong);
        if libc::chdir(plan.cwd.as_ptr()) != 0 {
            fail(status, STAGE_SETUP, 2, 127);
        }
        for (i, &(resource, limit)) in plan.rlimits.iter().enumerate() {
            let lim = libc::rlimit {
                rlim_cur: limit,
                rlim_max: limit,
            };
            if libc::setrlimit(resource, &lim) != 0 {
                fail(status, STAGE_SETUP, 10 + i as u32, 127);
            }
        }
        // Raw system calls, not glibc's wrappers: those apply the change to every thread glibc
        // believes the process has, and a raw clone leaves it believing in the parent's threads.
        // Its wrapper then waited forever on a parent thread caught mid-creation, so the program
        // never started and its run ended in a time-limit verdict with no CPU used.
        if libc::syscall(
            libc::SYS_setgroups,
            0 as libc::c_ulong,
            std::ptr::null::<libc::gid_t>(),
        ) != 0
            || libc::syscall(libc::SYS_setresgid, plan.gid, plan.gid, plan.gid) != 0
            || libc::syscall(libc::SYS_setresuid, plan.uid, plan.uid, plan.uid) != 0
        {
            fail(status, STAGE_SETUP, 3, 127);
        }
        if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1 as libc::c_ulong, 0, 0, 0) != 0 {
            fail(status, STAGE_SETUP, 4, 127);
        }
        if !plan.seccomp.is_empty()
            && libc::prctl(
                libc::PR_SET_SECCOMP,
                libc::SECCOMP_MODE_FILTER as libc::c_ulong,
                p.filter as *const libc::sock_fprog,
            ) != 0
        {
            fail(status, STAGE_SETUP, 5, 127);
        }
        libc::execve(plan.exe.as_ptr(), p.argv.as_ptr(), p.envp.as_ptr());
        fail(status, STAGE_EXEC, 0, 127)
    }
}

/// Reads what is available from a non-blocking descriptor into `buf`. `Ok(0)` means end of file;
/// `Err(WouldBlock)` means nothing more for now.
pub fn read(fd: RawFd, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        // SAFETY: `buf` is a valid writable buffer of `buf.len()` bytes.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        if n >= 0 {
            return Ok(n as usize);
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}
