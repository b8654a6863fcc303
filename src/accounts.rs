//! Passwords (argon2id), session tokens and login throttling.

use std::collections::HashMap;
use std::sync::Mutex;

use argon2::Argon2;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};

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

/// Failed-login throttling per account and per client address.
///
/// In memory, per process: a node forgets on restart, which errs on the side
/// of letting people in; the limits still stop online guessing.
pub struct Throttle {
    failures: Mutex<HashMap<String, Vec<i64>>>,
}

/// Failures allowed per account, and per address, within the window.
pub const ACCOUNT_LIMIT: usize = 5;
pub const ADDRESS_LIMIT: usize = 20;
pub const WINDOW_SECS: i64 = 15 * 60;

impl Default for Throttle {
    fn default() -> Self {
        Self {
            failures: Mutex::new(HashMap::new()),
        }
    }
}

impl Throttle {
    /// Seconds until the next attempt is allowed, if throttled now.
    pub fn retry_after(&self, account: &str, address: &str, now: i64) -> Option<i64> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let mut worst = None;
        for (key, limit) in [
            (format!("u:{account}"), ACCOUNT_LIMIT),
            (format!("a:{address}"), ADDRESS_LIMIT),
        ] {
            if let Some(list) = map.get_mut(&key) {
                list.retain(|t| *t > now - WINDOW_SECS);
                if list.len() >= limit {
                    let wait = list[list.len() - limit] + WINDOW_SECS - now;
                    worst = Some(worst.map_or(wait, |w: i64| w.max(wait)));
                }
            }
        }
        worst
    }

    pub fn record_failure(&self, account: &str, address: &str, now: i64) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, l| l.iter().any(|t| *t > now - WINDOW_SECS));
        }
        map.entry(format!("u:{account}")).or_default().push(now);
        map.entry(format!("a:{address}")).or_default().push(now);
    }

    pub fn record_success(&self, account: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&format!("u:{account}"));
    }
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
        let t = Throttle::default();
        for i in 0..ACCOUNT_LIMIT as i64 {
            assert_eq!(t.retry_after("ding", "1.2.3.4", 100 + i), None);
            t.record_failure("ding", "1.2.3.4", 100 + i);
        }
        let wait = t.retry_after("ding", "1.2.3.4", 110).unwrap();
        assert_eq!(wait, 100 + WINDOW_SECS - 110);
        // another account from the same address is not blocked yet
        assert_eq!(t.retry_after("wang", "1.2.3.4", 110), None);
        // after the window it opens again
        assert_eq!(
            t.retry_after("ding", "1.2.3.4", 100 + WINDOW_SECS + 10),
            None
        );
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
