//! 视频: a library video (`domain::video`; its 题图 is the poster), with a
//! text beneath. It is signed off only once its video is processed.

use super::{Gate, KindSpec, ListMark, Part, UrlRule};

pub const SPEC: KindSpec = KindSpec {
    name: "video",
    label: "视频",
    parts: &[Part::Lead, Part::Video],
    needs_body: false,
    listed: true,
    missing: |parts| {
        parts
            .video
            .is_none()
            .then(|| "视频稿须上传或选择一个视频".into())
    },
    gates: &[Gate::VideoReady],
    url: UrlRule::Dated,
    list_mark: |s| {
        (s.seconds > 0).then(|| {
            let clock = crate::domain::video::clock(s.seconds);
            ListMark {
                class: "mark-video",
                title: Some(format!("视频,时长 {clock}")),
                text: format!("▶ {clock}"),
            }
        })
    },
    public_files: |_| Vec::new(),
    gathers: false,
};
