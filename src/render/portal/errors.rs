//! Error pages with the site's chrome: 404 and 410.

use serde::Serialize;

use super::ctx::{Base, Ctx};
use crate::render::Page;

#[derive(Serialize)]
struct ErrorCtx {
    #[serde(flatten)]
    base: Base,
    heading: &'static str,
    message: String,
}

/// A styled error page with the site's chrome.
pub(super) fn error_page(
    ctx: Ctx<'_>,
    status: u16,
    heading: &'static str,
    message: &str,
) -> anyhow::Result<Page> {
    let site_title = ctx.chrome(None).site_title;
    let base = ctx.base(
        format!("{heading} - {site_title}"),
        heading.to_string(),
        None,
        None,
    );
    ctx.finish(
        status,
        "error.html",
        ErrorCtx {
            base,
            heading,
            message: message.to_string(),
        },
    )
}

pub(super) fn not_found(ctx: Ctx<'_>) -> anyhow::Result<Page> {
    error_page(
        ctx,
        404,
        "页面不存在",
        "您访问的页面不存在或已被删除,请检查网址是否正确。",
    )
}

pub(super) fn gone(ctx: Ctx<'_>) -> anyhow::Result<Page> {
    error_page(
        ctx,
        410,
        "稿件已撤回",
        "该稿件已被撤回(撤稿),不再提供浏览。",
    )
}
