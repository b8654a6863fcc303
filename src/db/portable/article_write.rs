//! Writing one story inside a transaction (`write_article`), the one way a
//! story's row changes: the checks, the row itself with its extra channels,
//! the pictures it uses, the jobs a declared story queues, its places in
//! lists (`article_lists.rs`) and its change-log row with every dependency
//! key it touched. Shared by the articles, stories and transitions files,
//! with the reads their writes start from (`site_channels`, `load_article`).
//! Compiled once per backend.

use std::collections::BTreeSet;

use sqlx::QueryBuilder;

use super::article_lists::{LiveCounts, relist, retag};
use super::article_topics::before_write;
use super::dialect;
use super::rows::{ARTICLE_COLUMNS, article_from_row};
use super::write::{Tx, append_change, to_json};
use crate::db::{StoreError, StoreResult};
use crate::domain::kind::Parts;
use crate::domain::picture::body_keys;
use crate::domain::url::Facet;
use crate::domain::{Article, Status};

/// Channels as (site, id, path), of one site or of all.
pub(super) async fn site_channels(
    tx: &mut Tx<'_>,
    site: Option<&str>,
) -> StoreResult<Vec<(String, i64, String)>> {
    let rows: Vec<(String, i64, String)> = match site {
        Some(site) => {
            sqlx::query_as("SELECT site_id, id, path FROM channels WHERE site_id = $1")
                .bind(site)
                .fetch_all(&mut **tx)
                .await?
        }
        None => {
            sqlx::query_as("SELECT site_id, id, path FROM channels")
                .fetch_all(&mut **tx)
                .await?
        }
    };
    Ok(rows)
}

/// Read a story in a transaction; `lock` (a writer's read) locks its row
/// until the transaction ends where the backend can (PostgreSQL): a
/// concurrent writer waits, then sees the new version and gets `Conflict`.
pub(super) async fn load_article(tx: &mut Tx<'_>, id: i64, lock: bool) -> StoreResult<Article> {
    let sql = format!(
        "SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = $1{}",
        if lock { dialect::FOR_UPDATE } else { "" }
    );
    let row = sqlx::query(&sql)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("稿件 {id} 不存在")))?;
    let extra: Vec<i64> =
        sqlx::query_scalar("SELECT channel_id FROM article_channels WHERE article_id = $1")
            .bind(id)
            .fetch_all(&mut **tx)
            .await?;
    article_from_row(&row, extra)
}

/// Whether a write is one of many (an import batch). Then it does not work
/// out whether older list pages moved (it names them all as changed), the
/// caller has read whether the story exists for the whole batch, and the
/// caller moves the id generator and wakes other nodes once per batch: a
/// round trip each per story was most of an import's time on PostgreSQL.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Bulk {
    Yes { existed: bool },
    No,
}

