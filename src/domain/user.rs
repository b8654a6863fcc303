//! Newsroom accounts: roles and the channels a person may work in. No I/O.

use serde::{Deserialize, Serialize};

/// What a person may do. Stored as strings: `reporter`, `editor`,
/// `reviewer:2`, `signer`, `admin`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Role {
    /// 记者/通讯员: writes and submits own drafts.
    Reporter,
    /// 编辑: edits stories, reviews at level 1 (初审).
    Editor,
    /// 审核: reviews at the given level (1-based).
    Reviewer(u8),
    /// 签发人: signs off (the last level), withdraws.
    Signer,
    /// 管理员: sites, channels, users, settings.
    Admin,
    /// 推荐位编辑: places, orders and removes stories in the slots of the
    /// sites in scope (an editorial act, without re-review).
    Curator,
    /// 举报受理: handles readers' reports of the sites in scope.
    Handler,
    /// 图片编辑 (the photo desk): keeps the picture library of the sites in
    /// scope, including other people's pictures and those on published
    /// stories (a change there is recorded; removing an AI declaration from
    /// a published picture goes through the story's review).
    Photo,
    /// 专题编辑: creates and edits 专题 (topics) of the sites in scope; they
    /// are reviewed and signed off like any story.
    Topic,
}

impl Role {
    pub fn label(self) -> String {
        match self {
            Role::Reporter => "记者/通讯员".into(),
            Role::Editor => "编辑".into(),
            Role::Reviewer(l) => format!("审核(第{l}审)"),
            Role::Signer => "签发人".into(),
            Role::Admin => "管理员".into(),
            Role::Curator => "推荐位编辑".into(),
            Role::Handler => "举报受理".into(),
            Role::Photo => "图片编辑".into(),
            Role::Topic => "专题编辑".into(),
        }
    }

    /// Parse a stored name or a Chinese label (`管理员`, `签发人`, `编辑`, `记者`, `审核2`).
    pub fn parse(s: &str) -> Option<Role> {
        let s = s.trim();
        Some(match s {
            "reporter" | "记者" | "通讯员" | "记者/通讯员" => Role::Reporter,
            "editor" | "编辑" => Role::Editor,
            "signer" | "签发人" => Role::Signer,
            "admin" | "管理员" => Role::Admin,
            "curator" | "推荐位编辑" | "推荐位" => Role::Curator,
            "reports" | "举报受理" | "举报" => Role::Handler,
            "photo" | "图片编辑" => Role::Photo,
            "topic" | "专题编辑" | "专题" => Role::Topic,
            _ => {
                let n = s
                    .strip_prefix("reviewer:")
                    .or_else(|| s.strip_prefix("审核"))?;
                let n: u8 = n.trim().parse().ok()?;
                if !(1..=9).contains(&n) {
                    return None;
                }
                Role::Reviewer(n)
            }
        })
    }

    pub fn all_choices() -> Vec<Role> {
        vec![
            Role::Reporter,
            Role::Editor,
            Role::Reviewer(1),
            Role::Reviewer(2),
            Role::Reviewer(3),
            Role::Signer,
            Role::Curator,
            Role::Handler,
            Role::Photo,
            Role::Topic,
            Role::Admin,
        ]
    }
}

impl From<Role> for String {
    fn from(r: Role) -> String {
        match r {
            Role::Reporter => "reporter".into(),
            Role::Editor => "editor".into(),
            Role::Reviewer(l) => format!("reviewer:{l}"),
            Role::Signer => "signer".into(),
            Role::Admin => "admin".into(),
            Role::Curator => "curator".into(),
            Role::Handler => "reports".into(),
            Role::Photo => "photo".into(),
            Role::Topic => "topic".into(),
        }
    }
}

impl TryFrom<String> for Role {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Role::parse(&s).ok_or_else(|| format!("unknown role {s:?}"))
    }
}

/// Where a person may work: a whole site, or a channel subtree of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub site_id: String,
    /// `None`: every channel of the site.
    pub channel_path: Option<String>,
}

impl Scope {
    pub fn covers(&self, site_id: &str, channel_path: &str) -> bool {
        self.site_id == site_id
            && match &self.channel_path {
                None => true,
                Some(p) => channel_path == p || channel_path.starts_with(&format!("{p}/")),
            }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub scopes: Vec<Scope>,
    pub active: bool,
}

impl User {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn is_admin(&self) -> bool {
        self.has(Role::Admin)
    }

