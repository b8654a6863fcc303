//! What every portal page shares: which site a request is for, the site's
//! URLs, the region and channel navigation, and the footer.

use serde::Serialize;

use crate::domain::{Channel, ChannelTree, Link, Site};

/// Resolve the site a request addresses and the path inside it (no leading
/// slash). A host name mapped to a sub-site wins; otherwise the longest path
/// prefix does (the main site's `/` always matches).
pub fn resolve<'a>(
    sites: &'a [Site],
    host: Option<&str>,
    path: &str,
) -> Option<(&'a Site, String)> {
    let path = path.strip_prefix('/').unwrap_or(path);
    if let Some(host) = host.map(normalize_host) {
        if let Some(site) = sites
            .iter()
            .find(|s| s.host.as_deref().map(normalize_host).as_deref() == Some(&host))
        {
            let own = site.prefix.trim_start_matches('/');
            let rel = if !own.is_empty() && path.starts_with(own) {
                &path[own.len()..]
            } else {
                path
            };
            return Some((site, rel.to_string()));
        }
    }
    let site = sites
        .iter()
        .filter(|s| path.starts_with(s.prefix.trim_start_matches('/')))
        .max_by_key(|s| s.prefix.len())?;
    Some((site, path[site.prefix.len() - 1..].to_string()))
}

/// A sub-site prefix asked for without its trailing slash (`/bincheng`).
pub fn prefix_without_slash<'a>(sites: &'a [Site], path: &str) -> Option<&'a Site> {
    sites
        .iter()
        .find(|s| !s.is_main() && s.prefix.trim_end_matches('/') == path)
}

fn normalize_host(h: &str) -> String {
    let h = h.trim().to_ascii_lowercase();
    // strip a port, but keep IPv6 brackets intact
    match h.rfind(':') {
        Some(i) if !h.ends_with(']') && h[i + 1..].bytes().all(|b| b.is_ascii_digit()) => {
            h[..i].to_string()
        }
        _ => h,
    }
}

/// URLs of one site's pages, as links inside pages (absolute paths, or
/// scheme-relative for sites with their own host name).
#[derive(Debug, Clone)]
pub struct SiteUrls {
    root: String,
    canonical_root: String,
    /// `https://www.example.cn`: absolute URLs of host paths (`/media/...`).
    origin: String,
}

impl SiteUrls {
    pub fn new(site: &Site, public_url: &str, scheme: &str) -> Self {
        match &site.host {
            Some(h) => Self {
                root: format!("//{h}/"),
                canonical_root: format!("{scheme}://{h}/"),
                origin: format!("{scheme}://{h}"),
            },
            None => Self {
                root: site.prefix.clone(),
                canonical_root: format!("{public_url}{}", site.prefix),
                origin: public_url.trim_end_matches('/').to_string(),
            },
        }
    }

    /// Link to a site-relative path.
    pub fn link(&self, rel: &str) -> String {
        format!("{}{rel}", self.root)
    }

    /// Absolute canonical URL of a site-relative path.
    pub fn canonical(&self, rel: &str) -> String {
        format!("{}{rel}", self.canonical_root)
    }

    pub fn home(&self) -> &str {
        &self.root
    }

    /// The site's scheme and host (`https://www.example.cn`).
    pub fn origin(&self) -> &str {
        &self.origin
    }
}

#[derive(Debug, Serialize)]
pub struct NavLink {
    pub name: String,
    pub url: String,
    pub current: bool,
}

#[derive(Debug, Serialize)]
pub struct Footer {
    pub site_name: String,
    pub links: Vec<Link>,
    pub address: String,
    pub organizer: String,
    pub news_filing: String,
    pub icp: String,
    pub filing_links: Vec<Link>,
    pub police_filing: String,
    pub news_license: String,
    pub design_credit: String,
    pub report_phone: String,
    pub report_email: String,
    /// The 网安备 number's public record (its code is the number's digits).
    pub police_url: String,
    /// The site's 举报 page.
    pub report_url: String,
    /// The site's 举报 lookup page.
    pub report_lookup_url: String,
    /// The site's 报料 form (readers' news tips).
    pub tip_url: String,
}

