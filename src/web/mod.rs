//! HTTP: the router and its handlers. Handlers never touch SQL.

pub mod auth;
pub mod client;
pub mod connections;
pub mod detach;
pub mod error;
pub mod guard;
pub mod handlers;
pub mod router;
pub mod server;

pub use router::router;

use crate::state::AppState;

/// What `gazette serve` serves: the router, with the render cache's hits
/// answered before it.
pub fn app(state: AppState) -> server::App {
    server::App::new(router(state.clone()), state)
}

/// A page the render cache holds, answered as the router would
/// (`handlers::portal::cached_hit`), for the accept loop.
pub(crate) async fn cached_hit<B>(
    state: &AppState,
    req: &axum::http::Request<B>,
) -> Option<axum::response::Response> {
    handlers::portal::cached_hit(state, req).await
}