    /// Whether one of the person's roles writes or reviews content: a
    /// 推荐位编辑 or a 举报受理 alone does neither (their scopes say where
    /// they curate or handle reports, not where they may write).
    pub fn writes(&self) -> bool {
        self.roles.iter().any(|r| {
            matches!(
                r,
                Role::Reporter
                    | Role::Editor
                    | Role::Reviewer(_)
                    | Role::Signer
                    | Role::Admin
                    | Role::Topic
            )
        })
    }

    /// Whether the person may work on stories of (site, channel): a writing
    /// role with a scope covering it. Admins everywhere.
    pub fn may_work_in(&self, site_id: &str, channel_path: &str) -> bool {
        self.is_admin()
            || (self.writes() && self.scopes.iter().any(|s| s.covers(site_id, channel_path)))
    }

    /// Whether the person may review at `level` of a chain of `levels`.
    pub fn may_review(&self, level: u8, levels: u8) -> bool {
        if level == levels {
            return self.has(Role::Signer);
        }
        self.has(Role::Reviewer(level)) || (level == 1 && self.has(Role::Editor))
    }

    /// Whether the person works in some channel of a site, or on its
    /// photo desk (and so may use its image library).
    pub fn works_in_site(&self, site_id: &str) -> bool {
        self.is_admin() || (self.uses_library() && self.scopes.iter().any(|s| s.site_id == site_id))
    }

    /// A writing role, or the photo desk: the people who use a library.
    fn uses_library(&self) -> bool {
        self.writes() || self.has(Role::Photo)
    }

    /// The sites whose libraries the person sees (`None`: every site).
    pub fn library_sites(&self) -> Option<Vec<String>> {
        if self.is_admin() {
            return None;
        }
        if !self.uses_library() {
            return Some(Vec::new());
        }
        let mut sites: Vec<String> = self.scopes.iter().map(|s| s.site_id.clone()).collect();
        sites.dedup();
        Some(sites)
    }

    /// Whether the person arranges the 推荐位 of a site.
    pub fn may_curate(&self, site_id: &str) -> bool {
        self.is_admin()
            || (self.has(Role::Curator) && self.scopes.iter().any(|s| s.site_id == site_id))
    }

    /// Whether the person may create and edit 专题.
    pub fn edits_topics(&self) -> bool {
        self.is_admin() || self.has(Role::Topic)
    }

    /// Whether the person edits other people's stories (not only their own).
    pub fn is_editor(&self) -> bool {
        self.roles.iter().any(|r| {
            !matches!(
                r,
                Role::Reporter | Role::Curator | Role::Handler | Role::Photo | Role::Topic
            )
        })
    }

    /// Whether the person keeps the picture library of a site beyond their
    /// own uploads: others' pictures and pictures on published stories
    /// (the photo desk, an editor, an administrator).
    pub fn keeps_pictures(&self, site_id: &str) -> bool {
        self.is_admin()
            || ((self.has(Role::Photo) || self.is_editor())
                && self.scopes.iter().any(|s| s.site_id == site_id))
    }

    /// Whether the person handles 举报 of a site.
    pub fn may_handle_reports(&self, site_id: &str) -> bool {
        self.is_admin()
            || (self.has(Role::Handler) && self.scopes.iter().any(|s| s.site_id == site_id))
    }

    /// The sites whose 举报 the person handles (`None`: every site; empty:
    /// none).
    pub fn report_sites(&self) -> Option<Vec<String>> {
        if self.is_admin() {
            return None;
        }
        if !self.has(Role::Handler) {
            return Some(Vec::new());
        }
        let mut sites: Vec<String> = self.scopes.iter().map(|s| s.site_id.clone()).collect();
        sites.sort();
        sites.dedup();
        Some(sites)
    }
}

/// 代签: an account an administrator allows to sign off for a desk (a
/// whole site, or a channel with its sub-channels) besides its 签发人, so a
/// desk with one 签发人 is not deadlocked when he may not sign (he wrote
/// the correction himself). Separation of duties still binds the deputy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deputy {
    pub id: i64,
    pub user_id: i64,
    /// The desk.
    pub desk: Scope,
}

