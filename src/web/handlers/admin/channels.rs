//! Administration: channels and each site's settings (footer facts, host name).

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::{SignedForm, render, require_admin};
use super::{changes, note};
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;

pub async fn get_channels(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<super::Done>,
) -> Result<Response, AppError> {
    require_admin(&session)?;
    let mut groups = Vec::new();
    for site in state.store.sites().await? {
        let tree = crate::domain::ChannelTree::new(state.store.channels(&site.id).await?);
        let channels: Vec<_> = tree.iter().cloned().collect();
        groups.push(minijinja::context! { site_id => site.id, site_name => site.name, channels });
    }
    Ok(render(
        &state,
        Some(&session),
        "admin/channels.html",
        minijinja::context! { title => "栏目", groups, flash => q.flash() },
    )?
    .into_response())
}

pub async fn post_channels(
    State(state): State<AppState>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    super::require_admin(&session)?;
    let site = f.get("site");
    if !state.store.sites().await?.iter().any(|s| s.id == site) {
        return Err(AppError::BadRequest("站点不存在".into()));
    }
    let path = f.get("path").trim().trim_matches('/');
    let name = f.get("name").trim();
    if name.is_empty() || name.chars().count() > 50 {
        return Err(AppError::BadRequest("栏目名称须为 1 到 50 个字".into()));
    }
    if let Some(parent) = crate::domain::channel::parent_of(path) {
        if !state
            .store
            .channels(site)
            .await?
            .iter()
            .any(|c| c.path == parent)
        {
            return Err(AppError::BadRequest(format!(
                "上级栏目“{parent}”不存在,请先创建它"
            )));
        }
    }
    state.store.ensure_channel(site, path, name, 100).await?;
    note(
        &state,
        &session,
        "channel_create",
        format!("channel:{site}/{path}"),
        name.to_string(),
        format!("站点 {site},路径 {path}"),
    )
    .await?;
    Ok(Redirect::to("/admin/channels?done=channel_created").into_response())
}

pub async fn post_channel(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    super::require_admin(&session)?;
    let mut channel = None;
    for site in state.store.sites().await? {
        if let Some(c) = state
            .store
            .channels(&site.id)
            .await?
            .into_iter()
            .find(|c| c.id == id)
        {
            channel = Some(c);
        }
    }
    let mut c = channel.ok_or_else(|| AppError::NotFound(format!("栏目 {id} 不存在")))?;
    let old = c.clone();
    let num = |k: &str, what: &str| {
        f.get(k)
            .trim()
            .parse::<i64>()
            .map_err(|_| AppError::BadRequest(format!("{what}须为数字")))
    };
    c.name = f.get("name").trim().to_string();
    c.sort = num("sort", "排序")?;
    c.page_size = num("page_size", "每页条数")?;
    c.review_levels = num("review_levels", "审核级数")?;
    c.list_style = crate::domain::channel::ListStyle::parse(f.get("list_style").trim());
    c.feed_summary = f.get("feed") == "summary";
    state.store.update_channel(&c, state.now()).await?;
    crate::follow::after_write(&state).await;
    let detail = changes(&[
        ("名称", old.name.clone(), c.name.clone()),
        ("排序", old.sort.to_string(), c.sort.to_string()),
        (
            "每页条数",
            old.page_size.to_string(),
            c.page_size.to_string(),
        ),
        (
            "审核级数",
            old.review_levels.to_string(),
            c.review_levels.to_string(),
        ),
        (
            "列表方式",
            old.list_style.label().to_string(),
            c.list_style.label().to_string(),
        ),
        (
            "订阅源",
            feed_label(old.feed_summary).to_string(),
            feed_label(c.feed_summary).to_string(),
        ),
    ]);
    note(
        &state,
        &session,
        "channel_update",
        format!("channel:{}/{}", c.site_id, c.path),
        c.name.clone(),
        detail,
    )
    .await?;
    Ok(Redirect::to("/admin/channels?done=channel_saved").into_response())
}

