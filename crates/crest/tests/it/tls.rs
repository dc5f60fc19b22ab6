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
    assert_eq!(
        resp.headers()[reqwest::header::STRICT_TRANSPORT_SECURITY],
        "max-age=31536000"
    );

    // Under TLS the session cookie is Secure, and its __Host- name pins it to this host.
    let set = client
        .put(format!(
            "https://localhost:{port}/api/v2/account/user/{}",
            crate::support::ADMIN
        ))
        .bearer_auth(&app.admin_token)
        .json(&serde_json::json!({"identifier": crate::support::ADMIN, "credential": "correct horse battery"}))
        .send()
        .await
        .expect("an HTTPS answer");
    assert_eq!(set.status(), 200);
    let signed_in = client
        .post(format!("https://localhost:{port}/api/crest/v1/session"))
        .json(&serde_json::json!({"email": crate::support::ADMIN, "password": "correct horse battery"}))
        .send()
        .await
        .expect("an HTTPS answer");
    assert_eq!(signed_in.status(), 200);
    let cookie = signed_in.headers()[reqwest::header::SET_COOKIE]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(cookie.starts_with("__Host-crest_session="), "{cookie}");
    assert!(
        cookie.contains("; Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().expect("name=value");
    let session = client
        .get(format!("https://localhost:{port}/api/crest/v1/session"))
        .header(reqwest::header::COOKIE, pair)
        .send()
        .await
        .expect("an HTTPS answer");
    assert_eq!(session.status(), 200);
    // Plain HTTP on the TLS port gets no API answer.
    let plain = reqwest::get(format!("http://127.0.0.1:{port}/healthz")).await;
    assert!(plain.map(|r| !r.status().is_success()).unwrap_or(true));
    app.stop().await;
}
