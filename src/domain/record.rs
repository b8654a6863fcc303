//! The publication record's words: the Chinese label of every recorded action
//! and state, as a regulator reads them. No I/O.

use super::workflow::level_name;

/// Every action the record holds, with its label, in the order the filter lists them.
pub const ACTIONS: &[(&str, &str)] = &[
    ("submit", "提交审核"),
    ("approve", "审核通过/签发"),
    ("reject", "退回"),
    ("recall", "撤回"),
    ("withdraw", "撤稿"),
    ("restore", "恢复发布"),
    ("publish", "定时发布"),
    ("unschedule", "取消定时"),
    ("reschedule", "改定时"),
    ("publish_now", "立即发布"),
    ("revise", "修改已发布稿件"),
    ("edit", "修改"),
    ("import", "导入"),
    ("login", "登录"),
    ("login_failed", "登录失败"),
    ("password_change", "修改密码"),
    ("user_create", "创建用户"),
    ("user_update", "修改用户"),
    ("password_reset", "重置密码"),
    ("user_unlock", "解除登录限制"),
    ("site_settings", "修改站点设置"),
    ("channel_create", "创建栏目"),
    ("channel_update", "修改栏目"),
    ("word_add", "添加敏感词"),
    ("word_delete", "删除敏感词"),
    ("deputy_add", "指定代签人"),
    ("deputy_remove", "取消代签人"),
    ("slot_create", "创建推荐位"),
    ("slot_update", "修改推荐位"),
    ("slot_place", "放入推荐位"),
    ("slot_remove", "移出推荐位"),
    ("slot_reorder", "调整推荐位顺序"),
    ("slot_pin", "固定推荐位置"),
    ("slot_unpin", "取消固定"),
    ("slot_expiry", "设置推荐下线时间"),
    ("slot_expired", "推荐到期下线"),
    ("picture_upload", "上传图片"),
    ("picture_edit", "修改图片信息"),
    ("video_upload", "上传视频"),
    ("video_subtitles", "上传字幕"),
    ("live_entry_add", "撰写直播条目"),
    ("live_entry_approve", "审核直播条目"),
    ("live_entry_pin", "置顶直播条目"),
    ("live_entry_key", "标记直播要点"),
    ("live_entry_correct_propose", "提出直播更正"),
    ("live_entry_correct", "更正直播条目"),
    ("live_entry_correct_drop", "撤回直播更正"),
    ("live_entry_remove", "删除直播条目"),
    ("live_start", "开始直播"),
    ("live_end", "结束直播"),
    ("report_filed", "受理举报"),
    ("report_assign", "分派举报"),
    ("report_check", "核实举报"),
    ("report_escalate", "转交举报"),
    ("report_resolve", "办结举报"),
    ("rank_remove", "移出热点排行"),
    ("rank_restore", "恢复进入排行"),
    ("plan_pitch", "报题"),
    ("plan_create", "新建选题"),
    ("plan_update", "修改选题"),
    ("plan_accept", "采用报题"),
    ("plan_merge", "合并报题"),
    ("plan_decline", "不采用报题"),
    ("plan_cancel", "撤销选题"),
    ("plan_budget_order", "调整报题单顺序"),
    ("plan_budget_final", "报题单定稿"),
    ("plan_assign", "派题"),
    ("plan_assign_accept", "接受派题"),
    ("plan_assign_start", "开始写稿"),
    ("plan_assign_handback", "退回派题"),
    ("plan_assign_reassign", "改派"),
    ("plan_assign_cancel", "取消派题"),
    ("plan_assign_file", "派题交稿"),
    ("plan_assign_reopen", "派题重新写稿"),
    ("plan_assign_done", "派题完成"),
    ("plan_tip_add", "登记线索"),
    ("plan_tip_filed", "受理读者报料"),
    ("plan_tip_dismiss", "搁置线索"),
    ("plan_roster_add", "排班"),
    ("plan_roster_remove", "取消排班"),
    ("plan_roster_signs", "值班代签设置"),
    ("plan_hook_add", "添加群机器人"),
    ("plan_hook_remove", "删除群机器人"),
    ("api_key_add", "创建 API 密钥"),
    ("api_key_revoke", "吊销 API 密钥"),
];

/// The groups of actions the record is filtered by (or excludes): key,
/// label, and the prefixes or names of the actions in it.
pub const GROUPS: &[(&str, &str)] = &[
    ("story", "稿件流转"),
    ("account", "账号与登录"),
    ("settings", "设置"),
    ("slots", "推荐位"),
    ("reports", "举报"),
    ("live", "直播"),
    ("media", "图片与视频"),
    ("rank", "热点排行"),
    ("planning", "策划指挥"),
];

