//! 举报: readers' reports of harmful content and their handling
//! (《网络信息内容生态治理规定》第十六条: a convenient entry, prompt handling,
//! feedback of the result). The categories, states and acts, the form's
//! checks, the receipt number, deadlines, the arithmetic challenge and the
//! CSV of a period. No I/O.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// The description's limits, in characters.
pub const MIN_DESCRIPTION: usize = 5;
pub const MAX_DESCRIPTION: usize = 2000;
/// Screenshots a report may carry.
pub const MAX_SHOTS: usize = 3;
/// How long a challenge may be answered, in seconds.
pub const CHALLENGE_SECS: i64 = 2 * 3600;

/// The categories of 12377 (中央网信办违法和不良信息举报中心).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Political,
    Terror,
    Fraud,
    Porn,
    Vulgar,
    Gambling,
    Infringement,
    Rumor,
    Other,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::Political,
        Category::Terror,
        Category::Fraud,
        Category::Porn,
        Category::Vulgar,
        Category::Gambling,
        Category::Infringement,
        Category::Rumor,
        Category::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Political => "political",
            Category::Terror => "terror",
            Category::Fraud => "fraud",
            Category::Porn => "porn",
            Category::Vulgar => "vulgar",
            Category::Gambling => "gambling",
            Category::Infringement => "infringement",
            Category::Rumor => "rumor",
            Category::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::Political => "政治有害",
            Category::Terror => "暴恐",
            Category::Fraud => "诈骗",
            Category::Porn => "色情",
            Category::Vulgar => "低俗",
            Category::Gambling => "赌博",
            Category::Infringement => "侵权(隐私/名誉)",
            Category::Rumor => "谣言",
            Category::Other => "其他",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// Where a report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// 待受理: filed, nobody has taken it.
    New,
    /// 核实中: a handler is checking it.
    Checking,
    /// 已转交: handed on to another handler (a 签发人, the legal desk).
    Escalated,
    /// 已处理: closed with an outcome and a result for the reader.
    Done,
}

impl State {
    pub const ALL: [State; 4] = [State::New, State::Checking, State::Escalated, State::Done];

    pub fn as_str(self) -> &'static str {
        match self {
            State::New => "new",
            State::Checking => "checking",
            State::Escalated => "escalated",
            State::Done => "done",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            State::New => "待受理",
            State::Checking => "核实中",
            State::Escalated => "已转交",
            State::Done => "已处理",
        }
    }

    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn is_open(self) -> bool {
        self != State::Done
    }
}

/// How a handled report ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// 撤稿: the story was withdrawn.
    Withdrawn,
    /// 更正: the story was corrected.
    Corrected,
    /// 不予处理: nothing wrong was found (with the reason).
    Rejected,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Withdrawn, Outcome::Corrected, Outcome::Rejected];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Withdrawn => "withdrawn",
            Outcome::Corrected => "corrected",
            Outcome::Rejected => "rejected",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::Withdrawn => "撤稿",
            Outcome::Corrected => "更正",
            Outcome::Rejected => "不予处理",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A report as the store holds it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub id: i64,
    /// 受理编号, what the reader looks it up by.
    pub receipt: String,
    pub site_id: String,
    pub url: String,
    /// The story the URL names, if it names one.
    pub article_id: Option<i64>,
    pub category: Category,
    pub description: String,
    /// Media keys of the screenshots (private: served only to handlers).
    pub shots: Vec<String>,
    /// Phone or e-mail for feedback; `None` once the retention passed.
    pub contact: Option<String>,
    pub contact_until: Option<i64>,
    pub created_at: i64,
    pub due_at: i64,
    pub state: State,
    pub outcome: Option<Outcome>,
    pub assignee_id: Option<i64>,
    pub assignee: String,
    /// The result text the reader sees.
    pub result: String,
    pub handled_at: Option<i64>,
    pub updated_at: i64,
}

impl Report {
    /// Whole days left before the deadline (negative: overdue by that many).
    pub fn days_left(&self, now: i64) -> i64 {
        days_left(self.due_at, now)
    }

    pub fn overdue(&self, now: i64) -> bool {
        self.state.is_open() && now >= self.due_at
    }
}

