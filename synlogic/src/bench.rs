//! One task's generation and verification speed at one level: the loop behind `rlvr synlogic
//! bench` and the `synbench` example.
//!
//! Both phases are timed in wall time and in this thread's CPU time (comparable with Python's
//! `time.process_time()` when the machine is shared), each for at least [`MIN_PHASE`] of CPU.
//! Generation makes batches of `count` fresh instances (indices `b * count ..`), each batch held
//! until the next one starts, as a caller holds a batch of prompts; the last batch is returned
//! and its reference responses are verified, pass after pass.

use std::time::{Duration, Instant};

use crate::error::SynlogicError;
use crate::instance::Instance;
use crate::puzzle::{GenOptions, Puzzle};

/// The least CPU time each phase runs: long enough that a preempted moment or a cold cache does
/// not decide the figure.
pub const MIN_PHASE: Duration = Duration::from_millis(200);

/// Instances per second, over wall time and over this thread's CPU time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub per_s: f64,
    pub cpu_per_s: f64,
}

/// What [`measure`] found.
#[derive(Debug)]
pub struct Measured {
    pub generated: Rate,
    pub verified: Rate,
    /// The last batch generated (the one verified).
    pub instances: Vec<Instance>,
    /// The index of its first instance.
    pub first_index: u64,
}

/// Nanoseconds of CPU this thread has run, to the nanosecond (`CLOCK_THREAD_CPUTIME_ID`).
pub fn thread_cpu_ns() -> u64 {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    // A thread's CPU clock starts at zero and only grows: never negative.
    u64::try_from(t.tv_sec).unwrap_or(0) * 1_000_000_000 + u64::try_from(t.tv_nsec).unwrap_or(0)
}

/// A stopwatch over wall and thread CPU time.
struct Stopwatch {
    wall: Instant,
    cpu_ns: u64,
}

impl Stopwatch {
    fn start() -> Self {
        Stopwatch {
            wall: Instant::now(),
            cpu_ns: thread_cpu_ns(),
        }
    }

    fn cpu(&self) -> Duration {
        Duration::from_nanos(thread_cpu_ns().saturating_sub(self.cpu_ns))
    }

    /// `done` instances over the time since the start.
    fn rate(&self, done: u64) -> Rate {
        let per = |d: Duration| done as f64 / d.as_secs_f64().max(1e-9);
        Rate {
            per_s: per(self.wall.elapsed()),
            cpu_per_s: per(self.cpu()),
        }
    }
}

/// Generates batches of `count` (at least 1) instances of `puzzle` at `options` from `seed` for at
/// least [`MIN_PHASE`] of CPU, then verifies the last batch's reference responses for as long.
/// A reference response judged wrong is an error: the bench doubles as a self-check.
pub fn measure(
    puzzle: &dyn Puzzle,
    options: GenOptions,
    seed: u64,
    count: u64,
) -> Result<Measured, SynlogicError> {
    let count = count.max(1);
    let clock = Stopwatch::start();
    let mut instances = Vec::new();
    let mut batches = 0u64;
    while batches == 0 || clock.cpu() < MIN_PHASE {
        // The previous batch goes first, so the next one can reuse its memory.
        drop(std::mem::take(&mut instances));
        let first = batches * count;
        instances = (first..first + count)
            .map(|index| puzzle.generate(seed, index, options))
            .collect::<Result<Vec<_>, _>>()?;
        batches += 1;
    }
    let generated = clock.rate(batches * count);

    let responses = instances
        .iter()
        .map(|i| puzzle.reference_response(i.gold()))
        .collect::<Result<Vec<_>, _>>()?;
    let clock = Stopwatch::start();
    let mut verified = 0u64;
    while verified == 0 || clock.cpu() < MIN_PHASE {
        for (k, (instance, response)) in instances.iter().zip(&responses).enumerate() {
            let judgement = puzzle.verify_instance(instance, response)?;
            if !judgement.is_correct() {
                return Err(SynlogicError::ReferenceRejected {
                    task: puzzle.id(),
                    index: (batches - 1) * count + k as u64,
                    reason: judgement.reason,
                });
            }
        }
        verified += count;
    }
    Ok(Measured {
        generated,
        verified: clock.rate(verified),
        instances,
        first_index: (batches - 1) * count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{tasks, Difficulty};

    #[test]
    fn the_cpu_clock_is_fine_grained_and_grows() {
        // The old reading (`/proc/thread-self/schedstat`) moved only at scheduler ticks, milliseconds
        // apart; a busy loop of a few microseconds must show on this clock.
        let before = thread_cpu_ns();
        let mut x = 0u64;
        while thread_cpu_ns() == before {
            x = std::hint::black_box(x.wrapping_add(1));
        }
        let step = thread_cpu_ns() - before;
        assert!(step < 1_000_000, "the clock moved by {step} ns at once");
    }

    #[test]
    fn measures_for_the_minimum_time_and_returns_the_last_batch() {
        let puzzle = tasks::find("survo").unwrap();
        let options = GenOptions::at(Difficulty::new(1).unwrap());
        let started = thread_cpu_ns();
        let measured = measure(puzzle, options, 7, 50).unwrap();
        assert!(Duration::from_nanos(thread_cpu_ns() - started) >= 2 * MIN_PHASE);
        assert_eq!(measured.instances.len(), 50);
        assert!(measured.first_index >= 50 && measured.first_index.is_multiple_of(50));
        assert!(measured.generated.cpu_per_s > 0.0 && measured.verified.cpu_per_s > 0.0);
        // The batches have fresh indices: the kept batch is not the first.
        let first = puzzle.generate(7, 0, options).unwrap();
        assert_ne!(measured.instances[0].question, first.question);
    }
}
