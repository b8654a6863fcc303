//! 图集: the pictures in order, and an `ImageGallery`.

use super::{Added, StoryInput, StoryPage};
use crate::render::pictures::{PictureView, SIZES_COLUMN, view};

pub(super) struct Gallery;

#[async_trait::async_trait]
impl StoryPage for Gallery {
    fn template(&self) -> &'static str {
        "portal/gallery.html"
    }

    async fn add(&self, s: &mut StoryInput<'_>) -> anyhow::Result<Added> {
        let gallery: Vec<PictureView> = s
            .article
            .parts
            .gallery
            .iter()
            .filter_map(|u| {
                Some(view(
                    s.pictures.get(&u.image_id)?,
                    Some(u),
                    None,
                    SIZES_COLUMN,
                    960,
                ))
            })
            .collect();
        let mut added = Added::default();
        if !gallery.is_empty() {
            let images: Vec<serde_json::Value> = gallery
                .iter()
                .map(|g| {
                    serde_json::json!({
                        "@type": "ImageObject",
                        "contentUrl": s.absolute(&g.full),
                        "width": g.full_width,
                        "height": g.full_height,
                        "caption": g.caption,
                        "creditText": g.credit,
                        "description": g.alt,
                    })
                })
                .collect();
            added.structured.push(serde_json::json!({
                "@context": "https://schema.org",
                "@type": "ImageGallery",
                "name": s.article.title,
                "url": s.canonical,
                "associatedMedia": images,
            }));
        }
        added.field("gallery", gallery)?;
        Ok(added)
    }
}
