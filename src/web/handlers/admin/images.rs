//! 图片库: every upload of the sites a person works in, newest first, by
//! caption/credit/alt words, uploader and date (keyset pages); one picture's
//! words and focal point (the crops follow it: a job makes them again), its
//! crops as the pages cut them, and the stories that use it. `?pick=lead` or
//! `?pick=gallery` is the editor's chooser: each picture has a 选用 button
//! that hands it to the editor window (and shows its number for typing in).

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{SignedForm, datetime, render};
use crate::db::{LibraryQuery, PictureMeta};
use crate::domain::picture::{Focal, Picture, PictureUse, Ratio};
use crate::domain::text::cst_day_start;
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;

const PAGE: i64 = 40;

#[derive(Deserialize, Default)]
pub struct LibraryParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    uploader: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    site: String,
    /// `AT-ID` of the last picture of the previous page.
    #[serde(default)]
    before: String,
    #[serde(default)]
    pick: String,
    #[serde(default)]
    done: String,
}

#[derive(serde::Serialize)]
struct Card {
    id: i64,
    thumb: String,
    url: String,
    width: u32,
    height: u32,
    caption: String,
    credit: String,
    alt: String,
    uploader: String,
    at: String,
    site: String,
    ready: bool,
}

fn card(p: &Picture, site_name: &str) -> Card {
    Card {
        id: p.id,
        // the whole picture (a logo is not to be cut to 4:3)
        thumb: p.sources(None, 320).src,
        url: p.url(),
        width: p.width,
        height: p.height,
        caption: p.caption.clone(),
        credit: p.credit.clone(),
        alt: p.alt.clone(),
        uploader: p.uploader.clone(),
        at: datetime(p.created_at),
        site: site_name.to_string(),
        ready: p.made.is_some(),
    }
}

fn may_see(session: &Session, p: &Picture) -> bool {
    session.user.works_in_site(&p.site_id)
}

pub async fn get_images(
    State(state): State<AppState>,
    session: Session,
    Query(params): Query<LibraryParams>,
) -> Result<Response, AppError> {
    let user = &session.user;
    let sites = state.store.sites().await?;
    let allowed = user.library_sites();
    let visible: Vec<&crate::domain::Site> = sites
        .iter()
        .filter(|s| allowed.as_ref().is_none_or(|a| a.contains(&s.id)))
        .collect();
    if visible.is_empty() {
        return Err(AppError::Forbidden(
            "您还没有负责的站点,不能使用图片库".into(),
        ));
    }
    let site = params.site.trim();
    let only = if site.is_empty() {
        allowed
    } else if user.works_in_site(site) {
        Some(vec![site.to_string()])
    } else {
        return Err(AppError::Forbidden("您不能查看这个站点的图片库".into()));
    };
    let day = |s: &str, what: &str| -> Result<Option<i64>, AppError> {
        match s.trim() {
            "" => Ok(None),
            t => cst_day_start(t).map(Some).ok_or_else(|| {
                AppError::BadRequest(format!("{what}“{t}”格式不对,应为 2024-04-19"))
            }),
        }
    };
    let before = params
        .before
        .split_once('-')
        .and_then(|(a, b)| Some((a.parse::<i64>().ok()?, b.parse::<i64>().ok()?)));
    let q = LibraryQuery {
        sites: only,
        words: params.q.clone(),
        uploader: params.uploader.clone(),
        from: day(&params.from, "开始日期")?,
        until: day(&params.to, "结束日期")?.map(|t| t + 86_400),
        before,
        limit: PAGE + 1,
    };
    let mut found = state.store.library(&q).await?;
    let more = found.len() as i64 > PAGE;
    found.truncate(PAGE as usize);
    let name_of = |id: &str| {
        sites
            .iter()
            .find(|s| s.id == id)
            .map_or_else(|| id.to_string(), |s| s.name.clone())
    };
    let cards: Vec<Card> = found
        .iter()
        .map(|p| card(p, &name_of(&p.site_id)))
        .collect();
    let next = more
        .then(|| found.last().map(|p| format!("{}-{}", p.created_at, p.id)))
        .flatten()
        .map(|cursor| {
            let mut qs = serde_urlencoded::to_string([
                ("q", params.q.as_str()),
                ("uploader", params.uploader.as_str()),
                ("from", params.from.as_str()),
                ("to", params.to.as_str()),
                ("site", params.site.as_str()),
                ("pick", params.pick.as_str()),
            ])
            .unwrap_or_default();
            qs.push_str("&before=");
            qs.push_str(&cursor);
            format!("/admin/images?{qs}")
        });
    let pick = match params.pick.as_str() {
        "lead" => Some(("lead", "选作题图")),
        "gallery" => Some(("gallery", "加入图集")),
        _ => None,
    };
    let ctx = minijinja::context! {
        title => "图片库",
        cards, next, pick,
        q => params.q, uploader => params.uploader, from => params.from, to => params.to,
        site => params.site,
        sites => visible.iter().map(|s| minijinja::context!{ id => s.id.clone(), name => s.name.clone() }).collect::<Vec<_>>(),
        flash => (params.done == "saved").then_some("图片信息已保存"),
        paged => before.is_some(),
    };
    Ok(render(&state, Some(&session), "admin/images.html", ctx)?.into_response())
}

/// The stories readers see a picture on.
async fn published_uses(
    state: &AppState,
    id: i64,
) -> Result<Vec<crate::db::PictureUseOf>, AppError> {
    Ok(state
        .store
        .picture_uses(id)
        .await?
        .into_iter()
        .filter(|u| u.status == crate::domain::Status::Published.as_str())
        .collect())
}

