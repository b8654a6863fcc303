//! The form's arithmetic challenge: a stateless signed token any node checks,
//! answered once (its nonce), in time.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::CHALLENGE_SECS;

/// The arithmetic challenge: a sum of two numbers in words a person reads
/// at a glance, signed so any node can check the answer without keeping
/// state. The nonce makes each challenge good for one report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub question: String,
    pub token: String,
}

const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

type HmacSha256 = Hmac<Sha256>;

fn sign(secret: &[u8], payload: &str) -> String {
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(payload.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// A challenge from `random` (at least 10 bytes), valid until
/// `now + CHALLENGE_SECS`.
pub fn challenge(secret: &[u8], now: i64, random: &[u8]) -> Challenge {
    let a = 1 + i64::from(random[0] % 9);
    let b = 1 + i64::from(random[1] % 9);
    let nonce: String = hex::encode(&random[2..10]);
    let expires = now + CHALLENGE_SECS;
    let payload = format!("{}.{expires}.{nonce}", a + b);
    let mac = sign(secret, &payload);
    // the answer is not in the token: only its MAC is
    Challenge {
        question: format!("{} 加 {} 等于几?", DIGITS[a as usize], DIGITS[b as usize]),
        token: format!("{expires}.{nonce}.{mac}"),
    }
}

/// Check an answer to a challenge; the nonce on success.
pub fn verify(secret: &[u8], token: &str, answer: &str, now: i64) -> Result<String, String> {
    let mut parts = token.split('.');
    let (Some(expires), Some(nonce), Some(mac), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("验证题已失效,请重新打开举报页面".into());
    };
    let expires: i64 = expires
        .parse()
        .map_err(|_| "验证题已失效,请重新打开举报页面".to_string())?;
    if now > expires {
        return Err("验证题已过期(两小时内有效),请重新回答新的验证题".into());
    }
    let answer = answer.trim();
    let n: i64 = answer
        .parse()
        .ok()
        .or_else(|| chinese_number(answer))
        .ok_or("请用数字回答验证题,如 7")?;
    let expected = sign(secret, &format!("{n}.{expires}.{nonce}"));
    // constant-time comparison of the two MACs
    let same = expected.len() == mac.len()
        && expected
            .bytes()
            .zip(mac.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0;
    if !same {
        return Err("验证题的答案不对,请重新计算后再提交".into());
    }
    Ok(nonce.to_string())
}

/// 一 .. 十八 written in Chinese (an answer may be written so).
fn chinese_number(s: &str) -> Option<i64> {
    let digit = |c: char| {
        DIGITS
            .iter()
            .position(|d| d.starts_with(c))
            .map(|i| i as i64)
    };
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        ['十'] => Some(10),
        ['十', d] => Some(10 + digit(*d)?),
        [d] => digit(*d),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_are_answered_once_in_time() {
        let secret = b"secret";
        let c = challenge(secret, 100, &[2, 3, 9, 9, 9, 9, 9, 9, 9, 9]);
        assert_eq!(c.question, "三 加 四 等于几?");
        assert!(verify(secret, &c.token, "7", 200).is_ok());
        assert!(verify(secret, &c.token, "七", 200).is_ok());
        assert!(
            verify(secret, &c.token, "8", 200)
                .unwrap_err()
                .contains("不对")
        );
        assert!(
            verify(secret, &c.token, "x", 200)
                .unwrap_err()
                .contains("数字")
        );
        assert!(verify(b"other", &c.token, "7", 200).is_err());
        assert!(
            verify(secret, &c.token, "7", 100 + CHALLENGE_SECS + 1)
                .unwrap_err()
                .contains("过期")
        );
        assert!(verify(secret, "garbage", "7", 200).is_err());
        let d = challenge(secret, 100, &[8, 8, 1, 1, 1, 1, 1, 1, 1, 1]);
        assert!(verify(secret, &d.token, "十八", 200).is_ok());
    }
}
