//! The Radarr-compatible `/api/v3` surface.

mod calendar;
mod command;
mod diskspace;
mod exclusions;
mod health;
mod history;
mod lookup;
pub mod movie_resource;
mod movies;
pub mod paging;
pub mod params;
mod parse;
pub mod provider_resource;
mod providers;
mod queue;
mod release;
mod settings;
mod system;
mod wanted;

use crate::state::AppState;
use std::sync::Arc;
use warp::{Filter, Rejection};

pub fn routes(
    state: Arc<AppState>,
) -> impl Filter<Extract = (warp::reply::Response,), Error = Rejection> + Clone {
    health::routes(state.clone())
        .or(parse::routes(state.clone()))
        .unify()
        .or(system::routes(state.clone()))
        .unify()
        .or(lookup::routes(state.clone()))
        .unify()
        .or(queue::routes(state.clone()))
        .unify()
        .or(settings::routes(state.clone()))
        .unify()
        .or(history::routes(state.clone()))
        .unify()
        .or(wanted::routes(state.clone()))
        .unify()
        .or(calendar::routes(state.clone()))
        .unify()
        .or(diskspace::routes(state.clone()))
        .unify()
        .or(exclusions::routes(state.clone()))
        .unify()
        .or(command::routes(state.clone()))
        .unify()
        .or(release::routes(state.clone()))
        .unify()
        .or(providers::routes(state.clone()))
        .unify()
        .or(movies::routes(state))
        .unify()
}
