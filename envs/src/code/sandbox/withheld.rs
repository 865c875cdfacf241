//! Time the machine withheld from a run, which is never the program's own: time its threads waited
//! for a CPU while other work held it, and time the hypervisor gave this machine's CPUs to other
//! guests (steal). The process sandbox moves its wall-clock deadline out by it, so a starved or
//! paused machine does not turn a program into a time-limit verdict, while a program that sleeps
//! (and so waits for no CPU) still meets its deadline on time.
//!
//! A run's wait counts only up to the CPU time the rest of the machine used meanwhile: a program
//! whose own processes crowd each other out is waiting on itself, and gains nothing by it. Kernel
//! work a run causes outside its own tasks reads as other work: a fork bomb's failed forks keep
//! the RCU threads busy, and its deadline moved out by 0.7 to 2.3 s in the hostile tests. That is
//! bounded, as such work grows more slowly than the wall clock.
//!
//! Everything is read from `/proc`; where a file cannot be read the reading counts nothing withheld,
//! which is the behaviour without this module.

use std::path::Path;
use std::time::Duration;

/// Ticks per second of `/proc/stat`'s counters (`USER_HZ`, 100 on every Linux ABI).
const USER_HZ: u64 = 100;

/// Processes and threads visited per census: far above a run's `RLIMIT_NPROC`, it bounds the walk
/// should the tree change under it.
const MAX_TASKS: usize = 4096;

/// The machine's CPU clocks from `/proc/stat`, in ticks.
#[derive(Debug, Clone, Default)]
pub struct MachineClock {
    /// CPU time spent working, over all CPUs (user, nice, system, irq, softirq).
    busy: u64,
    /// The hypervisor's steal counter of each CPU.
    steal: Vec<u64>,
}

impl MachineClock {
    /// Reads `/proc/stat`.
    pub fn read() -> MachineClock {
        std::fs::read_to_string("/proc/stat")
            .map(|text| MachineClock::parse(&text))
            .unwrap_or_default()
    }

    /// Columns after the label: user nice system idle iowait irq softirq steal guest guest_nice.
    fn parse(text: &str) -> MachineClock {
        let columns = |line: &str| -> Vec<u64> {
            line.split_ascii_whitespace()
                .skip(1)
                .map(|c| c.parse().unwrap_or(0))
                .collect()
        };
        let mut clock = MachineClock::default();
        for line in text.lines().filter(|l| l.starts_with("cpu")) {
            let c = columns(line);
            let at = |i: usize| c.get(i).copied().unwrap_or(0);
            if line.as_bytes().get(3).is_some_and(u8::is_ascii_digit) {
                clock.steal.push(at(7));
            } else {
                clock.busy = at(0) + at(1) + at(2) + at(5) + at(6);
            }
        }
        clock
    }

    /// CPU time the machine spent working since `earlier`, over all CPUs.
    fn busy_since(&self, earlier: &MachineClock) -> Duration {
        ticks(self.busy.saturating_sub(earlier.busy))
    }

    /// The most any one CPU lost to the hypervisor since `earlier`: a program runs on one CPU at a
    /// time, and when the whole machine is paused every CPU loses the same.
    fn steal_since(&self, earlier: &MachineClock) -> Duration {
        let most = self
            .steal
            .iter()
            .zip(&earlier.steal)
            .map(|(now, then)| now.saturating_sub(*then))
            .max()
            .unwrap_or(0);
        ticks(most)
    }
}

fn ticks(n: u64) -> Duration {
    Duration::from_millis(n * 1000 / USER_HZ)
}

/// One look at the scheduler's counters of every thread of the run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Census {
    /// CPU time the run has used: its live processes' (their ended threads included) and that of
    /// the processes they reaped; the helper's own excluded.
    pub on_cpu: Duration,
    /// The longest time one live thread of the program's processes waited for a CPU.
    pub longest_wait: Duration,
    /// The helper's own wait, kept apart so its wait before the run can be subtracted.
    pub helper_wait: Duration,
}

