//! 推荐位 management: the slots of each site, one slot's ordered list
//! (drag and drop, with buttons for the keyboard), placing a live story.
//! Applied at once, recorded, never a revision of the story.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Fields, SignedForm, datetime, local, parse_local, render};
use crate::db::Slot;
use crate::domain::slot::Op;
use crate::domain::user::User;
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;

/// Whether the person arranges the slots of any site (nav and editor link).
pub fn may_curate_any(user: &User) -> bool {
    user.is_admin() || (user.has(crate::domain::user::Role::Curator) && !user.scopes.is_empty())
}

fn refuse() -> AppError {
    AppError::Forbidden("你没有管理这个站点推荐位的权限(需要“推荐位编辑”角色和该站点的范围)".into())
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    /// A story to place: the list offers each slot for it.
    #[serde(default)]
    place: Option<String>,
    #[serde(default)]
    done: String,
    /// Stories to find by title, to place.
    #[serde(default)]
    find: String,
}

fn flash(done: &str) -> Option<&'static str> {
    Some(match done {
        "slot_created" => "已创建推荐位",
        "slot_saved" => "推荐位已保存",
        "slot_place" => "已放入推荐位,首页已更新",
        "slot_remove" => "已移出推荐位",
        "slot_reorder" => "顺序已调整,首页已更新",
        "slot_pin" => "已固定在当前位置",
        "slot_unpin" => "已取消固定",
        "slot_expiry" => "下线时间已设置",
        _ => return None,
    })
}

pub async fn get_slots(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let user = &session.user;
    if !may_curate_any(user) {
        return Err(refuse());
    }
    let sites = state.store.sites().await?;
    let place = match q.place.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(id) => {
            let id: i64 = id
                .parse()
                .map_err(|_| AppError::BadRequest("稿件编号须为数字".into()))?;
            let a = state
                .store
                .article(id)
                .await?
                .ok_or_else(|| AppError::NotFound(format!("稿件 {id} 不存在")))?;
            Some(minijinja::context! { id, title => a.title })
        }
        None => None,
    };
    let mut groups = Vec::new();
    for site in &sites {
        if !user.may_curate(&site.id) {
            continue;
        }
        let mut slots = Vec::new();
        for slot in state.store.slots(Some(&site.id)).await? {
            let items = state.store.slot_list(slot.id).await?;
            slots.push(minijinja::context! {
                id => slot.id, key => slot.key, name => slot.name, size => slot.size, sort => slot.sort,
                count => items.len(),
                first => items.first().map(|i| i.title.clone()),
            });
        }
        groups.push(minijinja::context! { site_id => site.id, site => site.name, slots });
    }
    Ok(render(
        &state,
        Some(&session),
        "admin/slots.html",
        minijinja::context! {
            title => "推荐位", groups, place, flash => flash(&q.done), is_admin => user.is_admin(),
            sites => sites.iter().map(|s| minijinja::context! { id => s.id, name => s.name }).collect::<Vec<_>>(),
        },
    )?
    .into_response())
}

async fn slot_for(state: &AppState, session: &Session, id: i64) -> Result<Slot, AppError> {
    let slot = state
        .store
        .slot_by_id(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("推荐位 {id} 不存在")))?;
    if !session.user.may_curate(&slot.site_id) {
        return Err(refuse());
    }
    Ok(slot)
}

pub async fn get_slot(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let slot = slot_for(&state, &session, id).await?;
    slot_page(&state, &session, &slot, flash(&q.done), None, "", &q.find).await
}

