pub mod agent;
pub mod backend;
pub mod desk;
pub mod form;
pub mod html;
pub mod jobs;
pub mod test_app;
pub mod upload;
pub mod wait;
pub mod webdriver;

pub use test_app::{TestApp, TestResponse};
