//! `picture_variants`: make the files a picture's pages list (the widths and
//! the crops around its focal point), then record them, which logs `image:ID`
//! so the pages showing it re-render with `srcset`. Idempotent: run again,
//! it makes the same files; a picture whose files are already those of its
//! focal point is left alone.

use anyhow::Context as _;

use crate::state::AppState;

pub(super) async fn run(state: &AppState, key: &str) -> anyhow::Result<()> {
    let id: i64 = key.parse().context("picture job key is not an id")?;
    let Some(p) = state.store.picture(id).await? else {
        // the row is gone (a restored database): nothing to make
        return Ok(());
    };
    let mut plan = crate::domain::picture::plan(p.width, p.height, p.focal);
    // a picture declared, found or used as AI-generated carries the GB
    // 45438 label in every file, with this site as the propagator
    if p.is_ai() || state.store.used_by_declared(id).await? {
        let sites = state.store.sites().await?;
        let propagator = sites
            .iter()
            .find(|s| s.id == p.site_id)
            .map(|s| s.organisation().to_string())
            .unwrap_or_default();
        let label = crate::domain::ai::Aigc::for_files(
            p.aigc.as_ref(),
            &propagator,
            &format!("{}:image:{id}", p.site_id),
        );
        plan.aigc = Some(label.to_json());
    }
    if p.made.as_ref().is_some_and(|m| m.fulfils(&plan)) {
        return Ok(());
    }
    let started = std::time::Instant::now();
    let sizes = crate::media::make_variants(
        state.media.as_ref(),
        &state.work.decode,
        &p.key,
        p.width,
        p.height,
        &plan,
    )
    .await
    .with_context(|| format!("making the variants of picture {id}"))?;
    let files = sizes.len();
    let mut made = plan;
    made.jpeg_bytes = made
        .variants
        .iter()
        .map(|v| {
            let key =
                crate::domain::picture::variant_key(&made.base_key(&p.key), v, made.focal, "jpg");
            sizes.iter().find(|(k, _)| *k == key).map_or(0, |(_, n)| *n)
        })
        .collect();
    state.store.set_made(id, &made, state.now()).await?;
    crate::follow::after_write(state).await;
    tracing::info!(
        picture = id,
        files,
        ms = started.elapsed().as_millis() as u64,
        "picture variants made"
    );
    Ok(())
}
