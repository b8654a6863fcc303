//! 专题: its address (`/zt/{slug}/`, fixed once published), its lead (story
//! numbers in order) and its sections, each with stories placed by hand
//! and/or a rule (tags, channels, keywords, dates) and a size. Only 专题编辑
//! (and administrators) create or change a topic; its sign-off is any
//! story's.

use super::{EditorPanel, Fields, Saving};
use crate::domain::draft::Draft;
use crate::domain::kind::Parts;
use crate::domain::text::{cst_day_start, date_iso};
use crate::domain::topic::{MAX_SECTIONS, Rule, Section, TopicPart, topic_path, valid_slug};
use crate::domain::user::User;
use crate::newsroom::Story;
use crate::state::AppState;
use crate::web::error::AppError;

pub(super) struct TopicPanel;

/// Blank sections the form offers beyond the topic's own.
const BLANK_SECTIONS: usize = 2;

/// Whether `c` separates the values of a list field: a comma (half or
/// full width), 、 or a space.
fn separates(c: char) -> bool {
    matches!(c, ',' | '\u{FF0C}' | '\u{3001}') || c.is_whitespace()
}

/// Story numbers as written (`12, 15 18`, `12,15`), in order.
fn ids(s: &str) -> Result<Vec<i64>, String> {
    s.split(separates)
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.parse::<i64>()
                .map_err(|_| format!("稿件编号“{t}”不对:请填写数字编号,用逗号分隔"))
        })
        .collect()
}

