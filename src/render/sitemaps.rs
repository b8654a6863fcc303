//! Sitemaps (an index with each sitemap's lastmod, the section pages,
//! stories in blocks of 50,000 ids, Google News for the last two days) and
//! robots.txt. Withdrawn stories are in none of them: all read live stories
//! only.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::feeds::{urls, xml};
use super::{Env, Page};
use crate::domain::html::escape_xml as esc;
use crate::domain::text::datetime_rfc3339;
use crate::domain::url::{SITEMAP_BLOCK, channel_page_path};
use crate::domain::{ArticleSummary, ChannelTree, Site};

const NEWS_WINDOW_SECS: i64 = 2 * 86_400;

fn site_of<'a>(sites: &'a [Site], s: &ArticleSummary) -> Option<&'a Site> {
    sites.iter().find(|x| x.id == s.site_id)
}

/// `sitemap.xml`: the sections sitemap, one sitemap per block of story ids,
/// the news sitemap while it lists a story; each with its `lastmod`.
pub async fn sitemap_index(env: &Env, sites: &[Site]) -> anyhow::Result<Page> {
    let main = sites.iter().find(|s| s.is_main()).unwrap_or(&sites[0]);
    let u = urls(env, main);
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let blocks = env.store.sitemap_blocks().await?;
    // the section pages move with the newest story
    let newest = blocks
        .iter()
        .map(|(_, t)| *t)
        .max()
        .unwrap_or_else(|| env.now());
    let mut entry = |rel: &str, lastmod: i64| {
        let _ = writeln!(
            out,
            "<sitemap><loc>{}</loc><lastmod>{}</lastmod></sitemap>",
            esc(&u.canonical(rel)),
            datetime_rfc3339(lastmod)
        );
    };
    entry("sitemap-sections.xml", newest);
    for (n, lastmod) in &blocks {
        entry(&format!("sitemap-{n}.xml"), *lastmod);
    }
    if let Some(latest) = news(env).await?.first() {
        entry("sitemap-news.xml", latest.signed_at);
    }
    out.push_str("</sitemapindex>\n");
    Ok(xml(
        out,
        "application/xml; charset=utf-8",
        BTreeSet::from(["sitemap".to_string()]),
    ))
}

/// The stories of the news sitemap: listed kinds signed off in the last two
/// days up to now (a story an import dated ahead is not news yet), newest first.
async fn news(env: &Env) -> anyhow::Result<Vec<ArticleSummary>> {
    let now = env.now();
    Ok(env
        .store
        .live_since(now - NEWS_WINDOW_SECS, 1000)
        .await?
        .into_iter()
        .filter(|s| s.kind.listed() && s.signed_at <= now)
        .collect())
}

/// Home and channel pages of every site.
pub async fn sitemap_sections(env: &Env, sites: &[Site]) -> anyhow::Result<Page> {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for site in sites {
        let u = urls(env, site);
        let _ = writeln!(
            out,
            "<url><loc>{}</loc><changefreq>hourly</changefreq></url>",
            esc(&u.canonical(""))
        );
        for c in ChannelTree::new(env.store.channels(&site.id).await?).iter() {
            let _ = writeln!(
                out,
                "<url><loc>{}</loc><changefreq>hourly</changefreq></url>",
                esc(&u.canonical(&channel_page_path(&c.path, 1)))
            );
        }
        // each tag's and each person's page
        for facet in crate::domain::url::Facet::ALL {
            for (value, _) in env.store.facet_values(facet, &site.id).await? {
                let _ = writeln!(
                    out,
                    "<url><loc>{}</loc><changefreq>daily</changefreq></url>",
                    esc(&u.canonical(&crate::domain::url::facet_page_path(facet, &value, 1)))
                );
            }
        }
    }
    out.push_str("</urlset>\n");
    Ok(xml(
        out,
        "application/xml; charset=utf-8",
        BTreeSet::from(["sitemap".to_string()]),
    ))
}

/// Stories with ids in block `n` (`(n-1)*50000+1 ..= n*50000`); `None` when empty.
pub async fn sitemap_block(env: &Env, sites: &[Site], n: u32) -> anyhow::Result<Option<Page>> {
    let start = (i64::from(n) - 1) * SITEMAP_BLOCK;
    let rows = env.store.live_after(start, SITEMAP_BLOCK).await?;
    let rows: Vec<_> = rows
        .into_iter()
        .filter(|(s, _)| s.id <= start + SITEMAP_BLOCK)
        .collect();
    if rows.is_empty() {
        return Ok(None);
    }
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (s, updated) in &rows {
        let Some(site) = site_of(sites, s) else {
            continue;
        };
        let _ = writeln!(
            out,
            "<url><loc>{}</loc><lastmod>{}</lastmod></url>",
            esc(&urls(env, site).canonical(&s.url_path)),
            datetime_rfc3339(*updated)
        );
    }
    out.push_str("</urlset>\n");
    Ok(Some(xml(
        out,
        "application/xml; charset=utf-8",
        BTreeSet::from([format!("sitemap:{n}")]),
    )))
}

/// The Google News sitemap: stories signed off in the last two days; `None`
/// while there is none (the schema wants a `url` in every `urlset`, so no
/// empty file is published, and the index leaves it out).
pub async fn news_sitemap(env: &Env, sites: &[Site]) -> anyhow::Result<Option<Page>> {
    let rows = news(env).await?;
    if rows.is_empty() {
        return Ok(None);
    }
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
         xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n",
    );
    let publication = sites
        .iter()
        .find(|s| s.is_main())
        .map_or("", |s| s.name.as_str());
    for s in &rows {
        let Some(site) = site_of(sites, s) else {
            continue;
        };
        let _ = writeln!(
            out,
            "<url><loc>{}</loc><news:news><news:publication><news:name>{}</news:name><news:language>zh-cn</news:language>\
             </news:publication><news:publication_date>{}</news:publication_date><news:title>{}</news:title></news:news></url>",
            esc(&urls(env, site).canonical(&s.url_path)),
            esc(publication),
            datetime_rfc3339(s.signed_at),
            esc(&s.title)
        );
    }
    out.push_str("</urlset>\n");
    Ok(Some(xml(
        out,
        "application/xml; charset=utf-8",
        BTreeSet::from(["sitemap".to_string()]),
    )))
}

/// `robots.txt`: every site's search and fragments are not for crawlers
/// (nor the newsroom); the sitemap index says where the pages are.
pub fn robots(env: &Env, sites: &[Site]) -> Page {
    let mut body = String::from("User-agent: *\nDisallow: /admin/\n");
    for site in sites {
        let _ = write!(
            body,
            "Disallow: {p}search\nDisallow: {p}_inc/\n",
            p = site.prefix
        );
    }
    let _ = write!(
        body,
        "Allow: /\n\nSitemap: {}/sitemap.xml\n",
        env.public_url
    );
    // it reads the sites (whose prefixes a site change may move)
    let deps = sites.iter().map(|s| format!("site:{}", s.id)).collect();
    let mut p = Page::html(200, body, deps);
    p.content_type = "text/plain; charset=utf-8";
    p
}
