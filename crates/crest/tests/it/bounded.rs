//! Bounded work: every request's work is bounded. Searches with too many conditions or values
//! and sources with too many tags are refused with a 400 that names the limit, quickly, while
//! `/healthz` keeps answering; a search whose client leaves has its PostgreSQL statement
//! cancelled.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{
    Backend, TestApp, assert_error_envelope, call, json as read_json, service_account_token,
};

/// How long any request of these tests may take before the client gives up: generous, since
/// the machines are shared; the point is that the server answers at all.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(30);

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(CLIENT_TIMEOUT)
        .build()
        .expect("a client")
}

/// `n` tag conditions (ANDed) of `values` values each, every value `len` characters long.
fn conditions(n: usize, values: usize, len: usize) -> Value {
    conditions_on("tags", n, values, len)
}

/// `n` conditions on `key`, as [`conditions`].
fn conditions_on(key: &str, n: usize, values: usize, len: usize) -> Value {
    let query: Vec<Value> = (0..n)
        .map(|i| {
            let values: Vec<String> = (0..values)
                .map(|j| format!("t{i}-{j}-").chars().cycle().take(len).collect())
                .collect();
            json!({"key": key, "values": values, "matchingMethod": "CONTAINS", "negated": true})
        })
        .collect();
    json!({ "query": query, "limit": 100 })
}

