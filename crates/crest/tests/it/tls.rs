//! HTTPS with rustls, from a PEM certificate and key.

use crate::support::{Backend, TestApp};

#[tokio::test]
async fn serves_https_with_the_configured_certificate() {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).expect("a certificate");
    let dir = tempfile::tempdir().expect("temp dir");
    let cert_path = dir.path().join("cert.pem");
    let key_path = dir.path().join("key.pem");
    std::fs::write(&cert_path, cert.cert.pem()).expect("write cert");
    std::fs::write(&key_path, cert.signing_key.serialize_pem()).expect("write key");
    let app = TestApp::spawn_with(Backend::Sqlite, |s| {
        s.tls_cert = Some(cert_path.clone());
        s.tls_key = Some(key_path.clone());
    })
    .await
    .expect("a server");
    assert!(app.config.public_url.starts_with("https://"));
    let port = app.server.as_ref().expect("running").local_addr.port();
    let client = reqwest::Client::builder()
        .add_root_certificate(
            reqwest::Certificate::from_pem(cert.cert.pem().as_bytes()).expect("pem"),
        )
        .resolve("localhost", ([127, 0, 0, 1], port).into())
        .build()
        .expect("client");
    let resp = client
        .get(format!("https://localhost:{port}/api/v2/cluster/info"))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .expect("an HTTPS answer");
    assert_eq!(resp.status(), 200);
    // Plain HTTP on the TLS port gets no API answer.
    let plain = reqwest::get(format!("http://127.0.0.1:{port}/healthz")).await;
    assert!(plain.map(|r| !r.status().is_success()).unwrap_or(true));
    app.stop().await;
}
