//! 图集: an ordered set of pictures with captions, and an optional lead text.

use super::{KindSpec, ListMark, Part, UrlRule};

pub const SPEC: KindSpec = KindSpec {
    name: "gallery",
    label: "图集",
    parts: &[Part::Lead, Part::Gallery],
    needs_body: false,
    listed: true,
    missing: |parts| {
        parts
            .gallery
            .is_empty()
            .then(|| "图集至少要有一张图片".into())
    },
    gates: &[],
    url: UrlRule::Dated,
    list_mark: |s| {
        (s.pictures > 0).then(|| ListMark {
            class: "mark-gallery",
            text: format!("图集·{}张", s.pictures),
            title: None,
        })
    },
    public_files: |_| Vec::new(),
    gathers: false,
};
