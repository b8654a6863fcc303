//! Resumable uploads of large files (videos) on this node's disk: each
//! upload is `DATA_DIR/uploads/<id>.json` (who, for which site, the name
//! and promised length) and `<id>.part` (the bytes so far, whose length is
//! the offset: what was written is what counts, so a connection dropped
//! mid-chunk loses only the unwritten rest). The HTTP side speaks the tus
//! protocol (`web::handlers::admin::uploads`); nothing here holds a file in
//! memory.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use bytes::Bytes;
use futures_util::{Stream, StreamExt as _};
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt as _;

/// Unfinished uploads older than this are removed.
pub const KEEP_SECS: i64 = 24 * 3600;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Upload {
    pub id: String,
    pub user_id: i64,
    pub site_id: String,
    /// The file's name as the browser gave it.
    pub name: String,
    /// The length the client promised.
    pub length: u64,
    pub created_at: i64,
    /// Set once the upload became a library video.
    #[serde(default)]
    pub video_id: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    /// The client's offset is not where the file is (a lost answer: ask again).
    #[error("上传位置不一致:服务器已收到 {0} 字节")]
    Offset(u64),
    /// Another request is writing this upload now.
    #[error("这个文件正在另一个请求中上传")]
    Busy,
    #[error("上传的内容超过了声明的文件大小")]
    TooLong,
    #[error("{0}")]
    Io(std::io::Error),
}

pub struct Uploads {
    dir: PathBuf,
    /// Uploads a request is writing now (one writer per upload).
    writing: Mutex<HashSet<String>>,
}

/// Releases an upload's writer slot however the write ends.
struct Writing<'a>(&'a Uploads, String);

impl Drop for Writing<'_> {
    fn drop(&mut self) {
        if let Ok(mut w) = self.0.writing.lock() {
            w.remove(&self.1);
        }
    }
}

/// Upload ids are our own random tokens: anything else names no file.
fn valid_id(id: &str) -> bool {
    (16..=64).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric())
}

