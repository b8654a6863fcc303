//! The 专题 a story's write touches (`domain::topic`): read before the
//! write, what the site's live topics hold of the story as it was; after
//! it, the `topic:ID` keys of those that hold it as it was or as it is
//! (picked, or gathered by a section's rule), so a sign-off drops exactly
//! the topic pages it enters or leaves. A topic's own write names its
//! site's list of topics. A leaf of `article_write`. Compiled once per
//! backend.

use super::write::Tx;
use crate::db::{StoreError, StoreResult};
use crate::domain::kind::Kind;
use crate::domain::topic::{Facts, TopicPart, key, site_key};
use crate::domain::{Article, Status};

/// The site's live topics, and the story as it stood before the write.
pub(super) struct Gatherers {
    topics: Vec<(i64, TopicPart)>,
    was: Option<Was>,
}

/// What the rules looked at in the story before the write.
struct Was {
    listed: bool,
    tags: Vec<String>,
    channels: Vec<String>,
    title: String,
    summary: String,
    signed_at: i64,
}

/// Paths of channels `ids` and their ancestors.
fn channel_paths(
    ids: impl IntoIterator<Item = i64>,
    site_channels: &[(i64, String)],
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in ids {
        if let Some((_, path)) = site_channels.iter().find(|(c, _)| *c == id) {
            for p in crate::domain::channel::ancestry(path) {
                if !out.iter().any(|x| x == p) {
                    out.push(p.to_string());
                }
            }
        }
    }
    out
}

/// Read the site's live topics and, if there are any, the story as it was.
pub(super) async fn before_write(
    tx: &mut Tx<'_>,
    a: &Article,
    existed: bool,
    stood: &[(i64, i64)],
    tagged: &[String],
    site_channels: &[(i64, String)],
) -> StoreResult<Gatherers> {
    let kinds: Vec<&str> = Kind::ALL
        .into_iter()
        .filter(|k| k.spec().gathers)
        .map(Kind::as_str)
        .collect();
    let mut q = sqlx::QueryBuilder::new(
        "SELECT id, parts FROM articles WHERE status = 'published' AND site_id = ",
    );
    q.push_bind(a.site_id.clone()).push(" AND kind IN (");
    let mut list = q.separated(", ");
    for k in kinds {
        list.push_bind(k);
    }
    list.push_unseparated(")");
    let rows: Vec<(i64, String)> = q.build_query_as().fetch_all(&mut **tx).await?;
    let mut topics = Vec::new();
    for (id, parts) in rows {
        let parts: crate::domain::kind::Parts = serde_json::from_str(&parts)
            .map_err(|e| StoreError::Corrupt(format!("parts of topic {id}: {e}")))?;
        if let Some(t) = parts.topic {
            topics.push((id, t));
        }
    }
    let was = if existed && !topics.is_empty() {
        let row: Option<(String, String, Option<i64>, String, String)> = sqlx::query_as(
            "SELECT title, summary, signed_at, status, kind FROM articles WHERE id = $1",
        )
        .bind(a.id)
        .fetch_optional(&mut **tx)
        .await?;
        row.map(|(title, summary, signed_at, status, kind)| Was {
            listed: status == Status::Published.as_str()
                && Kind::parse(&kind).is_some_and(Kind::listed),
            tags: tagged.to_vec(),
            channels: channel_paths(stood.iter().map(|(c, _)| *c), site_channels),
            title,
            summary,
            signed_at: signed_at.unwrap_or_default(),
        })
    } else {
        None
    };
    Ok(Gatherers { topics, was })
}

impl Gatherers {
    /// The keys of the topics that held story `id` before the write or
    /// hold `a` now; a topic's own keys when `a` is a live (or withdrawn)
    /// topic.
    pub(super) fn keys(
        &self,
        a: &Article,
        id: i64,
        site_channels: &[(i64, String)],
    ) -> Vec<String> {
        let mut keys = Vec::new();
        if a.kind.spec().gathers && matches!(a.status, Status::Published | Status::Withdrawn) {
            keys.push(site_key(&a.site_id));
            keys.push(key(id));
        }
        let channels = channel_paths(
            std::iter::once(a.channel_id).chain(a.extra_channel_ids.iter().copied()),
            site_channels,
        );
        let now = Facts {
            site_id: &a.site_id,
            listed: a.status == Status::Published && a.kind.listed(),
            tags: &a.tags,
            channels,
            title: &a.title,
            summary: &a.summary,
            signed_at: a.signed_at.unwrap_or_default(),
        };
        let was = self.was.as_ref().map(|w| Facts {
            site_id: &a.site_id,
            listed: w.listed,
            tags: &w.tags,
            channels: w.channels.clone(),
            title: &w.title,
            summary: &w.summary,
            signed_at: w.signed_at,
        });
        for (topic, part) in &self.topics {
            let held_before = was.as_ref().is_some_and(|w| part.holds(id, w));
            if (held_before || part.holds(id, &now)) && *topic != id {
                keys.push(key(*topic));
            }
        }
        keys
    }
}
