//! The one integration-test binary: the real router on fresh temporary databases.

mod util;

mod aborted_writes;
mod aigc;
mod architecture;
mod browser;
mod cache;
mod conformance;
mod curation;
mod disk_full;
mod editor;
mod export;
mod feeds;
mod hostile_clients;
mod html_validity;
mod import;
mod lighthouse;
mod live;
mod media;
mod multinode;
mod newsroom;
mod newsroom_flow;
mod one_path;
mod pictures;
mod portal_pages;
mod portal_routing;
mod readiness;
mod record;
mod reports;
mod search;
mod seed_page;
mod site_pages;
mod startup;
mod stats;
mod story_list;
mod video;
