//! The 举报 form's checks: what a reader typed, as a report to file, or
//! what to fix, in words.

use super::{Category, MAX_DESCRIPTION, MIN_DESCRIPTION};

/// What a reader submitted, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Filed {
    pub category: Category,
    pub url: String,
    pub description: String,
    pub contact: Option<String>,
}

/// Check a report form. `site_host` and `public_host` are the host names
/// the URL may name (the site's own, the portal's); a path alone is taken
/// as this portal's. Each error says what to fix.
pub fn check(
    category: &str,
    url: &str,
    description: &str,
    contact: &str,
    hosts: &[&str],
) -> Result<Filed, String> {
    let category = Category::parse(category.trim()).ok_or("请选择举报类别")?;
    let url = crate::domain::text::clean_line(url.trim());
    if url.is_empty() {
        return Err("请填写被举报内容的网址".into());
    }
    if url.len() > 1000 {
        return Err("网址最多 1000 个字符".into());
    }
    let path = if url.starts_with('/') && !url.starts_with("//") {
        url.as_str()
    } else {
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .ok_or("网址须是本网的网页地址(以 http:// 或 https:// 开头),或以 / 开头的路径")?;
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let host = host.split(':').next().unwrap_or("").to_ascii_lowercase();
        if !hosts.iter().any(|h| h.eq_ignore_ascii_case(&host)) {
            return Err(format!(
                "只受理本网内容的举报。其他网站的有害信息,请到中央网信办违法和不良信息举报中心(www.12377.cn)举报;网址“{host}”不是本网地址"
            ));
        }
        if path.is_empty() { "/" } else { path }
    };
    if path.chars().any(char::is_whitespace) {
        return Err("网址里不能有空格".into());
    }
    let description = crate::domain::text::clean_block(description.trim());
    let n = description.chars().count();
    if n < MIN_DESCRIPTION {
        return Err(format!(
            "请说明举报的理由(至少 {MIN_DESCRIPTION} 个字),以便我们核实"
        ));
    }
    if n > MAX_DESCRIPTION {
        return Err(format!(
            "举报说明最多 {MAX_DESCRIPTION} 个字,现在有 {n} 个字"
        ));
    }
    let contact = crate::domain::text::clean_line(contact.trim());
    let contact = if contact.is_empty() {
        None
    } else {
        valid_contact(&contact)?;
        Some(contact)
    };
    Ok(Filed {
        category,
        url: if url.starts_with('/') {
            path.to_string()
        } else {
            url.clone()
        },
        description,
        contact,
    })
}

/// A phone number (digits, spaces, `-`, `+`, 7-20 digits) or an e-mail.
pub fn valid_contact(c: &str) -> Result<(), String> {
    if c.chars().count() > 100 {
        return Err("联系方式最多 100 个字符".into());
    }
    if let Some((user, domain)) = c.split_once('@') {
        if !user.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !c.chars().any(char::is_whitespace)
        {
            return Ok(());
        }
        return Err(format!("邮箱“{c}”不对,请写成 name@example.com 的样子"));
    }
    let digits = c.chars().filter(char::is_ascii_digit).count();
    if (7..=20).contains(&digits)
        && c.chars()
            .all(|ch| ch.is_ascii_digit() || matches!(ch, '-' | '+' | ' ' | '(' | ')'))
    {
        return Ok(());
    }
    Err("联系方式请填写手机号、电话号码或电子邮箱(可不填)".into())
}

/// The site-relative path a report's URL names on the site of `prefix`,
/// for finding the story; `None` when it is elsewhere.
pub fn site_relative<'a>(url: &'a str, prefix: &str) -> Option<&'a str> {
    let path = if url.starts_with('/') {
        url
    } else {
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))?;
        &rest[rest.find('/')?..]
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    path.strip_prefix(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_checked_with_words() {
        let hosts = ["www.bzcm.net"];
        let ok = check(
            "rumor",
            "https://www.bzcm.net/zw/1.html",
            "这篇报道的数字与事实不符",
            "13800000000",
            &hosts,
        )
        .unwrap();
        assert_eq!(ok.category, Category::Rumor);
        // a factual error has its own category (not 谣言, not 其他)
        let wrong = check("error", "/zw/1.html", "第二段的日期写错了", "", &hosts).unwrap();
        assert_eq!(wrong.category.label(), "内容差错/纠错");
        assert_eq!(ok.contact.as_deref(), Some("13800000000"));
        assert!(
            check("", "/a", "理由写够五个字", "", &hosts)
                .unwrap_err()
                .contains("类别")
        );
        assert!(
            check("rumor", "", "理由写够五个字", "", &hosts)
                .unwrap_err()
                .contains("网址")
        );
        assert!(
            check(
                "rumor",
                "https://evil.example/x",
                "理由写够五个字",
                "",
                &hosts
            )
            .unwrap_err()
            .contains("12377")
        );
        assert!(
            check("rumor", "/a", "短", "", &hosts)
                .unwrap_err()
                .contains("至少")
        );
        assert!(
            check("rumor", "/a", &"长".repeat(2001), "", &hosts)
                .unwrap_err()
                .contains("2000")
        );
        assert!(
            check("rumor", "/a", "理由写够五个字", "abc", &hosts)
                .unwrap_err()
                .contains("手机号")
        );
        assert!(
            check("rumor", "/a", "理由写够五个字", "a@b", &hosts)
                .unwrap_err()
                .contains("邮箱")
        );
        assert!(check("rumor", "/a", "理由写够五个字", "me@example.com", &hosts).is_ok());
        assert_eq!(
            site_relative("https://www.bzcm.net/zouping/zw/1.html?x#y", "/zouping/"),
            Some("zw/1.html")
        );
        assert_eq!(site_relative("/zw/1.html", "/"), Some("zw/1.html"));
    }
}
