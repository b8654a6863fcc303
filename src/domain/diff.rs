//! Comparing two revisions' fields, line by line, and inside a changed
//! line character by character (修改记录): Chinese has no spaces, so a
//! whole-paragraph mark would hide a changed number.
//!
//! `similar`'s Myers diff takes linear space; with a deadline (one for the
//! whole comparison) it falls back to a coarser, still correct answer
//! instead of running on. Callers run it off the async threads
//! (`work::Pools::cpu`) with `MAX_LINES` as the bound on input.

use std::time::{Duration, Instant};

use serde::Serialize;
use similar::{Algorithm, ChangeTag, DiffTag, TextDiff, capture_diff_slices_deadline};

/// Lines per side compared at most; beyond, the rest is shown as changed.
pub const MAX_LINES: usize = 20_000;
/// Time one comparison may take before it settles for a coarser answer.
pub const DEADLINE: Duration = Duration::from_secs(2);
/// A line longer than this is marked whole, not character by character.
const MAX_CHARS: usize = 5_000;

/// One line of the comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    /// `same`, `del` (only in the older) or `ins` (only in the newer).
    pub kind: &'static str,
    /// The line's text in pieces; `changed` pieces are what differs from
    /// the line it replaced (all of it for a line with no counterpart).
    pub parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Part {
    pub changed: bool,
    pub text: String,
}

impl Line {
    fn whole(kind: &'static str, text: &str) -> Line {
        Line {
            kind,
            parts: vec![Part {
                changed: kind != "same",
                text: text.to_string(),
            }],
        }
    }

    /// The line's text.
    pub fn text(&self) -> String {
        self.parts.iter().map(|p| p.text.as_str()).collect()
    }
}

/// Compare two fields given as lines.
pub fn lines(a: &[String], b: &[String]) -> Vec<Line> {
    let deadline = Instant::now() + DEADLINE;
    let (a_head, a_rest) = a.split_at(a.len().min(MAX_LINES));
    let (b_head, b_rest) = b.split_at(b.len().min(MAX_LINES));
    let ops = capture_diff_slices_deadline(Algorithm::Myers, a_head, b_head, Some(deadline));
    let mut out = Vec::new();
    for op in ops {
        let (tag, old, new) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal => out.extend(a_head[old].iter().map(|l| Line::whole("same", l))),
            DiffTag::Delete => out.extend(a_head[old].iter().map(|l| Line::whole("del", l))),
            DiffTag::Insert => out.extend(b_head[new].iter().map(|l| Line::whole("ins", l))),
            DiffTag::Replace => {
                // the k-th old line was most likely edited into the k-th new one
                let (old, new) = (&a_head[old], &b_head[new]);
                let paired = old.len().min(new.len());
                for k in 0..paired {
                    let (d, i) = chars(&old[k], &new[k], deadline);
                    out.push(d);
                    out.push(i);
                }
                out.extend(old[paired..].iter().map(|l| Line::whole("del", l)));
                out.extend(new[paired..].iter().map(|l| Line::whole("ins", l)));
            }
        }
    }
    out.extend(a_rest.iter().map(|l| Line::whole("del", l)));
    out.extend(b_rest.iter().map(|l| Line::whole("ins", l)));
    out
}

/// An edited line as its old and new versions, the differing characters marked.
fn chars(old: &str, new: &str, deadline: Instant) -> (Line, Line) {
    if old.chars().count() > MAX_CHARS || new.chars().count() > MAX_CHARS {
        return (Line::whole("del", old), Line::whole("ins", new));
    }
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .deadline(deadline)
        .diff_chars(old, new);
    let (mut del, mut ins) = (Vec::<Part>::new(), Vec::<Part>::new());
    let push = |parts: &mut Vec<Part>, changed: bool, text: &str| match parts.last_mut() {
        Some(p) if p.changed == changed => p.text.push_str(text),
        _ => parts.push(Part {
            changed,
            text: text.to_string(),
        }),
    };
    for change in diff.iter_all_changes() {
        let text = change.value();
        match change.tag() {
            ChangeTag::Equal => {
                push(&mut del, false, text);
                push(&mut ins, false, text);
            }
            ChangeTag::Delete => push(&mut del, true, text),
            ChangeTag::Insert => push(&mut ins, true, text),
        }
    }
    (
        Line {
            kind: "del",
            parts: del,
        },
        Line {
            kind: "ins",
            parts: ins,
        },
    )
}

