//! Store tests that span its modules: the behavioural suite every backend runs, and checks
//! that compare the two backends with each other.

pub(crate) mod conformance;
mod ordering;
