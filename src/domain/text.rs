//! Text rules shared by every list and page: date formats and excerpts.
//! Titles are never cut here: a list cuts a title where it has no room (CSS),
//! and keeps the whole title in the link's `title`.

use chrono::{DateTime, Datelike, FixedOffset, TimeZone, Utc};

/// China Standard Time; China has no daylight saving, so a fixed offset is exact.
pub fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("+08:00 is a valid offset")
}

/// Seconds since the epoch (UTC) as a time in China Standard Time.
pub fn to_cst(ts: i64) -> DateTime<FixedOffset> {
    Utc.timestamp_opt(ts, 0)
        .single()
        .unwrap_or_default()
        .with_timezone(&cst())
}

/// `签发日期` style: `2023年06月01日`.
pub fn date_cn(ts: i64) -> String {
    to_cst(ts).format("%Y年%m月%d日").to_string()
}

/// List style: `06-01`.
pub fn date_mmdd(ts: i64) -> String {
    to_cst(ts).format("%m-%d").to_string()
}

/// A list line's date: `06-01` in the year of `now` (China Standard Time),
/// `2023-06-01` for an older (or later) year, so a reader never takes last
/// year's story for this year's.
pub fn list_date(ts: i64, now: i64) -> String {
    if to_cst(ts).year() == to_cst(now).year() {
        date_mmdd(ts)
    } else {
        date_iso(ts)
    }
}

/// The first second of the year after `now`'s (China Standard Time): until
/// then, a list's `MM-DD` dates stay right.
pub fn next_new_year(now: i64) -> i64 {
    let y = to_cst(now).year() + 1;
    cst()
        .with_ymd_and_hms(y, 1, 1, 0, 0, 0)
        .single()
        .map_or(i64::MAX, |t| t.timestamp())
}

/// `签发日期` with the time of day: `2023年06月01日 10:30`.
pub fn datetime_cn(ts: i64) -> String {
    to_cst(ts).format("%Y年%m月%d日 %H:%M").to_string()
}

/// ISO date: `2023-06-01`.
pub fn date_iso(ts: i64) -> String {
    to_cst(ts).format("%Y-%m-%d").to_string()
}

/// RFC 3339 in China Standard Time: `2023-06-01T09:30:00+08:00`.
pub fn datetime_rfc3339(ts: i64) -> String {
    to_cst(ts).to_rfc3339()
}

/// Parse an RFC 3339 time (any offset) into epoch seconds.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(s.trim())
        .ok()
        .map(|d| d.timestamp())
}

/// Plain-text excerpt of at most `max_chars` characters (for meta descriptions).
pub fn excerpt(text: &str, max_chars: usize) -> String {
    let collapsed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= max_chars {
        return collapsed;
    }
    let mut out: String = collapsed.chars().take(max_chars).collect();
    out.push('…');
    out
}

/// `what` holds at most `max` characters; the message says how many it has.
pub fn too_long(what: &str, s: &str, max: usize) -> Result<(), String> {
    let n = s.chars().count();
    if n > max {
        Err(format!("{what}最多 {max} 个字,现在有 {n} 个字"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_dates_drop_the_year_only_inside_the_current_year() {
        let at = |s: &str| parse_rfc3339(s).unwrap();
        // 2026-12-31 23:30 in Binzhou is still 2026 there, though 15:30 UTC
        let now = at("2026-12-31T23:30:00+08:00");
        assert_eq!(list_date(at("2026-12-31T08:00:00+08:00"), now), "12-31");
        assert_eq!(
            list_date(at("2025-12-31T08:00:00+08:00"), now),
            "2025-12-31"
        );
        // half an hour later the year turns: yesterday's story shows its year
        let later = now + 3600;
        assert_eq!(
            list_date(at("2026-12-31T08:00:00+08:00"), later),
            "2026-12-31"
        );
        assert_eq!(next_new_year(now), at("2027-01-01T00:00:00+08:00"));
        assert_eq!(
            datetime_cn(at("2023-06-01T10:30:00+08:00")),
            "2023年06月01日 10:30"
        );
    }

    #[test]
    fn dates_are_shown_in_china_standard_time() {
        // 2023-05-31T16:30:00Z is 2023-06-01 00:30 in Beijing
        let ts = parse_rfc3339("2023-05-31T16:30:00Z").unwrap();
        assert_eq!(date_cn(ts), "2023年06月01日");
        assert_eq!(date_mmdd(ts), "06-01");
        assert_eq!(date_iso(ts), "2023-06-01");
        assert_eq!(datetime_rfc3339(ts), "2023-06-01T00:30:00+08:00");
        assert_eq!(parse_rfc3339("2023-06-01T00:30:00+08:00"), Some(ts));
        assert_eq!(parse_rfc3339("2023-13-01"), None);
    }

    #[test]
    fn excerpt_counts_characters() {
        assert_eq!(excerpt("滨州 网\n讯", 10), "滨州 网 讯");
        assert_eq!(excerpt("一二三四五六", 3), "一二三…");
    }
}

/// The start of a `YYYY-MM-DD` day in China Standard Time (date filters).
pub fn cst_day_start(s: &str) -> Option<i64> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .ok()?
        .and_hms_opt(0, 0, 0)?
        .and_local_timezone(cst())
        .single()
        .map(|t| t.timestamp())
}

/// 正文字数: the characters of a text without whitespace (how Chinese
/// newsrooms count a story's length; the editor counts the same way live).
pub fn body_chars(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

/// One line of text as typed into a field, without control characters (C0,
/// DEL and C1: invisible in review, they break feeds and sitemaps); tabs and
/// line breaks become spaces.
pub fn clean_line(s: &str) -> String {
    let s = s.trim();
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    s.chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// Text of several lines (a summary, a body): control characters removed
/// except tab and line feed.
pub fn clean_block(s: &str) -> String {
    if !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return s.to_string();
    }
    s.chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect()
}

#[cfg(test)]
mod clean_tests {
    use super::*;

    #[test]
    fn control_characters_are_removed() {
        assert_eq!(
            clean_line(" 滨州\u{0}网\u{7}\u{85}\t新闻\n "),
            "滨州网 新闻"
        );
        assert_eq!(
            clean_block("第一段\u{1b}\n第二段\r\u{9f}"),
            "第一段\n第二段"
        );
        assert_eq!(clean_line("plain"), "plain");
    }
}
