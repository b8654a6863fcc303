//! The one integration-test binary: the real router on fresh temporary databases.

mod util;

mod html_validity;
mod portal_pages;
mod portal_routing;
mod seed_page;
mod startup;
