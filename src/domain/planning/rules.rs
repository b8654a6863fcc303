//! Who may do what in planning: 报题 (pitch), plan (选题, coverages, 派题,
//! the 报题单), see, and act on an assignment as its assignee or its desk.
//! Pure, from the person's roles and scopes (`domain::user`), each refusal
//! with its reason.

use super::assignment::{Action, Who};
use crate::domain::user::User;

/// Whether `u` may 报题 to site `site_id`: anyone who writes with a scope in
/// that site; or, 市县联动, anyone who writes for a county site pitching to
/// the city's main site (`main_site`).
pub fn may_pitch(u: &User, site_id: &str, main_site: &str) -> Result<(), String> {
    if u.is_admin() || (u.writes() && u.scopes.iter().any(|s| s.site_id == site_id)) {
        return Ok(());
    }
    if site_id == main_site && u.writes() && !u.scopes.is_empty() {
        return Ok(());
    }
    Err("你不能向这个站点报题(需要该站点的采编范围;县区采编人员可以向市级站点报题)".into())
}

/// Whether `u` plans for (site, channel): turns pitches into 选题, edits
/// them and their coverages, assigns, reassigns and cancels, arranges the
/// 报题单. An editor whose scope covers the channel.
pub fn may_plan(u: &User, site_id: &str, channel_path: &str) -> Result<(), String> {
    if u.is_editor() && u.may_work_in(site_id, channel_path) {
        Ok(())
    } else {
        Err("只有负责这个栏目的编辑可以策划选题和派题".into())
    }
}

/// Whether `u` plans for some channel of `site_id`: sees its 报题单, its
/// pitches and its board.
pub fn may_plan_site(u: &User, site_id: &str) -> bool {
    u.is_admin() || (u.is_editor() && u.writes() && u.scopes.iter().any(|s| s.site_id == site_id))
}

/// What a plan shows of who is involved, for `may_see`.
#[derive(Debug, Clone, Default)]
pub struct Involved<'a> {
    pub site_id: &'a str,
    pub channel_path: &'a str,
    /// Who pitched it (if it came from a 报题).
    pub proposer: Option<i64>,
    /// The people its coverages are assigned to.
    pub assignees: &'a [i64],
}

/// Whether `u` sees a plan: its desk's editors; the person who pitched it
/// and the people it is assigned to (a reporter sees his own); nobody else
/// (a county desk sees the city's plans only where it pitched or is assigned).
pub fn may_see(u: &User, plan: &Involved<'_>) -> bool {
    may_plan(u, plan.site_id, plan.channel_path).is_ok()
        || plan.proposer == Some(u.id)
        || plan.assignees.contains(&u.id)
}

/// Who a person is to an assignment for `action`, given whether they are
/// its assignee (`is_assignee`) and plan it (`may_plan`): someone who is
/// both is whichever the step needs.
pub fn who(action: Action, is_assignee: bool, plans_it: bool) -> Who {
    let desk_step = matches!(action, Action::Reassign | Action::Cancel);
    match (is_assignee, plans_it) {
        (true, true) if desk_step => Who::Desk,
        (true, _) => Who::Assignee,
        (false, true) => Who::Desk,
        (false, false) => Who::Other,
    }
}

/// The desks whose assignments count as `u`'s: the (site, channel) scopes
/// he works in (`None`: the whole site).
pub fn desks_of(u: &User) -> Vec<(String, Option<String>)> {
    u.scopes
        .iter()
        .map(|s| (s.site_id.clone(), s.channel_path.clone()))
        .collect()
}

