//! The Radarr-compatible `/api/v3` surface.

mod health;

use crate::app::AppState;
use std::sync::Arc;
use warp::{Filter, Rejection};

pub fn routes(
    state: Arc<AppState>,
) -> impl Filter<Extract = (warp::reply::Response,), Error = Rejection> + Clone {
    health::routes(state)
}
