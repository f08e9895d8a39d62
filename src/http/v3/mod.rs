//! The Radarr-compatible `/api/v3` surface.

mod blocklist;
mod calendar;
mod command;
mod config_naming;
mod customformat;
mod diskspace;
mod editor;
mod exclusions;
mod health;
mod history;
mod log;
mod lookup;
pub mod movie_resource;
mod moviefile;
mod movies;
pub mod paging;
pub mod params;
mod parse;
pub mod provider_resource;
mod providers;
mod qualitydefinition;
mod queue;
mod queue_remove;
mod release;
mod settings;
mod system;
mod wanted;

use crate::state::AppState;
use std::sync::Arc;
use warp::filters::BoxedFilter;
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
        .or(log::routes(state.clone()).boxed())
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
        .or(movies::routes(state.clone()).boxed())
        .unify()
        // Boxed in two groups: one chain of every route is too deep a type for the compiler.
        .boxed()
        .or(cleanup_routes(state))
        .unify()
}

/// The cleanup endpoints the mobile apps and unpackerr use: queue removal, blocklist, movie
/// files, the movie editor.
fn cleanup_routes(state: Arc<AppState>) -> BoxedFilter<(warp::reply::Response,)> {
    queue_remove::routes(state.clone())
        .or(blocklist::routes(state.clone()))
        .unify()
        .or(moviefile::routes(state.clone()))
        .unify()
        .or(editor::routes(state))
        .unify()
        .boxed()
}
