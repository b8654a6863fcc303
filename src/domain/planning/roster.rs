//! 值班 (the duty roster): who is 值班总编 and 值班编辑 for a site on a day
//! and shift. A site's administrator may make the roster the source of 代签:
//! the 值班总编 on duty then signs for the whole site during that shift.
//! Pure: the shifts, which one is on at a moment, and who that makes a
//! deputy.

use chrono::{Duration, NaiveDate, Timelike};

use crate::domain::text::to_cst;
use crate::domain::user::{Deputy, Scope};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shift {
    /// 全天 (00:00–24:00).
    Day,
    /// 白班 (08:00–20:00).
    Early,
    /// 夜班 (20:00 to 08:00 the next morning).
    Night,
}

impl Shift {
    pub const ALL: [Shift; 3] = [Shift::Day, Shift::Early, Shift::Night];

    pub fn as_str(self) -> &'static str {
        match self {
            Shift::Day => "day",
            Shift::Early => "early",
            Shift::Night => "night",
        }
    }

    pub fn parse(s: &str) -> Option<Shift> {
        Shift::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Shift::Day => "全天",
            Shift::Early => "白班 08:00–20:00",
            Shift::Night => "夜班 20:00–次日08:00",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duty {
    /// 值班总编.
    Chief,
    /// 值班编辑.
    Editor,
}

impl Duty {
    pub const ALL: [Duty; 2] = [Duty::Chief, Duty::Editor];

    pub fn as_str(self) -> &'static str {
        match self {
            Duty::Chief => "chief",
            Duty::Editor => "editor",
        }
    }

    pub fn parse(s: &str) -> Option<Duty> {
        Duty::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Duty::Chief => "值班总编",
            Duty::Editor => "值班编辑",
        }
    }
}

/// One person on duty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnDuty {
    pub id: i64,
    pub site_id: String,
    pub day: NaiveDate,
    pub shift: Shift,
    pub duty: Duty,
    pub user_id: i64,
}

/// The (day, shift) pairs on duty at `now`: the day's 全天 and its 白班 or
/// 夜班, or, before 08:00, the night shift that began the evening before.
pub fn on_at(now: i64) -> Vec<(NaiveDate, Shift)> {
    let t = to_cst(now);
    let day = t.date_naive();
    let h = t.hour();
    let mut out = vec![(day, Shift::Day)];
    if h < 8 {
        out.push((day - Duration::days(1), Shift::Night));
    } else if h < 20 {
        out.push((day, Shift::Early));
    } else {
        out.push((day, Shift::Night));
    }
    out
}

/// Whether `d` is on duty at `now`.
pub fn is_on(d: &OnDuty, now: i64) -> bool {
    on_at(now).contains(&(d.day, d.shift))
}

/// The 代签 deputies the roster makes at `now`: each 值班总编 on duty for a
/// site whose roster signs (`signing_sites`) signs for the whole site.
pub fn deputies(roster: &[OnDuty], signing_sites: &[String], now: i64) -> Vec<Deputy> {
    roster
        .iter()
        .filter(|d| d.duty == Duty::Chief && is_on(d, now))
        .filter(|d| signing_sites.contains(&d.site_id))
        .map(|d| Deputy {
            id: -d.id,
            user_id: d.user_id,
            desk: Scope {
                site_id: d.site_id.clone(),
                channel_path: None,
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2024-06-01 00:00 China Standard Time.
    const JUNE_1: i64 = 1_717_171_200;

    fn duty(id: i64, day: u32, shift: Shift, d: Duty, site: &str) -> OnDuty {
        OnDuty {
            id,
            site_id: site.into(),
            day: NaiveDate::from_ymd_opt(2024, 6, day).unwrap(),
            shift,
            duty: d,
            user_id: id * 10,
        }
    }

    #[test]
    fn the_shift_on_follows_the_clock_night_shifts_crossing_midnight() {
        let june = |d| NaiveDate::from_ymd_opt(2024, 6, d).unwrap();
        assert_eq!(
            on_at(JUNE_1 + 3 * 3600),
            vec![
                (june(1), Shift::Day),
                (june(1) - Duration::days(1), Shift::Night)
            ]
        );
        assert_eq!(
            on_at(JUNE_1 + 9 * 3600),
            vec![(june(1), Shift::Day), (june(1), Shift::Early)]
        );
        assert_eq!(
            on_at(JUNE_1 + 21 * 3600),
            vec![(june(1), Shift::Day), (june(1), Shift::Night)]
        );
    }

    #[test]
    fn the_chief_on_duty_signs_for_the_site_only_where_the_roster_signs() {
        let roster = vec![
            duty(1, 1, Shift::Early, Duty::Chief, "main"),
            duty(2, 1, Shift::Night, Duty::Chief, "main"),
            duty(3, 1, Shift::Early, Duty::Editor, "main"),
            duty(4, 1, Shift::Day, Duty::Chief, "zouping"),
        ];
        let signing = vec!["main".to_string()];
        let at_ten = deputies(&roster, &signing, JUNE_1 + 10 * 3600);
        assert_eq!(at_ten.len(), 1, "{at_ten:?}");
        assert_eq!(at_ten[0].user_id, 10);
        assert!(Deputy::signs_for(&at_ten, 10, "main", "zw/yw"));
        let at_night = deputies(&roster, &signing, JUNE_1 + 23 * 3600);
        assert_eq!(at_night[0].user_id, 20);
        // the night shift reaches into the next morning
        let next_morning = deputies(&roster, &signing, JUNE_1 + 30 * 3600);
        assert_eq!(next_morning[0].user_id, 20);
        assert!(deputies(&roster, &signing, JUNE_1 + 33 * 3600).is_empty());
        // the county's roster does not sign: its chief is shown, no deputy
        assert!(deputies(&roster, &[], JUNE_1 + 10 * 3600).is_empty());
    }
}