/// Days left until `due` (rounded up; 0 on the last day is "today").
pub fn days_left(due: i64, now: i64) -> i64 {
    let d = due - now;
    if d >= 0 {
        (d + 86_399) / 86_400
    } else {
        -((-d + 86_399) / 86_400)
    }
}

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
    let url = super::text::clean_line(url.trim());
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
    let description = super::text::clean_block(description.trim());
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
    let contact = super::text::clean_line(contact.trim());
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
fn valid_contact(c: &str) -> Result<(), String> {
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

const BASE32: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// A receipt number: `JB` and the Beijing date, then ten letters and digits
/// from `random` (50 bits: nobody finds another reader's report by
/// counting), without 0/O and 1/I so it can be read over the phone.
pub fn receipt(now: i64, random: &[u8]) -> String {
    let date = super::text::to_cst(now).format("%Y%m%d");
    let mut bits: u64 = 0;
    for b in random.iter().take(8) {
        bits = (bits << 8) | u64::from(*b);
    }
    let code: String = (0..10)
        .map(|i| BASE32[((bits >> (i * 5)) & 31) as usize] as char)
        .collect();
    format!("JB{date}{code}")
}

/// Whether `s` has a receipt number's shape (checked before any lookup).
pub fn valid_receipt(s: &str) -> bool {
    s.len() == 20
        && s.starts_with("JB")
        && s[2..10].bytes().all(|b| b.is_ascii_digit())
        && s[10..].bytes().all(|b| BASE32.contains(&b))
}

/// The arithmetic challenge: a sum of two numbers in words a person reads
/// at a glance, signed so any node can check the answer without keeping
/// state. The nonce makes each challenge good for one report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub question: String,
    pub token: String,
}

const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

type HmacSha256 = Hmac<Sha256>;

