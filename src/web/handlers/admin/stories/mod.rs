//! Stories in the newsroom: write, edit, act on, preview and compare one
//! story, a file each. What differs by kind is in `admin::kinds`.

mod act;
mod diff;
mod edit;
mod editor;
mod form;
mod new;
mod preview;
mod review;
mod save;

pub use act::post_act;
pub use diff::get_diff;
pub use edit::{DoneQuery, get_story, post_story};
pub(crate) use form::check_draft;
pub(crate) use form::{check_channels, parse_draft};
pub use new::{get_new, post_new};
pub use preview::get_preview;

use crate::domain::user::User;
use crate::domain::workflow::Work;
use crate::newsroom::{self, Story};
use crate::state::AppState;
use crate::web::auth::Session;
use crate::web::error::AppError;

/// Whether the person may change the text of the story as it stands.
pub(crate) fn may_edit(story: &Story, user: &User) -> bool {
    match story.state.work {
        Work::Draft | Work::Idle => user.is_editor() || story.state.author_id == Some(user.id),
        // approved text is not edited under the later levels (Action::Edit)
        Work::Review { level } => user.is_editor() && level == 1,
        Work::Scheduled { .. } => false,
    }
}

/// The captions, credits and 替代文字 a saved story gave its 题图 and
/// gallery go into the picture library where it has none. The story is
/// saved already: a failure here is logged, not the person's problem.
async fn adopt_words(state: &AppState, session: &Session, draft: &crate::domain::draft::Draft) {
    let uses: Vec<_> = draft
        .parts
        .lead
        .iter()
        .chain(draft.parts.gallery.iter())
        .cloned()
        .collect();
    if let Err(e) = state
        .store
        .adopt_picture_words(&uses, &session.actor(), state.now())
        .await
    {
        tracing::warn!(error = %e, "the story's picture words did not reach the library");
    }
}

/// Where a saved story's editor opens, saying what happened.
fn saved_url(id: i64, removed_images: usize) -> String {
    if removed_images > 0 {
        format!("/admin/stories/{id}?done=saved_images&n={removed_images}")
    } else {
        format!("/admin/stories/{id}?done=saved")
    }
}

pub(crate) async fn load_visible(
    state: &AppState,
    session: &Session,
    id: i64,
) -> Result<Story, AppError> {
    newsroom::load(state, &session.user, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("稿件 {id} 不存在,或您无权查看")))
}
