//! Which files an export holds: every public path of every site, and, for
//! an incremental build, the paths the changes since the last one affect.

use std::collections::BTreeSet;

use crate::db::ExportState;
use crate::domain::article::TagIndex;
use crate::domain::url::Facet;
use crate::domain::url::{channel_page_path, more_blocks_path, sitemap_block_of};
use crate::domain::{ArticleSummary, ChannelTree};
use crate::state::AppState;

/// The pages of one channel list (and its feeds), by its current count.
async fn channel_paths(
    state: &AppState,
    prefix: &str,
    c: &crate::domain::Channel,
    out: &mut Vec<String>,
) -> anyhow::Result<()> {
    let total = state.store.channel_count(c.id).await?;
    let pages = crate::domain::channel::paging::pages(total, c.page_size.clamp(1, 200));
    for n in 1..=pages {
        out.push(format!("{prefix}{}", channel_page_path(&c.path, n as u32)));
    }
    out.push(format!("{prefix}{}/rss.xml", c.path));
    out.push(format!("{prefix}{}/atom.xml", c.path));
    out.push(format!("{prefix}{}", more_blocks_path(&c.path)));
    Ok(())
}

/// The pages of a site's 专题 beyond each topic's own: the list of topics
/// (every page), and every live topic's section pages and feed.
async fn topic_paths(
    state: &AppState,
    site: &crate::domain::Site,
    out: &mut Vec<String>,
) -> anyhow::Result<()> {
    let p = &site.prefix;
    let total = state.store.topic_count(&site.id).await?;
    for n in 1..=crate::domain::channel::paging::pages(total, 20).max(1) {
        out.push(format!("{p}{}", crate::domain::topic::list_path(n as u32)));
    }
    for a in state.store.live_topics(&site.id).await? {
        topic_pages(state, site, &a, out).await?;
    }
    Ok(())
}

/// A live topic's section pages and feed.
async fn topic_pages(
    state: &AppState,
    site: &crate::domain::Site,
    a: &crate::domain::Article,
    out: &mut Vec<String>,
) -> anyhow::Result<()> {
    use crate::domain::topic::{SECTION_PAGE_SIZE, section_path, topic_path};
    let Some(t) = &a.parts.topic else {
        return Ok(());
    };
    let p = &site.prefix;
    out.push(format!("{p}{}rss.xml", topic_path(&t.slug)));
    for (i, sec) in t.sections.iter().enumerate() {
        let mut total = state.store.picked(&site.id, &sec.picks).await?.len() as i64;
        if sec.rule.is_active() {
            total += state
                .store
                .gathered_count(&site.id, &sec.rule, &sec.picks)
                .await?;
        }
        let pages = crate::domain::channel::paging::pages(total, SECTION_PAGE_SIZE).max(1);
        for k in 1..=pages {
            out.push(format!("{p}{}", section_path(&t.slug, i + 1, k as u32)));
        }
    }
    Ok(())
}

/// Every live story, by id.
pub(super) async fn live_stories(state: &AppState) -> anyhow::Result<Vec<ArticleSummary>> {
    let mut live = Vec::new();
    loop {
        let after = live.last().map_or(0, |s: &ArticleSummary| s.id);
        let batch = state.store.live_after(after, 10_000).await?;
        if batch.is_empty() {
            return Ok(live);
        }
        live.extend(batch.into_iter().map(|(s, _)| s));
    }
}

/// Where every live story stands under its tags (for 相关新闻).
pub(super) async fn tag_index(
    state: &AppState,
    live: Vec<ArticleSummary>,
) -> anyhow::Result<TagIndex> {
    let mut listings: Vec<(String, i64, i64)> = Vec::new();
    loop {
        let after = listings
            .last()
            .map_or(("", 0), |(t, id, _)| (t.as_str(), *id));
        let batch = state.store.tag_listings_after(after, 50_000).await?;
        if batch.is_empty() {
            break;
        }
        listings.extend(batch);
    }
    let mut channels: Vec<(i64, i64, i64)> = Vec::new();
    loop {
        let after = channels.last().map_or((0, 0), |(c, id, _)| (*c, *id));
        let batch = state.store.channel_listings_after(after, 50_000).await?;
        if batch.is_empty() {
            return Ok(TagIndex::new(listings, live).with_channels(channels));
        }
        channels.extend(batch);
    }
}