impl Census {
    /// Reads the counters of the sandbox's helper `helper` (a child of this process) and of every
    /// process below it.
    pub fn take(helper: libc::pid_t) -> Census {
        let mut census = Census::default();
        let mut pending = vec![helper];
        let mut visited = 0;
        while let Some(pid) = pending.pop() {
            if let Some(cpu) = process_cpu(pid) {
                // A process killed at its CPU limit is gone from the tree, but its time stays in
                // its reaper's `children` columns; without them the run's work would be counted
                // as other work's.
                census.on_cpu += cpu.reaped
                    + if pid == helper {
                        Duration::ZERO
                    } else {
                        cpu.own
                    };
            }
            let Ok(threads) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
                continue;
            };
            for thread in threads.flatten() {
                visited += 1;
                if visited > MAX_TASKS {
                    return census;
                }
                let dir = thread.path();
                if let Some(wait) = run_delay(&dir) {
                    if pid == helper {
                        census.helper_wait = census.helper_wait.max(wait);
                    } else {
                        census.longest_wait = census.longest_wait.max(wait);
                    }
                }
                if let Ok(children) = std::fs::read_to_string(dir.join("children")) {
                    pending.extend(
                        children
                            .split_ascii_whitespace()
                            .filter_map(|c| c.parse::<libc::pid_t>().ok()),
                    );
                }
            }
        }
        census
    }
}

/// How long a thread has been runnable but waiting for a CPU: the second column of its
/// `schedstat`, in nanoseconds.
fn run_delay(thread_dir: &Path) -> Option<Duration> {
    let text = std::fs::read_to_string(thread_dir.join("schedstat")).ok()?;
    let wait = text.split_ascii_whitespace().nth(1)?.parse().ok()?;
    Some(Duration::from_nanos(wait))
}

/// A process's CPU time from its `stat`.
struct ProcessCpu {
    /// Its own, every thread's, ended ones included (utime + stime).
    own: Duration,
    /// That of the children it reaped, and theirs in turn (cutime + cstime).
    reaped: Duration,
}

fn process_cpu(pid: libc::pid_t) -> Option<ProcessCpu> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The name, in parentheses, may hold spaces: the columns are counted after its end. The
    // first after it is column 3 (state); utime, stime, cutime and cstime are columns 14 to 17.
    let rest = &text[text.rfind(')')? + 1..];
    let columns: Vec<u64> = rest
        .split_ascii_whitespace()
        .skip(11)
        .take(4)
        .map(|c| c.parse().ok())
        .collect::<Option<_>>()?;
    let [utime, stime, cutime, cstime] = columns[..] else {
        return None;
    };
    Some(ProcessCpu {
        own: ticks(utime + stime),
        reaped: ticks(cutime + cstime),
    })
}

/// The time withheld from one run so far.
#[derive(Debug, Clone)]
pub struct Withheld {
    clock_at_start: MachineClock,
    helper_wait_at_start: Duration,
    longest_wait: Duration,
}

impl Withheld {
    /// Starts counting when the helper reports its set-up done. Two small reads, as every run
    /// pays for them: the machine's clocks and the (single-threaded) helper's wait so far.
    pub fn start(helper: libc::pid_t) -> Withheld {
        let helper_thread = Path::new("/proc")
            .join(helper.to_string())
            .join("task")
            .join(helper.to_string());
        Withheld {
            clock_at_start: MachineClock::read(),
            helper_wait_at_start: run_delay(&helper_thread).unwrap_or_default(),
            longest_wait: Duration::ZERO,
        }
    }

    /// Adds what `census` shows and returns the total withheld so far. Waits only grow, and a thread
    /// that has exited is no longer seen, so the longest wait seen is kept.
    pub fn update(&mut self, census: &Census) -> Duration {
        self.total(census, &MachineClock::read())
    }

