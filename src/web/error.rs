//! The web layer's error type.
//!
//! Policy: user errors answer with their status and a message that says what to
//! fix (400/404/409/413/422); internal errors answer 500 with a generic page and
//! are logged once, here, with their cause chain. Nothing panics on user input.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::domain::html::escape_text;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    TooLarge(String),
    /// Throttled: the message says when to retry; `Retry-After` carries the seconds.
    #[error("{message}")]
    TooMany { message: String, retry_after: i64 },
    /// A service the answer needs (object storage) is down: 503, logged here,
    /// the cause not shown.
    #[error("service unavailable: {0:#}")]
    Unavailable(anyhow::Error),
    /// Every slot of a bounded pool is taken: 503 with the message and a
    /// `Retry-After` of a few seconds.
    #[error("{0}")]
    Busy(String),
    /// The database's disk is full: 503, logged, nothing was written.
    #[error("storage full: {0:#}")]
    StorageFull(anyhow::Error),
    /// The database is damaged: 503, logged; the response carries
    /// `health::DatabaseDamaged` so the node stops reporting ready.
    #[error("database damaged: {0:#}")]
    Damaged(anyhow::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooMany { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_)
            | AppError::Busy(_)
            | AppError::StorageFull(_)
            | AppError::Damaged(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<crate::db::StoreError> for AppError {
    fn from(e: crate::db::StoreError) -> Self {
        use crate::db::StoreError as E;
        match e {
            E::NotFound(m) => AppError::NotFound(m),
            E::Invalid(m) => AppError::BadRequest(m),
            E::Conflict(m) => AppError::Conflict(m),
            // a UNIQUE constraint: a user error the form should have caught
            e if e.is_unique_violation() => {
                AppError::Conflict("这项内容与已有的记录重复,请换一个名称或编号后再保存".into())
            }
            e if e.is_disk_full() => AppError::StorageFull(e.into()),
            e if e.is_corrupt() => AppError::Damaged(e.into()),
            e => AppError::Internal(e.into()),
        }
    }
}

/// The message of an error page, kept on the response so that the guard
/// can give a newsroom page its way back to the newsroom instead of the portal.
#[derive(Debug, Clone)]
pub struct ErrorPage(pub String);

/// The error page: status, the message (escaped), and one link back.
pub fn error_html(status: StatusCode, message: &str, back: &str, back_label: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{code} 错误</title><link rel=\"stylesheet\" href=\"/static/gazette.css\"></head>\
         <body><main class=\"wrap\"><section class=\"error-page\"><h1>{code}</h1><p>{msg}</p>\
         <p><a href=\"{back}\">{label}</a></p></section></main></body></html>",
        code = status.as_u16(),
        msg = escape_text(message),
        back = escape_text(back),
        label = escape_text(back_label),
    )
}

impl AppError {
    /// An internal error whose cause is a full disk or a damaged database
    /// (reached through `anyhow` from the render path) answers as such.
    fn classified(self) -> Self {
        let AppError::Internal(e) = self else {
            return self;
        };
        let store = e
            .chain()
            .find_map(|c| c.downcast_ref::<crate::db::StoreError>());
        match store {
            Some(s) if s.is_corrupt() => AppError::Damaged(e),
            Some(s) if s.is_disk_full() => AppError::StorageFull(e),
            _ => AppError::Internal(e),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let this = self.classified();
        let status = this.status();
        let message = match &this {
            AppError::Internal(e) => {
                tracing::error!(error = %format!("{e:#}"), "internal error");
                "服务器内部错误,请稍后重试。".to_string()
            }
            AppError::Unavailable(e) => {
                tracing::error!(error = %format!("{e:#}"), "service unavailable");
                "服务暂时不可用,请稍后重试。".to_string()
            }
            AppError::Damaged(e) => {
                tracing::error!(error = %format!("{e:#}"), "database damaged");
                "数据库暂时无法读取,服务暂停。已记录故障,请稍后再试。".to_string()
            }
            AppError::StorageFull(e) => {
                tracing::error!(error = %format!("{e:#}"), "database disk full");
                "服务器存储空间已满,刚才的内容没有保存。请通知技术人员清理磁盘后再提交一次。"
                    .to_string()
            }
            e => e.to_string(),
        };
        let mut resp =
            (status, Html(error_html(status, &message, "/", "返回首页"))).into_response();
        resp.extensions_mut().insert(ErrorPage(message));
        if matches!(this, AppError::Damaged(_)) {
            resp.extensions_mut().insert(crate::health::DatabaseDamaged);
        }
        let retry_after = match &this {
            AppError::TooMany { retry_after, .. } => Some(*retry_after),
            AppError::Busy(_) => Some(5),
            _ => None,
        };
        if let Some(secs) = retry_after {
            if let Ok(v) = axum::http::HeaderValue::from_str(&secs.to_string()) {
                resp.headers_mut()
                    .insert(axum::http::header::RETRY_AFTER, v);
            }
        }
        resp
    }
}

impl From<crate::media::MediaStoreError> for AppError {
    fn from(e: crate::media::MediaStoreError) -> Self {
        use crate::media::MediaStoreError as E;
        match e {
            e @ E::Unavailable(_) => AppError::Unavailable(e.into()),
            e @ E::Full(_) => AppError::StorageFull(e.into()),
            e @ E::Failed(_) => AppError::Internal(e.into()),
        }
    }
}

impl From<crate::newsroom::NewsroomError> for AppError {
    fn from(e: crate::newsroom::NewsroomError) -> Self {
        use crate::newsroom::NewsroomError as E;
        match e {
            E::Refused(r) => match r {
                crate::domain::workflow::Refusal::NotPermitted(_)
                | crate::domain::workflow::Refusal::SeparationOfDuties(_) => {
                    AppError::Forbidden(r.to_string())
                }
                r => AppError::BadRequest(r.to_string()),
            },
            E::NotFound(m) => AppError::NotFound(m),
            E::Conflict(m) => AppError::Conflict(m),
            E::Invalid(m) => AppError::BadRequest(m),
            E::Internal(e) => AppError::Internal(e),
        }
    }
}

impl From<crate::work::WorkError> for AppError {
    fn from(e: crate::work::WorkError) -> Self {
        use crate::work::WorkError as E;
        match e {
            E::Busy(_) => AppError::Busy("服务器繁忙,请稍后重试。".into()),
            e @ E::Failed(..) => AppError::Internal(e.into()),
        }
    }
}
