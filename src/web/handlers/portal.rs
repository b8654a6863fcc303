//! The public portal: every GET that is not another route is a page of a site.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::render;
use crate::state::AppState;

pub async fn get_page(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, AppError> {
    if method != Method::GET && method != Method::HEAD {
        return Ok((
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "只支持 GET 和 HEAD 请求",
        )
            .into_response());
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let path = uri.path();
    let search = if path.ends_with("/search") || path.ends_with("/search.json") {
        render::search::page(&state, host, path, uri.query()).await?
    } else {
        None
    };
    let page = match search {
        Some(page) => page,
        None => render::page(&state, host, path).await?,
    };
    let status = StatusCode::from_u16(page.status).unwrap_or(StatusCode::OK);
    let mut resp = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, page.content_type);
    if let Some(loc) = &page.location {
        resp = resp.header(header::LOCATION, loc);
    }
    let body = if method == Method::HEAD {
        Body::empty()
    } else {
        Body::from(page.body)
    };
    resp.body(body).map_err(|e| AppError::Internal(e.into()))
}
