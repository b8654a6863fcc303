//! 专题: its lead and sections (each its picks, then what its rule
//! gathers, as many as its size, with a link to its own paged list), a
//! `CollectionPage` and an `ItemList` per section. The page reads
//! `topic:{id}`, which the writes of the stories it holds log.

use serde::Serialize;

use super::{Added, StoryInput, StoryPage};
use crate::domain::ArticleSummary;
use crate::domain::picture::Ratio;
use crate::domain::text::list_date;
use crate::domain::topic::{key, section_path};
use crate::render::pictures::{PictureView, SIZES_THUMB, view};

pub(super) struct TopicPage;

/// A story in a topic's list.
#[derive(Serialize)]
struct Item {
    title: String,
    url: String,
    date: String,
    summary: String,
    thumb: Option<PictureView>,
}

#[derive(Serialize)]
struct SectionView {
    name: String,
    items: Vec<Item>,
    /// The section's own list, when it holds more than the page shows.
    more: Option<String>,
    total: i64,
}

#[async_trait::async_trait]
impl StoryPage for TopicPage {
    fn template(&self) -> &'static str {
        "portal/topic.html"
    }

    fn main_structured(&self, ld: serde_json::Value) -> serde_json::Value {
        serde_json::json!({
            "@context": "https://schema.org",
            "@type": "CollectionPage",
            "name": ld["headline"],
            "url": ld["mainEntityOfPage"],
            "description": ld["description"],
            "datePublished": ld["datePublished"],
            "dateModified": ld["dateModified"],
            "publisher": ld["publisher"],
            "image": ld["image"],
        })
    }

    async fn add(&self, s: &mut StoryInput<'_>) -> anyhow::Result<Added> {
        let mut added = Added::default();
        let a = s.article;
        let Some(topic) = a.parts.topic.clone() else {
            return Ok(added);
        };
        s.deps.insert(key(a.id));
        let store = s.env.store.as_ref();
        let now = s.env.now();
        let link = |x: &ArticleSummary| format!("{}{}", s.site_prefix, x.url_path);
        let lead = store.picked(&a.site_id, &topic.lead).await?;
        let mut sections = Vec::new();
        let mut listed: Vec<ArticleSummary> = lead.clone();
        for (i, sec) in topic.sections.iter().enumerate() {
            let picks = store.picked(&a.site_id, &sec.picks).await?;
            let size = i64::from(sec.size.max(1));
            let room = (size - picks.len() as i64).max(0);
            let gathered = if sec.rule.is_active() {
                store
                    .gathered(&a.site_id, &sec.rule, &sec.picks, room, 0)
                    .await?
            } else {
                Vec::new()
            };
            let total = picks.len() as i64
                + if sec.rule.is_active() {
                    store
                        .gathered_count(&a.site_id, &sec.rule, &sec.picks)
                        .await?
                } else {
                    0
                };
            let shown: Vec<ArticleSummary> = picks
                .into_iter()
                .chain(gathered)
                .take(size as usize)
                .collect();
            listed.extend(shown.iter().cloned());
            sections.push((sec.name.clone(), shown, total, size, i + 1));
        }
        // the lead's pictures and the first story's of each section
        let covers: Vec<i64> = listed.iter().filter_map(|x| x.cover).collect();
        let pictures = s.env.cache.pictures(store, &covers).await?;
        for id in pictures.keys() {
            s.deps.insert(format!("image:{id}"));
        }
        let item = |x: &ArticleSummary, with_thumb: bool| Item {
            title: x.title.clone(),
            url: link(x),
            date: list_date(x.signed_at, now),
            summary: x.summary.clone(),
            thumb: x
                .cover
                .filter(|_| with_thumb)
                .and_then(|c| pictures.get(&c))
                .map(|p| view(p, None, Some(Ratio::Standard), SIZES_THUMB, 320)),
        };
        let lead: Vec<Item> = lead.iter().map(|x| item(x, true)).collect();
        let views: Vec<SectionView> = sections
            .iter()
            .map(|(name, shown, total, size, n)| SectionView {
                name: name.clone(),
                items: shown.iter().map(|x| item(x, false)).collect(),
                more: (*total > *size)
                    .then(|| format!("{}{}", s.site_prefix, section_path(&topic.slug, *n, 1))),
                total: *total,
            })
            .collect();
        for (v, (_, shown, _, _, _)) in views.iter().zip(&sections) {
            if shown.is_empty() {
                continue;
            }
            added.structured.push(serde_json::json!({
                "@context": "https://schema.org",
                "@type": "ItemList",
                "name": v.name,
                "itemListElement": shown.iter().enumerate().map(|(i, x)| serde_json::json!({
                    "@type": "ListItem",
                    "position": i + 1,
                    "url": s.absolute(&link(x)),
                    "name": x.title,
                })).collect::<Vec<_>>(),
            }));
        }
        // 您当前的位置: 首页 >> 专题 >> this topic
        let home = format!("{}{}", s.origin, s.site_prefix);
        let list = format!("{}{}", s.site_prefix, crate::domain::topic::list_path(1));
        let trail = serde_json::json!({
            "@context": "https://schema.org",
            "@type": "BreadcrumbList",
            "itemListElement": [
                {"@type": "ListItem", "position": 1, "name": "首页", "item": home},
                {"@type": "ListItem", "position": 2, "name": "专题", "item": s.absolute(&list)},
                {"@type": "ListItem", "position": 3, "name": a.title, "item": s.canonical},
            ],
        });
        added.field("trail_ld", crate::render::script_text(&trail))?;
        added.field(
            "topic",
            serde_json::json!({
                "slug": topic.slug,
                "lead": lead,
                "sections": views,
                "feed": format!("{}{}rss.xml", s.site_prefix, crate::domain::topic::topic_path(&topic.slug)),
                "list": format!("{}{}", s.site_prefix, crate::domain::topic::list_path(1)),
            }),
        )?;
        Ok(added)
    }
}
