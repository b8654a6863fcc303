//! A published story as the content API answers it, shaped for apps: ids
//! and URLs, titles, byline with roles, 签发 and update times (RFC 3339 in
//! China Standard Time), summary, the sanitized body, tags, corrections,
//! the 转载 origin, the AI declaration (with IPTC's digital source type)
//! and the kind's parts by id (the render layer adds the files: picture
//! variants, video renditions). Pure: it reads only the story and the
//! facts its caller resolved (the absolute URL, the channel).

use serde_json::{Value, json};

use crate::domain::Article;
use crate::domain::ai::Ai;
use crate::domain::text::to_cst;

/// What the caller resolved for the story: its absolute page URL and its
/// channel (path and name).
pub struct Place<'a> {
    pub url: &'a str,
    pub channel_path: &'a str,
    pub channel_name: &'a str,
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

/// The story's JSON. `updated_at` is the last change readers saw: its
/// update (更新) or correction, else its 签发.
pub fn story_json(a: &Article, place: &Place<'_>) -> Value {
    let signed = a.signed_at.unwrap_or(a.created_at);
    let updated = [a.revised_at, a.corrections.last().map(|c| c.at)]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(signed)
        .max(signed);
    let picture = |p: &crate::domain::picture::PictureUse| json!({ "picture_id": p.image_id, "caption": p.caption, "credit": p.credit, "alt": p.alt });
    json!({
        "id": a.id,
        "site": a.site_id,
        "url": place.url,
        "kind": a.kind.spec().name,
        "channel": { "path": place.channel_path, "name": place.channel_name },
        "title": a.title,
        "short_title": a.short_title,
        "subtitle": a.subtitle,
        "byline": a.byline.iter().map(|b| json!({ "role": b.role, "name": b.name })).collect::<Vec<_>>(),
        "source": a.source,
        "editor": a.editor,
        "signed_at": rfc3339(signed),
        "updated_at": rfc3339(updated),
        "summary": a.summary,
        "body_html": a.body_html,
        "tags": a.tags,
        "corrections": a.corrections.iter().map(|c| json!({ "at": rfc3339(c.at), "text": c.text })).collect::<Vec<_>>(),
        "reprint": a.reprint.as_ref().map(|r| json!({
            "source": r.source, "author": r.author, "title": r.title, "url": r.url,
        })),
        "ai": if a.ai == Ai::None { Value::Null } else { json!({
            "declaration": a.ai.as_str(),
            "label": a.ai.label(),
            "digital_source_type": digital_source_type(a.ai),
        }) },
        "lead": a.parts.lead.as_ref().map(picture),
        "gallery": a.parts.gallery.iter().map(picture).collect::<Vec<_>>(),
        "video": a.parts.video.as_ref().map(|v| json!({ "video_id": v.video_id, "seconds": v.seconds })),
        "live": a.parts.live.as_ref().map(|l| json!({ "starts_at": rfc3339(l.starts_at) })),
    })
}

/// Keep only `fields` of a story (its `id` always: a program needs it to
/// ask again); an unknown field name is simply absent.
pub fn select(story: Value, fields: Option<&[String]>) -> Value {
    let (Some(fields), Value::Object(map)) = (fields, &story) else {
        return story;
    };
    Value::Object(
        map.iter()
            .filter(|(k, _)| *k == "id" || fields.iter().any(|f| f == *k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::article::{Byline, Correction, Reprint};

    fn story() -> Article {
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
            url: "https://www.bzcm.net/zw/yw/2024-06/01/42.html",
            channel_path: "zw/yw",
            channel_name: "政务要闻",
        };
        let v = story_json(&story(), &place);
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
        let only = select(v, Some(&["title".to_string(), "nope".to_string()]));
        let keys: Vec<&String> = only.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["id", "title"]);
    }
}
