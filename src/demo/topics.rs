//! The demo's 专题: 2024齐鲁书香节 (the seed's lists carry its live
//! coverage), with its banner, an introduction, the live story as its
//! lead, and two sections: 现场直播 (the live story by hand, and what says
//! 书香节) and 全民阅读 (what is tagged 全民阅读 or 书香滨州, in 滨州政务);
//! and three 部门动态 stories on reading for it to gather. Idempotent.

use anyhow::Context as _;

use crate::db::{Actor, Store};
use crate::domain::html::paragraphs_to_html;
use crate::domain::kind::{Kind, Parts};
use crate::domain::picture::PictureUse;
use crate::domain::text::parse_rfc3339;
use crate::domain::topic::{Rule, Section, TopicPart, topic_path};
use crate::domain::url::story_path;
use crate::domain::{Article, Byline, Status};
use crate::media::MediaStore;

/// The topic's story id.
pub const TOPIC_ID: i64 = 900_701;
/// Its address: `/zt/2024sxj/`.
pub const TOPIC_SLUG: &str = "2024sxj";

/// Stories on reading in 部门动态: id, title, summary, sign-off time.
const READING: &[(i64, &str, &str, &str)] = &[
    (
        900_711,
        "市图书馆推出“书香滨州”阅读打卡活动",
        "市民在图书馆借阅并分享读书心得,可累计打卡兑换阅读纪念品。",
        "2024-04-10T16:00:00+08:00",
    ),
    (
        900_712,
        "社区书屋周末开放 居民家门口读好书",
        "全市已有百余家社区书屋延长开放时间,周末也能借书还书。",
        "2024-04-09T10:00:00+08:00",
    ),
    (
        900_713,
        "2024齐鲁书香节滨州分会场活动预告",
        "书香节期间,滨州分会场将举办新书发布、名家讲座和亲子阅读等活动。",
        "2024-04-08T09:30:00+08:00",
    ),
];

/// Load the stories and the topic; returns how many stories were created.
pub async fn load(
    store: &dyn Store,
    media: &dyn MediaStore,
    live_id: i64,
    now: i64,
) -> anyhow::Result<usize> {
    let channels = store.channels("main").await?;
    // 部门动态: a department's news (the city library's, the culture bureau's)
    let Some(bm) = channels.iter().find(|c| c.path == "zw/bm") else {
        return Ok(0);
    };
    let mut created = 0;
    let story = |id: i64, title: &str, summary: &str, signed: i64| Article {
        id,
        site_id: "main".into(),
        channel_id: bm.id,
        extra_channel_ids: vec![],
        title: title.into(),
        short_title: None,
        subtitle: None,
        byline: vec![Byline {
            role: "记者".into(),
            name: "王丽".into(),
        }],
        source: "滨州网讯".into(),
        reprint: None,
        editor: "闫晓亮".into(),
        body_html: paragraphs_to_html(&[
            format!("滨州网讯 {summary}"),
            "详细报道请关注《滨州日报》和滨州网后续报道。".to_string(),
        ]),
        summary: summary.into(),
        tags: vec!["全民阅读".into(), "书香滨州".into()],
        status: Status::Published,
        signed_at: Some(signed),
        signed_by: Some("闫晓亮".into()),
        published_at: Some(signed),
        url_path: Some(story_path("zw/bm", signed, id)),
        created_at: signed - 3600,
        updated_at: signed,
        version: 1,
        corrections: vec![],
        revised_at: None,
        kind: Kind::Text,
        ai: Default::default(),
        parts: Parts::default(),
    };
    for (id, title, summary, signed) in READING {
        if store.article(*id).await?.is_some() {
            continue;
        }
        let signed = parse_rfc3339(signed).expect("valid time");
        store
            .save_article(&story(*id, title, summary, signed), now)
            .await
            .with_context(|| format!("creating demo story {id}"))?;
        created += 1;
    }
    if store.article(TOPIC_ID).await?.is_some() {
        return Ok(created);
    }
    // the banner: a demo photograph in the main site's library
    let actor = Actor {
        id: None,
        name: "示例内容".into(),
        address: String::new(),
    };
    let banner = match super::photos::photo("trail") {
        Some((bytes, caption, credit, alt)) => {
            match super::photos::add(
                store, media, "main", bytes, caption, credit, alt, &actor, now,
            )
            .await
            {
                Ok(id) => Some(PictureUse {
                    image_id: id,
                    caption: caption.into(),
                    credit: credit.into(),
                    alt: alt.into(),
                }),
                Err(e) => {
                    tracing::warn!(error = %format!("{e:#}"), "the demo topic's banner was not loaded");
                    None
                }
            }
        }
        None => None,
    };
    let signed = parse_rfc3339("2024-04-20T08:00:00+08:00").expect("valid time");
    let mut topic = story(
        TOPIC_ID,
        "2024齐鲁书香节",
        "2024齐鲁书香节暨第二届“书香滨州”全民阅读季专题报道。",
        signed,
    );
    topic.kind = Kind::Topic;
    topic.tags = vec![];
    topic.byline = vec![];
    topic.source = String::new();
    topic.url_path = Some(topic_path(TOPIC_SLUG));
    topic.body_html = paragraphs_to_html(&[
        "2024齐鲁书香节暨第二届“书香滨州”全民阅读季4月20日在滨州启动。本专题汇集启动仪式的现场直播、书香节期间的各项活动和全市全民阅读的报道。",
        "欢迎读者通过滨州网参与“书香滨州”阅读分享。",
    ]);
    topic.parts = Parts {
        lead: banner,
        topic: Some(TopicPart {
            slug: TOPIC_SLUG.into(),
            lead: vec![live_id],
            sections: vec![
                Section {
                    name: "现场直播".into(),
                    picks: vec![live_id],
                    rule: Rule {
                        keywords: vec!["书香节".into()],
                        ..Rule::default()
                    },
                    size: 6,
                },
                Section {
                    name: "全民阅读".into(),
                    picks: vec![],
                    rule: Rule {
                        tags: vec!["全民阅读".into(), "书香滨州".into()],
                        channels: vec!["zw".into()],
                        ..Rule::default()
                    },
                    size: 6,
                },
            ],
        }),
        ..Parts::default()
    };
    store
        .save_article(&topic, now)
        .await
        .context("creating the demo topic")?;
    Ok(created + 1)
}
