//! HTML as the content model holds it: body HTML is sanitized once, on the
//! way in, with an allowlist (ammonia); everything else is escaped by the
//! templates; a body's text (`html_to_text`, `html_excerpt`) is read for
//! search, descriptions, counts and screening. Pure: ammonia only.
//!
//! Images and links from elsewhere (the policy, docs/security.md):
//! - an `<img>` must show a file Gazette serves (`/media/YYYY/MM/name.ext`,
//!   or another path on the site itself); one pointing at another host,
//!   protocol-relative (`//host/pixel.gif`) included, is removed: it would
//!   tell that host who reads which story (a tracking pixel), may vanish or
//!   change after sign-off, and the pages' Content-Security-Policy would not
//!   load it anyway. The editor is told how many were removed, and uploads
//!   the pictures instead;
//! - a link (`<a href>`) may point anywhere over http(s) or mailto (stories
//!   cite their sources), opens with `rel="noopener noreferrer"`; a
//!   protocol-relative one is made `https:`.

use std::collections::HashSet;
use std::sync::LazyLock;

use super::text::excerpt;

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
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            ("img", "src") => own_image(value).then(|| value.into()),
            // no '<' or '>' left in an img's attributes: `strip_foreign_images`
            // finds each tag's end by the first '>'
            ("img", "alt") => Some(value.replace(['<', '>'], "").into()),
            ("img", "width" | "height") => value
                .bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| value.into()),
            ("a", "href") if value.starts_with("//") => Some(format!("https:{value}").into()),
            _ => Some(value.into()),
        })
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true);
    b
});

/// Sanitize untrusted body HTML to the allowlist.
pub fn sanitize_html(html: &str) -> String {
    sanitize_body(html).html
}

/// A sanitized body and how many images from elsewhere it lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sanitized {
    pub html: String,
    pub removed_images: usize,
}

/// Sanitize untrusted body HTML; images not served by the site are removed
/// and counted (the module's policy).
pub fn sanitize_body(html: &str) -> Sanitized {
    strip_foreign_images(&CLEANER.clean(html).to_string())
}

/// Whether an image source is the site's own: a path on it, not a URL of
/// another host (`http:`, `https:`, `//host`), nor a `data:` or other scheme.
fn own_image(src: &str) -> bool {
    let src = src.trim();
    src.starts_with('/')
        && !src.starts_with("//")
        && !src.contains(['<', '>', '\\'])
        && !src.chars().any(char::is_control)
}

