//! `rand::seq::index::sample` (rand 0.8) for index ranges up to 256, without allocating: the same
//! algorithm choice, the same draws and the same order, into a fixed buffer. Generators call it once
//! or twice per instance, where the `Vec` it allocated (and freed) was a visible share of the time.

use rand::seq::index;
use rand::Rng;

/// The largest `length` kept in the fixed buffer; longer ranges go through rand itself.
const SMALL: usize = 256;

/// Sampled indices, in the order rand's `sample` returns them. Kept on the stack and short-lived,
/// so the small variant's size is the point.
#[allow(clippy::large_enum_variant)]
pub enum Indices {
    Small { items: [u8; SMALL], len: usize },
    Large(index::IndexVec),
}

impl Indices {
    pub fn len(&self) -> usize {
        match self {
            Indices::Small { len, .. } => *len,
            Indices::Large(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        let (small, large) = match self {
            Indices::Small { items, len } => (Some(items[..*len].iter()), None),
            Indices::Large(v) => (None, Some(v.iter())),
        };
        small
            .into_iter()
            .flatten()
            .map(|&k| usize::from(k))
            .chain(large.into_iter().flatten())
    }
}

/// `amount` distinct indices of `0..length`, as `rand::seq::index::sample(rng, length, amount)`.
pub fn sample<R: Rng + ?Sized>(rng: &mut R, length: usize, amount: usize) -> Indices {
    assert!(amount <= length, "`amount` must be at most `length`");
    if length > SMALL {
        return Indices::Large(index::sample(rng, length, amount));
    }
    // rand 0.8's choice for `amount < 163` and `length < 500_000` (always so here).
    let (length, amount) = (length as u32, amount as u32);
    let mut items = [0u8; SMALL];
    if amount > 11 && (length as f32) < (10.0 + 1.6 * amount as f32) * amount as f32 {
        // Partial Fisher-Yates over all of `0..length`.
        for (k, item) in items[..length as usize].iter_mut().enumerate() {
            *item = k as u8;
        }
        for i in 0..amount {
            let j: u32 = rng.gen_range(i..length);
            items.swap(i as usize, j as usize);
        }
    } else {
        // Floyd's algorithm, in its fully shuffled form (amount < 50).
        for (len, j) in (length - amount..length).enumerate() {
            let t = rng.gen_range(0..=j) as u8;
            match items[..len].iter().position(|&x| x == t) {
                Some(pos) => {
                    items.copy_within(pos..len, pos + 1);
                    items[pos] = j as u8;
                }
                None => items[len] = t,
            }
        }
    }
    Indices::Small {
        items,
        len: amount as usize,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rlvr_envs::seed::task_rng;

    #[test]
    fn same_indices_and_draws_as_rand() {
        for length in [0usize, 1, 2, 9, 16, 25, 40, 49, 64, 112, 200, 256, 257, 600] {
            for amount in (0..=length.min(60)).step_by(1 + length / 40) {
                for index in 0..5 {
                    let mut ours = task_rng("sample", length as u64, index);
                    let mut theirs = ours.clone();
                    let got: Vec<usize> = sample(&mut ours, length, amount).iter().collect();
                    let want = index::sample(&mut theirs, length, amount).into_vec();
                    assert_eq!(got, want, "length {length} amount {amount}");
                    assert_eq!(ours.gen::<u64>(), theirs.gen::<u64>());
                }
            }
        }
    }
}
