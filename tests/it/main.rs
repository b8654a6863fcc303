//! The one integration-test binary: the real router on fresh temporary databases.

mod util;

mod aborted_writes;
mod aigc;
mod architecture;
mod cache;
mod conformance;
mod curation;
mod editor;
mod export;
mod external;
mod feeds;
mod hostile_clients;
mod import;
mod kinds;
mod live;
mod newsroom;
mod newsroom_flow;
mod one_path;
mod overload;
mod pictures;
mod portal_details;
mod portal_pages;
mod portal_routing;
mod readiness;
mod record;
mod reports;
mod review_says_why;
mod search;
mod seed_page;
mod side_doors;
mod site_pages;
mod startup;
mod stats;
mod story_list;
mod topics;
