//! The index schema and the Chinese analyzer.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{LowerCaser, RemoveLongFilter, StopWordFilter, TextAnalyzer};

/// Name of the jieba analyzer registered on the index.
pub const ANALYZER: &str = "jieba";
/// Name of the character-bigram analyzer (exact-substring recall).
pub const BIGRAMS: &str = "bigram";

#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub id: Field,
    /// Title words (jieba), for ranking.
    pub title: Field,
    /// Tag words (jieba), for ranking.
    pub tags: Field,
    /// Every searchable text of the story (title, subtitle, body, byline
    /// names, editor, tags) as jieba words: ranking and snippets.
    pub text: Field,
    pub site: Field,
    /// Every channel the story is listed in, ancestors included (`zw`, `zw/yw`).
    pub channel: Field,
    pub signed_at: Field,
    /// Character bigrams of the same texts: what matching uses, so a story
    /// containing a word as written is found however jieba cut its sentence.
    pub grams: Field,
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

pub fn bigram_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(
        tantivy::tokenizer::NgramTokenizer::new(2, 2, false).expect("valid n-gram sizes"),
    )
    .filter(LowerCaser)
    .build()
}

pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    // Positions are not indexed: jieba's search mode emits overlapping tokens
    // and matching uses bigrams, never phrases (a smaller index).
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        id: b.add_i64_field("id", INDEXED | FAST | STORED),
        title: b.add_text_field("title", text.clone()),
        tags: b.add_text_field("tags", text.clone()),
        text: b.add_text_field("text", text),
        site: b.add_text_field("site", STRING | FAST),
        channel: b.add_text_field("channel", STRING),
        signed_at: b.add_i64_field("signed_at", INDEXED | FAST),
        grams: b.add_text_field(
            "grams",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(BIGRAMS)
                    .set_index_option(IndexRecordOption::WithFreqs),
            ),
        ),
    };
    (b.build(), fields)
}
