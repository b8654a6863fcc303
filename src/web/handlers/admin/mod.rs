//! The newsroom back office (`/admin`), server-rendered, in Chinese.

pub mod account;
pub mod api_keys;
pub mod audit;
pub mod autosave;
pub mod channels;
pub mod dashboard;
pub mod deputies;
pub mod images;
mod kinds;
pub mod live;
pub mod media;
pub mod planning;
pub mod rankings;
pub mod reports;
mod slot_picks;
pub mod slots;
pub mod stats;
pub mod stories;
pub mod story_ai;
pub mod story_list;
pub mod story_pictures;
pub mod uploads;
pub mod users;
pub mod video_library;
pub mod videos;
pub mod words;

use axum::response::{Html, IntoResponse, Response};
use minijinja::Value;
use serde::Serialize;

use crate::domain::text::{parse_rfc3339, to_cst};
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;

/// `?done=...` after a save that redirects: what the next page says happened.
#[derive(serde::Deserialize, Default)]
pub struct Done {
    #[serde(default)]
    done: String,
}

impl Done {
    pub fn flash(&self) -> Option<&'static str> {
        Some(match self.done.as_str() {
            "user_created" => "已创建用户",
            "user_saved" => "用户已保存",
            "word_added" => "已添加敏感词",
            "word_deleted" => "已删除敏感词",
            "deputy_added" => "已指定代签人",
            "deputy_removed" => "已取消代签人",
            "channel_created" => "已创建栏目",
            "channel_saved" => "栏目已保存",
            "site_saved" => "站点设置已保存,页面已随之更新",
            _ => return None,
        })
    }
}

/// A submitted urlencoded form, repeated keys kept in order.
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    pub fn get(&self, key: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    }

    pub fn all(&self, key: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn csrf(&self) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == "_csrf")
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Serialize)]
struct Me {
    display_name: String,
    role_labels: String,
    is_admin: bool,
    may_curate: bool,
    /// Edits others' stories: sees the statistics and the record.
    is_editor: bool,
    /// Reviews or signs at some level (the 待我审核 count is shown).
    reviews: bool,
    /// Handles 举报 of some site.
    handles_reports: bool,
    /// Writes: pitches and takes 派题.
    writes: bool,
    /// Plans some site (报题单, 指挥调度).
    plans: bool,
    nav: crate::web::auth::NavCounts,
}

/// Render an admin template with the signed-in user and CSRF token added.
pub fn render(
    state: &AppState,
    session: Option<&Session>,
    template: &str,
    ctx: Value,
) -> Result<Html<String>, AppError> {
    let me = session.map(|s| Me {
        display_name: s.user.display_name.clone(),
        role_labels: s
            .user
            .roles
            .iter()
            .map(|r| r.label())
            .collect::<Vec<_>>()
            .join("、"),
        is_admin: s.user.is_admin(),
        may_curate: slots::may_curate_any(&s.user),
        is_editor: s.user.is_editor(),
        reviews: (1..=9).any(|l| s.user.may_review(l, 9) || s.user.may_review(l, l)),
        handles_reports: s.user.report_sites().is_none_or(|s| !s.is_empty()),
        writes: s.user.writes(),
        plans: s.user.is_admin()
            || s.user
                .scopes
                .iter()
                .any(|sc| crate::domain::planning::rules::may_plan_site(&s.user, &sc.site_id)),
        nav: s.nav,
    });
    let csrf = session.map(|s| s.csrf.clone()).unwrap_or_default();
    let full = minijinja::context! { me, csrf, ..ctx };
    Ok(Html(state.render.render(template, full)?))
}

/// `2024-04-19 10:30` in China Standard Time.
pub fn datetime(ts: i64) -> String {
    to_cst(ts).format("%Y-%m-%d %H:%M").to_string()
}

/// `2024-04-19T10:30` (a datetime-local field) in China Standard Time.
pub fn parse_local(s: &str) -> Option<i64> {
    let s = if s.len() == 16 {
        format!("{s}:00")
    } else {
        s.to_string()
    };
    parse_rfc3339(&format!("{s}+08:00"))
}

/// A time for a `datetime-local` field, in China Standard Time.
pub fn local(ts: Option<i64>) -> String {
    ts.map(|t| to_cst(t).format("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default()
}

/// Append an administrative act to the publication record (after the change
/// it records has been written).
pub async fn note(
    state: &AppState,
    session: &Session,
    action: &'static str,
    subject: String,
    title: String,
    detail: String,
) -> Result<(), AppError> {
    let event = crate::db::Event {
        action,
        subject,
        article_id: None,
        title,
        detail,
    };
    state
        .store
        .record(&session.actor(), &event, state.now())
        .await?;
    Ok(())
}

/// One CSV field for the exports: always quoted, and a leading `= + - @`
/// neutralized so a spreadsheet does not run it as a formula.
pub fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// `字段:「旧」→「新」` for each field that changed, joined with `;`.
pub fn changes(fields: &[(&str, String, String)]) -> String {
    fields
        .iter()
        .filter(|(_, old, new)| old != new)
        .map(|(label, old, new)| format!("{label}:「{old}」→「{new}」"))
        .collect::<Vec<_>>()
        .join(";")
}

/// A form posted by a signed-in person, its CSRF token checked: the one
/// place a posted form's token is checked. A handler takes it (last, as it
/// reads the body) instead of a `Session` and a `Form`.
pub struct SignedForm {
    pub session: Session,
    pub fields: Fields,
}

impl axum::extract::FromRequest<AppState> for SignedForm {
    type Rejection = Response;

    async fn from_request(
        req: axum::extract::Request,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        use axum::extract::FromRequestParts as _;
        let (mut parts, body) = req.into_parts();
        let session = Session::from_request_parts(&mut parts, state).await?;
        let req = axum::extract::Request::from_parts(parts, body);
        let axum::Form(form) = axum::Form::<Vec<(String, String)>>::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let fields = Fields(form);
        session
            .check_csrf(fields.csrf())
            .map_err(IntoResponse::into_response)?;
        Ok(SignedForm { session, fields })
    }
}

/// Only administrators.
pub fn require_admin(session: &Session) -> Result<(), AppError> {
    if session.user.is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden("只有管理员可以管理这项内容".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::text::parse_rfc3339;

    #[test]
    fn local_times_are_beijing_time() {
        assert_eq!(
            parse_local("2024-04-19T10:30"),
            parse_rfc3339("2024-04-19T10:30:00+08:00")
        );
        assert_eq!(
            parse_local("2024-04-19 10:30"),
            parse_local("2024-04-19T10:30")
        );
        assert_eq!(parse_local("2024-02-30T10:30"), None);
        assert_eq!(parse_local("nonsense"), None);
    }
}
