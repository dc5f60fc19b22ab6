//! Passwords set by an administrator (`credential`), changed by their owner, and invitations
//! accepted with a first password; checked through the sign-in function the web UI will use.

use std::sync::Arc;

use crest_auth::password::{Passwords, SignInError};
use crest_domain::clock::SystemClock;
use crest_domain::random::OsRandom;
use crest_store::SqlStore;
use reqwest::Method;
use serde_json::json;

use crate::support::{ADMIN, TestApp, assert_error_envelope, call};

/// The sign-in function over a second handle on the server's store.
async fn sign_in_service(app: &TestApp) -> (Passwords, Arc<SqlStore>) {
    let store = Arc::new(SqlStore::open(&app.config.store).await.expect("open"));
    let passwords = Passwords::new(store.clone(), Arc::new(SystemClock), Arc::new(OsRandom));
    (passwords, store)
}

async fn signs_in(passwords: &Passwords, email: &str, password: &str) -> bool {
    match passwords.sign_in(email, password, "test").await {
        Ok(account) => {
            assert_eq!(account.id.as_str(), email);
            true
        }
        Err(SignInError::Rejected) => false,
        Err(e) => panic!("sign-in failed: {e}"),
    }
}

#[tokio::test]
async fn an_administrator_sets_a_password_and_its_owner_changes_it() {
    let app = TestApp::spawn().await;
    let (passwords, _store) = sign_in_service(&app).await;
    let user = "pat@example.com";
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v2/account/user",
        Some(json!({"emailAddress": user, "groups": [], "userGroups": []})),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        !signs_in(&passwords, user, "anything at all").await,
        "no password yet"
    );

    // Too short: refused, nothing set.
    let path = format!("/api/v2/account/user/{user}");
    let (status, body) = call(
        &app,
        Method::PUT,
        &path,
        Some(json!({"credential": "short"})),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_error_envelope(&body, 400);

    let (status, body) = call(
        &app,
        Method::PUT,
        &path,
        Some(json!({"identifier": user, "credential": "correct horse battery"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["identifier"], user);
    assert!(!body.to_string().contains("correct horse"));
    assert!(signs_in(&passwords, user, "correct horse battery").await);
    assert!(!signs_in(&passwords, user, "Correct horse battery").await);
    assert!(!signs_in(&passwords, "nobody@example.com", "correct horse battery").await);

    // The deprecated User API resets it the same way.
    let (status, _) = call(
        &app,
        Method::PUT,
        &format!("/api/v2/user/{user}"),
        Some(json!({"credential": "a brand new secret"})),
    )
    .await;
    assert_eq!(status, 200);
    assert!(signs_in(&passwords, user, "a brand new secret").await);
    assert!(!signs_in(&passwords, user, "correct horse battery").await);

    // The administrator changes their own password, given the current one.
    call(
        &app,
        Method::PUT,
        &format!("/api/v2/account/user/{ADMIN}"),
        Some(json!({"credential": "first admin pass"})),
    )
    .await;
    let change = |current: &str, new: &str| json!({"currentPassword": current, "newPassword": new});
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/crest/v1/password",
        Some(change("wrong one!", "second admin pass")),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/crest/v1/password",
        Some(change("first admin pass", "second admin pass")),
    )
    .await;
    assert_eq!(status, 200);
    assert!(signs_in(&passwords, ADMIN, "second admin pass").await);

    // Sign-ins are in the audit trail, never with a password.
    let (_, audit) = call(&app, Method::GET, "/api/crest/v1/audit?limit=1000", None).await;
    let events = audit["response"]["items"].as_array().expect("items");
    let sign_ins: Vec<_> = events.iter().filter(|e| e["action"] == "signIn").collect();
    assert!(
        sign_ins
            .iter()
            .any(|e| e["outcome"] == 200 && e["target"] == user)
    );
    assert!(
        sign_ins
            .iter()
            .any(|e| e["outcome"] == 401 && e["target"] == "nobody@example.com")
    );
    assert!(!audit.to_string().contains("horse") && !audit.to_string().contains("admin pass"));
}

#[tokio::test]
async fn an_invitation_link_sets_the_first_password_once() {
    let app = TestApp::spawn().await;
    let (passwords, _store) = sign_in_service(&app).await;
    let user = "newcomer@example.com";
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/v2/account/user/invite",
        Some(json!([{"emailAddress": user, "groups": ["events_management"], "userGroups": []}])),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["identifier"].clone(), body["groups"].clone()),
        (json!(user), json!(["events_management"]))
    );

    let (_, pending) = call(&app, Method::GET, "/api/crest/v1/invites", None).await;
    assert_eq!(pending["response"][0]["emailAddress"], user);
    assert_eq!(pending["response"][0]["invitedBy"], ADMIN);
    let expires = pending["response"][0]["expiresEpochMillis"]
        .as_i64()
        .expect("expiry");
    let created = pending["response"][0]["createdEpochMillis"]
        .as_i64()
        .expect("created");
    assert_eq!(expires - created, 24 * 60 * 60 * 1000);

    let (status, minted) = call(
        &app,
        Method::POST,
        &format!("/api/crest/v1/invites/{user}/link"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{minted}");
    let token = minted["response"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    assert!(
        minted["response"]["link"]
            .as_str()
            .expect("link")
            .ends_with(&format!("/invite#{token}"))
    );

    let accept = |password: &str| json!({"token": token, "password": password});
    let anonymous = reqwest::Client::new();
    let post = |body: serde_json::Value| {
        anonymous
            .post(app.at("/api/crest/v1/invites/accept"))
            .json(&body)
            .send()
    };
    assert_eq!(post(accept("short")).await.expect("send").status(), 400);
    assert_eq!(
        post(accept("my first password"))
            .await
            .expect("send")
            .status(),
        200
    );
    assert_eq!(
        post(accept("another password"))
            .await
            .expect("send")
            .status(),
        400,
        "a link works once"
    );
    assert!(signs_in(&passwords, user, "my first password").await);
    let (_, pending) = call(&app, Method::GET, "/api/crest/v1/invites", None).await;
    assert_eq!(pending["response"], json!([]));
    // A user with a password gets no new link; an administrator resets it instead.
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/crest/v1/invites/{user}/link"),
        None,
    )
    .await;
    assert_eq!(status, 409);
    // A made-up link is refused.
    let fake = json!({"token": "ab".repeat(32), "password": "whatever123"});
    assert_eq!(post(fake).await.expect("send").status(), 400);
}

#[tokio::test]
async fn only_a_super_admin_logs_a_user_out() {
    let app = TestApp::spawn().await;
    let (_, store) = sign_in_service(&app).await;
    call(
        &app,
        Method::POST,
        "/api/v2/account/user",
        Some(json!({"emailAddress": "kim@example.com", "groups": [], "userGroups": []})),
    )
    .await;
    call(
        &app,
        Method::POST,
        "/api/v2/account/serviceaccount",
        Some(json!({"identifier": "sa::accounts", "groups": ["user_management"]})),
    )
    .await;
    let (_, tokens) = call(
        &app,
        Method::POST,
        "/api/v2/apitoken/serviceaccount/sa::accounts",
        None,
    )
    .await;
    let token = tokens["response"][0]["tokenID"]
        .as_str()
        .expect("secret")
        .to_owned();
    let kim = crest_domain::account::AccountId::parse("kim@example.com").expect("valid");
    use crest_domain::store::SessionStore as _;

    let resp = app
        .http
        .post(app.at("/api/logout/kim@example.com"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 403, "Accounts is not enough");
    assert_eq!(store.sessions_ended(&kim).await.expect("read"), None);

    let (status, body) = call(&app, Method::POST, "/api/logout/kim@example.com", None).await;
    assert_eq!(status, 200, "{body}");
    assert!(store.sessions_ended(&kim).await.expect("read").is_some());
    let (status, _) = call(&app, Method::POST, "/api/logout/nobody@example.com", None).await;
    assert_eq!(status, 404);
}

/// A one-message SMTP server: enough of the protocol for a client to deliver, and what it got.
async fn fake_smtp() -> (u16, tokio::sync::oneshot::Receiver<String>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let (socket, _) = listener.accept().await.expect("accept");
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        write.write_all(b"220 fake ESMTP\r\n").await.expect("greet");
        let mut transcript = String::new();
        let mut in_data = false;
        while let Ok(Some(line)) = lines.next_line().await {
            transcript.push_str(&line);
            transcript.push('\n');
            let reply: &[u8] = if in_data {
                if line == "." {
                    in_data = false;
                    b"250 queued\r\n"
                } else {
                    continue;
                }
            } else {
                match line.get(..4).map(str::to_ascii_uppercase).as_deref() {
                    Some("EHLO") => b"250-fake\r\n250 8BITMIME\r\n",
                    Some("DATA") => {
                        in_data = true;
                        b"354 go ahead\r\n"
                    }
                    Some("QUIT") => {
                        write.write_all(b"221 bye\r\n").await.ok();
                        break;
                    }
                    _ => b"250 ok\r\n",
                }
            };
            write.write_all(reply).await.expect("reply");
        }
        tx.send(transcript).ok();
    });
    (port, rx)
}

#[tokio::test]
async fn with_smtp_the_invitation_link_is_mailed() {
    let (port, received) = fake_smtp().await;
    let data = tempfile::tempdir().expect("a temp dir");
    let args = crate::support::settings(&data.path().join("data"), None);
    let mut config = crest::config::Config::resolve(args).expect("valid");
    config.smtp = Some(crest::config::SmtpSettings {
        url: format!("smtp://127.0.0.1:{port}").into(),
        from: "crest@example.com".into(),
    });
    let bootstrap_token = crate::support::new_token();
    config.bootstrap = Some(
        crest_domain::bootstrap::BootstrapSettings::new(crate::support::ADMIN, &bootstrap_token)
            .expect("valid"),
    );
    let server = crest::server::start(&config, crate::support::deps())
        .await
        .expect("start");
    let url = format!("http://{}", server.local_addr);
    let http = reqwest::Client::new();
    let resp = http
        .post(format!("{url}/api/v2/user/invite"))
        .bearer_auth(&bootstrap_token)
        .json(&json!([{"emailAddress": "mailed@example.com", "groups": [], "userGroups": []}]))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
    let transcript = tokio::time::timeout(std::time::Duration::from_secs(30), received)
        .await
        .expect("the mail arrives")
        .expect("a transcript");
    assert!(
        transcript.contains("RCPT TO:<mailed@example.com>"),
        "{transcript}"
    );
    // The body is quoted-printable: undo its soft line breaks, as a mail client does.
    let decoded = transcript.replace("=\n", "");
    let link_line = decoded
        .lines()
        .find(|l| l.contains("/invite#"))
        .expect("the link is in the mail");
    let secret = link_line
        .rsplit('#')
        .next()
        .expect("secret")
        .trim()
        .to_owned();
    let resp = http
        .post(format!("{url}/api/crest/v1/invites/accept"))
        .json(&json!({"token": secret, "password": "mailed password"}))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200, "the mailed link works");
    server.shutdown().await.expect("clean shutdown");
}
