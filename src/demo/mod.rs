//! Demo content: the 滨州网 portal as the reference page shows it.
//!
//! Loading is idempotent: only what is missing is created, so rerunning
//! `serve --demo` never duplicates stories nor overwrites an editor's changes.
//! Sites and channels use the slugs of the archive format (`gen_corpus.py`), so
//! an imported archive lands in them. Demo story ids start at 900001, above
//! the ids of a typical legacy archive.

mod counties;
mod live;
pub mod pages;
pub mod photos;
pub mod planning;
mod topics;
pub use live::LIVE_ID;
pub use topics::{TOPIC_ID, TOPIC_SLUG};
mod videos;
pub mod views;

use anyhow::Context as _;

use crate::db::Store;
use crate::domain::html::paragraphs_to_html;
use crate::domain::site::{DEFAULT_CHANNELS, GROUP_SITES, default_blocks, default_channel_name};
use crate::domain::text::parse_rfc3339;
use crate::domain::url::story_path;
use crate::domain::{Article, Byline, Link, Site, SiteSettings, Status};

pub const SEED_ARTICLE_ID: i64 = 900_001;
const SEED_BODY: &str = include_str!("seed_article.txt");

/// A list item of the reference page: id, channel, title, list title (when the
/// page shows an editor's shortened one), sign-off time.
struct Item {
    id: i64,
    channel: &'static str,
    title: &'static str,
    signed_at: &'static str,
}

const fn item(
    id: i64,
    channel: &'static str,
    title: &'static str,
    signed_at: &'static str,
) -> Item {
    Item {
        id,
        channel,
        title,
        signed_at,
    }
}

const ITEMS: &[Item] = &[
    // 滨州政务 (newest first, as its "更多" block lists them)
    item(
        900_101,
        "zw/yw",
        "宋永祥率滨州市考察团赴江苏考察招商",
        "2024-04-19T18:00:00+08:00",
    ),
    item(
        900_102,
        "zw/yw",
        "李春田到滨城区现场调研督导五经普工作",
        "2024-04-19T17:30:00+08:00",
    ),
    item(
        900_103,
        "zw/bm",
        "滨州市民营企业发展研究中心成立",
        "2024-04-19T17:00:00+08:00",
    ),
    item(
        900_104,
        "zw/yw",
        "河南省粮食和物资储备局考察团来滨考察调研",
        "2024-04-19T16:30:00+08:00",
    ),
    item(
        900_105,
        "zw/bm",
        "滨州市召开新闻摄影短视频制作分享交流会",
        "2024-04-19T16:00:00+08:00",
    ),
    item(
        900_106,
        "zw/yw",
        "农工党滨州市委会成立二十周年纪念大会召开",
        "2024-04-19T15:30:00+08:00",
    ),
    item(
        900_107,
        "zw/bm",
        "滨州市城乡水务局:“主题党日+”让组织生活更有温度",
        "2024-04-19T15:00:00+08:00",
    ),
    item(
        900_108,
        "zw/yw",
        "2024全国主流媒体滨州行活动正式启动",
        "2024-04-19T14:30:00+08:00",
    ),
    // 滨州头条 channel stories that the 头条 slot also carries
    item(
        900_201,
        "tt",
        "滨州市召开第三届“慈善文化进企业”优秀案例分享会",
        "2024-04-18T10:00:00+08:00",
    ),
    item(
        900_202,
        "tt",
        "现场直播|2024齐鲁书香节暨第二届“书香滨州”全民阅读季启动",
        "2024-04-20T09:00:00+08:00",
    ),
    item(
        900_203,
        "tt",
        "滨州出台提升行政执法质量16条措施 建设人民满意的法治政府",
        "2024-04-19T11:00:00+08:00",
    ),
    item(
        900_204,
        "tt",
        "魏桥创业集团高质量发展再添新绿能",
        "2024-04-18T09:00:00+08:00",
    ),
    // 滨州发布
    item(
        900_301,
        "fb",
        "有一种年味儿,叫花饽饽",
        "2024-04-19T13:00:00+08:00",
    ),
    item(
        900_302,
        "fb",
        "山东手造 滨州精品--瑞鑫地毯(下)",
        "2024-04-19T12:40:00+08:00",
    ),
    item(
        900_303,
        "fb",
        "山东手造 滨州精品--瑞鑫地毯(上)",
        "2024-04-19T12:20:00+08:00",
    ),
    item(
        900_304,
        "fb",
        "锦绣中国年|百年非遗“鼓子秧歌”的新春律动",
        "2024-04-19T12:00:00+08:00",
    ),
    item(
        900_305,
        "fb",
        "黄河三角洲的传说:二月二吃炒豆",
        "2024-04-19T11:40:00+08:00",
    ),
    item(
        900_306,
        "fb",
        "视听山东·感知惠民|创绳网辉煌 谱李庄新篇(二)",
        "2024-04-19T11:20:00+08:00",
    ),
    item(
        900_307,
        "fb",
        "视听山东·感知惠民|创绳网辉煌 谱李庄新篇(一)",
        "2024-04-19T11:00:00+08:00",
    ),
    item(
        900_308,
        "fb",
        "视听山东·感知惠民|孙子故里森林公园(二)",
        "2024-04-19T10:40:00+08:00",
    ),
];

