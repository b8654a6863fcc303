//! Turning a reader's words into a tantivy query.
//!
//! Matching: a story matches when its texts hold every character bigram of
//! every whitespace-separated term (乡村振兴 → 乡村, 村振, 振兴), so a word is
//! found wherever it occurs as written, however jieba cut the surrounding
//! sentence (a one-character term matches as a jieba word instead).
//! Ranking: the same terms cut by jieba (search mode emits a word and its
//! parts: 职业教育 → 职业, 教育, 职业教育) score BM25 over the story's text,
//! with title words weighing most. Query syntax characters have no meaning:
//! nothing a reader types can make the query fail.

use std::ops::Bound;

use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TokenStream;
use tantivy::{Index, Term};

use super::MAX_QUERY_CHARS;
use super::schema::{ANALYZER, Fields};

/// Why a query cannot run; the message tells the reader what to do.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("请输入搜索词")]
    Empty,
    #[error("搜索词太长了(最多 {MAX_QUERY_CHARS} 个字),请缩短后再试")]
    TooLong,
    #[error("搜索词中没有可以搜索的文字,请换个说法")]
    NoTerms,
    #[error("搜索暂时不可用: {0}")]
    Internal(String),
}

impl SearchError {
    pub(crate) fn internal(e: impl std::fmt::Display) -> Self {
        SearchError::Internal(e.to_string())
    }

    /// Whether this is the reader's to fix (as opposed to ours).
    pub fn is_user_error(&self) -> bool {
        !matches!(self, SearchError::Internal(_))
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Relevance,
    Newest,
}

/// Narrowing of a search; all optional.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub site: Option<String>,
    /// A channel path; matches the channel and its descendants.
    pub channel: Option<String>,
    /// Signed off at or after (epoch seconds).
    pub from: Option<i64>,
    /// Signed off before (epoch seconds).
    pub until: Option<i64>,
}

const MAX_TOKENS: usize = 48;

fn tokens(index: &Index, text: &str) -> Vec<String> {
    let Some(mut analyzer) = index.tokenizers().get(ANALYZER) else {
        return Vec::new();
    };
    let mut stream = analyzer.token_stream(text);
    let mut out: Vec<String> = Vec::new();
    while let Some(t) = stream.next() {
        // only words: punctuation and symbols are not searchable
        if t.text.chars().any(char::is_alphanumeric) && !out.contains(&t.text) {
            out.push(t.text.clone());
        }
    }
    out
}

/// Character bigrams of a term's letters (lowercased; punctuation splits).
fn bigrams(term: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for run in term.split(|c: char| !c.is_alphanumeric()) {
        let chars: Vec<char> = run.chars().flat_map(char::to_lowercase).collect();
        for pair in chars.windows(2) {
            let g: String = pair.iter().collect();
            if !out.contains(&g) {
                out.push(g);
            }
        }
    }
    out
}

/// Tokens that contain no other token of the set (the smallest parts).
fn leaves(tokens: &[String]) -> Vec<&String> {
    tokens
        .iter()
        .filter(|t| !tokens.iter().any(|o| o != *t && t.contains(o.as_str())))
        .collect()
}

fn any_field(fields: &[(Field, f32)], token: &str) -> Box<dyn Query> {
    let clauses = fields
        .iter()
        .map(|(f, boost)| {
            let tq: Box<dyn Query> = Box::new(TermQuery::new(
                Term::from_field_text(*f, token),
                IndexRecordOption::WithFreqs,
            ));
            let q: Box<dyn Query> = if (*boost - 1.0).abs() > f32::EPSILON {
                Box::new(BoostQuery::new(tq, *boost))
            } else {
                tq
            };
            (Occur::Should, q)
        })
        .collect();
    Box::new(BooleanQuery::new(clauses))
}

/// A query to run, and the words to highlight in snippets.
pub(super) struct Built {
    pub query: Box<dyn Query>,
    pub highlight: Box<dyn Query>,
}

