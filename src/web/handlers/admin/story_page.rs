//! The editor's site page (单页) field: its address name (`about` for
//! `/about/`), checked against the site's channels and other pages, and
//! fixed once the page has been published.

use crate::domain::draft::Draft;
use crate::domain::kind::Kind;
use crate::state::AppState;
use crate::web::error::AppError;

/// A 单页's address is well formed, free on its site, and unchanged since
/// its first publication (`current`: the story's URL path, if it has one).
pub(super) async fn check_page(
    state: &AppState,
    site_id: &str,
    story_id: Option<i64>,
    current: Option<&str>,
    draft: &Draft,
) -> Result<(), AppError> {
    if draft.kind != Kind::Page {
        return Ok(());
    }
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
