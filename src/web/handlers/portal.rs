//! The public portal: every GET that is not another route is a page of a site,
//! answered from the render cache when it can be.

use std::sync::atomic::Ordering;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::render::cache::{Answer, Cached, RenderCache};
use crate::render::{self, Page, chrome};
use crate::state::AppState;
use crate::web::error::AppError;

/// Browsers revalidate every time (a cheap 304 with the ETag), so a withdrawal
/// shows at once; a CDN in front may keep a page up to a minute.
const CACHE_CONTROL: &str = "public, max-age=0, s-maxage=60";

pub async fn get_page(
    State(state): State<AppState>,
    req: axum::extract::Request,
) -> Result<Response, AppError> {
    let (method, headers, uri) = (req.method(), req.headers(), req.uri());
    if method != Method::GET && method != Method::HEAD {
        return Ok((
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "只支持 GET 和 HEAD 请求",
        )
            .into_response());
    }
    let head = method == Method::HEAD;
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let path = uri.path();
    // a live story's poll at a time bucket: the snapshot, cached a bucket
    // long by anyone in between (every reader of the bucket asks this URL)
    if let Some(snapshot) = live_poll(&state, host, path).await? {
        let mut resp = Box::pin(serve_path(&state, host, &snapshot, headers, head)).await?;
        if resp.status() == StatusCode::OK || resp.status() == StatusCode::NOT_MODIFIED {
            resp.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_str(&format!(
                    "public, max-age={}",
                    crate::domain::live::POLL_SECS
                ))
                .expect("ascii"),
            );
        }
        return Ok(resp);
    }
    if path.ends_with("/jubao/") || path.ends_with("/jubao/chaxun") {
        if let Some(resp) = super::reports::public_page(&state, host, path, uri.query()).await? {
            return Ok(resp);
        }
    }
    if path.ends_with("/baoliao/") || path.ends_with("/baoliao/chaxun") {
        if let Some(resp) = super::baoliao::public_page(&state, host, path, uri.query()).await? {
            return Ok(resp);
        }
    }
    if path.ends_with("/search") || path.ends_with("/search.json") {
        if let Some(page) = render::search::page(&state, host, path, uri.query()).await? {
            return respond(page, head, headers);
        }
    }
    let mut resp = serve_path(&state, host, path, headers, head).await?;
    // a redirect to the slash-ended path keeps what was asked of it
    if resp.status() == StatusCode::MOVED_PERMANENTLY {
        if let Some(q) = uri.query().filter(|q| !q.is_empty()) {
            let with_query = resp
                .headers()
                .get(header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .filter(|l| !l.contains('?'))
                .and_then(|l| HeaderValue::from_str(&format!("{l}?{q}")).ok());
            if let Some(v) = with_query {
                resp.headers_mut().insert(header::LOCATION, v);
            }
        }
    }
    // a live story's snapshot: a CDN may keep it one poll interval at most
    if path.ends_with("/entries.json") && path.contains("/live/") {
        resp.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_str(&format!(
                "public, max-age=0, s-maxage={}",
                crate::domain::live::POLL_SECS
            ))
            .expect("ascii"),
        );
    }
    Ok(resp)
}

/// A page the render cache holds, answered before the router (the accept
/// loop asks this first: `web::server::App`): exactly what `get_page` and
/// the guard would answer for it, without routing, middleware or the
/// portal's special paths. `None` for anything else (another method, a
/// route of its own, a path `get_page` treats specially, a miss): the
/// router answers that.
pub async fn cached_hit<B>(state: &AppState, req: &axum::http::Request<B>) -> Option<Response> {
    let method = req.method();
    let head = method == Method::HEAD;
    if (method != Method::GET && !head) || !state.cache.enabled {
        return None;
    }
    let path = req.uri().path();
    if !plain_page(path) {
        return None;
    }
    let headers = req.headers();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let sites = state.cache.sites(state.store.as_ref()).await.ok()?;
    if chrome::prefix_without_slash(&sites, path).is_some() {
        return None;
    }
    let (site, rel) = chrome::resolve(&sites, host, path)?;
    let c = state.cache.peek(&RenderCache::key(&site.id, &rel)).await?;
    let mut resp = cached_response(&c, headers, head);
    count_view(state, c.viewed.as_ref(), resp.status(), headers, head);
    crate::web::guard::secure(resp.headers_mut(), &state.config.public_url);
    Some(resp)
}

