//! 报料 for readers: the form (`{prefix}baoliao/`), filing it (`POST
//! /baoliao/`, no JavaScript and no account needed) and the lookup by its
//! number (`{prefix}baoliao/chaxun?no=`). The 举报 form's machinery: the
//! signed arithmetic challenge (one tip per challenge), the honeypot, the
//! per-address and portal-wide hourly limits every node shares (counted
//! apart from 举报), a receipt number. The contact is seen only by the
//! desk; the tip, its record row and its retention job (`RETENTION_DAYS`)
//! commit together.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::reports::{render, sites, who};
use crate::db::{Attempt, ReaderTip, TipFiling};
use crate::domain::Site;
use crate::domain::planning::tip::{
    MAX_BODY_CHARS, RECEIPT_PREFIX, RETENTION_DAYS, TipKind, TipState, check_tip,
};
use crate::domain::report;
use crate::render::chrome::{self, SiteUrls};
use crate::state::AppState;
use crate::web::client::ClientAddr;
use crate::web::error::AppError;

#[derive(Debug, Default, Clone, serde::Serialize)]
struct Entered {
    title: String,
    body: String,
    place: String,
    contact: String,
}

/// `GET {prefix}baoliao/` and `{prefix}baoliao/chaxun`: `None` for other paths.
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
        "baoliao/" => Ok(Some(
            form(state, &sites, site, StatusCode::OK, &Entered::default(), "").await?,
        )),
        "baoliao/chaxun" => Ok(Some(
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
    render(
        state,
        sites,
        site,
        status,
        "portal/baoliao.html",
        "新闻报料",
        minijinja::context! {
            site_id => site.id.clone(),
            action => "/baoliao/",
            lookup_url => urls.link("baoliao/chaxun"),
            entered,
            error,
            question => c.question,
            token => c.token,
            days => RETENTION_DAYS,
            per_hour => state.config.reports.per_address,
            max_chars => MAX_BODY_CHARS,
            privacy_url => urls.link("privacy/"),
            jubao_url => urls.link("jubao/"),
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
    } else if !report::valid_number(RECEIPT_PREFIX, &no) {
        (
            None,
            "报料编号格式不对:应为 BL 开头的 20 位编号".to_string(),
            StatusCode::BAD_REQUEST,
        )
    } else {
        match state.store.tip_by_receipt(&no).await? {
            Some(t) => (Some(t), String::new(), StatusCode::OK),
            None => (
                None,
                format!(
                    "没有找到编号为 {no} 的报料(可能已超过 {RETENTION_DAYS} 天的保存期限),请核对后重新输入"
                ),
                StatusCode::NOT_FOUND,
            ),
        }
    };
    let urls = SiteUrls::new(site, &state.config.public_url, state.config.scheme());
    // a reader sees what became of the tip, never the desk's reasons
    let view = found.map(|t| {
        minijinja::context! {
            receipt => t.receipt,
            title => t.title,
            at => crate::domain::text::to_cst(t.created_at).format("%Y年%m月%d日 %H:%M").to_string(),
            state => match t.state {
                TipState::New => "已收到,编辑部正在核实",
                TipState::Planned => "已采用,记者将跟进报道",
                TipState::Dismissed => "已阅,暂不安排报道",
            },
        }
    });
    render(
        state,
        sites,
        site,
        status,
        "portal/baoliao_lookup.html",
        "报料查询",
        minijinja::context! {
            no, new, error, tip => view,
            action => urls.link("baoliao/chaxun"),
            form_url => urls.link("baoliao/"),
            days => RETENTION_DAYS,
        },
    )
    .await
}

/// `POST /baoliao/` (a plain urlencoded form).
pub async fn post_tip(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
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
        title: get("title").chars().take(100).collect(),
        body: get("body").chars().take(MAX_BODY_CHARS + 100).collect(),
        place: get("place").chars().take(150).collect(),
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
    // counted apart from 举报: a busy 报料 hour never blocks a report
    let bucket = format!("bl:{}", who(&secret, &addr));
    match state.store.report_attempt(&bucket, limits, now).await? {
        Attempt::Allowed => {}
        limited => {
            let msg = if limited == Attempt::AddressLimited {
                format!(
                    "提交过于频繁:同一网络一小时内最多提交 {} 次报料,请稍后再试",
                    limits.per_address
                )
            } else {
                "报料提交的人数过多,请稍后再试".to_string()
            };
            let mut resp = again(StatusCode::TOO_MANY_REQUESTS, msg).await?;
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("600"));
            return Ok(resp);
        }
    }
    if !get("website").trim().is_empty() {
        return again(
            StatusCode::BAD_REQUEST,
            "提交未通过检查:请不要填写标有“请勿填写”的栏目,然后重新提交".into(),
        )
        .await;
    }
    let nonce = match report::verify(secret.as_bytes(), get("token"), get("answer"), now) {
        Ok(n) => n,
        Err(msg) => {
            return again(StatusCode::BAD_REQUEST, msg.replace("举报", "报料")).await;
        }
    };
    let input = match check_tip(
        TipKind::Reader,
        &entered.title,
        get("body"),
        &entered.place,
        None,
        &entered.contact,
    ) {
        Ok(i) => i,
        Err(msg) => return again(StatusCode::BAD_REQUEST, msg).await,
    };
    let receipt = report::numbered(RECEIPT_PREFIX, now, &crate::token::random_bytes::<8>());
    let tip = ReaderTip {
        site_id: site.id.clone(),
        input,
        receipt,
        nonce,
        keep_until: now + RETENTION_DAYS * 86_400,
    };
    match state.store.file_tip(&tip, now).await? {
        TipFiling::Filed(t) => {
            crate::follow::after_write(&state).await;
            tracing::info!(tip = t.id, site = %t.site_id, "reader tip filed");
            let urls = SiteUrls::new(site, &state.config.public_url, state.config.scheme());
            Ok(Redirect::to(&format!(
                "{}?no={}&new=1",
                urls.link("baoliao/chaxun"),
                t.receipt.unwrap_or_default()
            ))
            .into_response())
        }
        TipFiling::Replayed => {
            again(
                StatusCode::CONFLICT,
                "这道验证题已经用过了(报料可能已经提交)。如需再次报料,请回答新的验证题".into(),
            )
            .await
        }
    }
}
