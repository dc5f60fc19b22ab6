//! The web UI: `/` redirects to it, its paths serve the one shell page, assets come with their
//! content type, and an unknown asset is a 404 in the API's envelope.

use crate::support::{TestApp, assert_error_envelope, json};

#[tokio::test]
async fn the_ui_is_served_from_the_binary() {
    let app = TestApp::spawn().await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");

    let root = http.get(app.at("/")).send().await.expect("send");
    assert!(root.status().is_redirection(), "{}", root.status());
    assert_eq!(root.headers()["location"], "/ui/");

    for path in [
        "/ui",
        "/ui/",
        "/ui/accounts/users",
        "/ui/console/apps",
        "/invite",
    ] {
        let page = http.get(app.at(path)).send().await.expect("send");
        assert_eq!(page.status(), 200, "{path}");
        assert!(
            page.headers()["content-type"]
                .to_str()
                .expect("ascii")
                .starts_with("text/html"),
            "{path}"
        );
        let body = page.text().await.expect("body");
        assert!(body.contains("/ui/assets/js/app.js"), "{path}");
        assert!(!body.contains("<style"), "no inline styles: {path}");
    }

    let script = http
        .get(app.at("/ui/assets/js/app.js"))
        .send()
        .await
        .expect("send");
    assert_eq!(script.status(), 200);
    assert!(
        script.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/javascript")
    );
    assert_eq!(script.headers()["cache-control"], "no-cache");
    let css = http
        .get(app.at("/ui/assets/css/app.css"))
        .send()
        .await
        .expect("send");
    assert_eq!(css.status(), 200);
    assert!(
        css.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/css")
    );

    let (status, body) = json(
        http.get(app.at("/ui/assets/js/nope.js"))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(status, 404);
    assert_error_envelope(&body, 404);
    app.stop().await;
}