pub async fn get_site(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(q): Query<super::Done>,
) -> Result<Response, AppError> {
    require_admin(&session)?;
    let site = state
        .store
        .sites()
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or_else(|| AppError::NotFound(format!("站点 {id} 不存在")))?;
    let pages: Vec<(String, String)> = state
        .store
        .site_pages(&site.id)
        .await?
        .into_iter()
        .filter(|p| !p.url_path.is_empty())
        .map(|p| (format!("{}{}", site.prefix, p.url_path), p.title))
        .collect();
    let mut links = site.settings.footer_links.clone();
    links.extend((0..3).map(|_| crate::domain::site::Link::default()));
    let ctx = minijinja::context! { title => "站点设置", s => site.settings.clone(), links, pages, site, flash => q.flash() };
    Ok(render(&state, Some(&session), "admin/site.html", ctx)?.into_response())
}

pub async fn post_site(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedForm { session, fields: f }: SignedForm,
) -> Result<Response, AppError> {
    super::require_admin(&session)?;
    let mut site = state
        .store
        .sites()
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or_else(|| AppError::NotFound(format!("站点 {id} 不存在")))?;
    let old = site.clone();
    let field = |k: &str, max: usize| -> Result<String, AppError> {
        let v = f.get(k).trim();
        if v.chars().count() > max {
            return Err(AppError::BadRequest(format!("“{k}”最多 {max} 个字")));
        }
        Ok(v.to_string())
    };
    site.name = field("name", 50)?;
    if site.name.is_empty() {
        return Err(AppError::BadRequest("站点名称不能为空".into()));
    }
    let host = field("host", 253)?.to_ascii_lowercase();
    if !host.is_empty() {
        crate::domain::site::valid_host(&host).map_err(AppError::BadRequest)?;
        let others = state.store.sites().await?;
        if let Some(other) = others
            .iter()
            .find(|o| o.id != site.id && o.host.as_deref() == Some(host.as_str()))
        {
            return Err(AppError::Conflict(format!(
                "独立域名 {host} 已被站点「{}」使用,一个域名只能对应一个站点",
                other.name
            )));
        }
    }
    site.host = (!host.is_empty()).then_some(host);
    let s = &mut site.settings;
    s.description = field("description", 300)?;
    s.address = field("address", 200)?;
    s.organizer = field("organizer", 200)?;
    s.news_filing = field("news_filing", 100)?;
    s.icp = field("icp", 100)?;
    s.police_filing = field("police_filing", 100)?;
    s.news_license = field("news_license", 100)?;
    s.design_credit = field("design_credit", 100)?;
    s.report_phone = field("report_phone", 50)?;
    s.report_email = field("report_email", 100)?;
    s.shares_stories = !f.get("shares_stories").is_empty();
    s.show_empty_blocks = !f.get("show_empty_blocks").is_empty();
    s.footer_links = footer_links(&f)?;
    // the logo and favicon are pictures of this site's library, by number
    for (k, what) in [("logo_image", "站标"), ("favicon_image", "网站图标")] {
        let v = field(k, 20)?;
        let id = match v.as_str() {
            "" => None,
            t => Some(t.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                AppError::BadRequest(format!("{what}的图片编号“{t}”不对,应为图片库里的编号"))
            })?),
        };
        if let Some(id) = id {
            match state.store.picture(id).await? {
                Some(p) if p.site_id == site.id => {}
                Some(_) => {
                    return Err(AppError::BadRequest(format!(
                        "{what}:图片 {id} 属于其他站点的图片库"
                    )));
                }
                None => {
                    return Err(AppError::BadRequest(format!(
                        "{what}:图片库里没有编号为 {id} 的图片"
                    )));
                }
            }
        }
        if k == "logo_image" {
            site.settings.logo_image = id;
        } else {
            site.settings.favicon_image = id;
        }
    }
    state.store.put_site(&site, state.now()).await?;
    crate::follow::after_write(&state).await;
    let (o, n) = (&old.settings, &site.settings);
    let host = |h: &Option<String>| h.clone().unwrap_or_default();
    let detail = changes(&[
        ("站点名称", old.name.clone(), site.name.clone()),
        ("独立域名", host(&old.host), host(&site.host)),
        ("首页描述", o.description.clone(), n.description.clone()),
        ("地址", o.address.clone(), n.address.clone()),
        ("主办", o.organizer.clone(), n.organizer.clone()),
        ("鲁新网备案号", o.news_filing.clone(), n.news_filing.clone()),
        ("ICP 备案号", o.icp.clone(), n.icp.clone()),
        (
            "网安备案号",
            o.police_filing.clone(),
            n.police_filing.clone(),
        ),
        (
            "互联网新闻信息服务许可证",
            o.news_license.clone(),
            n.news_license.clone(),
        ),
        ("视觉设计", o.design_credit.clone(), n.design_credit.clone()),
        ("举报电话", o.report_phone.clone(), n.report_phone.clone()),
        (
            "稿件供其他站点推荐位采用",
            if o.shares_stories { "是" } else { "否" }.to_string(),
            if n.shares_stories { "是" } else { "否" }.to_string(),
        ),
        (
            "首页空栏目显示占位",
            if o.show_empty_blocks { "是" } else { "否" }.to_string(),
            if n.show_empty_blocks { "是" } else { "否" }.to_string(),
        ),
        ("举报邮箱", o.report_email.clone(), n.report_email.clone()),
        (
            "页脚链接",
            link_list(&o.footer_links),
            link_list(&n.footer_links),
        ),
        (
            "站标图片",
            o.logo_image.map(|i| i.to_string()).unwrap_or_default(),
            n.logo_image.map(|i| i.to_string()).unwrap_or_default(),
        ),
        (
            "网站图标图片",
            o.favicon_image.map(|i| i.to_string()).unwrap_or_default(),
            n.favicon_image.map(|i| i.to_string()).unwrap_or_default(),
        ),
    ]);
    note(
        &state,
        &session,
        "site_settings",
        format!("site:{}", site.id),
        site.name.clone(),
        if detail.is_empty() {
            "未改动".into()
        } else {
            detail
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/sites/{id}?done=site_saved")).into_response())
}

/// Links at most in the footer's row.
const MAX_FOOTER_LINKS: usize = 20;

/// The footer's link row from the form: rows of `link_title`, `link_url`
/// and `link_order` (the order number sorts them; a row without a title is
/// dropped). A link is a path of this portal (a 单页 such as `/about/`) or
/// an `http(s)://` address.
fn feed_label(summary_only: bool) -> &'static str {
    if summary_only { "仅摘要" } else { "全文" }
}

