//! Application services: business logic over the clients, the store and the journal. No warp
//! types here; the HTTP layer calls these.

pub mod automation;
pub mod breaker_events;
pub mod downloads;
pub mod error;
pub mod library;
pub mod metadata;
pub mod search;
pub mod tracking;

pub use error::ServiceError;
