//! What every public page is built with: the site, its chrome and
//! dependency keys (`Ctx`), list items and blocks, the site's brand.

use std::collections::BTreeSet;

use anyhow::Context as _;
use serde::Serialize;

use super::super::cache::Listed;
use super::super::chrome::{self, Chrome, SiteUrls};
use super::super::pictures::{PictureView, SIZES_LEAD, SIZES_THUMB};
use super::super::{Env, Page};
use crate::domain::channel::ListStyle;
use crate::domain::picture::Ratio;
use crate::domain::text::{excerpt, list_date};
use crate::domain::url::channel_page_path;
use crate::domain::{ArticleSummary, Channel, ChannelTree, Site};

/// Items in each "更多..." block and home block.
pub(super) const BLOCK_ITEMS: i64 = 8;
/// The 焦点 slot: the home page's 焦点图 carousel.
pub(super) const LEAD_SLOT: &str = "jiaodian";

/// Everything a page needs about its site while rendering.
pub(super) struct Ctx<'a> {
    pub(super) env: &'a Env,
    pub(super) sites: &'a [Site],
    pub(super) site: &'a Site,
    pub(super) tree: std::sync::Arc<ChannelTree>,
    pub(super) urls: SiteUrls,
    pub(super) deps: BTreeSet<String>,
    /// Rendering for the static export: story pages include the shared
    /// "更多..." fragment by SSI instead of carrying the blocks.
    pub(super) export: bool,
    /// The site's logo and favicon (filled by `brand`).
    pub(super) brand: Brand,
}

/// The site's pictures in the page chrome.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Brand {
    /// The header logo: URL, and its size at 48 px high.
    logo: Option<(String, u32, u32)>,
    /// The logo is the site's own (not the city's, which a county site
    /// shows with its own name beside it).
    logo_own: bool,
    favicon: Option<(String, &'static str)>,
}

impl Brand {
    /// The favicon's URL (`/media/…`) and type, if the site (or the main
    /// site) set one.
    pub(crate) fn favicon(&self) -> Option<(&str, &'static str)> {
        self.favicon.as_ref().map(|(u, t)| (u.as_str(), *t))
    }
}

/// Height of the header logo.
pub(super) const LOGO_HEIGHT: u32 = 48;

/// Load the site's logo and favicon pictures (a county site without its own
/// uses the main site's).
pub(super) async fn brand(ctx: &mut Ctx<'_>) -> anyhow::Result<Brand> {
    let (brand, deps) = site_brand(ctx.env, ctx.sites, ctx.site).await?;
    ctx.deps.extend(deps);
    Ok(brand)
}

/// A site's logo and favicon, and the dependency keys they read.
pub(crate) async fn site_brand(
    env: &Env,
    sites: &[Site],
    site: &Site,
) -> anyhow::Result<(Brand, Vec<String>)> {
    let main = sites.iter().find(|s| s.is_main());
    let pick = |f: fn(&crate::domain::SiteSettings) -> Option<i64>| {
        f(&site.settings).or_else(|| main.and_then(|m| f(&m.settings)))
    };
    let (logo_id, icon_id) = (pick(|s| s.logo_image), pick(|s| s.favicon_image));
    let ids: Vec<i64> = logo_id.into_iter().chain(icon_id).collect();
    if ids.is_empty() {
        return Ok((Brand::default(), Vec::new()));
    }
    let found = env.cache.pictures(env.store.as_ref(), &ids).await?;
    let deps = found.keys().map(|id| format!("image:{id}")).collect();
    let logo = logo_id.and_then(|id| found.get(&id)).map(|p| {
        let w = (u64::from(p.width) * u64::from(LOGO_HEIGHT) / u64::from(p.height.max(1))).max(1);
        (p.url(), w as u32, LOGO_HEIGHT)
    });
    let favicon = icon_id.and_then(|id| found.get(&id)).map(|p| {
        match p.largest(Some(Ratio::Square)) {
            // a square crop unless the original is small and may be transparent
            Some((url, _, _)) if p.width > 256 || p.mime == "image/jpeg" => (url, "image/jpeg"),
            _ => (
                p.url(),
                crate::domain::media_key::content_type(&p.key).unwrap_or("image/png"),
            ),
        }
    });
    let logo_own = logo.is_some() && site.settings.logo_image.is_some();
    Ok((
        Brand {
            logo,
            logo_own,
            favicon,
        },
        deps,
    ))
}

