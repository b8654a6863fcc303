//! A published story as the content API answers it, shaped for apps: ids
//! and URLs, titles, byline with roles, 签发 and update times (RFC 3339 in
//! China Standard Time), summary, the sanitized body, tags, corrections,
//! the 转载 origin, the AI declaration (with IPTC's digital source type)
//! and the kind's parts by id (the render layer adds the files: picture
//! variants, video renditions). Pure: it reads only the story and the
//! facts its caller resolved (the absolute URL, the channel).

use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::domain::Article;
use crate::domain::ai::Ai;
use crate::domain::text::to_cst;

/// What the caller resolved for the story: its absolute page URL, its
/// channel, its pictures as the page shows them, what its kind adds, and
/// its body with absolute URLs.
pub struct Place {
    pub url: String,
    pub channel_path: String,
    pub channel_name: String,
    pub lead: Option<ApiPicture>,
    pub parts: Value,
    pub body_html: String,
}

/// A time as RFC 3339 in China Standard Time (`2024-06-01T08:00:00+08:00`).
pub fn rfc3339(ts: i64) -> String {
    to_cst(ts).to_rfc3339()
}

/// IPTC's digital source type of a declaration (NewsCodes
/// `digitalsourcetype`), for content made wholly or partly by AI.
pub fn digital_source_type(ai: Ai) -> Option<&'static str> {
    match ai {
        Ai::None => None,
        Ai::Whole => Some("http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"),
        Ai::Partial => Some(
            "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia",
        ),
    }
}

