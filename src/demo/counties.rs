//! Two county sites with a front page of their own (邹平, 博兴): a few
//! stories in their channels (named in the county's words), a 头条, a 焦点
//! picture story from the county's own library. Idempotent like the rest
//! of the demo.

use crate::db::{Actor, Store};
use crate::domain::html::paragraphs_to_html;
use crate::domain::kind::Parts;
use crate::domain::picture::PictureUse;
use crate::domain::text::parse_rfc3339;
use crate::domain::url::story_path;
use crate::domain::{Article, Byline, Status};
use crate::media::MediaStore;

/// A county story: id, channel, title, summary, reporter, sign-off time,
/// and the demo photograph it leads with (焦点).
struct Story {
    id: i64,
    channel: &'static str,
    title: &'static str,
    summary: &'static str,
    reporter: &'static str,
    signed: &'static str,
    photo: Option<&'static str>,
}

/// Each county: site id, its stories (the 头条 first), its editor.
const COUNTIES: &[(&str, &str, &[Story])] = &[
    (
        "zouping",
        "王晓燕",
        &[
            Story {
                id: 910_001,
                channel: "tt",
                title: "邹平市召开优化营商环境工作推进会",
                summary: "会议通报了一季度营商环境评价情况,部署下一阶段“一件事一次办”改革任务。",
                reporter: "李明",
                signed: "2024-04-20T09:10:00+08:00",
                photo: None,
            },
            Story {
                id: 910_002,
                channel: "zw/yw",
                title: "邹平市春季重点项目集中开工",
                summary: "此次集中开工项目涵盖先进制造、现代农业和城市更新等领域。",
                reporter: "李明",
                signed: "2024-04-19T16:30:00+08:00",
                photo: None,
            },
            Story {
                id: 910_003,
                channel: "sh",
                title: "家门口的“口袋公园”成了居民休闲好去处",
                summary: "城区新建的多处口袋公园陆续开放,方便居民就近休闲健身。",
                reporter: "张莉",
                signed: "2024-04-19T11:00:00+08:00",
                photo: None,
            },
            Story {
                id: 910_004,
                channel: "zw/xq",
                title: "黛溪街道开展春季消防安全大排查",
                summary: "街道组织网格员走进沿街商铺和居民小区,排查消防安全隐患。",
                reporter: "张莉",
                signed: "2024-04-18T15:20:00+08:00",
                photo: None,
            },
            Story {
                id: 910_005,
                channel: "tp",
                title: "春日随拍:仰望大桥",
                summary: "读者镜头里的大桥:白色的吊索和拉索交织在蓝天下。",
                reporter: "王晓燕",
                signed: "2024-04-19T18:00:00+08:00",
                photo: Some("bridge"),
            },
        ],
    ),
    (
        "boxing",
        "孙海涛",
        &[
            Story {
                id: 910_101,
                channel: "tt",
                title: "博兴县召开乡村振兴重点工作调度会",
                summary: "会议听取各镇街重点工作进展,研究部署春耕生产和人居环境整治。",
                reporter: "刘洋",
                signed: "2024-04-20T08:40:00+08:00",
                photo: None,
            },
            Story {
                id: 910_102,
                channel: "zw/yw",
                title: "博兴县举行春季招聘会 提供岗位两千余个",
                summary: "招聘会吸引县内外六十余家企业参加,现场达成就业意向三百余人。",
                reporter: "刘洋",
                signed: "2024-04-19T15:00:00+08:00",
                photo: None,
            },
            Story {
                id: 910_103,
                channel: "sh",
                title: "老旧小区改造让居民住得更舒心",
                summary: "今年改造的老旧小区完成管网更新、加装照明和停车位施划。",
                reporter: "陈静",
                signed: "2024-04-19T10:20:00+08:00",
                photo: None,
            },
            Story {
                id: 910_104,
                channel: "zw/xq",
                title: "锦秋街道开展文明交通志愿服务活动",
                summary: "志愿者在城区主要路口劝导行人和非机动车遵守交通规则。",
                reporter: "陈静",
                signed: "2024-04-18T17:00:00+08:00",
                photo: None,
            },
            Story {
                id: 910_105,
                channel: "tp",
                title: "春日随拍:林间溪流",
                summary: "读者镜头里的春天:林间小溪漫过浅色的石灰岩。",
                reporter: "孙海涛",
                signed: "2024-04-19T18:30:00+08:00",
                photo: Some("stream"),
            },
        ],
    ),
];

