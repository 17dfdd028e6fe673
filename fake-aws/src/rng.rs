//! splitmix64: a tiny, fast PRNG. Deterministic streams keep the inventory a pure function
//! of the seed; the shared atomic stream gives lock-free draws for faults and secrets.

use std::sync::atomic::{AtomicU64, Ordering};

const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// The splitmix64 finaliser: a good 64-bit mix on its own, used to hash tuples of indices.
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Hashes a sequence of numbers into one seed, order-sensitive.
pub(crate) fn hash_parts(parts: &[u64]) -> u64 {
    parts.iter().fold(0x5EED_u64, |acc, &part| {
        mix64(acc ^ mix64(part.wrapping_add(GOLDEN_GAMMA)))
    })
}

/// 64 random bits as a uniform `f64` in `[0, 1)`, with 53 bits of precision.
fn unit(bits: u64) -> f64 {
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// A single-owner splitmix64 stream.
pub(crate) struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN_GAMMA);
        mix64(self.state)
    }

    /// Uniform in `0..bound` (bound > 0); the modulo bias is irrelevant for test data.
    pub(crate) fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound
    }

    /// True with probability `percent`/100.
    pub(crate) fn percent(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Uniform in `[0, 1)`.
    pub(crate) fn unit_f64(&mut self) -> f64 {
        unit(self.next_u64())
    }

    /// True with probability `rate`.
    pub(crate) fn chance(&mut self, rate: f64) -> bool {
        rate > 0.0 && self.unit_f64() < rate
    }

    /// `len` characters drawn from `alphabet` (ASCII).
    pub(crate) fn string_from(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len).map(|_| char::from(*self.pick(alphabet))).collect()
    }
}

/// A splitmix64 stream shared between threads: each draw is one atomic add.
pub(crate) struct SharedSplitMix64 {
    state: AtomicU64,
}

impl SharedSplitMix64 {
    pub(crate) fn new(seed: u64) -> SharedSplitMix64 {
        SharedSplitMix64 {
            state: AtomicU64::new(seed),
        }
    }

    pub(crate) fn next_u64(&self) -> u64 {
        let state = self
            .state
            .fetch_add(GOLDEN_GAMMA, Ordering::Relaxed)
            .wrapping_add(GOLDEN_GAMMA);
        mix64(state)
    }

    /// Uniform in `[0, 1)`.
    pub(crate) fn unit_f64(&self) -> f64 {
        unit(self.next_u64())
    }

    /// A fresh independent stream, e.g. to draw a whole secret without contention.
    pub(crate) fn fork(&self) -> SplitMix64 {
        SplitMix64::new(self.next_u64())
    }
}

pub(crate) const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
pub(crate) const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
pub(crate) const BASE64: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
pub(crate) const HEX: &[u8] = b"0123456789abcdef";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_gives_same_stream() {
        let mut a = SplitMix64::new(42);
        let mut b = SplitMix64::new(42);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn hash_parts_depends_on_order() {
        assert_ne!(hash_parts(&[1, 2]), hash_parts(&[2, 1]));
        assert_eq!(hash_parts(&[1, 2]), hash_parts(&[1, 2]));
    }

    #[test]
    fn chance_respects_extremes() {
        let mut rng = SplitMix64::new(7);
        assert!((0..1000).all(|_| !rng.chance(0.0)));
        assert!((0..1000).all(|_| rng.chance(1.0)));
        let hits = (0..10_000).filter(|_| rng.chance(0.25)).count();
        assert!((2000..3000).contains(&hits), "{hits}");
    }
}
