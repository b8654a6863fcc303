//! The editable content of a story: what a revision holds and the editor form
//! fills. Validation gives messages that say what to fix.

use serde::{Deserialize, Serialize};

use super::article::{Article, Byline, Reprint};
use super::kind::{Kind, Parts};
use super::text::too_long;

pub const MAX_TITLE: usize = 200;
pub const MAX_SHORT: usize = 100;
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
pub const MAX_SUMMARY: usize = 2000;
pub const MAX_TAGS: usize = 30;
pub const MAX_BYLINE: usize = 20;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    pub channel_id: i64,
    pub extra_channel_ids: Vec<i64>,
    pub title: String,
    pub short_title: String,
    pub subtitle: String,
    pub byline: Vec<Byline>,
    pub source: String,
    /// Marked as a reprint (转载); the origin fields must then be complete to sign off.
    pub is_reprint: bool,
    pub reprint: Reprint,
    pub editor: String,
    /// Sanitized HTML.
    pub body_html: String,
    pub summary: String,
    pub tags: Vec<String>,
    /// Wanted publication time (the 签发人 confirms it at sign-off).
    pub publish_at: Option<i64>,
    /// A 更正 notice to add to the page when this revision goes live.
    pub correction: String,
    /// 文字, 图集, 视频 or 直播 (`domain::kind`).
    pub kind: Kind,
    /// The 题图 and a gallery's pictures.
    pub parts: Parts,
    /// 人工智能生成 declaration: reviewed with the text.
    pub ai: super::ai::Ai,
}

impl Draft {
    pub fn from_article(a: &Article) -> Self {
        Draft {
            channel_id: a.channel_id,
            extra_channel_ids: a.extra_channel_ids.clone(),
            title: a.title.clone(),
            short_title: a.short_title.clone().unwrap_or_default(),
            subtitle: a.subtitle.clone().unwrap_or_default(),
            byline: a.byline.clone(),
            source: a.source.clone(),
            is_reprint: a.reprint.is_some(),
            reprint: a.reprint.clone().unwrap_or_default(),
            editor: a.editor.clone(),
            body_html: a.body_html.clone(),
            summary: a.summary.clone(),
            tags: a.tags.clone(),
            publish_at: None,
            correction: String::new(),
            kind: a.kind,
            parts: a.parts.clone(),
            ai: a.ai,
        }
    }

    /// Remove control characters from every field (`text::clean_line` for
    /// one-line fields, `clean_block` for the summary, correction and body).
    /// The form and the import both pass through here before `validate`.
    pub fn clean(mut self) -> Self {
        use super::text::{clean_block, clean_line};
        for f in [
            &mut self.title,
            &mut self.short_title,
            &mut self.subtitle,
            &mut self.source,
            &mut self.editor,
            &mut self.reprint.source,
            &mut self.reprint.author,
            &mut self.reprint.title,
            &mut self.reprint.url,
        ] {
            *f = clean_line(f);
        }
        for b in &mut self.byline {
            b.role = clean_line(&b.role);
            b.name = clean_line(&b.name);
        }
        for t in &mut self.tags {
            *t = clean_line(t);
        }
        self.tags.retain(|t| !t.is_empty());
        self.summary = clean_block(&self.summary);
        self.correction = clean_block(&self.correction);
        self.body_html = clean_block(&self.body_html);
        self.parts = self.parts.clean().for_kind(self.kind);
        self
    }

    /// Limits every field; an error names the field and the limit.
    pub fn validate(&self) -> Result<(), String> {
        too_long("标题", &self.title, MAX_TITLE)?;
        too_long("短标题", &self.short_title, MAX_SHORT)?;
        too_long("副标题", &self.subtitle, MAX_TITLE)?;
        too_long("稿源", &self.source, MAX_SHORT)?;
        too_long("编辑", &self.editor, MAX_SHORT)?;
        too_long("摘要", &self.summary, MAX_SUMMARY)?;
        too_long("更正说明", &self.correction, MAX_SUMMARY)?;
        for (what, v) in [
            ("原出处", &self.reprint.source),
            ("原作者", &self.reprint.author),
            ("原标题", &self.reprint.title),
        ] {
            too_long(what, v, MAX_TITLE)?;
        }
        too_long("原文链接", &self.reprint.url, 1000)?;
        let url = self.reprint.url.trim();
        if !(url.is_empty() || url.starts_with("http://") || url.starts_with("https://")) {
            return Err("原文链接须以 http:// 或 https:// 开头".into());
        }
        if self.body_html.len() > MAX_BODY_BYTES {
            return Err(format!(
                "正文不能超过 1 MB,现在有 {} 字节",
                self.body_html.len()
            ));
        }
        if self.tags.len() > MAX_TAGS {
            return Err(format!("标签最多 {MAX_TAGS} 个"));
        }
        for t in &self.tags {
            too_long("标签", t, MAX_SHORT)?;
        }
        if self.byline.len() > MAX_BYLINE {
            return Err(format!("署名最多 {MAX_BYLINE} 行"));
        }
        for b in &self.byline {
            too_long("署名身份", &b.role, 20)?;
            too_long("署名姓名", &b.name, MAX_SHORT)?;
        }
        self.parts.validate()
    }

