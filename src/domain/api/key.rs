//! API keys: what an administrator hands to an app. A key is `gzk_` and
//! 32 letters and digits (160 bits from the caller's random bytes); only
//! its SHA-256 is stored, with a short prefix shown to tell keys apart.
//! A request names it as `Authorization: Bearer KEY` or `X-Api-Key: KEY`.

use sha2::Digest;

pub const PREFIX: &str = "gzk_";
const ALPHABET: &[u8; 32] = b"abcdefghijkmnpqrstuvwxyz23456789";
pub const MAX_NAME_CHARS: usize = 40;

/// A new key from 20 random bytes.
pub fn new_key(random: &[u8; 20]) -> String {
    let mut bits: u128 = 0;
    let mut out = String::from(PREFIX);
    let mut have = 0u32;
    for b in random {
        bits = (bits << 8) | u128::from(*b);
        have += 8;
        while have >= 5 {
            have -= 5;
            out.push(ALPHABET[((bits >> have) & 31) as usize] as char);
        }
    }
    out
}

/// Whether `s` has a key's shape (checked before any lookup).
pub fn well_formed(s: &str) -> bool {
    s.strip_prefix(PREFIX)
        .is_some_and(|rest| rest.len() == 32 && rest.bytes().all(|b| ALPHABET.contains(&b)))
}

/// What is stored of a key: its SHA-256, hex.
pub fn digest(key: &str) -> String {
    hex::encode(sha2::Sha256::digest(key.as_bytes()))
}

/// What the admin screen shows of a key: its first characters.
pub fn shown(key: &str) -> String {
    format!("{}…", &key[..key.len().min(PREFIX.len() + 6)])
}

/// The key a request names, from its `Authorization` or `X-Api-Key` header.
pub fn from_headers<'a>(
    authorization: Option<&'a str>,
    x_api_key: Option<&'a str>,
) -> Option<&'a str> {
    authorization
        .and_then(|a| a.strip_prefix("Bearer ").map(str::trim))
        .or(x_api_key.map(str::trim))
        .filter(|k| !k.is_empty())
}

/// Check a key's name as the administrator typed it.
pub fn check_name(name: &str) -> Result<String, String> {
    let n = crate::domain::text::clean_line(name).trim().to_string();
    if n.is_empty() {
        return Err("请给密钥起个名字(如:滨州网客户端)".into());
    }
    if n.chars().count() > MAX_NAME_CHARS {
        return Err(format!("名字最多 {MAX_NAME_CHARS} 个字"));
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_long_well_formed_and_stored_only_as_digests() {
        let a = new_key(&[7; 20]);
        let b = new_key(&[8; 20]);
        assert_ne!(a, b);
        assert!(well_formed(&a), "{a}");
        assert_eq!(a.len(), PREFIX.len() + 32);
        assert!(!well_formed("gzk_short"));
        assert!(!well_formed(&a.to_uppercase()));
        assert_eq!(digest(&a).len(), 64);
        assert_ne!(digest(&a), digest(&b));
        assert!(shown(&a).starts_with("gzk_") && shown(&a).len() < 20);
        assert_eq!(from_headers(Some("Bearer  k1 "), Some("k2")), Some("k1"));
        assert_eq!(from_headers(Some("Basic x"), Some(" k2")), Some("k2"));
        assert_eq!(from_headers(None, Some("")), None);
        assert!(check_name(" ").is_err());
        assert_eq!(check_name(" 客户端 ").unwrap(), "客户端");
    }
}