impl Ctx<'_> {
    pub(super) fn chrome(&self, current_root: Option<&str>) -> Chrome {
        let cfg = self.env;
        chrome::chrome(
            self.sites,
            self.site,
            &self.tree,
            current_root,
            &cfg.public_url,
            cfg.scheme(),
        )
    }

    /// Link to a story of any site by its summary.
    pub(super) fn story_url(&self, s: &ArticleSummary) -> String {
        let cfg = self.env;
        match self.sites.iter().find(|x| x.id == s.site_id) {
            Some(site) if site.id != self.site.id => {
                SiteUrls::new(site, &cfg.public_url, cfg.scheme()).link(&s.url_path)
            }
            _ => self.urls.link(&s.url_path),
        }
    }

    /// A list line's date as of now (`MM-DD` this year, else the full date).
    pub(super) fn date(&self, ts: i64) -> String {
        list_date(ts, self.env.now())
    }

    /// A list line for story `s`, dated.
    pub(super) fn line(&self, s: &ArticleSummary) -> ListItem {
        self.item(s, self.date(s.signed_at))
    }

    pub(super) fn item(&self, s: &ArticleSummary, date: String) -> ListItem {
        ListItem {
            // cut once, by the list's width (CSS), never by the server: two
            // stories must not show the same cut title
            title: s.list_title(),
            full_title: s.title.clone(),
            url: self.story_url(s),
            date,
            summary: s.summary.clone(),
            blurb: excerpt(&s.summary, 60),
            thumb: None,
            mark: s.list_mark(),
            ai: s.ai.label(),
        }
    }

    /// The library pictures `ids` names, each a dependency of the page.
    pub(super) async fn pictures(
        &mut self,
        ids: &[i64],
    ) -> anyhow::Result<
        std::collections::HashMap<i64, std::sync::Arc<crate::domain::picture::Picture>>,
    > {
        let found = self
            .env
            .cache
            .pictures(self.env.store.as_ref(), ids)
            .await?;
        for id in found.keys() {
            self.deps.insert(format!("image:{id}"));
        }
        Ok(found)
    }

    /// Give each item its story's cover picture, cropped to `ratio`.
    pub(super) async fn with_covers(
        &mut self,
        items: &mut [ListItem],
        stories: &[ArticleSummary],
        ratio: Ratio,
        sizes: &'static str,
        prefer_width: u32,
    ) -> anyhow::Result<()> {
        let ids: Vec<i64> = stories.iter().filter_map(|s| s.cover).collect();
        if ids.is_empty() {
            return Ok(());
        }
        let found = self.pictures(&ids).await?;
        for (item, s) in items.iter_mut().zip(stories) {
            if let Some(p) = s.cover.and_then(|id| found.get(&id)) {
                item.thumb = Some(super::super::pictures::view(
                    p,
                    None,
                    Some(ratio),
                    sizes,
                    prefer_width,
                ));
            }
        }
        Ok(())
    }

    /// 您当前的位置: 首页, then the channel and its ancestors from the top,
    /// then `last` (a tag's or a person's page, a 专题's steps), with its
    /// `BreadcrumbList`.
    pub(super) fn crumbs(
        &self,
        channel_path: &str,
        last: impl IntoIterator<Item = (String, String)>,
    ) -> Trail {
        let mut steps = vec![("首页".to_string(), String::new())];
        if !channel_path.is_empty() {
            steps.extend(
                self.tree
                    .chain(channel_path)
                    .into_iter()
                    .map(|c| (c.name.clone(), channel_page_path(&c.path, 1))),
            );
        }
        steps.extend(last);
        let ld = serde_json::json!({
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": steps.iter().enumerate().map(|(i, (name, rel))| serde_json::json!({
                "@type": "ListItem",
                "position": i + 1,
                "name": name,
                "item": self.urls.canonical(rel),
            })).collect::<Vec<_>>(),
        });
        Trail {
            items: steps
                .into_iter()
                .map(|(name, rel)| Crumb {
                    name,
                    url: self.urls.link(&rel),
                })
                .collect(),
            ld: crate::render::script_text(&ld),
        }
    }

    pub(super) fn base(
        &self,
        page_title: String,
        description: String,
        canonical: Option<String>,
        current_root: Option<&str>,
    ) -> Base {
        let site_title = self.chrome(None).site_title;
        Base {
            page_title,
            description,
            canonical,
            feeds: self.feeds(&site_title, ""),
            chrome: self.chrome(current_root),
            brand: self.brand.clone(),
        }
    }

    /// The RSS and Atom feeds of `dir` (`""`: the site's, else a channel's
    /// path and `/`), as `<link rel="alternate">` names them.
    pub(super) fn feeds(&self, title: &str, dir: &str) -> Vec<FeedLink> {
        [
            ("RSS", "rss.xml", "application/rss+xml"),
            ("Atom", "atom.xml", "application/atom+xml"),
        ]
        .into_iter()
        .map(|(what, file, kind)| FeedLink {
            title: format!("{title}({what})"),
            url: self.urls.link(&format!("{dir}{file}")),
            kind,
        })
        .collect()
    }

    pub(super) fn finish<C: Serialize>(
        self,
        status: u16,
        template: &str,
        ctx: C,
    ) -> anyhow::Result<Page> {
        let body = self
            .env
            .render
            .render(template, ctx)
            .with_context(|| format!("rendering {template}"))?;
        Ok(Page::html(status, body, self.deps))
    }

    pub(super) async fn channel_block(
        &mut self,
        channel: &Channel,
        title: String,
    ) -> anyhow::Result<Block> {
        let dep = format!("channel:{}/{}", self.site.id, channel.path);
        let store = &self.env.store;
        let listed = self
            .env
            .cache
            .list(&dep, || async {
                Ok(Listed {
                    items: store.channel_page(channel.id, BLOCK_ITEMS, 0).await?,
                    ..Listed::default()
                })
            })
            .await?;
        self.deps.insert(dep);
        let mut items: Vec<ListItem> = listed.items.iter().map(|s| self.line(s)).collect();
        if channel.list_style == ListStyle::Pictures {
            self.with_covers(&mut items, &listed.items, Ratio::Standard, SIZES_THUMB, 320)
                .await?;
        }
        Ok(Block {
            title,
            url: Some(self.urls.link(&channel_page_path(&channel.path, 1))),
            items,
            style: channel.list_style,
        })
    }

    pub(super) async fn slot_block(
        &mut self,
        key: &str,
        title: impl Fn(&str) -> String,
    ) -> anyhow::Result<Option<Block>> {
        let dep = format!("slot:{}/{key}", self.site.id);
        let (store, site_id) = (&self.env.store, &self.site.id);
        let now = self.env.now();
        let listed = self
            .env
            .cache
            .list(&dep, || async {
                Ok(match store.slot(site_id, key).await? {
                    Some(slot) => Listed {
                        items: store.slot_items(slot.id, slot.size, now).await?,
                        name: Some(slot.name),
                        style: slot.style,
                    },
                    None => Listed::default(),
                })
            })
            .await?;
        self.deps.insert(dep);
        let Some(name) = &listed.name else {
            return Ok(None);
        };
        let mut items: Vec<ListItem> = listed.items.iter().map(|s| self.line(s)).collect();
        // the 焦点图 carousel shows its items wide; a 图文 block as thumbnails
        if key == LEAD_SLOT {
            self.with_covers(&mut items, &listed.items, Ratio::Wide, SIZES_LEAD, 960)
                .await?;
        } else if listed.style == ListStyle::Pictures {
            self.with_covers(&mut items, &listed.items, Ratio::Standard, SIZES_THUMB, 320)
                .await?;
        }
        Ok(Some(Block {
            title: title(name),
            url: None,
            items,
            style: listed.style,
        }))
    }
}

