pub mod agent;
pub mod backend;
pub mod html;
pub mod test_app;
pub mod upload;
pub mod webdriver;

pub use test_app::{TestApp, TestResponse};