fn footer_links(f: &super::Fields) -> Result<Vec<crate::domain::site::Link>, AppError> {
    let titles = f.all("link_title");
    let urls = f.all("link_url");
    let orders = f.all("link_order");
    let mut rows = Vec::new();
    for (i, title) in titles.iter().enumerate() {
        let title = crate::domain::text::clean_line(title.trim());
        let url = crate::domain::text::clean_line(urls.get(i).map_or("", |u| u.trim()));
        if title.is_empty() {
            if !url.is_empty() {
                return Err(AppError::BadRequest(format!(
                    "页脚链接“{url}”缺少显示的文字"
                )));
            }
            continue;
        }
        if title.chars().count() > 20 {
            return Err(AppError::BadRequest(format!(
                "页脚链接“{title}”的文字最多 20 个字"
            )));
        }
        let ok = url.is_empty()
            || (url.starts_with('/') && !url.starts_with("//"))
            || url.starts_with("https://")
            || url.starts_with("http://");
        if !ok || url.len() > 500 || url.chars().any(char::is_whitespace) {
            return Err(AppError::BadRequest(format!(
                "页脚链接“{title}”的地址“{url}”不对:请填写本网页面的路径(如 /about/),或以 http:// 或 https:// 开头的网址"
            )));
        }
        let order: i64 = orders
            .get(i)
            .and_then(|o| o.trim().parse().ok())
            .unwrap_or(i as i64 + 1);
        rows.push((order, i, crate::domain::site::Link { title, url }));
    }
    if rows.len() > MAX_FOOTER_LINKS {
        return Err(AppError::BadRequest(format!(
            "页脚链接最多 {MAX_FOOTER_LINKS} 个"
        )));
    }
    rows.sort_by_key(|(order, i, _)| (*order, *i));
    Ok(rows.into_iter().map(|(_, _, l)| l).collect())
}

/// A link row as the record shows it.
fn link_list(links: &[crate::domain::site::Link]) -> String {
    links
        .iter()
        .map(|l| format!("{}({})", l.title, l.url))
        .collect::<Vec<_>>()
        .join("、")
}
