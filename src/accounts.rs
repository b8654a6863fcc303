//! Passwords (argon2id), session tokens and login throttling.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::db::{Store, StoreResult};

/// Hash a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing the password: {e}"))
}

/// Check a password against a stored PHC string (constant-time inside argon2).
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Spend the time of a real check when the account does not exist, so user
/// names cannot be told apart by timing.
pub fn verify_against_nothing(password: &str) {
    static DUMMY: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| hash_password("not a real password").unwrap_or_default());
    let _ = verify_password(password, &DUMMY);
}

/// Failures within the window that lock further tries of one account from
/// one address, and of any account from one address.
pub const PAIR_LIMIT: usize = 5;
pub const ADDRESS_LIMIT: usize = 20;
/// Failures on one account (from anywhere) after which every try of it is
/// slowed down, never refused: a stranger cannot lock the 签发人 out on
/// deadline, and a spread-out guesser gets one slow try at a time.
pub const ACCOUNT_SLOW_AFTER: usize = 5;
/// The longest slow-down, in seconds.
pub const MAX_SLOWDOWN_SECS: u64 = 8;
pub const WINDOW_SECS: i64 = 15 * 60;

/// A sign-in's throttle keys: (account, address) and the address lock; the
/// account alone only slows down.
struct Keys {
    pair: String,
    address: String,
    account: String,
}

fn throttle_keys(account: &str, address: &str) -> Keys {
    // a name as long as anyone may type it counts under its first 64 characters
    let account: String = account.chars().take(64).collect();
    Keys {
        pair: format!("p:{account}\t{address}"),
        address: format!("a:{address}"),
        account: format!("u:{account}"),
    }
}

/// What the throttle says of a sign-in about to be tried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Throttle {
    /// Seconds until this address may try (this account, or at all) again.
    pub locked_for: Option<i64>,
    /// Seconds to wait before checking the password.
    pub slowdown: u64,
}

/// The throttle for `account` from `address` now. Failures are counted in
/// the database, so a guesser spreading attempts over several nodes meets
/// the same limits.
pub async fn login_throttle(
    store: &dyn Store,
    account: &str,
    address: &str,
    now: i64,
) -> StoreResult<Throttle> {
    let keys = throttle_keys(account, address);
    let names = vec![
        keys.pair.clone(),
        keys.address.clone(),
        keys.account.clone(),
    ];
    let failures = store.login_failures(&names, now - WINDOW_SECS + 1).await?;
    Ok(throttle_from(&keys, &failures, now))
}

/// The throttle `login_throttle` answers, from the failures in the window.
fn throttle_from(keys: &Keys, failures: &[(String, i64)], now: i64) -> Throttle {
    let times = |key: &str| -> Vec<i64> {
        let mut t: Vec<i64> = failures
            .iter()
            .filter(|(k, t)| k == key && *t > now - WINDOW_SECS)
            .map(|(_, t)| *t)
            .collect();
        t.sort_unstable();
        t
    };
    let mut locked_for = None;
    for (key, limit) in [(&keys.pair, PAIR_LIMIT), (&keys.address, ADDRESS_LIMIT)] {
        let t = times(key);
        if t.len() >= limit {
            let wait = t[t.len() - limit] + WINDOW_SECS - now;
            locked_for = Some(locked_for.map_or(wait, |w: i64| w.max(wait)));
        }
    }
    let over = times(&keys.account)
        .len()
        .saturating_sub(ACCOUNT_SLOW_AFTER - 1);
    let slowdown = match over {
        0 => 0,
        n => (1u64 << (n - 1).min(8)).min(MAX_SLOWDOWN_SECS),
    };
    Throttle {
        locked_for,
        slowdown,
    }
}

/// Count a failed sign-in against the account, the pair and the address.
pub async fn record_login_failure(
    store: &dyn Store,
    account: &str,
    address: &str,
    now: i64,
) -> StoreResult<()> {
    let k = throttle_keys(account, address);
    store
        .record_login_failure(&[k.pair, k.address, k.account], now, now - WINDOW_SECS)
        .await
}

/// A successful sign-in clears the account's failures from this address and
/// its slow-down (not the address's count: a guesser who knows one password
/// does not get a fresh budget for the others).
pub async fn record_login_success(
    store: &dyn Store,
    account: &str,
    address: &str,
) -> StoreResult<()> {
    let k = throttle_keys(account, address);
    store.clear_login_failures(&k.pair).await?;
    store.clear_login_failures(&k.account).await
}

/// An administrator's 解除登录限制: every failure counted against the account,
/// from every address.
pub async fn unlock_account(store: &dyn Store, account: &str) -> StoreResult<()> {
    let k = throttle_keys(account, "");
    store.clear_login_failures(&k.account).await?;
    store.clear_login_failures_prefix(&k.pair).await
}

/// Check a password on the hashing pool (never on the async threads). Without
/// a stored hash, spend the time of a real check anyway.
pub async fn verify_pooled(
    pool: &crate::work::Pool,
    password: &str,
    hash: Option<String>,
) -> Result<bool, crate::work::WorkError> {
    let password = password.to_string();
    pool.run(move || match hash {
        Some(h) => verify_password(&password, &h),
        None => {
            verify_against_nothing(&password);
            false
        }
    })
    .await
}

/// Hash a password on the hashing pool.
pub async fn hash_pooled(
    pool: &crate::work::Pool,
    password: &str,
) -> Result<anyhow::Result<String>, crate::work::WorkError> {
    let password = password.to_string();
    pool.run(move || hash_password(&password)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_and_hashes_are_salted() {
        let h1 = hash_password("correct horse battery").unwrap();
        let h2 = hash_password("correct horse battery").unwrap();
        assert!(h1.starts_with("$argon2id$"));
        assert_ne!(h1, h2);
        assert!(verify_password("correct horse battery", &h1));
        assert!(!verify_password("wrong horse battery", &h1));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn strangers_slow_an_account_down_but_never_lock_it() {
        let attacker = throttle_keys("signer", "6.6.6.6");
        let owner = throttle_keys("signer", "10.1.1.1");
        let mut failures = Vec::new();
        for i in 0..PAIR_LIMIT as i64 {
            assert_eq!(
                throttle_from(&attacker, &failures, 100 + i).locked_for,
                None
            );
            for k in [&attacker.pair, &attacker.address, &attacker.account] {
                failures.push((k.clone(), 100 + i));
            }
        }
        // the attacker's address is locked out of this account...
        let t = throttle_from(&attacker, &failures, 110);
        assert_eq!(t.locked_for, Some(100 + WINDOW_SECS - 110));
        // ...while the owner, elsewhere, is only slowed down
        let o = throttle_from(&owner, &failures, 110);
        assert_eq!(o.locked_for, None);
        assert_eq!(o.slowdown, 1);
        // the slow-down grows with failures but stays bounded
        for i in 0..50 {
            failures.push((attacker.account.clone(), 105 + i));
        }
        assert_eq!(
            throttle_from(&owner, &failures, 160).slowdown,
            MAX_SLOWDOWN_SECS
        );
        // another account from the attacker's address is not locked yet
        assert_eq!(
            throttle_from(&throttle_keys("wang", "6.6.6.6"), &failures, 110).locked_for,
            None
        );
        // after the window it opens again
        assert_eq!(
            throttle_from(&attacker, &failures, 160 + WINDOW_SECS),
            Throttle {
                locked_for: None,
                slowdown: 0
            }
        );
    }
}
