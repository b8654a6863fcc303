//! The demo's videos: two clips the project made itself (`tools/demo_video.sh`:
//! ffmpeg's test patterns under Chinese title cards, assets/demo/video), in
//! the main site's video library with their posters in the image library,
//! and two 视频 stories in 视听滨州, which lists as 图文. The renditions, HLS
//! playlists and poster frames are made by the usual job once the server
//! runs (with ffmpeg; without it the stories say the video is on its way).
//! Idempotent like the rest of the demo.

use anyhow::Context as _;
use bytes::Bytes;
use sha2::Digest as _;

use crate::db::{Actor, NewVideo, Store};
use crate::domain::channel::ListStyle;
use crate::domain::html::paragraphs_to_html;
use crate::domain::kind::{Kind, Parts};
use crate::domain::picture::PictureUse;
use crate::domain::text::parse_rfc3339;
use crate::domain::url::story_path;
use crate::domain::video::{Probe, VideoUse};
use crate::domain::{Article, Byline, Status};
use crate::media::MediaStore;

/// Where the video stories live.
pub const VIDEO_CHANNEL: &str = "st";

struct Clip {
    id: i64,
    name: &'static str,
    bytes: &'static [u8],
    poster: &'static [u8],
    title: &'static str,
    summary: &'static str,
    body: &'static [&'static str],
    alt: &'static str,
    signed: &'static str,
}

const CLIPS: &[Clip] = &[
    Clip {
        id: 900_501,
        name: "视听滨州演示.mp4",
        bytes: include_bytes!("../../assets/demo/video/binzhou.mp4"),
        poster: include_bytes!("../../assets/demo/video/binzhou.jpg"),
        title: "视听山东·感知惠民|黄河岸边的城市:一分钟看滨州",
        summary: "跟随镜头走进黄河岸边的滨州,看城市的新变化。",
        body: &[
            "这是 Gazette 演示用的视频稿件:画面由 ffmpeg 的测试图案和中文标题卡生成,时长 8 秒。",
            "视频稿与文字稿走同一套三审流程,签发后在“视听滨州”栏目和列表中显示时长。",
        ],
        alt: "蓝底白字的“视听滨州”标题卡,背景是彩色测试图案",
        signed: "2024-04-19T16:00:00+08:00",
    },
    Clip {
        id: 900_502,
        name: "黄河口湿地演示.mp4",
        bytes: include_bytes!("../../assets/demo/video/wetland.mp4"),
        poster: include_bytes!("../../assets/demo/video/wetland.jpg"),
        title: "视听|黄河口湿地迎来候鸟归来",
        summary: "春分过后,黄河口湿地迎来北归的候鸟。",
        body: &[
            "演示视频:黄河口湿地的标题卡与测试画面,时长 8 秒。",
            "读者可在页面上直接播放,也可下载视频文件;支持字幕的视频会显示中文字幕。",
        ],
        alt: "“黄河口湿地”标题卡,背景是彩条测试图案",
        signed: "2024-04-19T17:00:00+08:00",
    },
];

/// When the clips were "uploaded" (their keys' month).
const UPLOADED: i64 = 1_713_520_800; // 2024-04-19 18:00 CST

/// What ffprobe says of each clip (both are made alike by tools/demo_video.sh);
/// the integration test of the demo's videos checks the job against it.
fn probe() -> Probe {
    Probe {
        duration_ms: 8000,
        width: 854,
        height: 480,
        video_codec: "h264".into(),
        audio_codec: Some("aac".into()),
        fps: 25.0,
        demuxer: "mov".into(),
        aigc: None,
    }
}

pub async fn load(store: &dyn Store, media: &dyn MediaStore, now: i64) -> anyhow::Result<usize> {
    let actor = Actor {
        id: None,
        name: "示例内容".into(),
        address: String::new(),
    };
    let channels = store.channels("main").await?;
    let Some(channel) = channels.iter().find(|c| c.path == VIDEO_CHANNEL) else {
        return Ok(0);
    };
    let month = crate::domain::text::to_cst(UPLOADED)
        .format("%Y/%m")
        .to_string();
    let mut created = 0;
    for c in CLIPS {
        if store.article(c.id).await?.is_some() {
            continue;
        }
        let hash = hex::encode(&sha2::Sha256::digest(c.bytes)[..10]);
        let key = format!("{month}/{hash}.mp4");
        if media.size(&key).await?.is_none() {
            media
                .put(&key, Bytes::from_static(c.bytes), "video/mp4")
                .await?;
        }
        let (video, _) = store
            .add_video(
                &NewVideo {
                    site_id: "main".into(),
                    key,
                    name: c.name.into(),
                    bytes: c.bytes.len() as i64,
                    probe: probe(),
                },
                &actor,
                now,
            )
            .await
            .with_context(|| format!("adding demo video {}", c.name))?;
        let poster = super::photos::add(
            store,
            media,
            "main",
            c.poster,
            c.title,
            "滨州网",
            c.alt,
            &actor,
            now,
        )
        .await?;
        let signed = parse_rfc3339(c.signed).expect("valid time");
        let a = Article {
            id: c.id,
            site_id: "main".into(),
            channel_id: channel.id,
            extra_channel_ids: vec![],
            title: c.title.into(),
            short_title: None,
            subtitle: None,
            byline: vec![Byline {
                role: "摄像".into(),
                name: "刘洋".into(),
            }],
            source: "滨州网".into(),
            reprint: None,
            editor: "闫晓亮".into(),
            body_html: paragraphs_to_html(
                &c.body.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            ),
            summary: c.summary.into(),
            tags: vec!["视听".into()],
            status: Status::Published,
            signed_at: Some(signed),
            signed_by: Some("闫晓亮".into()),
            published_at: Some(signed),
            url_path: Some(story_path(VIDEO_CHANNEL, signed, c.id)),
            created_at: signed - 3600,
            updated_at: signed,
            version: 1,
            corrections: vec![],
            revised_at: None,
            kind: Kind::Video,
            parts: Parts {
                lead: Some(PictureUse {
                    image_id: poster,
                    caption: String::new(),
                    credit: "滨州网".into(),
                    alt: c.alt.into(),
                }),
                video: Some(VideoUse {
                    video_id: video.id,
                    seconds: video.probe.seconds(),
                    subtitles: None,
                }),
                ..Parts::default()
            },
            ai: Default::default(),
        };
        store.save_article(&a, now).await?;
        created += 1;
    }
    if created > 0 {
        let mut c = channel.clone();
        c.list_style = ListStyle::Pictures;
        store.update_channel(&c, now).await?;
    }
    Ok(created)
}