/// Drop the `<img>` tags the cleaner left without a source (theirs pointed
/// elsewhere). The cleaner's output is serialized HTML whose img attributes
/// hold no '<' or '>' (see the attribute filter), so a tag ends at its first '>'.
fn strip_foreign_images(html: &str) -> Sanitized {
    let mut out = String::with_capacity(html.len());
    let mut removed = 0;
    let mut rest = html;
    while let Some(start) = rest.find("<img") {
        let Some(len) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start..=start + len];
        out.push_str(&rest[..start]);
        if tag.contains(" src=\"") {
            out.push_str(tag);
        } else {
            removed += 1;
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    Sanitized {
        html: out,
        removed_images: removed,
    }
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

/// Escape text for an XML document (feeds, sitemaps): as `escape_text`,
/// and without the characters XML 1.0 forbids (C0 controls but tab and
/// newlines, U+FFFE, U+FFFF), whatever reached the database: one such
/// character makes a feed reader or a search engine reject the whole file.
pub fn escape_xml(s: &str) -> String {
    if s.chars().any(xml_forbidden) {
        escape_text(&s.chars().filter(|c| !xml_forbidden(*c)).collect::<String>())
    } else {
        escape_text(s)
    }
}

fn xml_forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
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

/// `excerpt(&html_to_text(html), max_chars)`, reading only as much of
/// `html` as that needs: a story's description is 120 characters of a body
/// of kilobytes.
pub fn html_excerpt(html: &str, max_chars: usize) -> String {
    let mut end = max_chars * 8;
    while end < html.len() {
        let mut cut = end;
        while !html.is_char_boundary(cut) {
            cut += 1;
        }
        let text = html_to_text(&html[..cut]);
        // the prefix may end in a cut tag or entity; past a margin beyond
        // them, its first `max_chars` are the whole body's
        let collapsed: usize = text.split_whitespace().map(|w| w.chars().count() + 1).sum();
        if collapsed > max_chars + 16 {
            return excerpt(&text, max_chars);
        }
        end *= 2;
    }
    excerpt(&html_to_text(html), max_chars)
}

/// Text of sanitized HTML: tags dropped (each one a space), every character
/// reference decoded: the sanitizer writes `&nbsp;` for a non-breaking space,
/// and an imported body may hold any named or numeric reference, so the text
/// that search, descriptions, the 正文字数 count and screening read is the
/// text a reader sees.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    match html_escape::decode_html_entities(&out) {
        std::borrow::Cow::Borrowed(_) => out,
        std::borrow::Cow::Owned(decoded) => decoded,
    }
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
    fn images_from_elsewhere_are_removed_and_counted() {
        let html = r#"<p>甲<img src="https://tracker.example/p.gif" alt="x>y"></p><p><img alt="<b>" src="//cdn.example/a.jpg"><img src="/media/2024/04/ab.jpg" alt="a > b" width="640" height="x"></p><img src="data:image/png;base64,AAAA"><a href="//example.org/a">源</a>"#;
        let s = sanitize_body(html);
        assert_eq!(s.removed_images, 3, "{}", s.html);
        assert!(!s.html.contains("tracker.example"), "{}", s.html);
        assert!(!s.html.contains("cdn.example"), "{}", s.html);
        assert!(!s.html.contains("data:"), "{}", s.html);
        assert!(
            s.html.contains(r#"src="/media/2024/04/ab.jpg""#),
            "{}",
            s.html
        );
        assert!(
            s.html.contains(r#"width="640""#) && !s.html.contains("height"),
            "{}",
            s.html
        );
        assert!(
            s.html.contains(r#"href="https://example.org/a""#),
            "{}",
            s.html
        );
        assert!(s.html.contains("<p>甲</p>"), "{}", s.html);
        // what is left is whole HTML: the text after each image survives
        assert!(s.html.ends_with("源</a>"), "{}", s.html);
    }

    #[test]
    fn xml_text_has_no_forbidden_characters() {
        assert_eq!(
            escape_xml("标题\u{1}\u{8}<b>\u{b}\tx\u{ffff}"),
            "标题&lt;b&gt;\tx"
        );
        assert_eq!(escape_xml("a&b"), "a&amp;b");
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

    #[test]
    fn a_description_reads_only_the_start_of_a_long_body_but_says_the_same() {
        let para = "<p>滨州市召开&amp;部署 <b>会议</b>,要求&lt;各级&gt;单位 抓好落实。</p>\n";
        for n in [1, 3, 10, 200] {
            let body = para.repeat(n);
            assert_eq!(
                html_excerpt(&body, 120),
                excerpt(&html_to_text(&body), 120),
                "{n} paragraphs"
            );
        }
        assert!(html_excerpt(&para.repeat(200), 120).ends_with('…'));
        // wherever the cut falls inside a tag, an entity or a character
        for pad in 0..para.len() {
            let body = format!("<p>{}</p>{}", "a".repeat(pad), para.repeat(40));
            assert_eq!(
                html_excerpt(&body, 120),
                excerpt(&html_to_text(&body), 120),
                "pad {pad}"
            );
        }
    }

    #[test]
    fn html_to_text_decodes_every_character_reference() {
        // what the sanitizer writes for a non-breaking space, and what an
        // imported body may hold
        let clean = sanitize_html("<p>滨州\u{a0}网 a&nbsp;b</p>");
        assert!(clean.contains("&nbsp;"), "{clean}");
        let text = html_to_text(&clean);
        assert!(!text.contains('&'), "{text}");
        assert_eq!(
            text.split_whitespace().collect::<Vec<_>>(),
            ["滨州", "网", "a", "b"]
        );
        assert_eq!(
            html_to_text("<p>&copy;&#x4e2d;&#25991; &amp;lt; &hellip;</p>").trim(),
            "©中文 &lt; …"
        );
        // the 正文字数 count sees no entity letters
        assert_eq!(
            crate::domain::text::body_chars(&html_to_text("<p>一&nbsp;二&nbsp;&nbsp;三</p>")),
            3
        );
    }

    #[test]
    fn html_to_text_drops_tags() {
        assert_eq!(
            html_to_text("<p>a &amp; b</p><p>c</p>")
                .split_whitespace()
                .collect::<Vec<_>>(),
            vec!["a", "&", "b", "c"]
        );
    }
}
