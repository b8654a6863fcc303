//! The tests that need a program outside Rust: a browser (Chromium and
//! chromedriver), the Nu Html Checker (Java), Lighthouse (Node), a
//! PostgreSQL server, ffmpeg, an S3-compatible server (moto), a tmpfs mount
//! (root). `cargo test -- --skip external::` is the fast lane without them;
//! CI runs everything. Each says NOT RUN when its program is absent, and
//! fails under CI.

mod aigc_video;
mod api;
mod browser;
mod disk_full;
mod html_validity;
mod lighthouse;
mod multinode;
mod nginx;
mod planning_browser;
mod postgres;
mod s3;
mod structured_data;
mod varnish;
pub(crate) mod video;