fn sign(secret: &[u8], payload: &str) -> String {
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(payload.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// A challenge from `random` (at least 10 bytes), valid until
/// `now + CHALLENGE_SECS`.
pub fn challenge(secret: &[u8], now: i64, random: &[u8]) -> Challenge {
    let a = 1 + i64::from(random[0] % 9);
    let b = 1 + i64::from(random[1] % 9);
    let nonce: String = hex::encode(&random[2..10]);
    let expires = now + CHALLENGE_SECS;
    let payload = format!("{}.{expires}.{nonce}", a + b);
    let mac = sign(secret, &payload);
    // the answer is not in the token: only its MAC is
    Challenge {
        question: format!("{} 加 {} 等于几?", DIGITS[a as usize], DIGITS[b as usize]),
        token: format!("{expires}.{nonce}.{mac}"),
    }
}

/// Check an answer to a challenge; the nonce on success.
pub fn verify(secret: &[u8], token: &str, answer: &str, now: i64) -> Result<String, String> {
    let mut parts = token.split('.');
    let (Some(expires), Some(nonce), Some(mac), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("验证题已失效,请重新打开举报页面".into());
    };
    let expires: i64 = expires
        .parse()
        .map_err(|_| "验证题已失效,请重新打开举报页面".to_string())?;
    if now > expires {
        return Err("验证题已过期(两小时内有效),请重新回答新的验证题".into());
    }
    let answer = answer.trim();
    let n: i64 = answer
        .parse()
        .ok()
        .or_else(|| chinese_number(answer))
        .ok_or("请用数字回答验证题,如 7")?;
    let expected = sign(secret, &format!("{n}.{expires}.{nonce}"));
    // constant-time comparison of the two MACs
    let same = expected.len() == mac.len()
        && expected
            .bytes()
            .zip(mac.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0;
    if !same {
        return Err("验证题的答案不对,请重新计算后再提交".into());
    }
    Ok(nonce.to_string())
}

/// 一 .. 十八 written in Chinese (an answer may be written so).
fn chinese_number(s: &str) -> Option<i64> {
    let digit = |c: char| {
        DIGITS
            .iter()
            .position(|d| d.starts_with(c))
            .map(|i| i as i64)
    };
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        ['十', d] => Some(10 + digit(*d)?),
        [d] => digit(*d),
        _ => None,
    }
}

/// One act on a report by a handler.
#[derive(Debug, Clone, PartialEq)]
pub enum Act {
    /// 分派: give it to a handler (oneself or another).
    Assign { to: i64, name: String },
    /// 核实中.
    Check,
    /// 转交: hand it on, with a note.
    Escalate { to: i64, name: String, note: String },
    /// 已处理: close it, with the result the reader reads.
    Resolve { outcome: Outcome, result: String },
}

impl Act {
    /// The record's action name.
    pub fn action(&self) -> &'static str {
        match self {
            Act::Assign { .. } => "report_assign",
            Act::Check => "report_check",
            Act::Escalate { .. } => "report_escalate",
            Act::Resolve { .. } => "report_resolve",
        }
    }
}

/// The report after `act`, or why it may not be taken. Pure.
pub fn apply(r: &Report, act: &Act, now: i64) -> Result<Report, String> {
    if r.state == State::Done {
        return Err(format!(
            "举报 {} 已处理完毕({}),不能再更改",
            r.receipt,
            r.outcome.map_or("", Outcome::label)
        ));
    }
    let mut n = r.clone();
    n.updated_at = now;
    match act {
        Act::Assign { to, name } => {
            n.assignee_id = Some(*to);
            n.assignee = name.clone();
        }
        Act::Check => n.state = State::Checking,
        Act::Escalate { to, name, note } => {
            if note.trim().is_empty() {
                return Err("转交须写明原因(如:涉及稿件撤稿,请签发人处理)".into());
            }
            n.state = State::Escalated;
            n.assignee_id = Some(*to);
            n.assignee = name.clone();
        }
        Act::Resolve { outcome, result } => {
            let len = result.trim().chars().count();
            if len == 0 {
                return Err(match outcome {
                    Outcome::Rejected => "不予处理须写明理由,举报人查询时可以看到".into(),
                    _ => "请填写处理结果,举报人查询时可以看到".into(),
                });
            }
            if len > MAX_DESCRIPTION {
                return Err(format!("处理结果最多 {MAX_DESCRIPTION} 个字"));
            }
            n.state = State::Done;
            n.outcome = Some(*outcome);
            n.result = result.trim().to_string();
            n.handled_at = Some(now);
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(state: State) -> Report {
        Report {
            id: 1,
            receipt: receipt(1_733_000_000, &[7; 8]),
            site_id: "main".into(),
            url: "/zw/1.html".into(),
            article_id: Some(1),
            category: Category::Rumor,
            description: "标题与事实不符".into(),
            shots: vec![],
            contact: None,
            contact_until: None,
            created_at: 0,
            due_at: 10 * 86_400,
            state,
            outcome: None,
            assignee_id: None,
            assignee: String::new(),
            result: String::new(),
            handled_at: None,
            updated_at: 0,
        }
    }

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

    #[test]
    fn receipts_are_long_and_readable() {
        let a = receipt(1_733_000_000, &[1, 2, 3, 4, 5, 6, 7, 8]);
        let b = receipt(1_733_000_000, &[1, 2, 3, 4, 5, 6, 7, 9]);
        assert_ne!(a, b);
        assert!(valid_receipt(&a), "{a}");
        assert!(a.starts_with("JB20241201"), "{a}");
        assert!(!valid_receipt("JB2024120100000000O1"));
        assert!(!valid_receipt("x"));
    }

    #[test]
    fn challenges_are_answered_once_in_time() {
        let secret = b"secret";
        let c = challenge(secret, 100, &[2, 3, 9, 9, 9, 9, 9, 9, 9, 9]);
        assert_eq!(c.question, "三 加 四 等于几?");
        assert!(verify(secret, &c.token, "7", 200).is_ok());
        assert!(verify(secret, &c.token, "七", 200).is_ok());
        assert!(
            verify(secret, &c.token, "8", 200)
                .unwrap_err()
                .contains("不对")
        );
        assert!(
            verify(secret, &c.token, "x", 200)
                .unwrap_err()
                .contains("数字")
        );
        assert!(verify(b"other", &c.token, "7", 200).is_err());
        assert!(
            verify(secret, &c.token, "7", 100 + CHALLENGE_SECS + 1)
                .unwrap_err()
                .contains("过期")
        );
        assert!(verify(secret, "garbage", "7", 200).is_err());
        let d = challenge(secret, 100, &[8, 8, 1, 1, 1, 1, 1, 1, 1, 1]);
        assert!(verify(secret, &d.token, "十八", 200).is_ok());
    }

    #[test]
    fn acts_and_deadlines() {
        let r = report(State::New);
        assert_eq!(r.days_left(0), 10);
        assert_eq!(r.days_left(9 * 86_400 + 1), 1);
        assert!(!r.overdue(10 * 86_400 - 1));
        assert!(r.overdue(10 * 86_400));
        assert_eq!(r.days_left(11 * 86_400 + 5), -2);
        let e = Act::Escalate {
            to: 2,
            name: "签发人".into(),
            note: String::new(),
        };
        assert!(apply(&r, &e, 1).unwrap_err().contains("原因"));
        let done = apply(
            &r,
            &Act::Resolve {
                outcome: Outcome::Rejected,
                result: "经核实,报道属实".into(),
            },
            5,
        )
        .unwrap();
        assert_eq!(done.state, State::Done);
        assert!(!done.overdue(100 * 86_400));
        assert!(apply(&done, &Act::Check, 6).unwrap_err().contains("已处理"));
        assert!(
            apply(
                &r,
                &Act::Resolve {
                    outcome: Outcome::Rejected,
                    result: " ".into()
                },
                5
            )
            .unwrap_err()
            .contains("理由")
        );
    }
}
