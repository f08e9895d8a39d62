//! Application services: business logic over the clients, the store and the journal. No warp
//! types here; the HTTP layer calls these.

pub mod automation;
pub mod downloads;
pub mod metadata;
pub mod removal;
pub mod search;
pub mod tracking;
