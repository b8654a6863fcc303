//! Who the client is: the peer address, or, behind a configured reverse
//! proxy, the address the proxy names.
//!
//! `X-Real-IP` and `X-Forwarded-For` are anyone's to write: believed from
//! every peer, they let one client rotate addresses past the sign-in
//! throttle. They are read only when the peer is a trusted proxy
//! (`--trusted-proxy`), and `X-Forwarded-For` from its right end, skipping
//! further trusted proxies: the left entries are what the client claimed.

use std::net::IpAddr;

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use ipnet::IpNet;

use crate::state::AppState;

/// The client's address as a string ("unknown" without a peer, as in tests
/// that call the router directly).
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ClientIp(ip) = ClientIp::from_request_parts(parts, state).await?;
        Ok(ClientAddr(
            ip.map_or_else(|| "unknown".into(), |ip| ip.to_string()),
        ))
    }
}

/// The client's address, when known (absent in tests that call the router
/// directly).
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = super::server::peer(parts).map(|a| a.ip());
        Ok(ClientIp(client_ip(
            peer,
            &parts.headers,
            &state.config.limits.trusted_proxies,
        )))
    }
}

/// The client of a request from `peer` with these headers, trusting the
/// proxy headers only from `trusted` peers.
pub fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = peer.map(canonical)?;
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(ip) = header("x-real-ip").and_then(|v| v.trim().parse::<IpAddr>().ok()) {
        return Some(canonical(ip));
    }
    // rightmost entry that is not one of our proxies; all trusted: the leftmost
    let chain: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse::<IpAddr>().ok())
        .map(canonical)
        .collect();
    chain
        .iter()
        .rev()
        .find(|ip| !is_trusted(ip))
        .or(chain.first())
        .copied()
        .or(Some(peer))
}

/// `::ffff:1.2.3.4` is 1.2.3.4 (a dual-stack listener's view of IPv4).
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        h
    }

    #[test]
    fn proxy_headers_count_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.5".parse().unwrap();
        let trusted = vec!["10.0.0.0/24".parse().unwrap()];
        let spoof = headers(&[("x-real-ip", "9.9.9.9"), ("x-forwarded-for", "8.8.8.8")]);
        let client: IpAddr = "203.0.113.7".parse().unwrap();
        // a client sending the headers itself is still itself
        assert_eq!(client_ip(Some(client), &spoof, &trusted), Some(client));
        assert_eq!(client_ip(Some(client), &spoof, &[]), Some(client));
        // the proxy's X-Real-IP names the client
        let real = headers(&[("x-real-ip", "203.0.113.7")]);
        assert_eq!(client_ip(Some(proxy), &real, &trusted), Some(client));
        // X-Forwarded-For: the rightmost untrusted entry, not what the client prepended
        let xff = headers(&[("x-forwarded-for", "1.1.1.1, 203.0.113.7, 10.0.0.9")]);
        assert_eq!(client_ip(Some(proxy), &xff, &trusted), Some(client));
        // a trusted proxy without headers is the client
        assert_eq!(
            client_ip(Some(proxy), &HeaderMap::new(), &trusted),
            Some(proxy)
        );
        // garbage in the header is ignored
        let junk = headers(&[("x-real-ip", "<script>")]);
        assert_eq!(client_ip(Some(proxy), &junk, &trusted), Some(proxy));
        let mapped: IpAddr = "::ffff:203.0.113.7".parse().unwrap();
        assert_eq!(
            client_ip(Some(mapped), &HeaderMap::new(), &[]),
            Some(client)
        );
        assert_eq!(client_ip(None, &real, &trusted), None);
    }
}
