//! The editor's pictures: the 题图 as the form sends it (a gallery's rows
//! are the gallery panel's, `kinds::gallery`), the check that every picture
//! of a story is of its site, and what the form shows of pictures
//! (thumbnails, sizes, words).

use serde::Serialize;

use super::Fields;
use crate::domain::kind::Parts;
use crate::domain::picture::PictureUse;
use crate::state::AppState;
use crate::web::error::AppError;

/// A picture number typed in a field: empty is 0; the error names `what`.
pub(super) fn picture_number(what: &str, s: &str) -> Result<i64, String> {
    match s.trim() {
        "" => Ok(0),
        t => t
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("{what}的图片编号“{t}”不对,应为图片库里的编号")),
    }
}

/// The 题图 fields (every kind's): `lead_image` (a library number) with its
/// words.
pub(super) fn parse_lead(f: &Fields) -> Result<Option<PictureUse>, String> {
    let lead_id = picture_number("题图", f.get("lead_image"))?;
    Ok((lead_id > 0).then(|| PictureUse {
        image_id: lead_id,
        caption: f.get("lead_caption").to_string(),
        credit: f.get("lead_credit").to_string(),
        alt: f.get("lead_alt").to_string(),
    }))
}

/// Every picture the parts name is in the library, of the story's site.
pub(super) async fn check_pictures(
    state: &AppState,
    site_id: &str,
    parts: &Parts,
) -> Result<(), AppError> {
    let ids = parts.image_ids();
    if ids.is_empty() {
        return Ok(());
    }
    let found = state.store.pictures(&ids).await?;
    // the message names where the number was typed (题图, 图集第 N 张)
    let places = parts
        .lead
        .iter()
        .map(|u| (u.image_id, "题图".to_string()))
        .chain(
            parts
                .gallery
                .iter()
                .enumerate()
                .map(|(i, u)| (u.image_id, format!("图集第 {} 张", i + 1))),
        );
    for (id, place) in places {
        match found.iter().find(|p| p.id == id) {
            None => {
                return Err(AppError::BadRequest(format!(
                    "{place}:图片库里没有编号为 {id} 的图片,请检查图片编号"
                )));
            }
            Some(p) if p.site_id != site_id => {
                return Err(AppError::BadRequest(format!(
                    "{place}:图片 {id} 属于其他站点的图片库,不能用在这个站点的稿件里;请上传到本站图片库后再用"
                )));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// One picture as the editor shows it.
#[derive(Debug, Serialize)]
pub(super) struct EditorPicture {
    image_id: i64,
    caption: String,
    credit: String,
    alt: String,
    /// A small preview (a 320 variant once made, else the original).
    thumb: String,
    size: String,
    /// The library's words, offered when the story gives none.
    library_alt: String,
}

/// Pictures as the editor shows them, in order (the 题图, a gallery's rows).
pub(super) async fn editor_pictures(
    state: &AppState,
    uses: &[&PictureUse],
) -> Result<Vec<EditorPicture>, AppError> {
    let ids: Vec<i64> = uses.iter().map(|u| u.image_id).collect();
    let found = if ids.is_empty() {
        Vec::new()
    } else {
        state.store.pictures(&ids).await?
    };
    Ok(uses
        .iter()
        .map(|u| {
            let p = found.iter().find(|p| p.id == u.image_id);
            EditorPicture {
                image_id: u.image_id,
                caption: u.caption.clone(),
                credit: u.credit.clone(),
                alt: u.alt.clone(),
                thumb: p.map(|p| p.sources(None, 320).src).unwrap_or_default(),
                size: p
                    .map(|p| format!("{}×{}", p.width, p.height))
                    .unwrap_or_default(),
                library_alt: p.map(|p| p.alt.clone()).unwrap_or_default(),
            }
        })
        .collect())
}
