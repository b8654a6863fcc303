//! 举报 for readers: the form (`{prefix}jubao/`), filing it (`POST
//! /jubao/`, no JavaScript and no account needed), and the lookup by
//! receipt number (`{prefix}jubao/chaxun?no=`). Pages carry a fresh
//! challenge, so they are rendered per request and never cached.
//!
//! Order of a filing: the attempt is counted against the address's and the
//! portal's hourly limits (every node shares them: rows in the database);
//! the honeypot, the challenge and the form are checked; screenshots pass
//! the picture checks and are stored privately; the report, its record row
//! and the job that later clears the contact commit in one transaction;
//! only then does the reader get the receipt (a redirect to the lookup).

use axum::extract::{Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use sha2::Digest;

use crate::db::{Attempt, Filing, NewReport};
use crate::domain::Site;
use crate::domain::report::{self, Category, Report};
use crate::render::chrome::{self, SiteUrls};
use crate::state::AppState;
use crate::web::client::ClientAddr;
use crate::web::error::AppError;

/// The largest filing: three screenshots and the words.
pub const BODY_LIMIT: usize = report::MAX_SHOTS * crate::media::MAX_BYTES + 256 * 1024;

/// What the form had, to show it again after a refusal.
#[derive(Debug, Default, Clone, serde::Serialize)]
struct Entered {
    category: String,
    url: String,
    description: String,
    contact: String,
}

pub(super) async fn sites(state: &AppState) -> Result<std::sync::Arc<Vec<Site>>, AppError> {
    Ok(state.cache.sites(state.store.as_ref()).await?)
}

/// Render one of the public 举报 (or 报料) pages with the site's header and
/// footer, never cached.
pub(super) async fn render(
    state: &AppState,
    sites: &[Site],
    site: &Site,
    status: StatusCode,
    template: &str,
    title: &str,
    extra: minijinja::Value,
) -> Result<Response, AppError> {
    let tree = state.cache.channels(state.store.as_ref(), &site.id).await?;
    let cfg = &state.config;
    let chrome = chrome::chrome(sites, site, &tree, None, &cfg.public_url, cfg.scheme());
    let brand = crate::render::site_brand(state, sites, site).await?.0;
    let ctx = minijinja::context! {
        page_title => format!("{title} - {}", chrome.site_title),
        description => format!("{}{title}", chrome.site_title),
        canonical => Option::<String>::None,
        brand,
        chrome,
        ..extra
    };
    let body = state.render.render(template, ctx)?;
    let mut resp = (status, axum::response::Html(body)).into_response();
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}

/// `GET {prefix}jubao/` and `{prefix}jubao/chaxun`: `None` for other paths.
pub async fn public_page(
    state: &AppState,
    host: Option<&str>,
    path: &str,
    query: Option<&str>,
) -> Result<Option<Response>, AppError> {
    let sites = sites(state).await?;
    let Some((site, rel)) = chrome::resolve(&sites, host, path) else {
        return Ok(None);
    };
    let params: Vec<(String, String)> =
        serde_urlencoded::from_str(query.unwrap_or("")).unwrap_or_default();
    let param = |k: &str| {
        params
            .iter()
            .find(|(n, _)| n == k)
            .map_or("", |(_, v)| v.as_str())
    };
    match rel.as_str() {
        "jubao/" => {
            let entered = Entered {
                url: param("url").chars().take(1000).collect(),
                ..Entered::default()
            };
            Ok(Some(
                form(state, &sites, site, StatusCode::OK, &entered, "").await?,
            ))
        }
        "jubao/chaxun" => Ok(Some(
            lookup(state, &sites, site, param("no"), param("new") == "1").await?,
        )),
        _ => Ok(None),
    }
}

async fn form(
    state: &AppState,
    sites: &[Site],
    site: &Site,
    status: StatusCode,
    entered: &Entered,
    error: &str,
) -> Result<Response, AppError> {
    let secret = state.report_secret().await?;
    let c = report::challenge(
        secret.as_bytes(),
        state.now(),
        &crate::token::random_bytes::<10>(),
    );
    let urls = SiteUrls::new(site, &state.config.public_url, state.config.scheme());
    let cfg = state.config.reports;
    let categories: Vec<(&str, &str, bool)> = Category::ALL
        .iter()
        .map(|k| (k.as_str(), k.label(), k.as_str() == entered.category))
        .collect();
    render(
        state,
        sites,
        site,
        status,
        "portal/jubao.html",
        "违法和不良信息举报",
        minijinja::context! {
            site_id => site.id.clone(),
            action => "/jubao/",
            lookup_url => urls.link("jubao/chaxun"),
            categories,
            entered,
            error,
            question => c.question,
            token => c.token,
            days => cfg.days,
            contact_days => cfg.contact_days,
            per_hour => cfg.per_address,
            max_shots => report::MAX_SHOTS,
            max_chars => report::MAX_DESCRIPTION,
            privacy_url => urls.link("privacy/"),
        },
    )
    .await
}

async fn lookup(
    state: &AppState,
    sites: &[Site],
    site: &Site,
    no: &str,
    new: bool,
) -> Result<Response, AppError> {
    let no = no.trim().to_ascii_uppercase();
    let (found, error, status) = if no.is_empty() {
        (None, String::new(), StatusCode::OK)
    } else if !report::valid_receipt(&no) {
        (
            None,
            "受理编号格式不对:应为 JB 开头的 20 位编号,如 JB20261201ABCDEFGHJK".to_string(),
            StatusCode::BAD_REQUEST,
        )
    } else {
        match state.store.report_by_receipt(&no).await? {
            Some(r) => (Some(r), String::new(), StatusCode::OK),
            None => (
                None,
                format!("没有找到受理编号为 {no} 的举报,请核对后重新输入"),
                StatusCode::NOT_FOUND,
            ),
        }
    };
    let urls = SiteUrls::new(site, &state.config.public_url, state.config.scheme());
    let now = state.now();
    let view = found.as_ref().map(|r: &Report| {
        minijinja::context! {
            receipt => r.receipt.clone(),
            category => r.category.label(),
            url => r.url.clone(),
            at => crate::domain::text::to_cst(r.created_at).format("%Y年%m月%d日 %H:%M").to_string(),
            state => r.state_label(),
            done => !r.state.is_open(),
            outcome => r.outcome.map(|o| o.label()),
            result => r.result.clone(),
            handled_at => r.handled_at.map(|t| crate::domain::text::to_cst(t).format("%Y年%m月%d日").to_string()),
            due => crate::domain::text::to_cst(r.due_at).format("%Y年%m月%d日").to_string(),
            days_left => r.days_left(now),
        }
    });
    render(
        state,
        sites,
        site,
        status,
        "portal/jubao_lookup.html",
        "举报查询",
        minijinja::context! {
            no, new, error, report => view,
            action => urls.link("jubao/chaxun"),
            form_url => urls.link("jubao/"),
        },
    )
    .await
}

/// A one-way digest of the client's address: the limit counts by it, and
/// the address itself is never stored.
pub(super) fn who(secret: &str, addr: &str) -> String {
    let h = sha2::Sha256::digest(format!("{secret}|{addr}").as_bytes());
    hex::encode(&h[..16])
}

/// `POST /jubao/` (multipart: the words, the challenge, up to three
/// screenshots).
pub async fn post_report(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut shots: Vec<bytes::Bytes> = Vec::new();
    let mut too_many_shots = false;
    // a body past the limit is 413 with words; one cut off is 400
    let refused = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge(format!(
                "提交的内容太大:截图最多 {} 张,每张不超过 5 MB",
                report::MAX_SHOTS
            ))
        } else {
            AppError::BadRequest("举报表单没有完整提交,请返回重新提交".into())
        }
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(refused(e)),
        };
        let name = field.name().unwrap_or("").to_string();
        let is_file = field.file_name().is_some();
        let data = field.bytes().await.map_err(refused)?;
        if name == "shots" && is_file {
            if data.is_empty() {
                continue;
            }
            if shots.len() == report::MAX_SHOTS {
                too_many_shots = true;
                continue;
            }
            shots.push(data);
        } else if data.len() <= 64 * 1024 {
            fields.push((name, String::from_utf8_lossy(&data).into_owned()));
        } else {
            return Err(AppError::TooLarge("举报说明太长".into()));
        }
    }
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map_or("", |(_, v)| v.as_str())
    };
    let sites = sites(&state).await?;
    let site = sites
        .iter()
        .find(|s| s.id == get("site"))
        .or_else(|| sites.iter().find(|s| s.is_main()))
        .ok_or_else(|| AppError::NotFound("站点不存在".into()))?;
    let entered = Entered {
        category: get("category").to_string(),
        url: get("url").chars().take(1000).collect(),
        description: get("description")
            .chars()
            .take(report::MAX_DESCRIPTION + 100)
            .collect(),
        contact: get("contact").chars().take(100).collect(),
    };
    let again = |status: StatusCode, msg: String| {
        let (state, sites, site, entered) = (&state, &sites, site, &entered);
        async move { form(state, sites, site, status, entered, &msg).await }
    };
    let now = state.now();
    let secret = state.report_secret().await?.to_string();
    let limits = crate::db::Limits {
        window_secs: crate::config::REPORT_WINDOW_SECS,
        per_address: state.config.reports.per_address,
        global: state.config.reports.global,
    };
    match state
        .store
        .report_attempt(&who(&secret, &addr), limits, now)
        .await?
    {
        Attempt::Allowed => {}
        limited => {
            let f = chrome::chrome(
                &sites,
                site,
                &crate::domain::ChannelTree::new(Vec::new()),
                None,
                &state.config.public_url,
                state.config.scheme(),
            )
            .footer;
            let phone = if f.report_phone.is_empty() {
                String::new()
            } else {
                format!(";情况紧急请拨打举报电话 {}", f.report_phone)
            };
            let msg = if limited == Attempt::AddressLimited {
                format!(
                    "提交过于频繁:同一网络一小时内最多提交 {} 次举报,请稍后再试{phone}",
                    limits.per_address
                )
            } else {
                format!("举报提交的人数过多,请稍后再试{phone}")
            };
            let mut resp = again(StatusCode::TOO_MANY_REQUESTS, msg).await?;
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("600"));
            return Ok(resp);
        }
    }
    // a field people do not see: whoever fills it is a program
    if !get("website").trim().is_empty() {
        return again(
            StatusCode::BAD_REQUEST,
            "提交未通过检查:请不要填写标有“请勿填写”的栏目,然后重新提交".into(),
        )
        .await;
    }
    let nonce = match report::verify(secret.as_bytes(), get("token"), get("answer"), now) {
        Ok(n) => n,
        Err(msg) => return again(StatusCode::BAD_REQUEST, msg).await,
    };
    if too_many_shots {
        return again(
            StatusCode::BAD_REQUEST,
            format!("截图最多 {} 张,请删去多余的再提交", report::MAX_SHOTS),
        )
        .await;
    }
    let mut hosts: Vec<String> = vec![];
    if let Some(h) = state
        .config
        .public_url
        .split("://")
        .nth(1)
        .map(|r| r.split(['/', ':']).next().unwrap_or(""))
    {
        hosts.push(h.to_ascii_lowercase());
    }
    hosts.extend(sites.iter().filter_map(|s| s.host.clone()));
    let host_refs: Vec<&str> = hosts.iter().map(String::as_str).collect();
    let filed = match report::check(
        &entered.category,
        &entered.url,
        get("description"),
        &entered.contact,
        &host_refs,
    ) {
        Ok(f) => f,
        Err(msg) => return again(StatusCode::BAD_REQUEST, msg).await,
    };
    let cfg = state.config.reports;
    // screenshots as kept: re-encoded (no EXIF, no GPS, a sane size),
    // within the report's and the portal's hourly storage budget
    let mut prepared = Vec::new();
    for (i, bytes) in shots.into_iter().enumerate() {
        match crate::media::prepare_screenshot(&state.work.decode, bytes, now).await {
            Ok(p) => prepared.push(p),
            Err(e) => {
                return again(
                    StatusCode::BAD_REQUEST,
                    format!("第 {} 张截图未能接收:{e}", i + 1),
                )
                .await;
            }
        }
    }
    let shot_bytes: i64 = prepared.iter().map(|(_, b)| b.len() as i64).sum();
    if shot_bytes > report::MAX_SHOT_BYTES {
        return again(
            StatusCode::PAYLOAD_TOO_LARGE,
            "截图合计太大:请少附几张,或截取需要说明的部分后再提交".into(),
        )
        .await;
    }
    if shot_bytes > 0 {
        let used = state
            .store
            .shot_bytes_since(now - crate::config::REPORT_WINDOW_SECS)
            .await?;
        if used + shot_bytes > cfg.shots_hourly_bytes {
            tracing::warn!(
                used,
                shot_bytes,
                "the hourly budget of 举报 screenshots is spent"
            );
            return again(
                StatusCode::TOO_MANY_REQUESTS,
                "这一小时收到的举报截图已达存储上限:请先不附截图提交(在描述中写明看到的内容),或一小时后再附截图提交".into(),
            )
            .await;
        }
    }
    let mut keys = Vec::new();
    for (key, jpeg) in prepared {
        match state.media.put(&key, jpeg, "image/jpeg").await {
            Ok(()) => keys.push(key),
            Err(e) => return Err(e.into()),
        }
    }
    // the story the URL names, if it is one of this site's
    let article_id = match report::site_relative(&filed.url, &site.prefix) {
        Some(rel) => match crate::domain::url::route(rel) {
            crate::domain::url::Route::Story { id } => state
                .store
                .article(id)
                .await?
                .filter(|a| a.site_id == site.id)
                .map(|a| a.id),
            _ => None,
        },
        None => None,
    };
    let receipt = report::receipt(now, &crate::token::random_bytes::<8>());
    let new = NewReport {
        receipt,
        site_id: site.id.clone(),
        filed,
        article_id,
        shots: keys,
        shot_bytes,
        nonce,
        due_at: now + cfg.days * 86_400,
        contact_until: now + cfg.contact_days * 86_400,
    };
    match state.store.file_report(&new, now).await? {
        Filing::Filed(r) => {
            tracing::info!(receipt = %r.receipt, site = %r.site_id, category = r.category.as_str(), "report filed");
            let urls = SiteUrls::new(site, &state.config.public_url, state.config.scheme());
            Ok(Redirect::to(&format!(
                "{}?no={}&new=1",
                urls.link("jubao/chaxun"),
                r.receipt
            ))
            .into_response())
        }
        Filing::Replayed => {
            again(
                StatusCode::CONFLICT,
                "这道验证题已经用过了(举报可能已经提交)。如需再次举报,请回答新的验证题".into(),
            )
            .await
        }
    }
}