/// The 头条 slot, in the page's curated order.
const HEADLINES: &[i64] = &[
    900_101, 900_102, 900_104, 900_201, 900_202, 900_108, 900_203, 900_204,
];

fn main_settings() -> SiteSettings {
    let link = |title: &str, url: &str| Link {
        title: title.into(),
        url: url.into(),
    };
    SiteSettings {
        description:
            "滨州网是滨州传媒集团主办的滨州新闻门户,发布滨州政务、县区动态和社会民生新闻。".into(),
        footer_links: pages::footer_links(),
        address: "滨州市黄河五路338号".into(),
        organizer: "滨州传媒集团有限公司".into(),
        news_filing: "201554303".into(),
        icp: "鲁ICP备09072207号-3".into(),
        filing_links: vec![
            link("违法和不良信息举报中心", "https://www.12377.cn/"),
            link("滨州网警", ""),
            link("报警", ""),
        ],
        police_filing: "3716020200429号".into(),
        news_license: "37120180038".into(),
        design_credit: "视觉设计 滨州网设计工作室".into(),
        report_phone: "0543-3163568".into(),
        report_email: "bzrbxmt@163.com".into(),
        article_blocks: default_blocks(),
        logo_image: None,
        favicon_image: None,
        // the city's stories may go into the counties' slots that take them
        shares_stories: true,
        show_empty_blocks: false,
    }
}

