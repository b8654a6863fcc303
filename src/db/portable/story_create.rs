//! A new story's first write, shared by `Stories::create_story` and
//! `Assignments::start_assignment` (which creates the story an assignment
//! starts in its own transaction): the article row in draft, its first
//! revision and its author. A leaf: the aggregate files use it.

use super::article_write::{Bulk, record_uses, site_channels, write_article};
use super::write::{Tx, to_json};
use crate::db::StoreResult;
use crate::domain::draft::Draft;
use crate::domain::user::User;
use crate::domain::workflow::Work;
use crate::domain::{Article, Status};

/// The next revision of story `id`: (its row id, its number).
pub(super) async fn next_revision(
    tx: &mut Tx<'_>,
    id: i64,
    draft: &Draft,
    author: &User,
    now: i64,
) -> StoreResult<(i64, i64)> {
    let number: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM revisions WHERE article_id = $1",
    )
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    let rev: i64 = sqlx::query_scalar(
        "INSERT INTO revisions (article_id, number, content, author_id, author, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(id)
    .bind(number)
    .bind(to_json(draft))
    .bind(author.id)
    .bind(&author.display_name)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    record_uses(tx, id, &draft.parts, &draft.body_html, false).await?;
    Ok((rev, number))
}

/// Insert a new story in draft with its first revision by `author`; its id.
pub(super) async fn insert_story(
    tx: &mut Tx<'_>,
    site_id: &str,
    draft: &Draft,
    author: &User,
    now: i64,
) -> StoreResult<i64> {
    let channels = site_channels(tx, Some(site_id)).await?;
    let mut a = Article {
        id: 0,
        site_id: site_id.to_string(),
        channel_id: 0,
        extra_channel_ids: vec![],
        title: String::new(),
        short_title: None,
        subtitle: None,
        byline: vec![],
        source: String::new(),
        reprint: None,
        editor: String::new(),
        body_html: String::new(),
        summary: String::new(),
        tags: vec![],
        status: Status::Draft,
        signed_at: None,
        signed_by: None,
        published_at: None,
        url_path: None,
        created_at: now,
        updated_at: now,
        version: 1,
        corrections: vec![],
        revised_at: None,
        kind: Default::default(),
        ai: Default::default(),
        parts: Default::default(),
    };
    draft.apply_to(&mut a);
    let id = write_article(tx, &a, now, &channels, Bulk::No).await?.id;
    let (rev, _) = next_revision(tx, id, draft, author, now).await?;
    sqlx::query("UPDATE articles SET author_id = $1, work = $2, work_revision = $3 WHERE id = $4")
        .bind(author.id)
        .bind(to_json(&Work::Draft))
        .bind(rev)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(id)
}
