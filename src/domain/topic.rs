//! 专题 (special topics): a story of kind `Kind::Topic` that gathers other
//! stories in sections (节点), each filled by hand (ordered picks, as a 推荐位
//! is) and/or by a rule (tags, channels, keywords, a date range) evaluated
//! on the listings; with a banner (its 题图), an introduction (its body) and
//! a lead of hand-picked stories. Written, reviewed and signed off like any
//! story; it lives at `{prefix}zt/{slug}/`, each section paged at
//! `zt/{slug}/{n}/`. No I/O: the store evaluates rules in SQL
//! (`Topics::section_page`) with the same meaning as [`Rule::matches`],
//! which a story's write uses to name the topics it enters or leaves.

use serde::{Deserialize, Serialize};

/// Sections a topic may have.
pub const MAX_SECTIONS: usize = 12;
/// Stories a section may pick by hand, and the lead.
pub const MAX_PICKS: usize = 50;
/// Items of a rule's list (tags, channels, keywords).
pub const MAX_RULE_ITEMS: usize = 10;
/// Stories a section shows on the topic's page by default.
pub const DEFAULT_SIZE: u32 = 8;
/// Stories per page of a section's own list.
pub const SECTION_PAGE_SIZE: i64 = 20;
/// The directory of topics in every site (`zt/`).
pub const DIR: &str = "zt";

/// A topic's part.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TopicPart {
    /// `2024sxj` for `/zt/2024sxj/`: fixed at the first sign-off.
    pub slug: String,
    /// The topic's lead (its own 头条): story ids in order.
    pub lead: Vec<i64>,
    pub sections: Vec<Section>,
}

/// A section (节点) of a topic.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Section {
    pub name: String,
    /// Stories placed by hand, in order, before the rule's.
    pub picks: Vec<i64>,
    pub rule: Rule,
    /// Stories the topic's page shows of it.
    pub size: u32,
}

/// Which stories a section gathers by itself: live stories of the topic's
/// site that carry one of the tags (if any are named), are in one of the
/// channels or below (if any), have one of the keywords in their title or
/// summary (if any), and were signed off in the range (if given). A rule
/// naming no tag, channel or keyword gathers nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Rule {
    pub tags: Vec<String>,
    /// Channel paths (`zw`, `zw/yw`).
    pub channels: Vec<String>,
    pub keywords: Vec<String>,
    /// Signed off at or after (epoch seconds).
    pub from: Option<i64>,
    /// Signed off before (epoch seconds).
    pub until: Option<i64>,
}

/// What a rule looks at in a story.
#[derive(Debug, Clone, Default)]
pub struct Facts<'a> {
    pub site_id: &'a str,
    pub listed: bool,
    pub tags: &'a [String],
    /// The paths of its channels and their ancestors.
    pub channels: Vec<String>,
    pub title: &'a str,
    pub summary: &'a str,
    pub signed_at: i64,
}

impl Rule {
    /// Whether the rule gathers anything.
    pub fn is_active(&self) -> bool {
        !(self.tags.is_empty() && self.channels.is_empty() && self.keywords.is_empty())
    }

    /// Whether a live story with `facts` is gathered (the same test the
    /// store's query makes).
    pub fn matches(&self, f: &Facts<'_>) -> bool {
        if !self.is_active() || !f.listed {
            return false;
        }
        let tags = self.tags.is_empty() || self.tags.iter().any(|t| f.tags.contains(t));
        let channels =
            self.channels.is_empty() || self.channels.iter().any(|c| f.channels.contains(c));
        let keywords = self.keywords.is_empty() || {
            let (title, summary) = (f.title.to_lowercase(), f.summary.to_lowercase());
            self.keywords.iter().any(|k| {
                let k = k.to_lowercase();
                title.contains(&k) || summary.contains(&k)
            })
        };
        let from = self.from.is_none_or(|t| f.signed_at >= t);
        let until = self.until.is_none_or(|t| f.signed_at < t);
        tags && channels && keywords && from && until
    }
}