/// Whether `u` is the assignee of an assignment given to person
/// `assignee` or to the desk (`desk_site`, `desk_channel`).
pub fn is_assignee(u: &User, assignee: Option<i64>, desk: Option<(&str, &str)>) -> bool {
    assignee == Some(u.id) || desk.is_some_and(|(site, channel)| u.may_work_in(site, channel))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::user::{Role, Scope};

    fn user(id: i64, roles: &[Role], scopes: &[(&str, Option<&str>)]) -> User {
        User {
            id,
            username: format!("u{id}"),
            display_name: format!("用户{id}"),
            roles: roles.to_vec(),
            scopes: scopes
                .iter()
                .map(|(s, c)| Scope {
                    site_id: (*s).into(),
                    channel_path: c.map(String::from),
                })
                .collect(),
            active: true,
        }
    }

    #[test]
    fn pitching_planning_and_seeing_follow_roles_and_scopes() {
        let reporter = user(1, &[Role::Reporter], &[("main", None)]);
        let zw_editor = user(2, &[Role::Editor], &[("main", Some("zw"))]);
        let county = user(3, &[Role::Editor], &[("zouping", None)]);
        let admin = user(4, &[Role::Admin], &[]);
        let curator = user(5, &[Role::Curator], &[("main", None)]);
        // 报题
        assert!(may_pitch(&reporter, "main", "main").is_ok());
        assert!(may_pitch(&reporter, "zouping", "main").is_err());
        assert!(may_pitch(&county, "zouping", "main").is_ok());
        assert!(
            may_pitch(&county, "main", "main").is_ok(),
            "市县联动: county desks pitch upward"
        );
        assert!(
            may_pitch(&county, "boxing", "main").is_err(),
            "not sideways"
        );
        assert!(
            may_pitch(&curator, "main", "main").is_err(),
            "a curator does not write"
        );
        assert!(may_pitch(&admin, "boxing", "main").is_ok());
        // planning a channel
        assert!(may_plan(&zw_editor, "main", "zw/yw").is_ok());
        assert!(may_plan(&zw_editor, "main", "sh").is_err());
        assert!(
            may_plan(&reporter, "main", "zw").is_err(),
            "reporters pitch, editors plan"
        );
        assert!(may_plan(&county, "main", "zw").is_err());
        assert!(may_plan(&admin, "main", "sh").is_ok());
        assert!(may_plan_site(&zw_editor, "main"));
        assert!(!may_plan_site(&reporter, "main"));
        assert!(!may_plan_site(&county, "main"));
        assert!(!may_plan_site(&curator, "main"));
        // seeing a plan of 社会民生 pitched by the county, assigned to the reporter
        let plan = Involved {
            site_id: "main",
            channel_path: "sh",
            proposer: Some(3),
            assignees: &[1],
        };
        assert!(may_see(&reporter, &plan));
        assert!(may_see(&county, &plan));
        assert!(may_see(&admin, &plan));
        assert!(!may_see(&zw_editor, &plan), "another channel's editor");
        assert!(!may_see(&curator, &plan));
    }

    /// Every person × every desk × pitch and plan, against a table: a
    /// reporter pitches where he works and plans nowhere; an editor plans
    /// within his scope; a county desk pitches to the city, never sideways;
    /// a curator neither; an administrator everywhere.
    #[test]
    fn who_may_pitch_and_plan_is_exactly_the_table() {
        let people = [
            user(1, &[Role::Reporter], &[("main", None)]),
            user(2, &[Role::Reporter], &[("zouping", None)]),
            user(3, &[Role::Editor], &[("main", Some("zw"))]),
            user(4, &[Role::Editor], &[("main", None)]),
            user(5, &[Role::Editor], &[("zouping", None)]),
            user(6, &[Role::Signer], &[("main", None)]),
            user(7, &[Role::Curator], &[("main", None)]),
            user(8, &[Role::Admin], &[]),
        ];
        let desks = [
            ("main", "zw/yw"),
            ("main", "sh"),
            ("zouping", "zw"),
            ("boxing", "zw"),
        ];
        // per person, per desk: (may pitch, may plan)
        const T: bool = true;
        const F: bool = false;
        let table: [[(bool, bool); 4]; 8] = [
            [(T, F), (T, F), (F, F), (F, F)],
            [(T, F), (T, F), (T, F), (F, F)],
            [(T, T), (T, F), (F, F), (F, F)],
            [(T, T), (T, T), (F, F), (F, F)],
            [(T, F), (T, F), (T, T), (F, F)],
            [(T, T), (T, T), (F, F), (F, F)],
            [(F, F), (F, F), (F, F), (F, F)],
            [(T, T), (T, T), (T, T), (T, T)],
        ];
        for (p, row) in people.iter().zip(table) {
            for ((site, channel), (pitch, plan)) in desks.iter().zip(row) {
                assert_eq!(
                    may_pitch(p, site, "main").is_ok(),
                    pitch,
                    "{} pitching to {site}/{channel}",
                    p.id
                );
                assert_eq!(
                    may_plan(p, site, channel).is_ok(),
                    plan,
                    "{} planning {site}/{channel}",
                    p.id
                );
            }
        }
    }

    #[test]
    fn an_assignee_who_also_plans_is_whichever_the_step_needs() {
        let editor = user(2, &[Role::Editor], &[("main", None)]);
        assert_eq!(who(Action::Accept, true, true), Who::Assignee);
        assert_eq!(who(Action::Cancel, true, true), Who::Desk);
        assert_eq!(who(Action::Reassign, false, true), Who::Desk);
        assert_eq!(who(Action::Accept, false, false), Who::Other);
        // a desk assignment: anyone who works in that channel takes it up
        assert!(is_assignee(&editor, None, Some(("main", "sh"))));
        assert!(!is_assignee(&editor, None, Some(("zouping", "zw"))));
        assert!(is_assignee(&editor, Some(2), None));
        assert!(!is_assignee(&editor, Some(9), None));
    }
}
