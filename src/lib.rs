//! Gazette: the newsroom back office and the public portal of a city media
//! group, in one binary. See ARCHITECTURE.md for the map.

pub mod accounts;
pub mod api_keys;
pub mod cli;
pub mod clock;
pub mod cmd;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod export;
pub mod follow;
pub mod health;
pub mod import;
pub mod jobs;
pub mod live;
pub mod media;
pub mod newsroom;
pub mod planning;
pub mod reach;
pub mod render;
pub mod search;
pub mod state;
pub mod token;
pub mod web;
pub mod work;