impl TopicPart {
    /// Every story picked by hand (lead and sections).
    pub fn picked(&self) -> impl Iterator<Item = i64> + '_ {
        self.lead
            .iter()
            .chain(self.sections.iter().flat_map(|s| s.picks.iter()))
            .copied()
    }

    /// Whether the topic holds a live story with `facts` and id `id`.
    pub fn holds(&self, id: i64, facts: &Facts<'_>) -> bool {
        self.picked().any(|p| p == id) || self.sections.iter().any(|s| s.rule.matches(facts))
    }

    /// The part as saved: trimmed names, at most the limits, no empty section.
    pub fn clean(self) -> Self {
        let list = |v: Vec<String>| -> Vec<String> {
            let mut out: Vec<String> = Vec::new();
            for x in v.into_iter().map(|x| x.trim().to_string()) {
                if !x.is_empty() && !out.contains(&x) && out.len() < MAX_RULE_ITEMS {
                    out.push(x);
                }
            }
            out
        };
        let picks = |v: Vec<i64>| -> Vec<i64> {
            let mut out: Vec<i64> = Vec::new();
            for id in v {
                if id > 0 && !out.contains(&id) && out.len() < MAX_PICKS {
                    out.push(id);
                }
            }
            out
        };
        TopicPart {
            slug: self.slug.trim().to_ascii_lowercase(),
            lead: picks(self.lead),
            sections: self
                .sections
                .into_iter()
                .map(|s| Section {
                    name: s.name.trim().to_string(),
                    picks: picks(s.picks),
                    rule: Rule {
                        tags: list(s.rule.tags),
                        channels: list(s.rule.channels)
                            .into_iter()
                            .map(|c| c.trim_matches('/').to_string())
                            .collect(),
                        keywords: list(s.rule.keywords),
                        from: s.rule.from,
                        until: s.rule.until,
                    },
                    size: if s.size == 0 {
                        DEFAULT_SIZE
                    } else {
                        s.size.min(50)
                    },
                })
                .filter(|s| !s.name.is_empty() || !s.picks.is_empty() || s.rule.is_active())
                .take(MAX_SECTIONS)
                .collect(),
        }
    }

    /// What keeps the part from being complete (the error says what to do).
    pub fn missing(&self) -> Option<String> {
        if let Err(e) = valid_slug(&self.slug) {
            return Some(e);
        }
        if self.sections.is_empty() {
            return Some("专题至少要有一个栏目(节点)".into());
        }
        for (i, s) in self.sections.iter().enumerate() {
            if s.name.is_empty() {
                return Some(format!("专题的第 {} 个栏目没有名称", i + 1));
            }
            if s.picks.is_empty() && !s.rule.is_active() {
                return Some(format!(
                    "专题栏目“{}”既没有指定稿件,也没有按标签、栏目或关键词收录的规则",
                    s.name
                ));
            }
            if let (Some(a), Some(b)) = (s.rule.from, s.rule.until) {
                if a >= b {
                    return Some(format!("专题栏目“{}”的起止日期颠倒了", s.name));
                }
            }
        }
        None
    }
}

/// Check a topic's address name: 1-40 lowercase letters, digits and inner
/// hyphens. The error says what to write.
pub fn valid_slug(slug: &str) -> Result<(), String> {
    let ok = (1..=40).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && slug != "index";
    if ok {
        Ok(())
    } else {
        Err(format!(
            "专题网址“{slug}”不对:请用 1 到 40 个小写英文字母、数字或连字符,如 2024sxj"
        ))
    }
}

/// Site-relative path of a topic.
pub fn topic_path(slug: &str) -> String {
    format!("{DIR}/{slug}/")
}

/// Site-relative path of page `page` of section `n` (1-based) of a topic.
pub fn section_path(slug: &str, n: usize, page: u32) -> String {
    if page <= 1 {
        format!("{DIR}/{slug}/{n}/")
    } else {
        format!("{DIR}/{slug}/{n}/index_{page}.html")
    }
}

