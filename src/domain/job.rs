//! The kinds of background job (DESIGN.md §6: jobs are rows), named once:
//! what the `jobs` table's `kind` column holds, and which kinds are long
//! (claimed one at a time by their own runner, so a transcode never holds up
//! a scheduled publication).

/// A kind of job, by the effect it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    /// A scheduled story goes live (its key: the story's id).
    Publish,
    /// A library picture's variants are made (its key: the picture's id).
    PictureVariants,
    /// An uploaded video is processed (its key: the video's id).
    VideoProcess,
    /// 推荐位 items whose time is up leave their slots.
    SlotExpiry,
    /// A 举报's contact data goes once its retention is over (its key: the report's id).
    ReportContact,
    /// The 热点排行 lists are computed again from the counted views (its
    /// key: the time it is due; each run queues the next).
    RankRefresh,
    /// A planning event goes to a desk's group-chat robot (its key: the
    /// delivery's id).
    Webhook,
    /// A reader's 报料 reaches the end of its retention (its key: the tip's id).
    TipExpiry,
    /// The change log's new keys go to the CDN / reverse proxies as purges
    /// (its key: the time it is due; each run queues the next).
    CdnPurge,
}

impl JobKind {
    pub const ALL: [JobKind; 9] = [
        JobKind::Publish,
        JobKind::PictureVariants,
        JobKind::VideoProcess,
        JobKind::SlotExpiry,
        JobKind::ReportContact,
        JobKind::RankRefresh,
        JobKind::Webhook,
        JobKind::TipExpiry,
        JobKind::CdnPurge,
    ];

    /// What the `jobs.kind` column holds.
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Publish => "publish",
            JobKind::PictureVariants => "picture_variants",
            JobKind::VideoProcess => "video_process",
            JobKind::SlotExpiry => "slot_expiry",
            JobKind::ReportContact => "report_contact",
            JobKind::RankRefresh => "rank_refresh",
            JobKind::Webhook => "webhook",
            JobKind::TipExpiry => "tip_expiry",
            JobKind::CdnPurge => "cdn_purge",
        }
    }

    pub fn parse(s: &str) -> Option<JobKind> {
        JobKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether jobs of this kind may run for minutes (their own runner).
    pub fn is_long(self) -> bool {
        self == JobKind::VideoProcess
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_back_and_only_videos_are_long() {
        for k in JobKind::ALL {
            assert_eq!(JobKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(JobKind::parse("nonsense"), None);
        let long: Vec<JobKind> = JobKind::ALL.into_iter().filter(|k| k.is_long()).collect();
        assert_eq!(long, [JobKind::VideoProcess]);
    }
}
