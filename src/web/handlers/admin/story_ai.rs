//! The editor's AI declaration (人工智能生成): what the form tells the
//! writer about pictures that are labelled AI-generated, so the story is
//! declared before the signer is refused.

use crate::domain::draft::Draft;
use crate::state::AppState;
use crate::web::error::AppError;

/// One line per labelled picture of the draft (empty when none, or when the
/// story is declared and nothing needs saying).
pub(super) async fn found_labels(
    state: &AppState,
    site_id: Option<&str>,
    d: &Draft,
) -> Result<Vec<String>, AppError> {
    let Some(site_id) = site_id else {
        return Ok(Vec::new());
    };
    let ups = crate::newsroom::ai_uploads(state, site_id, d)
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok(ups
        .into_iter()
        .map(|(what, declared, found)| {
            let why = if found && !declared.is_declared() {
                "的文件带有人工智能生成隐式标识"
            } else {
                "在图片库中标为人工智能生成"
            };
            if d.ai.is_declared() {
                format!("{what}{why},发布后其文件会写入标识。")
            } else {
                format!("{what}{why}:请声明本稿“含人工智能生成内容”或“人工智能生成”,否则不能签发。")
            }
        })
        .collect())
}