/// Load the demo content, its pictures into `media`; returns how many
/// stories were created.
pub async fn load(
    store: &dyn Store,
    media: &dyn crate::media::MediaStore,
    now: i64,
) -> anyhow::Result<usize> {
    let existing = store.sites().await?;
    for (i, (id, name)) in GROUP_SITES.iter().enumerate() {
        if existing.iter().any(|s| s.id == *id) {
            continue;
        }
        let site = Site {
            id: (*id).into(),
            name: (*name).into(),
            prefix: Site::default_prefix(id),
            host: None,
            sort: i as i64,
            settings: if *id == "main" {
                main_settings()
            } else {
                SiteSettings {
                    article_blocks: default_blocks(),
                    ..Default::default()
                }
            },
        };
        store
            .put_site(&site, now)
            .await
            .with_context(|| format!("creating site {id}"))?;
    }
    for (id, _) in GROUP_SITES {
        for (i, (path, _)) in DEFAULT_CHANNELS.iter().enumerate() {
            let name = default_channel_name(id, path);
            store.ensure_channel(id, path, &name, i as i64).await?;
        }
    }

    let channels = store.channels("main").await?;
    let channel_id = |path: &str| {
        channels
            .iter()
            .find(|c| c.path == path)
            .map(|c| c.id)
            .expect("demo channel exists")
    };
    let mut created = 0;

    let seed_signed = parse_rfc3339("2023-06-01T10:30:00+08:00").expect("valid time");
    if store.article(SEED_ARTICLE_ID).await?.is_none() {
        let paragraphs: Vec<&str> = SEED_BODY.lines().filter(|l| !l.trim().is_empty()).collect();
        let seed = Article {
            id: SEED_ARTICLE_ID,
            site_id: "main".into(),
            channel_id: channel_id("zw/yw"),
            extra_channel_ids: vec![],
            title: "全省职教社工作研讨班暨规范化建设现场推进会在滨州召开".into(),
            short_title: None,
            subtitle: None,
            byline: vec![
                Byline {
                    role: "记者".into(),
                    name: "丁春贵".into(),
                },
                Byline {
                    role: "通讯员".into(),
                    name: "张月月".into(),
                },
            ],
            source: "滨州日报/滨州网讯".into(),
            reprint: None,
            editor: "闫晓亮".into(),
            body_html: paragraphs_to_html(&paragraphs),
            summary: "5月29日至31日,全省职教社工作研讨班暨规范化建设现场推进会在邹平市召开。"
                .into(),
            tags: vec!["职业教育".into(), "职教社".into(), "产教融合".into()],
            status: Status::Published,
            signed_at: Some(seed_signed),
            signed_by: Some("闫晓亮".into()),
            published_at: Some(seed_signed),
            url_path: Some(story_path("zw/yw", seed_signed, SEED_ARTICLE_ID)),
            created_at: seed_signed - 3 * 3600,
            updated_at: seed_signed,
            version: 1,
            corrections: vec![],
            revised_at: None,
            kind: Default::default(),
            ai: Default::default(),
            parts: Default::default(),
        };
        store
            .save_article(&seed, now)
            .await
            .context("creating the seed article")?;
        created += 1;
    }

    for it in ITEMS {
        if store.article(it.id).await?.is_some() {
            continue;
        }
        let signed = parse_rfc3339(it.signed_at).expect("valid time");
        let source = "滨州网讯";
        let body = [
            format!("{source} {}。", it.title),
            "详细报道请关注《滨州日报》和滨州网后续报道。".to_string(),
        ];
        let a = Article {
            id: it.id,
            site_id: "main".into(),
            channel_id: channel_id(it.channel),
            extra_channel_ids: vec![],
            title: it.title.into(),
            short_title: None,
            subtitle: None,
            byline: vec![Byline {
                role: "记者".into(),
                name: "王丽".into(),
            }],
            source: source.into(),
            reprint: None,
            editor: "闫晓亮".into(),
            body_html: paragraphs_to_html(&body),
            summary: String::new(),
            tags: vec![],
            status: Status::Published,
            signed_at: Some(signed),
            signed_by: Some("闫晓亮".into()),
            published_at: Some(signed),
            url_path: Some(story_path(it.channel, signed, it.id)),
            created_at: signed - 3600,
            updated_at: signed,
            version: 1,
            corrections: vec![],
            revised_at: None,
            kind: Default::default(),
            ai: Default::default(),
            parts: Default::default(),
        };
        // the seed's "现场直播|..." is live coverage (its entries: demo/live.rs)
        let a = if it.id == live::LIVE_ID {
            let mut a = a;
            a.kind = crate::domain::kind::Kind::Live;
            a.parts.live = Some(crate::domain::live::LivePart {
                starts_at: parse_rfc3339(live::PLANNED).expect("valid time"),
            });
            a.body_html = paragraphs_to_html(&[
                "4月20日上午,2024齐鲁书香节暨第二届“书香滨州”全民阅读季在滨州市图书馆广场启动。滨州网记者在现场为您图文直播。",
            ]);
            a.summary = "2024齐鲁书香节暨第二届“书香滨州”全民阅读季启动仪式图文直播。".into();
            a
        } else {
            a
        };
        store
            .save_article(&a, now)
            .await
            .with_context(|| format!("creating demo story {}", it.id))?;
        created += 1;
    }

    if store.slot("main", "toutiao").await?.is_none() {
        store
            .put_slot("main", "toutiao", "滨州头条", HEADLINES, now)
            .await?;
    }
    // the pictures need the media store; without it the demo is text only
    match photos::load(store, media, now).await {
        Ok(n) => created += n,
        Err(e) => tracing::warn!(
            error = %format!("{e:#}"),
            media = %media.describe(),
            "the demo's pictures were not loaded"
        ),
    }
    created += counties::load(store, media, now).await?;
    created += live::load(store).await?;
    created += topics::load(store, media, live::LIVE_ID, now).await?;
    created += pages::load(store, channel_id("zw"), now).await?;
    match videos::load(store, media, now).await {
        Ok(n) => created += n,
        Err(e) => tracing::warn!(
            error = %format!("{e:#}"),
            media = %media.describe(),
            "the demo's videos were not loaded"
        ),
    }
    if store.slot("main", "jiaodian").await?.is_none() {
        store
            .put_slot(
                "main",
                "jiaodian",
                "焦点",
                &photos::carousel(store, SEED_ARTICLE_ID).await?,
                now,
            )
            .await?;
    }
    Ok(created)
}
