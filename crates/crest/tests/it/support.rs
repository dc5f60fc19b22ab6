//! The test harness: a crest server on a free port with a store of its own.

use crest::config::{Config, Settings};
use crest::server::{Dependencies, RunningServer, start};
use crest_testkit::PgTestDb;

pub const ADMIN: &str = "admin@example.com";

/// Where a test server keeps its data.
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running server and what a test needs to talk to it. [`TestApp::stop`] shuts it down cleanly;
/// a test that ends without it (a panic, say) still stops the server and drops its database
/// (`Drop`).
pub struct TestApp {
    pub url: String,
    pub admin_token: String,
    pub http: reqwest::Client,
    pub server: Option<RunningServer>,
    pub config: Config,
    pg_database: Option<PgTestDb>,
    _dir: tempfile::TempDir,
}

/// Test servers share one signing key, made once per test run (RSA key generation is slow).
pub fn deps() -> Dependencies {
    static KEY: std::sync::OnceLock<crest_domain::csp::signing_key::SigningKeyRecord> =
        std::sync::OnceLock::new();
    let key = KEY.get_or_init(|| crest_auth::csp::keys::generate(0).expect("a signing key"));
    Dependencies {
        signing_key: Some(key.clone()),
        delivery_backoff: std::time::Duration::from_millis(10),
        ..Dependencies::default()
    }
}

pub fn new_token() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Settings for a server on a free loopback port, bootstrapped with a fresh token.
pub fn settings(data_dir: &std::path::Path, database_url: Option<String>) -> Settings {
    Settings {
        listen: Some("127.0.0.1:0".into()),
        data_dir: Some(data_dir.to_path_buf()),
        database_url,
        bootstrap_admin: Some(ADMIN.into()),
        bootstrap_token: Some(new_token()),
        ..Settings::default()
    }
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(Backend::Sqlite, |_| {})
            .await
            .expect("SQLite is always available")
    }

    /// A server on `backend`, after `adjust` has changed its settings. `None` when the
    /// PostgreSQL server is unreachable outside CI.
    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Settings)) -> Option<Self> {
        Self::spawn_with_deps(backend, adjust, deps()).await
    }

    /// A server on `backend` with its own clock and randomness (`deps`).
    pub async fn spawn_with_deps(
        backend: Backend,
        adjust: impl FnOnce(&mut Settings),
        deps: Dependencies,
    ) -> Option<Self> {
        let dir = tempfile::tempdir().expect("a temp dir");
        let data_dir = dir.path().join("data");
        let (database_url, pg_database) = match backend {
            Backend::Sqlite => (None, None),
            Backend::Postgres => {
                let db = PgTestDb::create().await?;
                (Some(db.url.clone()), Some(db))
            }
        };
        let mut args = settings(&data_dir, database_url);
        let admin_token = new_token();
        args.bootstrap_token = Some(admin_token.clone());
        adjust(&mut args);
        let config = Config::resolve(args).expect("valid settings");
        let server = start(&config, deps).await.expect("the server starts");
        Some(Self {
            url: format!("{}://{}", config.scheme(), server.local_addr),
            admin_token,
            http: reqwest::Client::new(),
            server: Some(server),
            config,
            pg_database,
            _dir: dir,
        })
    }

    /// A server on `backend` whose clock the test moves; `None` when the PostgreSQL server is
    /// unreachable outside CI.
    pub async fn spawn_on_with_clock(
        backend: Backend,
    ) -> Option<(Self, crest_domain::clock::ManualClock)> {
        use crest_domain::clock::Clock as _;
        let clock =
            crest_domain::clock::ManualClock::new(crest_domain::clock::SystemClock.now_millis());
        let mut d = deps();
        d.clock = std::sync::Arc::new(clock.clone());
        let app = Self::spawn_with_deps(backend, |_| {}, d).await?;
        Some((app, clock))
    }

    /// A server on SQLite whose clock the test moves.
    pub async fn spawn_with_clock() -> (Self, crest_domain::clock::ManualClock) {
        use crest_domain::clock::Clock as _;
        let clock =
            crest_domain::clock::ManualClock::new(crest_domain::clock::SystemClock.now_millis());
        let mut d = deps();
        d.clock = std::sync::Arc::new(clock.clone());
        let app = Self::spawn_with_deps(Backend::Sqlite, |_| {}, d)
            .await
            .expect("SQLite is always available");
        (app, clock)
    }

    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// A request with the administrator's token as a Bearer credential.
    pub fn admin(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, self.at(path))
            .bearer_auth(&self.admin_token)
    }

    /// Stops the server and starts it again on the same store with the same settings, except
    /// for the bootstrap token, which `token` replaces.
    pub async fn restart_with_token(&mut self, token: &str) {
        if let Some(s) = self.server.take() {
            shut_down(s).await;
        }
        let mut config = self.config.clone();
        config.bootstrap =
            Some(crest_domain::bootstrap::BootstrapSettings::new(ADMIN, token).expect("valid"));
        let server = start(&config, deps()).await.expect("restart");
        self.url = format!("{}://{}", config.scheme(), server.local_addr);
        self.admin_token = token.to_owned();
        self.server = Some(server);
        self.config = config;
    }

    pub async fn stop(mut self) {
        if let Some(s) = self.server.take() {
            shut_down(s).await;
        }
        if let Some(db) = self.pg_database.take() {
            db.drop_db().await;
        }
    }
}

