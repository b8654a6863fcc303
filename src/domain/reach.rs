//! 传播效果, first measure: how often each story's page was read, counted
//! by the server as aggregates (per story, its site and channel, and the
//! outlet that served it, by hour) with no cookie and nothing kept about a
//! reader. Pure: which requests are a reader's, which hour a time is in, and
//! one line of a web server's access log read (the static export's count).

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

/// Which story a page is the page of, for counting its views (a story
/// page's `render::Page::viewed`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewed {
    pub article_id: i64,
    pub site_id: std::sync::Arc<str>,
    pub channel_id: i64,
}

/// The outlet of the portal's own pages, served by `serve` or from the
/// static export (one outlet: the same pages at the same addresses).
pub const WEB: &str = "web";

/// The most an outlet's name may be (`gazette views --outlet`).
pub const MAX_OUTLET_CHARS: usize = 32;

/// The hour a time falls in (hours since the epoch; UTC and CST hours are
/// the same hours, eight apart).
pub fn hour_of(at: i64) -> i64 {
    at.div_euclid(3600)
}

/// Words in the User-Agent of crawlers, feed readers, link previewers,
/// monitors and scripts, which read pages but are not readers. Matched
/// anywhere, ignoring case; the list is the 热点排行 rule page's too.
pub const NOT_READERS: &[&str] = &[
    "bot",
    "spider",
    "crawl",
    "slurp",
    "preview",
    "feed",
    "monitor",
    "headless",
    "lighthouse",
    "curl/",
    "wget/",
    "python",
    "go-http-client",
    "java/",
    "okhttp",
    "libwww",
    "httpclient",
    "scrapy",
    "facebookexternalhit",
    "yahoo! slurp",
];

static MATCHER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    // a DFA: the fastest search for a short haystack (a view's whole cost
    // is this and a map update)
    AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .ascii_case_insensitive(true)
        .build(NOT_READERS)
        .expect("fixed patterns build")
});

/// Whether a request with this User-Agent is a reader's: a browser's, not a
/// crawler's or a script's; a request without one is not counted.
pub fn is_reader(user_agent: Option<&[u8]>) -> bool {
    match user_agent {
        Some(ua) if ua.len() >= 8 => !MATCHER.is_match(ua),
        _ => false,
    }
}

/// Whether a request is a browser's speculative fetch (`Sec-Purpose:
/// prefetch`, `Purpose: prefetch`, `X-Moz: prefetch`): nobody read it yet.
pub fn is_prefetch(purpose: Option<&[u8]>) -> bool {
    purpose.is_some_and(|p| p.windows(8).any(|w| w.eq_ignore_ascii_case(b"prefetch")))
}

/// One request of an access log in nginx's `combined` format (Apache's is
/// the same): `ADDR - USER [TIME] "METHOD PATH PROTO" STATUS BYTES "REFERER" "UA"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogHit {
    pub at: i64,
    pub method: String,
    /// The path without its query.
    pub path: String,
    pub status: u16,
    pub user_agent: String,
}

/// Read one `combined` line; `None` for anything else (a hostile or torn
/// line is skipped, never guessed at).
pub fn parse_log_line(line: &str) -> Option<LogHit> {
    let open = line.find('[')?;
    let close = open + line[open..].find(']')?;
    let at = chrono::DateTime::parse_from_str(&line[open + 1..close], "%d/%b/%Y:%H:%M:%S %z")
        .ok()?
        .timestamp();
    let rest = line[close + 1..].trim_start();
    let (request, rest) = quoted(rest)?;
    let mut parts = request.split(' ');
    let method = parts.next()?.to_string();
    let target = parts.next()?;
    let path = target.split(['?', '#']).next().unwrap_or_default();
    if !path.starts_with('/') || path.len() > 2048 {
        return None;
    }
    let mut fields = rest.trim_start().splitn(3, ' ');
    let status = fields.next()?.parse().ok()?;
    let _bytes = fields.next()?;
    let rest = fields.next().unwrap_or_default().trim_start();
    let (_referer, rest) = quoted(rest)?;
    let (user_agent, _) = quoted(rest.trim_start())?;
    Some(LogHit {
        at,
        method,
        path: path.to_string(),
        status,
        user_agent: user_agent.to_string(),
    })
}

