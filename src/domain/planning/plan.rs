//! 选题 (a plan) and its coverages, and 报题 (a pitch: a plan proposed, not
//! yet taken). Learned from superdesk-planning's planning items: a
//! slugline, a description, a day (or undated), the desk it is for, a
//! priority, and what will cover it (文字, 图片/图集, 视频, 直播), each with
//! its IPTC news-coverage status and planned time. Pure: the form checked,
//! the pitch's decision taken, each refusal with its reason.

use chrono::NaiveDate;

use crate::domain::kind::{Kind, Part};
use crate::domain::text::{clean_block, clean_line};

pub const MAX_SLUG_CHARS: usize = 40;
pub const MAX_DESCRIPTION_CHARS: usize = 2000;
pub const MAX_NOTE_CHARS: usize = 200;
pub const MAX_REASON_CHARS: usize = 200;
/// A plan's coverages: more is a second plan.
pub const MAX_COVERAGES: usize = 8;

/// What a coverage delivers; the story it starts is of the matching kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Medium {
    Text,
    Pictures,
    Video,
    Live,
}

impl Medium {
    pub const ALL: [Medium; 4] = [Medium::Text, Medium::Pictures, Medium::Video, Medium::Live];

    pub fn as_str(self) -> &'static str {
        match self {
            Medium::Text => "text",
            Medium::Pictures => "pictures",
            Medium::Video => "video",
            Medium::Live => "live",
        }
    }

    pub fn parse(s: &str) -> Option<Medium> {
        Medium::ALL.into_iter().find(|m| m.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Medium::Text => "文字",
            Medium::Pictures => "图片/图集",
            Medium::Video => "视频",
            Medium::Live => "直播",
        }
    }

    /// The kind of story an assignment of this coverage starts: text is
    /// the default kind; pictures, video and live the kind that keeps a
    /// gallery, a video, live entries (the kinds say what they keep, so a
    /// new kind needs no change here).
    pub fn kind(self) -> Kind {
        let part = match self {
            Medium::Text => return Kind::default(),
            Medium::Pictures => Part::Gallery,
            Medium::Video => Part::Video,
            Medium::Live => Part::Live,
        };
        Kind::ALL
            .into_iter()
            .find(|k| k.spec().listed && k.spec().parts.contains(&part))
            .unwrap_or_default()
    }
}

/// A coverage's status, after the IPTC news-coverage-status vocabulary
/// (`ncostat:int`, `ncostat:onreq`, `ncostat:notint`) and superdesk's
/// cancelled workflow state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoverageStatus {
    /// 计划中: coverage intended.
    Planned,
    /// 视情况: on request, if it happens.
    OnRequest,
    /// 不安排: not intended.
    NotPlanned,
    /// 已取消.
    Cancelled,
}

impl CoverageStatus {
    pub const ALL: [CoverageStatus; 4] = [
        CoverageStatus::Planned,
        CoverageStatus::OnRequest,
        CoverageStatus::NotPlanned,
        CoverageStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CoverageStatus::Planned => "planned",
            CoverageStatus::OnRequest => "on_request",
            CoverageStatus::NotPlanned => "not_planned",
            CoverageStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<CoverageStatus> {
        CoverageStatus::ALL.into_iter().find(|m| m.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            CoverageStatus::Planned => "计划中",
            CoverageStatus::OnRequest => "视情况",
            CoverageStatus::NotPlanned => "不安排",
            CoverageStatus::Cancelled => "已取消",
        }
    }

    /// The IPTC qcode (exports and the API say it).
    pub fn qcode(self) -> &'static str {
        match self {
            CoverageStatus::Planned => "ncostat:int",
            CoverageStatus::OnRequest => "ncostat:onreq",
            CoverageStatus::NotPlanned | CoverageStatus::Cancelled => "ncostat:notint",
        }
    }

