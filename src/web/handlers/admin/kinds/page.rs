//! 单页: its address name (`about` for `/about/`), checked against the
//! site's channels and other pages, and fixed once the page has been
//! published.

use super::{EditorPanel, Fields, Saving};
use crate::domain::draft::Draft;
use crate::domain::kind::Parts;
use crate::domain::page::PagePart;
use crate::domain::user::User;
use crate::newsroom::Story;
use crate::state::AppState;
use crate::web::error::AppError;

pub(super) struct PagePanel;

#[async_trait::async_trait]
impl EditorPanel for PagePanel {
    fn template(&self) -> Option<&'static str> {
        Some("admin/kinds/page.html")
    }

    fn parse(&self, f: &Fields, parts: &mut Parts) -> Result<(), String> {
        parts.page = match f.get("page_slug").trim() {
            "" => None,
            s => Some(PagePart {
                slug: s.to_ascii_lowercase(),
            }),
        };
        Ok(())
    }

    /// The address is well formed, free on its site, and unchanged since
    /// the page's first publication.
    async fn check(&self, s: &Saving<'_>, draft: &mut Draft) -> Result<(), AppError> {
        let (state, site_id) = (s.state, s.site_id);
        let story_id = s.story.map(|s| s.state.article.id);
        let current = s.story.and_then(|s| s.state.article.url_path.as_deref());
        let Some(slug) = draft.parts.page.as_ref().map(|p| p.slug.as_str()) else {
            return Ok(());
        };
        crate::domain::page::valid_slug(slug).map_err(AppError::BadRequest)?;
        let rel = crate::domain::page::page_path(slug);
        if let Some(cur) = current {
            if cur != rel {
                return Err(AppError::BadRequest(format!(
                    "单页已发布,网址 /{cur} 不能再改(读者和搜索引擎记住的地址不会变)"
                )));
            }
        }
        let channels = state.store.channels(site_id).await?;
        if channels
            .iter()
            .any(|c| c.path == slug || c.path.starts_with(&format!("{slug}/")))
        {
            return Err(AppError::BadRequest(format!(
                "单页网址“{slug}”与本站的栏目地址相同,请换一个"
            )));
        }
        if let Some(other) = state.store.page_at(site_id, &rel).await? {
            if Some(other) != story_id {
                return Err(AppError::Conflict(format!(
                    "本站已有网址为 /{rel} 的单页(稿件 {other}),请换一个网址"
                )));
            }
        }
        Ok(())
    }

    async fn context(
        &self,
        _state: &AppState,
        _user: &User,
        story: Option<&Story>,
        _d: &Draft,
    ) -> Result<minijinja::Value, AppError> {
        // a published page keeps its address
        let fixed = story.is_some_and(|s| {
            s.state.article.parts.page.is_some() && s.state.article.url_path.is_some()
        });
        Ok(minijinja::context! { fixed })
    }
}
