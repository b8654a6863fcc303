//! 单页: the organisation's statement, so a `WebPage`, not news.

use super::StoryPage;

pub(super) struct SitePage;

impl StoryPage for SitePage {
    fn template(&self) -> &'static str {
        "portal/page.html"
    }

    fn main_structured(&self, ld: serde_json::Value) -> serde_json::Value {
        serde_json::json!({
            "@context": "https://schema.org",
            "@type": "WebPage",
            "name": ld["headline"],
            "url": ld["mainEntityOfPage"],
            "dateModified": ld["dateModified"],
            "publisher": ld["publisher"],
            "description": ld["description"],
        })
    }
}
