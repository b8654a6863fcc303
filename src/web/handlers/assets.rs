//! Built-in (or theme) static assets under `/static/`.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::state::AppState;
use crate::web::error::AppError;

/// A static asset: by its fingerprinted name (what pages link to) cached
/// for a year and never revalidated; by its plain name or an older
/// fingerprint, for an hour. Text is answered brotli- or gzip-compressed
/// when the client takes it (each made once).
pub async fn get_asset(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (asset, current) = state
        .render
        .assets()
        .lookup(&name)
        .ok_or_else(|| AppError::NotFound(format!("没有静态文件 {name}")))?;
    let (body, encoding) = if !asset.compressible() {
        (asset.body.clone(), None)
    } else if super::portal::accepts(&headers, "br") {
        (asset.brotli(), Some("br"))
    } else if super::portal::accepts(&headers, "gzip") {
        (asset.gzip(), Some("gzip"))
    } else {
        (asset.body.clone(), None)
    };
    let mut resp = Response::new(Body::from(body));
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if current {
            "public, max-age=31536000, immutable"
        } else {
            "public, max-age=3600"
        }),
    );
    if asset.compressible() {
        h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    }
    if let Some(e) = encoding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(e));
    }
    Ok(resp)
}

/// `/favicon.ico`, which browsers and feed readers ask for without reading
/// a page: the favicon of the site the host names (or the main site's),
/// else the built-in icon; cached a day (the same URL may get a new icon).
pub async fn get_favicon(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let sites = state.cache.sites(state.store.as_ref()).await?;
    let icon = match crate::render::chrome::resolve(&sites, host, "/favicon.ico") {
        Some((site, _)) => crate::render::site_brand(&state.env, &sites, site)
            .await?
            .0
            .favicon()
            .and_then(|(url, _)| url.strip_prefix("/media/").map(str::to_string)),
        None => None,
    };
    let mut resp = match icon {
        Some(key) => get_media(State(state.clone()), Path(key), HeaderMap::new()).await?,
        None => {
            let (asset, _) = state
                .render
                .assets()
                .lookup("favicon.svg")
                .ok_or_else(|| AppError::NotFound("没有网站图标".into()))?;
            (
                [(header::CONTENT_TYPE, asset.content_type)],
                asset.body.clone(),
            )
                .into_response()
        }
    };
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    Ok(resp)
}

/// Uploaded media under `/media/YYYY/MM/name.ext`, from the media store
/// (the key is checked before the store is asked), streamed: a video is
/// never held in memory. One byte range (`Range: bytes=a-b`, `a-`, `-n`)
/// answers 206 with that part, so a player can seek in an MP4; a range
/// outside the file answers 416. A store that is down answers 503.
pub async fn get_media(
    State(state): State<AppState>,
    Path(rel): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let not_found = || AppError::NotFound("文件不存在".into());
    if !crate::domain::media_key::is_safe(&rel) || !crate::domain::media_key::is_public(&rel) {
        return Err(not_found());
    }
    let ct = crate::domain::media_key::content_type(&rel).ok_or_else(not_found)?;
    let len = state.media.size(&rel).await?.ok_or_else(not_found)?;
    let asked = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(|v| byte_range(v, len));
    let (status, range) = match asked {
        None | Some(Ranged::Whole) => (StatusCode::OK, 0..len),
        Some(Ranged::Part(r)) => (StatusCode::PARTIAL_CONTENT, r),
        Some(Ranged::Unsatisfiable) => {
            return Ok((
                StatusCode::RANGE_NOT_SATISFIABLE,
                [
                    (header::CONTENT_RANGE, format!("bytes */{len}")),
                    (header::ACCEPT_RANGES, "bytes".to_string()),
                ],
            )
                .into_response());
        }
    };
    let stream = state
        .media
        .read_range(&rel, range.clone())
        .await?
        .ok_or_else(not_found)?;
    let mut response = Response::new(Body::from_stream(stream));
    *response.status_mut() = status;
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(
        header::CONTENT_LENGTH,
        HeaderValue::from(range.end - range.start),
    );
    if status == StatusCode::PARTIAL_CONTENT {
        let value = format!("bytes {}-{}/{len}", range.start, range.end - 1);
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(header::CONTENT_RANGE, v);
        }
    }
    Ok(response)
}

/// What a `Range` header asks of a file of `len` bytes.
#[derive(Debug, PartialEq)]
enum Ranged {
    /// No single byte range we understand (several ranges, other units):
    /// answer the whole file, as RFC 9110 allows.
    Whole,
    Part(std::ops::Range<u64>),
    Unsatisfiable,
}

/// Parse one `bytes=` range (RFC 9110 §14.1.2). Written here because it is
/// a dozen lines: the crates that do it bring a file server with them.
fn byte_range(header: &str, len: u64) -> Ranged {
    let Some(spec) = header.trim().strip_prefix("bytes=") else {
        return Ranged::Whole;
    };
    if spec.contains(',') {
        return Ranged::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Ranged::Whole;
    };
    let (first, last) = (first.trim(), last.trim());
    let num = |s: &str| s.parse::<u64>().ok();
    let range = match (first.is_empty(), last.is_empty()) {
        // the last n bytes
        (true, false) => match num(last) {
            Some(0) | None => return Ranged::Unsatisfiable,
            Some(n) => len.saturating_sub(n)..len,
        },
        (false, _) => {
            let Some(a) = num(first) else {
                return Ranged::Whole;
            };
            let b = if last.is_empty() {
                len.saturating_sub(1)
            } else {
                match num(last) {
                    Some(b) if b >= a => b.min(len.saturating_sub(1)),
                    _ => return Ranged::Whole,
                }
            };
            if a >= len {
                return Ranged::Unsatisfiable;
            }
            a..b + 1
        }
        (true, true) => return Ranged::Whole,
    };
    if range.is_empty() {
        Ranged::Unsatisfiable
    } else {
        Ranged::Part(range)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_ranges_as_players_ask_them() {
        assert_eq!(byte_range("bytes=0-", 1000), Ranged::Part(0..1000));
        assert_eq!(byte_range("bytes=0-99", 1000), Ranged::Part(0..100));
        assert_eq!(byte_range("bytes=900-5000", 1000), Ranged::Part(900..1000));
        assert_eq!(byte_range("bytes=-100", 1000), Ranged::Part(900..1000));
        assert_eq!(byte_range("bytes=-5000", 1000), Ranged::Part(0..1000));
        assert_eq!(byte_range("bytes=1000-", 1000), Ranged::Unsatisfiable);
        assert_eq!(byte_range("bytes=-0", 1000), Ranged::Unsatisfiable);
        assert_eq!(byte_range("bytes=0-", 0), Ranged::Unsatisfiable);
        assert_eq!(byte_range("bytes=5-1", 1000), Ranged::Whole);
        assert_eq!(byte_range("bytes=0-1,5-9", 1000), Ranged::Whole);
        assert_eq!(byte_range("items=0-1", 1000), Ranged::Whole);
        assert_eq!(byte_range("bytes=x-1", 1000), Ranged::Whole);
    }
}
