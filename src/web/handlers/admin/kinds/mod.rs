//! One editor panel per story kind (DESIGN.md §9): the fields of the kind's
//! own part, read from the form; the checks a save makes of it against the
//! store; what its fieldset (`templates/admin/kinds/NAME.html`) shows. The
//! editor (`stories`) never names a kind: it asks every panel through [`of`].

mod gallery;
mod live;
mod page;
mod text;
mod topic;
mod video;

use super::Fields;
use crate::domain::draft::Draft;
use crate::domain::kind::{Kind, Parts};
use crate::domain::user::User;
use crate::newsroom::Story;
use crate::state::AppState;
use crate::web::error::AppError;

/// The editor panel of `kind`: the one place a kind is registered in the newsroom.
pub(super) fn of(kind: Kind) -> &'static dyn EditorPanel {
    match kind {
        Kind::Text => &text::TextPanel,
        Kind::Gallery => &gallery::GalleryPanel,
        Kind::Video => &video::VideoPanel,
        Kind::Live => &live::LivePanel,
        Kind::Page => &page::PagePanel,
        Kind::Topic => &topic::TopicPanel,
    }
}

/// A save's circumstances, as a panel checks them.
pub(super) struct Saving<'a> {
    pub state: &'a AppState,
    /// Who saves.
    pub user: &'a User,
    /// The site of the story's channel.
    pub site_id: &'a str,
    /// The story as stored (`None` for a new one).
    pub story: Option<&'a Story>,
}

#[async_trait::async_trait]
pub(super) trait EditorPanel: Send + Sync {
    /// The fieldset's template, or none for a kind with no part of its own.
    fn template(&self) -> Option<&'static str> {
        None
    }

    /// Read the kind's part from the form into `parts`.
    fn parse(&self, _f: &Fields, _parts: &mut Parts) -> Result<(), String> {
        Ok(())
    }

    /// Check the kind's part against the store before a save, and fill in
    /// what the store knows (a video's length).
    async fn check(&self, _s: &Saving<'_>, _draft: &mut Draft) -> Result<(), AppError> {
        Ok(())
    }

    /// What the fieldset shows (its template reads it as `panel`).
    async fn context(
        &self,
        _state: &AppState,
        _user: &User,
        _story: Option<&Story>,
        _d: &Draft,
    ) -> Result<minijinja::Value, AppError> {
        Ok(minijinja::Value::from(()))
    }
}

/// Every kind's part from the form: the form carries every panel (the kind
/// may change before a save), and `Draft::clean` keeps the chosen kind's.
pub(super) fn parse_all(f: &Fields, parts: &mut Parts) -> Result<(), String> {
    Kind::ALL.iter().try_for_each(|k| of(*k).parse(f, parts))
}

/// The chosen kind's checks before a save.
pub(super) async fn check(s: &Saving<'_>, draft: &mut Draft) -> Result<(), AppError> {
    of(draft.kind).check(s, draft).await
}

/// The editor's kind panels in order, each with its template and what it
/// shows: `{kind, template, panel}`.
pub(super) async fn panels(
    state: &AppState,
    user: &User,
    story: Option<&Story>,
    d: &Draft,
) -> Result<Vec<minijinja::Value>, AppError> {
    let mut out = Vec::new();
    for kind in Kind::ALL {
        let p = of(kind);
        if let Some(template) = p.template() {
            let panel = p.context(state, user, story, d).await?;
            out.push(minijinja::context! { kind => kind.as_str(), template, panel });
        }
    }
    Ok(out)
}
