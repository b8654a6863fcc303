//! The content model: sites, channels, articles, URLs and text rules. No I/O here.

pub mod ai;
pub mod api;
pub mod article;
pub mod channel;
pub mod diff;
pub mod draft;
pub mod html;
pub mod job;
pub mod kind;
pub mod live;
pub mod media_key;
pub mod page;
pub mod picture;
pub mod planning;
pub mod rank;
pub mod reach;
pub mod record;
pub mod report;
pub mod screening;
pub mod site;
pub mod slot;
pub mod stats;
pub mod surrogate;
pub mod text;
pub mod topic;
pub mod url;
pub mod user;
pub mod video;
pub mod workflow;

pub use article::{Article, ArticleSummary, Byline, Reprint, Status};
pub use channel::{Channel, ChannelTree};
pub use site::{BlockSource, Link, Site, SiteSettings};