/// Sends `body` to `path` as the administrator: the status and the answer.
async fn post(app: &TestApp, http: &reqwest::Client, path: &str, body: &Value) -> (u16, Value) {
    let resp = http
        .post(app.at(path))
        .bearer_auth(&app.admin_token)
        .json(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{path} did not answer: {e}"));
    read_json(resp).await
}

/// Runs `work` while polling `/healthz`; fails unless `/healthz` answered 200 at least once
/// while the work ran, and every poll answered.
async fn with_healthz<F: std::future::Future>(app: &TestApp, work: F) -> F::Output {
    let http = client();
    let done = std::sync::atomic::AtomicBool::new(false);
    let poll = async {
        let mut answered = 0u32;
        loop {
            let resp = http.get(app.at("/healthz")).send().await;
            let status = resp.map(|r| r.status().as_u16()).expect("/healthz answers");
            assert_eq!(status, 200);
            answered += 1;
            if done.load(std::sync::atomic::Ordering::Relaxed) {
                return answered;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let work = async {
        let out = work.await;
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        out
    };
    let (out, answered) = tokio::join!(work, poll);
    assert!(answered >= 1, "/healthz never answered");
    out
}

fn assert_names_limit(status: u16, body: &Value, fragment: &str) {
    assert_eq!(status, 400, "{body}");
    assert_error_envelope(body, 400);
    let message = body["status"]["message"].as_str().unwrap_or_default();
    assert!(message.contains(fragment), "'{fragment}' not in: {message}");
}

async fn heavy_searches_are_refused_or_answered(app: &TestApp) {
    for i in 0..20 {
        let (status, got) = call(
            app,
            Method::POST,
            "/api/v2/source",
            Some(json!({"id": format!("host-{i:02}"), "tags": {format!("team{}.x", i % 3): true}})),
        )
        .await;
        assert_eq!(status, 200, "{got}");
    }
    let http = client();
    let too_many_997: Vec<String> = (0..997).map(|i| format!("v{i}")).collect();
    let cases: Vec<(&str, Value, Option<&str>)> = vec![
        (
            "/api/v2/search/source",
            conditions(200, 1, 8),
            Some("at most 50 queries"),
        ),
        (
            "/api/v2/search/source",
            conditions(1_000, 1, 8),
            Some("at most 50 queries"),
        ),
        (
            "/api/v2/search/source",
            json!({"query": [{"key": "tags", "values": too_many_997}]}),
            Some("at most 100 values in one query"),
        ),
        (
            "/api/v2/search/source",
            conditions(50, 21, 8),
            Some("at most 1000 values in one search"),
        ),
        (
            "/api/v2/search/source",
            conditions(1, 1, 1_025),
            Some("at most 1024 characters"),
        ),
        (
            "/api/v2/search/source/facets",
            json!({"facets": vec!["tags"; 51]}),
            Some("at most 50 facets"),
        ),
        (
            "/api/v2/search/account",
            conditions(51, 1, 8),
            Some("at most 50 queries"),
        ),
        (
            "/api/v2/search/usergroup/facets",
            json!({"facets": ["name"], "query": conditions(1, 101, 8)["query"]}),
            Some("at most 100 values in one query"),
        ),
        // At the limits: 50 conditions of 20 values, 1,024 characters each, answer.
        ("/api/v2/search/source", conditions(50, 20, 1_024), None),
        (
            "/api/v2/search/account",
            conditions_on("freetext", 50, 20, 1_024),
            None,
        ),
    ];
    let started = Instant::now();
    let answers = with_healthz(
        app,
        futures_all(
            cases
                .iter()
                .map(|(path, body, _)| post(app, &http, path, body)),
        ),
    )
    .await;
    for ((path, _, limit), (status, got)) in cases.iter().zip(answers) {
        match limit {
            Some(fragment) => assert_names_limit(status, &got, fragment),
            None => {
                assert_eq!(status, 200, "{path}: {got}");
            }
        }
    }
    // Informational only: the machines are shared.
    eprintln!("heavy searches answered in {:?}", started.elapsed());
    // The source search at the limit found every source (no tag matched a negated condition).
    let (status, got) = post(
        app,
        &http,
        "/api/v2/search/source",
        &conditions(50, 20, 1_024),
    )
    .await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(got["response"]["items"].as_array().map(Vec::len), Some(20));
}

/// Polls the futures together on this task; their outputs in order.
async fn futures_all<F: std::future::Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut set = Vec::new();
    for f in futures {
        set.push(Box::pin(f));
    }
    let mut out: Vec<Option<F::Output>> = set.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in set.iter_mut().enumerate() {
            if out[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => out[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter().flatten().collect()
}

#[tokio::test]
async fn heavy_searches_answer_with_a_result_or_a_400_naming_the_limit_on_sqlite() {
    let app = TestApp::spawn().await;
    heavy_searches_are_refused_or_answered(&app).await;
    app.stop().await;
}

#[tokio::test]
async fn heavy_searches_answer_with_a_result_or_a_400_naming_the_limit_on_postgres() {
    let Some(app) = TestApp::spawn_with(Backend::Postgres, |_| {}).await else {
        return;
    };
    heavy_searches_are_refused_or_answered(&app).await;
    app.stop().await;
}

fn tag_map(n: usize, prefix: &str) -> Value {
    let tags: serde_json::Map<String, Value> = (0..n)
        .map(|i| (format!("{prefix}.{i}"), json!(true)))
        .collect();
    Value::Object(tags)
}

async fn tag_limits_hold(app: &TestApp) {
    // A Source Tags–only account, as in the report.
    let token = service_account_token(app, "tagger").await;
    call(
        app,
        Method::POST,
        "/api/v2/account/sa%3A%3Atagger/grant/host_tag_management",
        None,
    )
    .await;
    let http = client();
    let send = |method: Method, path: String, body: Value| {
        let req = http
            .request(method, app.at(&path))
            .bearer_auth(&token)
            .json(&body);
        async move { read_json(req.send().await.expect("an answer")).await }
    };
    // Two 30,000-tag bodies at once, while /healthz answers.
    let (a, b) = with_healthz(app, async {
        tokio::join!(
            send(
                Method::POST,
                "/api/v2/source".into(),
                json!({"id": "big-1", "tags": tag_map(30_000, "t")}),
            ),
            send(
                Method::POST,
                "/api/v2/source".into(),
                json!({"id": "big-2", "tags": tag_map(30_000, "u")}),
            ),
        )
    })
    .await;
    for (status, got) in [a, b] {
        assert_names_limit(status, &got, "at most 1000 tags");
    }
    // At the limit, a source works.
    let (status, got) = send(
        Method::POST,
        "/api/v2/source".into(),
        json!({"id": "full", "tags": tag_map(1_000, "t")}),
    )
    .await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(
        got["response"]["tags"]
            .as_object()
            .map(serde_json::Map::len),
        Some(1_000)
    );
    let (status, got) = send(Method::GET, "/api/v2/source/full/tag".into(), json!(null)).await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(
        got["response"]["items"].as_array().map(Vec::len),
        Some(1_000)
    );
    // Every other way of setting tags holds to it.
    let (status, got) = send(
        Method::PUT,
        "/api/v2/source/full".into(),
        json!({"tags": tag_map(1_001, "v")}),
    )
    .await;
    assert_names_limit(status, &got, "at most 1000 tags");
    let list: Vec<String> = (0..1_001).map(|i| format!("w.{i}")).collect();
    let (status, got) = send(Method::POST, "/api/v2/source/full/tag".into(), json!(list)).await;
    assert_names_limit(status, &got, "at most 1000 tags");
    let (status, got) = send(
        Method::PUT,
        "/api/v2/source/full/tag/one.more".into(),
        json!(null),
    )
    .await;
    assert_names_limit(status, &got, "at most 1000 tags");
    // A tag it holds already is no change, and so no error.
    let (status, got) = send(
        Method::PUT,
        "/api/v2/source/full/tag/T.7".into(),
        json!(null),
    )
    .await;
    assert_eq!(status, 200, "{got}");
    let (status, got) = send(Method::GET, "/api/v2/source/full/tag".into(), json!(null)).await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(
        got["response"]["items"].as_array().map(Vec::len),
        Some(1_000)
    );
}

#[tokio::test]
async fn sources_hold_at_most_1000_tags_on_sqlite() {
    let app = TestApp::spawn().await;
    tag_limits_hold(&app).await;
    app.stop().await;
}

#[tokio::test]
async fn sources_hold_at_most_1000_tags_on_postgres() {
    let Some(app) = TestApp::spawn_with(Backend::Postgres, |_| {}).await else {
        return;
    };
    tag_limits_hold(&app).await;
    app.stop().await;
}

/// How many statements of the search are running in the app's database.
async fn running_searches(pg: &mut sqlx::PgConnection) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
         AND pid <> pg_backend_pid() AND state = 'active' \
         AND query LIKE 'SELECT p.id, p.description, p.created_ms%'",
    )
    .fetch_one(pg)
    .await
    .expect("pg_stat_activity")
}

/// Polls until `pred` holds of the count of running searches, or `within` passes.
async fn wait_for(
    pg: &mut sqlx::PgConnection,
    within: Duration,
    pred: impl Fn(i64) -> bool,
) -> bool {
    let until = Instant::now() + within;
    while Instant::now() < until {
        if pred(running_searches(pg).await) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

#[tokio::test]
async fn a_search_whose_client_leaves_has_its_postgres_statement_cancelled() {
    use sqlx::Connection;

    // A statement timeout far above the bounds below, so that only the cancellation can end the
    // statement in time.
    let Some(app) = TestApp::spawn_with(Backend::Postgres, |args| {
        args.database_url = args
            .database_url
            .take()
            .map(|u| format!("{u}?options=-c%20statement_timeout%3D300s"));
    })
    .await
    else {
        return;
    };
    let crest_store::StoreLocation::Postgres { url } = &app.config.store else {
        panic!("a PostgreSQL store");
    };
    let url = url.split('?').next().unwrap_or_default().to_owned();
    let mut pg = sqlx::PgConnection::connect(&url).await.expect("connect");
    // 30,000 sources with descriptions and four tags each, written directly.
    sqlx::query(
        "INSERT INTO sources SELECT 'src-' || g, 'src-' || g, 'a description of ' || g, \
         'a description of ' || g, 0, 'test', 0, 'test', NULL FROM generate_series(1, 30000) g",
    )
    .execute(&mut pg)
    .await
    .expect("seed sources");
    sqlx::query(
        "INSERT INTO source_tags SELECT 'src-' || g, 'team' || (g % 50) || '.x' || k, \
         'team' || (g % 50) || '.x' || k FROM generate_series(1, 30000) g, generate_series(1, 4) k",
    )
    .execute(&mut pg)
    .await
    .expect("seed tags");
    sqlx::query("ANALYZE")
        .execute(&mut pg)
        .await
        .expect("analyze");
    // Within the limits, and slow: 50 freetext conditions of 20 long values that match nothing,
    // all but the last negated, so that every source is tested against all of them (about a
    // minute of work here).
    let query: Vec<Value> = (0..50)
        .map(|i| {
            let values: Vec<String> = (0..20)
                .map(|j| {
                    format!("m{i}-{j}-")
                        .chars()
                        .chain(std::iter::repeat('q'))
                        .take(1_024)
                        .collect()
                })
                .collect();
            json!({"key": "freetext", "values": values, "negated": i < 49})
        })
        .collect();
    let request = app
        .http
        .post(app.at("/api/v2/search/source"))
        .bearer_auth(&app.admin_token)
        .json(&json!({"query": query, "limit": 100}))
        .send();
    let client = tokio::spawn(request);
    let shown = wait_for(&mut pg, Duration::from_secs(30), |n| n >= 1).await;
    if !shown {
        let answer = client.await.expect("joined").map(|r| r.status());
        panic!("the search's statement never showed in pg_stat_activity; the search: {answer:?}");
    }
    // The statement runs on; the client hangs up.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        running_searches(&mut pg).await >= 1,
        "the search ended on its own, too soon"
    );
    client.abort();
    let left = Instant::now();
    assert!(
        wait_for(&mut pg, Duration::from_secs(15), |n| n == 0).await,
        "the statement still ran 15 s after its client left"
    );
    eprintln!(
        "the statement ended {:?} after its client left",
        left.elapsed()
    );
    // The server serves on, the pool whole.
    let (status, got) = call(
        &app,
        Method::POST,
        "/api/v2/search/source",
        Some(json!({"limit": 1})),
    )
    .await;
    assert_eq!(status, 200, "{got}");
    pg.close().await.expect("close");
    app.stop().await;
}
