//! Every route, in one place.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::response::Redirect;
use axum::routing::{get, post};

use super::handlers::admin::{
    account, api_keys, audit, autosave, channels, dashboard, deputies, images, live, media,
    planning, rankings, reports, slots, stats, stories, story_list, uploads, users, video_library,
    videos, words,
};
use super::handlers::{assets, portal};
use crate::state::AppState;

/// Largest form body the newsroom accepts (a story with a 1 MB body, encoded).
const FORM_LIMIT: usize = 4 * 1024 * 1024;

/// `/api/v1/`: every answer also takes a browser's CORS preflight; an
/// unknown path is a JSON 404.
fn api_routes() -> Router<AppState> {
    use super::handlers::api::{self, docs, sites, stories};
    let pre = api::options_preflight;
    Router::new()
        .route("/api/v1/stories", get(stories::get_stories).options(pre))
        .route("/api/v1/stories/{id}", get(stories::get_story).options(pre))
        .route("/api/v1/lookup", get(stories::get_lookup).options(pre))
        .route("/api/v1/search", get(sites::get_search).options(pre))
        .route("/api/v1/sites", get(sites::get_sites).options(pre))
        .route(
            "/api/v1/sites/{site}/channels",
            get(sites::get_channels).options(pre),
        )
        .route(
            "/api/v1/sites/{site}/slots",
            get(sites::get_slots).options(pre),
        )
        .route(
            "/api/v1/sites/{site}/topics",
            get(sites::get_topics).options(pre),
        )
        .route(
            "/api/v1/sites/{site}/tags",
            get(sites::get_tags).options(pre),
        )
        .route(
            "/api/v1/sites/{site}/authors",
            get(sites::get_authors).options(pre),
        )
        .route("/api/v1/openapi.json", get(docs::get_openapi))
        .route("/api/v1/docs", get(docs::get_docs))
        .route("/api/v1/", get(|| async { Redirect::to("/api/v1/docs") }))
        .route("/api/v1/{*rest}", get(api::get_unknown).options(pre))
}

