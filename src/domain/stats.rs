//! 稿件统计: per person and per channel over a period, what was written,
//! submitted, returned, signed off and published, and how long review took
//! (the time a story waited at a level before someone acted on it). Pure:
//! the acts come from the publication record.

use std::collections::BTreeMap;

use serde::Serialize;

/// One workflow act of the record, with its story's author and channel.
#[derive(Debug, Clone)]
pub struct Act {
    pub article_id: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    pub author_id: Option<i64>,
    pub channel_id: i64,
}

/// Totals of one person or one channel.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Totals {
    pub written: u64,
    pub submitted: u64,
    pub returned: u64,
    pub reviewed: u64,
    pub signed: u64,
    pub published: u64,
    /// Review acts with a known waiting time, and their sum and median (seconds).
    pub timed: u64,
    pub wait_sum: i64,
    pub wait_median: Option<i64>,
    /// Submission to sign-off (channels), seconds.
    pub cycle_count: u64,
    pub cycle_sum: i64,
}

impl Totals {
    pub fn wait_avg(&self) -> Option<i64> {
        (self.timed > 0).then(|| self.wait_sum / self.timed as i64)
    }
    pub fn cycle_avg(&self) -> Option<i64> {
        (self.cycle_count > 0).then(|| self.cycle_sum / self.cycle_count as i64)
    }
}

/// The statistics of a period.
#[derive(Debug, Default)]
pub struct Stats {
    /// By person id (the scheduler's acts are not a person's).
    pub people: BTreeMap<i64, Totals>,
    pub channels: BTreeMap<i64, Totals>,
}

fn is_sign_off(a: &Act) -> bool {
    a.action == "approve" && (a.to_state.ends_with("/idle") || a.to_state.ends_with("/scheduled"))
}

fn goes_live(a: &Act) -> bool {
    !a.from_state.starts_with("live/") && a.to_state.starts_with("live/")
}

/// Count `acts` (any order) and the stories written in the period
/// (`written`: (author, channel) per story created).
pub fn compute(acts: &[Act], written: &[(i64, i64)]) -> Stats {
    let mut st = Stats::default();
    for (author, channel) in written {
        st.people.entry(*author).or_default().written += 1;
        st.channels.entry(*channel).or_default().written += 1;
    }
    let mut by_story: BTreeMap<i64, Vec<&Act>> = BTreeMap::new();
    for a in acts {
        by_story.entry(a.article_id).or_default().push(a);
    }
    let mut waits: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for story in by_story.values_mut() {
        story.sort_by_key(|a| a.at);
        let mut last_at: Option<i64> = None;
        let mut submitted_at: Option<i64> = None;
        for a in story.iter() {
            let channel = st.channels.entry(a.channel_id).or_default();
            let review = a.from_state.contains("/review");
            match a.action.as_str() {
                "submit" => {
                    channel.submitted += 1;
                    submitted_at = Some(a.at);
                }
                "reject" => {
                    channel.returned += 1;
                    submitted_at = None;
                }
                _ => {}
            }
            if is_sign_off(a) {
                channel.signed += 1;
                if let Some(s) = submitted_at.take() {
                    channel.cycle_count += 1;
                    channel.cycle_sum += a.at - s;
                }
            }
            if goes_live(a) {
                channel.published += 1;
            }
            if let Some(author) = a.author_id {
                let p = st.people.entry(author).or_default();
                if a.action == "reject" {
                    p.returned += 1;
                }
                if goes_live(a) {
                    p.published += 1;
                }
            }
            if let Some(actor) = a.actor_id {
                let p = st.people.entry(actor).or_default();
                if a.action == "submit" {
                    p.submitted += 1;
                }
                if review && matches!(a.action.as_str(), "approve" | "reject") {
                    p.reviewed += 1;
                    if let Some(prev) = last_at {
                        waits.entry(actor).or_default().push(a.at - prev);
                    }
                }
                if is_sign_off(a) {
                    p.signed += 1;
                }
            }
            last_at = Some(a.at);
        }
    }
    for (person, mut w) in waits {
        w.sort_unstable();
        let p = st.people.entry(person).or_default();
        p.timed = w.len() as u64;
        p.wait_sum = w.iter().sum();
        p.wait_median = w.get(w.len() / 2).copied();
    }
    st
}

/// `2小时5分` / `35分` / `不足1分`.
pub fn duration_cn(secs: i64) -> String {
    let m = secs / 60;
    match (m / 1440, m % 1440 / 60, m % 60) {
        (0, 0, 0) => "不足1分".into(),
        (0, 0, mm) => format!("{mm}分"),
        (0, h, mm) => format!("{h}小时{mm}分"),
        (d, h, _) => format!("{d}天{h}小时"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn act(id: i64, at: i64, actor: i64, action: &str, from: &str, to: &str) -> Act {
        Act {
            article_id: id,
            at,
            actor_id: Some(actor),
            actor: format!("p{actor}"),
            action: action.into(),
            from_state: from.into(),
            to_state: to.into(),
            author_id: Some(1),
            channel_id: 10,
        }
    }

    #[test]
    fn counts_and_waits_per_person_and_channel() {
        let acts = vec![
            act(
                5,
                0,
                1,
                "submit",
                "unpublished/draft",
                "unpublished/review1",
            ),
            act(
                5,
                600,
                2,
                "reject",
                "unpublished/review1",
                "unpublished/draft",
            ),
            act(
                5,
                1000,
                1,
                "submit",
                "unpublished/draft",
                "unpublished/review1",
            ),
            act(
                5,
                1300,
                2,
                "approve",
                "unpublished/review1",
                "unpublished/review2",
            ),
            act(5, 5000, 3, "approve", "unpublished/review2", "live/idle"),
        ];
        let st = compute(&acts, &[(1, 10)]);
        let reporter = &st.people[&1];
        assert_eq!(
            (
                reporter.written,
                reporter.submitted,
                reporter.returned,
                reporter.published
            ),
            (1, 2, 1, 1)
        );
        let editor = &st.people[&2];
        assert_eq!(editor.reviewed, 2);
        assert_eq!(editor.wait_avg(), Some((600 + 300) / 2));
        let signer = &st.people[&3];
        assert_eq!(
            (signer.signed, signer.reviewed, signer.wait_sum),
            (1, 1, 3700)
        );
        let ch = &st.channels[&10];
        assert_eq!(
            (ch.submitted, ch.returned, ch.signed, ch.published),
            (2, 1, 1, 1)
        );
        assert_eq!(
            ch.cycle_avg(),
            Some(4000),
            "from the last submission to sign-off"
        );
    }

    #[test]
    fn durations_in_words() {
        assert_eq!(duration_cn(30), "不足1分");
        assert_eq!(duration_cn(35 * 60), "35分");
        assert_eq!(duration_cn(125 * 60), "2小时5分");
        assert_eq!(duration_cn(26 * 3600), "1天2小时");
    }
}
