//! Passwords (argon2id), session tokens and login throttling.

use argon2::Argon2;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};

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

/// A random token: 32 bytes, hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// What the database stores of a session token (never the token itself).
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Failures allowed per account, and per address, within the window.
pub const ACCOUNT_LIMIT: usize = 5;
pub const ADDRESS_LIMIT: usize = 20;
pub const WINDOW_SECS: i64 = 15 * 60;

/// The throttle's keys for a sign-in: the account and the client address,
/// each with its limit.
fn throttle_keys(account: &str, address: &str) -> [(String, usize); 2] {
    [
        // a name as long as anyone may type it counts under its first 64 characters
        (
            format!("u:{}", account.chars().take(64).collect::<String>()),
            ACCOUNT_LIMIT,
        ),
        (format!("a:{address}"), ADDRESS_LIMIT),
    ]
}

/// Seconds until the next sign-in may be tried for `account` from
/// `address`, if throttled now. Failures are counted in the database, so a
/// guesser spreading attempts over several nodes meets the same limits.
pub async fn login_wait(
    store: &dyn Store,
    account: &str,
    address: &str,
    now: i64,
) -> StoreResult<Option<i64>> {
    let keys = throttle_keys(account, address);
    let names: Vec<String> = keys.iter().map(|(k, _)| k.clone()).collect();
    let failures = store.login_failures(&names, now - WINDOW_SECS + 1).await?;
    Ok(wait_from(&keys, &failures, now))
}

/// The wait `login_wait` answers, from the failures in the window.
fn wait_from(keys: &[(String, usize)], failures: &[(String, i64)], now: i64) -> Option<i64> {
    let mut worst = None;
    for (key, limit) in keys {
        let mut times: Vec<i64> = failures
            .iter()
            .filter(|(k, t)| k == key && *t > now - WINDOW_SECS)
            .map(|(_, t)| *t)
            .collect();
        times.sort_unstable();
        if *limit > 0 && times.len() >= *limit {
            let wait = times[times.len() - limit] + WINDOW_SECS - now;
            worst = Some(worst.map_or(wait, |w: i64| w.max(wait)));
        }
    }
    worst
}

/// Count a failed sign-in against the account and the address.
pub async fn record_login_failure(
    store: &dyn Store,
    account: &str,
    address: &str,
    now: i64,
) -> StoreResult<()> {
    let keys: Vec<String> = throttle_keys(account, address)
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    store
        .record_login_failure(&keys, now, now - WINDOW_SECS)
        .await
}

/// A successful sign-in clears the account's failures (not the address's).
pub async fn record_login_success(store: &dyn Store, account: &str) -> StoreResult<()> {
    let (key, _) = &throttle_keys(account, "")[0];
    store.clear_login_failures(key).await
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
    fn throttle_counts_per_account_and_expires() {
        let keys = throttle_keys("ding", "1.2.3.4");
        let mut failures = Vec::new();
        for i in 0..ACCOUNT_LIMIT as i64 {
            assert_eq!(wait_from(&keys, &failures, 100 + i), None);
            failures.push(("u:ding".to_string(), 100 + i));
            failures.push(("a:1.2.3.4".to_string(), 100 + i));
        }
        let wait = wait_from(&keys, &failures, 110).unwrap();
        assert_eq!(wait, 100 + WINDOW_SECS - 110);
        // another account from the same address is not blocked yet
        assert_eq!(
            wait_from(&throttle_keys("wang", "1.2.3.4"), &failures, 110),
            None
        );
        // after the window it opens again
        assert_eq!(wait_from(&keys, &failures, 100 + WINDOW_SECS + 10), None);
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = random_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_token());
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }
}
