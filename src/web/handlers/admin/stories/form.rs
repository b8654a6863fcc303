//! The editor's form as a draft: one path that reads, validates and
//! checks a draft against the store, for new and existing stories alike.

use crate::domain::article::Byline;
use crate::domain::draft::Draft;
use crate::domain::user::User;
use crate::newsroom::Story;
use crate::state::AppState;
use crate::web::error::AppError;
use crate::web::handlers::admin::{Fields, parse_local};

/// The draft a form describes, and how many images from elsewhere its body
/// lost; the error says which field to fix.
pub(crate) fn draft_from(f: &Fields) -> Result<(Draft, usize), String> {
    let (draft, removed) = parse_draft(f)?;
    draft.validate()?;
    Ok((draft, removed))
}

/// The draft a form describes, without the rules a save enforces (an
/// autosave keeps a half-written story as it is).
pub(crate) fn parse_draft(f: &Fields) -> Result<(Draft, usize), String> {
    let roles = f.all("byline_role");
    let names = f.all("byline_name");
    let byline = roles
        .iter()
        .zip(names.iter())
        .filter(|(_, n)| !n.trim().is_empty())
        .map(|(r, n)| Byline {
            role: r.trim().to_string(),
            name: n.trim().to_string(),
        })
        .collect();
    let channel_id = f
        .get("channel_id")
        .trim()
        .parse::<i64>()
        .map_err(|_| "请选择栏目".to_string())?;
    let mut extra = Vec::new();
    for e in f.all("extra_channel") {
        let id = e
            .parse::<i64>()
            .map_err(|_| "“同时发布到”的栏目无效".to_string())?;
        if id != channel_id && !extra.contains(&id) {
            extra.push(id);
        }
    }
    let mut tags: Vec<String> = Vec::new();
    for t in f
        .get("tags")
        .split(|c: char| matches!(c, ',' | '\u{ff0c}' | '\u{3001}') || c.is_whitespace())
    {
        let t = t.trim();
        if !t.is_empty() && !tags.iter().any(|x| x == t) {
            tags.push(t.to_string());
        }
    }
    let publish_at = match f.get("publish_at").trim() {
        "" => None,
        s => Some(
            parse_local(s)
                .ok_or_else(|| format!("定时发布时间“{s}”格式不对,应为 2024-04-19T10:30"))?,
        ),
    };
    let body = f.get("body");
    if body.len() > crate::domain::draft::MAX_BODY_BYTES * 2 {
        return Err("正文太长(不能超过 1 MB)".into());
    }
    let body = crate::domain::html::sanitize_body(body);
    let mut parts = crate::domain::kind::Parts {
        lead: crate::web::handlers::admin::story_pictures::parse_lead(f)?,
        ..Default::default()
    };
    crate::web::handlers::admin::kinds::parse_all(f, &mut parts)?;
    let draft = Draft {
        channel_id,
        extra_channel_ids: extra,
        title: f.get("title").trim().to_string(),
        short_title: f.get("short_title").trim().to_string(),
        subtitle: f.get("subtitle").trim().to_string(),
        byline,
        source: f.get("source").trim().to_string(),
        is_reprint: !f.get("is_reprint").is_empty(),
        reprint: crate::domain::Reprint {
            source: f.get("reprint_source").trim().to_string(),
            author: f.get("reprint_author").trim().to_string(),
            title: f.get("reprint_title").trim().to_string(),
            url: f.get("reprint_url").trim().to_string(),
        },
        editor: f.get("editor").trim().to_string(),
        body_html: body.html,
        summary: f.get("summary").trim().to_string(),
        tags,
        publish_at,
        correction: f.get("correction").trim().to_string(),
        kind: crate::domain::kind::Kind::parse(f.get("kind").trim()).unwrap_or_default(),
        parts,
        ai: crate::domain::ai::Ai::parse(f.get("ai")),
    }
    .clean();
    Ok((draft, body.removed_images))
}