async fn slot_page(
    state: &AppState,
    session: &Session,
    slot: &Slot,
    flash: Option<&str>,
    error: Option<String>,
    typed_id: &str,
    find: &str,
) -> Result<Response, AppError> {
    let now = state.now();
    let sites = state.store.sites().await?;
    let site_name = |id: &str| {
        sites
            .iter()
            .find(|s| s.id == id)
            .map_or_else(|| id.to_string(), |s| s.name.clone())
    };
    let list = state.store.slot_list(slot.id).await?;
    let held: Vec<i64> = list.iter().map(|it| it.entry.article_id).collect();
    let thumbs = super::slot_picks::thumbs(state, &held).await?;
    let (found, todays) = super::slot_picks::picks(state, slot, find, &held).await?;
    let mut shown = 0;
    let n = list.len();
    let items: Vec<_> = list
        .into_iter()
        .enumerate()
        .map(|(i, it)| {
            let expired = it.entry.expires_at.is_some_and(|t| t <= now);
            let visible = it.live && !expired && shown < slot.size;
            if visible {
                shown += 1;
            }
            let note = if !it.live {
                "未发布或已撤稿,不显示"
            } else if expired {
                "已到下线时间"
            } else if !visible {
                "超出显示条数,暂不显示"
            } else {
                ""
            };
            minijinja::context! {
                position => i + 1, id => it.entry.article_id, title => it.title,
                site => site_name(&it.site_id), pinned => it.entry.pinned, visible, note,
                expires => it.entry.expires_at.map(datetime), expires_local => local(it.entry.expires_at),
                placed_at => datetime(it.entry.placed_at), placed_by => it.entry.placed_by,
                first => i == 0, last => i + 1 == n,
                thumb => thumbs.get(&it.entry.article_id).cloned(),
            }
        })
        .collect();
    let status = if error.is_some() {
        axum::http::StatusCode::BAD_REQUEST
    } else {
        axum::http::StatusCode::OK
    };
    let html = render(
        state,
        Some(session),
        "admin/slot.html",
        minijinja::context! {
            title => format!("推荐位:{}", slot.name), slot, site => site_name(&slot.site_id),
            items, shown, flash, error, typed_id, is_admin => session.user.is_admin(),
            found, todays, find,
            kinds => crate::domain::kind::Kind::ALL.iter().filter(|k| k.listed())
                .map(|k| minijinja::context! { key => k.as_str(), label => k.label(), on => slot.kinds.contains(k) })
                .collect::<Vec<_>>(),
            other_sites => sites.iter().filter(|s| s.id != slot.site_id)
                .map(|s| minijinja::context! { id => s.id.clone(), name => s.name.clone(), on => slot.sites.contains(&s.id), shares => s.settings.shares_stories })
                .collect::<Vec<_>>(),
            accepts => accepts_label(slot, &sites),
        },
    )?;
    Ok((status, html).into_response())
}

/// What a slot takes, in words.
fn accepts_label(slot: &Slot, sites: &[crate::domain::Site]) -> String {
    let kinds = if slot.kinds.is_empty() {
        "各类新闻稿件".to_string()
    } else {
        let names: Vec<&str> = slot.kinds.iter().map(|k| k.label()).collect();
        format!("{}稿件", names.join("、"))
    };
    let others: Vec<&str> = slot
        .sites
        .iter()
        .filter_map(|id| sites.iter().find(|s| &s.id == id))
        .map(|s| s.name.as_str())
        .collect();
    if others.is_empty() {
        format!("只放本站的{kinds}")
    } else {
        format!("放本站及{}(开放共享时)的{kinds}", others.join("、"))
    }
}

fn article_id(f: &Fields) -> Result<i64, String> {
    f.get("article_id")
        .trim()
        .parse::<i64>()
        .map_err(|_| "请填写稿件编号(数字,见稿件列表或稿件网址末尾)".to_string())
}

fn expiry(f: &Fields) -> Result<Option<i64>, String> {
    let v = f.get("expires_at").trim();
    if v.is_empty() {
        return Ok(None);
    }
    parse_local(v)
        .map(Some)
        .ok_or_else(|| "下线时间格式不正确,请用日期时间选择器填写".to_string())
}

