//! `gazette user add|passwd|list`: accounts from the command line. There is no
//! default password anywhere: the first admin is created here.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context as _, bail};

use crate::accounts::hash_password;
use crate::cli::{UserAddArgs, UserCommand, UserListArgs, UserNameArgs, UserRoleArgs};
use crate::clock::{Clock, SystemClock};
use crate::db::{Actor, DynStore, Event, NewUser};
use crate::domain::user::{Role, Scope, valid_password, valid_username};

pub async fn run(cmd: UserCommand) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Add(args) => add(args).await,
        UserCommand::Passwd(args) => passwd(args).await,
        UserCommand::List(args) => list(args).await,
        UserCommand::Enable(args) => set_active(args, true).await,
        UserCommand::Disable(args) => set_active(args, false).await,
        UserCommand::Role(args) => set_roles(args).await,
    }
}

/// Put what the command did in the publication record.
async fn note(
    store: &DynStore,
    action: &'static str,
    username: &str,
    title: &str,
    detail: String,
) -> anyhow::Result<()> {
    let event = Event {
        action,
        subject: format!("user:{username}"),
        title: title.to_string(),
        detail,
        ..Event::default()
    };
    store
        .record(&Actor::cli("gazette user"), &event, SystemClock.now())
        .await?;
    Ok(())
}

fn parse_roles(names: &[String]) -> anyhow::Result<Vec<Role>> {
    let mut roles = Vec::new();
    for r in names {
        let role = Role::parse(r).with_context(|| {
            format!(
                "unknown role {r:?}; use 管理员, 签发人, 编辑, 记者, 推荐位编辑 or 审核N (N = level)"
            )
        })?;
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    Ok(roles)
}

fn labels(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| r.label())
        .collect::<Vec<_>>()
        .join("、")
}

/// `user role`: replace a person's roles; the last active administrator keeps theirs.
async fn set_roles(args: UserRoleArgs) -> anyhow::Result<()> {
    let roles = parse_roles(&args.roles)?;
    let store = super::open_existing_store(&args.data).await?;
    let (mut user, _) = store
        .user_with_hash(&args.username)
        .await?
        .with_context(|| format!("no user {:?}", args.username))?;
    if user.active && user.is_admin() && !roles.contains(&Role::Admin) {
        let others = store
            .users()
            .await?
            .into_iter()
            .filter(|u| u.id != user.id && u.active && u.is_admin())
            .count();
        if others == 0 {
            bail!(
                "{} is the last active administrator; give another account 管理员 first",
                args.username
            );
        }
    }
    let before = labels(&user.roles);
    user.roles = roles;
    store.update_user(&user).await?;
    let after = labels(&user.roles);
    note(
        &store,
        "user_update",
        &user.username,
        &user.display_name,
        format!("角色:「{before}」→「{after}」"),
    )
    .await?;
    println!("{}: {after}", args.username);
    Ok(())
}

/// Read a new password: prompted twice without echo on a terminal, else one line of stdin.
fn read_password(username: &str) -> anyhow::Result<String> {
    let pw = if std::io::stdin().is_terminal() {
        let a = rpassword::prompt_password(format!("Password for {username}: "))?;
        let b = rpassword::prompt_password("Repeat it: ")?;
        if a != b {
            bail!("the two passwords differ; nothing was changed");
        }
        a
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from stdin")?;
        line.trim_end_matches(['\r', '\n']).to_string()
    };
    valid_password(&pw).map_err(|_| {
        anyhow::anyhow!("the password needs at least 10 characters (and at most 200)")
    })?;
    Ok(pw)
}

