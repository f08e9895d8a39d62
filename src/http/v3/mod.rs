//! The Radarr-compatible `/api/v3` surface.

mod blocklist;
mod calendar;
mod command;
mod diskspace;
mod editor;
mod exclusions;
mod health;
mod history;
mod lookup;
pub mod movie_resource;
mod moviefile;
mod movies;
pub mod paging;
pub mod params;
mod parse;
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
        .or(movies::routes(state.clone()))
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
