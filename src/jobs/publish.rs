//! Publish a signed-off story whose scheduled time has come (or an
//! imported story dated ahead, whose 签发 time has come).

use anyhow::Context as _;

use crate::domain::workflow::{Action, Actor, Refusal, Work};
use crate::newsroom::{self, NewsroomError};
use crate::state::AppState;

pub async fn run(state: &AppState, key: &str) -> anyhow::Result<()> {
    let id: i64 = key
        .parse()
        .with_context(|| format!("bad story id {key:?}"))?;
    let Some(story) = newsroom::load_for_system(state, id)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
    else {
        return Ok(()); // the story is gone: nothing to do
    };
    if !matches!(story.state.work, Work::Scheduled { .. }) {
        // an import dated ahead waits outside the workflow; anything else
        // is unscheduled or already published (idempotent)
        state.store.release_scheduled(id, state.now()).await?;
        crate::follow::after_write(state).await;
        return Ok(());
    }
    let version = story.state.article.version;
    match newsroom::act(state, Actor::System, &story, version, &Action::PublishDue).await {
        Ok(_) => Ok(()),
        // not due yet (the schedule moved): the job is done, a new one exists
        Err(NewsroomError::Refused(Refusal::WrongState(_))) => Ok(()),
        Err(e) => Err(anyhow::anyhow!("{e}")),
    }
}
