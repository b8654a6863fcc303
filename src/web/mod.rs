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