/// The public record of a 公安机关 filing number (全国互联网安全管理服务平台).
pub fn police_record_url(number: &str) -> String {
    let code: String = number.chars().filter(char::is_ascii_digit).collect();
    if code.is_empty() {
        String::new()
    } else {
        format!("https://beian.mps.gov.cn/#/query/webSearch?code={code}")
    }
}

#[derive(Debug, Serialize)]
pub struct Chrome {
    pub site_title: String,
    /// The site's own name (邹平), shown beside the city's logo on a county
    /// site without its own.
    pub site_name: String,
    /// On a county site: the city portal, linked from the header.
    pub city: Option<NavLink>,
    pub home_url: String,
    pub region_label: &'static str,
    pub regions: Vec<NavLink>,
    pub channels: Vec<NavLink>,
    pub footer: Footer,
}

/// Everything `base.html` needs for `site`. `current_root` marks the active
/// top-level channel.
pub fn chrome(
    sites: &[Site],
    site: &Site,
    tree: &ChannelTree,
    current_root: Option<&str>,
    public_url: &str,
    scheme: &str,
) -> Chrome {
    let urls = SiteUrls::new(site, public_url, scheme);
    let main = sites.iter().find(|s| s.is_main()).unwrap_or(site);
    let regions = sites
        .iter()
        .filter(|s| !s.is_main())
        .map(|s| NavLink {
            name: s.name.clone(),
            url: SiteUrls::new(s, public_url, scheme).home().to_string(),
            current: s.id == site.id,
        })
        .collect();
    let channels = tree
        .roots()
        .map(|c: &Channel| NavLink {
            name: c.name.clone(),
            url: urls.link(&format!("{}/", c.path)),
            current: current_root == Some(c.path.as_str()),
        })
        .collect();
    Chrome {
        site_title: if site.is_main() {
            site.name.clone()
        } else {
            format!("{}{}", main.name, site.name)
        },
        site_name: site.name.clone(),
        city: (!site.is_main() && main.id != site.id).then(|| NavLink {
            name: main.name.clone(),
            url: SiteUrls::new(main, public_url, scheme).home().to_string(),
            current: false,
        }),
        home_url: urls.home().to_string(),
        region_label: "滨州各地",
        regions,
        channels,
        footer: {
            let mut f = footer(main, site);
            // the main site's links on a host-mapped site would name the
            // site's own host: they are the main site's pages
            if site.host.is_some() && site.settings.footer_links.is_empty() {
                let main_urls = SiteUrls::new(main, public_url, scheme);
                for l in &mut f.links {
                    if let Some(rel) = l.url.strip_prefix('/') {
                        l.url = main_urls.canonical(rel);
                    }
                }
            }
            f.report_url = urls.link("jubao/");
            f.report_lookup_url = urls.link("jubao/chaxun");
            f.tip_url = urls.link("baoliao/");
            f
        },
    }
}

