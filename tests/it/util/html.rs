//! HTML to text the way a reader sees it: block elements start new lines,
//! `<head>`, scripts and styles are not shown.

use scraper::{ElementRef, Html, Node};

const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "section",
    "table",
    "tr",
    "ul",
];

pub fn to_text(doc: &Html) -> String {
    let mut out = String::new();
    if let Some(body) = doc
        .root_element()
        .children()
        .filter_map(ElementRef::wrap)
        .find(|e| e.value().name() == "body")
    {
        walk(body, &mut out);
    }
    out
}

fn walk(el: ElementRef<'_>, out: &mut String) {
    for child in el.children() {
        match child.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => {
                let name = e.name();
                if matches!(name, "script" | "style" | "template") {
                    continue;
                }
                let block = BLOCKS.contains(&name);
                if block {
                    out.push('\n');
                }
                if let Some(child) = ElementRef::wrap(child) {
                    walk(child, out);
                }
                if block {
                    out.push('\n');
                }
            }
            _ => {}
        }
    }
}

/// Non-empty, trimmed lines of a text.
pub fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect()
}

/// Assert that every line of `expected` occurs in `text`, in order, comparing
/// with all whitespace removed (HTML layout decides where spaces fall).
pub fn assert_lines_in_order(text: &str, expected: &[String]) {
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let hay = squash(text);
    let mut at = 0;
    for line in expected {
        let needle = squash(line);
        match hay[at..].find(&needle) {
            Some(i) => at += i + needle.len(),
            None => {
                let found_earlier = hay.contains(&needle);
                panic!(
                    "line not found {}: {line:?}\n--- page text after the previous line ---\n{}",
                    if found_earlier {
                        "in order (it appears earlier)"
                    } else {
                        "at all"
                    },
                    hay[at..].chars().take(600).collect::<String>()
                );
            }
        }
    }
}