pub fn router(state: AppState) -> Router {
    let body_deadline = state.config.limits.body_deadline;
    let admin = Router::new()
        .route("/admin", get(|| async { Redirect::permanent("/admin/") }))
        .route("/admin/", get(dashboard::get_dashboard))
        .route(
            "/admin/login",
            get(account::get_login).post(account::post_login),
        )
        .route("/admin/logout", post(account::post_logout))
        .route(
            "/admin/password",
            get(account::get_password).post(account::post_password),
        )
        .route("/admin/stories", get(story_list::get_stories))
        .route(
            "/admin/api-keys",
            get(api_keys::get_keys).post(api_keys::post_key),
        )
        .route("/admin/api-keys/{id}/revoke", post(api_keys::post_revoke))
        .route("/admin/stories/bulk", post(story_list::post_bulk))
        .route(
            "/admin/stories/new",
            get(stories::get_new).post(stories::post_new),
        )
        .route(
            "/admin/stories/{id}",
            get(stories::get_story).post(stories::post_story),
        )
        .route("/admin/stories/{id}/act", post(stories::post_act))
        .route(
            "/admin/stories/{id}/autosave",
            post(autosave::post_autosave),
        )
        .route(
            "/admin/stories/{id}/autosave/discard",
            post(autosave::post_discard),
        )
        .route("/admin/stories/{id}/preview", get(stories::get_preview))
        .route("/admin/stories/{id}/diff", get(stories::get_diff))
        .route(
            "/admin/slots",
            get(slots::get_slots).post(slots::post_slots),
        )
        .route(
            "/admin/slots/{id}",
            get(slots::get_slot).post(slots::post_slot),
        )
        .route("/admin/slots/{id}/act", post(slots::post_slot_act))
        .route("/admin/rankings", get(rankings::get_rankings))
        .route("/admin/rankings/remove", post(rankings::post_remove))
        .route("/admin/rankings/restore", post(rankings::post_restore))
        // 策划指挥
        .route("/admin/planning", get(planning::budget::get_budget))
        .route("/admin/planning/order", post(planning::budget::post_order))
        .route("/admin/planning/final", post(planning::budget::post_final))
        .route("/admin/planning/budget.csv", get(planning::budget::get_csv))
        .route("/admin/planning/print", get(planning::budget::get_print))
        .route(
            "/admin/planning/pitches",
            get(planning::pitches::get_pitches),
        )
        .route(
            "/admin/planning/new",
            get(planning::plan::get_new).post(planning::plan::post_new),
        )
        .route(
            "/admin/planning/hooks",
            get(planning::hooks::get_hooks).post(planning::hooks::post_hook),
        )
        .route(
            "/admin/planning/hooks/{id}/delete",
            post(planning::hooks::post_delete),
        )
        .route(
            "/admin/planning/{id}",
            get(planning::plan::get_plan).post(planning::plan::post_plan),
        )
        .route(
            "/admin/planning/{id}/pitch",
            post(planning::plan::post_pitch),
        )
        .route(
            "/admin/planning/{id}/cancel",
            post(planning::plan::post_cancel),
        )
        .route(
            "/admin/planning/coverages/{id}/assign",
            post(planning::plan::post_assign),
        )
        .route(
            "/admin/assignments",
            get(planning::assignments::get_assignments),
        )
        .route(
            "/admin/assignments/{id}/act",
            post(planning::assignments::post_act),
        )
        .route(
            "/admin/assignments/{id}/start",
            post(planning::assignments::post_start),
        )
        .route(
            "/admin/tips",
            get(planning::tips::get_tips).post(planning::tips::post_tip),
        )
        .route("/admin/tips/{id}", get(planning::tips::get_tip))
        .route(
            "/admin/tips/{id}/dismiss",
            post(planning::tips::post_dismiss),
        )
        .route("/admin/board", get(planning::board::get_board))
        .route("/admin/board/events", get(planning::board::get_events))
        .route(
            "/admin/roster",
            get(planning::roster::get_roster).post(planning::roster::post_roster),
        )
        .route("/admin/roster/signs", post(planning::roster::post_signs))
        .route(
            "/admin/roster/{id}/delete",
            post(planning::roster::post_delete),
        )
        .route("/admin/images", get(images::get_images))
        .route(
            "/admin/images/{id}",
            get(images::get_image).post(images::post_image),
        )
        .route("/admin/stats", get(stats::get_stats))
        .route("/admin/stats.csv", get(stats::get_stats_csv))
        .route("/admin/audit", get(audit::get_audit))
        .route("/admin/reports", get(reports::get_reports))
        .route("/admin/reports.csv", get(reports::get_reports_csv))
        .route("/admin/reports.json", get(reports::get_reports_json))
        .route("/admin/reports/{id}", get(reports::get_report))
        .route("/admin/reports/{id}/act", post(reports::post_act))
        .route("/admin/reports/{id}/shots/{n}", get(reports::get_shot))
        .route("/admin/audit.csv", get(audit::get_audit_csv))
        .route("/admin/audit.json", get(audit::get_audit_json))
        .route(
            "/admin/users",
            get(users::get_users).post(users::post_users),
        )
        .route(
            "/admin/words",
            get(words::get_words).post(words::post_words),
        )
        .route("/admin/words/{id}/delete", post(words::post_delete_word))
        .route(
            "/admin/deputies",
            get(deputies::get_deputies).post(deputies::post_deputy),
        )
        .route(
            "/admin/deputies/{id}/delete",
            post(deputies::post_delete_deputy),
        )
        .route("/admin/users/{id}", post(users::post_user))
        .route("/admin/users/{id}/unlock", post(users::post_unlock))
        .route(
            "/admin/channels",
            get(channels::get_channels).post(channels::post_channels),
        )
        .route("/admin/channels/{id}", post(channels::post_channel))
        .route(
            "/admin/sites/{id}",
            get(channels::get_site).post(channels::post_site),
        )
        .layer(DefaultBodyLimit::max(FORM_LIMIT))
        .route("/admin/videos", get(video_library::get_videos))
        .route("/admin/videos/{id}", get(videos::get_video))
        .route("/admin/live/{id}", get(live::get_desk))
        .route("/admin/live/{id}/entries", post(live::post_entry))
        .route("/admin/live/{id}/clock", post(live::post_clock))
        .route("/admin/live/entries/{id}/act", post(live::post_entry_act))
        .route("/admin/videos/{id}/poster", post(videos::post_poster))
        .layer(DefaultBodyLimit::max(FORM_LIMIT))
        .route(
            "/admin/media",
            post(media::post_media)
                .layer(DefaultBodyLimit::max(crate::media::MAX_BYTES + 64 * 1024)),
        )
        .route(
            "/admin/videos/{id}/subtitles",
            post(videos::post_subtitles).layer(DefaultBodyLimit::max(600 * 1024)),
        )
        // tus: a chunk is as long as the client makes it; the upload's
        // promised length bounds it (`media::upload`)
        .route(
            "/admin/uploads",
            post(uploads::post_uploads).options(uploads::options_uploads),
        )
        .route(
            "/admin/uploads/{id}",
            axum::routing::patch(uploads::patch_upload)
                .head(uploads::head_upload)
                .delete(uploads::delete_upload)
                .layer(DefaultBodyLimit::disable()),
        )
        // the newsroom's pages compressed for the client that takes it
        // (tower-http leaves alone what is small, already encoded, an event
        // stream or a picture)
        .layer(tower_http::compression::CompressionLayer::new());
    Router::new()
        .merge(admin)
        .route("/static/{*name}", get(assets::get_asset))
        // asked for by browsers and readers that find no icon link
        .route("/favicon.ico", get(assets::get_favicon))
        .route("/metrics", get(portal::get_metrics))
        .route("/healthz", get(portal::get_healthz))
        .route("/readyz", get(portal::get_readyz))
        .route("/media/{*path}", get(assets::get_media))
        .route("/live/{id}/events", get(super::handlers::live::get_events))
        // the content API (issue 27): JSON for apps, each request with a key
        .merge(api_routes())
        // 举报: every site's form posts here (its site in a field); the GET
        // is the main site's form, through the portal handler
        .route(
            "/jubao/",
            get(portal::get_page)
                .post(super::handlers::reports::post_report)
                .layer(DefaultBodyLimit::max(super::handlers::reports::BODY_LIMIT)),
        )
        // 报料: the same, a plain form
        .route(
            "/baoliao/",
            get(portal::get_page)
                .post(super::handlers::baoliao::post_tip)
                .layer(DefaultBodyLimit::max(64 * 1024)),
        )
        // Every other GET is a public page of some site: one render path.
        .fallback(portal::get_page)
        .layer(axum::middleware::from_fn(move |req, next| {
            super::detach::detach_writes(body_deadline, req, next)
        }))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            super::guard::guard,
        ))
        .with_state(state)
}
