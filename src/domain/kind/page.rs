//! 单页: a site page (关于我们, 隐私保护 ...) at `{prefix}{slug}/`, in no
//! channel's list (`domain::page`).

use super::{KindSpec, Part, UrlRule};

pub const SPEC: KindSpec = KindSpec {
    name: "page",
    label: "单页",
    parts: &[Part::Lead, Part::Page],
    needs_body: true,
    listed: false,
    missing: |parts| match &parts.page {
        None => Some("单页须填写网址(如 about)".into()),
        Some(p) => crate::domain::page::valid_slug(&p.slug).err(),
    },
    gates: &[],
    url: UrlRule::Slug,
    list_mark: |_| None,
    public_files: |_| Vec::new(),
    gathers: false,
};