/// Load the county stories, pictures and 推荐位; returns how many stories
/// were created. Without the media store the picture stories are skipped.
pub async fn load(store: &dyn Store, media: &dyn MediaStore, now: i64) -> anyhow::Result<usize> {
    let actor = Actor {
        id: None,
        name: "示例内容".into(),
        address: String::new(),
    };
    let mut created = 0;
    for (site, editor, stories) in COUNTIES {
        let channels = store.channels(site).await?;
        let name_of = store
            .sites()
            .await?
            .into_iter()
            .find(|s| s.id == *site)
            .map(|s| s.name)
            .unwrap_or_default();
        let mut placed = Vec::new();
        let mut pictured = Vec::new();
        for s in stories.iter() {
            let Some(channel) = channels.iter().find(|c| c.path == s.channel) else {
                continue;
            };
            let mut parts = Parts::default();
            if let Some(name) = s.photo {
                let Some((bytes, caption, credit, alt)) = super::photos::photo(name) else {
                    continue;
                };
                let picture = match super::photos::add(
                    store, media, site, bytes, caption, credit, alt, &actor, now,
                )
                .await
                {
                    Ok(id) => id,
                    Err(e) => {
                        tracing::warn!(error = %format!("{e:#}"), site, "a county demo picture was not loaded");
                        continue;
                    }
                };
                parts.lead = Some(PictureUse {
                    image_id: picture,
                    caption: caption.into(),
                    credit: credit.into(),
                    alt: alt.into(),
                });
                pictured.push(s.id);
            }
            placed.push(s.id);
            if store.article(s.id).await?.is_some() {
                continue;
            }
            let signed = parse_rfc3339(s.signed).expect("valid time");
            let source = format!("{name_of}融媒讯");
            let a = Article {
                id: s.id,
                site_id: (*site).into(),
                channel_id: channel.id,
                extra_channel_ids: vec![],
                title: s.title.into(),
                short_title: None,
                subtitle: None,
                byline: vec![Byline {
                    role: if s.photo.is_some() {
                        "摄影"
                    } else {
                        "记者"
                    }
                    .into(),
                    name: s.reporter.into(),
                }],
                source: source.clone(),
                reprint: None,
                editor: (*editor).into(),
                body_html: paragraphs_to_html(&[
                    format!("{source} {}", s.summary),
                    "详细报道请关注本站后续报道。".to_string(),
                ]),
                summary: s.summary.into(),
                tags: vec![name_of.clone()],
                status: Status::Published,
                signed_at: Some(signed),
                signed_by: Some((*editor).into()),
                published_at: Some(signed),
                url_path: Some(story_path(s.channel, signed, s.id)),
                created_at: signed - 3600,
                updated_at: signed,
                version: 1,
                corrections: vec![],
                revised_at: None,
                kind: Default::default(),
                ai: Default::default(),
                parts,
            };
            store.save_article(&a, now).await?;
            created += 1;
        }
        let headlines: Vec<i64> = placed
            .iter()
            .copied()
            .filter(|id| !pictured.contains(id))
            .collect();
        if store.slot(site, "toutiao").await?.is_none() && !headlines.is_empty() {
            store
                .put_slot(site, "toutiao", &format!("{name_of}头条"), &headlines, now)
                .await?;
        }
        if store.slot(site, "jiaodian").await?.is_none() && !pictured.is_empty() {
            store
                .put_slot(site, "jiaodian", "焦点", &pictured, now)
                .await?;
        }
    }
    Ok(created)
}
