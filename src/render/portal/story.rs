//! A story's page: the shell every kind shares (title, byline, dates,
//! corrections, 题图, body with its pictures, share card, structured data,
//! crumbs, 相关新闻 and "更多..." blocks), with what the story's kind adds
//! (`render::kinds`); the newsroom's preview; the files a story publishes
//! beside its page.

use std::collections::BTreeSet;

use serde::Serialize;

use super::ctx::{Base, Block, Brand, Ctx, ListItem, Trail, brand};
use super::errors::{gone, not_found};
use super::fragments::more_blocks;
use super::jsonld;
use super::related::related;
use crate::domain::article::byline_text;
use crate::domain::html::{body_with_dateline, html_excerpt};
use crate::domain::picture::Ratio;
use crate::domain::text::{date_cn, datetime_cn, excerpt};
use crate::domain::url::more_blocks_path;
use crate::domain::{Article, ArticleSummary, ChannelTree, Reprint, Status};
use crate::render::chrome::SiteUrls;
use crate::render::kinds::{self, StoryInput};
use crate::render::pictures::{PictureView, SIZES_COLUMN, body_with_pictures, view};
use crate::render::{Env, Page, Preloaded};

#[derive(Serialize)]
struct StoryView {
    title: String,
    subtitle: Option<String>,
    byline: String,
    signed_date: String,
    /// 更新: when a later revision went live, with the time of day.
    revised: Option<String>,
    /// 更正 notices: (date, text).
    corrections: Vec<(String, String)>,
    reprint: Option<Reprint>,
    body_html: String,
    editor: String,
    /// The 题图.
    lead: Option<PictureView>,
    /// The explicit AI label (显式标识) and the notice under the title.
    ai_label: &'static str,
    ai_notice: &'static str,
    /// Its tags, each with its tag page (none for a kind no list shows).
    tags: Vec<(String, String)>,
    /// The byline as (role, name, the person's page), in print order.
    bylines: Vec<(String, String, Option<String>)>,
    /// 本文收录于专题: the live 专题 holding it, as (title, page).
    topics: Vec<(String, String)>,
    /// What the story's kind adds (`a.gallery`, `a.video`, `a.live`).
    #[serde(flatten)]
    kind: serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize)]
struct StoryCtx {
    #[serde(flatten)]
    base: Base,
    crumbs: Trail,
    a: StoryView,
    /// JSON-LD `NewsArticle` (and the kind's nodes), escaped for a `<script>` element.
    jsonld: String,
    og_url: String,
    /// The share card's picture: absolute URL, width, height, alt.
    og_image: Option<(String, u32, u32, String)>,
    /// The share card's video: absolute MP4 URL, width, height.
    og_video: Option<(String, u32, u32)>,
    related: Vec<ListItem>,
    blocks: Vec<Block>,
    /// In the export: the SSI path of the "更多..." fragment.
    more_include: Option<String>,
    /// The newsroom's preview: the page says 预览·未发布 at its top.
    preview: bool,
    /// 上一篇 / 下一篇 (none for a kind no list shows).
    pager: Option<Pager>,
}

/// The stories either side of this one in its channel.
#[derive(Serialize)]
struct Pager {
    /// Signed just before (上一篇).
    prev: Option<ListItem>,
    /// Signed just after (下一篇).
    next: Option<ListItem>,
}

/// The public page of story `id` at `rel`: 404 unless it is this site's and
/// lives there, 410 once withdrawn.
pub(super) async fn story(
    mut ctx: Ctx<'_>,
    rel: &str,
    id: i64,
    preloaded: Option<Preloaded>,
) -> anyhow::Result<Page> {
    // `related:{id}`: a story signed before this one may enter its 相关新闻
    ctx.deps
        .extend([format!("story:{id}"), format!("related:{id}")]);
    let (article, candidates, neighbours) = match preloaded.filter(|p| p.article.id == id) {
        Some(p) => (Some(p.article), Some(p.related), p.neighbours),
        None => (ctx.env.store.article(id).await?, None, None),
    };
    let Some(a) =
        article.filter(|a| a.site_id == ctx.site.id && a.url_path.as_deref() == Some(rel))
    else {
        return not_found(ctx);
    };
    match a.status {
        Status::Published => {}
        Status::Withdrawn => return gone(ctx),
        _ => return not_found(ctx),
    }
    let viewed = crate::domain::reach::Viewed {
        article_id: a.id,
        site_id: a.site_id.as_str().into(),
        channel_id: a.channel_id,
    };
    let mut page = render_story(ctx, a, rel, (candidates, neighbours), false).await?;
    if page.status == 200 {
        page.viewed = Some(viewed);
    }
    Ok(page)
}