/// Every public URL path of every site (prefix included).
pub async fn public_paths(state: &AppState) -> anyhow::Result<Vec<String>> {
    paths_of(state, &live_stories(state).await?).await
}

/// Every public URL path of every site, given the live stories by id.
pub(super) async fn paths_of(
    state: &AppState,
    live: &[ArticleSummary],
) -> anyhow::Result<Vec<String>> {
    let sites = state.store.sites().await?;
    let mut paths = vec![
        "/robots.txt".to_string(),
        "/sitemap.xml".into(),
        "/sitemap-sections.xml".into(),
        "/sitemap-news.xml".into(),
    ];
    let mut blocks: Vec<i64> = live.iter().map(|s| sitemap_block_of(s.id)).collect();
    blocks.dedup();
    paths.extend(blocks.iter().map(|n| format!("/sitemap-{n}.xml")));
    for site in &sites {
        let p = &site.prefix;
        paths.push(p.clone());
        paths.push(format!("{p}rss.xml"));
        paths.push(format!("{p}atom.xml"));
        let tree = ChannelTree::new(state.store.channels(&site.id).await?);
        for c in tree.iter() {
            channel_paths(state, p, c, &mut paths).await?;
        }
        // 热点排行: the site's, each channel's, the rule (they read
        // `rank:{site}`, so an incremental build rewrites them when a list moves)
        {
            use crate::domain::rank::{rank_path, rule_path};
            paths.push(format!("{p}{}", rank_path("")));
            paths.push(format!("{p}{}", rule_path()));
            paths.extend(tree.iter().map(|c| format!("{p}{}", rank_path(&c.path))));
        }
        for facet in Facet::ALL {
            for (value, count) in state.store.facet_values(facet, &site.id).await? {
                facet_paths(p, facet, &value, count, &mut paths);
            }
        }
        topic_paths(state, site, &mut paths).await?;
    }
    // withdrawn stories' URLs: the export keeps their 410 pages
    let mut after = 0;
    loop {
        let batch = state.store.withdrawn_after(after, 10_000).await?;
        let Some(last) = batch.last().map(|(id, _, _)| *id) else {
            break;
        };
        for (_, site_id, url) in batch {
            if let Some(site) = sites.iter().find(|x| x.id == site_id) {
                paths.push(format!("{}{url}", site.prefix));
            }
        }
        after = last;
    }
    for s in live {
        if let Some(site) = sites.iter().find(|x| x.id == s.site_id) {
            paths.push(format!("{}{}", site.prefix, s.url_path));
            // what the kind publishes beside the page (a 直播's entries)
            for file in (s.kind.spec().public_files)(s.id) {
                paths.push(format!("{}{file}", site.prefix));
            }
        }
    }
    Ok(paths)
}