/// The footer of `site`: its own settings, each empty field falling back to the
/// main site's (county sites share the group's licences unless they have their own).
fn footer(main: &Site, site: &Site) -> Footer {
    let own = &site.settings;
    let base = &main.settings;
    let pick = |a: &String, b: &String| {
        if a.trim().is_empty() {
            b.clone()
        } else {
            a.clone()
        }
    };
    let pick_links =
        |a: &Vec<Link>, b: &Vec<Link>| if a.is_empty() { b.clone() } else { a.clone() };
    Footer {
        site_name: main.name.clone(),
        links: pick_links(&own.footer_links, &base.footer_links),
        address: pick(&own.address, &base.address),
        organizer: pick(&own.organizer, &base.organizer),
        news_filing: pick(&own.news_filing, &base.news_filing),
        icp: pick(&own.icp, &base.icp),
        filing_links: pick_links(&own.filing_links, &base.filing_links),
        police_filing: pick(&own.police_filing, &base.police_filing),
        news_license: pick(&own.news_license, &base.news_license),
        design_credit: pick(&own.design_credit, &base.design_credit),
        report_phone: pick(&own.report_phone, &base.report_phone),
        report_email: pick(&own.report_email, &base.report_email),
        police_url: police_record_url(&pick(&own.police_filing, &base.police_filing)),
        report_url: String::new(),
        report_lookup_url: String::new(),
        tip_url: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::SiteSettings;

    fn site(id: &str, prefix: &str, host: Option<&str>) -> Site {
        Site {
            id: id.into(),
            name: id.into(),
            prefix: prefix.into(),
            host: host.map(Into::into),
            sort: 0,
            settings: SiteSettings::default(),
        }
    }

    fn sites() -> Vec<Site> {
        vec![
            site("main", "/", None),
            site("bincheng", "/bincheng/", Some("bincheng.example.cn")),
            site("zouping", "/zouping/", None),
        ]
    }

    #[test]
    fn prefix_routing() {
        let s = sites();
        let (site, rel) = resolve(&s, Some("127.0.0.1:8080"), "/zw/yw/").unwrap();
        assert_eq!((site.id.as_str(), rel.as_str()), ("main", "zw/yw/"));
        let (site, rel) = resolve(&s, None, "/bincheng/zw/").unwrap();
        assert_eq!((site.id.as_str(), rel.as_str()), ("bincheng", "zw/"));
        let (site, rel) = resolve(&s, None, "/zouping/").unwrap();
        assert_eq!((site.id.as_str(), rel.as_str()), ("zouping", ""));
        // a prefix-like path that is not a whole segment stays on the main site
        let (site, rel) = resolve(&s, None, "/zoupingx/").unwrap();
        assert_eq!((site.id.as_str(), rel.as_str()), ("main", "zoupingx/"));
        assert_eq!(
            prefix_without_slash(&s, "/zouping").map(|s| s.id.as_str()),
            Some("zouping")
        );
    }

    #[test]
    fn host_routing() {
        let s = sites();
        let (site, rel) = resolve(&s, Some("BinCheng.example.cn:8080"), "/zw/").unwrap();
        assert_eq!((site.id.as_str(), rel.as_str()), ("bincheng", "zw/"));
        // prefixed links work on the host too
        let (site, rel) = resolve(&s, Some("bincheng.example.cn"), "/bincheng/zw/").unwrap();
        assert_eq!((site.id.as_str(), rel.as_str()), ("bincheng", "zw/"));
        let (site, _) = resolve(&s, Some("other.example.cn"), "/").unwrap();
        assert_eq!(site.id, "main");
    }

    #[test]
    fn urls_of_a_host_site_are_scheme_relative() {
        let s = sites();
        let u = SiteUrls::new(&s[1], "https://www.example.cn", "https");
        assert_eq!(u.link("zw/"), "//bincheng.example.cn/zw/");
        assert_eq!(u.canonical("zw/"), "https://bincheng.example.cn/zw/");
        let u = SiteUrls::new(&s[2], "https://www.example.cn", "https");
        assert_eq!(u.link("zw/"), "/zouping/zw/");
        assert_eq!(u.canonical(""), "https://www.example.cn/zouping/");
    }

    #[test]
    fn county_footer_falls_back_to_main() {
        let mut main = site("main", "/", None);
        main.settings.icp = "鲁ICP备09072207号-3".into();
        main.settings.report_phone = "0543-3163568".into();
        let mut county = site("zouping", "/zouping/", None);
        county.settings.report_phone = "0543-4321000".into();
        let f = footer(&main, &county);
        assert_eq!(f.icp, "鲁ICP备09072207号-3");
        assert_eq!(f.report_phone, "0543-4321000");
    }
}
