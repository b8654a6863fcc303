//! The queue's filters as the form and the export links send them, read
//! into the store's query with a clear refusal for each bad field.

use serde::Deserialize;

use crate::db::ReportFilter;
use crate::domain::report::{Category, State as RState};
use crate::domain::text::cst_day_start;
use crate::domain::user::User;
use crate::web::error::AppError;

/// The queue's filters as the form sends them.
#[derive(Deserialize, Default, Clone, serde::Serialize)]
pub struct Filter {
    #[serde(default)]
    pub(super) state: String,
    #[serde(default)]
    pub(super) category: String,
    #[serde(default)]
    pub(super) site: String,
    /// Older than this many days.
    #[serde(default)]
    pub(super) age: String,
    #[serde(default)]
    pub(super) overdue: String,
    #[serde(default)]
    pub(super) mine: String,
    /// `YYYY-MM-DD` (exports).
    #[serde(default)]
    pub(super) from: String,
    #[serde(default)]
    pub(super) to: String,
    #[serde(default)]
    pub(super) before: String,
}

fn day(s: &str, what: &str) -> Result<Option<i64>, AppError> {
    match s.trim() {
        "" => Ok(None),
        d => cst_day_start(d).map(Some).ok_or_else(|| {
            AppError::BadRequest(format!("{what}“{d}”格式不对,应为 2026-01-31 这样的日期"))
        }),
    }
}

impl Filter {
    pub(super) fn query(
        &self,
        user: &User,
        now: i64,
        limit: i64,
    ) -> Result<ReportFilter, AppError> {
        let state = match self.state.as_str() {
            "" | "open" => None,
            s => Some(RState::parse(s).ok_or_else(|| AppError::BadRequest("没有这种状态".into()))?),
        };
        let category = match self.category.as_str() {
            "" => None,
            c => Some(
                Category::parse(c).ok_or_else(|| AppError::BadRequest("没有这种类别".into()))?,
            ),
        };
        let age = match self.age.trim() {
            "" => None,
            a => Some(
                a.parse::<i64>()
                    .ok()
                    .filter(|d| (0..=3650).contains(d))
                    .ok_or_else(|| {
                        AppError::BadRequest("“已超过天数”须为 0 到 3650 的数字".into())
                    })?,
            ),
        };
        let before = match self.before.split_once('.') {
            Some((a, b)) => Some((
                a.parse()
                    .map_err(|_| AppError::BadRequest("页码参数不对".into()))?,
                b.parse()
                    .map_err(|_| AppError::BadRequest("页码参数不对".into()))?,
            )),
            None => None,
        };
        let to_from_age = age.map(|d| now - d * 86_400);
        let to = match (day(&self.to, "结束日期")?.map(|t| t + 86_400), to_from_age) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Ok(ReportFilter {
            state,
            open: self.state == "open",
            category,
            site_id: (!self.site.is_empty()).then(|| self.site.clone()),
            sites: user.report_sites(),
            overdue_at: (!self.overdue.is_empty()).then_some(now),
            assignee_id: (!self.mine.is_empty()).then_some(user.id),
            from: day(&self.from, "开始日期")?,
            to,
            before,
            limit,
        })
    }

    pub(super) fn query_string(&self) -> String {
        let mut f = self.clone();
        f.before.clear();
        serde_urlencoded::to_string(&f).unwrap_or_default()
    }
}