    /// Whether it may be assigned.
    pub fn assignable(self) -> bool {
        matches!(self, CoverageStatus::Planned | CoverageStatus::OnRequest)
    }
}

/// Where a plan stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanState {
    /// 待定: a 报题 waiting for the desk.
    Pitched,
    /// 已立项: a 选题, on its day's 报题单.
    Planned,
    /// 未采用: declined, with a reason the proposer sees.
    Declined,
    /// 已合并 into another plan.
    Merged,
    /// 已撤销 by the desk.
    Cancelled,
}

impl PlanState {
    pub const ALL: [PlanState; 5] = [
        PlanState::Pitched,
        PlanState::Planned,
        PlanState::Declined,
        PlanState::Merged,
        PlanState::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PlanState::Pitched => "pitched",
            PlanState::Planned => "planned",
            PlanState::Declined => "declined",
            PlanState::Merged => "merged",
            PlanState::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<PlanState> {
        PlanState::ALL.into_iter().find(|m| m.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            PlanState::Pitched => "待定报题",
            PlanState::Planned => "已立项",
            PlanState::Declined => "未采用",
            PlanState::Merged => "已合并",
            PlanState::Cancelled => "已撤销",
        }
    }
}

/// 重点 / 一般 / 备选.
pub fn priority_label(p: i64) -> &'static str {
    match p {
        1 => "重点",
        2 => "一般",
        _ => "备选",
    }
}

/// A coverage as the form gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverageInput {
    pub medium: Medium,
    pub status: CoverageStatus,
    /// Planned time of day, `HH:MM`, or empty.
    pub time: String,
    pub note: String,
}

/// A plan (or pitch) as the form gives it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanInput {
    pub slug: String,
    pub description: String,
    /// `None`: undated (待定日期).
    pub day: Option<NaiveDate>,
    pub channel_path: String,
    /// 1 重点, 2 一般, 3 备选.
    pub priority: i64,
    pub coverages: Vec<CoverageInput>,
}

/// The raw form fields of a plan.
#[derive(Debug, Clone, Default)]
pub struct PlanForm<'a> {
    pub slug: &'a str,
    pub description: &'a str,
    pub day: &'a str,
    pub channel_path: &'a str,
    pub priority: &'a str,
    /// (medium, status, time, note) per coverage row; rows with no medium
    /// are the form's empty spares and ignored.
    pub coverages: Vec<(&'a str, &'a str, &'a str, &'a str)>,
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// `HH:MM` (24-hour), or empty.
fn check_time(s: &str) -> Result<String, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(String::new());
    }
    chrono::NaiveTime::parse_from_str(s, "%H:%M")
        .map(|t| t.format("%H:%M").to_string())
        .map_err(|_| format!("计划时间“{s}”须写成 时:分,如 09:30"))
}

