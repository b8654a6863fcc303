//! The editor's pictures: the 题图 and a gallery's rows as the form sends
//! them, the check that each is a picture of the story's site, and what the
//! form shows of them (thumbnails, sizes, words).

use serde::Serialize;

use super::Fields;
use crate::domain::draft::Draft;
use crate::domain::kind::Parts;
use crate::state::AppState;
use crate::web::error::AppError;

/// The 题图 and gallery fields: `lead_image` (a library number) with its
/// words, and one row of `g_image`, `g_caption`, `g_credit`, `g_alt`, `g_order`
/// per gallery picture (the order numbers sort them; rows keep their place
/// when the numbers tie). A row without a number is left out.
pub(super) fn parse_parts(f: &Fields) -> Result<Parts, String> {
    use crate::domain::picture::PictureUse;
    let number = |what: &str, s: &str| -> Result<i64, String> {
        match s.trim() {
            "" => Ok(0),
            t => t
                .parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("{what}的图片编号“{t}”不对,应为图片库里的编号")),
        }
    };
    let lead_id = number("题图", f.get("lead_image"))?;
    let lead = (lead_id > 0).then(|| PictureUse {
        image_id: lead_id,
        caption: f.get("lead_caption").to_string(),
        credit: f.get("lead_credit").to_string(),
        alt: f.get("lead_alt").to_string(),
    });
    let (ids, captions, credits, alts, orders) = (
        f.all("g_image"),
        f.all("g_caption"),
        f.all("g_credit"),
        f.all("g_alt"),
        f.all("g_order"),
    );
    let at = |v: &Vec<&str>, i: usize| v.get(i).map(|s| s.to_string()).unwrap_or_default();
    let mut rows = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let image_id = number(&format!("图集第 {} 行", i + 1), id)?;
        if image_id == 0 {
            continue;
        }
        let order = at(&orders, i).trim().parse::<i64>().unwrap_or(i as i64 + 1);
        rows.push((
            order,
            i,
            PictureUse {
                image_id,
                caption: at(&captions, i),
                credit: at(&credits, i),
                alt: at(&alts, i),
            },
        ));
    }
    rows.sort_by_key(|(order, i, _)| (*order, *i));
    Ok(Parts {
        lead,
        gallery: rows.into_iter().map(|(_, _, u)| u).collect(),
        ..Parts::default()
    })
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
    for id in ids {
        match found.iter().find(|p| p.id == id) {
            None => {
                return Err(AppError::BadRequest(format!(
                    "图片库里没有编号为 {id} 的图片,请检查题图或图集的图片编号"
                )));
            }
            Some(p) if p.site_id != site_id => {
                return Err(AppError::BadRequest(format!(
                    "图片 {id} 属于其他站点的图片库,不能用在这个站点的稿件里"
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

#[derive(Debug, Serialize)]
pub(super) struct EditorPictures {
    lead: Option<EditorPicture>,
    gallery: Vec<EditorPicture>,
}

pub(super) async fn editor_pictures(
    state: &AppState,
    d: &Draft,
) -> Result<EditorPictures, AppError> {
    let found = state.store.pictures(&d.parts.image_ids()).await?;
    let row = |u: &crate::domain::picture::PictureUse| {
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
    };
    Ok(EditorPictures {
        lead: d.parts.lead.as_ref().map(row),
        gallery: d.parts.gallery.iter().map(row).collect(),
    })
}
