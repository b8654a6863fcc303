//! Surrogate keys: a cached answer's dependency keys as a CDN or reverse
//! proxy in front of the portal can hold them (`Surrogate-Key` for Varnish
//! xkey and Fastly, `Cache-Tag` for Cloudflare), so a purge by key drops
//! exactly the answers a change touched (DESIGN.md §2, §13). A key that is
//! not plain ASCII of a few safe characters, or is long (a tag's name in
//! Chinese, a deep channel path), is sent as a short hash of itself; a
//! purge hashes the change's keys the same way.

use sha2::Digest;

/// Longest key sent as it is.
const MAX_PLAIN: usize = 64;

/// A dependency key as a surrogate key: itself when short and made of
/// letters, digits and `:/._-`, else `h` and 16 hex digits of its SHA-256.
pub fn tag(key: &str) -> String {
    let plain = key.len() <= MAX_PLAIN
        && !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'/' | b'.' | b'_' | b'-'));
    if plain {
        key.to_string()
    } else {
        format!(
            "h{}",
            hex::encode(&sha2::Sha256::digest(key.as_bytes())[..8])
        )
    }
}

/// The `Surrogate-Key` value of `keys`: their tags, space-separated.
pub fn surrogate_key<'a>(keys: impl IntoIterator<Item = &'a String>) -> String {
    keys.into_iter()
        .map(|k| tag(k))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `Cache-Tag` value of `keys`: their tags, comma-separated.
pub fn cache_tag<'a>(keys: impl IntoIterator<Item = &'a String>) -> String {
    keys.into_iter()
        .map(|k| tag(k))
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_keys_stay_and_the_rest_are_hashed_the_same_every_time() {
        assert_eq!(tag("story:4001"), "story:4001");
        assert_eq!(tag("channel:main/zw/yw"), "channel:main/zw/yw");
        let t = tag("tag:main/黄河大集");
        assert!(t.starts_with('h') && t.len() == 17, "{t}");
        assert_eq!(t, tag("tag:main/黄河大集"), "a purge finds it");
        assert_ne!(t, tag("tag:main/黄河"));
        assert!(tag(&"x".repeat(65)).starts_with('h'));
        assert!(tag("a b").starts_with('h'), "no space inside a tag");
        let keys = ["story:1".to_string(), "site:main".to_string()];
        assert_eq!(surrogate_key(&keys), "story:1 site:main");
        assert_eq!(cache_tag(&keys), "story:1,site:main");
    }
}
