//! 文字稿: text with body pictures and an optional 题图.

use super::{KindSpec, Part, UrlRule};

pub const SPEC: KindSpec = KindSpec {
    name: "text",
    label: "文字",
    parts: &[Part::Lead],
    needs_body: true,
    listed: true,
    missing: |_| None,
    gates: &[],
    url: UrlRule::Dated,
    list_mark: |_| None,
    public_files: |_| Vec::new(),
    gathers: false,
};
