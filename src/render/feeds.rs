//! Feeds (RSS 2.0, Atom) per site, per channel and per 专题 (`list_feed`).
//! Withdrawn stories are in none of them: all read live stories only. The
//! sitemaps and robots.txt are `render::sitemaps`.

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

pub(super) fn xml(body: String, content_type: &'static str, deps: BTreeSet<String>) -> Page {
    let mut p = Page::html(200, body, deps);
    p.content_type = content_type;
    p
}

pub(super) fn urls(env: &Env, site: &Site) -> SiteUrls {
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
    let (items, of, dep) = match channel {
        Some(c) => {
            let items = env.store.channel_page(c.id, FEED_ITEMS, 0).await?;
            let chain: Vec<String> = tree.chain(&c.path).iter().map(|x| x.name.clone()).collect();
            (
                items,
                FeedOf {
                    title: format!("{} - {}", chain.join(" - "), site.name),
                    link: u.canonical(&channel_page_path(&c.path, 1)),
                    self_rel: format!("{}/{}", c.path, if atom { "atom.xml" } else { "rss.xml" }),
                    full_text: !c.feed_summary,
                },
                format!("channel:{}/{}", site.id, c.path),
            )
        }
        None => (
            env.store.site_latest(&site.id, FEED_ITEMS).await?,
            FeedOf {
                title: site.name.clone(),
                link: u.canonical(""),
                self_rel: (if atom { "atom.xml" } else { "rss.xml" }).to_string(),
                full_text: true,
            },
            format!("feed:{}", site.id),
        ),
    };
    let mut page = list_feed(env, site, of, items, atom).await?;
    page.deps.insert(dep);
    Ok(page)
}

/// What a feed is of: its title, the page it stands for, its own
/// site-relative path, whether its items carry their full text.
pub struct FeedOf {
    pub title: String,
    pub link: String,
    pub self_rel: String,
    pub full_text: bool,
}

/// The RSS or Atom feed of `items` (newest first) of `site`.
pub async fn list_feed(
    env: &Env,
    site: &Site,
    of: FeedOf,
    items: Vec<ArticleSummary>,
    atom: bool,
) -> anyhow::Result<Page> {
    let u = urls(env, site);
    let mut deps = BTreeSet::from([format!("site:{}", site.id)]);
    let FeedOf {
        title,
        link,
        self_rel,
        full_text,
    } = of;
    // an empty feed is as new as its rendering (never 1970)
    let updated = items
        .iter()
        .map(|i| i.modified_at)
        .max()
        .unwrap_or_else(|| env.now());
    let extras = item_extras(env, &items, full_text, u.origin(), &mut deps).await?;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if atom {
        let _ = write!(
            out,
            "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n<title>{}</title>\n<id>{}</id>\n\
             <link rel=\"alternate\" href=\"{}\"/>\n<link rel=\"self\" href=\"{}\"/>\n<updated>{}</updated>\n\
             <author><name>{}</name></author>\n",
            esc(&title),
            esc(&u.canonical(&self_rel)),
            esc(&link),
            esc(&u.canonical(&self_rel)),
            datetime_rfc3339(updated),
            esc(&site.name),
        );
        for (i, x) in items.iter().zip(&extras) {
            let url = u.canonical(&i.url_path);
            let enclosure = x
                .enclosure
                .as_ref()
                .map_or(String::new(), |(href, len, mime)| {
                    format!(
                        "<link rel=\"enclosure\" type=\"{mime}\" length=\"{len}\" href=\"{}\"/>\n",
                        esc(&format!("{}{href}", u.origin()))
                    )
                });
            let author = if x.author.is_empty() {
                &site.name
            } else {
                &x.author
            };
            let content = if x.content.is_empty() {
                String::new()
            } else {
                format!("<content type=\"html\">{}</content>\n", esc(&x.content))
            };
            let _ = write!(
                out,
                "<entry>\n<title>{}</title>\n<id>{}</id>\n<link rel=\"alternate\" href=\"{}\"/>\n{enclosure}\
                 <published>{}</published>\n<updated>{}</updated>\n\
                 <author><name>{}</name></author>\n<summary>{}</summary>\n{content}</entry>\n",
                esc(&feed_title(i)),
                esc(&url),
                esc(&url),
                datetime_rfc3339(i.signed_at),
                datetime_rfc3339(i.modified_at),
                esc(author),
                esc(&x.description)
            );
        }
        out.push_str("</feed>\n");
        Ok(xml(out, "application/atom+xml; charset=utf-8", deps))
    } else {
        let _ = write!(
            out,
            "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" \
             xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
             xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n<title>{}</title>\n<link>{}</link>\n\
             <description>{}</description>\n<language>zh-CN</language>\n<atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>\n",
            esc(&title),
            esc(&link),
            esc(&title),
            esc(&u.canonical(&self_rel))
        );
        let _ = writeln!(
            out,
            "<lastBuildDate>{}</lastBuildDate>",
            to_cst(updated).to_rfc2822()
        );
        for (i, x) in items.iter().zip(&extras) {
            let url = u.canonical(&i.url_path);
            let enclosure = x
                .enclosure
                .as_ref()
                .map_or(String::new(), |(href, len, mime)| {
                    format!(
                        "<enclosure url=\"{}\" length=\"{len}\" type=\"{mime}\"/>\n",
                        esc(&format!("{}{href}", u.origin()))
                    )
                });
            let author = if x.author.is_empty() {
                &site.name
            } else {
                &x.author
            };
            let content = if x.content.is_empty() {
                String::new()
            } else {
                format!("<content:encoded>{}</content:encoded>\n", esc(&x.content))
            };
            let _ = write!(
                out,
                "<item>\n<title>{}</title>\n<link>{}</link>\n<guid isPermaLink=\"true\">{}</guid>\n<pubDate>{}</pubDate>\n\
                 <dc:creator>{}</dc:creator>\n<description>{}</description>\n{content}{enclosure}</item>\n",
                esc(&feed_title(i)),
                esc(&url),
                esc(&url),
                to_cst(i.signed_at).to_rfc2822(),
                esc(author),
                esc(&x.description)
            );
        }
        out.push_str("</channel>\n</rss>\n");
        Ok(xml(out, "application/rss+xml; charset=utf-8", deps))
    }
}

