//! 直播: the planned start; after sign-off the entries are written on the
//! 直播台 (`admin::live`), which the fieldset links.

use super::{EditorPanel, Fields};
use crate::domain::draft::Draft;
use crate::domain::kind::Parts;
use crate::domain::live::LivePart;
use crate::domain::user::User;
use crate::newsroom::Story;
use crate::state::AppState;
use crate::web::error::AppError;

pub(super) struct LivePanel;

#[async_trait::async_trait]
impl EditorPanel for LivePanel {
    fn template(&self) -> Option<&'static str> {
        Some("admin/kinds/live.html")
    }

    fn parse(&self, f: &Fields, parts: &mut Parts) -> Result<(), String> {
        parts.live = match f.get("live_starts_at").trim() {
            "" => None,
            t => Some(LivePart {
                starts_at: super::super::parse_local(t)
                    .ok_or_else(|| "直播开始时间格式不正确,请用日期时间选择器填写".to_string())?,
            }),
        };
        Ok(())
    }

    async fn context(
        &self,
        _state: &AppState,
        _user: &User,
        _story: Option<&Story>,
        d: &Draft,
    ) -> Result<minijinja::Value, AppError> {
        Ok(minijinja::context! {
            starts_at => super::super::local(d.parts.live.as_ref().map(|l| l.starts_at)),
        })
    }
}
