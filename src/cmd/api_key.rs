//! `gazette api-key add|list|revoke`: the content API's keys from the
//! command line (the admin's “API 密钥” page does the same). `add` prints
//! the key once; only its digest is stored.

use anyhow::bail;

use crate::cli::{ApiKeyAddArgs, ApiKeyCommand, ApiKeyRevokeArgs, UserListArgs};
use crate::clock::{Clock, SystemClock};
use crate::db::{Actor, NewApiKey};
use crate::domain::api::key;
use crate::domain::text::datetime_cn;

pub async fn run(cmd: ApiKeyCommand) -> anyhow::Result<()> {
    match cmd {
        ApiKeyCommand::Add(args) => add(args).await,
        ApiKeyCommand::List(args) => list(args).await,
        ApiKeyCommand::Revoke(args) => revoke(args).await,
    }
}

async fn add(args: ApiKeyAddArgs) -> anyhow::Result<()> {
    let name = match key::check_name(&args.name) {
        Ok(n) => n,
        Err(why) => bail!("{why}"),
    };
    let store = super::open_existing_store(&args.data).await?;
    let sites = store.sites().await?;
    for s in &args.sites {
        if !sites.iter().any(|x| &x.id == s) {
            bail!(
                "没有站点 {s}:可用的站点有 {}",
                sites
                    .iter()
                    .map(|x| x.id.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
            );
        }
    }
    let made = key::new_key(&crate::token::random_bytes::<20>());
    let id = store
        .add_api_key(
            &NewApiKey {
                name,
                digest: key::digest(&made),
                shown: key::shown(&made),
                sites: args.sites.clone(),
                per_minute: args.per_minute,
            },
            &Actor::cli("api-key add"),
            SystemClock.now(),
        )
        .await?;
    eprintln!("已创建密钥 {id}(只显示这一次,请妥善保存):");
    println!("{made}");
    Ok(())
}

async fn list(args: UserListArgs) -> anyhow::Result<()> {
    let store = super::open_existing_store(&args.data).await?;
    println!("编号\t名称\t密钥开头\t站点\t每分钟\t最近使用\t状态");
    for k in store.api_keys().await? {
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            k.id,
            k.name,
            k.shown,
            if k.sites.is_empty() {
                "全部".to_string()
            } else {
                k.sites.join(",")
            },
            k.per_minute,
            k.last_used_at
                .map(datetime_cn)
                .unwrap_or_else(|| "未使用".into()),
            if k.revoked_at.is_some() {
                "已吊销"
            } else {
                "有效"
            }
        );
    }
    Ok(())
}

async fn revoke(args: ApiKeyRevokeArgs) -> anyhow::Result<()> {
    let store = super::open_existing_store(&args.data).await?;
    store
        .revoke_api_key(args.id, &Actor::cli("api-key revoke"), SystemClock.now())
        .await?;
    println!("密钥 {} 已吊销", args.id);
    Ok(())
}