/// What a feed item says beyond the list line: its description (the
/// summary, else the start of the body), its full text (absolute links),
/// its byline, and its enclosure (a video's MP4, else the cover's JPEG).
struct Extras {
    description: String,
    /// The story's text as HTML; empty when the feed carries summaries only.
    content: String,
    /// The byline (`记者 丁春贵 通讯员 张月月`), else the site's name.
    author: String,
    /// URL path, length in bytes, type.
    enclosure: Option<(String, u64, &'static str)>,
}

/// Characters of body text a description takes when there is no summary.
const DESCRIPTION_CHARS: usize = 200;

/// `html` with its site-absolute links (`/media/…`) made absolute under
/// `origin`: a feed reader resolves nothing against the page.
fn absolute_links(html: &str, origin: &str) -> String {
    html.replace("src=\"/media/", &format!("src=\"{origin}/media/"))
        .replace("href=\"/", &format!("href=\"{origin}/"))
        .replace(&format!("href=\"{origin}//"), "href=\"//")
}

async fn item_extras(
    env: &Env,
    items: &[ArticleSummary],
    full_text: bool,
    origin: &str,
    deps: &mut BTreeSet<String>,
) -> anyhow::Result<Vec<Extras>> {
    // every listed story's text is read (its byline, its full text, its
    // video); each is then a dependency of the feed
    let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
    let articles: std::collections::HashMap<i64, crate::domain::Article> = if ids.is_empty() {
        Default::default()
    } else {
        env.store
            .articles_by_ids(&ids)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect()
    };
    for id in &ids {
        deps.insert(format!("story:{id}"));
    }
    let covers: Vec<i64> = items.iter().filter_map(|i| i.cover).collect();
    let pictures = env.cache.pictures(env.store.as_ref(), &covers).await?;
    for id in pictures.keys() {
        deps.insert(format!("image:{id}"));
    }
    let mut out = Vec::with_capacity(items.len());
    for i in items {
        let a = articles.get(&i.id);
        let text = if i.summary.trim().is_empty() {
            a.map(|a| crate::domain::html::html_excerpt(&a.body_html, DESCRIPTION_CHARS))
                .unwrap_or_default()
        } else {
            i.summary.clone()
        };
        let description = match i.ai.label() {
            "" => text,
            label => format!("【{label}】{text}"),
        };
        let content = match a {
            Some(a) if full_text => {
                let body = crate::domain::html::body_with_dateline(&a.body_html, &a.source);
                let notice = a.ai.notice();
                let notice = if notice.is_empty() {
                    String::new()
                } else {
                    format!("<p>{}</p>", esc(notice))
                };
                format!("{notice}{}", absolute_links(&body, origin))
            }
            _ => String::new(),
        };
        let author = a
            .map(|a| crate::domain::article::byline_text(&a.byline))
            .unwrap_or_default();
        // a video's MP4 (what a podcast or video reader plays), else the cover
        let mut enclosure = None;
        if let Some(u) = a.and_then(|a| a.parts.video.as_ref()) {
            deps.insert(format!("video:{}", u.video_id));
            if let Some(v) = env.store.video(u.video_id).await? {
                if let Some(r) = v.ready().and_then(|m| m.default_rendition()) {
                    enclosure = Some((format!("/media/{}", r.key), r.bytes, "video/mp4"));
                }
            }
        }
        let enclosure = enclosure.or_else(|| {
            i.cover
                .and_then(|c| pictures.get(&c))
                .and_then(|p| p.enclosure())
                .map(|(href, len)| (href, len, "image/jpeg"))
        });
        out.push(Extras {
            description,
            content,
            author,
            enclosure,
        });
    }
    Ok(out)
}

/// An item's title in a feed: with its explicit AI label (显式标识), so a
/// reader of the feed sees it as on the page.
fn feed_title(i: &ArticleSummary) -> String {
    match i.ai.label() {
        "" => i.title.clone(),
        label => format!("{}【{label}】", i.title),
    }
}
