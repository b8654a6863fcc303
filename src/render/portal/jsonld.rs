//! A story's structured data: the `NewsArticle` every kind starts from,
//! the publisher with its logo, and the script element's text.

use super::ctx::Ctx;
use crate::domain::Article;
use crate::domain::text::datetime_rfc3339;

/// What the `NewsArticle` says beside the story's own fields.
pub(super) struct About<'a> {
    pub canonical: &'a str,
    pub description: &'a str,
    /// Absolute URLs of the cover in each ratio.
    pub images: Vec<String>,
    pub publisher: serde_json::Value,
}

/// The `NewsArticle` of `a`, with its AI declaration's source type.
pub(super) fn news_article(a: &Article, about: About<'_>) -> serde_json::Value {
    let mut ld = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.title,
        "datePublished": a.signed_at.map(datetime_rfc3339),
        "dateModified": a.revised_at.or(a.signed_at).map(datetime_rfc3339),
        "author": a.byline.iter().map(|b| serde_json::json!({"@type": "Person", "name": b.name})).collect::<Vec<_>>(),
        "publisher": about.publisher,
        "mainEntityOfPage": about.canonical,
        "description": about.description,
        "image": about.images,
    });
    if let Some(t) = a.ai.digital_source_type() {
        ld["digitalSourceType"] = serde_json::json!(t);
    }
    ld
}

/// The publisher: the main site's organisation, with its logo picture (its
/// original, with its size) if one is set.
pub(super) async fn publisher(
    ctx: &mut Ctx<'_>,
    origin: &str,
) -> anyhow::Result<serde_json::Value> {
    let main = ctx.sites.iter().find(|s| s.is_main()).unwrap_or(ctx.site);
    let name = main.organisation().to_string();
    let logo = match main.settings.logo_image {
        Some(id) => ctx
            .pictures(&[id])
            .await?
            .get(&id)
            .map(|p| (p.url(), p.width, p.height)),
        None => None,
    };
    Ok(match logo {
        Some((url, w, h)) => serde_json::json!({"@type": "Organization", "name": name,
            "logo": {"@type": "ImageObject", "url": format!("{origin}{url}"), "width": w, "height": h}}),
        None => serde_json::json!({"@type": "Organization", "name": name}),
    })
}

/// The story's own node and the kind's beside it: one object, or a list.
pub(super) fn together(
    main: serde_json::Value,
    beside: Vec<serde_json::Value>,
) -> serde_json::Value {
    if beside.is_empty() {
        return main;
    }
    let mut list = vec![main];
    list.extend(beside);
    serde_json::Value::Array(list)
}

/// The text of a `<script type="application/ld+json">`: `<` never appears
/// raw, so no text can close the script element.
pub(super) fn script_text(ld: &serde_json::Value) -> String {
    ld.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}