/// Whether `path` can only be a page of a site that `get_page` answers as
/// the cache holds it: not a route of its own (`web::router`), not the
/// newsroom, not a path `get_page` treats specially (live polls and
/// snapshots, 举报, search).
fn plain_page(path: &str) -> bool {
    const ROUTES: [&str; 8] = [
        "/admin",
        "/api/",
        "/static/",
        "/media/",
        "/metrics",
        "/healthz",
        "/readyz",
        "/favicon.ico",
    ];
    const SPECIAL_ENDS: [&str; 4] = ["/jubao/", "/jubao/chaxun", "/search", "/search.json"];
    !ROUTES.iter().any(|r| path.starts_with(r))
        && !path.contains("/live/")
        && !SPECIAL_ENDS.iter().any(|e| path.ends_with(e))
}

/// `{prefix}live/{id}/{bucket}.json` → that story's `entries.json` path, if
/// the bucket is now's, the next or within the last hour (no other time
/// can be asked into a cache); a bucket outside that is a 404.
async fn live_poll(
    state: &AppState,
    host: Option<&str>,
    path: &str,
) -> Result<Option<String>, AppError> {
    if !path.ends_with(".json") || !path.contains("/live/") {
        return Ok(None);
    }
    let sites = state.cache.sites(state.store.as_ref()).await?;
    let Some((_, rel)) = chrome::resolve(&sites, host, path) else {
        return Ok(None);
    };
    let Some((id, bucket)) = crate::domain::url::live_poll(&rel) else {
        return Ok(None);
    };
    let now = crate::domain::live::bucket(state.now());
    if bucket > now + 1 || bucket < now - 360 {
        return Err(AppError::NotFound("这个时间的直播内容不存在".into()));
    }
    let prefix_len = path.len() - rel.len();
    Ok(Some(format!(
        "{}{}",
        &path[..prefix_len],
        crate::domain::url::live_entries_path(id)
    )))
}

async fn serve_path(
    state: &AppState,
    host: Option<&str>,
    path: &str,
    headers: &HeaderMap,
    head: bool,
) -> Result<Response, AppError> {
    if state.cache.enabled {
        let sites = state.cache.sites(state.store.as_ref()).await?;
        if chrome::prefix_without_slash(&sites, path).is_none() {
            if let Some((site, rel)) = chrome::resolve(&sites, host, path) {
                let key = RenderCache::key(&site.id, &rel);
                match state
                    .cache
                    .get_or_render(&key, || render::page(state, host, path))
                    .await?
                {
                    Answer::Cached(c) => {
                        let resp = cached_response(&c, headers, head);
                        count_view(state, c.viewed.as_ref(), resp.status(), headers, head);
                        return Ok(resp);
                    }
                    Answer::Fresh(page) => {
                        let viewed = page.viewed.clone();
                        let resp = respond(page, head, headers)?;
                        count_view(state, viewed.as_ref(), resp.status(), headers, head);
                        return Ok(resp);
                    }
                    Answer::Retry => {}
                }
            }
        }
    }
    let page = render::page(state, host, path).await?;
    let viewed = page.viewed.clone();
    let resp = respond(page, head, headers)?;
    count_view(state, viewed.as_ref(), resp.status(), headers, head);
    Ok(resp)
}

/// A reader's view of a story page: a GET answered with the page or a 304
/// for the reader's copy, from a browser (not a crawler, script or
/// prefetch). Counted in this node's memory (`reach::Views`).
fn count_view(
    state: &AppState,
    viewed: Option<&crate::domain::reach::Viewed>,
    status: StatusCode,
    headers: &HeaderMap,
    head: bool,
) {
    use crate::domain::reach::{is_prefetch, is_reader};
    let Some(viewed) = viewed else {
        return;
    };
    if head || !(status == StatusCode::OK || status == StatusCode::NOT_MODIFIED) {
        return;
    }
    let purpose = headers
        .get("sec-purpose")
        .or_else(|| headers.get("purpose"))
        .or_else(|| headers.get("x-moz"))
        .map(|v| v.as_bytes());
    if is_prefetch(purpose) || !is_reader(headers.get(header::USER_AGENT).map(|v| v.as_bytes())) {
        return;
    }
    state.views.count(viewed, state.now());
}

/// An answer rendered for this request alone (search, 404, a redirect):
/// compressed in the one encoding the client takes best.
pub(super) fn respond(page: Page, head: bool, headers: &HeaderMap) -> Result<Response, AppError> {
    let status = StatusCode::from_u16(page.status).unwrap_or(StatusCode::OK);
    let mut resp = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, page.content_type);
    if let Some(loc) = &page.location {
        resp = resp.header(header::LOCATION, loc);
    }
    let (body, encoding) = compress(page.body.into_bytes(), headers);
    if let Some(e) = encoding {
        resp = resp
            .header(header::CONTENT_ENCODING, e)
            .header(header::VARY, "Accept-Encoding");
    }
    let body = if head {
        resp = resp.header(header::CONTENT_LENGTH, body.len());
        Body::empty()
    } else {
        Body::from(body)
    };
    resp.body(body).map_err(|e| AppError::Internal(e.into()))
}