    fn total(&mut self, census: &Census, now: &MachineClock) -> Duration {
        let helper = census.helper_wait.saturating_sub(self.helper_wait_at_start);
        self.longest_wait = self.longest_wait.max(census.longest_wait).max(helper);
        let others = now
            .busy_since(&self.clock_at_start)
            .saturating_sub(census.on_cpu);
        self.longest_wait.min(others) + now.steal_since(&self.clock_at_start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEFORE: &str = "cpu  100 0 50 900 0 0 0 30 0 0\ncpu0 50 0 25 450 0 0 0 10 0 0\ncpu1 50 0 25 450 0 0 0 20 0 0\nintr 1\n";

    fn census(on_cpu_ms: u64, wait_ms: u64) -> Census {
        Census {
            on_cpu: Duration::from_millis(on_cpu_ms),
            longest_wait: Duration::from_millis(wait_ms),
            helper_wait: Duration::ZERO,
        }
    }

    fn counting_from(before: &str) -> Withheld {
        Withheld {
            clock_at_start: MachineClock::parse(before),
            helper_wait_at_start: Duration::ZERO,
            longest_wait: Duration::ZERO,
        }
    }

    #[test]
    fn steal_is_the_most_any_one_cpu_lost() {
        let after = MachineClock::parse(
            "cpu  100 0 50 900 0 0 0 300 0 0\ncpu0 50 0 25 450 0 0 0 40 0 0\ncpu1 50 0 25 450 0 0 0 270 0 0\n",
        );
        let before = MachineClock::parse(BEFORE);
        assert_eq!(before.steal, vec![10, 20]);
        // cpu1 lost 250 ticks, cpu0 30: the run is charged the larger, 2.5 s at 100 ticks a second.
        assert_eq!(after.steal_since(&before), Duration::from_millis(2500));
        assert_eq!(
            counting_from(BEFORE).total(&census(0, 0), &after),
            Duration::from_millis(2500)
        );
        assert_eq!(MachineClock::default().steal_since(&before), Duration::ZERO);
    }

    #[test]
    fn a_wait_counts_only_while_other_work_held_the_cpu() {
        // 3 s of work on the machine (user 100 -> 300, system 50 -> 150), of which the run did 1 s.
        let after = MachineClock::parse("cpu  300 0 150 900 0 0 0 30 0 0\n");
        // Starved by the other 2 s of work: a 1.5 s wait is all withheld.
        assert_eq!(
            counting_from(BEFORE).total(&census(1000, 1500), &after),
            Duration::from_millis(1500)
        );
        // A 2.8 s wait cannot all be the others': they worked 2 s.
        assert_eq!(
            counting_from(BEFORE).total(&census(1000, 2800), &after),
            Duration::from_secs(2)
        );
        // A run whose own processes did all the work waited on itself: nothing is withheld.
        assert_eq!(
            counting_from(BEFORE).total(&census(3000, 2800), &after),
            Duration::ZERO
        );
    }

    #[test]
    fn the_longest_wait_seen_is_kept_after_its_thread_exits() {
        let after = MachineClock::parse("cpu  1100 0 50 900 0 0 0 30 0 0\n");
        let mut withheld = counting_from(BEFORE);
        assert_eq!(
            withheld.total(&census(0, 700), &after),
            Duration::from_millis(700)
        );
        assert_eq!(
            withheld.total(&census(0, 100), &after),
            Duration::from_millis(700)
        );
    }

    #[test]
    fn a_census_counts_the_processes_below_the_helper_and_those_they_reaped() {
        // This test's process stands in for the helper, a shell for the program; the shell's busy
        // subshell has ended and been reaped by the time the census is taken.
        let mut child = std::process::Command::new("sh")
            .args([
                "-c",
                "(i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done); sleep 30",
            ])
            .spawn()
            .unwrap();
        let pid = child.id() as libc::pid_t;
        let mut reaped = Duration::ZERO;
        for _ in 0..500 {
            std::thread::sleep(Duration::from_millis(20));
            reaped = process_cpu(pid).unwrap().reaped;
            if !reaped.is_zero() {
                break;
            }
        }
        let cpu = process_cpu(pid).unwrap();
        let census = Census::take(std::process::id() as libc::pid_t);
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(reaped >= Duration::from_millis(10), "{reaped:?}");
        // Other tests' children may be counted too, never less than this one.
        assert!(census.on_cpu >= cpu.own + cpu.reaped, "{census:?}");
    }
}