impl Uploads {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            writing: Mutex::default(),
        }
    }

    fn meta_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    /// Where the bytes of upload `id` are.
    pub fn part_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.part"))
    }

    pub async fn create(&self, u: &Upload) -> std::io::Result<()> {
        tokio::fs::create_dir_all(&self.dir).await?;
        tokio::fs::File::create(self.part_path(&u.id)).await?;
        self.write_meta(u).await
    }

    async fn write_meta(&self, u: &Upload) -> std::io::Result<()> {
        let tmp = self.dir.join(format!(".{}.json.tmp", u.id));
        tokio::fs::write(&tmp, serde_json::to_vec(u).expect("plain data")).await?;
        tokio::fs::rename(&tmp, self.meta_path(&u.id)).await
    }

    /// The upload and how many bytes of it are here; `None` for an unknown id.
    pub async fn get(&self, id: &str) -> std::io::Result<Option<(Upload, u64)>> {
        if !valid_id(id) {
            return Ok(None);
        }
        let meta = match tokio::fs::read(self.meta_path(id)).await {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let Ok(u) = serde_json::from_slice::<Upload>(&meta) else {
            return Ok(None);
        };
        let offset = match tokio::fs::metadata(self.part_path(id)).await {
            Ok(m) => m.len(),
            // a finished upload's bytes went into the media store
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && u.video_id.is_some() => u.length,
            Err(e) => return Err(e),
        };
        Ok(Some((u, offset)))
    }

    /// Write `body` at `offset` of upload `u`, which must be where the file
    /// ends. Each piece is written as it arrives; when the body fails (the
    /// client hung up, the deadline passed) what was written stays, and the
    /// answer is the offset reached with the body's error.
    pub async fn append<S, E>(
        &self,
        u: &Upload,
        offset: u64,
        body: S,
    ) -> (u64, Result<(), AppendError>)
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let path = self.part_path(&u.id);
        let slot = match self.writing.lock() {
            Ok(mut w) => w.insert(u.id.clone()).then(|| Writing(self, u.id.clone())),
            Err(_) => None,
        };
        let Some(_slot) = slot else {
            // another request is still writing (a client that hung up is
            // noticed a moment later): say where the bytes are now, not
            // where this request thought they were
            let at = tokio::fs::metadata(&path).await.map_or(offset, |m| m.len());
            return (at, Err(AppendError::Busy));
        };
        let mut file = match tokio::fs::OpenOptions::new().append(true).open(&path).await {
            Ok(f) => f,
            Err(e) => return (offset, Err(AppendError::Io(e))),
        };
        let at = match file.metadata().await {
            Ok(m) => m.len(),
            Err(e) => return (offset, Err(AppendError::Io(e))),
        };
        if at != offset {
            return (at, Err(AppendError::Offset(at)));
        }
        let mut at = at;
        let mut body = body;
        let result = loop {
            match body.next().await {
                None => break Ok(()),
                Some(Err(e)) => {
                    tracing::info!(upload = %u.id, at, error = %e, "upload body ended early");
                    break Ok(());
                }
                Some(Ok(chunk)) => {
                    if at + chunk.len() as u64 > u.length {
                        break Err(AppendError::TooLong);
                    }
                    if let Err(e) = file.write_all(&chunk).await {
                        break Err(AppendError::Io(e));
                    }
                    at += chunk.len() as u64;
                }
            }
        };
        // what reached the disk is the offset (a failed write may have
        // written part of its chunk)
        let _ = file.flush().await;
        let at = file.metadata().await.map_or(at, |m| m.len());
        (at, result)
    }

    /// The upload became library video `video_id`: its bytes are gone (into
    /// the media store); the note stays so a client asking again learns it.
    pub async fn finished(&self, u: &Upload, video_id: i64) -> std::io::Result<()> {
        let mut done = u.clone();
        done.video_id = Some(video_id);
        self.write_meta(&done).await?;
        let _ = tokio::fs::remove_file(self.part_path(&u.id)).await;
        Ok(())
    }

    pub async fn remove(&self, id: &str) {
        if valid_id(id) {
            let _ = tokio::fs::remove_file(self.part_path(id)).await;
            let _ = tokio::fs::remove_file(self.meta_path(id)).await;
        }
    }

    /// Remove uploads older than `KEEP_SECS`; returns how many.
    pub async fn sweep(&self, now: i64) -> usize {
        let Ok(mut dir) = tokio::fs::read_dir(&self.dir).await else {
            return 0;
        };
        let mut removed = 0;
        while let Ok(Some(entry)) = dir.next_entry().await {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(id) = name.strip_suffix(".json") else {
                continue;
            };
            if let Ok(Some((u, _))) = self.get(id).await
                && now - u.created_at > KEEP_SECS
            {
                self.remove(id).await;
                removed += 1;
            }
        }
        removed
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(id: &str, length: u64) -> Upload {
        Upload {
            id: id.into(),
            user_id: 1,
            site_id: "main".into(),
            name: "clip.mp4".into(),
            length,
            created_at: 1000,
            video_id: None,
        }
    }

    fn body(
        parts: Vec<Result<&'static [u8], &'static str>>,
    ) -> impl Stream<Item = Result<Bytes, &'static str>> + Unpin {
        futures_util::stream::iter(parts.into_iter().map(|p| p.map(Bytes::from_static)))
    }

    #[tokio::test]
    async fn a_cut_off_upload_resumes_where_its_bytes_end() {
        let dir = tempfile::tempdir().unwrap();
        let ups = Uploads::new(dir.path());
        let u = upload("abcdefghijklmnop1234", 10);
        ups.create(&u).await.unwrap();
        // the connection drops after four bytes
        let (at, r) = ups
            .append(&u, 0, body(vec![Ok(b"0123"), Err("reset")]))
            .await;
        assert_eq!(at, 4);
        assert!(r.is_ok());
        assert_eq!(ups.get(&u.id).await.unwrap().unwrap().1, 4);
        // a client that lost the answer and sends from 0 again is told where we are
        let (at, r) = ups.append(&u, 0, body(vec![Ok(b"0123")])).await;
        assert_eq!(at, 4);
        assert!(matches!(r, Err(AppendError::Offset(4))));
        // more than promised is refused, what fitted before it stays
        let (at, r) = ups
            .append(&u, 4, body(vec![Ok(b"4567"), Ok(b"89AB")]))
            .await;
        assert_eq!(at, 8);
        assert!(matches!(r, Err(AppendError::TooLong)));
        let (at, r) = ups.append(&u, 8, body(vec![Ok(b"89")])).await;
        assert_eq!((at, r.is_ok()), (10, true));
        assert_eq!(std::fs::read(ups.part_path(&u.id)).unwrap(), b"0123456789");
        ups.finished(&u, 7).await.unwrap();
        let (u2, at) = ups.get(&u.id).await.unwrap().unwrap();
        assert_eq!((u2.video_id, at), (Some(7), 10));
        assert!(ups.get("../../etc/passwd").await.unwrap().is_none());
        assert_eq!(ups.sweep(1000 + KEEP_SECS + 1).await, 1);
        assert!(ups.get(&u.id).await.unwrap().is_none());
    }

    /// A client whose connection dropped mid-chunk is noticed a moment
    /// later; a request that comes meanwhile is refused as busy and told
    /// where the bytes are now, not where it thought they were.
    #[tokio::test]
    async fn a_busy_upload_answers_with_the_bytes_it_has() {
        let dir = tempfile::tempdir().unwrap();
        let ups = std::sync::Arc::new(Uploads::new(dir.path()));
        let u = upload("abcdefghijklmnop5678", 10);
        ups.create(&u).await.unwrap();
        // four bytes arrive, then the body hangs (the hang-up not seen yet)
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, &'static str>>(1);
        tx.send(Ok(Bytes::from_static(b"0123"))).await.unwrap();
        let hanging = tokio_stream_of(rx);
        let first = {
            let (ups, u) = (ups.clone(), u.clone());
            tokio::spawn(async move { ups.append(&u, 0, hanging).await })
        };
        while ups.get(&u.id).await.unwrap().unwrap().1 < 4 {
            tokio::task::yield_now().await;
        }
        let (at, r) = ups.append(&u, 0, body(vec![Ok(b"0123")])).await;
        assert!(matches!(r, Err(AppendError::Busy)));
        assert_eq!(at, 4, "the bytes the server has");
        // the hang-up is noticed: what arrived stays
        drop(tx);
        let (at, r) = first.await.unwrap();
        assert_eq!((at, r.is_ok()), (4, true));
    }

    fn tokio_stream_of(
        mut rx: tokio::sync::mpsc::Receiver<Result<Bytes, &'static str>>,
    ) -> impl Stream<Item = Result<Bytes, &'static str>> + Unpin {
        Box::pin(futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx)))
    }
}
