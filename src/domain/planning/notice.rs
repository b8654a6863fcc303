//! A desk's group-chat robot: where it may be (never a loopback or private
//! address unless the administrator says so, so a robot's URL cannot make
//! the server reach into its own network), what its message looks like in
//! the two formats newsrooms use (企业微信 and 钉钉 group robots), and 钉钉's
//! 加签 signature. Pure: the job that sends does the I/O.

use std::net::IpAddr;

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Attempts before a delivery is given up.
pub const MAX_ATTEMPTS: i64 = 5;
pub const MAX_URL_CHARS: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// 企业微信群机器人: `{"msgtype":"text","text":{"content":..}}`.
    Wecom,
    /// 钉钉自定义机器人: the same shape, signed with `timestamp` and `sign`
    /// query parameters when it has a secret.
    Dingtalk,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "wecom" => Some(Format::Wecom),
            "dingtalk" => Some(Format::Dingtalk),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Wecom => "wecom",
            Format::Dingtalk => "dingtalk",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Format::Wecom => "企业微信群机器人",
            Format::Dingtalk => "钉钉群机器人",
        }
    }
}

/// The JSON body of a text message (both robots take this shape).
pub fn body(text: &str) -> String {
    serde_json::json!({ "msgtype": "text", "text": { "content": text } }).to_string()
}

/// 钉钉's 加签: HMAC-SHA256 of `"{timestamp_ms}\n{secret}"` keyed by the
/// secret, base64, then percent-encoded into the URL.
pub fn dingtalk_sign(secret: &str, timestamp_ms: i64) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(format!("{timestamp_ms}\n{secret}").as_bytes());
    let sig = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    percent_encoding::utf8_percent_encode(&sig, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// The URL to post to at `timestamp_ms` (a signed 钉钉 robot's carries its
/// signature).
pub fn target(format: Format, url: &str, secret: &str, timestamp_ms: i64) -> String {
    if format == Format::Dingtalk && !secret.is_empty() {
        let sep = if url.contains('?') { '&' } else { '?' };
        format!(
            "{url}{sep}timestamp={timestamp_ms}&sign={}",
            dingtalk_sign(secret, timestamp_ms)
        )
    } else {
        url.to_string()
    }
}

/// Check a robot's URL as typed: `http(s)://host[:port]/...`, no user
/// info, a bounded length. Its host's addresses are checked when sending.
pub fn check_url(url: &str) -> Result<(String, u16), String> {
    let url = url.trim();
    if url.chars().count() > MAX_URL_CHARS {
        return Err(format!("机器人地址最多 {MAX_URL_CHARS} 个字符"));
    }
    let (rest, default_port) = if let Some(r) = url.strip_prefix("https://") {
        (r, 443)
    } else if let Some(r) = url.strip_prefix("http://") {
        (r, 80)
    } else {
        return Err("机器人地址须以 https:// 或 http:// 开头(从群设置的机器人页面复制)".into());
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty() || authority.contains('@') || url.chars().any(char::is_whitespace) {
        return Err("机器人地址不对:请从群设置的机器人页面完整复制".into());
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (h, after) = v6.split_once(']').ok_or("机器人地址不对:IPv6 地址缺少 ]")?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().map_err(|_| "机器人地址的端口不对".to_string())?,
            None => default_port,
        };
        (h.to_string(), port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (
                h.to_string(),
                p.parse().map_err(|_| "机器人地址的端口不对".to_string())?,
            ),
            None => (authority.to_string(), default_port),
        }
    };
    Ok((host.to_ascii_lowercase(), port))
}

/// Whether `ip` is one a robot may not be at unless allowed: loopback,
/// private, link-local, unique-local, unspecified, broadcast, documentation
/// or shared (CGNAT) ranges, and IPv4 mapped into IPv6 of those.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || (o[0] == 100 && (64..128).contains(&o[1]))
                || o[0] == 0
                || o[0] >= 240
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_internal(IpAddr::V4(v4));
            }
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_unique_local()
                || v6.is_unicast_link_local()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn robot_urls_are_checked_and_internal_addresses_told() {
        assert_eq!(
            check_url("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"),
            Ok(("qyapi.weixin.qq.com".into(), 443))
        );
        assert_eq!(
            check_url("http://127.0.0.1:8081/robot"),
            Ok(("127.0.0.1".into(), 8081))
        );
        assert_eq!(check_url("http://[::1]:9/x"), Ok(("::1".into(), 9)));
        for bad in [
            "ftp://x/y",
            "https://user@host/x",
            "https:///x",
            "https://host:port/x",
            "javascript:alert(1)",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fc00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(is_internal(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["101.226.90.10", "2400:3200::1", "203.119.1.1"] {
            assert!(!is_internal(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn a_dingtalk_robot_with_a_secret_is_signed_as_its_documentation_says() {
        // the signature of "1700000000000\nSEC..." under its secret, computed
        // independently: python3 -c 'import hmac,hashlib,base64,urllib.parse;
        // s=b"SECtest";print(urllib.parse.quote(base64.b64encode(hmac.new(s,
        // b"1700000000000\nSECtest",hashlib.sha256).digest()).decode(),safe=""))'
        let sign = dingtalk_sign("SECtest", 1_700_000_000_000);
        assert_eq!(sign, EXPECTED_SIGN);
        let url = target(
            Format::Dingtalk,
            "https://oapi.dingtalk.com/robot/send?access_token=t",
            "SECtest",
            1_700_000_000_000,
        );
        assert!(url.ends_with(&format!("&timestamp=1700000000000&sign={EXPECTED_SIGN}")));
        assert_eq!(target(Format::Wecom, "https://x/y", "s", 1), "https://x/y");
        let b: serde_json::Value = serde_json::from_str(&body("【派题】\"x\"")).unwrap();
        assert_eq!(b["msgtype"], "text");
        assert_eq!(b["text"]["content"], "【派题】\"x\"");
    }

    const EXPECTED_SIGN: &str = "aZLLrriXgn05YbwaGR7knYsLeJADjr9NwLaNNKpxh4g%3D";
}