pub(super) fn build(
    index: &Index,
    searcher: &tantivy::Searcher,
    f: &Fields,
    text: &str,
    filters: &Filters,
) -> Result<Built, SearchError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(SearchError::Empty);
    }
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(SearchError::TooLong);
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut highlight: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut used = 0;
    for term in text.split_whitespace() {
        let toks = tokens(index, term);
        let grams = bigrams(term);
        if (toks.is_empty() && grams.is_empty()) || used >= MAX_TOKENS {
            continue;
        }
        for t in &toks {
            let word = |field| -> Box<dyn Query> {
                Box::new(TermQuery::new(
                    Term::from_field_text(field, t),
                    IndexRecordOption::WithFreqs,
                ))
            };
            highlight.push((Occur::Should, word(f.text)));
        }
        if grams.is_empty() {
            // a single character: match it as a jieba word
            for t in leaves(&toks) {
                clauses.push((Occur::Must, any_field(&[(f.title, 3.0), (f.text, 1.0)], t)));
                used += 1;
            }
            continue;
        }
        // match (and rank by BM25 over) the bigrams of the whole text ...
        for g in grams.iter().take(MAX_TOKENS - used) {
            let q: Box<dyn Query> = Box::new(TermQuery::new(
                Term::from_field_text(f.grams, g),
                IndexRecordOption::WithFreqs,
            ));
            clauses.push((Occur::Must, q));
            used += 1;
        }
        // ... and rank stories whose title has the words first. A word in most
        // titles says little about any one story (its idf is near zero) and
        // would cost a pass over most of the index: leave it out.
        let docs = searcher.num_docs().max(1);
        for t in toks.iter().take(MAX_TOKENS.saturating_sub(used)) {
            let term = Term::from_field_text(f.title, t);
            if searcher.doc_freq(&term).unwrap_or(0) * 4 > docs {
                continue;
            }
            let q: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
            clauses.push((Occur::Should, Box::new(BoostQuery::new(q, 3.0))));
            used += 1;
        }
    }
    if !clauses.iter().any(|(o, _)| *o == Occur::Must) {
        return Err(SearchError::NoTerms);
    }
    add_filters(&mut clauses, f, filters);
    Ok(Built {
        query: Box::new(BooleanQuery::new(clauses)),
        highlight: Box::new(BooleanQuery::new(highlight)),
    })
}

fn add_filters(clauses: &mut Vec<(Occur, Box<dyn Query>)>, f: &Fields, filters: &Filters) {
    if let Some(site) = &filters.site {
        clauses.push((
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(f.site, site),
                IndexRecordOption::Basic,
            )),
        ));
    }
    if let Some(channel) = &filters.channel {
        clauses.push((
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(f.channel, channel),
                IndexRecordOption::Basic,
            )),
        ));
    }
    if filters.from.is_some() || filters.until.is_some() {
        let lower = filters.from.map_or(Bound::Unbounded, |v| {
            Bound::Included(Term::from_field_i64(f.signed_at, v))
        });
        let upper = filters.until.map_or(Bound::Unbounded, |v| {
            Bound::Excluded(Term::from_field_i64(f.signed_at, v))
        });
        clauses.push((Occur::Must, Box::new(RangeQuery::new(lower, upper))));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bigrams_of_a_term() {
        assert_eq!(bigrams("非遗传承"), vec!["非遗", "遗传", "传承"]);
        assert_eq!(bigrams("滨州"), vec!["滨州"]);
        assert_eq!(bigrams("滨"), Vec::<String>::new());
        assert_eq!(bigrams("A股,滨州"), vec!["a股", "滨州"]);
    }

    #[test]
    fn leaves_are_the_smallest_parts() {
        let t: Vec<String> = ["职业", "教育", "职业教育"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let l: Vec<&str> = leaves(&t).into_iter().map(String::as_str).collect();
        assert_eq!(l, vec!["职业", "教育"]);
        let one = vec!["滨州".to_string()];
        assert_eq!(leaves(&one), vec![&one[0]]);
    }
}
