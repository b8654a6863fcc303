//! A report's receipt number: `JB` + the Beijing date + random letters a
//! reader can read out (no 0/O/1/I).

const BASE32: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// A receipt number: `JB` and the Beijing date, then ten letters and digits
/// from `random` (50 bits: nobody finds another reader's report by
/// counting), without 0/O and 1/I so it can be read over the phone.
pub fn receipt(now: i64, random: &[u8]) -> String {
    numbered("JB", now, random)
}

/// A number of the receipt's shape under another two-letter prefix (a
/// 报料's is `BL`).
pub fn numbered(prefix: &str, now: i64, random: &[u8]) -> String {
    let date = crate::domain::text::to_cst(now).format("%Y%m%d");
    let mut bits: u64 = 0;
    for b in random.iter().take(8) {
        bits = (bits << 8) | u64::from(*b);
    }
    let code: String = (0..10)
        .map(|i| BASE32[((bits >> (i * 5)) & 31) as usize] as char)
        .collect();
    format!("{prefix}{date}{code}")
}

/// Whether `s` has a receipt number's shape (checked before any lookup).
pub fn valid_receipt(s: &str) -> bool {
    valid_number("JB", s)
}

/// Whether `s` has the shape of a number made by `numbered(prefix, ..)`.
pub fn valid_number(prefix: &str, s: &str) -> bool {
    s.len() == 20
        && s.starts_with(prefix)
        && s[2..10].bytes().all(|b| b.is_ascii_digit())
        && s[10..].bytes().all(|b| BASE32.contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipts_are_long_and_readable() {
        let a = receipt(1_733_000_000, &[1, 2, 3, 4, 5, 6, 7, 8]);
        let b = receipt(1_733_000_000, &[1, 2, 3, 4, 5, 6, 7, 9]);
        assert_ne!(a, b);
        assert!(valid_receipt(&a), "{a}");
        assert!(a.starts_with("JB20241201"), "{a}");
        assert!(!valid_receipt("JB2024120100000000O1"));
        assert!(!valid_receipt("x"));
    }
}
