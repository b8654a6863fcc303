//! Body HTML is sanitized once, on the way in, with an allowlist (ammonia);
//! everything else is escaped by the templates.

use std::collections::HashSet;
use std::sync::LazyLock;

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    let tags: HashSet<&str> = [
        "p",
        "br",
        "h2",
        "h3",
        "h4",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "s",
        "sub",
        "sup",
        "a",
        "img",
        "figure",
        "figcaption",
        "blockquote",
        "ul",
        "ol",
        "li",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "hr",
        "span",
    ]
    .into_iter()
    .collect();
    b.tags(tags)
        .tag_attributes(
            [
                ("a", ["href", "title"].into_iter().collect()),
                (
                    "img",
                    ["src", "alt", "width", "height"].into_iter().collect(),
                ),
                ("td", ["colspan", "rowspan"].into_iter().collect()),
                ("th", ["colspan", "rowspan"].into_iter().collect()),
            ]
            .into_iter()
            .collect(),
        )
        .generic_attributes(HashSet::new())
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true);
    b
});

/// Sanitize untrusted body HTML to the allowlist.
pub fn sanitize_html(html: &str) -> String {
    CLEANER.clean(html).to_string()
}

/// Plain-text paragraphs (archives, demo) as body HTML: each escaped in a `<p>`.
pub fn paragraphs_to_html<S: AsRef<str>>(paragraphs: &[S]) -> String {
    let mut out = String::new();
    for p in paragraphs {
        let p = p.as_ref().trim();
        if p.is_empty() {
            continue;
        }
        out.push_str("<p>");
        out.push_str(&escape_text(p));
        out.push_str("</p>\n");
    }
    out
}

/// Escape text for HTML element content and attribute values.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    escape_into(&mut out, s).expect("writing to a String does not fail");
    out
}

/// Write `s` to `out` with `& < > " '` escaped: the unescaped runs go
/// through in one piece (template output is mostly such runs).
pub fn escape_into(out: &mut impl std::fmt::Write, s: &str) -> std::fmt::Result {
    let mut done = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.write_str(&s[done..i])?;
        out.write_str(entity)?;
        done = i + 1;
    }
    out.write_str(&s[done..])
}

/// The body as the page shows it: the dateline source opens the first
/// paragraph (unless the reporter already typed it there).
pub fn body_with_dateline(body_html: &str, source: &str) -> String {
    let source = source.trim();
    if source.is_empty() {
        return body_html.to_string();
    }
    let Some(rest) = body_html.trim_start().strip_prefix("<p>") else {
        return body_html.to_string();
    };
    if rest.starts_with(&escape_text(source)) {
        return body_html.to_string();
    }
    format!(
        "<p><span class=\"dateline\">{}</span> {rest}",
        escape_text(source)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_handlers_are_removed() {
        let dirty = r#"<p onclick="x()">好<script>alert(1)</script><a href="javascript:alert(1)">链接</a><img src=x onerror=alert(1)></p>"#;
        let clean = sanitize_html(dirty);
        assert!(!clean.contains("script"), "{clean}");
        assert!(!clean.contains("onclick"), "{clean}");
        assert!(!clean.contains("onerror"), "{clean}");
        assert!(!clean.contains("javascript:"), "{clean}");
        assert!(clean.contains("好"));
    }

    #[test]
    fn allowed_structure_survives() {
        let html = r#"<h2>小标题</h2><p><strong>粗体</strong><a href="https://bzcm.net/a">链接</a></p><img src="/media/a.jpg" alt="图">"#;
        let clean = sanitize_html(html);
        assert!(clean.contains("<h2>小标题</h2>"));
        assert!(clean.contains("<strong>粗体</strong>"));
        assert!(clean.contains(r#"href="https://bzcm.net/a""#));
        assert!(clean.contains(r#"rel="noopener noreferrer""#));
        assert!(clean.contains(r#"src="/media/a.jpg""#));
    }

    #[test]
    fn paragraphs_are_escaped() {
        assert_eq!(
            paragraphs_to_html(&["a<b>", "", " c "]),
            "<p>a&lt;b&gt;</p>\n<p>c</p>\n"
        );
    }

    #[test]
    fn dateline_opens_first_paragraph_once() {
        let body = "<p>5月29日,会议召开。</p>\n<p>第二段</p>";
        let shown = body_with_dateline(body, "滨州日报/滨州网讯");
        assert!(shown.starts_with("<p><span class=\"dateline\">滨州日报/滨州网讯</span> 5月29日"));
        let typed = "<p>滨州日报/滨州网讯 5月29日,会议召开。</p>";
        assert_eq!(body_with_dateline(typed, "滨州日报/滨州网讯"), typed);
        assert_eq!(body_with_dateline(body, ""), body);
        assert!(body_with_dateline(body, "<b>x</b>").contains("&lt;b&gt;x&lt;/b&gt;"));
    }
}
