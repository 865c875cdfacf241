//! The seccomp-bpf filter installed on every sandboxed program.
//!
//! It is a deny list, not an allow list: interpreters and compilers use a wide, changing set of calls.
//! Denied: network sockets (every family but `AF_UNIX`), new namespaces, mounts, tracing other
//! processes, kernel keyrings, BPF, io_uring (which can open sockets behind the filter's back), module
//! and reboot calls. `clone3` answers `ENOSYS` (its flags sit behind a pointer the filter cannot read),
//! so libc falls back to `clone`, whose flags the filter checks. Another architecture's calling
//! convention (x32, 32-bit compat) kills the process.

use libc::sock_filter;

const BPF_LD_W_ABS: u16 = 0x20;
const BPF_JEQ_K: u16 = 0x15;
const BPF_JGE_K: u16 = 0x35;
const BPF_JSET_K: u16 = 0x45;
const BPF_RET_K: u16 = 0x06;

const RET_ALLOW: u32 = 0x7fff_0000;
const RET_KILL_PROCESS: u32 = 0x8000_0000;
const RET_ERRNO: u32 = 0x0005_0000;

/// Offsets into `struct seccomp_data`.
const OFFSET_NR: u32 = 0;
const OFFSET_ARCH: u32 = 4;
/// Low 32 bits of the first argument (little-endian).
const OFFSET_ARG0: u32 = 16;

#[cfg(target_arch = "x86_64")]
const AUDIT_ARCH: u32 = 0xC000_003E;
#[cfg(target_arch = "aarch64")]
const AUDIT_ARCH: u32 = 0xC000_00B7;

/// x32 system calls carry this bit on x86-64.
const X32_SYSCALL_BIT: u32 = 0x4000_0000;

const NAMESPACE_FLAGS: u32 = (libc::CLONE_NEWNS
    | libc::CLONE_NEWUTS
    | libc::CLONE_NEWIPC
    | libc::CLONE_NEWUSER
    | libc::CLONE_NEWPID
    | libc::CLONE_NEWNET
    | libc::CLONE_NEWCGROUP) as u32;

fn stmt(code: u16, k: u32) -> sock_filter {
    sock_filter {
        code,
        jt: 0,
        jf: 0,
        k,
    }
}

fn jump(code: u16, k: u32, jt: u8, jf: u8) -> sock_filter {
    sock_filter { code, jt, jf, k }
}

/// System calls that fail with `EPERM`.
fn denied() -> Vec<libc::c_long> {
    vec![
        libc::SYS_ptrace,
        libc::SYS_process_vm_readv,
        libc::SYS_process_vm_writev,
        libc::SYS_mount,
        libc::SYS_umount2,
        libc::SYS_pivot_root,
        libc::SYS_chroot,
        libc::SYS_unshare,
        libc::SYS_setns,
        libc::SYS_open_tree,
        libc::SYS_move_mount,
        libc::SYS_fsopen,
        libc::SYS_fsconfig,
        libc::SYS_fsmount,
        libc::SYS_fspick,
        libc::SYS_mount_setattr,
        libc::SYS_kexec_load,
        libc::SYS_kexec_file_load,
        libc::SYS_init_module,
        libc::SYS_finit_module,
        libc::SYS_delete_module,
        libc::SYS_reboot,
        libc::SYS_swapon,
        libc::SYS_swapoff,
        libc::SYS_bpf,
        libc::SYS_perf_event_open,
        libc::SYS_keyctl,
        libc::SYS_add_key,
        libc::SYS_request_key,
        libc::SYS_userfaultfd,
        libc::SYS_io_uring_setup,
        libc::SYS_io_uring_enter,
        libc::SYS_io_uring_register,
        libc::SYS_acct,
        libc::SYS_quotactl,
        libc::SYS_open_by_handle_at,
        libc::SYS_name_to_handle_at,
        libc::SYS_settimeofday,
        libc::SYS_clock_settime,
    ]
}

/// The filter program.
pub fn filter() -> Vec<sock_filter> {
    let mut prog = vec![
        stmt(BPF_LD_W_ABS, OFFSET_ARCH),
        jump(BPF_JEQ_K, AUDIT_ARCH, 1, 0),
        stmt(BPF_RET_K, RET_KILL_PROCESS),
        stmt(BPF_LD_W_ABS, OFFSET_NR),
    ];
    if cfg!(target_arch = "x86_64") {
        prog.push(jump(BPF_JGE_K, X32_SYSCALL_BIT, 0, 1));
        prog.push(stmt(BPF_RET_K, RET_KILL_PROCESS));
    }
    for nr in denied() {
        prog.push(jump(BPF_JEQ_K, nr as u32, 0, 1));
        prog.push(stmt(BPF_RET_K, RET_ERRNO | libc::EPERM as u32));
    }
    prog.push(jump(BPF_JEQ_K, libc::SYS_clone3 as u32, 0, 1));
    prog.push(stmt(BPF_RET_K, RET_ERRNO | libc::ENOSYS as u32));
    // socket(family, ..): only AF_UNIX.
    prog.push(jump(BPF_JEQ_K, libc::SYS_socket as u32, 0, 4));
    prog.push(stmt(BPF_LD_W_ABS, OFFSET_ARG0));
    prog.push(jump(BPF_JEQ_K, libc::AF_UNIX as u32, 0, 1));
    prog.push(stmt(BPF_RET_K, RET_ALLOW));
    prog.push(stmt(BPF_RET_K, RET_ERRNO | libc::EACCES as u32));
    // clone(flags, ..): no new namespaces.
    prog.push(jump(BPF_JEQ_K, libc::SYS_clone as u32, 0, 3));
    prog.push(stmt(BPF_LD_W_ABS, OFFSET_ARG0));
    prog.push(jump(BPF_JSET_K, NAMESPACE_FLAGS, 0, 1));
    prog.push(stmt(BPF_RET_K, RET_ERRNO | libc::EPERM as u32));
    prog.push(stmt(BPF_RET_K, RET_ALLOW));
    prog
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_jump_lands_inside_the_program() {
        let prog = filter();
        for (i, ins) in prog.iter().enumerate() {
            if ins.code & 0x07 == 0x05 {
                assert!(i + 1 + (ins.jt as usize) < prog.len());
                assert!(i + 1 + (ins.jf as usize) < prog.len());
            }
        }
        assert_eq!(prog.last().unwrap().code, BPF_RET_K);
        assert!(prog.len() < 4096);
    }
}