/// A file live story `id` publishes beside its page (`KindSpec::public_files`,
/// such as a 直播's entries snapshot); 404 for any other.
pub(super) async fn story_file(mut ctx: Ctx<'_>, id: i64, rel: &str) -> anyhow::Result<Page> {
    ctx.deps.insert(format!("story:{id}"));
    let a = match ctx.env.store.article(id).await? {
        Some(a)
            if a.site_id == ctx.site.id
                && a.status == Status::Published
                && (a.kind.spec().public_files)(a.id).iter().any(|f| f == rel) =>
        {
            a
        }
        _ => return not_found(ctx),
    };
    match kinds::of(a.kind).file(ctx.env, &a, rel).await? {
        Some(mut page) => {
            page.deps.extend(ctx.deps);
            Ok(page)
        }
        None => not_found(ctx),
    }
}

/// A story of `env`'s site, as its public page shows it (used for the
/// newsroom's preview too, on content not yet live).
pub(crate) async fn preview(env: &Env, a: &Article) -> anyhow::Result<Page> {
    let sites = env.store.sites().await?;
    let site = sites
        .iter()
        .find(|s| s.id == a.site_id)
        .ok_or_else(|| anyhow::anyhow!("no site {}", a.site_id))?;
    let tree = std::sync::Arc::new(ChannelTree::new(env.store.channels(&site.id).await?));
    let mut ctx = Ctx {
        env,
        sites: &sites,
        site,
        tree,
        urls: SiteUrls::new(site, &env.public_url, env.scheme()),
        deps: BTreeSet::new(),
        export: false,
        brand: Brand::default(),
    };
    ctx.brand = brand(&mut ctx).await?;
    let rel = a.url_path.clone().unwrap_or_default();
    render_story(ctx, a.clone(), &rel, (None, None), true).await
}

/// The site's live 专题 that hold `a` (picked, or gathered by a section's
/// rule); the page reads `topics:{site}`, which a topic's write logs.
async fn topics_holding(ctx: &mut Ctx<'_>, a: &Article) -> anyhow::Result<Vec<(String, String)>> {
    ctx.deps
        .insert(crate::domain::topic::site_key(&ctx.site.id));
    let topics = ctx
        .env
        .cache
        .live_topics(ctx.env.store.as_ref(), &ctx.site.id)
        .await?;
    if topics.is_empty() {
        return Ok(Vec::new());
    }
    let mut channels: Vec<String> = Vec::new();
    for id in std::iter::once(a.channel_id).chain(a.extra_channel_ids.iter().copied()) {
        if let Some(c) = ctx.tree.by_id(id) {
            for p in crate::domain::channel::ancestry(&c.path) {
                if !channels.iter().any(|x| x == p) {
                    channels.push(p.to_string());
                }
            }
        }
    }
    let facts = crate::domain::topic::Facts {
        site_id: &a.site_id,
        listed: a.status == Status::Published && a.kind.listed(),
        tags: &a.tags,
        channels,
        title: &a.title,
        summary: &a.summary,
        signed_at: a.signed_at.unwrap_or_default(),
    };
    Ok(topics
        .iter()
        .filter(|t| {
            t.parts
                .topic
                .as_ref()
                .is_some_and(|p| p.holds(a.id, &facts))
        })
        .filter_map(|t| Some((t.title.clone(), ctx.urls.link(t.url_path.as_deref()?))))
        .collect())
}

