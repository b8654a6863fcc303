//! The content API's answers (issue 27), rendered like pages: each is a
//! `Page` of JSON with the dependency keys it read, so the render cache
//! keeps it until a change touches one of them and 1,000 apps polling
//! cost one render per change. Reads only `Env`; the web layer checks the
//! key, its scope and its rate before asking (`web::handlers::api`).
//!
//! `stories` (the list and one story), `sites` (sites, channels, 推荐位,
//! 专题, tags and authors), `search`, and `schema`: the answers' types,
//! from which the OpenAPI document is generated.

pub mod schema;
pub mod search;
pub mod sites;
pub mod stories;

use std::collections::BTreeSet;

use serde::Serialize;

use super::Page;
use crate::domain::Site;
use crate::domain::api::{ApiError, Code};

/// The sites a request may read: its key's scope, narrowed by `site=`.
#[derive(Debug, Clone)]
pub struct Scope {
    /// Site ids, never empty.
    pub sites: Vec<String>,
}

impl Scope {
    /// The sites of `all` a key covering `covered` (empty: every site) may
    /// read, narrowed to `asked` when the request names one: an unknown
    /// site is a 404, a site outside the key's scope a 403.
    pub fn resolve(
        all: &[Site],
        covered: &[String],
        asked: Option<&str>,
    ) -> Result<Scope, ApiError> {
        let may = |id: &str| covered.is_empty() || covered.iter().any(|c| c == id);
        match asked {
            Some(id) => {
                if !all.iter().any(|s| s.id == id) {
                    return Err(ApiError::new(
                        Code::NotFound,
                        format!("没有站点 {}:可用的站点见 /api/v1/sites", short(id)),
                    ));
                }
                if !may(id) {
                    return Err(ApiError::new(
                        Code::OutOfScope,
                        format!("这个密钥不能读取站点 {id}:请向管理员申请"),
                    ));
                }
                Ok(Scope {
                    sites: vec![id.to_string()],
                })
            }
            None => Ok(Scope {
                sites: all
                    .iter()
                    .filter(|s| may(&s.id))
                    .map(|s| s.id.clone())
                    .collect(),
            }),
        }
    }

    pub fn covers(&self, site_id: &str) -> bool {
        self.sites.iter().any(|s| s == site_id)
    }

    /// Part of a cache key: answers differ by the sites a key may read.
    pub fn key(&self) -> String {
        self.sites.join(",")
    }
}

fn short(s: &str) -> String {
    s.chars().take(40).collect()
}

/// A JSON answer with the keys it read.
pub fn json<T: Serialize>(status: u16, body: &T, deps: BTreeSet<String>) -> Page {
    let mut page = Page::html(
        status,
        serde_json::to_string(body).unwrap_or_else(|_| "null".into()),
        deps,
    );
    page.content_type = "application/json; charset=utf-8";
    page
}

/// An API error as a page (`{"error": {"code", "message"}}`).
pub fn error(e: &ApiError, deps: BTreeSet<String>) -> Page {
    let mut page = Page::html(e.code.status(), e.body(), deps);
    page.content_type = "application/json; charset=utf-8";
    page
}

/// `text` with its site-relative URLs made absolute under `origin`: a
/// value that is a path (`/media/…`), each entry of a `srcset`
/// (`/media/a.webp 320w, /media/b.webp 640w`), and `src`/`href`/`poster`
/// attributes inside HTML. Written here because the page's own views name
/// paths (a page and its files share a host) and an app needs URLs.
pub fn absolute(text: &str, origin: &str) -> String {
    if text.starts_with('<') || text.contains("=\"/") {
        let mut out = text.to_string();
        for attr in ["src", "href", "poster", "srcset", "data-full"] {
            let from = format!("{attr}=\"/");
            let to = format!("{attr}=\"{origin}/");
            // a scheme-relative `//host/…` stays as it is
            out = out
                .replace(&format!("{attr}=\"//"), &format!("{attr}=\"\u{1}"))
                .replace(&from, &to)
                .replace(&format!("{attr}=\"\u{1}"), &format!("{attr}=\"//"));
        }
        // the other entries of a srcset inside HTML
        return out.replace(", /media/", &format!(", {origin}/media/"));
    }
    text.split(", ")
        .map(|part| {
            if part.starts_with('/') && !part.starts_with("//") {
                format!("{origin}{part}")
            } else {
                part.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `absolute` over every string of a JSON value.
pub fn absolute_json(v: &mut serde_json::Value, origin: &str) {
    match v {
        serde_json::Value::String(s) => *s = absolute(s, origin),
        serde_json::Value::Array(items) => items.iter_mut().for_each(|i| absolute_json(i, origin)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|i| absolute_json(i, origin)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_urls_and_words_stay_words() {
        let o = "https://www.bzcm.net";
        assert_eq!(
            absolute("/media/a.jpg", o),
            "https://www.bzcm.net/media/a.jpg"
        );
        assert_eq!(
            absolute("/media/a.webp 320w, /media/b.webp 640w", o),
            "https://www.bzcm.net/media/a.webp 320w, https://www.bzcm.net/media/b.webp 640w"
        );
        assert_eq!(absolute("黄河, 大集", o), "黄河, 大集");
        assert_eq!(absolute("//cdn.example/a.jpg", o), "//cdn.example/a.jpg");
        assert_eq!(
            absolute(
                "<p><img src=\"/media/a.jpg\" alt=\"x\"><a href=\"//b.cn/\">b</a></p>",
                o
            ),
            "<p><img src=\"https://www.bzcm.net/media/a.jpg\" alt=\"x\"><a href=\"//b.cn/\">b</a></p>"
        );
    }

    #[test]
    fn a_scope_is_the_keys_sites_narrowed_by_the_request() {
        let site = |id: &str| Site {
            id: id.into(),
            name: id.into(),
            prefix: format!("/{id}/"),
            host: None,
            sort: 0,
            settings: Default::default(),
        };
        let all = [site("main"), site("zouping")];
        assert_eq!(
            Scope::resolve(&all, &[], None).unwrap().sites,
            ["main", "zouping"]
        );
        let county = ["zouping".to_string()];
        assert_eq!(
            Scope::resolve(&all, &county, None).unwrap().sites,
            ["zouping"]
        );
        assert_eq!(
            Scope::resolve(&all, &county, Some("main"))
                .unwrap_err()
                .code,
            Code::OutOfScope
        );
        assert_eq!(
            Scope::resolve(&all, &[], Some("nope")).unwrap_err().code,
            Code::NotFound
        );
    }
}