/// `body` in the encoding the client takes (brotli at a fast quality, else
/// gzip), or as it is when small or not taken.
fn compress(body: Vec<u8>, headers: &HeaderMap) -> (Vec<u8>, Option<&'static str>) {
    use std::io::Write as _;
    if body.len() < 512 {
        return (body, None);
    }
    if accepts(headers, "br") {
        let mut out = Vec::with_capacity(body.len() / 4);
        {
            let mut w = brotli::CompressorWriter::new(&mut out, 4096, 4, 22);
            if w.write_all(&body).is_err() {
                return (body, None);
            }
        }
        (out, Some("br"))
    } else if accepts(headers, "gzip") {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        match gz.write_all(&body).and_then(|()| gz.finish()) {
            Ok(out) => (out, Some("gzip")),
            Err(_) => (body, None),
        }
    } else {
        (body, None)
    }
}

/// Which encoding the client takes: brotli, gzip, or none.
pub(super) fn accepts(headers: &HeaderMap, coding: &str) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|part| {
            let mut it = part.split(';');
            let name = it.next().unwrap_or_default().trim();
            let refused = it.any(|p| {
                p.trim().replace(' ', "").starts_with("q=0")
                    && !p.trim().replace(' ', "").starts_with("q=0.")
            });
            name.eq_ignore_ascii_case(coding) && !refused
        })
}

pub(super) fn cached_response(c: &Cached, headers: &HeaderMap, head: bool) -> Response {
    let (body, encoding, variant) = if accepts(headers, "br") {
        (c.brotli.clone(), Some("br"), 2)
    } else if accepts(headers, "gzip") {
        (c.gzip.clone(), Some("gzip"), 1)
    } else {
        (c.identity.clone(), None, 0)
    };
    let etag = &c.etag_values[variant];
    let not_modified = c.status == 200
        && match headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
        {
            Some(inm) => inm.split(',').any(|t| {
                let t = t.trim().trim_start_matches("W/");
                t.as_bytes() == etag.as_bytes() || t == "*" || t == c.etag
            }),
            None => match (
                headers
                    .get(header::IF_MODIFIED_SINCE)
                    .and_then(|v| v.to_str().ok()),
                c.last_modified,
            ) {
                (Some(ims), Some(lm)) => {
                    chrono::DateTime::parse_from_rfc2822(ims).is_ok_and(|t| lm <= t.timestamp())
                }
                _ => false,
            },
        };
    let length = body.len();
    let mut resp = if not_modified || head {
        Response::new(Body::empty())
    } else {
        Response::new(Body::from(body))
    };
    // room for every header this sets and the guard's: one allocation,
    // no growth while they go in
    *resp.headers_mut() = HeaderMap::with_capacity(20);
    *resp.status_mut() = if not_modified {
        StatusCode::NOT_MODIFIED
    } else {
        StatusCode::from_u16(c.status).unwrap_or(StatusCode::OK)
    };
    let h = resp.headers_mut();
    h.insert(header::ETAG, etag.clone());
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if let Some(lm) = &c.last_modified_value {
        h.insert(header::LAST_MODIFIED, lm.clone());
    }
    if let Some(v) = &c.surrogate_key_value {
        h.insert("surrogate-key", v.clone());
    }
    if let Some(v) = &c.cache_tag_value {
        h.insert("cache-tag", v.clone());
    }
    if !not_modified {
        h.insert(header::CONTENT_TYPE, c.content_type_value.clone());
        if let Some(enc) = encoding {
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(enc));
        }
        // a HEAD answer says how long the GET's body is
        if head {
            h.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
        }
    }
    resp
}

/// Prometheus text format: render-cache counters and sizes.
/// Liveness: the process answers.
pub async fn get_healthz() -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "ok\n",
    )
        .into_response()
}

