//! Chinese full-text search (tantivy + jieba). The index lives under the data
//! directory and is derived data: `writer` is its only mutator and follows the
//! change log from a cursor stored in the index's own commit payload, so after
//! a crash it opens and catches up by itself. Everything else reads.

mod query;
mod schema;
pub mod writer;

use std::path::Path;
use std::sync::Arc;

use tantivy::collector::{Count, TopDocs};
use tantivy::schema::Value;
use tantivy::{DocAddress, Index, IndexReader, Order, ReloadPolicy, TantivyDocument};

pub use query::{Filters, SearchError, Sort};
pub use schema::Fields;

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 100;

/// One page of hits: story ids in rank order, and the total match count.
#[derive(Debug, Clone, Default)]
pub struct Hits {
    pub total: usize,
    pub ids: Vec<i64>,
    /// The words to highlight in snippets.
    query: Option<Arc<dyn tantivy::query::Query>>,
}

pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    writer: writer::Writer,
}

/// An index commit's record of the change log it follows (the commit payload).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Position {
    pub seq: i64,
    /// `Store::identity` of the database.
    #[serde(default)]
    pub db: Option<String>,
    /// `Store::change_mark` of the change at `seq`.
    #[serde(default)]
    pub mark: Option<String>,
}

impl SearchIndex {
    /// Open the index in `dir` (created if missing).
    pub fn open(dir: &Path) -> anyhow::Result<Arc<Self>> {
        std::fs::create_dir_all(dir)?;
        let (schema, fields) = schema::schema();
        let mmap = tantivy::directory::MmapDirectory::open(dir)?;
        let mut index = Index::open_or_create(mmap, schema).map_err(|e| {
            anyhow::anyhow!(
                "cannot open the search index in {}: {e}; run `gazette reindex`",
                dir.display()
            )
        })?;
        index
            .tokenizers()
            .register(schema::ANALYZER, schema::analyzer());
        index
            .tokenizers()
            .register(schema::BIGRAMS, schema::bigram_analyzer());
        // Search the segments of a query in parallel (one thread per core).
        index.set_default_multithread_executor()?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Arc::new(Self {
            writer: writer::Writer::new(),
            index,
            reader,
            fields,
        }))
    }

    /// The change-log position the index reflects.
    pub fn cursor(&self) -> i64 {
        self.position().seq
    }

    /// What the last commit recorded: the change-log seq it reflects, and of
    /// which database and which change row there (an index made before these
    /// were recorded has only the seq).
    pub fn position(&self) -> Position {
        let payload = self.index.load_metas().ok().and_then(|m| m.payload);
        match payload {
            Some(p) if p.starts_with('{') => serde_json::from_str(&p).unwrap_or_default(),
            Some(p) => Position {
                seq: p.parse().unwrap_or(0),
                ..Position::default()
            },
            None => Position::default(),
        }
    }

    /// Number of stories in the index (as of the last commit).
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Search: `text` is the reader's query; `filters` narrow it; `offset`/`limit` page it.
    pub fn search(
        &self,
        text: &str,
        filters: &Filters,
        sort: Sort,
        offset: usize,
        limit: usize,
    ) -> Result<Hits, SearchError> {
        let searcher = self.reader.searcher();
        let built = query::build(&self.index, &searcher, &self.fields, text, filters)?;
        let q = built.query;
        let limit = limit.clamp(1, 100);
        let offset = offset.min(10_000);
        let (total, addrs): (usize, Vec<DocAddress>) = match sort {
            Sort::Relevance => {
                let (top, total) = searcher
                    .search(
                        &q,
                        &(
                            TopDocs::with_limit(limit)
                                .and_offset(offset)
                                .order_by_score(),
                            Count,
                        ),
                    )
                    .map_err(SearchError::internal)?;
                (total, top.into_iter().map(|(_, a)| a).collect())
            }
            Sort::Newest => {
                let (top, total) = searcher
                    .search(
                        &q,
                        &(
                            TopDocs::with_limit(limit)
                                .and_offset(offset)
                                .order_by_fast_field::<i64>("signed_at", Order::Desc),
                            Count,
                        ),
                    )
                    .map_err(SearchError::internal)?;
                (total, top.into_iter().map(|(_, a)| a).collect())
            }
        };
        let mut ids = Vec::with_capacity(addrs.len());
        for addr in addrs {
            let doc: TantivyDocument = searcher.doc(addr).map_err(SearchError::internal)?;
            if let Some(id) = doc.get_first(self.fields.id).and_then(|v| v.as_i64()) {
                ids.push(id);
            }
        }
        Ok(Hits {
            total,
            ids,
            query: Some(Arc::from(built.highlight)),
        })
    }

    /// Every story matching a query (for exports and recall measurements).
    pub fn matching_ids(&self, text: &str, filters: &Filters) -> Result<Vec<i64>, SearchError> {
        let searcher = self.reader.searcher();
        let q = query::build(&self.index, &searcher, &self.fields, text, filters)?.query;
        let docs = searcher
            .search(&q, &tantivy::collector::DocSetCollector)
            .map_err(SearchError::internal)?;
        let mut out = Vec::with_capacity(docs.len());
        for addr in docs {
            let column = searcher
                .segment_reader(addr.segment_ord)
                .fast_fields()
                .i64("id")
                .map_err(SearchError::internal)?;
            if let Some(id) = column.first(addr.doc_id) {
                out.push(id);
            }
        }
        Ok(out)
    }

    /// A highlighted snippet (HTML, escaped, matches in `<b>`) of `text` for the hits' query.
    pub fn snippet(&self, hits: &Hits, text: &str, max_chars: usize) -> String {
        let Some(q) = &hits.query else {
            return String::new();
        };
        let searcher = self.reader.searcher();
        match tantivy::snippet::SnippetGenerator::create(&searcher, q.as_ref(), self.fields.text) {
            Ok(mut generator) => {
                generator.set_max_num_chars(max_chars);
                let snippet = generator.snippet(text);
                if snippet.is_empty() {
                    crate::domain::html::escape_text(&crate::domain::text::excerpt(
                        text,
                        max_chars / 2,
                    ))
                } else {
                    snippet.to_html()
                }
            }
            Err(_) => String::new(),
        }
    }

    pub(crate) fn reload(&self) -> tantivy::Result<()> {
        self.reader.reload()
    }
}
