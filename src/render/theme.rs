//! Templates and assets: built into the binary, overridable by a theme directory.
//!
//! A theme directory holds `templates/NAME` and `static/NAME` files; any file
//! found there replaces the built-in one of the same name.

use std::path::{Path, PathBuf};

use minijinja::Environment;

/// Built-in templates, embedded at compile time.
const TEMPLATES: &[(&str, &str)] = &[
    (
        "admin/base.html",
        include_str!("../../templates/admin/base.html"),
    ),
    (
        "admin/macros.html",
        include_str!("../../templates/admin/macros.html"),
    ),
    (
        "admin/login.html",
        include_str!("../../templates/admin/login.html"),
    ),
    (
        "admin/password.html",
        include_str!("../../templates/admin/password.html"),
    ),
    (
        "admin/dashboard.html",
        include_str!("../../templates/admin/dashboard.html"),
    ),
    (
        "admin/stories.html",
        include_str!("../../templates/admin/stories.html"),
    ),
    (
        "admin/edit.html",
        include_str!("../../templates/admin/edit.html"),
    ),
    (
        "admin/review_view.html",
        include_str!("../../templates/admin/review_view.html"),
    ),
    (
        "admin/videos.html",
        include_str!("../../templates/admin/videos.html"),
    ),
    (
        "admin/deputies.html",
        include_str!("../../templates/admin/deputies.html"),
    ),
    (
        "admin/kinds/gallery.html",
        include_str!("../../templates/admin/kinds/gallery.html"),
    ),
    (
        "admin/kinds/live.html",
        include_str!("../../templates/admin/kinds/live.html"),
    ),
    (
        "admin/kinds/page.html",
        include_str!("../../templates/admin/kinds/page.html"),
    ),
    (
        "admin/kinds/video.html",
        include_str!("../../templates/admin/kinds/video.html"),
    ),
    (
        "admin/diff.html",
        include_str!("../../templates/admin/diff.html"),
    ),
    (
        "admin/audit.html",
        include_str!("../../templates/admin/audit.html"),
    ),
    (
        "admin/stats.html",
        include_str!("../../templates/admin/stats.html"),
    ),
    (
        "admin/slots.html",
        include_str!("../../templates/admin/slots.html"),
    ),
    (
        "admin/slot.html",
        include_str!("../../templates/admin/slot.html"),
    ),
    (
        "admin/live.html",
        include_str!("../../templates/admin/live.html"),
    ),
    (
        "admin/reports.html",
        include_str!("../../templates/admin/reports.html"),
    ),
    (
        "admin/report.html",
        include_str!("../../templates/admin/report.html"),
    ),
    (
        "admin/words.html",
        include_str!("../../templates/admin/words.html"),
    ),
    (
        "admin/users.html",
        include_str!("../../templates/admin/users.html"),
    ),
    (
        "admin/channels.html",
        include_str!("../../templates/admin/channels.html"),
    ),
    (
        "admin/site.html",
        include_str!("../../templates/admin/site.html"),
    ),
    (
        "admin/images.html",
        include_str!("../../templates/admin/images.html"),
    ),
    (
        "admin/image.html",
        include_str!("../../templates/admin/image.html"),
    ),
    ("base.html", include_str!("../../templates/base.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("error.html", include_str!("../../templates/error.html")),
    (
        "portal/article.html",
        include_str!("../../templates/portal/article.html"),
    ),
    (
        "portal/more_blocks.html",
        include_str!("../../templates/portal/more_blocks.html"),
    ),
    (
        "portal/home.html",
        include_str!("../../templates/portal/home.html"),
    ),
    (
        "portal/channel.html",
        include_str!("../../templates/portal/channel.html"),
    ),
    (
        "portal/search.html",
        include_str!("../../templates/portal/search.html"),
    ),
    (
        "portal/gallery.html",
        include_str!("../../templates/portal/gallery.html"),
    ),
    (
        "portal/video.html",
        include_str!("../../templates/portal/video.html"),
    ),
    (
        "portal/page.html",
        include_str!("../../templates/portal/page.html"),
    ),
    (
        "portal/jubao.html",
        include_str!("../../templates/portal/jubao.html"),
    ),
    (
        "portal/jubao_lookup.html",
        include_str!("../../templates/portal/jubao_lookup.html"),
    ),
    (
        "portal/live.html",
        include_str!("../../templates/portal/live.html"),
    ),
    (
        "portal/live_entry.html",
        include_str!("../../templates/portal/live_entry.html"),
    ),
];

/// Built-in static assets, served under `/static/`.
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "admin.css",
        "text/css; charset=utf-8",
        include_str!("../../static/css/admin.css"),
    ),
    (
        "editor.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/js/editor.js"),
    ),
    (
        "pictures.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/js/pictures.js"),
    ),
    (
        "tus.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/js/tus.js"),
    ),
    (
        "live_desk.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/js/live_desk.js"),
    ),
    (
        "video.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/js/video.js"),
    ),
    (
        "library.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/js/library.js"),
    ),
    (
        "slots.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/js/slots.js"),
    ),
    (
        "portal.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/js/portal.js"),
    ),
    (
        "reader.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/js/reader.js"),
    ),
    (
        "live.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/js/live.js"),
    ),
    (
        "player.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/js/player.js"),
    ),
    // hls.js 1.7.4 (Apache-2.0, static/vendor/hls.js-LICENSE.txt), the
    // light build: HLS where the browser has no player of its own
    (
        "hls.light.min.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/vendor/hls.light.min.js"),
    ),
    // the icon of a site that set none, and of the newsroom
    (
        "favicon.svg",
        "image/svg+xml",
        include_str!("../../static/favicon.svg"),
    ),
    (
        "gazette.css",
        "text/css; charset=utf-8",
        include_str!("../../static/css/gazette.css"),
    ),
];

