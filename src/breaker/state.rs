//! The breaker's states and the packed atomic word that holds the live one.
//!
//! Everything the admission decision needs lives in one `AtomicU64` so half-open trial slots
//! can be taken with a single compare-and-swap however many threads race:
//!
//! ```text
//!  bits 0..3   state (BreakerState discriminant)
//!  bits 3..19  half-open trials in flight
//!  bits 19..35 half-open trial successes so far
//!  bits 35..64 epoch: bumped by every transition, so a late permit from an earlier
//!              half-open period can never count toward the current one
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where the state machine is; serialized snake_case as the health API expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakerState {
    /// Normal operation: every call admitted, failures counted.
    Closed,
    /// Tripped: calls rejected until the recovery timeout elapses.
    Open,
    /// Probing: a bounded number of trial calls decide between closed and open.
    HalfOpen,
    /// Manually opened by an operator: rejects until closed or reset.
    ForcedOpen,
    /// Manually forced closed: admits everything and never trips.
    Disabled,
}

impl BreakerState {
    /// Every state, in a fixed order, so `/metrics` can emit one 0/1 gauge per state.
    pub const ALL: [BreakerState; 5] = [
        BreakerState::Closed,
        BreakerState::Open,
        BreakerState::HalfOpen,
        BreakerState::ForcedOpen,
        BreakerState::Disabled,
    ];

    /// The snake_case name used in JSON, metrics labels and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            BreakerState::Closed => "closed",
            BreakerState::Open => "open",
            BreakerState::HalfOpen => "half_open",
            BreakerState::ForcedOpen => "forced_open",
            BreakerState::Disabled => "disabled",
        }
    }

    /// Whether calls are currently refused outright (health reports the service as down).
    pub fn is_open(self) -> bool {
        matches!(self, BreakerState::Open | BreakerState::ForcedOpen)
    }

    const fn from_bits(bits: u64) -> BreakerState {
        match bits {
            0 => BreakerState::Closed,
            1 => BreakerState::Open,
            2 => BreakerState::HalfOpen,
            3 => BreakerState::ForcedOpen,
            _ => BreakerState::Disabled,
        }
    }

    const fn bits(self) -> u64 {
        match self {
            BreakerState::Closed => 0,
            BreakerState::Open => 1,
            BreakerState::HalfOpen => 2,
            BreakerState::ForcedOpen => 3,
            BreakerState::Disabled => 4,
        }
    }
}

impl fmt::Display for BreakerState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

// --- packed word helpers (crate-internal) ---

const STATE_MASK: u64 = 0b111;
const INFLIGHT_SHIFT: u32 = 3;
const SUCC_SHIFT: u32 = 19;
const EPOCH_SHIFT: u32 = 35;
const FIELD_MASK: u64 = 0xFFFF;
const EPOCH_MASK: u64 = (1 << (64 - EPOCH_SHIFT)) - 1;

/// One trial in flight, as an addend to the word.
pub(crate) const ONE_INFLIGHT: u64 = 1 << INFLIGHT_SHIFT;

pub(crate) const fn pack(state: BreakerState, inflight: u32, successes: u32, epoch: u32) -> u64 {
    state.bits()
        | ((inflight as u64 & FIELD_MASK) << INFLIGHT_SHIFT)
        | ((successes as u64 & FIELD_MASK) << SUCC_SHIFT)
        | ((epoch as u64 & EPOCH_MASK) << EPOCH_SHIFT)
}

#[inline(always)]
pub(crate) const fn state_of(word: u64) -> BreakerState {
    BreakerState::from_bits(word & STATE_MASK)
}

#[inline(always)]
pub(crate) const fn is_closed(word: u64) -> bool {
    // Closed (0) and Disabled (4) both admit without bookkeeping.
    let s = word & STATE_MASK;
    s == 0 || s == 4
}

pub(crate) const fn inflight_of(word: u64) -> u32 {
    ((word >> INFLIGHT_SHIFT) & FIELD_MASK) as u32
}

pub(crate) const fn successes_of(word: u64) -> u32 {
    ((word >> SUCC_SHIFT) & FIELD_MASK) as u32
}

pub(crate) const fn epoch_of(word: u64) -> u32 {
    ((word >> EPOCH_SHIFT) & EPOCH_MASK) as u32
}

pub(crate) const fn next_epoch(word: u64) -> u32 {
    ((epoch_of(word) as u64 + 1) & EPOCH_MASK) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_roundtrip() {
        for s in BreakerState::ALL {
            let w = pack(s, 7, 9, 123_456);
            assert_eq!(state_of(w), s);
            assert_eq!(inflight_of(w), 7);
            assert_eq!(successes_of(w), 9);
            assert_eq!(epoch_of(w), 123_456);
            assert_eq!(inflight_of(w + ONE_INFLIGHT), 8);
        }
        let last = pack(BreakerState::Open, 0, 0, EPOCH_MASK as u32);
        assert_eq!(next_epoch(last), 0);
        assert!(is_closed(pack(BreakerState::Disabled, 0, 0, 5)));
        assert!(!is_closed(pack(BreakerState::HalfOpen, 0, 0, 5)));
    }

    #[test]
    fn serializes_snake_case() {
        let json = serde_json::to_string(&BreakerState::HalfOpen).unwrap();
        assert_eq!(json, "\"half_open\"");
        assert_eq!(
            serde_json::to_string(&BreakerState::ForcedOpen).unwrap(),
            "\"forced_open\""
        );
    }
}
