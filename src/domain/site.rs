//! Sites: the main portal and its county sub-sites, each with a path prefix,
//! an optional host name and the legal facts its footer must show.

use serde::{Deserialize, Serialize};

/// A site of the portal (`main`, `bincheng`, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Site {
    /// Stable slug, also the key archives use (`main`, `bincheng`).
    pub id: String,
    /// Display name (`滨州网`, `滨城`).
    pub name: String,
    /// Path prefix, always starting and ending with `/` (`/`, `/bincheng/`).
    pub prefix: String,
    /// Optional host name that maps to this site (`bincheng.example.cn`).
    pub host: Option<String>,
    /// Position in the region navigation.
    pub sort: i64,
    pub settings: SiteSettings,
}

/// A link in the footer or the region navigation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Link {
    pub title: String,
    pub url: String,
}

/// Which list an article page shows in one of its "更多..." blocks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "key", rename_all = "snake_case")]
pub enum BlockSource {
    /// A curated slot of the same site, by slot key (`toutiao`).
    Slot(String),
    /// A channel of the same site, by channel path (`zw`).
    Channel(String),
}

/// Per-site settings: everything the footer and page chrome show.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SiteSettings {
    /// `<meta name="description">` of the home page.
    pub description: String,
    /// Links of the first footer line (关于我们, 广告服务 ...).
    pub footer_links: Vec<Link>,
    /// 地址.
    pub address: String,
    /// 主办单位.
    pub organizer: String,
    /// 鲁新网备案号 (provincial news-site filing number).
    pub news_filing: String,
    /// ICP 备案号.
    pub icp: String,
    /// Links between the ICP number and the 网安备 number (举报中心, 网警 ...).
    pub filing_links: Vec<Link>,
    /// 网安备 (public security filing) number.
    pub police_filing: String,
    /// 互联网新闻信息服务许可证 number.
    pub news_license: String,
    /// 视觉设计 credit.
    pub design_credit: String,
    /// 违法和不良信息举报电话.
    pub report_phone: String,
    /// 举报邮箱.
    pub report_email: String,
    /// The "更多..." blocks under an article, in order.
    pub article_blocks: Vec<BlockSource>,
    /// The site logo (a library picture): shown in the header instead of
    /// the name, and as the publisher's logo in structured data.
    pub logo_image: Option<i64>,
    /// The favicon (a library picture, shown square).
    pub favicon_image: Option<i64>,
    /// 稿件供其他站点推荐位采用: other sites' 推荐位 that take this site's
    /// stories may place them (a county's slot, a main-site story).
    pub shares_stories: bool,
    /// 首页空栏目显示占位: a home block with no story says 暂无稿件 instead
    /// of being left out.
    pub show_empty_blocks: bool,
}

impl Site {
    /// Whether `prefix` is a well-formed site prefix.
    pub fn valid_prefix(prefix: &str) -> bool {
        prefix.starts_with('/')
            && prefix.ends_with('/')
            && prefix
                .trim_matches('/')
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '/')
    }

    /// The organisation that publishes the site: its 主办单位, else its name
    /// (the publisher of structured data, the propagator of AI labels).
    pub fn organisation(&self) -> &str {
        if self.settings.organizer.is_empty() {
            &self.name
        } else {
            &self.settings.organizer
        }
    }

    /// The prefix of a site created by id: `/` for `main`, else `/{id}/`.
    pub fn default_prefix(id: &str) -> String {
        if id == "main" {
            "/".into()
        } else {
            format!("/{id}/")
        }
    }

    /// Whether this is the main site (prefix `/`).
    pub fn is_main(&self) -> bool {
        self.prefix == "/"
    }
}

/// The group's sites by slug and name, main first (the 滨州各地 navigation):
/// a site created by id (the demo, an import with `--create-channels`)
/// takes its name from here, else its slug.
pub const GROUP_SITES: &[(&str, &str)] = &[
    ("main", "滨州网"),
    ("bincheng", "滨城"),
    ("zhanhua", "沾化"),
    ("zouping", "邹平"),
    ("huimin", "惠民"),
    ("yangxin", "阳信"),
    ("wudi", "无棣"),
    ("boxing", "博兴"),
    ("jingkai", "经济技术开发区"),
    ("gaoxin", "高新技术产业开发区"),
    ("beihai", "北海经济开发区"),
];

/// The channel tree a new site starts with: path and name (an import
/// creating a channel by path names it from here, else by its last part).
pub const DEFAULT_CHANNELS: &[(&str, &str)] = &[
    ("zw", "滨州政务"),
    ("zw/yw", "政务要闻"),
    ("zw/bm", "部门动态"),
    ("zw/xq", "县区动态"),
    ("tt", "滨州头条"),
    ("fb", "滨州发布"),
    ("st", "视听滨州"),
    ("sh", "社会民生"),
    ("tp", "图片新闻"),
];

/// The name a new channel at `path` of site `site_id` starts with: the
/// default tree's, said in the county's own words on a county site of the
/// group (邹平政务, 邹平头条, 视听邹平, 镇街动态), else its path's last part.
pub fn default_channel_name(site_id: &str, path: &str) -> String {
    let Some((_, name)) = DEFAULT_CHANNELS.iter().find(|(p, _)| *p == path) else {
        return path.rsplit('/').next().unwrap_or(path).to_string();
    };
    match GROUP_SITES.iter().find(|(id, _)| *id == site_id) {
        Some((id, county)) if *id != "main" => {
            if *name == "县区动态" {
                "镇街动态".to_string()
            } else {
                name.replace("滨州", county)
            }
        }
        _ => (*name).to_string(),
    }
}

/// The "更多..." blocks every article page starts with.
pub fn default_blocks() -> Vec<BlockSource> {
    vec![
        BlockSource::Slot("toutiao".into()),
        BlockSource::Channel("fb".into()),
        BlockSource::Channel("zw".into()),
    ]
}

/// Whether `host` is a host name a site may be reached by: dot-separated
/// labels of letters, digits and inner hyphens, at least two labels
/// (`bincheng.bzcm.net`), 253 characters at most. The error says what to fix.
pub fn valid_host(host: &str) -> Result<(), String> {
    let labels: Vec<&str> = host.split('.').collect();
    let label_ok = |l: &&str| {
        (1..=63).contains(&l.len())
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if host.len() > 253 || labels.len() < 2 || !labels.iter().all(label_ok) {
        return Err(format!(
            "“{host}”不是有效的域名:请填写如 bincheng.bzcm.net 的完整域名(小写字母、数字、点和连字符),不需要 http://"
        ));
    }
    if labels
        .last()
        .is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(format!("“{host}”是 IP 地址,请填写域名"));
    }
    Ok(())
}

#[cfg(test)]
mod host_tests {
    use super::valid_host;

    #[test]
    fn hosts_are_host_names() {
        assert!(valid_host("bincheng.bzcm.net").is_ok());
        assert!(valid_host("www.bzcm.net").is_ok());
        for bad in [
            "none",
            "evil.com/<script>",
            "-a.com",
            "a..com",
            "http://a.com",
            "1.2.3.4",
            "a_b.com",
        ] {
            assert!(valid_host(bad).is_err(), "{bad}");
        }
    }
}
