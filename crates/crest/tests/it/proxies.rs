//! A real wavefront-proxy's conversation with crest, as §9 of the reference describes it: the
//! proxy's headers (its User-Agent, `X-WF-PROXY-ID`, the token as a Bearer credential), gzip
//! bodies, the check-in and its configuration, `config/processed`, `saveConfig`,
//! `savePreprocessorRules`, `error`, batches of every format and of events; the operator's rename,
//! shutdown and truncate delivered at the next check-in; 401 and 403 at the first check-in, 413 for
//! an oversized batch; every effect checked through the public API (the Proxy API, proxy search,
//! metric details, sources, event search). And the neighbours: who may read and change proxies,
//! and who may send data without checking in.

use std::io::Write as _;
use std::sync::Arc;
use std::time::Duration;

use crest_domain::clock::{Clock, ManualClock, SystemClock};
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Backend, TestApp, account_with, call, deps, json, status_as};

const PROXY: &str = "5f0c6a1e-3b2d-4c8e-9f7a-1b2c3d4e5f60";
const MINUTE: i64 = 60_000;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(4));
    e.write_all(bytes).expect("gzip");
    e.finish().expect("gzip")
}

/// A request as the proxy makes it: its User-Agent, its id, the token as a Bearer credential,
/// `Accept-Encoding: gzip`, and a gzip body with `Content-Encoding: gzip`.
fn from_proxy(
    app: &TestApp,
    token: &str,
    path: &str,
    content_type: &str,
    body: &[u8],
) -> reqwest::RequestBuilder {
    app.http
        .post(app.at(path))
        .header("User-Agent", "Wavefront-Proxy/13.4")
        .header("X-WF-PROXY-ID", PROXY)
        .header("Accept-Encoding", "gzip")
        .header("Content-Type", content_type)
        .header("Content-Encoding", "gzip")
        .bearer_auth(token)
        .body(gzip(body))
}

async fn check_in(app: &TestApp, token: &str, now: i64) -> (u16, Value) {
    let path = format!(
        "/api/v2/wfproxy/checkin?hostname=conf-h&proxyname=conf-p&version=13.4&currentMillis={}&ephemeral=true",
        now - 733
    );
    let metrics = json!({"~proxy.points.2878.received": {"count": 12}, "processId": "4242"});
    let resp = from_proxy(
        app,
        token,
        &path,
        "application/json",
        metrics.to_string().as_bytes(),
    )
    .send()
    .await
    .expect("send");
    json(resp).await
}

async fn status_of(req: reqwest::RequestBuilder) -> (u16, String) {
    let resp = req.send().await.expect("send");
    let status = resp.status().as_u16();
    (status, resp.text().await.expect("a body"))
}

async fn proxy(app: &TestApp) -> Value {
    let (status, got) = call(app, Method::GET, &format!("/api/v2/proxy/{PROXY}"), None).await;
    assert_eq!(status, 200, "{got}");
    got["response"].clone()
}

async fn report(app: &TestApp, token: &str, format: &str, lines: &str) -> (u16, String) {
    status_of(from_proxy(
        app,
        token,
        &format!("/api/v2/wfproxy/report?format={format}"),
        "text/plain",
        lines.as_bytes(),
    ))
    .await
}

async fn with_clock(backend: Backend) -> Option<(TestApp, ManualClock)> {
    let clock = ManualClock::new(SystemClock.now_millis());
    let mut d = deps();
    d.clock = Arc::new(clock.clone());
    let app = TestApp::spawn_with_deps(backend, |_| {}, d).await?;
    Some((app, clock))
}

