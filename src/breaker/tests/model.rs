//! Property test: the breaker against a tiny, obviously-correct model of the seed rules
//! (consecutive-failure threshold, recovery timeout, one half-open trial, success threshold).

use std::sync::Arc;
use std::time::Duration;

use proptest::prelude::*;

use crate::breaker::*;

#[derive(Clone, Debug)]
enum Op {
    Success,
    Failure,
    Ignored,
    Advance(u64),
    Config {
        threshold: u32,
        timeout_s: u64,
        successes: u32,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => Just(Op::Success),
        5 => Just(Op::Failure),
        1 => Just(Op::Ignored),
        2 => (0u64..4_000).prop_map(Op::Advance),
        // whole seconds, so the clock often lands exactly on a recovery deadline
        2 => (0u64..4).prop_map(|s| Op::Advance(s * 1000)),
        1 => (1u32..5, 1u64..5, 1u32..4).prop_map(|(threshold, timeout_s, successes)| Op::Config {
            threshold,
            timeout_s,
            successes,
        }),
    ]
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum MState {
    Closed,
    Open { since_ms: u64 },
    HalfOpen { successes: u32 },
}

#[derive(Debug)]
struct Model {
    state: MState,
    consecutive: u64,
    now_ms: u64,
    threshold: u32,
    timeout_ms: u64,
    successes_needed: u32,
}

impl Model {
    /// Returns whether a call is admitted, moving Open -> HalfOpen lazily like the breaker.
    fn admit(&mut self) -> bool {
        if let MState::Open { since_ms } = self.state {
            if self.now_ms >= since_ms + self.timeout_ms {
                self.state = MState::HalfOpen { successes: 0 };
            }
        }
        !matches!(self.state, MState::Open { .. })
    }

    fn record(&mut self, op: &Op) {
        let open = MState::Open {
            since_ms: self.now_ms,
        };
        match (self.state, op) {
            (_, Op::Ignored) => {}
            (MState::Closed, Op::Success) => self.consecutive = 0,
            (MState::Closed, Op::Failure) => {
                self.consecutive += 1;
                if self.consecutive >= u64::from(self.threshold) {
                    self.state = open;
                }
            }
            (MState::HalfOpen { successes }, Op::Success) => {
                self.consecutive = 0;
                self.state = if successes + 1 >= self.successes_needed {
                    MState::Closed
                } else {
                    MState::HalfOpen {
                        successes: successes + 1,
                    }
                };
            }
            (MState::HalfOpen { .. }, Op::Failure) => {
                self.consecutive += 1;
                self.state = open;
            }
            _ => unreachable!("only admitted calls are recorded"),
        }
    }

    fn state(&self) -> BreakerState {
        match self.state {
            MState::Closed => BreakerState::Closed,
            MState::Open { .. } => BreakerState::Open,
            MState::HalfOpen { .. } => BreakerState::HalfOpen,
        }
    }
}

fn config(threshold: u32, timeout_s: u64, successes: u32) -> BreakerConfig {
    BreakerConfig {
        success_threshold: successes,
        ..BreakerConfig::with_defaults(threshold, timeout_s)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn breaker_matches_reference_model(
        (threshold, timeout_s, successes) in (1u32..5, 1u64..5, 1u32..4),
        ops in proptest::collection::vec(op(), 1..80),
    ) {
        let clock = Arc::new(ManualClock::new());
        let breaker = CircuitBreaker::new("model", config(threshold, timeout_s, successes), clock.clone());
        let mut model = Model {
            state: MState::Closed,
            consecutive: 0,
            now_ms: 0,
            threshold,
            timeout_ms: timeout_s * 1000,
            successes_needed: successes,
        };
        for (step, op) in ops.iter().enumerate() {
            match op {
                Op::Advance(ms) => {
                    clock.advance(Duration::from_millis(*ms));
                    model.now_ms += ms;
                }
                Op::Config { threshold, timeout_s, successes } => {
                    breaker.update_config(config(*threshold, *timeout_s, *successes)).unwrap();
                    model.threshold = *threshold;
                    model.timeout_ms = timeout_s * 1000;
                    model.successes_needed = *successes;
                }
                Op::Success | Op::Failure | Op::Ignored => {
                    let admitted = breaker.try_acquire();
                    prop_assert_eq!(admitted.is_ok(), model.admit(), "admission at step {} ({:?})", step, op);
                    if let Ok(permit) = admitted {
                        match op {
                            Op::Success => permit.success(Duration::from_millis(3)),
                            Op::Failure => permit.failure(Duration::from_millis(3), FailureKind::ServerError),
                            _ => permit.ignored(),
                        }
                        model.record(op);
                    }
                }
            }
            let snap = breaker.snapshot();
            prop_assert_eq!(snap.state, model.state(), "state after step {} ({:?})", step, op);
            prop_assert_eq!(snap.failure_count, model.consecutive, "consecutive failures after step {}", step);
        }
    }
}