/// Lines of a draft's fields, for comparison.
/// Every field of a revision as lines for 修改记录 (channels by name).
pub fn draft_lines(
    d: &super::draft::Draft,
    channel_name: &dyn Fn(i64) -> String,
) -> Vec<(&'static str, Vec<String>)> {
    // paragraphs and subheadings as lines; an image as its own line
    let marked = d
        .body_html
        .replace("</p>", "</p>\n")
        .replace("</h2>", "</h2>\n")
        .replace("<br>", "\n");
    let mut with_images = String::with_capacity(marked.len());
    let mut rest = marked.as_str();
    while let Some(at) = rest.find("<img") {
        with_images.push_str(&rest[..at]);
        let tag_end = rest[at..].find('>').map_or(rest.len(), |e| at + e + 1);
        let tag = &rest[at..tag_end];
        let src = tag
            .split("src=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_default();
        with_images.push_str(&format!("\n〔图片 {src}〕\n"));
        rest = &rest[tag_end..];
    }
    with_images.push_str(rest);
    let body: Vec<String> = super::html::html_to_text(&with_images)
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    let one = |s: &str| vec![s.to_string()];
    let reprint = if d.is_reprint {
        format!(
            "转载自 {} / 作者 {} / 原标题 {} / {}",
            d.reprint.source, d.reprint.author, d.reprint.title, d.reprint.url
        )
    } else {
        "原创".to_string()
    };
    vec![
        ("标题", one(&d.title)),
        ("短标题", one(&d.short_title)),
        ("副标题", one(&d.subtitle)),
        ("署名", one(&super::article::byline_text(&d.byline))),
        ("稿源", one(&d.source)),
        ("转载", one(&reprint)),
        ("栏目", one(&channel_name(d.channel_id))),
        (
            "同时发布到",
            d.extra_channel_ids
                .iter()
                .map(|c| channel_name(*c))
                .collect(),
        ),
        ("编辑", one(&d.editor)),
        ("摘要", one(&d.summary)),
        ("正文", body),
        ("标签", one(&d.tags.join(","))),
        (
            "定时发布",
            one(&d
                .publish_at
                .map(|t| super::text::to_cst(t).format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default()),
        ),
        ("更正说明", one(&d.correction)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn marks_changed_paragraphs() {
        let d = lines(&v(&["一", "二", "三"]), &v(&["一", "贰", "三", "四"]));
        let kinds: Vec<&str> = d.iter().map(|l| l.kind).collect();
        assert_eq!(kinds, vec!["same", "del", "ins", "same", "ins"]);
    }

    #[test]
    fn marks_a_changed_number_inside_a_paragraph() {
        let d = lines(
            &v(&["全市共有职业院校12所,在校生3.5万人。"]),
            &v(&["全市共有职业院校13所,在校生3.5万人。"]),
        );
        assert_eq!(d.len(), 2);
        let marked = |l: &Line| {
            l.parts
                .iter()
                .filter(|p| p.changed)
                .map(|p| p.text.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(marked(&d[0]), ["2"]);
        assert_eq!(marked(&d[1]), ["3"]);
        assert_eq!(d[0].text(), "全市共有职业院校12所,在校生3.5万人。");
        assert_eq!(d[1].text(), "全市共有职业院校13所,在校生3.5万人。");
    }

    #[test]
    fn large_revisions_compare_in_bounded_time_and_space() {
        // 40k lines each, every other one changed: an n x m table would be
        // 1.6e9 cells; this finishes within the deadline and keeps every line
        let a: Vec<String> = (0..40_000).map(|i| format!("第{i}段")).collect();
        let b: Vec<String> = (0..40_000)
            .map(|i| {
                if i % 2 == 0 {
                    format!("第{i}段")
                } else {
                    format!("改{i}")
                }
            })
            .collect();
        let start = Instant::now();
        let d = lines(&a, &b);
        assert!(start.elapsed() < DEADLINE * 3, "{:?}", start.elapsed());
        let same = d.iter().filter(|l| l.kind == "same").count();
        let del = d.iter().filter(|l| l.kind == "del").count();
        let ins = d.iter().filter(|l| l.kind == "ins").count();
        assert_eq!(same + del, a.len());
        assert_eq!(same + ins, b.len());
    }
}