/// Insert or replace one article: its row, extra channels, the pictures it
/// uses, the jobs it queues, its listings and its change-log row.
pub(super) async fn write_article(
    tx: &mut Tx<'_>,
    a: &Article,
    now: i64,
    channels: &[(String, i64, String)],
    bulk: Bulk,
) -> StoreResult<Written> {
    let site_channels: Vec<(i64, String)> = channels
        .iter()
        .filter(|c| c.0 == a.site_id)
        .map(|c| (c.1, c.2.clone()))
        .collect();
    check(a, &site_channels)?;
    let existed = match bulk {
        _ if a.id == 0 => false,
        Bulk::Yes { existed } => existed,
        Bulk::No => sqlx::query_scalar::<_, i64>("SELECT id FROM articles WHERE id = $1")
            .bind(a.id)
            .fetch_optional(&mut **tx)
            .await?
            .is_some(),
    };
    // where it stood in its lists before this write: its neighbours there
    // show its title in their 上一篇/下一篇, and get new ones if it moves
    let stood: Vec<(i64, i64)> = if existed {
        sqlx::query_as("SELECT channel_id, sort_at FROM listings WHERE article_id = $1")
            .bind(a.id)
            .fetch_all(&mut **tx)
            .await?
    } else {
        Vec::new()
    };
    // the tags and people it was listed under: their pages drop it or show
    // it changed
    let tagged: Vec<String> = if existed {
        sqlx::query_scalar("SELECT tag FROM tag_listings WHERE article_id = $1")
            .bind(a.id)
            .fetch_all(&mut **tx)
            .await?
    } else {
        Vec::new()
    };
    let authored = reauthor(tx, a, existed).await?;
    // the 专题 that hold it as it stands, before it changes
    let gatherers = before_write(tx, a, existed, &stood, &tagged, &site_channels).await?;
    let id = write_row(tx, a, now, existed, bulk).await?;
    let created = !existed;
    record_uses(tx, id, &a.parts, &a.body_html, !created).await?;
    if a.status == Status::Published && a.ai.is_declared() && bulk == Bulk::No {
        queue_labelled(tx, a, id, now).await?;
    }
    let lists = relist(tx, a, id, created, now, &site_channels, bulk == Bulk::No).await?;
    let related_of = retag(tx, a, id, created, now).await?;
    let authored: BTreeSet<String> = authored
        .into_iter()
        .chain(list_authors(tx, a, id, now).await?)
        .collect();
    if bulk == Bulk::No {
        lists.counts.write(tx).await?;
    }

    // the story's page, its channels' lists and the site's feeds; never the
    // whole site
    let mut keys = vec![
        format!("story:{id}"),
        format!("feed:{}", a.site_id),
        "sitemap".to_string(),
        format!("sitemap:{}", crate::domain::url::sitemap_block_of(id)),
    ];
    keys.extend(related_of.iter().map(|r| format!("related:{r}")));
    // the tag pages it leaves, enters or stays on (tag_listings after retag)
    let tags_now: Vec<String> =
        sqlx::query_scalar("SELECT tag FROM tag_listings WHERE article_id = $1")
            .bind(id)
            .fetch_all(&mut **tx)
            .await?;
    let facet_keys: BTreeSet<String> = tagged
        .iter()
        .chain(tags_now.iter())
        .map(|t| Facet::Tag.key(&a.site_id, t))
        .chain(authored.iter().map(|n| Facet::Author.key(&a.site_id, n)))
        .collect();
    keys.extend(facet_keys);
    keys.extend(
        adjacent_keys(tx, id, &stood)
            .await?
            .into_iter()
            .map(|n| format!("adjacent:{n}")),
    );
    keys.extend(lists.keys(&a.site_id, &site_channels));
    keys.extend(gatherers.keys(a, id, &site_channels));
    // the 推荐位 that hold it: their lists show its title and drop it when it
    // is no longer live (a story new to the database is in none)
    if !matches!(bulk, Bulk::Yes { existed: false }) {
        let held: Vec<(String, String)> = sqlx::query_as(
            "SELECT s.site_id, s.key FROM slot_items i JOIN slots s ON s.id = i.slot_id \
             WHERE i.article_id = $1",
        )
        .bind(id)
        .fetch_all(&mut **tx)
        .await?;
        keys.extend(
            held.into_iter()
                .map(|(site, key)| format!("slot:{site}/{key}")),
        );
    }
    let kind = match a.status {
        Status::Published => "publish",
        Status::Withdrawn => "withdraw",
        _ => "edit",
    };
    let seq = append_change(tx, now, kind, Some(&a.site_id), Some(id), &keys).await?;
    if bulk == Bulk::No {
        dialect::after_change(tx, seq).await?;
    }
    Ok(Written {
        id,
        created,
        counts: lists.counts,
        seq,
    })
}

