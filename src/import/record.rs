//! One line of the archive format (JSON Lines; see docs/import-format.md),
//! validated into an `Article`. Pure: no I/O.

use serde::Deserialize;

use crate::domain::html::{paragraphs_to_html, sanitize_html};
use crate::domain::text::parse_rfc3339;
use crate::domain::url::story_path;
use crate::domain::{Article, Byline, Reprint, Status};

/// Largest body accepted, in bytes of UTF-8 text.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
pub const MAX_TITLE_CHARS: usize = 200;
const MAX_SHORT_FIELD_CHARS: usize = 100;
use crate::domain::draft::MAX_TAGS;

#[derive(Debug, Deserialize)]
pub struct Author {
    #[serde(default)]
    pub role: String,
    pub name: String,
}

/// Body as paragraphs of plain text, or as HTML (sanitized on the way in).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Body {
    Paragraphs(Vec<String>),
    Html(String),
}

#[derive(Debug, Deserialize)]
pub struct Record {
    pub id: serde_json::Value,
    pub site: String,
    pub channel: String,
    pub title: String,
    #[serde(default)]
    pub short_title: Option<String>,
    #[serde(default)]
    pub subtitle: Option<String>,
    #[serde(default)]
    pub authors: Vec<Author>,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub editor: String,
    pub signed_at: String,
    pub body: Body,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub reprint: Option<Reprint>,
}

/// A validated record, ready to be written once its channel id is known.
#[derive(Debug)]
pub struct Story {
    pub site: String,
    pub channel: String,
    pub article: Article,
}

fn check_len(field: &str, value: &str, max: usize) -> Result<(), String> {
    let n = value.chars().count();
    if n > max {
        Err(format!("字段 {field} 有 {n} 个字,最多 {max} 个"))
    } else {
        Ok(())
    }
}

fn opt(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// A JSON error in plain words: which field, or where the line breaks off
/// (serde's own text names Rust types and positions).
fn plain_json_error(field: &str, e: &serde_json::Error) -> String {
    let text = e.to_string();
    // serde's wording, without " at line 1 column N"
    let what = text.split(" at line ").next().unwrap_or(&text);
    if let Some(field) = what
        .strip_prefix("missing field `")
        .and_then(|r| r.split('`').next())
    {
        return format!("字段 {field} 缺失");
    }
    match e.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            format!("这一行不是完整的 JSON(第 {} 个字符附近出错)", e.column())
        }
        _ if field.is_empty() || field == "." => format!("有字段的内容类型不对({what})"),
        _ => format!("字段 {field} 的内容类型不对({what})"),
    }
}

