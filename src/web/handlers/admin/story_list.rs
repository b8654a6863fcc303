//! 稿件: the story list at archive scale (filters, title search, keyset pages)
//! and its bulk actions, each applied story by story through the workflow's
//! rules, with a report of what was done and what was refused and why.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::dashboard::lines;
use super::stories::{check_channels, load_visible, may_edit};
use super::{SignedForm, render};
use crate::db::StoryFilter;
use crate::domain::text::cst_day_start;
use crate::domain::workflow::{Action, Actor, Work};
use crate::newsroom;
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;

/// Rows per page.
const PAGE: i64 = 50;
/// Stories one bulk action takes at most.
const MAX_BULK: usize = 200;

const STATES: &[(&str, &str)] = &[
    ("", "全部"),
    ("draft", "草稿"),
    ("review", "审核中"),
    ("scheduled", "定时发布"),
    ("live", "已发布"),
    ("withdrawn", "已撤稿"),
];

#[derive(Deserialize, Default, Clone, serde::Serialize)]
pub struct ListQuery {
    #[serde(default)]
    state: String,
    #[serde(default)]
    site: String,
    /// A channel id: the channel and its subchannels.
    #[serde(default)]
    channel: String,
    /// An author's user id.
    #[serde(default)]
    author: String,
    /// A 签发人's name.
    #[serde(default)]
    signer: String,
    #[serde(default)]
    id: String,
    /// `YYYY-MM-DD` (Beijing), inclusive, on the last change.
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    mine: String,
    /// `UPDATED_AT.ID` of the previous page's last row.
    #[serde(default)]
    before: String,
}

fn day(s: &str, what: &str) -> Result<Option<i64>, AppError> {
    match s.trim() {
        "" => Ok(None),
        v => cst_day_start(v)
            .map(Some)
            .ok_or_else(|| AppError::BadRequest(format!("{what}格式应为 2024-04-19"))),
    }
}

fn number(s: &str, what: &str) -> Result<Option<i64>, AppError> {
    match s.trim() {
        "" => Ok(None),
        v => v
            .parse()
            .map(Some)
            .map_err(|_| AppError::BadRequest(format!("{what}须为数字"))),
    }
}