async fn render_story(
    mut ctx: Ctx<'_>,
    a: Article,
    rel: &str,
    (related_candidates, neighbours): (
        Option<Vec<Vec<ArticleSummary>>>,
        Option<crate::domain::article::Neighbours>,
    ),
    preview: bool,
) -> anyhow::Result<Page> {
    let channel_path = ctx
        .tree
        .by_id(a.channel_id)
        .map(|c| c.path.clone())
        .unwrap_or_default();
    // a kind in no channel's lists (a site page) has no crumbs, blocks or 相关新闻
    let listed = a.kind.listed();
    let crumbs = if listed {
        ctx.crumbs(&channel_path, None)
    } else {
        Trail::default()
    };
    let (blocks, more_include) = if !listed {
        (Vec::new(), None)
    } else if ctx.export {
        (
            Vec::new(),
            Some(format!(
                "{}{}",
                ctx.site.prefix,
                more_blocks_path(&channel_path)
            )),
        )
    } else {
        let own = ctx.tree.by_id(a.channel_id).cloned();
        (more_blocks(&mut ctx, own.as_ref()).await?, None)
    };
    let related = if listed {
        related(&mut ctx, &a, related_candidates).await?
    } else {
        Vec::new()
    };
    // 上一篇 / 下一篇: the neighbours in its own channel by 签发 time; the
    // writes that move them log `adjacent:{id}` (db `adjacent_keys`)
    let pager = if listed {
        ctx.deps.insert(format!("adjacent:{}", a.id));
        // a preview stands where a sign-off now would put it: newest
        let at = (a.signed_at.unwrap_or(i64::MAX), a.id);
        let (older, newer) = match neighbours {
            Some(known) => known,
            None => ctx.env.store.neighbours(a.channel_id, at).await?,
        };
        Some(Pager {
            prev: older.map(|s| ctx.item(&s, String::new())),
            next: newer.map(|s| ctx.item(&s, String::new())),
        })
    } else {
        None
    };
    let topics = if listed && !preview {
        topics_holding(&mut ctx, &a).await?
    } else {
        Vec::new()
    };
    let body_html = body_with_dateline(&a.body_html, &a.source);
    // pictures: the 题图 and a gallery's from the library, and the body's own
    let parts = ctx.pictures(&a.parts.image_ids()).await?;
    let lead = a.parts.lead.as_ref().and_then(|u| {
        let p = parts.get(&u.image_id)?;
        Some(view(p, Some(u), None, SIZES_COLUMN, 960))
    });
    let keys = crate::domain::picture::body_keys(&body_html);
    let mut by_key = std::collections::HashMap::new();
    if !keys.is_empty() {
        for p in ctx.env.store.pictures_by_key(&a.site_id, &keys).await? {
            ctx.deps.insert(format!("image:{}", p.id));
            by_key.insert(p.key.clone(), std::sync::Arc::new(p));
        }
    }
    let body_html = body_with_pictures(&body_html, &by_key);
    // the picture share cards and search engines show: the 题图, else the gallery's first
    let cover = a
        .parts
        .cover()
        .and_then(|u| Some((parts.get(&u.image_id)?.clone(), u)));
    let origin = ctx.urls.origin().to_string();
    let absolute = |path: &str| format!("{origin}{path}");
    let og_image = cover.as_ref().and_then(|(p, u)| {
        let (url, w, h) = p.largest(Some(Ratio::Wide))?;
        let alt = if u.alt.is_empty() {
            p.alt.clone()
        } else {
            u.alt.clone()
        };
        Some((absolute(&url), w, h, alt))
    });
    let images: Vec<String> = cover
        .as_ref()
        .map(|(p, _)| {
            Ratio::ALL
                .iter()
                .filter_map(|r| p.largest(Some(*r)).map(|(url, _, _)| absolute(&url)))
                .collect()
        })
        .unwrap_or_default();
    let publisher = jsonld::publisher(&mut ctx, &origin).await?;
    let description = if a.summary.trim().is_empty() {
        html_excerpt(&body_html, 120)
    } else {
        excerpt(&a.summary, 120)
    };
    let site_title = ctx.chrome(None).site_title;
    let root = crate::domain::channel::ancestry(&channel_path)[0].to_string();
    let mut base = ctx.base(
        format!("{} - {site_title}", a.title),
        description,
        Some(ctx.urls.canonical(rel)),
        listed.then_some(root.as_str()),
    );
    base.chrome
        .channels
        .iter_mut()
        .for_each(|c| c.current = false);
    let canonical = ctx.urls.canonical(rel);
    let kind = kinds::of(a.kind);
    let added = kind
        .add(&mut StoryInput {
            env: ctx.env,
            article: &a,
            pictures: &parts,
            site_prefix: &ctx.site.prefix,
            origin: &origin,
            canonical: &canonical,
            description: &base.description,
            deps: &mut ctx.deps,
        })
        .await?;
    let main = kind.main_structured(jsonld::news_article(
        &a,
        jsonld::About {
            canonical: &canonical,
            description: &base.description,
            images,
            publisher,
        },
    ));
    let jsonld = jsonld::script_text(&jsonld::together(main, added.structured));
    let view = StoryView {
        title: a.title.clone(),
        subtitle: a.subtitle.clone().filter(|s| !s.trim().is_empty()),
        byline: byline_text(&a.byline),
        signed_date: a.signed_at.map(datetime_cn).unwrap_or_default(),
        revised: a.revised_at.map(|t| {
            crate::domain::text::to_cst(t)
                .format("%Y年%m月%d日 %H:%M")
                .to_string()
        }),
        corrections: a
            .corrections
            .iter()
            .map(|c| (date_cn(c.at), c.text.clone()))
            .collect(),
        reprint: a.reprint.clone().filter(|r| !r.source.trim().is_empty()),
        body_html,
        editor: a.editor.clone(),
        lead,
        ai_label: a.ai.label(),
        ai_notice: a.ai.notice(),
        bylines: a
            .byline
            .iter()
            .filter(|b| !b.name.trim().is_empty())
            .map(|b| {
                let name = b.name.trim().to_string();
                let page = listed.then(|| {
                    ctx.urls.link(&crate::domain::url::facet_page_path(
                        crate::domain::url::Facet::Author,
                        &name,
                        1,
                    ))
                });
                (b.role.trim().to_string(), name, page)
            })
            .collect(),
        tags: if listed {
            a.tags
                .iter()
                .filter(|t| !t.trim().is_empty())
                .map(|t| {
                    (
                        t.clone(),
                        ctx.urls.link(&crate::domain::url::tag_page_path(t, 1)),
                    )
                })
                .collect()
        } else {
            Vec::new()
        },
        topics,
        kind: added.fields,
    };
    ctx.finish(
        200,
        kind.template(),
        StoryCtx {
            base,
            crumbs,
            a: view,
            jsonld,
            og_url: canonical,
            og_image,
            og_video: added.og_video,
            related,
            blocks,
            more_include,
            preview,
            pager,
        },
    )
}
