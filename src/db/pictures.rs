//! The image library's storage: one row per uploaded picture (its original,
//! its words, its focal point, what the variant job made), which stories use
//! it, and the `picture_variants` job that makes its files. A change a page
//! can show (new variants, new words, a moved focal point) logs `image:ID`.

use async_trait::async_trait;

use super::{Actor, StoreResult};
use crate::domain::picture::{Focal, Made, Picture};

/// An upload that passed the checks, before it has an id.
#[derive(Debug, Clone, Default)]
pub struct NewPicture {
    pub site_id: String,
    pub key: String,
    pub width: u32,
    pub height: u32,
    pub bytes: i64,
    pub mime: String,
    pub caption: String,
    pub credit: String,
    pub alt: String,
    pub animated: bool,
    /// The `AIGC` label found in the uploaded file.
    pub aigc: Option<crate::domain::ai::Aigc>,
}

/// The words and focal point an editor gives a picture in the library.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PictureMeta {
    pub caption: String,
    pub credit: String,
    pub alt: String,
    pub focal: Focal,
    /// 人工智能生成 declaration of the picture.
    pub ai: crate::domain::ai::Ai,
}

/// A page of the library, newest first.
#[derive(Debug, Clone, Default)]
pub struct LibraryQuery {
    /// The sites whose pictures may be listed (`None`: every site).
    pub sites: Option<Vec<String>>,
    /// Words in the caption, credit or alt text.
    pub words: String,
    pub uploader: String,
    /// Uploaded at or after / before (epoch seconds).
    pub from: Option<i64>,
    pub until: Option<i64>,
    /// Keyset: older than this (created_at, id).
    pub before: Option<(i64, i64)>,
    pub limit: i64,
}

/// A story that uses a picture.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PictureUseOf {
    pub article_id: i64,
    pub title: String,
    pub status: String,
}

#[async_trait]
pub trait Pictures: Send + Sync {
    /// Add an upload to the library with its `picture_variants` job, in one
    /// transaction. The same file uploaded for the same site again answers
    /// the picture it already is (`false`: not new).
    async fn add_picture(
        &self,
        p: &NewPicture,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<(Picture, bool)>;
    async fn picture(&self, id: i64) -> StoreResult<Option<Picture>>;
    /// Pictures by id, in no particular order; ids not found are left out.
    async fn pictures(&self, ids: &[i64]) -> StoreResult<Vec<Picture>>;
    /// Pictures of `site` by original key (a story body's `<img>`s).
    async fn pictures_by_key(&self, site_id: &str, keys: &[String]) -> StoreResult<Vec<Picture>>;
    async fn library(&self, q: &LibraryQuery) -> StoreResult<Vec<Picture>>;
    /// The words a story gave its pictures (caption, credit, 替代文字) go
    /// into the library where a picture has none yet, each with a record
    /// row: a gallery's captions are not lost to the next story that uses
    /// the picture. Words the library has are never overwritten.
    async fn adopt_picture_words(
        &self,
        uses: &[crate::domain::picture::PictureUse],
        actor: &Actor,
        now: i64,
    ) -> StoreResult<usize>;
    /// New words or focal point; a moved focal point queues new crops.
    async fn edit_picture(
        &self,
        id: i64,
        meta: &PictureMeta,
        actor: &Actor,
        now: i64,
    ) -> StoreResult<Picture>;
    /// What the job made (variants for the focal point in `made`).
    /// Whether a live story declared AI-generated uses the picture (its
    /// files then carry the implicit label).
    async fn used_by_declared(&self, id: i64) -> StoreResult<bool>;
    async fn set_made(&self, id: i64, made: &Made, now: i64) -> StoreResult<()>;
    /// The stories whose saved text uses the picture, newest first.
    async fn picture_uses(&self, id: i64) -> StoreResult<Vec<PictureUseOf>>;
}