    /// What still keeps the draft from review, if anything.
    pub fn incomplete(&self) -> Option<String> {
        if self.title.trim().is_empty() {
            return Some("标题不能为空".into());
        }
        if self.kind.needs_body()
            && crate::domain::html::html_to_text(&self.body_html)
                .trim()
                .is_empty()
            && !self.body_html.contains("<img")
        {
            return Some("正文不能为空".into());
        }
        if let Some(missing) = self.kind.missing(&self.parts) {
            return Some(missing);
        }
        if self.channel_id == 0 {
            return Some("请选择栏目".into());
        }
        None
    }

    /// A reprint whose origin is not complete.
    pub fn reprint_incomplete(&self) -> bool {
        self.is_reprint && !self.reprint.is_complete()
    }

    /// Every text a sensitive-word scan reads.
    pub fn scanned_texts(&self) -> [(&'static str, String); 5] {
        let captions: Vec<&str> = self
            .parts
            .lead
            .iter()
            .chain(&self.parts.gallery)
            .flat_map(|u| [u.caption.as_str(), u.credit.as_str(), u.alt.as_str()])
            .filter(|t| !t.is_empty())
            .collect();
        [
            ("标题", self.title.clone()),
            ("副标题", self.subtitle.clone()),
            ("摘要", self.summary.clone()),
            ("正文", crate::domain::html::html_to_text(&self.body_html)),
            ("图片说明", captions.join("\n")),
        ]
    }

    /// Copy the content into the article (its live fields).
    pub fn apply_to(&self, a: &mut Article) {
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        a.channel_id = self.channel_id;
        a.extra_channel_ids = self.extra_channel_ids.clone();
        a.title = self.title.trim().to_string();
        a.short_title = opt(&self.short_title);
        a.subtitle = opt(&self.subtitle);
        a.byline = self.byline.clone();
        a.source = self.source.trim().to_string();
        a.reprint = self.is_reprint.then(|| self.reprint.clone());
        a.editor = self.editor.trim().to_string();
        a.body_html = self.body_html.clone();
        a.summary = self.summary.trim().to_string();
        a.tags = self.tags.clone();
        a.kind = self.kind;
        a.parts = self.parts.clone();
        a.ai = self.ai;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> Draft {
        Draft {
            channel_id: 1,
            title: "标题".into(),
            body_html: "<p>正文</p>".into(),
            ..Default::default()
        }
    }

    #[test]
    fn complete_drafts_pass() {
        assert_eq!(draft().incomplete(), None);
        assert!(draft().validate().is_ok());
    }

    #[test]
    fn empty_fields_say_what_is_missing() {
        assert_eq!(
            Draft {
                title: " ".into(),
                ..draft()
            }
            .incomplete()
            .as_deref(),
            Some("标题不能为空")
        );
        assert_eq!(
            Draft {
                body_html: "<p> </p>".into(),
                ..draft()
            }
            .incomplete()
            .as_deref(),
            Some("正文不能为空")
        );
        assert_eq!(
            Draft {
                channel_id: 0,
                ..draft()
            }
            .incomplete()
            .as_deref(),
            Some("请选择栏目")
        );
    }

    #[test]
    fn limits_name_the_field() {
        let err = Draft {
            title: "长".repeat(201),
            ..draft()
        }
        .validate()
        .unwrap_err();
        assert_eq!(err, "标题最多 200 个字,现在有 201 个字");
        let mut d = draft();
        d.reprint.url = "javascript:alert(1)".into();
        assert!(d.validate().unwrap_err().contains("http://"));
    }

    #[test]
    fn reprints_need_every_origin_field() {
        let mut d = Draft {
            is_reprint: true,
            ..draft()
        };
        assert!(d.reprint_incomplete());
        d.reprint = Reprint {
            source: "新华社".into(),
            author: "记者甲".into(),
            title: "原题".into(),
            url: "https://x.cn/a".into(),
        };
        assert!(!d.reprint_incomplete());
    }
}
