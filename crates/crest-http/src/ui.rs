//! The web UI: one shell page and its static assets, embedded in the binary and routed client-side.

use axum::Router;
use axum::extract::Path;
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;

use crate::error::ApiError;
use crate::state::AppState;

/// Where the UI lives.
const UI_PATH: &str = "/ui/";

/// The one HTML page every UI path serves; the scripts pick the page from the location.
const SHELL: &str = include_str!("../ui/index.html");

/// An embedded asset: its path under `/ui/assets/`, its content type, its bytes.
struct Asset {
    path: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

macro_rules! assets {
    ($(($path:literal, $type:expr)),* $(,)?) => {
        &[$(Asset {
            path: $path,
            content_type: $type,
            body: include_bytes!(concat!("../ui/", $path)),
        }),*]
    };
}

const JS: &str = "text/javascript; charset=utf-8";

/// Every asset of the UI. A new file goes here.
static ASSETS: &[Asset] = assets![
    ("css/app.css", "text/css; charset=utf-8"),
    ("img/logo.svg", "image/svg+xml"),
    ("js/app.js", JS),
    ("js/api.js", JS),
    ("js/dom.js", JS),
    ("js/session.js", JS),
    ("js/permissions.js", JS),
    ("js/components/layout.js", JS),
    ("js/components/menu.js", JS),
    ("js/components/modal.js", JS),
    ("js/components/secret.js", JS),
    ("js/components/table.js", JS),
    ("js/components/toast.js", JS),
    ("js/components/form.js", JS),
    ("js/components/alert_state.js", JS),
    ("js/pages/signin.js", JS),
    ("js/pages/accounts.js", JS),
    ("js/pages/profile.js", JS),
    ("js/pages/users.js", JS),
    ("js/pages/service_accounts.js", JS),
    ("js/pages/groups.js", JS),
    ("js/pages/roles.js", JS),
    ("js/pages/tokens.js", JS),
    ("js/pages/audit.js", JS),
    ("js/pages/console_tokens.js", JS),
    ("js/pages/console_apps.js", JS),
    ("js/pages/query.js", JS),
    ("js/pages/dashboards.js", JS),
    ("js/components/chart.js", JS),
    ("vendor/uplot/uPlot.esm.js", JS),
    ("vendor/uplot/uPlot.min.css", "text/css; charset=utf-8"),
    ("vendor/uplot/LICENSE", "text/plain; charset=utf-8"),
    ("js/pages/alerts.js", JS),
    ("js/pages/alert_detail.js", JS),
    ("js/pages/maintenance_windows.js", JS),
];

/// The UI's routes: `/` redirects to it, every path under `/ui` (and `/invite`, where invitation
/// links point) serves the shell, and `/ui/assets/…` the embedded files.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to(UI_PATH) }))
        .route("/ui", get(shell))
        .route("/ui/", get(shell))
        .route("/ui/assets/{*file}", get(asset))
        .route("/ui/{*path}", get(shell))
        .route("/invite", get(shell))
}

async fn shell() -> Response {
    ([(header::CACHE_CONTROL, "no-cache")], Html(SHELL)).into_response()
}

async fn asset(Path(file): Path<String>) -> Result<Response, ApiError> {
    let found = ASSETS
        .iter()
        .find(|a| a.path == file)
        .ok_or_else(|| ApiError::NotFound(format!("no UI asset {file}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, found.content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        found.body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_paths_are_unique_and_typed() {
        let mut seen = std::collections::HashSet::new();
        for a in ASSETS {
            assert!(seen.insert(a.path), "{} twice", a.path);
            assert!(!a.body.is_empty(), "{} is empty", a.path);
            if a.path.ends_with(".js") {
                assert_eq!(a.content_type, JS);
            }
        }
    }
}
