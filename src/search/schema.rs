//! The index schema and the Chinese analyzer.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{LowerCaser, RemoveLongFilter, StopWordFilter, TextAnalyzer};

/// Name of the jieba analyzer registered on the index.
pub const ANALYZER: &str = "jieba";

#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub id: Field,
    pub title: Field,
    pub subtitle: Field,
    pub body: Field,
    pub byline: Field,
    pub editor: Field,
    pub tags: Field,
    pub site: Field,
    /// Every channel the story is listed in, ancestors included (`zw`, `zw/yw`).
    pub channel: Field,
    pub signed_at: Field,
}

/// Punctuation and spacing jieba emits as tokens; never worth indexing.
const STOP: &[&str] = &[
    " ", "\u{3000}", "\u{ff0c}", "\u{3002}", "\u{3001}", "\u{ff1b}", "\u{ff1a}", "\u{ff1f}",
    "\u{ff01}", "\u{201c}", "\u{201d}", "\u{2018}", "\u{2019}", "\u{ff08}", "\u{ff09}", "\u{300a}",
    "\u{300b}", "\u{3010}", "\u{3011}", "\u{2014}", "\u{2026}", "\u{b7}", ",", ".", ";", ":", "?",
    "!", "\"", "'", "(", ")", "-", "|", "/", "+", "的", "了", "和", "在",
];

pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(tantivy_jieba::JiebaTokenizer::new())
        .filter(RemoveLongFilter::limit(60))
        .filter(LowerCaser)
        .filter(StopWordFilter::remove(STOP.iter().map(|s| s.to_string())))
        .build()
}

pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    // Positions are not indexed: jieba's search mode emits overlapping tokens,
    // and queries require every token instead of phrases (smaller index).
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        id: b.add_i64_field("id", INDEXED | FAST | STORED),
        title: b.add_text_field("title", text.clone()),
        subtitle: b.add_text_field("subtitle", text.clone()),
        body: b.add_text_field("body", text.clone()),
        byline: b.add_text_field("byline", text.clone()),
        editor: b.add_text_field("editor", text.clone()),
        tags: b.add_text_field("tags", text),
        site: b.add_text_field("site", STRING | FAST),
        channel: b.add_text_field("channel", STRING),
        signed_at: b.add_i64_field("signed_at", INDEXED | FAST),
    };
    (b.build(), fields)
}
