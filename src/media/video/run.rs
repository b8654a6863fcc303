//! Running ffmpeg and ffprobe: bounded in time, killed with their job.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _};
use tokio::process::Command;

use super::VideoError;

pub(super) fn io(e: std::io::Error) -> VideoError {
    VideoError::Io(e.to_string())
}

pub(super) struct Ran {
    pub(super) success: bool,
    pub(super) stdout: String,
    /// The end of what the program said on stderr, for the log.
    pub(super) stderr: String,
}

pub(super) type LineFn<'a> = Box<dyn FnMut(&str) + Send + 'a>;

/// Run `cmd` to its end within `limit` (killed when it is passed, or when
/// the job is dropped), each stdout line to `on_line` if given (else kept).
pub(super) async fn run(
    mut cmd: Command,
    limit: Duration,
    mut on_line: Option<LineFn<'_>>,
) -> Result<Ran, VideoError> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(VideoError::NoFfmpeg),
        Err(e) => return Err(io(e)),
    };
    let mut stdout = tokio::io::BufReader::new(child.stdout.take().expect("piped"));
    let mut stderr = child.stderr.take().expect("piped");
    let work = async {
        let mut kept = String::new();
        let mut err = Vec::new();
        let read_err = async {
            // at most the last 64 KiB of complaints
            let mut buf = [0u8; 8192];
            loop {
                match stderr.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        err.extend_from_slice(&buf[..n]);
                        if err.len() > 64 * 1024 {
                            err.drain(..err.len() - 64 * 1024);
                        }
                    }
                }
            }
        };
        let read_out = async {
            let mut line = String::new();
            loop {
                line.clear();
                match stdout.read_line(&mut line).await {
                    Ok(0) | Err(_) => break,
                    Ok(_) => match on_line.as_mut() {
                        Some(f) => f(line.trim_end()),
                        None if kept.len() < 4 * 1024 * 1024 => kept.push_str(&line),
                        None => {}
                    },
                }
            }
        };
        tokio::join!(read_err, read_out);
        let status = child.wait().await.map_err(io)?;
        Ok::<_, VideoError>(Ran {
            success: status.success(),
            stdout: kept,
            stderr: String::from_utf8_lossy(&err)
                .chars()
                .rev()
                .take(2000)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect(),
        })
    };
    match tokio::time::timeout(limit, work).await {
        Ok(r) => r,
        // the child is killed as it is dropped
        Err(_) => Err(VideoError::Timeout(limit.as_secs())),
    }
}
