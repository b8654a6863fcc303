//! What each story kind adds to its public page (DESIGN.md §9): its template,
//! the fields that template reads, its structured data beside the story's
//! own, its share card's video, the files it publishes beside the page.
//! The story shell (`render::portal::story`) is the same for every kind and
//! never names one; it asks [`of`] for the kind's module.

mod gallery;
mod live;
mod page;
mod text;
mod topic;
mod video;

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use crate::domain::Article;
use crate::domain::kind::Kind;
use crate::domain::picture::Picture;
use crate::render::{Env, Page};

/// The page module of `kind`: the one place a kind is registered in rendering.
pub(crate) fn of(kind: Kind) -> &'static dyn StoryPage {
    match kind {
        Kind::Text => &text::Text,
        Kind::Gallery => &gallery::Gallery,
        Kind::Video => &video::VideoPage,
        Kind::Live => &live::LivePage,
        Kind::Page => &page::SitePage,
        Kind::Topic => &topic::TopicPage,
    }
}

/// What a kind's page is made from, beyond the shell's own.
pub(crate) struct StoryInput<'a> {
    pub env: &'a Env,
    pub article: &'a Article,
    /// The library pictures of the story's parts (题图, gallery), by id.
    pub pictures: &'a HashMap<i64, Arc<Picture>>,
    /// The site's prefix (`/`, `/bincheng/`).
    pub site_prefix: &'a str,
    /// Absolute URLs start with this (`https://www.example.cn`).
    pub origin: &'a str,
    pub canonical: &'a str,
    pub description: &'a str,
    /// The page's dependency keys: a kind adds what it reads.
    pub deps: &'a mut BTreeSet<String>,
}

impl StoryInput<'_> {
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    /// The 题图 as the library holds it (a video's poster).
    pub fn lead(&self) -> Option<&Arc<Picture>> {
        let id = self.article.parts.lead.as_ref()?.image_id;
        self.pictures.get(&id)
    }
}

/// What a kind adds to the shell.
#[derive(Default)]
pub(crate) struct Added {
    /// Fields the kind's template reads under `a.` (`a.gallery`, `a.video`).
    pub fields: serde_json::Map<String, serde_json::Value>,
    /// Structured data beside the story's own (`ImageGallery`, `VideoObject`).
    pub structured: Vec<serde_json::Value>,
    /// The share card's video: absolute MP4 URL, width, height.
    pub og_video: Option<(String, u32, u32)>,
}

impl Added {
    fn field(&mut self, name: &str, value: impl serde::Serialize) -> anyhow::Result<()> {
        self.fields
            .insert(name.to_string(), serde_json::to_value(value)?);
        Ok(())
    }
}

#[async_trait::async_trait]
pub(crate) trait StoryPage: Send + Sync {
    /// The page template (`templates/portal/...`), which extends the shell's
    /// `portal/article.html`.
    fn template(&self) -> &'static str;

    /// What the kind adds to its page.
    async fn add(&self, _input: &mut StoryInput<'_>) -> anyhow::Result<Added> {
        Ok(Added::default())
    }

    /// The story's own structured data as this kind states it: a
    /// `NewsArticle` (the shell's), unless the kind is something else.
    fn main_structured(&self, news_article: serde_json::Value) -> serde_json::Value {
        news_article
    }

    /// A file the story publishes beside its page (one of
    /// `KindSpec::public_files`), rendered.
    async fn file(
        &self,
        _env: &Env,
        _article: &Article,
        _rel: &str,
    ) -> anyhow::Result<Option<Page>> {
        Ok(None)
    }
}
