//! The Radarr-compatible `/api/v3` surface.

mod calendar;
mod command;
mod config_naming;
mod customformat;
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
mod qualitydefinition;
mod queue;
mod release;
mod settings;
mod system;
mod wanted;

use crate::state::AppState;
use std::sync::Arc;
use warp::{Filter, Rejection};

/// Every `/api/v3` route. Each module's group is boxed (one static type per group), which keeps
/// the router's type shallow enough to compile as the API grows.
pub fn routes(
    state: Arc<AppState>,
) -> impl Filter<Extract = (warp::reply::Response,), Error = Rejection> + Clone {
    health::routes(state.clone())
        .boxed()
        .or(parse::routes(state.clone()).boxed())
        .unify()
        .or(system::routes(state.clone()).boxed())
        .unify()
        .or(lookup::routes(state.clone()).boxed())
        .unify()
        .or(queue::routes(state.clone()).boxed())
        .unify()
        .or(settings::routes(state.clone()).boxed())
        .unify()
        .or(history::routes(state.clone()).boxed())
        .unify()
        .or(wanted::routes(state.clone()).boxed())
        .unify()
        .or(calendar::routes(state.clone()).boxed())
        .unify()
        .or(diskspace::routes(state.clone()).boxed())
        .unify()
        .or(exclusions::routes(state.clone()).boxed())
        .unify()
        .or(command::routes(state.clone()).boxed())
        .unify()
        .or(release::routes(state.clone()).boxed())
        .unify()
        .or(qualitydefinition::routes(state.clone()).boxed())
        .unify()
        .or(customformat::routes(state.clone()).boxed())
        .unify()
        .or(config_naming::routes(state.clone()).boxed())
        .unify()
        .or(providers::routes(state.clone()).boxed())
        .unify()
        .or(movies::routes(state).boxed())
        .unify()
}