/// A `"..."` field at the start of `s` (nginx escapes `"` inside as
/// `\x22`, Apache as `\"`) and what follows it.
fn quoted(s: &str) -> Option<(&str, &str)> {
    let body = s.strip_prefix('"')?;
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some((&body[..i], &body[i + 1..])),
            _ => i += 1,
        }
    }
    None
}

/// Whether a log line is a reader's view of a page: a GET answered with the
/// page (200) or the reader's cached copy confirmed (304), by a browser.
pub fn counts(hit: &LogHit) -> bool {
    hit.method == "GET"
        && matches!(hit.status, 200 | 304)
        && is_reader(Some(hit.user_agent.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";

    #[test]
    fn browsers_are_readers_and_crawlers_are_not() {
        assert!(is_reader(Some(CHROME.as_bytes())));
        assert!(is_reader(Some(
            b"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.40"
        )));
        for ua in [
            "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)",
            "Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; Bytespider; spider-feedback@bytedance.com)",
            "Mozilla/5.0 (compatible; YisouSpider/5.0)",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36",
            "curl/8.5.0",
            "python-requests/2.31",
            "Go-http-client/1.1",
            "Feedly/1.0 (+http://www.feedly.com/fetcher.html)",
        ] {
            assert!(!is_reader(Some(ua.as_bytes())), "{ua}");
        }
        assert!(!is_reader(None));
        assert!(!is_reader(Some(b"")));
    }

    #[test]
    fn prefetches_are_not_views() {
        assert!(is_prefetch(Some(b"prefetch")));
        assert!(is_prefetch(Some(b"prefetch;prerender")));
        assert!(!is_prefetch(None));
        assert!(!is_prefetch(Some(b"")));
    }

    #[test]
    fn hours_are_whole_and_negative_times_round_down() {
        assert_eq!(hour_of(0), 0);
        assert_eq!(hour_of(3599), 0);
        assert_eq!(hour_of(3600), 1);
        assert_eq!(hour_of(-1), -1);
    }

    #[test]
    fn combined_log_lines_are_read_and_torn_ones_skipped() {
        let line = format!(
            r#"203.0.113.9 - - [07/Dec/2026:14:05:09 +0800] "GET /zw/yw/2026-12/07/42.html?from=wx HTTP/1.1" 200 15023 "https://www.bzw.gov.cn/" "{CHROME}""#
        );
        let hit = parse_log_line(&line).expect("a combined line");
        assert_eq!(hit.path, "/zw/yw/2026-12/07/42.html");
        assert_eq!(hit.status, 200);
        assert_eq!(hit.method, "GET");
        assert_eq!(hit.at, 1_796_623_509);
        assert!(counts(&hit));
        let quoted_ua = r#"1.2.3.4 - - [07/Dec/2026:14:05:09 +0800] "GET / HTTP/1.1" 304 0 "-" "Mozilla/5.0 \"quoted\" Safari""#;
        assert_eq!(
            parse_log_line(quoted_ua).unwrap().user_agent,
            r#"Mozilla/5.0 \"quoted\" Safari"#
        );
        let head = line.replace("\"GET ", "\"HEAD ");
        assert!(!counts(&parse_log_line(&head).unwrap()));
        let not_found = line.replace(" 200 15023 ", " 404 120 ");
        assert!(!counts(&parse_log_line(&not_found).unwrap()));
        for torn in [
            "",
            "garbage",
            &line[..40],
            r#"1.2.3.4 - - [99/Foo/2026:14:05:09 +0800] "GET / HTTP/1.1" 200 1 "-" "x""#,
            r#"1.2.3.4 - - [07/Dec/2026:14:05:09 +0800] "GET http://evil/ HTTP/1.1" 200 1 "-" "x""#,
            r#"1.2.3.4 - - [07/Dec/2026:14:05:09 +0800] "GET / HTTP/1.1" abc 1 "-" "x""#,
        ] {
            assert_eq!(parse_log_line(torn), None, "{torn}");
        }
    }
}