/// 一篇已发布的稿件。用了 `fields=` 时只有所列字段(和 `id`),所以没有必填字段。
/// (A published story as the API answers it; its docs are the OpenAPI
/// document's descriptions, in Chinese for the apps' developers.)
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
#[serde(default)]
#[schema(example = json!({
    "id": 4001, "site": "main", "url": "https://www.bzcm.net/zw/yw/2024-06/01/4001.html",
    "kind": "text", "channel": { "path": "zw/yw", "name": "政务要闻" },
    "title": "黄河大集开集", "short_title": null, "subtitle": "非遗展演",
    "byline": [{ "role": "记者", "name": "王丽" }], "source": "滨州网讯", "editor": "闫晓亮",
    "signed_at": "2024-06-01T08:00:00+08:00", "updated_at": "2024-06-01T08:00:00+08:00",
    "summary": "……", "body_html": "<p>……</p>", "tags": ["黄河大集"], "corrections": [],
    "reprint": null, "ai": null, "lead": null, "parts": {}
}))]
pub struct ApiStory {
    pub id: i64,
    /// 站点标识(`main`、`zouping`)。
    pub site: String,
    /// 稿件页的完整网址。
    pub url: String,
    /// 稿件类型:`text`、`gallery`、`video`、`live`、`topic`。
    pub kind: String,
    pub channel: ApiChannelRef,
    pub title: String,
    pub short_title: Option<String>,
    pub subtitle: Option<String>,
    /// 署名及身份(记者、通讯员、摄影)。
    pub byline: Vec<ApiByline>,
    /// 电头(滨州网讯)。
    pub source: String,
    /// 编辑。
    pub editor: String,
    /// 签发时间,RFC 3339,北京时间。
    pub signed_at: String,
    /// 读者看到的最近一次变动:更新或更正,否则为签发时间。
    pub updated_at: String,
    pub summary: String,
    /// 正文 HTML(已净化,网址为完整网址)。
    pub body_html: String,
    pub tags: Vec<String>,
    /// 更正说明,早的在前。
    pub corrections: Vec<ApiCorrection>,
    /// 转载稿的来源。
    pub reprint: Option<ApiReprint>,
    /// 人工智能生成内容的声明(没有则为 null)。
    pub ai: Option<ApiAi>,
    /// 题图及其各尺寸文件。
    pub lead: Option<ApiPicture>,
    /// 各类型稿件的附加内容,与稿件页一致:`gallery`(图集图片)、`video`(HLS
    /// 播放列表、MP4 各清晰度、封面、字幕)、`live`(直播条目和状态)。
    #[schema(value_type = Object)]
    pub parts: Value,
}

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ApiChannelRef {
    pub path: String,
    pub name: String,
}

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ApiByline {
    /// 记者、通讯员、摄影……
    pub role: String,
    pub name: String,
}

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ApiCorrection {
    pub at: String,
    pub text: String,
}

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ApiReprint {
    pub source: String,
    pub author: String,
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ApiAi {
    /// `whole`(全部由人工智能生成)或 `partial`(部分)。
    pub declaration: String,
    /// 读者看到的标识。
    pub label: String,
    /// IPTC NewsCodes 的数字来源类型(digitalsourcetype)。
    pub digital_source_type: Option<String>,
}

/// 图片库中的一张图片及其各尺寸文件。
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ApiPicture {
    pub id: i64,
    pub caption: String,
    pub credit: String,
    pub alt: String,
    /// 不裁切的最大 JPEG。
    pub url: String,
    pub width: u32,
    pub height: u32,
    /// WebP 文件的 `srcset`(完整网址和宽度)。
    pub webp_srcset: String,
    /// JPEG 文件的 `srcset`。
    pub jpeg_srcset: String,
    /// 图片的人工智能生成标识(如有)。
    pub ai_label: Option<String>,
}

/// The story for the API. `updated_at` is the last change readers saw:
/// its update (更新) or correction, else its 签发.
pub fn story(a: &Article, place: Place) -> ApiStory {
    let signed = a.signed_at.unwrap_or(a.created_at);
    let updated = [a.revised_at, a.corrections.last().map(|c| c.at)]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(signed)
        .max(signed);
    ApiStory {
        id: a.id,
        site: a.site_id.clone(),
        url: place.url,
        kind: a.kind.spec().name.to_string(),
        channel: ApiChannelRef {
            path: place.channel_path,
            name: place.channel_name,
        },
        title: a.title.clone(),
        short_title: a.short_title.clone(),
        subtitle: a.subtitle.clone(),
        byline: a
            .byline
            .iter()
            .map(|b| ApiByline {
                role: b.role.clone(),
                name: b.name.clone(),
            })
            .collect(),
        source: a.source.clone(),
        editor: a.editor.clone(),
        signed_at: rfc3339(signed),
        updated_at: rfc3339(updated),
        summary: a.summary.clone(),
        body_html: place.body_html,
        tags: a.tags.clone(),
        corrections: a
            .corrections
            .iter()
            .map(|c| ApiCorrection {
                at: rfc3339(c.at),
                text: c.text.clone(),
            })
            .collect(),
        reprint: a.reprint.as_ref().map(|r| ApiReprint {
            source: r.source.clone(),
            author: r.author.clone(),
            title: r.title.clone(),
            url: r.url.clone(),
        }),
        ai: (a.ai != Ai::None).then(|| ApiAi {
            declaration: a.ai.as_str().to_string(),
            label: a.ai.label().to_string(),
            digital_source_type: digital_source_type(a.ai).map(str::to_string),
        }),
        lead: place.lead,
        parts: place.parts,
    }
}

/// Keep only `fields` of a story (its `id` always: a program needs it to
/// ask again); an unknown field name is simply absent.
pub fn select(story: &ApiStory, fields: Option<&[String]>) -> Value {
    match (fields, serde_json::to_value(story).unwrap_or(Value::Null)) {
        (Some(fields), Value::Object(map)) => Value::Object(
            map.into_iter()
                .filter(|(k, _)| k == "id" || fields.iter().any(|f| f == k))
                .collect(),
        ),
        (_, v) => v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::article::{Byline, Correction, Reprint};

    fn article() -> Article {
        Article {
            id: 42,
            site_id: "main".into(),
            channel_id: 3,
            extra_channel_ids: vec![],
            title: "黄河大集开集".into(),
            short_title: None,
            subtitle: Some("非遗展演".into()),
            byline: vec![Byline {
                role: "记者".into(),
                name: "王丽".into(),
            }],
            source: "滨州网讯".into(),
            reprint: Some(Reprint {
                source: "大众日报".into(),
                author: "李明".into(),
                title: "黄河大集".into(),
                url: "https://example.com/1".into(),
            }),
            editor: "闫晓亮".into(),
            body_html: "<p>正文</p>".into(),
            summary: "摘要".into(),
            tags: vec!["黄河".into()],
            status: crate::domain::Status::Published,
            signed_at: Some(1_717_200_000),
            signed_by: Some("闫晓亮".into()),
            published_at: Some(1_717_200_000),
            url_path: Some("zw/yw/2024-06/01/42.html".into()),
            created_at: 1_717_190_000,
            updated_at: 1_717_300_000,
            version: 3,
            corrections: vec![Correction {
                at: 1_717_250_000,
                text: "更正人名".into(),
            }],
            revised_at: None,
            kind: Default::default(),
            ai: Ai::Partial,
            parts: Default::default(),
        }
    }

    #[test]
    fn a_story_answers_with_its_times_roles_origin_and_declaration() {
        let place = Place {
            url: "https://www.bzcm.net/zw/yw/2024-06/01/42.html".into(),
            channel_path: "zw/yw".into(),
            channel_name: "政务要闻".into(),
            lead: None,
            parts: serde_json::json!({}),
            body_html: "<p>正文</p>".into(),
        };
        let s = super::story(&article(), place);
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(v["signed_at"], "2024-06-01T08:00:00+08:00");
        assert_eq!(
            v["updated_at"],
            rfc3339(1_717_250_000),
            "the correction is the last change"
        );
        assert_eq!(v["byline"][0]["role"], "记者");
        assert_eq!(v["reprint"]["source"], "大众日报");
        assert_eq!(v["kind"], "text");
        assert_eq!(
            v["ai"]["digital_source_type"],
            "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia"
        );
        assert!(
            v.get("version").is_none(),
            "the newsroom's bookkeeping is not shown"
        );
        let only = select(&s, Some(&["title".to_string(), "nope".to_string()]));
        let keys: Vec<&String> = only.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["id", "title"]);
    }
}
