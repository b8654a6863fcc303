//! A story's structured data: the `NewsArticle` every kind starts from,
//! the publisher with its logo, and the script element's text.

use super::ctx::Ctx;
use crate::domain::Article;
use crate::domain::text::datetime_rfc3339;
pub(super) use crate::render::script_text;

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
    // the byline; a gallery without one is its photographers' (the credits)
    let mut names: Vec<String> = a.byline.iter().map(|b| b.name.clone()).collect();
    if names.is_empty() {
        for u in a.parts.lead.iter().chain(a.parts.gallery.iter()) {
            let credit = u.credit.trim().to_string();
            if !credit.is_empty() && !names.contains(&credit) {
                names.push(credit);
            }
        }
    }
    // no empty lists: a story without pictures shows the publisher's logo,
    // or names no image at all
    let images: Vec<String> = if about.images.is_empty() {
        about.publisher["logo"]["url"]
            .as_str()
            .map(|u| vec![u.to_string()])
            .unwrap_or_default()
    } else {
        about.images.clone()
    };
    let mut ld = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": a.title,
        "datePublished": a.signed_at.map(datetime_rfc3339),
        "dateModified": a.revised_at.or(a.signed_at).map(datetime_rfc3339),
        "publisher": about.publisher,
        "mainEntityOfPage": about.canonical,
        "description": about.description,
    });
    if !names.is_empty() {
        ld["author"] = names
            .iter()
            .map(|n| serde_json::json!({"@type": "Person", "name": n}))
            .collect();
    }
    if !images.is_empty() {
        ld["image"] = serde_json::json!(images);
    }
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
/// A kind's node that is the page's main entity itself (its
/// `mainEntityOfPage` is the story's, as a 直播's `LiveBlogPosting`; a
/// gallery's `ImageGallery` only names the page as its `url`) is the story's node:
/// it takes the story's fields it lacks (dates, author, publisher, image)
/// and stands alone for the page.
pub(super) fn together(
    main: serde_json::Value,
    beside: Vec<serde_json::Value>,
) -> serde_json::Value {
    let page = main["mainEntityOfPage"].clone();
    let mut main = Some(main);
    let mut list = Vec::new();
    for mut node in beside {
        if !page.is_null() && node["mainEntityOfPage"] == page {
            if let (Some(m), Some(obj)) = (main.take(), node.as_object_mut()) {
                if let Some(fields) = m.as_object() {
                    for (k, v) in fields {
                        if k != "@type" && !obj.contains_key(k) {
                            obj.insert(k.clone(), v.clone());
                        }
                    }
                }
            }
        }
        list.push(node);
    }
    if let Some(m) = main {
        list.insert(0, m);
    }
    if list.len() == 1 {
        list.remove(0)
    } else {
        serde_json::Value::Array(list)
    }
}

/// A home page's structured data: the publishing `Organization` and the
/// `WebSite` with its site search (`SearchAction`).
pub(super) fn home(
    name: &str,
    url: &str,
    search_template: &str,
    publisher: serde_json::Value,
) -> serde_json::Value {
    let mut org = publisher;
    org["@context"] = serde_json::json!("https://schema.org");
    org["url"] = serde_json::json!(url);
    serde_json::json!([
        org,
        {
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": name,
            "url": url,
            "inLanguage": "zh-CN",
            "potentialAction": {
                "@type": "SearchAction",
                "target": {"@type": "EntryPoint", "urlTemplate": search_template},
                "query-input": "required name=search_term_string",
            },
        }
    ])
}
