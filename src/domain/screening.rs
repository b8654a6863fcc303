//! Sensitive-word screening (敏感词): Aho-Corasick over a normalized text that
//! folds full-width characters to half-width, lowercases, and skips spaces and
//! punctuation, so `法 轮`, `法,轮` and `ＡＢＣ` still match `法轮` and `abc`.

use aho_corasick::{AhoCorasick, MatchKind};
use serde::Serialize;

/// A sensitive word of the admin-managed list.
#[derive(Debug, Clone, Serialize)]
pub struct SensitiveWord {
    pub id: i64,
    pub word: String,
    pub category: String,
    /// `block` or `warn`.
    pub severity: String,
}

/// One hit, with enough context for a reviewer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub word: String,
    pub category: String,
    /// `block` or `warn`.
    pub severity: String,
    /// 标题, 副标题, 摘要, 正文.
    pub field: String,
    /// The matched text as written (with whatever split it).
    pub matched: String,
    pub before: String,
    pub after: String,
}

impl Hit {
    pub fn blocks(&self) -> bool {
        self.severity == "block"
    }
}

/// Fold one character: full-width ASCII to half-width, the ideographic space
/// to a space, lowercase. `None` for characters that are skipped (spaces,
/// punctuation, symbols), so words split by them still match.
fn fold(c: char) -> Option<char> {
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    };
    if c.is_alphanumeric() {
        Some(c.to_lowercase().next().unwrap_or(c))
    } else {
        None
    }
}

fn normalize(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut offsets = Vec::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if let Some(f) = fold(c) {
            let start = out.len();
            out.push(f);
            for _ in start..out.len() {
                offsets.push(i);
            }
        }
    }
    (out, offsets)
}

/// A compiled word list.
pub struct Screener {
    words: Vec<SensitiveWord>,
    matcher: Option<AhoCorasick>,
}

impl Screener {
    pub fn new(words: Vec<SensitiveWord>) -> Self {
        let words: Vec<SensitiveWord> = words
            .into_iter()
            .filter(|w| !normalize(&w.word).0.is_empty())
            .collect();
        let patterns: Vec<String> = words.iter().map(|w| normalize(&w.word).0).collect();
        let matcher = if patterns.is_empty() {
            None
        } else {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&patterns)
                .ok()
        };
        Self { words, matcher }
    }

    /// Every hit in the given (field, text) pairs.
    pub fn scan(&self, texts: &[(&'static str, String)]) -> Vec<Hit> {
        let Some(m) = &self.matcher else {
            return Vec::new();
        };
        let mut hits = Vec::new();
        for (field, text) in texts {
            let (norm, offsets) = normalize(text);
            for found in m.find_iter(&norm) {
                let w = &self.words[found.pattern().as_usize()];
                let start = offsets[found.start()];
                let last = offsets[found.end() - 1];
                let end = last + text[last..].chars().next().map_or(0, char::len_utf8);
                let before: String = text[..start]
                    .chars()
                    .rev()
                    .take(12)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                let after: String = text[end..].chars().take(12).collect();
                hits.push(Hit {
                    word: w.word.clone(),
                    category: w.category.clone(),
                    severity: w.severity.clone(),
                    field: field.to_string(),
                    matched: text[start..end].to_string(),
                    before,
                    after,
                });
            }
        }
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words() -> Vec<SensitiveWord> {
        vec![
            SensitiveWord {
                id: 1,
                word: "违禁词".into(),
                category: "政治".into(),
                severity: "block".into(),
            },
            SensitiveWord {
                id: 2,
                word: "赌博".into(),
                category: "违法".into(),
                severity: "warn".into(),
            },
            SensitiveWord {
                id: 3,
                word: "ABC".into(),
                category: "广告".into(),
                severity: "warn".into(),
            },
        ]
    }

    #[test]
    fn finds_words_as_written_and_split() {
        let s = Screener::new(words());
        let hits = s.scan(&[("正文", "这里有违禁词。还有违 禁,词和赌　博".into())]);
        let matched: Vec<&str> = hits.iter().map(|h| h.matched.as_str()).collect();
        assert_eq!(matched, vec!["违禁词", "违 禁,词", "赌　博"]);
        assert!(hits[0].blocks());
        assert!(!hits[2].blocks());
        assert_eq!(hits[0].before, "这里有");
        assert_eq!(hits[0].field, "正文");
    }

    #[test]
    fn folds_full_width_and_case() {
        let s = Screener::new(words());
        let hits = s.scan(&[("标题", "ＡＢＣ公司与abc".into())]);
        assert_eq!(hits.len(), 2);
        assert_eq!(hits[0].matched, "ＡＢＣ");
        assert_eq!(hits[1].matched, "abc");
    }

    #[test]
    fn clean_text_and_empty_lists_have_no_hits() {
        assert!(
            Screener::new(words())
                .scan(&[("正文", "滨州召开职业教育工作会议".into())])
                .is_empty()
        );
        assert!(
            Screener::new(vec![])
                .scan(&[("正文", "违禁词".into())])
                .is_empty()
        );
    }
}