async fn add(args: UserAddArgs) -> anyhow::Result<()> {
    valid_username(&args.username).map_err(|_| {
        anyhow::anyhow!(
            "user name {:?} is invalid: use 2-32 letters, digits, '_', '-' or '.'",
            args.username
        )
    })?;
    let roles = parse_roles(&args.roles)?;
    let store = super::open_existing_store(&args.data).await?;
    let known: Vec<String> = store.sites().await?.into_iter().map(|s| s.id).collect();
    let sites = if args.sites.is_empty() {
        if roles.contains(&Role::Admin) {
            known.clone()
        } else {
            vec!["main".to_string()]
        }
    } else {
        args.sites.clone()
    };
    for s in &sites {
        if !known.contains(s) && !known.is_empty() {
            bail!("unknown site {s:?}; sites are: {}", known.join(", "));
        }
    }
    let mut scopes: Vec<Scope> = Vec::new();
    for c in &args.channels {
        let (site, path) = c
            .split_once(':')
            .with_context(|| format!("--channel {c:?}: use SITE:PATH, e.g. zouping:zw"))?;
        if !known.iter().any(|k| k == site) {
            bail!("--channel {c:?}: unknown site {site:?}");
        }
        if !crate::domain::channel::valid_path(path) {
            bail!("--channel {c:?}: {path:?} is not a channel path like zw/yw");
        }
        scopes.push(Scope {
            site_id: site.to_string(),
            channel_path: Some(path.to_string()),
        });
    }
    if scopes.is_empty() || !args.sites.is_empty() {
        scopes.extend(sites.into_iter().map(|site_id| Scope {
            site_id,
            channel_path: None,
        }));
    }
    let password = read_password(&args.username)?;
    let user = NewUser {
        username: args.username.clone(),
        display_name: args
            .display_name
            .clone()
            .unwrap_or_else(|| args.username.clone()),
        password_hash: hash_password(&password)?,
        roles,
        scopes,
    };
    let id = store
        .create_user(&user, SystemClock.now())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    note(
        &store,
        "user_create",
        &user.username,
        &user.display_name,
        format!("角色:{}", labels(&user.roles)),
    )
    .await?;
    println!(
        "created user {} (id {id}); they can sign in at /admin/login",
        args.username
    );
    Ok(())
}

async fn passwd(args: UserNameArgs) -> anyhow::Result<()> {
    let store = super::open_existing_store(&args.data).await?;
    let (user, _) = store
        .user_with_hash(&args.username)
        .await?
        .with_context(|| format!("no user {:?}", args.username))?;
    let password = read_password(&args.username)?;
    store
        .set_password(user.id, &hash_password(&password)?, SystemClock.now())
        .await?;
    store.delete_sessions_of(user.id).await?;
    note(
        &store,
        "password_reset",
        &user.username,
        &user.display_name,
        "在服务器上重设密码,此人所有登录已退出".into(),
    )
    .await?;
    println!(
        "password of {} changed; their sessions were signed out",
        args.username
    );
    Ok(())
}

/// `user enable|disable`: the way back in when the last administrator was
/// disabled, or a throttled account must sign in now.
async fn set_active(args: UserNameArgs, active: bool) -> anyhow::Result<()> {
    let store = super::open_existing_store(&args.data).await?;
    let (mut user, _) = store
        .user_with_hash(&args.username)
        .await?
        .with_context(|| format!("no user {:?}", args.username))?;
    user.active = active;
    store.update_user(&user).await?;
    let detail = if active {
        "账号启用,登录限制已清除"
    } else {
        "账号停用,所有登录已退出"
    };
    note(
        &store,
        "user_update",
        &user.username,
        &user.display_name,
        detail.into(),
    )
    .await?;
    if active {
        crate::accounts::unlock_account(store.as_ref(), &args.username).await?;
        println!("{} can sign in again", args.username);
    } else {
        store.delete_sessions_of(user.id).await?;
        println!(
            "{} can no longer sign in; their sessions were signed out",
            args.username
        );
    }
    Ok(())
}

async fn list(args: UserListArgs) -> anyhow::Result<()> {
    let store = super::open_existing_store(&args.data).await?;
    println!("用户名\t姓名\t角色\t状态");
    for u in store.users().await? {
        let roles: Vec<String> = u.roles.iter().map(|r| r.label()).collect();
        println!(
            "{}\t{}\t{}\t{}",
            u.username,
            u.display_name,
            roles.join(","),
            if u.active { "可用" } else { "已停用" }
        );
    }
    Ok(())
}
