//! Feeds (RSS 2.0, Atom) per site and per channel; sitemaps (an index, the
//! section pages, stories in blocks of 50,000 ids, Google News for the last two
//! days); robots.txt. Withdrawn stories are in none of them: all read live
//! stories only.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::Env;
use super::Page;
use super::chrome::SiteUrls;
use crate::domain::html::escape_xml as esc;
use crate::domain::text::{datetime_rfc3339, to_cst};
use crate::domain::url::channel_page_path;
use crate::domain::{ArticleSummary, Channel, ChannelTree, Site};

/// Stories in a feed.
const FEED_ITEMS: i64 = 30;
pub use crate::domain::url::SITEMAP_BLOCK;
const NEWS_WINDOW_SECS: i64 = 2 * 86_400;

fn xml(body: String, content_type: &'static str, deps: BTreeSet<String>) -> Page {
    let mut p = Page::html(200, body, deps);
    p.content_type = content_type;
    p
}

fn urls(env: &Env, site: &Site) -> SiteUrls {
    SiteUrls::new(site, &env.public_url, env.scheme())
}

/// RSS or Atom of a site (channel `None`) or of a channel.
pub async fn feed(
    env: &Env,
    site: &Site,
    tree: &ChannelTree,
    channel: Option<&Channel>,
    atom: bool,
) -> anyhow::Result<Page> {
    let u = urls(env, site);
    // a channel's feed reads its list; the site's feed reads the site's newest stories
    let mut deps = BTreeSet::from([format!("site:{}", site.id)]);
    let (items, title, link, self_rel) = match channel {
        Some(c) => {
            deps.insert(format!("channel:{}/{}", site.id, c.path));
            let items = env.store.channel_page(c.id, FEED_ITEMS, 0).await?;
            let chain: Vec<String> = tree.chain(&c.path).iter().map(|x| x.name.clone()).collect();
            (
                items,
                format!("{} - {}", chain.join(" - "), site.name),
                u.canonical(&channel_page_path(&c.path, 1)),
                format!("{}/{}", c.path, if atom { "atom.xml" } else { "rss.xml" }),
            )
        }
        None => {
            deps.insert(format!("feed:{}", site.id));
            let items = env.store.site_latest(&site.id, FEED_ITEMS).await?;
            (
                items,
                site.name.clone(),
                u.canonical(""),
                (if atom { "atom.xml" } else { "rss.xml" }).to_string(),
            )
        }
    };
    let updated = items.iter().map(|i| i.modified_at).max().unwrap_or(0);
    let extras = item_extras(env, &items, &mut deps).await?;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if atom {
        let _ = write!(
            out,
            "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n<title>{}</title>\n<id>{}</id>\n\
             <link rel=\"alternate\" href=\"{}\"/>\n<link rel=\"self\" href=\"{}\"/>\n<updated>{}</updated>\n",
            esc(&title),
            esc(&u.canonical(&self_rel)),
            esc(&link),
            esc(&u.canonical(&self_rel)),
            datetime_rfc3339(updated)
        );
        for (i, x) in items.iter().zip(&extras) {
            let url = u.canonical(&i.url_path);
            let enclosure = x.enclosure.as_ref().map_or(String::new(), |(href, len)| {
                format!(
                    "<link rel=\"enclosure\" type=\"image/jpeg\" length=\"{len}\" href=\"{}\"/>\n",
                    esc(&format!("{}{href}", u.origin()))
                )
            });
            let _ = write!(
                out,
                "<entry>\n<title>{}</title>\n<id>{}</id>\n<link rel=\"alternate\" href=\"{}\"/>\n{enclosure}<updated>{}</updated>\n\
                 <author><name>{}</name></author>\n<summary>{}</summary>\n</entry>\n",
                esc(&feed_title(i)),
                esc(&url),
                esc(&url),
                datetime_rfc3339(i.modified_at),
                esc(&site.name),
                esc(&x.description)
            );
        }
        out.push_str("</feed>\n");
        Ok(xml(out, "application/atom+xml; charset=utf-8", deps))
    } else {
        let _ = write!(
            out,
            "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n<title>{}</title>\n<link>{}</link>\n\
             <description>{}</description>\n<language>zh-CN</language>\n<atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>\n",
            esc(&title),
            esc(&link),
            esc(&title),
            esc(&u.canonical(&self_rel))
        );
        if updated > 0 {
            let _ = writeln!(
                out,
                "<lastBuildDate>{}</lastBuildDate>",
                to_cst(updated).to_rfc2822()
            );
        }
        for (i, x) in items.iter().zip(&extras) {
            let url = u.canonical(&i.url_path);
            let enclosure = x.enclosure.as_ref().map_or(String::new(), |(href, len)| {
                format!(
                    "<enclosure url=\"{}\" length=\"{len}\" type=\"image/jpeg\"/>\n",
                    esc(&format!("{}{href}", u.origin()))
                )
            });
            let _ = write!(
                out,
                "<item>\n<title>{}</title>\n<link>{}</link>\n<guid isPermaLink=\"true\">{}</guid>\n<pubDate>{}</pubDate>\n<description>{}</description>\n{enclosure}</item>\n",
                esc(&feed_title(i)),
                esc(&url),
                esc(&url),
                to_cst(i.signed_at).to_rfc2822(),
                esc(&x.description)
            );
        }
        out.push_str("</channel>\n</rss>\n");
        Ok(xml(out, "application/rss+xml; charset=utf-8", deps))
    }
}