/// The whole conversation, on one backend.
async fn conversation(app: &TestApp, clock: &ManualClock) {
    let token = account_with(app, "proxy-runner", &["agent_management"]).await;
    let now = clock.now_millis();

    // The first check-in (C59): a bare AgentConfiguration with the server's time.
    let (status, config) = check_in(app, &token, now).await;
    assert_eq!(status, 200, "{config}");
    assert_eq!(config["currentTime"], now, "{config}");
    assert!(config.get("status").is_none(), "not enveloped: {config}");
    assert!(config.get("shutOffAgents").is_none(), "{config}");
    assert!(config.get("truncateQueue").is_none(), "{config}");
    assert_eq!(config["traceDisabled"], true);
    assert_eq!(config["validationConfiguration"]["metricLengthLimit"], 256);
    assert_eq!(config["validationConfiguration"]["hostLengthLimit"], 128);
    let p = proxy(app).await;
    assert_eq!(p["id"], PROXY);
    assert_eq!(p["hostname"], "conf-h");
    assert_eq!(p["proxyname"], "conf-p");
    assert_eq!(p["version"], "13.4");
    assert_eq!(p["status"], "ACTIVE");
    assert_eq!(p["ephemeral"], true);
    assert_eq!(p["lastCheckInTime"], now);
    assert_eq!(p["timeDrift"], -733);
    assert_eq!(p["name"], "Proxy on conf-p");
    assert_eq!(p["userId"], "sa::proxy-runner");
    assert_eq!(p["inTrash"], false);

    // The proxy confirms, and reports its configuration and its rules (C63, C66).
    let processed = from_proxy(
        app,
        &token,
        "/api/v2/wfproxy/config/processed",
        "application/json",
        b"",
    );
    assert_eq!(status_of(processed).await.0, 204);
    let save = from_proxy(
        app,
        &token,
        "/api/v2/wfproxy/saveConfig",
        "application/json",
        br#"{"k":"v","pushListenerPorts":"2878"}"#,
    );
    assert_eq!(status_of(save).await.0, 204);
    let (status, got) = call(
        app,
        Method::GET,
        &format!("/api/v2/proxy/{PROXY}/config"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(
        got["response"],
        json!({"k": "v", "pushListenerPorts": "2878"})
    );
    let rules = json!({"proxyRules": "'2878':\n  - rule: drop-x\n    action: block\n", "proxyRulesFilePath": "/etc/wavefront/preprocessor_rules.yaml"});
    let save = from_proxy(
        app,
        &token,
        "/api/v2/wfproxy/savePreprocessorRules",
        "application/json",
        rules.to_string().as_bytes(),
    );
    assert_eq!(status_of(save).await.0, 204);
    let (_, got) = call(
        app,
        Method::GET,
        &format!("/api/v2/proxy/{PROXY}/preprocessorRules"),
        None,
    )
    .await;
    assert_eq!(got["response"], rules);
    assert_eq!(proxy(app).await["preprocessorRules"], rules["proxyRules"]);
    let error = from_proxy(
        app,
        &token,
        "/api/v2/wfproxy/error",
        "application/x-www-form-urlencoded",
        b"details=queue+is+full",
    );
    assert_eq!(status_of(error).await.0, 204);

    // Batches of every format (C64), through the same parsers as /report.
    let t = now / 1000 - 5;
    let (status, body) = report(
        app,
        &token,
        "wavefront",
        &format!(
            "conf.proxy.metric 1 {t} source=conf-src\nconf.proxy.metric 2 {} source=conf-src2\n",
            t + 1
        ),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("2 line(s) accepted, 0 refused"), "{body}");
    let (status, body) = report(
        app,
        &token,
        "graphite_v2",
        &format!("conf.proxy.g 3 {t} source=conf-src\n"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = report(
        app,
        &token,
        "histogram",
        &format!("!M {t} #2 10.0 #1 20.0 conf.proxy.hist source=conf-src\n"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("1 line(s) accepted"), "{body}");
    let (status, body) = report(
        app,
        &token,
        "sourceTag",
        "@SourceTag action=add source=conf-src tag1 tag2\n",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = report(
        app,
        &token,
        "event",
        &format!(
            "@Event {} {} \"proxy line event\" host=conf-src tag=deploy\n",
            now - 10_000,
            now - 5_000
        ),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    for discarded in ["trace", "spanLogs"] {
        let (status, body) = report(app, &token, discarded, "getAllUsers source=localhost traceId=7b3bf470-9456-11e8-9eb6-529269fb1459 spanId=0313bafe-9457-11e8-9eb6-529269fb1459 1552949776000 343\n").await;
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("discarded"), "{body}");
    }
    let (status, body) = report(app, &token, "nonsense", "x 1\n").await;
    assert_eq!(status, 400, "{body}");
    let (status, got) = call(
        app,
        Method::GET,
        "/api/v2/chart/metric/detail?m=conf.proxy.metric&h=conf-*",
        None,
    )
    .await;
    assert_eq!(status, 200, "{got}");
    assert!(got.get("status").is_none(), "not enveloped");
    assert_eq!(got["hosts"][0]["host"], "conf-src", "{got}");
    assert_eq!(got["hosts"][0]["last_update"], t * 1000, "{got}");
    let (_, got) = call(app, Method::GET, "/api/v2/source/conf-src/tag", None).await;
    let tags: Vec<&str> = got["response"]["items"]
        .as_array()
        .expect("tags")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(tags.contains(&"tag1") && tags.contains(&"tag2"), "{got}");

    // Events (C65): a JSON array, gzip.
    let events = json!([{"name": "pe1", "startTime": now - 60_000, "endTime": now - 59_999, "annotations": {"type": "x"}, "dimensions": null, "hosts": ["h"], "tags": null}]);
    let (status, body) = status_of(from_proxy(
        app,
        &token,
        "/api/v2/wfproxy/event",
        "application/json",
        events.to_string().as_bytes(),
    ))
    .await;
    assert_eq!(status, 200, "{body}");
    for (name, hosts) in [
        ("pe1", json!(["h"])),
        ("proxy line event", json!(["conf-src"])),
    ] {
        let search = json!({"query": [{"key": "name", "value": name, "matchingMethod": "EXACT"}], "timeRange": {"earliestStartTimeEpochMillis": now - 3_600_000, "latestStartTimeEpochMillis": now + 1}});
        let (status, got) = call(app, Method::POST, "/api/v2/search/event", Some(search)).await;
        assert_eq!(status, 200, "{got}");
        let items = got["response"]["items"].as_array().expect("items");
        assert_eq!(items.len(), 1, "{name}: {got}");
        assert_eq!(items[0]["hosts"], hosts);
        assert_eq!(items[0]["creatorType"], json!(["SYSTEM"]));
    }

    // Rename (C61): the check-in keeps the operator's name.
    let (status, got) = call(
        app,
        Method::PUT,
        &format!("/api/v2/proxy/{PROXY}"),
        Some(json!({"name": "renamed"})),
    )
    .await;
    assert_eq!(status, 200, "{got}");
    clock.advance(MINUTE);
    let (status, _) = check_in(app, &token, clock.now_millis()).await;
    assert_eq!(status, 200);
    let p = proxy(app).await;
    assert_eq!(p["name"], "renamed");
    assert_eq!(p["lastCheckInTime"], clock.now_millis());

    // Truncate: delivered at each check-in until the proxy confirms a configuration, then not.
    let (status, _) = call(
        app,
        Method::PUT,
        &format!("/api/v2/proxy/{PROXY}"),
        Some(json!({"truncate": true})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(proxy(app).await["truncate"], true);
    let (_, config) = check_in(app, &token, clock.now_millis()).await;
    assert_eq!(config["truncateQueue"], true, "{config}");
    let processed = from_proxy(
        app,
        &token,
        "/api/v2/wfproxy/config/processed",
        "application/json",
        b"",
    );
    assert_eq!(status_of(processed).await.0, 204);
    let (_, config) = check_in(app, &token, clock.now_millis()).await;
    assert!(
        config.get("truncateQueue").is_none(),
        "delivered once: {config}"
    );
    assert_eq!(proxy(app).await["truncate"], false);

    // Shutdown (C62): delivered as shutOffAgents at every check-in while set.
    let (status, _) = call(
        app,
        Method::PUT,
        &format!("/api/v2/proxy/{PROXY}"),
        Some(json!({"name": "renamed", "shutdown": true})),
    )
    .await;
    assert_eq!(status, 200);
    for _ in 0..2 {
        let (_, config) = check_in(app, &token, clock.now_millis()).await;
        assert_eq!(config["shutOffAgents"], true, "{config}");
        assert!(
            config["shutOffMessage"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }

    // Silence: five missed check-ins make the proxy STOPPED_UNKNOWN.
    clock.advance(5 * MINUTE);
    assert_eq!(proxy(app).await["status"], "STOPPED_UNKNOWN");

    // Listing and search (C68).
    let (_, all) = call(app, Method::GET, "/api/v2/proxy", None).await;
    assert_eq!(all["response"]["items"][0]["id"], PROXY, "{all}");
    let by_host =
        json!({"query": [{"key": "hostname", "value": "conf-h", "matchingMethod": "EXACT"}]});
    let (status, found) = call(
        app,
        Method::POST,
        "/api/v2/search/proxy",
        Some(by_host.clone()),
    )
    .await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["response"]["items"][0]["id"], PROXY, "{found}");
    let (status, facets) = call(
        app,
        Method::POST,
        "/api/v2/search/proxy/facets",
        Some(json!({"facets": ["version"]})),
    )
    .await;
    assert_eq!(status, 200, "{facets}");

    // Trash and undelete (C67).
    let (status, got) = call(
        app,
        Method::DELETE,
        &format!("/api/v2/proxy/{PROXY}"),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(got["response"]["inTrash"], true);
    let by_id = json!({"query": [{"key": "id", "value": PROXY, "matchingMethod": "EXACT"}]});
    let (_, found) = call(
        app,
        Method::POST,
        "/api/v2/search/proxy/deleted",
        Some(by_id.clone()),
    )
    .await;
    assert_eq!(found["response"]["items"][0]["id"], PROXY, "{found}");
    let (_, found) = call(
        app,
        Method::POST,
        "/api/v2/search/proxy",
        Some(by_id.clone()),
    )
    .await;
    assert_eq!(found["response"]["totalItems"], 0, "{found}");
    let (status, got) = call(
        app,
        Method::PUT,
        &format!("/api/v2/proxy/{PROXY}"),
        Some(json!({"name": "x"})),
    )
    .await;
    assert_eq!(status, 409, "{got}");
    let (status, _) = call(
        app,
        Method::POST,
        &format!("/api/v2/proxy/{PROXY}/undelete"),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, found) = call(app, Method::POST, "/api/v2/search/proxy", Some(by_id)).await;
    assert_eq!(found["response"]["items"][0]["id"], PROXY, "{found}");
    let (status, _) = call(
        app,
        Method::DELETE,
        &format!("/api/v2/proxy/{PROXY}?skipTrash=True"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = call(app, Method::GET, &format!("/api/v2/proxy/{PROXY}"), None).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_real_proxys_conversation_on_sqlite() {
    let (app, clock) = with_clock(Backend::Sqlite).await.expect("SQLite");
    conversation(&app, &clock).await;
    app.stop().await;
}

#[tokio::test]
async fn a_real_proxys_conversation_on_postgres() {
    let Some((app, clock)) = with_clock(Backend::Postgres).await else {
        return;
    };
    conversation(&app, &clock).await;
    app.stop().await;
}

#[tokio::test]
async fn the_first_check_in_is_refused_with_401_for_a_bad_token_and_403_without_proxies() {
    let app = TestApp::spawn().await;
    let now = SystemClock.now_millis();
    let (status, got) = check_in(&app, "0b0f7c4e-1111-4000-8000-00000000000a", now).await;
    assert_eq!(status, 401, "{got}");
    let ingest_only = account_with(&app, "ingest-only", &["ingestion"]).await;
    let (status, got) = check_in(&app, &ingest_only, now).await;
    assert_eq!(status, 403, "{got}");
    let (status, _) = call(&app, Method::GET, "/api/v2/proxy", None).await;
    assert_eq!(status, 200);
    let (_, all) = call(&app, Method::GET, "/api/v2/proxy", None).await;
    assert_eq!(all["response"]["totalItems"], 0, "no proxy recorded: {all}");

    // A token with only Direct Data Ingestion sends data (from a proxy never checked in: taken).
    let t = now / 1000;
    let (status, body) = report(
        &app,
        &ingest_only,
        "wavefront",
        &format!("ingest.only 1 {t} source=s1\n"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let events = json!([{"name": "from-ingest", "startTime": now, "endTime": now + 1, "annotations": {}, "hosts": ["s1"]}]);
    let (status, body) = status_of(from_proxy(
        &app,
        &ingest_only,
        "/api/v2/wfproxy/event",
        "application/json",
        events.to_string().as_bytes(),
    ))
    .await;
    assert_eq!(status, 200, "{body}");
    // Neither check-in nor the proxy's bookkeeping.
    for path in [
        "/api/v2/wfproxy/config/processed",
        "/api/v2/wfproxy/saveConfig",
    ] {
        let (status, _) = status_of(from_proxy(
            &app,
            &ingest_only,
            path,
            "application/json",
            b"{}",
        ))
        .await;
        assert_eq!(status, 403, "{path}");
    }
    // A token with neither sends nothing.
    let nobody = account_with(&app, "nobody", &[]).await;
    let (status, _) = report(&app, &nobody, "wavefront", &format!("x 1 {t} source=s\n")).await;
    assert_eq!(status, 403);
    app.stop().await;
}

#[tokio::test]
async fn a_user_without_proxies_cannot_read_rename_or_delete_proxies() {
    let app = TestApp::spawn().await;
    let runner = account_with(&app, "runner", &["agent_management"]).await;
    let (status, _) = check_in(&app, &runner, SystemClock.now_millis()).await;
    assert_eq!(status, 200);
    let other = account_with(&app, "other", &["events_management", "ingestion"]).await;
    let one = format!("/api/v2/proxy/{PROXY}");
    for (method, path, body) in [
        (Method::GET, "/api/v2/proxy".to_owned(), None),
        (Method::GET, one.clone(), None),
        (Method::GET, format!("{one}/config"), None),
        (Method::GET, format!("{one}/preprocessorRules"), None),
        (Method::PUT, one.clone(), Some(json!({"name": "mine"}))),
        (Method::DELETE, one.clone(), None),
        (Method::POST, format!("{one}/undelete"), Some(json!({}))),
        (
            Method::POST,
            "/api/v2/search/proxy".to_owned(),
            Some(json!({})),
        ),
        (
            Method::POST,
            "/api/v2/search/proxy/deleted".to_owned(),
            Some(json!({})),
        ),
    ] {
        let status = status_as(&app, &other, method.clone(), &path, body).await;
        assert_eq!(status, 403, "{method} {path}");
    }
    assert_eq!(status_as(&app, &runner, Method::GET, &one, None).await, 200);
    let (_, p) = call(&app, Method::GET, &one, None).await;
    assert_eq!(p["response"]["name"], "Proxy on conf-p", "unchanged");
    app.stop().await;
}

#[tokio::test]
async fn an_oversized_batch_is_answered_413_so_the_proxy_splits_it() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| s.max_body_bytes = Some(16 * 1024))
        .await
        .expect("SQLite");
    let token = app.admin_token.clone();
    let t = SystemClock.now_millis() / 1000;
    // Random-looking names so that gzip cannot shrink the batch under the limit.
    let lines: String = (0..2_000u64)
        .map(|i| {
            format!(
                "m.{:x} {i} {t} source=s{}\n",
                i.wrapping_mul(0x9e37_79b9_7f4a_7c15),
                i * 7919
            )
        })
        .collect();
    let (status, body) = report(&app, &token, "wavefront", &lines).await;
    assert_eq!(status, 413, "{body}");
    let half: String = lines.lines().take(100).map(|l| format!("{l}\n")).collect();
    let (status, body) = report(&app, &token, "wavefront", &half).await;
    assert_eq!(status, 200, "{body}");
    let too_many: Vec<Value> = (0..1_001)
        .map(|i| json!({"name": format!("e{i}"), "startTime": t * 1000, "annotations": {}}))
        .collect();
    let (status, _) = status_of(
        app.http
            .post(app.at("/api/v2/wfproxy/event"))
            .bearer_auth(&token)
            .header("Content-Encoding", "gzip")
            .body(gzip(Value::Array(too_many).to_string().as_bytes())),
    )
    .await;
    assert_eq!(status, 413);
    app.stop().await;
}

/// When ingestion falls behind (every slot taken for the whole wait; here the test holds them and
/// the wait is zero), a proxy's batch is pushed back with 429 and so is a script's `/report`;
/// nothing of either is kept, and both are taken once a slot frees.
#[tokio::test]
async fn a_batch_is_pushed_back_with_429_when_ingestion_is_behind() {
    let mut d = deps();
    d.ingest_wait = Duration::ZERO;
    let app = TestApp::spawn_with_deps(Backend::Sqlite, |_| {}, d)
        .await
        .expect("SQLite");
    let token = app.admin_token.clone();
    let gate = app.server.as_ref().expect("running").ingest_gate.clone();
    let mut held = Vec::new();
    for _ in 0..gate.in_flight() {
        held.push(gate.enter().await.expect("a free slot"));
    }
    let t = SystemClock.now_millis() / 1000;
    let (status, body) = report(
        &app,
        &token,
        "wavefront",
        &format!("pushed.back 1 {t} source=s\n"),
    )
    .await;
    assert_eq!(status, 429, "{body}");
    assert!(body.contains("ingestion is behind"), "{body}");
    let resp = app
        .http
        .post(app.at("/report"))
        .bearer_auth(&token)
        .body(format!("pushed.back 2 {t} source=s\n"))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 429);
    // Other requests are not held up.
    let (status, _) = call(&app, Method::GET, "/api/v2/proxy", None).await;
    assert_eq!(status, 200);
    let (status, got) = call(
        &app,
        Method::GET,
        "/api/v2/chart/metric/detail?m=pushed.back",
        None,
    )
    .await;
    assert_eq!(status, 200, "{got}");
    assert!(got["hosts"].as_array().is_none_or(Vec::is_empty), "{got}");

    drop(held.pop());
    let (status, body) = report(
        &app,
        &token,
        "wavefront",
        &format!("pushed.back 1 {t} source=s\n"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    app.stop().await;
}

#[tokio::test]
async fn the_sweep_forgets_ephemeral_proxies_silent_for_a_day() {
    let clock = ManualClock::new(SystemClock.now_millis());
    let mut d = deps();
    d.clock = Arc::new(clock.clone());
    d.sweep_every = Duration::from_millis(10);
    let app = TestApp::spawn_with_deps(Backend::Sqlite, |_| {}, d)
        .await
        .expect("SQLite");
    let (status, _) = check_in(&app, &app.admin_token.clone(), clock.now_millis()).await;
    assert_eq!(status, 200);
    let server = app.server.as_ref().expect("running");
    let sweeps = server.sweeps.clone();
    let wait = |n: u64| {
        let mut sweeps = sweeps.clone();
        async move {
            let from = sweeps.borrow().swept;
            tokio::time::timeout(
                Duration::from_secs(30),
                sweeps.wait_for(|c| c.swept >= from + n),
            )
            .await
            .expect("the sweep runs")
            .expect("the sweep runs");
        }
    };
    clock.advance(24 * 60 * MINUTE - 1);
    wait(2).await;
    assert_eq!(
        call(&app, Method::GET, &format!("/api/v2/proxy/{PROXY}"), None)
            .await
            .0,
        200
    );
    clock.advance(1);
    wait(2).await;
    assert_eq!(
        call(&app, Method::GET, &format!("/api/v2/proxy/{PROXY}"), None)
            .await
            .0,
        404
    );
    app.stop().await;
}

/// The proxy's source-tag calls are the Source API's routes, sent gzip like everything the proxy
/// sends; a NUL in a saved document is refused like anywhere else.
#[tokio::test]
async fn the_proxys_source_tag_calls_and_saves_are_read_through_gzip() {
    let app = TestApp::spawn().await;
    let token = app.admin_token.clone();
    let (status, _) = check_in(&app, &token, SystemClock.now_millis()).await;
    assert_eq!(status, 200);
    // The source reports first (its points made it a Source).
    let (status, got) = call(
        &app,
        Method::POST,
        "/api/v2/source",
        Some(json!({"id": "px-src"})),
    )
    .await;
    assert_eq!(status, 200, "{got}");
    let put = |path: &str, body: &[u8]| {
        app.http
            .put(app.at(path))
            .header("User-Agent", "Wavefront-Proxy/13.4")
            .header("X-WF-PROXY-ID", PROXY)
            .header("Content-Type", "application/json")
            .header("Content-Encoding", "gzip")
            .bearer_auth(&token)
            .body(gzip(body))
    };
    let (status, body) = status_of(from_proxy(
        &app,
        &token,
        "/api/v2/source/px-src/tag",
        "application/json",
        br#"["a","b"]"#,
    ))
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = status_of(put("/api/v2/source/px-src/tag/c", b"")).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = status_of(from_proxy(
        &app,
        &token,
        "/api/v2/source/px-src/description",
        "application/json",
        b"set by the proxy",
    ))
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, got) = call(&app, Method::GET, "/api/v2/source/px-src", None).await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(got["response"]["description"], "set by the proxy", "{got}");
    let tags = &got["response"]["tags"];
    for t in ["a", "b", "c"] {
        assert_eq!(tags[t], true, "{got}");
    }
    let (status, body) = status_of(from_proxy(
        &app,
        &token,
        "/api/v2/wfproxy/saveConfig",
        "application/json",
        br#"{"k":"a\u0000b"}"#,
    ))
    .await;
    assert_eq!(status, 400, "{body}");
    app.stop().await;
}