fn op_of(f: &Fields) -> Result<Op, String> {
    Ok(match f.get("op") {
        "place" => Op::Place {
            article_id: article_id(f)?,
            expires_at: expiry(f)?,
        },
        "remove" => Op::Remove {
            article_id: article_id(f)?,
        },
        "up" | "down" | "move" => {
            let id = article_id(f)?;
            let from: usize = f.get("position").parse().unwrap_or(1);
            let to = match f.get("op") {
                "up" => from.saturating_sub(2),
                "down" => from,
                _ => {
                    f.get("to")
                        .trim()
                        .parse::<usize>()
                        .ok()
                        .filter(|n| *n >= 1)
                        .ok_or_else(|| "请填写要移到的位置(从 1 开始的数字)".to_string())?
                        - 1
                }
            };
            Op::Move { article_id: id, to }
        }
        "pin" | "unpin" => Op::Pin {
            article_id: article_id(f)?,
            pinned: f.get("op") == "pin",
        },
        "expiry" => Op::SetExpiry {
            article_id: article_id(f)?,
            expires_at: expiry(f)?,
        },
        "reorder" => Op::Reorder {
            order: f
                .get("order")
                .split(',')
                .filter(|s| !s.trim().is_empty())
                .map(|s| s.trim().parse::<i64>())
                .collect::<Result<_, _>>()
                .map_err(|_| "顺序数据无效,请刷新页面后重试".to_string())?,
        },
        _ => return Err("未知的推荐位操作".into()),
    })
}

pub async fn post_slot_act(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    let slot = slot_for(&state, &session, id).await?;
    let op = match op_of(&f) {
        Ok(op) => op,
        Err(m) => {
            return slot_page(
                &state,
                &session,
                &slot,
                None,
                Some(m),
                f.get("article_id"),
                "",
            )
            .await;
        }
    };
    match state
        .store
        .curate(slot.id, &op, &session.actor(), state.now())
        .await
    {
        Ok(()) => {}
        Err(crate::db::StoreError::Invalid(m)) => {
            return slot_page(
                &state,
                &session,
                &slot,
                None,
                Some(m),
                f.get("article_id"),
                "",
            )
            .await;
        }
        Err(e) => return Err(e.into()),
    }
    crate::follow::after_write(&state).await;
    // the drag-and-drop script asks without following the redirect
    if f.get("_js") == "1" {
        return Ok(axum::http::StatusCode::NO_CONTENT.into_response());
    }
    Ok(Redirect::to(&format!("/admin/slots/{}?done={}", slot.id, op.action())).into_response())
}

fn definition(f: &Fields, site_id: &str, key: &str, id: i64) -> Result<Slot, AppError> {
    let size = f
        .get("size")
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::BadRequest("显示条数须为数字".into()))?;
    let sort = match f.get("sort").trim() {
        "" => 0,
        s => s
            .parse::<i64>()
            .map_err(|_| AppError::BadRequest("排序须为数字".into()))?,
    };
    Ok(Slot {
        id,
        site_id: site_id.to_string(),
        key: key.trim().to_string(),
        name: f.get("name").trim().to_string(),
        size,
        sort,
        style: crate::domain::channel::ListStyle::parse(f.get("style").trim()),
        kinds: f
            .all("kinds")
            .into_iter()
            .filter_map(crate::domain::kind::Kind::parse)
            .filter(|k| k.listed())
            .collect(),
        sites: f
            .all("sites")
            .into_iter()
            .filter(|s| *s != site_id && !s.is_empty())
            .map(str::to_string)
            .collect(),
    })
}

/// An administrator creates a slot.
pub async fn post_slots(
    State(state): State<AppState>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    super::require_admin(&session)?;
    let site = f.get("site_id");
    if !state.store.sites().await?.iter().any(|s| s.id == site) {
        return Err(AppError::BadRequest("请选择站点".into()));
    }
    let mut slot = definition(&f, site, f.get("key"), 0)?;
    let sites = state.store.sites().await?;
    slot.sites.retain(|s| sites.iter().any(|x| &x.id == s));
    let id = state
        .store
        .save_slot(&slot, &session.actor(), state.now())
        .await?;
    crate::follow::after_write(&state).await;
    Ok(Redirect::to(&format!("/admin/slots/{id}?done=slot_created")).into_response())
}

/// An administrator renames a slot, or changes its size or order.
pub async fn post_slot(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    super::require_admin(&session)?;
    let old = slot_for(&state, &session, id).await?;
    let mut slot = definition(&f, &old.site_id, &old.key, old.id)?;
    let sites = state.store.sites().await?;
    slot.sites.retain(|s| sites.iter().any(|x| &x.id == s));
    state
        .store
        .save_slot(&slot, &session.actor(), state.now())
        .await?;
    crate::follow::after_write(&state).await;
    Ok(Redirect::to(&format!("/admin/slots/{id}?done=slot_saved")).into_response())
}