/// Build the template environment for a theme directory (or none).
pub fn environment(theme_dir: Option<&Path>) -> Environment<'static> {
    let mut env = Environment::new();
    let theme_templates: Option<PathBuf> = theme_dir.map(|d| d.join("templates"));
    env.set_loader(move |name| {
        if let Some(dir) = &theme_templates {
            if let Some(text) = read_theme_file(dir, name)? {
                return Ok(Some(text));
            }
        }
        Ok(TEMPLATES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| (*t).to_string()))
    });
    env.set_formatter(html_formatter);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env
}

/// Escape like `minijinja`'s default, but leave `/` alone: URLs stay readable
/// and pages smaller, and `/` is harmless in HTML text and quoted attributes.
/// `none` prints nothing.
fn html_formatter(
    out: &mut minijinja::Output<'_>,
    state: &minijinja::State<'_, '_>,
    value: &minijinja::Value,
) -> Result<(), minijinja::Error> {
    // an absent value is an empty field, never the text "none" (which a
    // saved form would then store, e.g. as a site's host name)
    if value.is_none() {
        return Ok(());
    }
    if matches!(state.auto_escape(), minijinja::AutoEscape::Html) && !value.is_safe() {
        if let Some(s) = value.as_str() {
            return crate::domain::html::escape_into(out, s).map_err(minijinja::Error::from);
        }
    }
    minijinja::escape_formatter(out, state, value)
}

fn read_theme_file(dir: &Path, name: &str) -> Result<Option<String>, minijinja::Error> {
    if name.split('/').any(|seg| seg.is_empty() || seg == "..") {
        return Ok(None);
    }
    match std::fs::read_to_string(dir.join(name)) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!("cannot read theme template {name}: {e}"),
        )),
    }
}

/// A static asset: content type and bytes.
#[derive(Debug, Clone)]
pub struct Asset {
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

/// Look up an asset by name, the theme's copy first.
pub fn asset(theme_dir: Option<&Path>, name: &str) -> Option<Asset> {
    let builtin = ASSETS.iter().find(|(n, _, _)| *n == name)?;
    if let Some(dir) = theme_dir {
        if !name.contains("..") {
            if let Ok(body) = std::fs::read(dir.join("static").join(name)) {
                return Some(Asset {
                    content_type: builtin.1,
                    body,
                });
            }
        }
    }
    Some(Asset {
        content_type: builtin.1,
        body: builtin.2.as_bytes().to_vec(),
    })
}

/// Names of every built-in asset (for the static export).
pub fn asset_names() -> impl Iterator<Item = &'static str> {
    ASSETS.iter().map(|(n, _, _)| *n)
}