/// The group of an action (`GROUPS`' key).
pub fn group_of(action: &str) -> &'static str {
    match action {
        a if a.starts_with("slot_") => "slots",
        a if a.starts_with("report_") => "reports",
        a if a.starts_with("rank_") => "rank",
        a if a.starts_with("plan_") => "planning",
        a if a.starts_with("live_") => "live",
        a if a.starts_with("picture_") || a.starts_with("video_") => "media",
        "login" | "login_failed" | "password_change" | "user_create" | "user_update"
        | "password_reset" | "user_unlock" | "deputy_add" | "deputy_remove" => "account",
        "site_settings" | "channel_create" | "channel_update" | "word_add" | "word_delete" => {
            "settings"
        }
        _ => "story",
    }
}

/// The actions of group `key`.
pub fn group_actions(key: &str) -> Vec<String> {
    ACTIONS
        .iter()
        .filter(|(a, _)| group_of(a) == key)
        .map(|(a, _)| (*a).to_string())
        .collect()
}

/// The label of a recorded action; a sign-off is an approval that left review.
pub fn action_label(action: &str, to_state: &str) -> String {
    if action == "approve" {
        return if to_state.ends_with("/idle") || to_state.ends_with("/scheduled") {
            "签发".into()
        } else {
            "审核通过".into()
        };
    }
    ACTIONS
        .iter()
        .find(|(a, _)| *a == action)
        .map_or_else(|| format!("其他操作({action})"), |(_, l)| (*l).to_string())
}

/// The label of a recorded state (`Flow::name`, e.g. `live/review2`) for a
/// story whose channel has `levels` review levels; empty for none.
pub fn state_label(name: &str, levels: u8) -> String {
    let Some((public, work)) = name.split_once('/') else {
        return String::new();
    };
    let work = match work {
        "idle" => String::new(),
        "draft" => "草稿".into(),
        "scheduled" => "已签发,定时发布".into(),
        w => match w.strip_prefix("review").and_then(|n| n.parse::<u8>().ok()) {
            Some(l) => format!("待{}", level_name(l, levels.max(l))),
            None => w.to_string(),
        },
    };
    match (public, work.is_empty()) {
        ("live", true) => "已发布".into(),
        ("live", false) => format!("已发布(修改稿{work})"),
        ("withdrawn", true) => "已撤稿".into(),
        ("withdrawn", false) => format!("已撤稿(修改稿{work})"),
        (_, true) => "未发布".into(),
        (_, false) => work,
    }
}

/// What a non-story act was done to, in words (`user:alice` → `用户 alice`).
pub fn subject_label(subject: &str) -> String {
    match subject.split_once(':') {
        Some(("user", name)) => format!("用户 {name}"),
        Some(("site", id)) => format!("站点 {id}"),
        Some(("channel", path)) => format!("栏目 {path}"),
        Some(("slot", key)) => format!("推荐位 {key}"),
        Some(("plan", id)) => format!("选题 {id}"),
        Some(("tip", id)) => format!("线索 {id}"),
        Some(("budget", key)) => format!("报题单 {key}"),
        Some(("roster", site)) => format!("值班表 {site}"),
        Some(("hook", site)) => format!("群机器人 {site}"),
        _ => match subject {
            "words" => "敏感词表".into(),
            "import" => "稿件导入".into(),
            other => other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::workflow::{Flow, Public, Work};

    #[test]
    fn every_action_is_in_one_named_group() {
        for (a, _) in ACTIONS {
            let g = group_of(a);
            assert!(GROUPS.iter().any(|(k, _)| *k == g), "{a} in {g}");
        }
        assert_eq!(group_of("login"), "account");
        assert_eq!(group_of("approve"), "story");
        assert_eq!(group_of("live_entry_correct"), "live");
        assert!(group_actions("account").contains(&"login_failed".to_string()));
        let all: usize = GROUPS.iter().map(|(k, _)| group_actions(k).len()).sum();
        assert_eq!(all, ACTIONS.len());
    }

    #[test]
    fn every_state_name_has_a_chinese_label() {
        for public in [Public::Never, Public::Live, Public::Withdrawn] {
            for work in [
                Work::Idle,
                Work::Draft,
                Work::Review { level: 1 },
                Work::Review { level: 3 },
                Work::Scheduled { at: 0 },
            ] {
                let name = Flow { public, work }.name();
                let label = state_label(&name, 3);
                assert!(!label.is_empty(), "{name}");
                assert!(
                    !label.chars().any(|c| c.is_ascii_alphabetic()),
                    "{name}: {label}"
                );
            }
        }
        assert_eq!(state_label("live/idle", 3), "已发布");
        assert_eq!(state_label("unpublished/review3", 3), "待终审(签发)");
        assert_eq!(state_label("unpublished/review2", 3), "待复审");
        assert_eq!(state_label("", 3), "");
    }

    #[test]
    fn actions_have_labels_and_sign_off_is_told_apart() {
        for (a, _) in ACTIONS {
            assert!(!action_label(a, "").contains('('), "{a}");
        }
        assert_eq!(action_label("approve", "live/idle"), "签发");
        assert_eq!(action_label("approve", "unpublished/review2"), "审核通过");
        assert_eq!(action_label("approve", "unpublished/scheduled"), "签发");
    }
}
