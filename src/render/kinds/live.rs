//! 直播: the entries and their status (`render::live`), a
//! `LiveBlogPosting`, and the snapshot readers' polls read
//! (`live/{id}/entries.json`, a file beside the page).

use super::{Added, StoryInput, StoryPage};
use crate::domain::Article;
use crate::render::{Env, Page};

pub(super) struct LivePage;

#[async_trait::async_trait]
impl StoryPage for LivePage {
    fn template(&self) -> &'static str {
        "portal/live.html"
    }

    async fn add(&self, s: &mut StoryInput<'_>) -> anyhow::Result<Added> {
        let a = s.article;
        let planned = a.parts.live.as_ref().map_or(0, |l| l.starts_at);
        let mut view = crate::render::live::page_view(s.env, a.id, planned, s.deps).await?;
        // a county site's snapshot is under its own prefix
        view.poll = format!(
            "{}{}",
            s.site_prefix,
            crate::domain::url::live_entries_path(a.id)
        );
        let mut added = Added::default();
        added.structured.push(crate::render::live::structured(
            &view,
            &a.title,
            s.canonical,
        ));
        added.field("live", &view)?;
        Ok(added)
    }

    /// The entries snapshot (JSON): it depends on `live:ID`, so the render
    /// cache and the export rewrite it once per approved entry.
    async fn file(&self, env: &Env, a: &Article, _rel: &str) -> anyhow::Result<Option<Page>> {
        let planned = a.parts.live.as_ref().map_or(0, |l| l.starts_at);
        let json = crate::render::live::snapshot(env, a.id, planned).await?;
        let mut page = Page::html(200, json.to_string(), [format!("live:{}", a.id)].into());
        page.content_type = "application/json; charset=utf-8";
        Ok(Some(page))
    }
}
