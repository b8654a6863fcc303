//! The demo's live coverage: "现场直播|2024齐鲁书香节…" (the seed page's own
//! list item) as a 直播 story with a dozen entries written on site, each
//! approved by the live desk, some pinned or marked 要点, one corrected,
//! the coverage opened and closed. Idempotent: entries are written once.

use crate::db::{Actor, NewEntry, Store};
use crate::domain::html::paragraphs_to_html;
use crate::domain::live::EntryAct;
use crate::domain::text::parse_rfc3339;

/// The live story (also in the 头条 slot).
pub const LIVE_ID: i64 = 900_202;
/// When the coverage was planned to start.
pub const PLANNED: &str = "2024-04-20T09:00:00+08:00";

/// (time, reporter, text, pinned, key event)
const ENTRIES: &[(&str, &str, &str, bool, bool)] = &[
    (
        "08:58",
        "王丽",
        "各位读者早上好!这里是2024齐鲁书香节暨第二届“书香滨州”全民阅读季启动仪式现场,滨州网记者将为您带来图文直播。",
        false,
        false,
    ),
    (
        "09:03",
        "王丽",
        "启动仪式在滨州市图书馆广场举行,现场已有数百名市民和学生前来参加。",
        false,
        false,
    ),
    (
        "09:10",
        "丁春贵",
        "启动仪式正式开始。主持人介绍,本届阅读季以“书香滨州 悦读悦美”为主题,将持续到年底。",
        false,
        true,
    ),
    (
        "09:18",
        "王丽",
        "市领导宣布2024齐鲁书香节暨第二届“书香滨州”全民阅读季正式启动。",
        true,
        true,
    ),
    (
        "09:25",
        "丁春贵",
        "现场发布了“书香滨州”十大阅读推广活动,包括城市书房共读、亲子阅读月、乡村读书会等。",
        false,
        true,
    ),
    (
        "09:40",
        "王丽",
        "滨城区实验小学的同学们带来经典诵读《少年中国说》,赢得阵阵掌声。",
        false,
        false,
    ),
    (
        "09:55",
        "丁春贵",
        "“城市书房”建设成果展吸引了不少市民驻足。截至目前,全市已建成城市书房42处。",
        false,
        false,
    ),
    (
        "10:12",
        "王丽",
        "读者代表分享了自己在城市书房里读书的故事:“下班后来这里坐一坐,是一天里最安静的时光。”",
        false,
        false,
    ),
    (
        "10:30",
        "丁春贵",
        "图书集市开市,30余家出版社和书店参展,部分图书打八折。",
        false,
        false,
    ),
    (
        "10:48",
        "王丽",
        "主办方提醒:阅读季期间,市民凭借书证可在全市各图书馆分馆通借通还。",
        true,
        false,
    ),
    (
        "11:15",
        "丁春贵",
        "启动仪式结束,图书集市将持续到4月22日,每天9:00—17:00开放。",
        false,
        false,
    ),
    (
        "11:40",
        "王丽",
        "本场图文直播到此结束,感谢您的关注!更多报道请关注滨州网和《滨州日报》。",
        false,
        false,
    ),
];

fn at(hm: &str) -> i64 {
    parse_rfc3339(&format!("2024-04-20T{hm}:00+08:00")).expect("valid time")
}

pub async fn load(store: &dyn Store) -> anyhow::Result<usize> {
    if store.article(LIVE_ID).await?.is_none() || !store.entries(LIVE_ID, false).await?.is_empty() {
        return Ok(0);
    }
    let desk = Actor {
        id: None,
        name: "闫晓亮".into(),
        address: String::new(),
    };
    store
        .set_live_clock(LIVE_ID, true, &desk, at("08:57"))
        .await?;
    for (i, (hm, who, text, pinned, key)) in ENTRIES.iter().enumerate() {
        let reporter = Actor {
            id: None,
            name: (*who).into(),
            address: String::new(),
        };
        let written = at(hm) - 60;
        let e = store
            .add_entry(
                &NewEntry {
                    article_id: LIVE_ID,
                    body_html: paragraphs_to_html(&[*text]),
                    image_id: None,
                    video_id: None,
                    ai: Default::default(),
                },
                &reporter,
                written,
            )
            .await?;
        store
            .act_on_entry(e.id, &EntryAct::Approve, &desk, at(hm))
            .await?;
        if *pinned {
            store
                .act_on_entry(e.id, &EntryAct::Pin(true), &desk, at(hm) + 30)
                .await?;
        }
        if *key {
            store
                .act_on_entry(e.id, &EntryAct::KeyEvent(true), &desk, at(hm) + 40)
                .await?;
        }
        // the count of city reading rooms was first given wrong, then corrected
        if i == 6 {
            store
                .act_on_entry(
                    e.id,
                    &EntryAct::Correct {
                        body_html: paragraphs_to_html(&[*text]),
                        note: "城市书房数量原误写为24处,已更正为42处".into(),
                    },
                    &desk,
                    at("10:05"),
                )
                .await?;
            // a correction is approved by another editor, as on the desk
            let chief = Actor {
                id: None,
                name: "王静".into(),
                address: String::new(),
            };
            store
                .act_on_entry(e.id, &EntryAct::ApproveCorrection, &chief, at("10:07"))
                .await?;
        }
    }
    store
        .set_live_clock(LIVE_ID, false, &desk, at("11:41"))
        .await?;
    Ok(1)
}