/// Why the person may not change the picture's words and declaration
/// (issue 24 §2), if they may not: their own upload not yet on a published
/// story is theirs; any picture of their site is the photo desk's
/// (图片编辑) and the editors'. Every change that passes is in the record.
fn edit_refusal(
    user: &crate::domain::user::User,
    p: &Picture,
    published: &[crate::db::PictureUseOf],
) -> Option<String> {
    if user.keeps_pictures(&p.site_id) {
        return None;
    }
    if let Some(u) = published.first() {
        return Some(format!(
            "这张图片用在已发布的稿件《{}》上:修改它的说明、署名、替代文字或人工智能生成声明,须由图片编辑或编辑进行",
            u.title
        ));
    }
    (p.uploader_id != Some(user.id)).then(|| {
        format!(
            "这张图片是{}上传的:修改别人的图片须由图片编辑或编辑进行",
            if p.uploader.is_empty() {
                "别人"
            } else {
                p.uploader.as_str()
            }
        )
    })
}

/// Whether the change `meta` may be saved: the person may edit the picture,
/// and it does not take an AI declaration off a picture readers see on a
/// published story (what readers are told is the story's review's to
/// decide, not a library edit's).
async fn may_change(
    state: &AppState,
    session: &Session,
    p: &Picture,
    meta: &PictureMeta,
) -> Result<(), AppError> {
    let published = published_uses(state, p.id).await?;
    if let Some(why) = edit_refusal(&session.user, p, &published) {
        return Err(AppError::Forbidden(why));
    }
    if p.ai.is_declared() && !meta.ai.is_declared() && !published.is_empty() {
        return Err(AppError::Conflict(format!(
            "这张图片用在已发布的稿件《{}》上,读者看到它标为人工智能生成:不能在图片库里撤销这一声明。如声明有误,请修改稿件、在稿件中说明后送审签发",
            published[0].title
        )));
    }
    Ok(())
}

async fn load(state: &AppState, session: &Session, id: i64) -> Result<Picture, AppError> {
    match state.store.picture(id).await? {
        Some(p) if may_see(session, &p) => Ok(p),
        _ => Err(AppError::NotFound(format!(
            "图片 {id} 不存在或不在您的站点"
        ))),
    }
}

pub async fn get_image(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    Query(params): Query<LibraryParams>,
) -> Result<Response, AppError> {
    let p = load(&state, &session, id).await?;
    let uses = state.store.picture_uses(id).await?;
    let published = published_uses(&state, id).await?;
    let locked = edit_refusal(&session.user, &p, &published);
    let crops: Vec<minijinja::Value> = Ratio::ALL
        .iter()
        .map(|r| {
            let v = crate::render::pictures::view(&p, None, Some(*r), "320px", 320);
            minijinja::context! { name => r.name(), src => v.src, width => v.width, height => v.height }
        })
        .collect();
    let pending = p.made.as_ref().is_none_or(|m| m.focal != p.focal);
    let ctx = minijinja::context! {
        title => format!("图片 {id}"),
        p => card(&p, &p.site_id),
        preview => p.sources(None, 960).src,
        focal => p.focal,
        crops, pending,
        uses => uses.iter().map(|u| minijinja::context! {
            id => u.article_id, title => u.title.clone(),
            status => crate::domain::Status::parse(&u.status).map(|s| s.label()).unwrap_or_default(),
        }).collect::<Vec<_>>(),
        bytes => p.bytes,
        mime => p.mime.clone(),
        animated => p.animated,
        ai => p.ai.as_str(),
        ai_choices => crate::domain::ai::Ai::ALL.iter().map(|a| (a.as_str(), a.choice())).collect::<Vec<_>>(),
        aigc_found => p.aigc.as_ref().map(crate::domain::ai::Aigc::describe),
        ai_labelled => p.made.as_ref().is_some_and(|m| m.aigc.is_some()),
        locked, ai_fixed => p.ai.is_declared() && !published.is_empty(),
        flash => (params.done == "saved").then_some("图片信息已保存;新的焦点裁切将在几秒内生成"),
    };
    Ok(render(&state, Some(&session), "admin/image.html", ctx)?.into_response())
}

pub async fn post_image(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    let p = load(&state, &session, id).await?;
    let percent = |k: &str| -> Result<i64, AppError> {
        f.get(k)
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|v| (0..=100).contains(v))
            .ok_or_else(|| AppError::BadRequest("焦点位置须为 0 到 100 之间的数字(百分比)".into()))
    };
    let words = PictureUse {
        image_id: id,
        caption: f.get("caption").to_string(),
        credit: f.get("credit").to_string(),
        alt: f.get("alt").to_string(),
    }
    .clean();
    words.validate("图片").map_err(AppError::BadRequest)?;
    let meta = PictureMeta {
        caption: words.caption,
        credit: words.credit,
        alt: words.alt,
        focal: Focal::new(percent("focal_x")?, percent("focal_y")?),
        ai: crate::domain::ai::Ai::parse(f.get("ai")),
    };
    may_change(&state, &session, &p, &meta).await?;
    state
        .store
        .edit_picture(id, &meta, &session.actor(), state.now())
        .await?;
    crate::follow::after_write(&state).await;
    Ok(Redirect::to(&format!("/admin/images/{id}?done=saved")).into_response())
}