/// Site-relative path of page `page` of a site's list of topics.
pub fn list_path(page: u32) -> String {
    if page <= 1 {
        format!("{DIR}/")
    } else {
        format!("{DIR}/index_{page}.html")
    }
}

/// The dependency key of a topic's pages: a write logs it for the topics
/// whose rules or picks a story enters, stays in or leaves.
pub fn key(id: i64) -> String {
    format!("topic:{id}")
}

/// The dependency key of a site's topics (its list, and the stories' "本文
/// 收录于专题" line): a topic's own write logs it.
pub fn site_key(site_id: &str) -> String {
    format!("topics:{site_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(tags: &'a [String], title: &'a str) -> Facts<'a> {
        Facts {
            site_id: "main",
            listed: true,
            tags,
            channels: vec!["zw".into(), "zw/yw".into()],
            title,
            summary: "",
            signed_at: 1_000,
        }
    }

    #[test]
    fn a_rule_gathers_what_all_its_conditions_say() {
        let tags = vec!["书香滨州".to_string()];
        let rule = Rule {
            tags: vec!["书香滨州".into(), "阅读".into()],
            channels: vec!["zw".into()],
            ..Rule::default()
        };
        assert!(rule.matches(&facts(&tags, "全民阅读季启动")));
        let other = vec!["招商".to_string()];
        assert!(!rule.matches(&facts(&other, "全民阅读季启动")));
        let words = Rule {
            keywords: vec!["齐鲁书香节".into(), "Reading".into()],
            from: Some(500),
            until: Some(2_000),
            ..Rule::default()
        };
        assert!(words.matches(&facts(&other, "2024齐鲁书香节开幕")));
        assert!(
            words.matches(&facts(&other, "World reading day")),
            "case-blind"
        );
        let mut late = facts(&other, "2024齐鲁书香节开幕");
        late.signed_at = 2_000;
        assert!(!words.matches(&late), "the range ends before `until`");
        // a rule naming nothing gathers nothing; nor does any rule gather a
        // story no list shows
        assert!(!Rule::default().matches(&facts(&tags, "x")));
        let mut page = facts(&tags, "全民阅读季启动");
        page.listed = false;
        assert!(!rule.matches(&page));
    }

    #[test]
    fn a_saved_part_is_trimmed_bounded_and_checked() {
        let part = TopicPart {
            slug: " 2024SXJ ".into(),
            lead: vec![3, 3, -1, 4],
            sections: vec![
                Section {
                    name: " 现场 ".into(),
                    picks: vec![1, 1, 2],
                    rule: Rule {
                        tags: vec![" 书香滨州 ".into(), "".into(), "书香滨州".into()],
                        channels: vec!["/zw/".into()],
                        ..Rule::default()
                    },
                    size: 0,
                },
                Section::default(),
            ],
        }
        .clean();
        assert_eq!(part.slug, "2024sxj");
        assert_eq!(part.lead, [3, 4]);
        assert_eq!(part.sections.len(), 1, "the empty section is dropped");
        let s = &part.sections[0];
        assert_eq!((s.name.as_str(), s.picks.as_slice()), ("现场", &[1, 2][..]));
        assert_eq!(s.rule.tags, ["书香滨州"]);
        assert_eq!(s.rule.channels, ["zw"]);
        assert_eq!(s.size, DEFAULT_SIZE);
        assert_eq!(part.missing(), None);
        let mut bad = part.clone();
        bad.sections[0].picks.clear();
        bad.sections[0].rule = Rule::default();
        assert!(bad.missing().unwrap().contains("既没有指定稿件"));
        let mut bad = part;
        bad.slug = "书香".into();
        assert!(bad.missing().unwrap().contains("专题网址"));
    }

    #[test]
    fn paths() {
        assert_eq!(topic_path("2024sxj"), "zt/2024sxj/");
        assert_eq!(section_path("2024sxj", 2, 1), "zt/2024sxj/2/");
        assert_eq!(section_path("2024sxj", 2, 3), "zt/2024sxj/2/index_3.html");
        assert_eq!(list_path(2), "zt/index_2.html");
    }
}
