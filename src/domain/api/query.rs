//! A story list's query string, checked: filters (site, channel subtree,
//! tag, kind, updated since, signed between), the sort (签发 or update
//! time), the page size, the keyset cursor and the fields wanted. Pure:
//! every refusal names the parameter and what to write, in Chinese, with
//! a machine code; the canonical form is what the response is cached under
//! (the same question asked in any parameter order is one cache entry).

use super::cursor::Cursor;
use super::{ApiError, Code, Sort};

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;

/// A story list's question, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub site: Option<String>,
    /// A channel path: the channel and its sub-channels.
    pub channel: Option<String>,
    pub tag: Option<String>,
    /// A kind's stored name (`text`, `gallery` ...), checked by the caller
    /// against the kinds.
    pub kind: Option<String>,
    pub updated_since: Option<i64>,
    pub signed_from: Option<i64>,
    pub signed_to: Option<i64>,
    pub sort: Sort,
    pub limit: i64,
    pub cursor: Option<Cursor>,
    /// Only these top-level fields of each story (`None`: all).
    pub fields: Option<Vec<String>>,
}

/// The parameters a list takes, in their canonical order.
pub const PARAMS: &[&str] = &[
    "site",
    "channel",
    "tag",
    "kind",
    "updated_since",
    "signed_from",
    "signed_to",
    "sort",
    "limit",
    "cursor",
    "fields",
];

fn bad(param: &str, what: &str) -> ApiError {
    ApiError::new(Code::BadParameter, format!("参数 {param} 不对:{what}"))
}

/// A time parameter: RFC 3339 (`2024-06-01T08:00:00+08:00`) or a
/// `YYYY-MM-DD` day in China Standard Time.
fn time(param: &str, v: &str) -> Result<i64, ApiError> {
    crate::domain::text::parse_rfc3339(v)
        .or_else(|| crate::domain::text::cst_day_start(v))
        .ok_or_else(|| bad(param, "时间须写成 2024-06-01 或 2024-06-01T08:00:00+08:00"))
}

/// `fields`' names: letters, digits and `_`, comma-separated.
fn field_list(v: &str) -> Result<Vec<String>, ApiError> {
    let mut out: Vec<String> = Vec::new();
    for f in v.split(',').map(str::trim).filter(|f| !f.is_empty()) {
        if f.len() > 40 || !f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(bad(
                "fields",
                "字段名只能是英文字母、数字和下划线,用逗号分隔",
            ));
        }
        if !out.iter().any(|x| x == f) {
            out.push(f.to_string());
        }
    }
    if out.is_empty() {
        return Err(bad("fields", "请至少写一个字段名,或去掉这个参数"));
    }
    if out.len() > 40 {
        return Err(bad("fields", "字段最多 40 个"));
    }
    out.sort();
    Ok(out)
}

/// Check a list's parameters (as the query string gives them, in order).
/// An unknown or repeated parameter is refused: a misspelt filter must not
/// quietly answer everything.
pub fn parse_list(pairs: &[(String, String)]) -> Result<ListQuery, ApiError> {
    let mut q = ListQuery {
        site: None,
        channel: None,
        tag: None,
        kind: None,
        updated_since: None,
        signed_from: None,
        signed_to: None,
        sort: Sort::Signed,
        limit: DEFAULT_LIMIT,
        cursor: None,
        fields: None,
    };
    let mut seen: Vec<&str> = Vec::new();
    for (k, v) in pairs {
        let Some(name) = PARAMS.iter().find(|p| **p == k.as_str()) else {
            return Err(ApiError::new(
                Code::BadParameter,
                format!(
                    "不认识的参数 {}:可用的参数有 {}",
                    k.chars().take(40).collect::<String>(),
                    PARAMS.join("、")
                ),
            ));
        };
        if seen.contains(name) {
            return Err(bad(name, "同一参数只能出现一次"));
        }
        seen.push(name);
        let v = v.trim();
        if v.chars().count() > 200 {
            return Err(bad(name, "太长(最多 200 个字符)"));
        }
        let text = || -> Result<Option<String>, ApiError> {
            if v.is_empty() || v.chars().any(char::is_control) {
                Err(bad(name, "不能为空,也不能有控制字符"))
            } else {
                Ok(Some(v.to_string()))
            }
        };
        match *name {
            "site" => q.site = text()?,
            "channel" => {
                let c = v.trim_matches('/');
                if c.is_empty() || !crate::domain::channel::valid_path(c) {
                    return Err(bad(name, "栏目路径形如 zw/yw"));
                }
                q.channel = Some(c.to_string());
            }
            "tag" => q.tag = text()?,
            "kind" => {
                if v.is_empty() || !v.chars().all(|c| c.is_ascii_lowercase()) {
                    return Err(bad(name, "稿件类型如 text、gallery、video、live"));
                }
                q.kind = Some(v.to_string());
            }
            "updated_since" => q.updated_since = Some(time(name, v)?),
            "signed_from" => q.signed_from = Some(time(name, v)?),
            "signed_to" => q.signed_to = Some(time(name, v)?),
            "sort" => {
                q.sort = match v {
                    "signed" => Sort::Signed,
                    "updated" => Sort::Updated,
                    _ => return Err(bad(name, "排序只能是 signed(签发时间)或 updated(更新时间)")),
                }
            }
            "limit" => {
                q.limit = v
                    .parse::<i64>()
                    .ok()
                    .filter(|n| (1..=MAX_LIMIT).contains(n))
                    .ok_or_else(|| {
                        bad(name, &format!("每页条数须是 1 到 {MAX_LIMIT} 之间的整数"))
                    })?;
            }
            "cursor" => q.cursor = Some(Cursor::decode(v).map_err(|why| bad(name, &why))?),
            "fields" => q.fields = Some(field_list(v)?),
            _ => unreachable!("every parameter is matched"),
        }
    }
    if let (Some(a), Some(b)) = (q.signed_from, q.signed_to)
        && a > b
    {
        return Err(bad("signed_to", "结束时间早于开始时间"));
    }
    if let Some(c) = &q.cursor
        && c.sort != q.sort
    {
        return Err(bad(
            "cursor",
            "翻页位置来自另一种排序:请用上一页给出的 next 链接",
        ));
    }
    Ok(q)
}

