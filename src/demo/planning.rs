//! The demo's morning (issue 26): the newsroom's staff, today's 值班, tips
//! (a reader's 报料, a press conference, an editor's note), and today's
//! 报题单 with plans and assignments in several states: taken up, offered,
//! writing, a county's pitch to the city waiting, one declined. Made only
//! by `serve --demo` (it is dated today) and only once. The staff have no
//! password: an administrator gives one (`gazette user passwd NAME`)
//! before anyone signs in as them.

use crate::db::{Actor, Assignee, NewUser, PlanFilter, Proposer, Store};
use crate::domain::draft::Draft;
use crate::domain::planning::assignment::{Action, State};
use crate::domain::planning::plan::{PitchAction, PlanForm, PlanState, check_plan};
use crate::domain::planning::roster::{Duty, Shift};
use crate::domain::planning::tip::{TipKind, check_tip};
use crate::domain::text::to_cst;
use crate::domain::user::{Role, Scope, User};

/// One of the demo's staff: username, display name, roles, site, channel.
type Staff = (
    &'static str,
    &'static str,
    &'static [Role],
    &'static str,
    Option<&'static str>,
);

const STAFF: &[Staff] = &[
    ("wangli", "王丽", &[Role::Reporter], "main", None),
    ("dingchungui", "丁春贵", &[Role::Reporter], "main", None),
    (
        "yanxiaoliang",
        "闫晓亮",
        &[Role::Editor, Role::Signer],
        "main",
        None,
    ),
    ("liqiang", "李强", &[Role::Editor], "zouping", None),
];

async fn staff(store: &dyn Store, now: i64) -> anyhow::Result<Vec<User>> {
    let mut out = Vec::new();
    for (name, display, roles, site, channel) in STAFF {
        let id = match store.user_with_hash(name).await? {
            Some((u, _)) => u.id,
            None => {
                store
                    .create_user(
                        &NewUser {
                            username: (*name).into(),
                            display_name: (*display).into(),
                            // no password signs in with "!": an administrator sets one
                            password_hash: "!".into(),
                            roles: roles.to_vec(),
                            scopes: vec![Scope {
                                site_id: (*site).into(),
                                channel_path: channel.map(String::from),
                            }],
                        },
                        now,
                    )
                    .await?
            }
        };
        if let Some(u) = store.user(id).await? {
            out.push(u);
        }
    }
    Ok(out)
}

fn actor(u: &User) -> Actor {
    Actor {
        id: Some(u.id),
        name: u.display_name.clone(),
        address: String::new(),
    }
}