impl Deputy {
    /// Whether `user_id` signs for (site, channel) as a deputy.
    pub fn signs_for(deputies: &[Deputy], user_id: i64, site_id: &str, channel_path: &str) -> bool {
        deputies
            .iter()
            .any(|d| d.user_id == user_id && d.desk.covers(site_id, channel_path))
    }
}

/// Check a username: 2-32 characters of letters, digits, `_`, `-`, `.`.
pub fn valid_username(name: &str) -> Result<(), String> {
    let n = name.chars().count();
    if !(2..=32).contains(&n) {
        return Err("用户名须为 2 到 32 个字符".into());
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return Err("用户名只能包含英文字母、数字、下划线、连字符和点".into());
    }
    Ok(())
}

/// Check a new password: at least 10 characters, at most 200.
pub fn valid_password(pw: &str) -> Result<(), String> {
    let n = pw.chars().count();
    if n < 10 {
        return Err("密码至少需要 10 个字符".into());
    }
    if n > 200 {
        return Err("密码不能超过 200 个字符".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(roles: &[Role]) -> User {
        User {
            id: 1,
            username: "u".into(),
            display_name: "U".into(),
            roles: roles.to_vec(),
            scopes: vec![Scope {
                site_id: "zouping".into(),
                channel_path: None,
            }],
            active: true,
        }
    }

    #[test]
    fn roles_round_trip_and_parse_chinese() {
        for r in Role::all_choices() {
            assert_eq!(Role::parse(&String::from(r)), Some(r));
        }
        assert_eq!(Role::parse("管理员"), Some(Role::Admin));
        assert_eq!(Role::parse("审核2"), Some(Role::Reviewer(2)));
        assert_eq!(Role::parse("reviewer:0"), None);
        assert_eq!(Role::parse("boss"), None);
    }

    #[test]
    fn scopes_cover_subtrees_only() {
        let s = Scope {
            site_id: "main".into(),
            channel_path: Some("zw".into()),
        };
        assert!(s.covers("main", "zw"));
        assert!(s.covers("main", "zw/yw"));
        assert!(!s.covers("main", "zwx"));
        assert!(!s.covers("main", "tt"));
        assert!(!s.covers("zouping", "zw"));
    }

    /// A 举报受理 or a 推荐位编辑 alone writes nowhere: the scope says where
    /// they handle reports or curate, not where they may file stories,
    /// upload pictures or write live entries.
    #[test]
    fn handling_reports_or_curating_alone_writes_nowhere() {
        for only in [Role::Handler, Role::Curator] {
            let u = user(&[only]);
            assert!(!u.may_work_in("zouping", "zw"), "{only:?}");
            assert!(!u.works_in_site("zouping"), "{only:?}");
            assert_eq!(u.library_sites(), Some(vec![]), "{only:?}");
        }
        let both = user(&[Role::Handler, Role::Reporter]);
        assert!(both.may_work_in("zouping", "zw"));
        assert!(both.works_in_site("zouping"));
        assert!(user(&[Role::Handler]).may_handle_reports("zouping"));
    }

    #[test]
    fn who_reviews_which_level() {
        let editor = user(&[Role::Editor]);
        let second = user(&[Role::Reviewer(2)]);
        let signer = user(&[Role::Signer]);
        assert!(editor.may_review(1, 3));
        assert!(!editor.may_review(2, 3));
        assert!(!editor.may_review(3, 3));
        assert!(second.may_review(2, 3));
        assert!(!second.may_review(1, 3));
        assert!(signer.may_review(3, 3));
        assert!(!signer.may_review(1, 3));
        // a one-level channel: the single review is the sign-off
        assert!(signer.may_review(1, 1));
        assert!(!editor.may_review(1, 1));
    }

    #[test]
    fn county_reporters_stay_in_their_county() {
        let r = user(&[Role::Reporter]);
        assert!(r.may_work_in("zouping", "zw/yw"));
        assert!(!r.may_work_in("main", "zw/yw"));
        let admin = User {
            scopes: vec![],
            ..user(&[Role::Admin])
        };
        assert!(admin.may_work_in("main", "tt"));
    }

    #[test]
    fn credentials_rules() {
        assert!(valid_username("ding.chungui").is_ok());
        assert!(valid_username("a").is_err());
        assert!(valid_username("丁春贵").is_err());
        assert!(valid_password("short").is_err());
        assert!(valid_password("long enough password").is_ok());
    }
}