impl ListQuery {
    /// The query in canonical form (parameters in a fixed order, values
    /// normalized): the cache key of its answer and the base of its links.
    pub fn canonical(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        let mut put = |k: &'static str, v: Option<String>| {
            if let Some(v) = v {
                pairs.push((k, v));
            }
        };
        put("site", self.site.clone());
        put("channel", self.channel.clone());
        put("tag", self.tag.clone());
        put("kind", self.kind.clone());
        put(
            "updated_since",
            self.updated_since.map(super::story::rfc3339),
        );
        put("signed_from", self.signed_from.map(super::story::rfc3339));
        put("signed_to", self.signed_to.map(super::story::rfc3339));
        put(
            "sort",
            (self.sort != Sort::Signed).then(|| self.sort.as_str().to_string()),
        );
        put(
            "limit",
            (self.limit != DEFAULT_LIMIT).then(|| self.limit.to_string()),
        );
        put("cursor", self.cursor.as_ref().map(Cursor::encode));
        put("fields", self.fields.as_ref().map(|f| f.join(",")));
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }

    /// The same question's next page after the row at (`time`, `id`).
    pub fn next(&self, time: i64, id: i64) -> ListQuery {
        ListQuery {
            cursor: Some(Cursor {
                sort: self.sort,
                time,
                id,
            }),
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Result<ListQuery, ApiError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(s).unwrap();
        parse_list(&pairs)
    }

    #[test]
    fn a_list_query_is_checked_and_made_canonical() {
        let a = q("site=main&channel=/zw/yw/&limit=50&sort=updated&fields=title,id,title").unwrap();
        assert_eq!(a.channel.as_deref(), Some("zw/yw"));
        assert_eq!(a.fields, Some(vec!["id".into(), "title".into()]));
        let b = q("fields=id,title&sort=updated&limit=50&channel=zw/yw&site=main").unwrap();
        assert_eq!(a.canonical(), b.canonical(), "order does not matter");
        assert_eq!(q("").unwrap().canonical(), "", "the defaults say nothing");
        let day = q("signed_from=2024-06-01&signed_to=2024-06-02T00:00:00%2B08:00").unwrap();
        assert_eq!(day.signed_from, Some(1_717_171_200));
        assert_eq!(day.signed_to, Some(1_717_257_600));
    }

    #[test]
    fn bad_parameters_say_which_and_what_to_write() {
        for (query, says) in [
            ("sitee=main", "不认识的参数"),
            ("site=main&site=zouping", "只能出现一次"),
            ("limit=0", "1 到 100"),
            ("limit=101", "1 到 100"),
            ("limit=x", "1 到 100"),
            ("sort=random", "signed"),
            ("signed_from=昨天", "2024-06-01"),
            ("signed_from=2024-06-02&signed_to=2024-06-01", "早于"),
            ("channel=../etc", "栏目路径"),
            ("kind=Text", "稿件类型"),
            ("fields=", "至少"),
            ("fields=title;drop", "字段名"),
            ("cursor=xyz", "cursor"),
            ("tag=", "不能为空"),
        ] {
            let e = q(query).unwrap_err();
            assert_eq!(e.code, Code::BadParameter, "{query}");
            assert!(e.message.contains(says), "{query}: {}", e.message);
        }
    }

    #[test]
    fn the_next_page_keeps_the_question_and_its_sort() {
        let a = q("site=main&sort=updated&limit=5&updated_since=2024-06-01").unwrap();
        let next = a.next(1_717_171_200, 42);
        let again: Vec<(String, String)> = serde_urlencoded::from_str(&next.canonical()).unwrap();
        let back = parse_list(&again).unwrap();
        assert_eq!(back, next);
        // a cursor of another sort is refused, not misread
        let signed = q("site=main").unwrap().next(1, 2);
        let mixed = format!("sort=updated&{}", signed.canonical());
        assert!(q(&mixed).unwrap_err().message.contains("另一种排序"));
    }
}