/// Load the demo's morning (once: nothing when any plan exists).
pub async fn seed(store: &dyn Store, now: i64) -> anyhow::Result<()> {
    let any = store.plans(&PlanFilter::default(), 1).await?;
    if !any.is_empty() {
        return Ok(());
    }
    let people = staff(store, now).await?;
    let [wang, ding, yan, li] = people.as_slice() else {
        anyhow::bail!("the demo's staff were not all made");
    };
    let today = to_cst(now).format("%Y-%m-%d").to_string();
    let morning = to_cst(now).date_naive();
    let at = |h: u32, m: u32| {
        morning
            .and_hms_opt(h, m, 0)
            .and_then(|t| t.and_local_timezone(crate::domain::text::cst()).single())
            .map_or(now, |t| t.timestamp())
    };
    // 值班
    store
        .add_duty(
            "main",
            &today,
            Shift::Day,
            Duty::Chief,
            yan.id,
            &actor(yan),
            now,
        )
        .await?;
    store
        .add_duty(
            "main",
            &today,
            Shift::Early,
            Duty::Editor,
            ding.id,
            &actor(yan),
            now,
        )
        .await?;
    store
        .add_duty(
            "zouping",
            &today,
            Shift::Day,
            Duty::Chief,
            li.id,
            &actor(li),
            now,
        )
        .await?;
    // 线索
    let event = check_tip(
        TipKind::Event,
        "市政府新闻发布会:前三季度经济运行情况",
        "市统计局通报前三季度全市经济运行情况,并回答记者提问。",
        "市政府新闻发布厅",
        Some(at(15, 0)),
        "",
    )
    .map_err(anyhow::Error::msg)?;
    let event_id = store.add_tip("main", &event, &actor(yan), now).await?;
    let note = check_tip(
        TipKind::Note,
        "黄河大集惠民开集",
        "惠民县黄河大集本周开集,非遗展演和年货市场,适合图文和短视频。",
        "惠民县",
        None,
        "",
    )
    .map_err(anyhow::Error::msg)?;
    store.add_tip("main", &note, &actor(yan), now).await?;
    let reader = check_tip(
        TipKind::Reader,
        "",
        "渤海七路与黄河五路路口东侧井盖缺失两天了,晚上骑车很危险,希望有关部门尽快处理。",
        "渤海七路与黄河五路路口",
        None,
        "13800000000",
    )
    .map_err(anyhow::Error::msg)?;
    store
        .file_tip(
            &crate::db::ReaderTip {
                site_id: "main".into(),
                input: reader,
                receipt: crate::domain::report::numbered(
                    crate::domain::planning::tip::RECEIPT_PREFIX,
                    now,
                    &now.to_be_bytes(),
                ),
                nonce: format!("demo-{now}"),
                keep_until: now + crate::domain::planning::tip::RETENTION_DAYS * 86_400,
            },
            now,
        )
        .await?;
    // today's 报题单
    let plan =
        |slug: &'static str,
         desc: &'static str,
         channel: &'static str,
         priority: &'static str,
         coverages: Vec<(&'static str, &'static str, &'static str, &'static str)>| {
            check_plan(&PlanForm {
                slug,
                description: desc,
                day: &today,
                channel_path: channel,
                priority,
                coverages,
            })
        };
    let by_yan = Proposer {
        actor: &actor(yan),
        from_site: "main",
    };
    let fair = plan(
        "黄河大集惠民开集",
        "惠民县黄河大集开集:非遗展演、年货市场,采访摊主和游客。",
        "zw/yw",
        "1",
        vec![
            ("text", "planned", "10:00", "一千二百字"),
            ("pictures", "planned", "10:00", "图集八张以上"),
            ("video", "on_request", "", "两分钟短视频"),
        ],
    )
    .map_err(anyhow::Error::msg)?;
    let fair_id = store
        .create_plan("main", &fair, PlanState::Planned, &by_yan, None, now)
        .await?;
    let press = plan(
        "前三季度全市经济运行情况发布",
        "市政府新闻发布会,统计局通报数据。",
        "zw/yw",
        "1",
        vec![("text", "planned", "15:00", "发布会后两小时内交稿")],
    )
    .map_err(anyhow::Error::msg)?;
    let press_id = store
        .create_plan(
            "main",
            &press,
            PlanState::Planned,
            &by_yan,
            Some(event_id),
            now,
        )
        .await?;
    let reading = plan(
        "“书香滨州”阅读季进社区",
        "阅读季活动走进社区,图文直播。",
        "sh",
        "2",
        vec![
            ("live", "planned", "09:30", "图文直播"),
            ("text", "planned", "", ""),
        ],
    )
    .map_err(anyhow::Error::msg)?;
    let reading_id = store
        .create_plan("main", &reading, PlanState::Planned, &by_yan, None, now)
        .await?;
    // a county desk's pitch to the city, waiting; a reporter's, declined
    let harvest = plan(
        "邹平长山镇秋收忙",
        "长山镇玉米机收进度,农户增收。",
        "zw/xq",
        "2",
        vec![("text", "planned", "", ""), ("pictures", "planned", "", "")],
    )
    .map_err(anyhow::Error::msg)?;
    store
        .create_plan(
            "main",
            &harvest,
            PlanState::Pitched,
            &Proposer {
                actor: &actor(li),
                from_site: "zouping",
            },
            None,
            now,
        )
        .await?;
    let old = plan(
        "城区早餐店探访",
        "走访城区早餐店。",
        "sh",
        "3",
        vec![("text", "planned", "", "")],
    )
    .map_err(anyhow::Error::msg)?;
    let old_id = store
        .create_plan(
            "main",
            &old,
            PlanState::Pitched,
            &Proposer {
                actor: &actor(ding),
                from_site: "main",
            },
            None,
            now,
        )
        .await?;
    let version = store.plan(old_id).await?.map_or(1, |p| p.version);
    store
        .settle_pitch(
            old_id,
            version,
            PitchAction::Decline,
            None,
            "上月已做过同题报道",
            &actor(yan),
            now,
        )
        .await?;
    // 派题 in several states
    let coverage = |plan: i64, n: usize| async move {
        anyhow::Ok(store.plan(plan).await?.map(|p| p.coverages[n].id))
    };
    let assign = |cov: Option<i64>, to: Assignee, deadline: i64| async move {
        match cov {
            Some(c) => anyhow::Ok(Some(
                store
                    .assign(c, &to, Some(deadline), &actor(yan), now)
                    .await?,
            )),
            None => Ok(None),
        }
    };
    let text = assign(
        coverage(fair_id, 0).await?,
        Assignee::Person(wang.id),
        at(17, 0),
    )
    .await?;
    assign(
        coverage(fair_id, 1).await?,
        Assignee::Person(ding.id),
        at(18, 0),
    )
    .await?;
    let press_text = assign(
        coverage(press_id, 0).await?,
        Assignee::Person(wang.id),
        at(17, 30),
    )
    .await?;
    assign(
        coverage(reading_id, 0).await?,
        Assignee::Desk {
            site_id: "main".into(),
            channel: "sh".into(),
        },
        at(9, 30),
    )
    .await?;
    if let Some(id) = text
        && let Some(a) = store.assignment(id).await?
    {
        store
            .move_assignment(
                id,
                a.version,
                Action::Accept,
                State::Accepted,
                "",
                None,
                &actor(wang),
                now,
            )
            .await?;
    }
    // one already being written: its story started from the assignment
    if let Some(id) = press_text
        && let Some(a) = store.assignment(id).await?
    {
        let channels = store.channels("main").await?;
        if let Some(c) = channels.iter().find(|c| c.path == "zw/yw") {
            let draft = Draft {
                channel_id: c.id,
                title: a.slug.clone(),
                byline: vec![crate::domain::article::Byline {
                    role: "记者".into(),
                    name: wang.display_name.clone(),
                }],
                ..Default::default()
            };
            store
                .start_assignment(id, a.version, "main", &draft, wang, now)
                .await?;
        }
    }
    Ok(())
}
