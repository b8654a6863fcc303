//! Comparing two revisions' fields, line by line (修改记录).
//!
//! `similar`'s Myers diff takes linear space; with a deadline it falls back
//! to a coarser (still correct) answer instead of running on. Callers run it
//! off the async threads (`work::Pools::cpu`) with `MAX_LINES` as the bound
//! on input.

use std::time::{Duration, Instant};

use similar::{Algorithm, DiffTag, capture_diff_slices_deadline};

/// Lines per side compared at most; beyond, the rest is shown as changed.
pub const MAX_LINES: usize = 20_000;
/// Time one comparison may take before it settles for a coarser answer.
pub const DEADLINE: Duration = Duration::from_secs(2);

/// A line of the comparison: ("same"|"del"|"ins", text).
pub fn lines(a: &[String], b: &[String]) -> Vec<(&'static str, String)> {
    let (a_head, a_rest) = a.split_at(a.len().min(MAX_LINES));
    let (b_head, b_rest) = b.split_at(b.len().min(MAX_LINES));
    let ops = capture_diff_slices_deadline(
        Algorithm::Myers,
        a_head,
        b_head,
        Some(Instant::now() + DEADLINE),
    );
    let mut out = Vec::new();
    for op in ops {
        let (tag, old, new) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal => out.extend(a_head[old].iter().map(|l| ("same", l.clone()))),
            DiffTag::Delete => out.extend(a_head[old].iter().map(|l| ("del", l.clone()))),
            DiffTag::Insert => out.extend(b_head[new].iter().map(|l| ("ins", l.clone()))),
            DiffTag::Replace => {
                out.extend(a_head[old].iter().map(|l| ("del", l.clone())));
                out.extend(b_head[new].iter().map(|l| ("ins", l.clone())));
            }
        }
    }
    out.extend(a_rest.iter().map(|l| ("del", l.clone())));
    out.extend(b_rest.iter().map(|l| ("ins", l.clone())));
    out
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
        let kinds: Vec<&str> = d.iter().map(|(k, _)| *k).collect();
        assert_eq!(kinds, vec!["same", "del", "ins", "same", "ins"]);
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
        let same = d.iter().filter(|(k, _)| *k == "same").count();
        let del = d.iter().filter(|(k, _)| *k == "del").count();
        let ins = d.iter().filter(|(k, _)| *k == "ins").count();
        assert_eq!(same + del, a.len());
        assert_eq!(same + ins, b.len());
    }
}
