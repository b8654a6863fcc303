//! 直播: live coverage; its entries come after sign-off (`domain::live`),
//! and its page's script polls a snapshot of them (`live/{id}/entries.json`),
//! which the static export writes beside the page.

use super::{KindSpec, Part, UrlRule};

pub const SPEC: KindSpec = KindSpec {
    name: "live",
    label: "直播",
    parts: &[Part::Lead, Part::Live],
    needs_body: false,
    listed: true,
    missing: |parts| {
        parts
            .live
            .as_ref()
            .is_none_or(|l| l.starts_at <= 0)
            .then(|| "直播稿须填写直播开始时间".into())
    },
    gates: &[],
    url: UrlRule::Dated,
    // 直播中 beside the title in every list while the desk has it open
    list_mark: |facts| {
        facts.on_air.then(|| super::ListMark {
            class: "mark-live",
            text: "直播中".into(),
            title: None,
        })
    },
    public_files: |id| vec![crate::domain::url::live_entries_path(id)],
    gathers: false,
};