/// Check a plan's form: everything a person must fix, in one message.
pub fn check_plan(f: &PlanForm<'_>) -> Result<PlanInput, String> {
    let slug = clean_line(f.slug).trim().to_string();
    if slug.is_empty() {
        return Err("请填写选题名称(一句话说明报道什么)".into());
    }
    if chars(&slug) > MAX_SLUG_CHARS {
        return Err(format!("选题名称不能超过 {MAX_SLUG_CHARS} 个字"));
    }
    let description = clean_block(f.description).trim().to_string();
    if chars(&description) > MAX_DESCRIPTION_CHARS {
        return Err(format!("选题说明不能超过 {MAX_DESCRIPTION_CHARS} 个字"));
    }
    let day = match f.day.trim() {
        "" => None,
        d => Some(
            NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| format!("日期“{d}”须写成 年-月-日,如 2024-06-01"))?,
        ),
    };
    let channel_path = f.channel_path.trim().to_string();
    if channel_path.is_empty() {
        return Err("请选择选题所属的栏目".into());
    }
    let priority = match f.priority.trim() {
        "" => 2,
        p => p
            .parse::<i64>()
            .ok()
            .filter(|p| (1..=3).contains(p))
            .ok_or("优先级须是重点、一般或备选")?,
    };
    let mut coverages = Vec::new();
    for (medium, status, time, note) in &f.coverages {
        if medium.trim().is_empty() {
            continue;
        }
        let medium = Medium::parse(medium.trim()).ok_or("报道形式须是文字、图片、视频或直播")?;
        let status = match status.trim() {
            "" => CoverageStatus::Planned,
            s => CoverageStatus::parse(s).ok_or("报道状态须是计划中、视情况、不安排或已取消")?,
        };
        let note = clean_line(note).trim().to_string();
        if chars(&note) > MAX_NOTE_CHARS {
            return Err(format!("报道要求不能超过 {MAX_NOTE_CHARS} 个字"));
        }
        coverages.push(CoverageInput {
            medium,
            status,
            time: check_time(time)?,
            note,
        });
    }
    if coverages.len() > MAX_COVERAGES {
        return Err(format!(
            "一个选题最多 {MAX_COVERAGES} 项报道,更多请另立选题"
        ));
    }
    Ok(PlanInput {
        slug,
        description,
        day,
        channel_path,
        priority,
        coverages,
    })
}

/// What the desk does with a pitch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PitchAction {
    /// 采用: it becomes a plan.
    Accept,
    /// 合并 into another plan of the same site (its coverages join it).
    Merge,
    /// 不采用, with a reason.
    Decline,
}

impl PitchAction {
    pub fn label(self) -> &'static str {
        match self {
            PitchAction::Accept => "采用",
            PitchAction::Merge => "合并",
            PitchAction::Decline => "不采用",
        }
    }
}

/// The state a pitch in `from` goes to by `action`, or why not.
pub fn decide_pitch(
    from: PlanState,
    action: PitchAction,
    reason: &str,
) -> Result<PlanState, String> {
    if from != PlanState::Pitched {
        return Err(format!("这条报题{},不能再{}", from.label(), action.label()));
    }
    let reason = reason.trim();
    if chars(reason) > MAX_REASON_CHARS {
        return Err(format!("理由不能超过 {MAX_REASON_CHARS} 个字"));
    }
    match action {
        PitchAction::Accept => Ok(PlanState::Planned),
        PitchAction::Merge => Ok(PlanState::Merged),
        PitchAction::Decline if reason.is_empty() => Err("请写明不采用的理由(报题人会看到)".into()),
        PitchAction::Decline => Ok(PlanState::Declined),
    }
}

/// A reason (退回, 取消, 不采用, 撤销) as stored: one line, bounded.
pub fn check_reason(reason: &str, what: &str) -> Result<String, String> {
    let r = clean_line(reason).trim().to_string();
    if r.is_empty() {
        return Err(format!("请写明{what}的理由"));
    }
    if chars(&r) > MAX_REASON_CHARS {
        return Err(format!("理由不能超过 {MAX_REASON_CHARS} 个字"));
    }
    Ok(r)
}

