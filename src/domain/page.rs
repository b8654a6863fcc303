//! Site pages (单页): 关于我们, 广告服务, 联系我们, 服务条款, 隐私保护,
//! 法律声明. A page is a story of kind `Kind::Page`: written with the same
//! editor, reviewed and signed off like a story (it is a public statement of
//! the organisation), but it sits at `{prefix}{slug}/` instead of under a
//! date, and no channel lists it. No I/O.

use serde::{Deserialize, Serialize};

/// A page's part: the name of its address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PagePart {
    /// `about` for `/about/`: fixed when the page is first signed off.
    pub slug: String,
}

/// Names the portal itself uses at a site's root.
const RESERVED: &[&str] = &[
    "admin", "static", "media", "search", "live", "jubao", "_inc", "index", "rss", "atom",
    "sitemap", "robots", "healthz", "readyz", "metrics", "uploads", "zt", "tag", "author",
];

/// Check a page's address name: 1-40 lowercase letters, digits and inner
/// hyphens, not a name the portal uses. The error says what to write.
pub fn valid_slug(slug: &str) -> Result<(), String> {
    let ok = (1..=40).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if !ok {
        return Err(format!(
            "单页网址“{slug}”不对:请用 1 到 40 个小写英文字母、数字或连字符,如 about、privacy"
        ));
    }
    if RESERVED.contains(&slug) {
        return Err(format!("单页网址“{slug}”是网站自用的名称,请换一个"));
    }
    Ok(())
}

/// Site-relative path of a page.
pub fn page_path(slug: &str) -> String {
    format!("{slug}/")
}

/// The slug a site-relative path names, if it has a page's shape
/// (`about/`); whether such a page exists is for the store to say.
pub fn slug_of(rel: &str) -> Option<&str> {
    let slug = rel.strip_suffix('/')?;
    valid_slug(slug).ok()?;
    Some(slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        for ok in ["about", "privacy", "ad-service", "terms2"] {
            assert_eq!(valid_slug(ok), Ok(()), "{ok}");
            assert_eq!(slug_of(&page_path(ok)), Some(ok));
        }
        for bad in [
            "",
            "About",
            "关于",
            "a/b",
            "-x",
            "x-",
            "admin",
            "jubao",
            &"x".repeat(41),
        ] {
            assert!(valid_slug(bad).is_err(), "{bad}");
        }
        assert_eq!(slug_of("zw/yw/"), None);
        assert_eq!(slug_of("about"), None);
    }
}