/// The site of a draft's channel, once the person may file in it and in
/// every extra channel it is listed in: a scope covers all of a story's
/// lists, not just the first.
pub(crate) async fn check_channels(
    state: &AppState,
    user: &User,
    draft: &Draft,
) -> Result<String, AppError> {
    if !user.writes() {
        return Err(AppError::Forbidden(
            "您的账号只有推荐位或举报受理的权限,不能写稿;需要发稿请联系管理员添加记者或编辑角色"
                .into(),
        ));
    }
    let mut home = None;
    let wanted: Vec<i64> = std::iter::once(draft.channel_id)
        .chain(draft.extra_channel_ids.iter().copied())
        .collect();
    let mut found = 0;
    for site in state.store.sites().await? {
        for c in state.store.channels(&site.id).await? {
            if !wanted.contains(&c.id) {
                continue;
            }
            found += 1;
            if !user.may_work_in(&site.id, &c.path) {
                return Err(AppError::Forbidden(format!(
                    "栏目「{}」不在您的负责范围内,不能在这里发稿",
                    c.name
                )));
            }
            if c.id == draft.channel_id {
                home = Some(site.id.clone());
            }
        }
    }
    match home {
        Some(site) if found == wanted.len() => Ok(site),
        _ => Err(AppError::BadRequest("所选栏目不存在".into())),
    }
}

/// The checks a save makes against the store, for a new story and an
/// existing one alike: the person may file in every channel, every picture
/// is of the story's site, and the kind's own part passes its panel's check.
/// Answers the story's site and the draft as the store completed it.
pub(crate) async fn check_draft(
    state: &AppState,
    user: &User,
    story: Option<&Story>,
    mut draft: Draft,
) -> Result<(String, Draft), AppError> {
    let site = check_channels(state, user, &draft).await?;
    // the 责任编辑 is named by editors (the 初审 approver by default), not
    // by the writer: a reporter's form keeps what the story says
    if !user.is_editor() {
        draft.editor = story.map(|s| s.draft.editor.clone()).unwrap_or_default();
    }
    crate::web::handlers::admin::story_pictures::check_pictures(state, &site, &draft.parts).await?;
    let saving = crate::web::handlers::admin::kinds::Saving {
        state,
        user,
        site_id: &site,
        story,
    };
    crate::web::handlers::admin::kinds::check(&saving, &mut draft).await?;
    Ok((site, draft))
}

/// The field a refusal's message is about (the messages name their field
/// in the words the form labels it with), so the form shows the reason
/// beside it. Longer names first: 原标题 and 短标题 before 标题.
pub(super) fn field_of(message: &str) -> Option<&'static str> {
    const FIELDS: &[(&str, &str)] = &[
        ("题图", "lead"),
        ("图集", "gallery"),
        ("视频", "video"),
        ("原出处", "reprint"),
        ("原作者", "reprint"),
        ("原标题", "reprint"),
        ("原文链接", "reprint"),
        ("转载", "reprint"),
        ("定时发布", "publish_at"),
        ("更正说明", "correction"),
        ("短标题", "short_title"),
        ("副标题", "subtitle"),
        ("标题", "title"),
        ("栏目", "channel"),
        ("标签", "tags"),
        ("署名", "byline"),
        ("摘要", "summary"),
        ("稿源", "source"),
        ("编辑", "editor"),
        ("网址", "page"),
        ("单页", "page"),
        ("正文", "body"),
    ];
    FIELDS
        .iter()
        .find(|(word, _)| message.contains(word))
        .map(|(_, field)| *field)
}

#[cfg(test)]
mod tests {
    use super::field_of;

    #[test]
    fn a_refusal_is_shown_beside_the_field_it_names() {
        assert_eq!(field_of("题图的图片 29 属于其他站点的图片库"), Some("lead"));
        assert_eq!(field_of("原标题不能超过 200 字"), Some("reprint"));
        assert_eq!(field_of("短标题不能超过 100 字"), Some("short_title"));
        assert_eq!(field_of("标题不能超过 200 字"), Some("title"));
        assert_eq!(field_of("栏目「要闻」不在您的负责范围内"), Some("channel"));
        assert_eq!(field_of("请稍后再试"), None);
    }
}