/// The keys of every list that shows story `id` (its channels' pages, the
/// 推荐位 holding it, its tag and people pages): what a change to how lists
/// show it (直播中 while a live story runs) must drop.
pub(super) async fn lists_showing(tx: &mut Tx<'_>, id: i64) -> StoreResult<Vec<String>> {
    let channels: Vec<(String, String)> = sqlx::query_as(
        "SELECT c.site_id, c.path FROM listings l JOIN channels c ON c.id = l.channel_id \
         WHERE l.article_id = $1",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    let slots: Vec<(String, String)> = sqlx::query_as(
        "SELECT s.site_id, s.key FROM slot_items i JOIN slots s ON s.id = i.slot_id \
         WHERE i.article_id = $1",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    let tags: Vec<(String, String)> = sqlx::query_as(
        "SELECT a.site_id, t.tag FROM tag_listings t JOIN articles a ON a.id = t.article_id \
         WHERE t.article_id = $1",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    let people: Vec<(String, String)> = sqlx::query_as(
        "SELECT a.site_id, n.name FROM author_listings n JOIN articles a ON a.id = n.article_id \
         WHERE n.article_id = $1",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    let mut keys = BTreeSet::new();
    for (site, path) in channels {
        keys.insert(format!("channel:{site}/{path}"));
        keys.insert(format!("channel-pages:{site}/{path}"));
    }
    keys.extend(
        slots
            .into_iter()
            .map(|(site, key)| format!("slot:{site}/{key}")),
    );
    keys.extend(tags.iter().map(|(site, t)| Facet::Tag.key(site, t)));
    keys.extend(people.iter().map(|(site, n)| Facet::Author.key(site, n)));
    Ok(keys.into_iter().collect())
}

/// What `write_article` did.
pub(super) struct Written {
    pub id: i64,
    /// The story is new.
    pub created: bool,
    /// How the channels' live counts change; already written unless the
    /// write was part of a batch.
    pub counts: LiveCounts,
    /// The change-log seq of the write (other nodes are already woken
    /// unless the write was part of a batch).
    pub seq: i64,
}

/// The rules a story's row keeps: its channels are its site's, and a
/// published story has its sign-off time and its address.
fn check(a: &Article, site_channels: &[(i64, String)]) -> StoreResult<()> {
    for cid in std::iter::once(&a.channel_id).chain(&a.extra_channel_ids) {
        if !site_channels.iter().any(|(c, _)| c == cid) {
            return Err(StoreError::Invalid(format!(
                "栏目 {cid} 不属于站点 {}",
                a.site_id
            )));
        }
    }
    if a.status == Status::Published && (a.signed_at.is_none() || a.url_path.is_none()) {
        return Err(StoreError::Invalid(
            "已发布的稿件必须有签发时间和网址".into(),
        ));
    }
    Ok(())
}

/// The row itself (the first published address is kept) and its extra
/// channels; returns its id.
async fn write_row(
    tx: &mut Tx<'_>,
    a: &Article,
    now: i64,
    existed: bool,
    bulk: Bulk,
) -> StoreResult<i64> {
    let sql = format!(
        "INSERT INTO articles (id, site_id, channel_id, title, short_title, subtitle, byline, source, reprint, \
                editor, body_html, summary, tags, status, signed_at, signed_by, published_at, url_path, \
                created_at, updated_at, version, corrections, revised_at, kind, parts, cover, pictures, duration, ai) \
             VALUES ({}, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
                $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29) \
             ON CONFLICT (id) DO UPDATE SET site_id = excluded.site_id, channel_id = excluded.channel_id, \
                title = excluded.title, short_title = excluded.short_title, subtitle = excluded.subtitle, \
                byline = excluded.byline, source = excluded.source, reprint = excluded.reprint, \
                editor = excluded.editor, body_html = excluded.body_html, summary = excluded.summary, \
                tags = excluded.tags, status = excluded.status, signed_at = excluded.signed_at, \
                signed_by = excluded.signed_by, published_at = excluded.published_at, \
                url_path = COALESCE(articles.url_path, excluded.url_path), \
                updated_at = excluded.updated_at, version = articles.version + 1, \
                corrections = excluded.corrections, revised_at = excluded.revised_at, \
                kind = excluded.kind, parts = excluded.parts, cover = excluded.cover, \
                pictures = excluded.pictures, duration = excluded.duration, ai = excluded.ai \
             RETURNING id",
        dialect::ARTICLE_ID
    );
    let id = sqlx::query_scalar::<_, i64>(&sql)
        .bind(a.id)
        .bind(&a.site_id)
        .bind(a.channel_id)
        .bind(&a.title)
        .bind(&a.short_title)
        .bind(&a.subtitle)
        .bind(to_json(&a.byline))
        .bind(&a.source)
        .bind(a.reprint.as_ref().map(to_json))
        .bind(&a.editor)
        .bind(&a.body_html)
        .bind(&a.summary)
        .bind(to_json(&a.tags))
        .bind(a.status.as_str())
        .bind(a.signed_at)
        .bind(&a.signed_by)
        .bind(a.published_at)
        .bind(&a.url_path)
        .bind(a.created_at)
        .bind(now)
        .bind(a.version.max(1))
        .bind(to_json(&a.corrections))
        .bind(a.revised_at)
        .bind(a.kind.as_str())
        .bind(to_json(&a.parts))
        .bind(a.parts.cover().map(|c| c.image_id))
        .bind(a.parts.gallery.len() as i64)
        .bind(a.parts.video.as_ref().map_or(0, |v| i64::from(v.seconds)))
        .bind(a.ai.as_str())
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict(format!(
                "网址 {} 已被其他稿件使用",
                a.url_path.as_deref().unwrap_or("")
            )),
            e => StoreError::Db(e),
        })?;

    if !existed && a.id != 0 && bulk == Bulk::No {
        // an id chosen by the caller: keep the id generator ahead of it
        dialect::note_explicit_article_id(tx, id).await?;
    }
    if existed {
        sqlx::query("DELETE FROM article_channels WHERE article_id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    for cid in a
        .extra_channel_ids
        .iter()
        .filter(|c| **c != a.channel_id)
        .collect::<BTreeSet<_>>()
    {
        sqlx::query("INSERT INTO article_channels (article_id, channel_id) VALUES ($1, $2)")
            .bind(id)
            .bind(cid)
            .execute(&mut **tx)
            .await?;
    }
    Ok(id)
}

/// Note which pictures a story's saved text uses: its parts and the
/// `/media/` images of its body (of its own site). `replace`: the live text
/// was written, so the list starts again from it.
pub(super) async fn record_uses(
    tx: &mut Tx<'_>,
    article_id: i64,
    parts: &Parts,
    body_html: &str,
    replace: bool,
) -> StoreResult<()> {
    if replace {
        sqlx::query("DELETE FROM image_uses WHERE article_id = $1")
            .bind(article_id)
            .execute(&mut **tx)
            .await?;
    }
    let ids = parts.image_ids();
    let keys = body_keys(body_html);
    if ids.is_empty() && keys.is_empty() {
        return Ok(());
    }
    let mut b: QueryBuilder<'_, super::Db> =
        QueryBuilder::new("INSERT INTO image_uses (image_id, article_id) SELECT i.id, ");
    b.push_bind(article_id);
    b.push(" FROM images i WHERE i.id IN (0");
    for id in &ids {
        b.push(", ").push_bind(*id);
    }
    b.push(") OR (i.key IN (''");
    for k in keys {
        b.push(", ").push_bind(k);
    }
    b.push(") AND i.site_id = (SELECT site_id FROM articles WHERE id = ")
        .push_bind(article_id)
        .push(")) ON CONFLICT DO NOTHING");
    b.build().execute(&mut **tx).await?;
    Ok(())
}

/// The jobs a published, declared story queues: the pictures of a declared
/// story carry the implicit label, so their job makes labelled files (a
/// no-op for those that have them), and a declared 视频 story's video gets
/// labelled renditions.
async fn queue_labelled(tx: &mut Tx<'_>, a: &Article, id: i64, now: i64) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO jobs (kind, key, run_at) SELECT 'picture_variants', CAST(image_id AS TEXT), $1 \
         FROM image_uses WHERE article_id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    if let Some(v) = &a.parts.video {
        sqlx::query("INSERT INTO jobs (kind, key, run_at) VALUES ('video_process', $1, $2)")
            .bind(v.video_id.to_string())
            .bind(now)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// The stories whose 上一篇/下一篇 show or should show story `id`: in every
/// list it stood in (`stood`) or stands in now, its neighbours either side
/// whose own channel is that list (a story's pager walks its own channel).
/// Exact: a sign-off re-renders its two neighbours' pages, not the channel.
async fn adjacent_keys(tx: &mut Tx<'_>, id: i64, stood: &[(i64, i64)]) -> StoreResult<Vec<i64>> {
    let stands: Vec<(i64, i64)> =
        sqlx::query_as("SELECT channel_id, sort_at FROM listings WHERE article_id = $1")
            .bind(id)
            .fetch_all(&mut **tx)
            .await?;
    let mut out = BTreeSet::new();
    for (channel, at) in stood.iter().chain(stands.iter()) {
        for sql in [
            "SELECT l.article_id, a.channel_id FROM listings l JOIN articles a ON a.id = l.article_id \
             WHERE l.channel_id = $1 AND l.article_id <> $3 AND (l.sort_at < $2 OR (l.sort_at = $2 AND l.article_id < $3)) \
             ORDER BY l.sort_at DESC, l.article_id DESC LIMIT 1",
            "SELECT l.article_id, a.channel_id FROM listings l JOIN articles a ON a.id = l.article_id \
             WHERE l.channel_id = $1 AND l.article_id <> $3 AND (l.sort_at > $2 OR (l.sort_at = $2 AND l.article_id > $3)) \
             ORDER BY l.sort_at, l.article_id LIMIT 1",
        ] {
            let n: Option<(i64, i64)> = sqlx::query_as(sql)
                .bind(channel)
                .bind(at)
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?;
            if let Some((n, own)) = n.filter(|(_, own)| own == channel) {
                let _ = own;
                out.insert(n);
            }
        }
    }
    Ok(out.into_iter().collect())
}

/// Keep `author_listings` in step with the story: its byline's people while
/// it is live and listed. Answers the names it was and is listed under
/// (their author pages change). Runs before the story's id may be new (0):
/// the row is written with `a.id` only when it has one.
async fn reauthor(tx: &mut Tx<'_>, a: &Article, existed: bool) -> StoreResult<BTreeSet<String>> {
    let mut names: BTreeSet<String> = BTreeSet::new();
    if existed {
        let old: Vec<String> =
            sqlx::query_scalar("SELECT name FROM author_listings WHERE article_id = $1")
                .bind(a.id)
                .fetch_all(&mut **tx)
                .await?;
        if !old.is_empty() {
            sqlx::query("DELETE FROM author_listings WHERE article_id = $1")
                .bind(a.id)
                .execute(&mut **tx)
                .await?;
        }
        names.extend(old);
    }
    Ok(names)
}

/// Write the story's byline people into `author_listings` (after its row
/// exists, with its id); answers them.
async fn list_authors(
    tx: &mut Tx<'_>,
    a: &Article,
    id: i64,
    now: i64,
) -> StoreResult<BTreeSet<String>> {
    let mut names = BTreeSet::new();
    if a.status == Status::Published && a.kind.listed() {
        names = a
            .byline
            .iter()
            .map(|b| b.name.trim().to_string())
            .filter(|n| !n.is_empty() && n.chars().count() <= crate::domain::url::MAX_TAG_CHARS)
            .collect();
        if !names.is_empty() {
            let at = a.signed_at.unwrap_or(now);
            let mut q =
                QueryBuilder::new("INSERT INTO author_listings (name, article_id, sort_at) ");
            q.push_values(&names, |mut b, n| {
                b.push_bind(n.clone()).push_bind(id).push_bind(at);
            });
            q.build().execute(&mut **tx).await?;
        }
    }
    Ok(names)
}
