//! The GraphiQL playground, entirely from this binary: the page at `GET /graphql` (for browsers) and
//! its scripts and styles at `GET /graphql/assets/<file>`, embedded at compile time from `assets/`, so
//! that it works with no network beyond the server itself (no CDN).
//!
//! The vendored files (GraphiQL, React, ReactDOM; versions and licenses in `assets/graphiql/README.md`)
//! are served with a year-long, immutable cache. The page names them with `?v=<hash of every asset>`,
//! so a new build with other assets is fetched afresh, while the page itself is never cached.
//! `HEARTH_PLAYGROUND=false` answers 404 to the page and the assets alike.

use crate::app::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

/// One embedded file under `/graphql/assets/`.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// An [`Asset`] of `assets/<folder>/<name>`, served as `/graphql/assets/<name>`.
macro_rules! asset {
    ($folder:literal, $name:literal, $content_type:expr) => {
        Asset {
            name: $name,
            content_type: $content_type,
            bytes: include_bytes!(concat!("../../assets/", $folder, "/", $name)),
        }
    };
}

const ASSETS: &[Asset] = &[
    asset!("graphiql", "react.production.min.js", JAVASCRIPT),
    asset!("graphiql", "react-dom.production.min.js", JAVASCRIPT),
    asset!("graphiql", "graphiql.min.js", JAVASCRIPT),
    asset!("graphiql", "graphiql.min.css", CSS),
    asset!("playground", "hearth-playground.js", JAVASCRIPT),
];

/// The page's template; `{{v}}` stands for [`ASSETS_VERSION`].
const PAGE_TEMPLATE: &str = include_str!("../../assets/playground/index.html");

/// What the page may load: only this server (its scripts and styles, `/graphql` and `/graphql/ws`),
/// plus the fonts and icons GraphiQL inlines as `data:` URLs.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; \
     connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; \
     form-action 'none'";

const ASSET_CACHE: &str = "public, max-age=31536000, immutable";

/// The first 16 hex digits of a SHA-256 over every asset: changes whenever any of them does.
static ASSETS_VERSION: LazyLock<String> = LazyLock::new(|| {
    let mut hash = Sha256::new();
    for asset in ASSETS {
        hash.update(asset.name.as_bytes());
        hash.update((asset.bytes.len() as u64).to_le_bytes());
        hash.update(asset.bytes);
    }
    hash.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
});

static PAGE: LazyLock<String> = LazyLock::new(|| PAGE_TEMPLATE.replace("{{v}}", &ASSETS_VERSION));

/// The playground's HTML page (the caller has checked that the playground is on).
pub fn page() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CONTENT_SECURITY_POLICY),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
        ],
        PAGE.as_str(),
    )
        .into_response()
}

/// GET /graphql/assets/{file}: an embedded file, or 404 (also when the playground is off).
pub async fn asset(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let found = ASSETS.iter().find(|asset| asset.name == file);
    match found {
        Some(asset) if state.settings.playground => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(asset.content_type),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static(ASSET_CACHE)),
                (
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ),
            ],
            asset.bytes,
        )
            .into_response(),
        _ => (StatusCode::NOT_FOUND, "Not found").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_loads_every_asset_from_this_server_and_nothing_else() {
        let page = PAGE.as_str();
        assert!(!page.contains("{{v}}"));
        assert!(page.contains("graphiql"));
        for asset in ASSETS {
            let reference = format!("graphql/assets/{}?v={}", asset.name, *ASSETS_VERSION);
            assert!(
                page.contains(&reference),
                "the page does not load {reference}"
            );
        }
        for text in [page, PAGE_TEMPLATE] {
            assert!(
                !text.contains("http://")
                    && !text.contains("https://")
                    && !text.contains("//unpkg")
                    && !text.contains("//cdn")
            );
        }
        let ours = ASSETS
            .iter()
            .find(|asset| asset.name == "hearth-playground.js")
            .expect("the playground's own script");
        let script = std::str::from_utf8(ours.bytes).expect("utf-8");
        assert!(
            !script.contains("https://"),
            "the playground script loads nothing remote"
        );
    }

    #[test]
    fn assets_have_their_content_types_and_are_not_empty() {
        for asset in ASSETS {
            assert!(!asset.bytes.is_empty(), "{} is empty", asset.name);
            let expected = if asset.name.ends_with(".css") {
                CSS
            } else {
                JAVASCRIPT
            };
            assert_eq!(asset.content_type, expected, "{}", asset.name);
        }
        assert_eq!(ASSETS_VERSION.len(), 16);
    }
}