/// Parse and validate one line. The error says what to fix.
pub fn parse_line(line: &str, now: i64) -> Result<Story, String> {
    // the path of a value of the wrong type names its field (serde_json alone
    // says only "invalid type: integer, expected a string")
    let mut de = serde_json::Deserializer::from_str(line);
    let rec: Record = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| plain_json_error(&e.path().to_string(), e.inner()))?;
    de.end().map_err(|e| plain_json_error("", &e))?;
    let id = match &rec.id {
        serde_json::Value::Number(n) => n.as_i64().filter(|v| *v > 0),
        _ => None,
    }
    .ok_or_else(|| format!("字段 id 须为正整数,现在是 {}", rec.id))?;
    if id > crate::domain::article::MAX_STORY_ID {
        return Err(format!(
            "id {id} 超出允许范围(1 到 {}),请为这篇稿件换一个编号",
            crate::domain::article::MAX_STORY_ID
        ));
    }
    let site = rec.site.trim().to_string();
    if site.is_empty()
        || !site
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        || site.len() > 50
    {
        return Err(format!(
            "字段 site「{site}」不是站点代号(小写字母、数字和 -,如 zouping)"
        ));
    }
    let channel = rec.channel.trim().trim_matches('/').to_string();
    if !crate::domain::channel::valid_path(&channel) {
        return Err(format!("字段 channel「{channel}」不是栏目路径(如 zw/yw)"));
    }
    let title = rec.title.trim().to_string();
    if title.is_empty() {
        return Err("字段 title(标题)为空".into());
    }
    check_len("title", &title, MAX_TITLE_CHARS)?;
    let signed_at = parse_rfc3339(&rec.signed_at).ok_or_else(|| {
        format!(
            "字段 signed_at「{}」不是 RFC 3339 时间(如 2023-06-01T10:30:00+08:00)",
            rec.signed_at
        )
    })?;
    crate::domain::article::plausible_signed_at(signed_at, now)?;
    let body_bytes = match &rec.body {
        Body::Paragraphs(p) => p.iter().map(String::len).sum(),
        Body::Html(h) => h.len(),
    };
    if body_bytes > MAX_BODY_BYTES {
        return Err(format!(
            "字段 body(正文)有 {body_bytes} 字节,最多 {MAX_BODY_BYTES} 字节(1 MiB)"
        ));
    }
    let body_html = match &rec.body {
        Body::Paragraphs(p) => paragraphs_to_html(p),
        Body::Html(h) => sanitize_html(h),
    };
    if body_html.trim().is_empty() {
        return Err("字段 body(正文)为空".into());
    }
    let mut byline = Vec::with_capacity(rec.authors.len());
    for a in rec.authors {
        let name = a.name.trim().to_string();
        if name.is_empty() {
            return Err("字段 authors 里有一位作者没有姓名".into());
        }
        check_len("author name", &name, MAX_SHORT_FIELD_CHARS)?;
        check_len("author role", &a.role, MAX_SHORT_FIELD_CHARS)?;
        byline.push(Byline {
            role: a.role.trim().to_string(),
            name,
        });
    }
    check_len("source", &rec.source, MAX_SHORT_FIELD_CHARS)?;
    check_len("editor", &rec.editor, MAX_SHORT_FIELD_CHARS)?;
    if rec.tags.len() > MAX_TAGS {
        return Err(format!(
            "字段 tags 有 {} 个标签,最多 {MAX_TAGS} 个",
            rec.tags.len()
        ));
    }
    let mut tags = Vec::with_capacity(rec.tags.len());
    for t in rec.tags {
        let t = t.trim().to_string();
        check_len("tag", &t, MAX_SHORT_FIELD_CHARS)?;
        if !t.is_empty() && !tags.contains(&t) {
            tags.push(t);
        }
    }
    let short_title = opt(rec.short_title);
    let subtitle = opt(rec.subtitle);
    for (name, v) in [("short_title", &short_title), ("subtitle", &subtitle)] {
        if let Some(v) = v {
            check_len(name, v, MAX_TITLE_CHARS)?;
        }
    }
    check_len("summary", &rec.summary, 2000)?;
    let editor = rec.editor.trim().to_string();
    let mut article = Article {
        id,
        site_id: site.clone(),
        channel_id: 0,
        extra_channel_ids: vec![],
        title,
        short_title,
        subtitle,
        byline,
        source: rec.source.trim().to_string(),
        reprint: rec.reprint,
        signed_by: (!editor.is_empty()).then(|| editor.clone()),
        editor,
        body_html,
        summary: rec.summary.trim().to_string(),
        tags,
        // a 签发 time still to come is a schedule: the story goes live then
        // (a `publish` job), not at import
        status: if signed_at > now {
            Status::Scheduled
        } else {
            Status::Published
        },
        signed_at: Some(signed_at),
        published_at: Some(signed_at),
        url_path: Some(story_path(&channel, signed_at, id)),
        created_at: signed_at.min(now),
        updated_at: now,
        version: 1,
        corrections: vec![],
        revised_at: None,
        kind: Default::default(),
        ai: Default::default(),
        parts: Default::default(),
    };
    // the newsroom form's cleaning and limits, so both ways in hold the same
    // rules (a reprint link must be http(s), no control characters)
    let draft = crate::domain::draft::Draft::from_article(&article).clean();
    draft.validate()?;
    draft.apply_to(&mut article);
    article.signed_by = (!article.editor.is_empty()).then(|| article.editor.clone());
    Ok(Story {
        site,
        channel,
        article,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"id": 7, "site": "main", "channel": "zw/yw", "title": "滨州召开会议", "authors": [{"role": "记者", "name": "丁春贵"}], "source": "滨州网讯", "editor": "闫晓亮", "signed_at": "2023-06-01T10:30:00+08:00", "body": ["滨州网讯 第一段", "第二段<b>"], "tags": ["职业教育", "职业教育"]}"#;

    #[test]
    fn a_corpus_line_becomes_a_published_story() {
        let s = parse_line(GOOD, 1_700_000_000).unwrap();
        assert_eq!(s.site, "main");
        assert_eq!(s.channel, "zw/yw");
        let a = s.article;
        assert_eq!(a.id, 7);
        assert_eq!(a.status, Status::Published);
        assert_eq!(a.url_path.as_deref(), Some("zw/yw/2023-06/01/7.html"));
        assert_eq!(
            a.body_html,
            "<p>滨州网讯 第一段</p>\n<p>第二段&lt;b&gt;</p>\n"
        );
        assert_eq!(a.tags, vec!["职业教育"]);
        assert_eq!(a.byline[0].name, "丁春贵");
        assert_eq!(a.signed_by.as_deref(), Some("闫晓亮"));
    }

    #[test]
    fn html_bodies_are_sanitized() {
        let line = GOOD.replace(
            r#"["滨州网讯 第一段", "第二段<b>"]"#,
            r#""<p onclick=x>正文<script>alert(1)</script></p>""#,
        );
        let a = parse_line(&line, 1_700_000_000).unwrap().article;
        assert_eq!(a.body_html, "<p>正文</p>");
    }

    #[test]
    fn broken_lines_say_what_is_wrong() {
        let cases = [
            ("{not json", "不是完整的 JSON"),
            (
                &GOOD.replace("\"title\": \"滨州召开会议\"", "\"title\": \"  \""),
                "字段 title(标题)为空",
            ),
            (&GOOD.replace("\"id\": 7", "\"id\": -3"), "正整数"),
            (
                &GOOD.replace("\"id\": 7", "\"id\": \"7\""),
                "正整数",
            ),
            (
                &GOOD.replace("2023-06-01T10:30:00+08:00", "2023-06-31"),
                "RFC 3339",
            ),
            (&GOOD.replace("zw/yw", "政务"), "栏目路径"),
            (
                &GOOD.replace("\"site\": \"main\"", "\"site\": \"../x\""),
                "站点代号",
            ),
            (
                &GOOD.replace(", \"title\": \"滨州召开会议\"", ""),
                "字段 title 缺失",
            ),
            // the newsroom's rules hold for archives too
            (
                &GOOD.replace(
                    "\"tags\"",
                    "\"reprint\": {\"source\": \"某报\", \"author\": \"某\", \"title\": \"某\", \"url\": \"javascript:alert(1)\"}, \"tags\"",
                ),
                "原文链接须以 http:// 或 https:// 开头",
            ),
            (
                &GOOD.replace("2023-06-01T10:30:00+08:00", "9999-12-31T23:59:59+08:00"),
                "签发时间在五年之后",
            ),
            (&GOOD.replace("\"id\": 7", "\"id\": 999999999999"), "超出允许范围"),
            // a value of the wrong type names its field
            (
                &GOOD.replace("\"title\": \"滨州召开会议\"", "\"title\": 5"),
                "字段 title 的内容类型不对",
            ),
            (
                &GOOD.replace("\"name\": \"丁春贵\"", "\"name\": true"),
                "字段 authors[0].name 的内容类型不对",
            ),
            (&format!("{GOOD} x"), "不是完整的 JSON"),
        ];
        for (line, want) in cases {
            let err = parse_line(line, 1_700_000_000).unwrap_err();
            assert!(err.contains(want), "{line}: {err}");
        }
    }

    #[test]
    fn control_characters_never_reach_the_story() {
        let line = GOOD.replace("滨州召开会议", "滨州\\u0007召开\\u0000会议\\u0085");
        let a = parse_line(&line, 1_700_000_000).unwrap().article;
        assert_eq!(a.title, "滨州召开会议");
    }

    #[test]
    fn oversize_body_is_refused() {
        let big = "字".repeat(MAX_BODY_BYTES / 3 + 10);
        let line = GOOD.replace(r#""第二段<b>""#, &format!("\"{big}\""));
        let err = parse_line(&line, 1_700_000_000).unwrap_err();
        assert!(err.contains("最多 1048576 字节"), "{err}");
    }
}
