//! 专题: a topic page at `{prefix}zt/{slug}/` gathering other stories in
//! sections (`domain::topic`); its 题图 is the banner, its body the
//! introduction. In no channel's list: the site's 专题 list shows it.

use super::{KindSpec, Part, UrlRule};

pub const SPEC: KindSpec = KindSpec {
    name: "topic",
    label: "专题",
    parts: &[Part::Lead, Part::Topic],
    needs_body: true,
    listed: false,
    missing: |parts| match &parts.topic {
        None => Some("专题须填写网址和至少一个栏目".into()),
        Some(t) => t.missing(),
    },
    gates: &[],
    url: UrlRule::Topic,
    list_mark: |_| None,
    public_files: |_| Vec::new(),
    gathers: true,
};
