//! Turning a reader's words into a tantivy query.
//!
//! Each whitespace-separated term is cut by the same jieba analyzer as the
//! index. Search mode emits a word and its parts (职业教育 → 职业, 教育,
//! 职业教育); a story must contain every smallest part of every term (in any
//! field), and containing the whole word ranks it higher. This finds a word
//! however jieba cut the surrounding sentence. Query syntax characters have no
//! meaning: nothing a reader types can make the query fail.

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

const MAX_TOKENS: usize = 32;

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

fn text_fields(f: &Fields) -> Vec<(Field, f32)> {
    vec![
        (f.title, 3.0),
        (f.subtitle, 1.5),
        (f.body, 1.0),
        (f.byline, 2.0),
        (f.editor, 1.0),
        (f.tags, 2.0),
    ]
}

pub(super) fn build(
    index: &Index,
    f: &Fields,
    text: &str,
    filters: &Filters,
) -> Result<Box<dyn Query>, SearchError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(SearchError::Empty);
    }
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(SearchError::TooLong);
    }
    let fields = text_fields(f);
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut used = 0;
    for term in text.split_whitespace() {
        let toks = tokens(index, term);
        let leaf = leaves(&toks);
        if leaf.is_empty() {
            continue;
        }
        for t in &leaf {
            if used < MAX_TOKENS {
                clauses.push((Occur::Must, any_field(&fields, t)));
                used += 1;
            }
        }
        for t in toks.iter().filter(|t| !leaf.contains(t)) {
            if used < MAX_TOKENS {
                clauses.push((Occur::Should, any_field(&fields, t)));
                used += 1;
            }
        }
    }
    if !clauses.iter().any(|(o, _)| *o == Occur::Must) {
        return Err(SearchError::NoTerms);
    }
    add_filters(&mut clauses, f, filters);
    Ok(Box::new(BooleanQuery::new(clauses)))
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

/// Stories like this one: any of its title words or tags, itself excluded,
/// within its own site (`same_site`) or outside it.
pub(super) fn related(
    index: &Index,
    f: &Fields,
    id: i64,
    site: &str,
    same_site: bool,
    title: &str,
    tags: &[String],
) -> Result<Box<dyn Query>, SearchError> {
    let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for t in tokens(index, title)
        .iter()
        .filter(|t| t.chars().count() >= 2)
        .take(12)
    {
        should.push((
            Occur::Should,
            any_field(&[(f.title, 2.0), (f.tags, 1.0)], t),
        ));
    }
    for tag in tags.iter().take(8) {
        for t in tokens(index, tag).iter().take(3) {
            should.push((
                Occur::Should,
                any_field(&[(f.tags, 3.0), (f.title, 1.0)], t),
            ));
        }
    }
    if should.is_empty() {
        return Err(SearchError::NoTerms);
    }
    let site_term: Box<dyn Query> = Box::new(TermQuery::new(
        Term::from_field_text(f.site, site),
        IndexRecordOption::Basic,
    ));
    Ok(Box::new(BooleanQuery::new(vec![
        (Occur::Must, Box::new(BooleanQuery::new(should))),
        (
            Occur::MustNot,
            Box::new(TermQuery::new(
                Term::from_field_i64(f.id, id),
                IndexRecordOption::Basic,
            )),
        ),
        (
            if same_site {
                Occur::Must
            } else {
                Occur::MustNot
            },
            site_term,
        ),
    ])))
}

#[cfg(test)]
mod tests {
    use super::*;

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
