//! Text rules shared by every list and page: title truncation and date formats.
//!
//! Widths are counted in display cells, not bytes: a Chinese character (and any
//! other wide or ambiguous-width character, such as the curly quotes “ ” that
//! Chinese titles use) takes two cells, ASCII takes one. A list line of
//! [`LIST_TITLE_CELLS`] cells holds 20 Chinese characters.

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use unicode_width::UnicodeWidthChar;

/// Width, in cells, of a title in the "more" blocks and home lists.
pub const LIST_TITLE_CELLS: usize = 40;

const ELLIPSIS: &str = "...";

/// China Standard Time; China has no daylight saving, so a fixed offset is exact.
pub fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("+08:00 is a valid offset")
}

/// Display width of one character in cells (CJK context: ambiguous = 2).
fn cells(c: char) -> usize {
    c.width_cjk().unwrap_or(0)
}

/// Display width of a string in cells.
pub fn width(s: &str) -> usize {
    s.chars().map(cells).sum()
}

/// Cut `title` to fit `max_cells`: a title that fits is returned whole; a
/// longer one keeps the longest prefix that leaves room for `...`, then `...`.
/// Never splits a character (counts characters, not bytes).
pub fn truncate_title(title: &str, max_cells: usize) -> String {
    let title = title.trim();
    if width(title) <= max_cells {
        return title.to_string();
    }
    let budget = max_cells.saturating_sub(ELLIPSIS.len());
    let mut used = 0;
    let mut out = String::new();
    for c in title.chars() {
        let w = cells(c);
        if used + w > budget {
            break;
        }
        used += w;
        out.push(c);
    }
    let trimmed = out.trim_end();
    let mut out = trimmed.to_string();
    out.push_str(ELLIPSIS);
    out
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
    fn short_titles_stay_whole() {
        let t = "河南省粮食和物资储备局考察团来滨考察调研"; // 20 Chinese chars = 40 cells
        assert_eq!(truncate_title(t, LIST_TITLE_CELLS), t);
        assert_eq!(
            truncate_title("2024全国主流媒体滨州行活动正式启动", 40),
            "2024全国主流媒体滨州行活动正式启动"
        );
    }

    #[test]
    fn long_chinese_titles_are_cut_with_ellipsis() {
        let t = "滨州市召开第三届“慈善文化进企业”优秀案例分享会";
        assert_eq!(
            truncate_title(t, LIST_TITLE_CELLS),
            "滨州市召开第三届“慈善文化进企业”优..."
        );
        let cut = truncate_title(t, LIST_TITLE_CELLS);
        assert!(width(&cut) <= LIST_TITLE_CELLS);
    }

    #[test]
    fn mixed_ascii_counts_half_width() {
        let t = "现场直播|2024齐鲁书香节暨第二届“书香滨州”阅读季启动";
        assert_eq!(
            truncate_title(t, LIST_TITLE_CELLS),
            "现场直播|2024齐鲁书香节暨第二届“书香..."
        );
        // pure ASCII: 40 letters fit, 41 do not
        let a40 = "a".repeat(40);
        assert_eq!(truncate_title(&a40, 40), a40);
        let a41 = "a".repeat(41);
        assert_eq!(truncate_title(&a41, 40), format!("{}...", "a".repeat(37)));
    }

    #[test]
    fn emoji_and_combining_marks_never_split() {
        let t = "🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉";
        let cut = truncate_title(t, 10);
        assert_eq!(cut, "🎉🎉🎉...");
        assert!(cut.is_char_boundary(cut.len()));
        // a family emoji made of several code points stays valid UTF-8
        let fam = "👨‍👩‍👧‍👦".repeat(10);
        let cut = truncate_title(&fam, 10);
        assert!(cut.ends_with("..."));
        assert!(width(&cut) <= 10);
    }

    #[test]
    fn tiny_budgets_do_not_panic() {
        assert_eq!(truncate_title("滨州网新闻", 0), "...");
        assert_eq!(truncate_title("", 10), "");
        assert_eq!(truncate_title("   ", 10), "");
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