/// Readiness for a load balancer: the database answers, takes a write and
/// was not seen damaged (`health`), and the search index is open; 503 with
/// the reason otherwise. Also says how far the render
/// cache and the index are behind the change log.
pub async fn get_readyz(State(state): State<AppState>) -> Response {
    let read = match state.store.last_change().await {
        Ok(last) => Ok(last),
        Err(e) => {
            if e.is_corrupt() {
                state.health.mark_corrupt();
            }
            tracing::warn!(error = %e, "readiness read failed");
            Err("数据库不可用:无法读取".to_string())
        }
    };
    // the structure checked now and then, in the background (a scan of a
    // large file must not hold a load balancer's probe)
    if state.config.integrity_checks && state.health.integrity_due() {
        let (store, health) = (state.store.clone(), state.health.clone());
        tokio::spawn(async move {
            let found = match store.integrity_check().await {
                Ok(found) => Some(found),
                Err(e) => {
                    tracing::warn!(error = %e, "the database integrity check could not run");
                    None
                }
            };
            health.integrity_done(found);
        });
    }
    let problem = if state.health.corrupt() {
        Some(match state.health.integrity_damage() {
            Some(what) => format!(
                "数据库文件已损坏(完整性检查:{what})。{}",
                crate::health::RESTORE_ADVICE
            ),
            None => format!("数据库文件已损坏。{}", crate::health::RESTORE_ADVICE),
        })
    } else {
        match &read {
            Err(m) => Some(m.clone()),
            Ok(_) => state
                .health
                .writable(state.store.as_ref(), state.now())
                .await
                .err(),
        }
    };
    let status = if problem.is_none() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let database = problem.unwrap_or_else(|| "ok".into());
    let last = read.ok();
    let body = serde_json::json!({
        "ready": status == StatusCode::OK,
        "database": database,
        "search": {"open": true, "stories": state.search.len(), "cursor": state.search.cursor()},
        "cache": {"cursor": state.cache.cursor(), "entries": state.cache.entries()},
        "changes": last,
    });
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body.to_string(),
    )
        .into_response()
}

/// `/metrics` only for the configured addresses (default loopback: the
/// client as `client::client_ip` finds it, so behind a trusted proxy the
/// outside client is checked, not the proxy) or with the bearer token.
pub async fn get_metrics(State(state): State<AppState>, req: axum::extract::Request) -> Response {
    let limits = &state.config.limits;
    let (parts, _) = req.into_parts();
    let client = crate::web::client::client_ip(
        crate::web::server::peer(&parts).map(|a| a.ip()),
        &parts.headers,
        &limits.trusted_proxies,
    );
    let by_address = client.is_some_and(|ip| limits.metrics_allow.iter().any(|n| n.contains(&ip)));
    let by_token = limits.metrics_token.as_deref().is_some_and(|t| {
        parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| crate::web::auth::constant_eq(given.as_bytes(), t.as_bytes()))
    });
    if !by_address && !by_token {
        return AppError::Forbidden("监控数据只对运维地址开放".into()).into_response();
    }
    let c = &state.cache.counters;
    let body = format!(
        "# HELP gazette_cache_hits_total Pages answered from the render cache.\n# TYPE gazette_cache_hits_total counter\n\
         gazette_cache_hits_total {}\n\
         # HELP gazette_cache_misses_total Pages not in the render cache when asked for.\n# TYPE gazette_cache_misses_total counter\n\
         gazette_cache_misses_total {}\n\
         # HELP gazette_cache_renders_total Pages rendered for the cache (one per miss, whatever the waiters).\n# TYPE gazette_cache_renders_total counter\n\
         gazette_cache_renders_total {}\n\
         # HELP gazette_cache_invalidations_total Cached pages dropped because a change touched what they read.\n# TYPE gazette_cache_invalidations_total counter\n\
         gazette_cache_invalidations_total {}\n\
         # HELP gazette_cache_entries Pages in the render cache.\n# TYPE gazette_cache_entries gauge\n\
         gazette_cache_entries {}\n\
         # HELP gazette_cache_bytes Bytes held by the render cache (all encodings).\n# TYPE gazette_cache_bytes gauge\n\
         gazette_cache_bytes {}\n\
         # HELP gazette_change_cursor Last change-log sequence number the cache applied.\n# TYPE gazette_change_cursor gauge\n\
         gazette_change_cursor {}\n\
         # HELP gazette_work_slots_free Free slots of the bounded work pools.\n# TYPE gazette_work_slots_free gauge\n\
         gazette_work_slots_free{{pool=\"hash\"}} {}\n\
         gazette_work_slots_free{{pool=\"decode\"}} {}\n\
         gazette_work_slots_free{{pool=\"cpu\"}} {}\n",
        c.hits.load(Ordering::Relaxed),
        c.misses.load(Ordering::Relaxed),
        c.renders.load(Ordering::Relaxed),
        c.invalidations.load(Ordering::Relaxed),
        state.cache.entries(),
        state.cache.bytes(),
        state.cache.cursor(),
        state.work.hash.available(),
        state.work.decode.available(),
        state.work.cpu.available(),
    );
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}