/// The site paths the changes after the export's cursor affect, or `None`
/// when one of them needs a full build.
pub(super) async fn affected(
    state: &AppState,
    export: &ExportState,
) -> anyhow::Result<Option<Vec<String>>> {
    let store = state.store.as_ref();
    let mut keys = BTreeSet::new();
    let mut after = export.cursor;
    loop {
        let changes = store.changes_since(after, 1000).await?;
        let Some(last) = changes.last() else { break };
        after = last.seq;
        for c in changes {
            keys.extend(c.keys);
        }
    }
    if keys.iter().any(|k| k.starts_with("site:")) {
        return Ok(None);
    }
    let keys: Vec<String> = keys.into_iter().collect();
    // files that read a changed key (a withdrawn story's own file among them)
    let mut paths: BTreeSet<String> = store
        .export_paths(export.id, &keys)
        .await?
        .into_iter()
        .collect();
    // and files that did not exist yet: a new story's page and sitemap, a new list page
    let sites = store.sites().await?;
    let ids_of = |prefix: &str| -> BTreeSet<i64> {
        keys.iter()
            .filter_map(|k| k.strip_prefix(prefix)?.parse().ok())
            .collect()
    };
    // a changed story: its own file (written, or removed when no longer live)
    // and its sitemap; a story whose 相关新闻 a change may enter: its file
    let (changed, related) = (ids_of("story:"), ids_of("related:"));
    let ids: Vec<i64> = changed.union(&related).copied().collect();
    for chunk in ids.chunks(500) {
        for a in store.articles_by_ids(chunk).await? {
            let site = sites.iter().find(|s| s.id == a.site_id);
            if let (Some(site), Some(url)) = (site, &a.url_path) {
                paths.insert(format!("{}{url}", site.prefix));
                if changed.contains(&a.id) {
                    paths.insert(format!("/sitemap-{}.xml", sitemap_block_of(a.id)));
                }
            }
        }
    }
    // the sitemaps that list no story by id (the news sitemap may be new)
    if keys.iter().any(|k| k == "sitemap") {
        paths.extend(
            ["/sitemap.xml", "/sitemap-sections.xml", "/sitemap-news.xml"].map(String::from),
        );
    }
    // a tag page a change touched: every page of the tag (it may be new, or
    // have gained a page; the pages it lost read the key and render as 404)
    for key in &keys {
        for facet in Facet::ALL {
            let Some((site_id, value)) = key
                .strip_prefix(facet.dir())
                .and_then(|k| k.strip_prefix(':'))
                .and_then(|k| k.split_once('/'))
            else {
                continue;
            };
            if let Some(site) = sites.iter().find(|s| s.id == site_id) {
                let count = store.facet_count(facet, site_id, value).await?;
                facet_paths(&site.prefix, facet, value, count, &mut paths);
            }
        }
    }
    // a topic a change touched: its section pages (they may have gained
    // one); the site's list of topics when a topic itself changed
    for key in &keys {
        if let Some(site_id) = key.strip_prefix("topics:") {
            if let Some(site) = sites.iter().find(|s| s.id == site_id) {
                let mut list = Vec::new();
                topic_paths(state, site, &mut list).await?;
                paths.extend(list);
            }
        } else if let Some(id) = key
            .strip_prefix("topic:")
            .and_then(|i| i.parse::<i64>().ok())
        {
            if let Some(a) = store
                .article(id)
                .await?
                .filter(|a| a.status == crate::domain::Status::Published)
            {
                if let Some(site) = sites.iter().find(|s| s.id == a.site_id) {
                    let mut list = Vec::new();
                    topic_pages(state, site, &a, &mut list).await?;
                    paths.extend(list);
                }
            }
        }
    }
    // a list whose older pages moved may have gained a page (the pages it lost
    // are among the files above, and render as 404 now)
    for key in &keys {
        let Some((site_id, path)) = key
            .strip_prefix("channel-pages:")
            .and_then(|k| k.split_once('/'))
        else {
            continue;
        };
        let Some(site) = sites.iter().find(|s| s.id == site_id) else {
            continue;
        };
        let channels = state.cache.channels(store, site_id).await?;
        if let Some(c) = channels.iter().find(|c| c.path == path) {
            let mut list = Vec::new();
            channel_paths(state, &site.prefix, c, &mut list).await?;
            paths.extend(list);
        }
    }
    Ok(Some(paths.into_iter().collect()))
}

/// Every page of a tag's (a person's) list with `count` stories (none when
/// it has none).
fn facet_paths(prefix: &str, facet: Facet, value: &str, count: i64, out: &mut impl Extend<String>) {
    let pages = crate::domain::channel::paging::pages(count, crate::render::TAG_PAGE_SIZE);
    out.extend((1..=pages).map(|n| {
        format!(
            "{prefix}{}",
            crate::domain::url::facet_page_path(facet, value, u32::try_from(n).unwrap_or(u32::MAX))
        )
    }));
}
