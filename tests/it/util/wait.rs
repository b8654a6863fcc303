//! Waiting for something a test cannot be told about (a server process
//! listening, a job claimed by another node): ask again every 50 ms until it
//! holds, and fail with what was awaited after a limit. Never a fixed sleep.

use std::time::{Duration, Instant};

/// Poll `ready` until it returns true; panic naming `what` after `limit`.
pub fn until(what: &str, limit: Duration, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(start.elapsed() < limit, "{what}: not after {limit:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The status of `GET path` on a loopback port, if anything answers.
pub fn status(port: u16, path: &str) -> Option<u16> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    s.write_all(format!("GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").as_bytes())
        .ok()?;
    let mut head = [0u8; 12];
    s.read_exact(&mut head).ok()?;
    std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
}

/// Wait until a server on `port` answers `GET path` with 200.
pub fn serving(port: u16, path: &str, limit: Duration) {
    until(
        &format!("a server answering 200 at 127.0.0.1:{port}{path}"),
        limit,
        || status(port, path) == Some(200),
    );
}