/// A new order of a day's 报题单: `wanted` must be exactly the plans on it
/// (`current`), each once; else the list changed meanwhile (someone added or
/// moved a plan) and the arranger reloads.
pub fn check_order(current: &[i64], wanted: &[i64]) -> Result<(), String> {
    let mut a = current.to_vec();
    let mut b = wanted.to_vec();
    a.sort_unstable();
    b.sort_unstable();
    if a != b {
        return Err("报题单刚被他人修改过(增减或调整了选题),请刷新后再排序".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form<'a>() -> PlanForm<'a> {
        PlanForm {
            slug: " 黄河大集开集 ",
            description: "惠民县黄河大集,记者现场采访",
            day: "2024-06-01",
            channel_path: "zw/yw",
            priority: "1",
            coverages: vec![
                ("text", "planned", "10:00", "一千字"),
                ("video", "on_request", "", ""),
                ("", "", "", ""),
            ],
        }
    }

    #[test]
    fn a_plan_form_is_checked_and_cleaned() {
        let p = check_plan(&form()).unwrap();
        assert_eq!(p.slug, "黄河大集开集");
        assert_eq!(p.day, NaiveDate::from_ymd_opt(2024, 6, 1));
        assert_eq!(p.coverages.len(), 2, "the empty spare row is ignored");
        assert_eq!(p.coverages[1].status, CoverageStatus::OnRequest);
        assert_eq!(p.coverages[0].time, "10:00");
        let undated = check_plan(&PlanForm { day: "", ..form() }).unwrap();
        assert_eq!(undated.day, None);
        for (bad, says) in [
            (
                PlanForm {
                    slug: " ",
                    ..form()
                },
                "选题名称",
            ),
            (
                PlanForm {
                    day: "6月1日",
                    ..form()
                },
                "年-月-日",
            ),
            (
                PlanForm {
                    channel_path: "",
                    ..form()
                },
                "栏目",
            ),
            (
                PlanForm {
                    priority: "9",
                    ..form()
                },
                "优先级",
            ),
            (
                PlanForm {
                    coverages: vec![("text", "", "25:99", "")],
                    ..form()
                },
                "时:分",
            ),
            (
                PlanForm {
                    coverages: vec![("radio", "", "", "")],
                    ..form()
                },
                "报道形式",
            ),
            (
                PlanForm {
                    coverages: vec![("text", "", "", ""); 9],
                    ..form()
                },
                "最多",
            ),
        ] {
            let why = check_plan(&bad).unwrap_err();
            assert!(why.contains(says), "{why}");
        }
        let long = "长".repeat(MAX_SLUG_CHARS + 1);
        assert!(
            check_plan(&PlanForm {
                slug: &long,
                ..form()
            })
            .is_err()
        );
    }

    #[test]
    fn a_pitch_is_taken_merged_or_declined_once() {
        use PitchAction as A;
        use PlanState as S;
        assert_eq!(decide_pitch(S::Pitched, A::Accept, ""), Ok(S::Planned));
        assert_eq!(decide_pitch(S::Pitched, A::Merge, ""), Ok(S::Merged));
        assert!(
            decide_pitch(S::Pitched, A::Decline, " ")
                .unwrap_err()
                .contains("理由")
        );
        assert_eq!(
            decide_pitch(S::Pitched, A::Decline, "重复"),
            Ok(S::Declined)
        );
        for s in [S::Planned, S::Declined, S::Merged, S::Cancelled] {
            for a in [A::Accept, A::Merge, A::Decline] {
                assert!(decide_pitch(s, a, "x").is_err(), "{s:?} {a:?}");
            }
        }
        for s in PlanState::ALL {
            assert_eq!(PlanState::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn a_new_order_must_hold_exactly_the_plans_on_the_list() {
        assert!(check_order(&[1, 2, 3], &[3, 1, 2]).is_ok());
        assert!(check_order(&[1, 2, 3], &[3, 1]).is_err());
        assert!(check_order(&[1, 2], &[1, 2, 2]).is_err());
        assert!(check_order(&[1, 2], &[1, 4]).is_err());
    }

    #[test]
    fn statuses_and_media_round_trip_and_say_their_iptc_code() {
        for s in CoverageStatus::ALL {
            assert_eq!(CoverageStatus::parse(s.as_str()), Some(s));
            assert!(s.qcode().starts_with("ncostat:"));
        }
        assert!(!CoverageStatus::NotPlanned.assignable());
        for m in Medium::ALL {
            assert_eq!(Medium::parse(m.as_str()), Some(m));
        }
        let names: Vec<&str> = Medium::ALL.iter().map(|m| m.kind().spec().name).collect();
        assert_eq!(names, ["text", "gallery", "video", "live"]);
    }
}
