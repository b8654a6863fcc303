//! What every answer carries and every state-changing request must show.
//!
//! - Security headers on every answer: a Content-Security-Policy the pages
//!   satisfy (no inline script or style anywhere: the editor's script is a
//!   file, JSON-LD is a data block that CSP does not execute), `nosniff` (an
//!   uploaded JPEG with HTML inside is never run as a page), framing only by
//!   the site itself, and a referrer policy that does not leak newsroom URLs.
//! - Same-origin check: a POST (sign-in included, which has no session token
//!   to check yet) whose `Origin`, or failing that `Referer`, names another
//!   site is refused before any handler runs. Requests without either (curl,
//!   scripts) pass: a forged cross-site form always comes from a browser, and
//!   browsers send `Origin` on every POST. Session forms also carry the
//!   CSRF token (`auth::Session::check_csrf`).
//! - Extractor rejections (a malformed form, a body that arrived too slowly,
//!   a bad path parameter) are plain English text from axum; they are turned
//!   into the same Chinese error page as every other error.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::state::AppState;
use crate::web::error::AppError;

/// The policy every page satisfies.
/// `media-src blob:`: hls.js plays HLS through Media Source Extensions,
/// whose stream a `<video>` reads from a `blob:` URL (its worker is off).
pub const CSP: &str = "default-src 'self'; img-src 'self'; style-src 'self'; \
     script-src 'self'; media-src 'self' blob:; object-src 'none'; base-uri 'self'; \
     form-action 'self'; frame-ancestors 'self'";

pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !req.method().is_safe() && !same_origin(req.headers(), &state.config.public_url) {
        tracing::warn!(
            path = %req.uri().path(),
            origin = ?req.headers().get(header::ORIGIN),
            "cross-site POST refused"
        );
        let mut resp =
            AppError::Forbidden("请求来自其他网站,已拒绝。请直接在本站页面上提交表单".into())
                .into_response();
        secure(resp.headers_mut(), &state.config.public_url);
        return resp;
    }
    let admin = req.uri().path().starts_with("/admin");
    let mut resp = localize_rejection(next.run(req).await);
    if admin {
        resp = back_to_the_newsroom(resp);
        // the newsroom's pages are a person's own: no shared cache keeps them
        resp.headers_mut()
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("private, no-store"));
    }
    if resp
        .extensions()
        .get::<crate::health::DatabaseDamaged>()
        .is_some()
    {
        state.health.mark_corrupt();
    }
    secure(resp.headers_mut(), &state.config.public_url);
    resp
}

/// The security headers every answer carries (those not set already).
pub(crate) fn secure(h: &mut HeaderMap, public_url: &str) {
    let set = |h: &mut HeaderMap, name: header::HeaderName, value: &'static str| {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(h, header::CONTENT_SECURITY_POLICY, CSP);
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::X_FRAME_OPTIONS, "SAMEORIGIN");
    set(
        h,
        header::REFERRER_POLICY,
        "strict-origin-when-cross-origin",
    );
    if public_url.starts_with("https://") {
        set(h, header::STRICT_TRANSPORT_SECURITY, "max-age=31536000");
    }
}

/// Whether a state-changing request comes from this site: its `Origin` (or
/// `Referer`) is absent, or names the host the request was sent to or the
/// configured public URL's host.
pub fn same_origin(headers: &HeaderMap, public_url: &str) -> bool {
    let value = |name| headers.get(name).map(|v| v.to_str().unwrap_or("\u{0}"));
    let claimed = match (value(header::ORIGIN), value(header::REFERER)) {
        (Some(origin), _) => origin,
        (None, Some(referer)) => referer,
        (None, None) => return true,
    };
    let Some(authority) = authority_of(claimed) else {
        // "null" (a sandboxed frame, a data: page) or garbage
        return false;
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    host.is_some_and(|h| h.eq_ignore_ascii_case(authority))
        || authority_of(public_url).is_some_and(|p| p.eq_ignore_ascii_case(authority))
}

/// `host[:port]` of an http(s) URL.
fn authority_of(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    (!authority.is_empty() && !authority.contains('@')).then_some(authority)
}

/// An error page in the newsroom links back to the 工作台, not the portal.
fn back_to_the_newsroom(resp: Response) -> Response {
    let Some(crate::web::error::ErrorPage(message)) = resp.extensions().get().cloned() else {
        return resp;
    };
    let (mut parts, _) = resp.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    let body = crate::web::error::error_html(parts.status, &message, "/admin/", "返回工作台");
    Response::from_parts(parts, axum::body::Body::from(body))
}

/// An axum rejection (4xx, plain text) as the Chinese error page.
fn localize_rejection(resp: Response) -> Response {
    let status = resp.status();
    let plain = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"));
    if !status.is_client_error() || !plain {
        return resp;
    }
    let message = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "提交的内容太大,请删减后重试",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "提交的格式不正确,请在页面上重新提交表单",
        StatusCode::METHOD_NOT_ALLOWED => "不支持这种请求方式",
        StatusCode::NOT_FOUND => "页面不存在",
        _ => "提交的内容不完整或格式不正确(也可能是网络太慢),请刷新页面后重试",
    };
    let allow = resp.headers().get(header::ALLOW).cloned();
    let mut page = AppError::BadRequest(message.into()).into_response();
    *page.status_mut() = status;
    if let Some(allow) = allow {
        page.headers_mut().insert(header::ALLOW, allow);
    }
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(k.clone(), v.parse().unwrap());
        }
        h
    }

    #[test]
    fn cross_site_posts_are_told_apart() {
        let public = "https://www.bzcm.net";
        let host = (header::HOST, "127.0.0.1:8080");
        assert!(same_origin(&headers(std::slice::from_ref(&host)), public));
        assert!(same_origin(
            &headers(&[host.clone(), (header::ORIGIN, "http://127.0.0.1:8080")]),
            public
        ));
        assert!(same_origin(
            &headers(&[host.clone(), (header::ORIGIN, "https://www.bzcm.net")]),
            public
        ));
        assert!(same_origin(
            &headers(&[
                host.clone(),
                (
                    header::REFERER,
                    "http://127.0.0.1:8080/admin/login?next=/admin/"
                )
            ]),
            public
        ));
        assert!(!same_origin(
            &headers(&[host.clone(), (header::ORIGIN, "https://evil.example")]),
            public
        ));
        assert!(!same_origin(
            &headers(&[host.clone(), (header::ORIGIN, "null")]),
            public
        ));
        assert!(!same_origin(
            &headers(&[
                host.clone(),
                (header::REFERER, "https://127.0.0.1:8080@evil.example/")
            ]),
            public
        ));
        // a look-alike host is another host
        assert!(!same_origin(
            &headers(&[host, (header::ORIGIN, "http://127.0.0.1:8080.evil.example")]),
            public
        ));
    }
}