impl ListQuery {
    /// The query string of the filters (without the page position).
    fn params(&self) -> String {
        let pairs: Vec<(&str, &str)> = [
            ("state", self.state.as_str()),
            ("site", self.site.as_str()),
            ("channel", self.channel.as_str()),
            ("author", self.author.as_str()),
            ("signer", self.signer.as_str()),
            ("id", self.id.as_str()),
            ("from", self.from.as_str()),
            ("to", self.to.as_str()),
            ("q", self.q.as_str()),
            ("mine", self.mine.as_str()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect();
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

/// The channels a person's list covers: their scope, narrowed to a chosen
/// channel's subtree; `None` for everything (administrators, no channel).
async fn channel_ids(
    state: &AppState,
    session: &Session,
    chosen: Option<i64>,
) -> Result<Option<Vec<i64>>, AppError> {
    let user = &session.user;
    if user.is_admin() && chosen.is_none() {
        return Ok(None);
    }
    let mut ids = Vec::new();
    for site in state.store.sites().await? {
        let tree = state.cache.channels(state.store.as_ref(), &site.id).await?;
        let chosen_path =
            chosen.and_then(|c| tree.iter().find(|x| x.id == c).map(|x| x.path.clone()));
        for c in tree.iter() {
            let in_choice = match (&chosen, &chosen_path) {
                (None, _) => true,
                (Some(_), Some(p)) => c.path == *p || c.path.starts_with(&format!("{p}/")),
                (Some(_), None) => false,
            };
            if in_choice && user.may_work_in(&site.id, &c.path) {
                ids.push(c.id);
            }
        }
    }
    Ok(Some(ids))
}

pub async fn get_stories(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    list_page(&state, &session, &q, None).await
}

async fn list_page(
    state: &AppState,
    session: &Session,
    q: &ListQuery,
    report: Option<minijinja::Value>,
) -> Result<Response, AppError> {
    let user = &session.user;
    let before = match q.before.split_once('.') {
        Some((at, id)) => Some((
            at.parse()
                .map_err(|_| AppError::BadRequest("翻页位置无效".into()))?,
            id.parse()
                .map_err(|_| AppError::BadRequest("翻页位置无效".into()))?,
        )),
        None if q.before.is_empty() => None,
        None => return Err(AppError::BadRequest("翻页位置无效".into())),
    };
    let own_only = !q.mine.is_empty() || !user.is_editor();
    let filter = StoryFilter {
        author_id: if own_only {
            Some(user.id)
        } else {
            number(&q.author, "作者")?
        },
        state: STATES
            .iter()
            .any(|(k, _)| *k == q.state && !k.is_empty())
            .then(|| q.state.clone()),
        site_id: (!q.site.is_empty()).then(|| q.site.clone()),
        channel_ids: if own_only && q.channel.is_empty() {
            None
        } else {
            channel_ids(state, session, number(&q.channel, "栏目")?).await?
        },
        id: number(&q.id, "稿件编号")?,
        signer: (!q.signer.trim().is_empty()).then(|| q.signer.trim().to_string()),
        from: day(&q.from, "开始日期")?,
        to: day(&q.to, "结束日期")?.map(|t| t + 86_400),
        title_contains: (!q.q.trim().is_empty()).then(|| q.q.trim().chars().take(50).collect()),
        before,
        limit: PAGE + 1,
        ..Default::default()
    };
    let mut found = state.store.stories(&filter).await?;
    let more = found.len() as i64 > PAGE;
    found.truncate(PAGE as usize);
    let params = q.params();
    let next = more
        .then(|| found.last().map(|r| (r.updated_at, r.id)))
        .flatten()
        .map(|(at, id)| {
            let sep = if params.is_empty() { "" } else { "&" };
            format!("/admin/stories?{params}{sep}before={at}.{id}")
        });
    let rows = lines(state, session, found).await?;
    let sites = state.store.sites().await?;
    let mut channels = Vec::new();
    for site in &sites {
        let tree = state.cache.channels(state.store.as_ref(), &site.id).await?;
        for c in tree.iter().filter(|c| user.may_work_in(&site.id, &c.path)) {
            let chain: Vec<String> = tree.chain(&c.path).iter().map(|x| x.name.clone()).collect();
            channels.push(minijinja::context! {
                id => c.id.to_string(), label => format!("{}·{}", site.name, chain.join(" > ")),
            });
        }
    }
    let people: Vec<_> = if user.is_editor() {
        state
            .store
            .users()
            .await?
            .into_iter()
            .map(|u| minijinja::context! { id => u.id.to_string(), name => u.display_name })
            .collect()
    } else {
        Vec::new()
    };
    let ctx = minijinja::context! {
        title => "稿件", rows, states => STATES.to_vec(), f => q, next, report,
        paged => !q.before.is_empty(),
        first => if params.is_empty() { "/admin/stories".to_string() } else { format!("/admin/stories?{params}") },
        mine => !q.mine.is_empty(), channels, people, is_editor => user.is_editor(),
        sites => sites.iter().map(|s| minijinja::context!{ id => s.id.clone(), name => s.name.clone() }).collect::<Vec<_>>(),
    };
    Ok(render(state, Some(session), "admin/stories.html", ctx)?.into_response())
}

/// What one bulk action did to one story.
#[derive(serde::Serialize)]
struct Outcome {
    id: i64,
    title: String,
    ok: bool,
    what: String,
}

/// `POST /admin/stories/bulk`: move to a channel, submit, or withdraw with
/// one reason, the chosen stories one by one, each by the workflow's rules.
pub async fn post_bulk(
    State(state): State<AppState>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    let mut ids = Vec::new();
    for v in f.all("ids") {
        let id: i64 = v
            .parse()
            .map_err(|_| AppError::BadRequest("所选稿件编号无效,请刷新页面后重试".into()))?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        return Err(AppError::BadRequest("请先勾选要处理的稿件".into()));
    }
    if ids.len() > MAX_BULK {
        return Err(AppError::BadRequest(format!(
            "一次最多处理 {MAX_BULK} 篇稿件,请分批进行"
        )));
    }
    let op = f.get("bulk");
    let reason = f.get("reason").trim().to_string();
    let target: Option<i64> = match op {
        "move" => Some(
            f.get("channel_id")
                .parse()
                .map_err(|_| AppError::BadRequest("请选择要移到的栏目".into()))?,
        ),
        "submit" => None,
        "withdraw" if reason.is_empty() => {
            return Err(AppError::BadRequest(
                "撤稿须写明理由(对所选稿件都适用)".into(),
            ));
        }
        "withdraw" => None,
        _ => return Err(AppError::BadRequest("请选择批量操作".into())),
    };
    let mut outcomes = Vec::new();
    for id in ids {
        let (title, result) = match load_visible(&state, &session, id).await {
            Ok(story) => {
                let title = story.draft.title.clone();
                let r = match op {
                    "move" => move_story(&state, &session, story, target.unwrap_or_default()).await,
                    "submit" => act(&state, &session, &story, &Action::Submit, "已提交审核").await,
                    _ => {
                        let action = Action::Withdraw {
                            reason: reason.clone(),
                        };
                        act(&state, &session, &story, &action, "已撤稿").await
                    }
                };
                (title, r)
            }
            Err(e) => (String::new(), Err(e.to_string())),
        };
        outcomes.push(match result {
            Ok(what) => Outcome {
                id,
                title,
                ok: true,
                what,
            },
            Err(why) => Outcome {
                id,
                title,
                ok: false,
                what: why,
            },
        });
    }
    crate::follow::after_write(&state).await;
    let done = outcomes.iter().filter(|o| o.ok).count();
    let report = minijinja::context! {
        done, refused => outcomes.len() - done, outcomes,
    };
    list_page(&state, &session, &ListQuery::default(), Some(report)).await
}

async fn act(
    state: &AppState,
    session: &Session,
    story: &newsroom::Story,
    action: &Action,
    done: &str,
) -> Result<String, String> {
    newsroom::act(
        state,
        Actor::Person(&session.user),
        story,
        story.state.article.version,
        action,
    )
    .await
    .map(|_| done.to_string())
    .map_err(|e| AppError::from(e).to_string())
}

/// A move is an edit of the story's channel: a draft's is saved; a live
/// story's opens a revision that goes through review like any other edit.
async fn move_story(
    state: &AppState,
    session: &Session,
    mut story: newsroom::Story,
    channel_id: i64,
) -> Result<String, String> {
    let user = &session.user;
    if story.draft.channel_id == channel_id {
        return Err("已在这个栏目".into());
    }
    if !may_edit(&story, user) {
        return Err("这篇稿件现在不能修改(已过初审或已定时签发)".into());
    }
    let mut draft = story.draft.clone();
    draft.channel_id = channel_id;
    draft.extra_channel_ids.retain(|c| *c != channel_id);
    check_channels(state, user, &draft)
        .await
        .map_err(|e| e.to_string())?;
    let live = story.state.work == Work::Idle;
    if live {
        newsroom::act(
            state,
            Actor::Person(user),
            &story,
            story.state.article.version,
            &Action::Revise,
        )
        .await
        .map_err(|e| AppError::from(e).to_string())?;
        story = load_visible(state, session, story.state.article.id)
            .await
            .map_err(|e| e.to_string())?;
    }
    newsroom::check(state, user, &story, &Action::Edit)
        .map_err(|e| AppError::from(e).to_string())?;
    state
        .store
        .save_draft(
            story.state.article.id,
            story.state.article.version,
            &draft,
            user,
            state.now(),
        )
        .await
        .map_err(|e| AppError::from(e).to_string())?;
    Ok(if live {
        "已改栏目:作为修改稿保存,提交审核并签发后生效".into()
    } else {
        "已移到新栏目".into()
    })
}
