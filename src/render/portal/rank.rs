//! 热点排行 pages: a site's (`phb/`) and a channel's (`phb/{channel}/`),
//! each with the 24 hours' and the 7 days' list, and the page publishing
//! the rule (`phb/rule.html`) with the editors' removals. They read the
//! lists as last computed (`rank:{site}`, which the computation and a
//! removal log when a list moves) and each story shown (`story:{id}`: a
//! withdrawal takes it off at once). The home page's block is `home_block`.

use serde::Serialize;

use super::ctx::{Base, Block, Crumb, Ctx, ListItem, Trail};
use super::errors::not_found;
use crate::domain::channel::ListStyle;
use crate::domain::rank::{
    HOME_SIZE, LIST_SIZE, MAX_REASON_CHARS, Period, REFRESH_SECS, key, rank_path, rule_path,
};
use crate::domain::reach::NOT_READERS;
use crate::render::Page;

/// The removals the rule page shows (newest first).
const REMOVALS_SHOWN: i64 = 50;

#[derive(Serialize)]
struct RankList {
    label: &'static str,
    period: &'static str,
    items: Vec<ListItem>,
}

#[derive(Serialize)]
struct Scope {
    name: String,
    url: String,
    current: bool,
}

#[derive(Serialize)]
struct RankCtx {
    #[serde(flatten)]
    base: Base,
    crumbs: Trail,
    heading: String,
    scopes: Vec<Scope>,
    children: Vec<Crumb>,
    lists: Vec<RankList>,
    rule_url: String,
    refresh_minutes: i64,
}

#[derive(Serialize)]
struct RemovalLine {
    date: String,
    title: String,
    reason: String,
    restored: Option<String>,
}

#[derive(Serialize)]
struct RuleCtx {
    #[serde(flatten)]
    base: Base,
    crumbs: Trail,
    list_size: usize,
    home_size: usize,
    refresh_minutes: i64,
    max_reason: usize,
    not_readers: String,
    removals: Vec<RemovalLine>,
    rank_url: String,
}

/// A list of the site as last computed, each story a dependency.
async fn list(
    ctx: &mut Ctx<'_>,
    channel: &str,
    period: Period,
    limit: usize,
) -> anyhow::Result<Vec<ListItem>> {
    let ranked = ctx
        .env
        .store
        .ranking(&ctx.site.id, channel, period, limit as i64)
        .await?;
    Ok(ranked
        .iter()
        .map(|r| {
            ctx.deps.insert(format!("story:{}", r.story.id));
            ctx.line(&r.story)
        })
        .collect())
}

/// `phb/` or `phb/{channel}/`: both windows' lists; 404 for a channel the
/// site does not have.
pub(super) async fn ranking(mut ctx: Ctx<'_>, channel: &str) -> anyhow::Result<Page> {
    ctx.deps.insert(key(&ctx.site.id));
    let name = if channel.is_empty() {
        None
    } else {
        match ctx.tree.get(channel) {
            Some(c) => Some(c.name.clone()),
            None => return not_found(ctx),
        }
    };
    let mut lists = Vec::new();
    for period in Period::ALL {
        lists.push(RankList {
            label: period.label(),
            period: period.as_str(),
            items: list(&mut ctx, channel, period, LIST_SIZE).await?,
        });
    }
    let mut scopes = vec![Scope {
        name: "全站".into(),
        url: ctx.urls.link(&rank_path("")),
        current: channel.is_empty(),
    }];
    let root = crate::domain::channel::ancestry(channel)[0].to_string();
    scopes.extend(ctx.tree.roots().map(|c| Scope {
        name: c.name.clone(),
        url: ctx.urls.link(&rank_path(&c.path)),
        current: !channel.is_empty() && c.path == root,
    }));
    let children = if channel.is_empty() {
        Vec::new()
    } else {
        ctx.tree
            .children(channel)
            .map(|c| Crumb {
                name: c.name.clone(),
                url: ctx.urls.link(&rank_path(&c.path)),
            })
            .collect()
    };
    let site_title = ctx.chrome(None).site_title;
    let heading = match &name {
        Some(n) => format!("{n}热点排行"),
        None => "热点排行".to_string(),
    };
    let mut steps = vec![("热点排行".to_string(), rank_path(""))];
    if !channel.is_empty() {
        steps.extend(
            ctx.tree
                .chain(channel)
                .into_iter()
                .map(|c| (c.name.clone(), rank_path(&c.path))),
        );
    }
    let crumbs = ctx.crumbs("", steps);
    let base = ctx.base(
        format!("{heading} - {site_title}"),
        format!(
            "{site_title}{heading}:近24小时和近7天阅读最多的稿件,按公开的规则统计,不因人而异。"
        ),
        Some(ctx.urls.canonical(&rank_path(channel))),
        None,
    );
    let rule_url = ctx.urls.link(&rule_path());
    ctx.finish(
        200,
        "portal/rank.html",
        RankCtx {
            base,
            crumbs,
            heading,
            scopes,
            children,
            lists,
            rule_url,
            refresh_minutes: REFRESH_SECS / 60,
        },
    )
}

/// `phb/rule.html`: how the lists are made, and what editors took out.
pub(super) async fn rule(mut ctx: Ctx<'_>) -> anyhow::Result<Page> {
    ctx.deps.insert(key(&ctx.site.id));
    let removals = ctx
        .env
        .store
        .rank_removals(&ctx.site.id, REMOVALS_SHOWN)
        .await?
        .into_iter()
        .map(|r| RemovalLine {
            date: crate::domain::text::date_iso(r.removed_at),
            title: r.title,
            reason: r.reason,
            restored: r.restored_at.map(crate::domain::text::date_iso),
        })
        .collect();
    let site_title = ctx.chrome(None).site_title;
    let crumbs = ctx.crumbs(
        "",
        [
            ("热点排行".to_string(), rank_path("")),
            ("排行规则".to_string(), rule_path()),
        ],
    );
    let base = ctx.base(
        format!("热点排行规则 - {site_title}"),
        format!("{site_title}热点排行的统计方法、更新频率和人工干预规则。"),
        Some(ctx.urls.canonical(&rule_path())),
        None,
    );
    let rank_url = ctx.urls.link(&rank_path(""));
    ctx.finish(
        200,
        "portal/rank_rule.html",
        RuleCtx {
            base,
            crumbs,
            list_size: LIST_SIZE,
            home_size: HOME_SIZE,
            refresh_minutes: REFRESH_SECS / 60,
            max_reason: MAX_REASON_CHARS,
            not_readers: NOT_READERS.join("、"),
            removals,
            rank_url,
        },
    )
}

/// The home page's 热点排行 block: the site's 24 hours' list, its first
/// `HOME_SIZE`; `None` while it is empty.
pub(super) async fn home_block(ctx: &mut Ctx<'_>) -> anyhow::Result<Option<Block>> {
    ctx.deps.insert(key(&ctx.site.id));
    let items = list(ctx, "", Period::Day, HOME_SIZE).await?;
    Ok((!items.is_empty()).then(|| Block {
        title: "热点排行".into(),
        url: Some(ctx.urls.link(&rank_path(""))),
        items,
        style: ListStyle::Text,
    }))
}
