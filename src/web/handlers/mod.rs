pub mod admin;
pub mod api;
pub mod assets;
pub mod baoliao;
pub mod live;
pub mod portal;
pub mod reports;