/// What a feed item says beyond the list line: its description (the
/// summary, else the start of the body) and its cover picture's JPEG.
struct Extras {
    description: String,
    enclosure: Option<(String, u64)>,
}

/// Characters of body text a description takes when there is no summary.
const DESCRIPTION_CHARS: usize = 200;

async fn item_extras(
    env: &Env,
    items: &[ArticleSummary],
    deps: &mut BTreeSet<String>,
) -> anyhow::Result<Vec<Extras>> {
    // the body is read only for stories without a summary; each listed
    // story's text is then a dependency of the feed
    let bare: Vec<i64> = items
        .iter()
        .filter(|i| i.summary.trim().is_empty())
        .map(|i| i.id)
        .collect();
    let bodies: std::collections::HashMap<i64, String> = if bare.is_empty() {
        Default::default()
    } else {
        env.store
            .articles_by_ids(&bare)
            .await?
            .into_iter()
            .map(|a| {
                (
                    a.id,
                    crate::domain::html::html_excerpt(&a.body_html, DESCRIPTION_CHARS),
                )
            })
            .collect()
    };
    for id in &bare {
        deps.insert(format!("story:{id}"));
    }
    let covers: Vec<i64> = items.iter().filter_map(|i| i.cover).collect();
    let pictures = env.cache.pictures(env.store.as_ref(), &covers).await?;
    for id in pictures.keys() {
        deps.insert(format!("image:{id}"));
    }
    Ok(items
        .iter()
        .map(|i| Extras {
            description: {
                let text = if i.summary.trim().is_empty() {
                    bodies.get(&i.id).cloned().unwrap_or_default()
                } else {
                    i.summary.clone()
                };
                match i.ai.label() {
                    "" => text,
                    label => format!("【{label}】{text}"),
                }
            },
            enclosure: i
                .cover
                .and_then(|c| pictures.get(&c))
                .and_then(|p| p.enclosure()),
        })
        .collect())
}

/// An item's title in a feed: with its explicit AI label (显式标识), so a
/// reader of the feed sees it as on the page.
fn feed_title(i: &ArticleSummary) -> String {
    match i.ai.label() {
        "" => i.title.clone(),
        label => format!("{}【{label}】", i.title),
    }
}

fn site_of<'a>(sites: &'a [Site], s: &ArticleSummary) -> Option<&'a Site> {
    sites.iter().find(|x| x.id == s.site_id)
}

/// `sitemap.xml`: the sections sitemap, one sitemap per block of story ids, the news sitemap.
pub async fn sitemap_index(env: &Env, sites: &[Site]) -> anyhow::Result<Page> {
    let main = sites.iter().find(|s| s.is_main()).unwrap_or(&sites[0]);
    let u = urls(env, main);
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let _ = writeln!(
        out,
        "<sitemap><loc>{}</loc></sitemap>",
        esc(&u.canonical("sitemap-sections.xml"))
    );
    // one file per block of ids that holds any live story (keyset: no deep OFFSET)
    let mut after = 0;
    while let Some((first, _)) = env.store.live_after(after, 1).await?.into_iter().next() {
        let n = crate::domain::url::sitemap_block_of(first.id);
        let _ = writeln!(
            out,
            "<sitemap><loc>{}</loc></sitemap>",
            esc(&u.canonical(&format!("sitemap-{n}.xml")))
        );
        after = n * SITEMAP_BLOCK;
    }
    let _ = writeln!(
        out,
        "<sitemap><loc>{}</loc></sitemap>",
        esc(&u.canonical("sitemap-news.xml"))
    );
    out.push_str("</sitemapindex>\n");
    Ok(xml(
        out,
        "application/xml; charset=utf-8",
        BTreeSet::from(["sitemap".to_string()]),
    ))
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

/// The Google News sitemap: stories signed off in the last two days.
pub async fn news_sitemap(env: &Env, sites: &[Site]) -> anyhow::Result<Page> {
    let now = env.now();
    let since = now - NEWS_WINDOW_SECS;
    let rows = env.store.live_since(since, 1000).await?;
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
         xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n",
    );
    let publication = sites
        .iter()
        .find(|s| s.is_main())
        .map_or("", |s| s.name.as_str());
    // the last two days up to now: a story an import dated ahead is not news yet
    for s in rows
        .iter()
        .filter(|s| s.kind.listed() && s.signed_at <= now)
    {
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
    Ok(xml(
        out,
        "application/xml; charset=utf-8",
        BTreeSet::from(["sitemap".to_string()]),
    ))
}

pub fn robots(env: &Env) -> Page {
    let body = format!(
        "User-agent: *\nDisallow: /admin/\nDisallow: /search\nDisallow: /_inc/\nAllow: /\n\nSitemap: {}/sitemap.xml\n",
        env.public_url
    );
    // it reads nothing but the configuration
    let mut p = Page::html(200, body, BTreeSet::new());
    p.content_type = "text/plain; charset=utf-8";
    p
}