/// A feed a page advertises.
#[derive(Serialize)]
pub(super) struct FeedLink {
    pub(super) title: String,
    pub(super) url: String,
    /// Its media type.
    pub(super) kind: &'static str,
}

#[derive(Serialize)]
pub(super) struct Base {
    pub(super) page_title: String,
    pub(super) description: String,
    pub(super) canonical: Option<String>,
    /// The feeds of the site (and of the channel a page lists).
    pub(super) feeds: Vec<FeedLink>,
    pub(super) chrome: Chrome,
    pub(super) brand: Brand,
}

/// 您当前的位置 and its structured data (escaped for a `<script>` element).
#[derive(Serialize, Default)]
pub(super) struct Trail {
    pub(super) items: Vec<Crumb>,
    pub(super) ld: String,
}

#[derive(Serialize)]
pub(super) struct Crumb {
    pub(super) name: String,
    pub(super) url: String,
}

#[derive(Serialize)]
pub(super) struct ListItem {
    pub(super) title: String,
    pub(super) full_title: String,
    pub(super) url: String,
    pub(super) date: String,
    pub(super) summary: String,
    /// The summary cut for a 图文 line.
    pub(super) blurb: String,
    /// The cover picture (图文 lists, the carousel).
    pub(super) thumb: Option<PictureView>,
    /// The kind's mark beside the title (a gallery's count, a video's length).
    pub(super) mark: Option<crate::domain::kind::ListMark>,
    /// The explicit AI label beside the title (empty: not declared).
    pub(super) ai: &'static str,
}

#[derive(Serialize)]
pub(super) struct Block {
    pub(super) title: String,
    pub(super) url: Option<String>,
    pub(super) items: Vec<ListItem>,
    pub(super) style: ListStyle,
}
