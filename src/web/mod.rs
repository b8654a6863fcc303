//! HTTP: the router and its handlers. Handlers never touch SQL.

pub mod auth;
pub mod handlers;
pub mod router;

pub use router::router;
