//! Templates and assets: built into the binary, overridable by a theme directory.
//!
//! A theme directory holds `templates/NAME` and `static/NAME` files; any file
//! found there replaces the built-in one of the same name.

use std::path::{Path, PathBuf};

use minijinja::Environment;

/// Built-in templates, embedded at compile time.
const TEMPLATES: &[(&str, &str)] = &[
    (
        "admin/api_keys.html",
        include_str!("../../templates/admin/api_keys.html"),
    ),
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
        "admin/kinds/topic.html",
        include_str!("../../templates/admin/kinds/topic.html"),
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
        "admin/assignments.html",
        include_str!("../../templates/admin/assignments.html"),
    ),
    (
        "admin/board.html",
        include_str!("../../templates/admin/board.html"),
    ),
    (
        "admin/board_body.html",
        include_str!("../../templates/admin/board_body.html"),
    ),
    (
        "admin/budget.html",
        include_str!("../../templates/admin/budget.html"),
    ),
    (
        "admin/budget_print.html",
        include_str!("../../templates/admin/budget_print.html"),
    ),
    (
        "admin/hooks.html",
        include_str!("../../templates/admin/hooks.html"),
    ),
    (
        "admin/pitches.html",
        include_str!("../../templates/admin/pitches.html"),
    ),
    (
        "admin/plan.html",
        include_str!("../../templates/admin/plan.html"),
    ),
    (
        "admin/plan_form.html",
        include_str!("../../templates/admin/plan_form.html"),
    ),
    (
        "admin/plan_new.html",
        include_str!("../../templates/admin/plan_new.html"),
    ),
    (
        "admin/roster.html",
        include_str!("../../templates/admin/roster.html"),
    ),
    (
        "admin/tip.html",
        include_str!("../../templates/admin/tip.html"),
    ),
    (
        "admin/tips.html",
        include_str!("../../templates/admin/tips.html"),
    ),
    (
        "portal/baoliao.html",
        include_str!("../../templates/portal/baoliao.html"),
    ),
    (
        "portal/baoliao_lookup.html",
        include_str!("../../templates/portal/baoliao_lookup.html"),
    ),
    (
        "admin/rankings.html",
        include_str!("../../templates/admin/rankings.html"),
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
        "portal/topic.html",
        include_str!("../../templates/portal/topic.html"),
    ),
    (
        "portal/rank.html",
        include_str!("../../templates/portal/rank.html"),
    ),
    (
        "portal/rank_rule.html",
        include_str!("../../templates/portal/rank_rule.html"),
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
    (
        "api/docs.html",
        include_str!("../../templates/api/docs.html"),
    ),
];

/// Built-in static assets, served under `/static/`.
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "api-docs.css",
        "text/css; charset=utf-8",
        include_str!("../../static/css/api-docs.css"),
    ),
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
        "board.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/js/board.js"),
    ),
    (
        "budget.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/js/budget.js"),
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
    // qrcode-generator 1.4.4 (MIT, static/vendor/qrcode-LICENSE.txt): the
    // share panel's 微信 QR code, drawn in the reader's browser
    (
        "qrcode.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/vendor/qrcode.js"),
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

/// Build the template environment for a theme directory (or none);
/// `asset("gazette.css")` in a template is the asset's fingerprinted URL.
pub fn environment(
    theme_dir: Option<&Path>,
    assets: std::sync::Arc<Assets>,
) -> Environment<'static> {
    let mut env = Environment::new();
    env.add_function("asset", move |name: &str| {
        format!("/static/{}", assets.fingerprinted(name))
    });
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

/// A static asset: its bytes, their fingerprint, and the bytes compressed
/// (each encoding made once, on first use).
#[derive(Debug)]
pub struct Asset {
    pub content_type: &'static str,
    pub body: bytes::Bytes,
    /// The first 10 hex digits of the SHA-256 of `body`: the part of its
    /// fingerprinted name that changes when it changes.
    pub hash: String,
    gzip: std::sync::OnceLock<bytes::Bytes>,
    brotli: std::sync::OnceLock<bytes::Bytes>,
}

impl Asset {
    fn new(content_type: &'static str, body: Vec<u8>) -> Self {
        use sha2::Digest as _;
        let hash = hex::encode(&sha2::Sha256::digest(&body)[..5]);
        Self {
            content_type,
            body: body.into(),
            hash,
            gzip: std::sync::OnceLock::new(),
            brotli: std::sync::OnceLock::new(),
        }
    }

    /// The body gzip-compressed (level 9: made once, served for a year).
    pub fn gzip(&self) -> bytes::Bytes {
        self.gzip
            .get_or_init(|| {
                use std::io::Write as _;
                let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
                let _ = gz.write_all(&self.body);
                gz.finish().unwrap_or_default().into()
            })
            .clone()
    }

    /// The body brotli-compressed (quality 11).
    pub fn brotli(&self) -> bytes::Bytes {
        self.brotli
            .get_or_init(|| {
                use std::io::Write as _;
                let mut out = Vec::new();
                {
                    let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
                    let _ = w.write_all(&self.body);
                }
                out.into()
            })
            .clone()
    }

    /// Whether the body is text worth compressing (not already compressed).
    pub fn compressible(&self) -> bool {
        self.content_type.starts_with("text/") || self.content_type.starts_with("image/svg")
    }
}

/// The theme's assets, read once when the server starts (a theme's copy
/// first), each with its fingerprinted name (`gazette.3f2a1b9c0d.css`),
/// which pages link to and which may be cached for a year.
#[derive(Debug)]
pub struct Assets(std::collections::HashMap<&'static str, std::sync::Arc<Asset>>);

impl Assets {
    pub fn load(theme_dir: Option<&Path>) -> Self {
        let mut map = std::collections::HashMap::new();
        for (name, content_type, builtin) in ASSETS {
            let own = theme_dir
                .filter(|_| !name.contains(".."))
                .and_then(|dir| std::fs::read(dir.join("static").join(name)).ok());
            let body = own.unwrap_or_else(|| builtin.as_bytes().to_vec());
            map.insert(*name, std::sync::Arc::new(Asset::new(content_type, body)));
        }
        Self(map)
    }

    /// The fingerprinted name of asset `name` (`gazette.css` →
    /// `gazette.3f2a1b9c0d.css`); the name itself when there is no such asset.
    pub fn fingerprinted(&self, name: &str) -> String {
        match self.0.get(name) {
            Some(a) => match name.rsplit_once('.') {
                Some((stem, ext)) => format!("{stem}.{}.{ext}", a.hash),
                None => format!("{name}.{}", a.hash),
            },
            None => name.to_string(),
        }
    }

    /// The asset a request names, and whether it named the current
    /// fingerprint (a name that may be cached for good).
    pub fn lookup(&self, requested: &str) -> Option<(std::sync::Arc<Asset>, bool)> {
        if let Some(a) = self.0.get(requested) {
            return Some((a.clone(), false));
        }
        // `stem.HASH.ext`: an older fingerprint still answers, briefly cached
        let (rest, ext) = requested.rsplit_once('.')?;
        let (stem, hash) = rest.rsplit_once('.')?;
        let a = self.0.get(format!("{stem}.{ext}").as_str())?;
        Some((a.clone(), a.hash == hash))
    }

    /// Every asset: its plain name and the asset.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &std::sync::Arc<Asset>)> {
        self.0.iter().map(|(n, a)| (*n, a))
    }
}
