//! Unit tests of the breaker, one file per topic: every transition, the features around the
//! state machine, races on the half-open slots, and a property test against a model.

mod adaptive;
mod adaptive_sim;
mod concurrency;
mod features;
mod model;
mod transitions;
