//! 图集: a gallery's rows as the form sends them (one row of `g_image`,
//! `g_caption`, `g_credit`, `g_alt`, `g_order` per picture: the order
//! numbers sort them, rows keep their place when the numbers tie, a row
//! without a number is left out), and the rows the fieldset shows.

use super::super::story_pictures::{editor_pictures, picture_number};
use super::{EditorPanel, Fields};
use crate::domain::draft::Draft;
use crate::domain::kind::Parts;
use crate::domain::picture::PictureUse;
use crate::domain::user::User;
use crate::newsroom::Story;
use crate::state::AppState;
use crate::web::error::AppError;

pub(super) struct GalleryPanel;

#[async_trait::async_trait]
impl EditorPanel for GalleryPanel {
    fn template(&self) -> Option<&'static str> {
        Some("admin/kinds/gallery.html")
    }

    fn parse(&self, f: &Fields, parts: &mut Parts) -> Result<(), String> {
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
            let image_id = picture_number(&format!("图集第 {} 行", i + 1), id)?;
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
        parts.gallery = rows.into_iter().map(|(_, _, u)| u).collect();
        Ok(())
    }

    async fn context(
        &self,
        state: &AppState,
        _user: &User,
        _story: Option<&Story>,
        d: &Draft,
    ) -> Result<minijinja::Value, AppError> {
        let uses: Vec<&PictureUse> = d.parts.gallery.iter().collect();
        Ok(minijinja::context! { rows => editor_pictures(state, &uses).await? })
    }
}