/// How long a server has to shut down before the test fails: far beyond what a clean shutdown takes
/// (its background work is bounded), so that a hang fails its test instead of the whole run.
const SHUTDOWN_LIMIT: std::time::Duration = std::time::Duration::from_secs(120);

async fn shut_down(server: RunningServer) {
    tokio::time::timeout(SHUTDOWN_LIMIT, server.shutdown())
        .await
        .unwrap_or_else(|_| panic!("the server did not shut down within {SHUTDOWN_LIMIT:?}"))
        .expect("clean shutdown");
}

impl Drop for TestApp {
    /// After [`TestApp::stop`] there is nothing left to do. Otherwise the server stops at once,
    /// without waiting for requests in flight, and the database goes with `pg_database`'s own
    /// `Drop`; the temporary directory with `_dir`'s.
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.stop_now();
        }
    }
}

/// Reads a JSON answer; panics with the body when it is not JSON.
pub async fn json(resp: reqwest::Response) -> (u16, serde_json::Value) {
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("a body");
    let value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    (status, value)
}

/// Checks the error envelope: `{"status":{"result":"ERROR","message":…,"code":N}}`.
pub fn assert_error_envelope(body: &serde_json::Value, code: u16) {
    assert_eq!(body["status"]["result"], "ERROR", "{body}");
    assert_eq!(body["status"]["code"], code, "{body}");
    assert!(
        body["status"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

/// A request as the administrator, with an optional JSON body; the status and the JSON answer.
pub async fn call(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let mut req = app.admin(method, path);
    if let Some(b) = body {
        req = req.json(&b);
    }
    json(req.send().await.expect("send")).await
}

/// The `response` of a request as the administrator that must answer 200.
pub async fn ok(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> serde_json::Value {
    let (status, got) = call(app, method, path, body).await;
    assert_eq!(status, 200, "{path}: {got}");
    got["response"].clone()
}

/// The status `GET /api/v2/cluster/info` answers with this token: whether it authenticates.
pub async fn probe(app: &TestApp, token: &str) -> reqwest::StatusCode {
    app.http
        .get(app.at("/api/v2/cluster/info"))
        .bearer_auth(token)
        .send()
        .await
        .expect("send")
        .status()
}

/// Creates a service account (`sa::<name>`, no permissions beyond its group's) and returns the
/// secret of a token made for it.
pub async fn service_account_token(app: &TestApp, name: &str) -> String {
    token_of_new_service_account(
        app,
        name,
        serde_json::json!({"identifier": format!("sa::{name}")}),
    )
    .await
}

/// The status a request answers with when made with `token`, with an optional JSON body.
pub async fn status_as(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> u16 {
    let mut req = app.http.request(method, app.at(path)).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.expect("send").status().as_u16()
}

/// A service account holding exactly `permissions`, and a token of it.
pub async fn account_with(app: &TestApp, name: &str, permissions: &[&str]) -> String {
    token_of_new_service_account(
        app,
        name,
        serde_json::json!({"identifier": format!("sa::{name}"), "groups": permissions}),
    )
    .await
}

/// Creates the service account `sa::<name>` from `body` and returns the secret of a token made
/// for it.
async fn token_of_new_service_account(
    app: &TestApp,
    name: &str,
    body: serde_json::Value,
) -> String {
    let (status, created) = call(
        app,
        reqwest::Method::POST,
        "/api/v2/account/serviceaccount",
        Some(body),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let (status, tokens) = call(
        app,
        reqwest::Method::POST,
        &format!("/api/v2/apitoken/serviceaccount/sa%3A%3A{name}"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{tokens}");
    tokens["response"][0]["tokenID"]
        .as_str()
        .expect("secret")
        .to_owned()
}

/// Deletes a JetStream deployment's streams, the log's and the shipment records', from the NATS
/// server at `nats_url`.
pub async fn delete_deployment_streams(nats_url: &str, deployment: &str) {
    let nats = async_nats::connect(nats_url).await.expect("NATS");
    let js = async_nats::jetstream::new(nats);
    for stream in [
        format!("CREST_{deployment}"),
        format!("CREST_{deployment}_shipped"),
    ] {
        js.delete_stream(stream)
            .await
            .expect("the test's streams are deleted");
    }
}
