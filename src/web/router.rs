//! Every route, in one place.

use axum::Router;
use axum::routing::get;
use tower_http::trace::TraceLayer;

use super::handlers::{assets, portal};
use crate::state::AppState;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/static/{*name}", get(assets::get_asset))
        // Every other GET is a public page of some site: one render path.
        .fallback(portal::get_page)
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
