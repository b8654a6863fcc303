//! The content API's door at request time (issue 27): the key a request
//! names, and its share of the key's per-minute limit on this node.
//!
//! Keys are memoized per node and the memo is dropped on every `api-keys`
//! change (a key created or revoked), which every node follows like the
//! render cache: a revocation holds on every node as soon as it has applied
//! the change, with no database read per request. An unknown key costs a
//! hash and a map lookup.
//!
//! A limit holds across nodes: each node claims the minute's requests from
//! the database in chunks of a tenth of the limit (`Api::claim_api_quota`
//! adds the claim and answers the minute's total in one statement), one
//! claim at a time per key, then serves them from memory. The nodes together never serve more than the
//! limit; a node may leave part of its last chunk unused, so a busy key
//! spread over several nodes may be refused a little before its limit.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use crate::db::api::KEYS_CHANGED;
use crate::db::{ApiKey, Store};
use crate::domain::api::{ApiError, Code, key};
use crate::render::cache::RenderCache;

/// Keys by digest, and the change-log cursor they were read at.
type Memo = (i64, Arc<HashMap<String, ApiKey>>);

#[derive(Default)]
pub struct Gate {
    memo: RwLock<Option<Memo>>,
    quotas: Mutex<HashMap<i64, Quota>>,
    /// Per key, the one claim this node has in flight.
    claims: Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>,
}

/// A key's requests this node may still serve this minute.
#[derive(Debug, Clone, Copy)]
struct Quota {
    minute: i64,
    left: i64,
    /// The database said the minute's limit is spent.
    spent: bool,
}

/// What a refused request is told, and when to come back (429).
#[derive(Debug)]
pub struct Refusal {
    pub error: ApiError,
    pub retry_after: Option<i64>,
}

impl From<ApiError> for Refusal {
    fn from(error: ApiError) -> Self {
        Refusal {
            error,
            retry_after: None,
        }
    }
}

impl Gate {
    /// Every key, from memory unless an `api-keys` change came after the
    /// memo was read.
    async fn keys(
        &self,
        store: &dyn Store,
        cache: &RenderCache,
    ) -> anyhow::Result<Arc<HashMap<String, ApiKey>>> {
        let changed = cache.touched_at(KEYS_CHANGED);
        if let Some((at, keys)) = self.memo.read().unwrap_or_else(|p| p.into_inner()).as_ref()
            && changed.is_none_or(|seq| seq <= *at)
        {
            return Ok(keys.clone());
        }
        let at = cache.cursor();
        let keys: Arc<HashMap<String, ApiKey>> = Arc::new(
            store
                .api_keys()
                .await?
                .into_iter()
                .map(|k| (k.digest.clone(), k))
                .collect(),
        );
        // a memo read before the follower's first catch-up is not kept
        if at >= 0 {
            *self.memo.write().unwrap_or_else(|p| p.into_inner()) = Some((at, keys.clone()));
        }
        Ok(keys)
    }

    /// The key named by a request's `Authorization` / `X-Api-Key` header,
    /// if it is live and within its limit this minute.
    pub async fn admit(
        &self,
        store: &dyn Store,
        cache: &RenderCache,
        named: Option<&str>,
        now: i64,
    ) -> anyhow::Result<Result<ApiKey, Refusal>> {
        let Some(named) = named else {
            return Ok(Err(ApiError::new(
                Code::BadKey,
                "缺少 API 密钥:请在请求头写 Authorization: Bearer 密钥(密钥由网站管理员在后台“API 密钥”中创建)",
            )
            .into()));
        };
        let unknown = || {
            Ok(Err(Refusal::from(ApiError::new(
                Code::BadKey,
                "API 密钥无效或已吊销:请向网站管理员索取新的密钥",
            ))))
        };
        if !key::well_formed(named) {
            return unknown();
        }
        let keys = self.keys(store, cache).await?;
        let Some(k) = keys
            .get(&key::digest(named))
            .filter(|k| k.revoked_at.is_none())
        else {
            return unknown();
        };
        let minute = now.div_euclid(60);
        let retry_after = 60 - now.rem_euclid(60);
        let limited = || {
            Ok(Err(Refusal {
                error: ApiError::new(
                    Code::RateLimited,
                    format!(
                        "这个密钥本分钟的请求已达上限(每分钟 {} 次):请 {retry_after} 秒后再试",
                        k.per_minute
                    ),
                ),
                retry_after: Some(retry_after),
            }))
        };
        // take one from what this node holds, else say why not (`None`:
        // nothing held, nothing known to be spent)
        let take = |gate: &Gate| -> Option<bool> {
            let mut quotas = gate.quotas.lock().unwrap_or_else(|p| p.into_inner());
            let q = quotas.entry(k.id).or_insert(Quota {
                minute,
                left: 0,
                spent: false,
            });
            if q.minute != minute {
                *q = Quota {
                    minute,
                    left: 0,
                    spent: false,
                };
            }
            if q.left > 0 {
                q.left -= 1;
                return Some(true);
            }
            q.spent.then_some(false)
        };
        match take(self) {
            Some(true) => return Ok(Ok(k.clone())),
            Some(false) => return limited(),
            None => {}
        }
        // one claim in flight per key on this node: requests arriving
        // together wait for it instead of each reserving a chunk of the
        // minute that other nodes then cannot have
        let flight = self
            .claims
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(k.id)
            .or_default()
            .clone();
        let _claiming = flight.lock().await;
        match take(self) {
            Some(true) => return Ok(Ok(k.clone())),
            Some(false) => return limited(),
            None => {}
        }
        let chunk = (k.per_minute / 10).max(1);
        let granted = store
            .claim_api_quota(k.id, minute, chunk, k.per_minute, now)
            .await?;
        let mut quotas = self.quotas.lock().unwrap_or_else(|p| p.into_inner());
        let q = quotas.entry(k.id).or_insert(Quota {
            minute,
            left: 0,
            spent: false,
        });
        if q.minute != minute {
            return Ok(Ok(k.clone()));
        }
        if granted == 0 {
            q.spent = true;
            return limited();
        }
        q.left += granted - 1;
        Ok(Ok(k.clone()))
    }
}