/// Words as written, separated by commas or spaces.
fn words(s: &str) -> Vec<String> {
    s.split(separates)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// A date field (`2024-04-20`, China Standard Time) as the start of that
/// day; `next` gives the start of the day after (an inclusive end).
fn day(s: &str, what: &str, next: bool) -> Result<Option<i64>, String> {
    match s.trim() {
        "" => Ok(None),
        t => cst_day_start(t)
            .map(|d| Some(if next { d + 86_400 } else { d }))
            .ok_or_else(|| format!("{what}“{t}”不对:请按 2024-04-20 的格式填写")),
    }
}

#[async_trait::async_trait]
impl EditorPanel for TopicPanel {
    fn template(&self) -> Option<&'static str> {
        Some("admin/kinds/topic.html")
    }

    fn parse(&self, f: &Fields, parts: &mut Parts) -> Result<(), String> {
        let slug = f.get("topic_slug").trim();
        let names = f.all("sec_name");
        if slug.is_empty() && names.iter().all(|n| n.trim().is_empty()) {
            parts.topic = None;
            return Ok(());
        }
        let col = |k: &str, i: usize| f.all(k).get(i).copied().unwrap_or_default();
        let mut sections = Vec::new();
        for (i, name) in names.iter().enumerate().take(MAX_SECTIONS + BLANK_SECTIONS) {
            let label = if name.trim().is_empty() {
                format!("第 {} 个栏目", i + 1)
            } else {
                format!("栏目“{}”", name.trim())
            };
            let size = match col("sec_size", i).trim() {
                "" => 0,
                t => t
                    .parse::<u32>()
                    .map_err(|_| format!("{label}的显示条数“{t}”不对:请填写 1 到 50 的数字"))?,
            };
            sections.push(Section {
                name: name.to_string(),
                picks: ids(col("sec_picks", i)).map_err(|e| format!("{label}:{e}"))?,
                rule: Rule {
                    tags: words(col("sec_tags", i)),
                    channels: words(col("sec_channels", i)),
                    keywords: words(col("sec_keywords", i)),
                    from: day(col("sec_from", i), &format!("{label}的起始日期"), false)?,
                    until: day(col("sec_to", i), &format!("{label}的截止日期"), true)?,
                },
                size,
            });
        }
        parts.topic = Some(TopicPart {
            slug: slug.to_ascii_lowercase(),
            lead: ids(f.get("topic_lead")).map_err(|e| format!("专题头条:{e}"))?,
            sections,
        });
        Ok(())
    }

    /// Only 专题编辑 change a topic; its address is well formed, free on its
    /// site and unchanged once published; every story it names by number is
    /// a live story of the site; every channel its rules name is the site's.
    async fn check(&self, s: &Saving<'_>, draft: &mut Draft) -> Result<(), AppError> {
        if !s.user.edits_topics() {
            return Err(AppError::Forbidden(
                "只有专题编辑才能创建或修改专题;需要时请联系管理员添加“专题编辑”角色".into(),
            ));
        }
        let Some(topic) = draft.parts.topic.as_ref() else {
            return Ok(());
        };
        let (state, site_id) = (s.state, s.site_id);
        if !topic.slug.is_empty() {
            valid_slug(&topic.slug).map_err(AppError::BadRequest)?;
            let rel = topic_path(&topic.slug);
            let story_id = s.story.map(|s| s.state.article.id);
            if let Some(cur) = s.story.and_then(|s| s.state.article.url_path.as_deref()) {
                if cur != rel {
                    return Err(AppError::BadRequest(format!(
                        "专题已发布,网址 /{cur} 不能再改(读者和搜索引擎记住的地址不会变)"
                    )));
                }
            }
            if let Some(other) = state.store.topic_at(site_id, &rel).await? {
                if Some(other) != story_id {
                    return Err(AppError::Conflict(format!(
                        "本站已有网址为 /{rel} 的专题(稿件 {other}),请换一个网址"
                    )));
                }
            }
        }
        let named: Vec<i64> = topic.picked().collect();
        let live: Vec<i64> = state
            .store
            .picked(site_id, &named)
            .await?
            .into_iter()
            .map(|a| a.id)
            .collect();
        let missing: Vec<String> = named
            .iter()
            .filter(|id| !live.contains(id))
            .map(i64::to_string)
            .collect();
        if !missing.is_empty() {
            return Err(AppError::BadRequest(format!(
                "稿件 {} 不是本站已发布的稿件,不能放进专题(请检查编号)",
                missing.join("、")
            )));
        }
        let channels = state.store.channels(site_id).await?;
        for sec in &topic.sections {
            for c in &sec.rule.channels {
                if !channels.iter().any(|x| &x.path == c) {
                    return Err(AppError::BadRequest(format!(
                        "专题栏目“{}”的收录规则里的栏目“{c}”不是本站的栏目(请填写栏目路径,如 zw/yw)",
                        sec.name
                    )));
                }
            }
        }
        Ok(())
    }

    async fn context(
        &self,
        _state: &AppState,
        user: &User,
        story: Option<&Story>,
        d: &Draft,
    ) -> Result<minijinja::Value, AppError> {
        let fixed = story.is_some_and(|s| {
            s.state.article.parts.topic.is_some() && s.state.article.url_path.is_some()
        });
        let topic = d.parts.topic.clone().unwrap_or_default();
        let join = |v: &[String]| v.join(",");
        let mut sections: Vec<minijinja::Value> = topic
            .sections
            .iter()
            .map(|s| {
                minijinja::context! {
                    name => s.name,
                    size => s.size,
                    picks => s.picks.iter().map(i64::to_string).collect::<Vec<_>>().join(","),
                    tags => join(&s.rule.tags),
                    channels => join(&s.rule.channels),
                    keywords => join(&s.rule.keywords),
                    from => s.rule.from.map(date_iso).unwrap_or_default(),
                    to => s.rule.until.map(|t| date_iso(t - 86_400)).unwrap_or_default(),
                }
            })
            .collect();
        for _ in 0..BLANK_SECTIONS {
            sections.push(minijinja::context! { size => crate::domain::topic::DEFAULT_SIZE });
        }
        Ok(minijinja::context! {
            fixed,
            may_edit => user.edits_topics(),
            slug => topic.slug,
            lead => topic.lead.iter().map(i64::to_string).collect::<Vec<_>>().join(","),
            sections,
        })
    }
}
