//! The alert evaluator on a moved clock, each test with its own small data set through /report:
//! the docs' worked examples (fires at 10:26, resolves at 10:36; 9,9,9,3,9 > 4 is true, its
//! align-min variant false), NO_DATA and its resolution, a threshold alert moving from WARN to
//! SEVERE and back (which targets hear what), a snooze expiring, a maintenance window by source
//! tag holding back one series but not the other. Rounds run when the test says, never on their
//! own (`evaluate_every` is an hour), and notifications are recorded instead of delivered.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crest_alert::{Notifier, Outgoing};
use crest_domain::clock::ManualClock;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Backend, TestApp, call, deps};

/// 2026-12-06T10:00:00Z.
const TEN: i64 = 1_796_551_200_000;
const MINUTE: i64 = 60_000;

/// Notifications as they were handed over: `(targets, trigger name, outgoing)`.
#[derive(Debug, Default)]
struct Recorder(Mutex<Vec<(String, &'static str, Outgoing)>>);

#[async_trait::async_trait]
impl Notifier for Recorder {
    async fn notify(&self, targets: &str, outgoing: Outgoing) {
        let trigger = outgoing.trigger.as_str();
        self.0
            .lock()
            .expect("the recorder's lock")
            .push((targets.to_owned(), trigger, outgoing));
    }
}

impl Recorder {
    /// What was handed over, whole, and forgets it.
    fn take_whole(&self) -> Vec<(String, &'static str, Outgoing)> {
        std::mem::take(&mut *self.0.lock().expect("the recorder's lock"))
    }

    /// What was handed over, as `(targets, trigger)`, and forgets it.
    fn take(&self) -> Vec<(String, &'static str)> {
        self.take_whole()
            .into_iter()
            .map(|(t, r, _)| (t, r))
            .collect()
    }
}

struct Setup {
    app: TestApp,
    clock: ManualClock,
    sent: Arc<Recorder>,
}

/// A server on `backend` whose clock reads `at`, whose rounds the test runs.
async fn setup_on(backend: Backend, at: i64) -> Option<Setup> {
    setup_with(backend, at, true).await
}

/// As [`setup_on`]; with `record`, notifications are recorded instead of delivered.
async fn setup_with(backend: Backend, at: i64, record: bool) -> Option<Setup> {
    let clock = ManualClock::new(at);
    let sent = Arc::new(Recorder::default());
    let mut d = deps();
    d.clock = Arc::new(clock.clone());
    d.evaluate_every = Duration::from_secs(3600);
    if record {
        d.notifier = Some(sent.clone());
    }
    let app = TestApp::spawn_with_deps(backend, |_| {}, d).await?;
    Some(Setup { app, clock, sent })
}

async fn setup(at: i64) -> Setup {
    setup_on(Backend::Sqlite, at)
        .await
        .expect("SQLite is always available")
}

impl Setup {
    /// Points `(epoch ms, value)` of `metric` from `source`.
    async fn report(&self, metric: &str, source: &str, points: &[(i64, f64)]) {
        let body: String = points
            .iter()
            .map(|(t, v)| format!("{metric} {v} {} source={source}\n", t / 1000))
            .collect();
        let resp = self
            .app
            .admin(Method::POST, "/report")
            .header("content-type", "text/plain")
            .body(body)
            .send()
            .await
            .expect("/report answers");
        assert_eq!(resp.status().as_u16(), 202);
    }

    /// Creates an alert; its id.
    async fn alert(&self, body: Value) -> String {
        let (status, got) = call(&self.app, Method::POST, "/api/v2/alert", Some(body)).await;
        assert_eq!(status, 200, "{got}");
        got["response"]["id"]
            .as_str()
            .expect("an alert has an id")
            .to_owned()
    }

    async fn get(&self, id: &str) -> Value {
        let (status, got) =
            call(&self.app, Method::GET, &format!("/api/v2/alert/{id}"), None).await;
        assert_eq!(status, 200, "{got}");
        got["response"].clone()
    }

    /// Moves the clock to `at` and runs one round.
    async fn round_at(&self, at: i64) -> crest_alert::RoundReport {
        self.clock.set(at);
        let server = self.app.server.as_ref().expect("the server runs");
        server.alerts.round().await.expect("a round runs")
    }
}

fn status(alert: &Value) -> Vec<String> {
    alert["status"]
        .as_array()
        .expect("status is a list")
        .iter()
        .map(|s| s.as_str().expect("a state").to_owned())
        .collect()
}

/// One point every 10 s through minute `m` (minutes after 10:00) with `value`.
fn minute(m: i64, value: f64) -> Vec<(i64, f64)> {
    (0..6)
        .map(|i| (TEN + m * MINUTE + i * 10_000, value))
        .collect()
}

async fn docs_example(backend: Backend) {
    let Some(s) = setup_on(backend, TEN).await else {
        return;
    };
    // false until 10:20, true 10:21–10:25, false 10:26–10:35
    let mut points = Vec::new();
    for m in 0..=35 {
        points.extend(minute(m, if (21..=25).contains(&m) { 1.0 } else { 0.0 }));
    }
    s.report("docs.example", "h1", &points).await;
    let id = s
        .alert(json!({
            "name": "docs example", "condition": "ts(docs.example) > 0", "minutes": 5,
            "resolveAfterMinutes": 10, "processRateMinutes": 1, "severity": "WARN",
            "target": "oncall@example.com"
        }))
        .await;
    let mut fired = None;
    let mut resolved = None;
    for m in 20..=40 {
        s.round_at(TEN + m * MINUTE + 5_000).await;
        for (targets, trigger) in s.sent.take() {
            assert_eq!(targets, "oncall@example.com");
            match trigger {
                "ALERT_OPENED" => fired = fired.or(Some(m)),
                "ALERT_RESOLVED" => resolved = resolved.or(Some(m)),
                other => panic!("unexpected {other} at 10:{m}"),
            }
        }
        let alert = s.get(&id).await;
        if m == 26 {
            assert_eq!(status(&alert), ["FIRING"], "{alert}");
            let failing = &alert["failingHostLabelPairs"];
            assert_eq!(failing[0]["host"], "h1", "{alert}");
            assert_eq!(failing[0]["label"], "docs.example", "{alert}");
        }
    }
    assert_eq!((fired, resolved), (Some(26), Some(36)));
    let alert = s.get(&id).await;
    assert_eq!(status(&alert), ["CHECKING"], "{alert}");
    // the firing's event: opened at 10:26, ended at 10:36
    let (_, firings) = call(
        &s.app,
        Method::GET,
        &format!(
            "/api/v2/event/alertFirings?alertId={id}&earliestStartTimeEpochMillis={}&latestStartTimeEpochMillis={}",
            TEN,
            TEN + 60 * MINUTE
        ),
        None,
    )
    .await;
    let items = firings["response"]["items"]
        .as_array()
        .expect("a page of events");
    assert_eq!(items.len(), 1, "{firings}");
    let event = &items[0];
    assert_eq!(event["name"], "docs example");
    assert_eq!(event["annotations"]["type"], "alert");
    assert_eq!(event["annotations"]["severity"], "warn");
    assert_eq!(event["startTime"], TEN + 26 * MINUTE + 5_000);
    assert_eq!(event["endTime"], TEN + 36 * MINUTE + 5_000);
    assert_eq!(event["runningState"], "ENDED");
    s.app.stop().await;
}

#[tokio::test]
async fn the_docs_example_fires_at_10_26_and_resolves_at_10_36() {
    docs_example(Backend::Sqlite).await;
}

#[tokio::test]
async fn the_docs_example_on_postgres() {
    docs_example(Backend::Postgres).await;
}

#[tokio::test]
async fn nine_nine_nine_three_nine_above_four_fires_and_the_align_min_variant_does_not() {
    let s = setup(TEN).await;
    let points: Vec<(i64, f64)> = [9.0, 9.0, 9.0, 3.0, 9.0]
        .iter()
        .enumerate()
        .map(|(i, v)| (TEN + 5_000 + i as i64 * 10_000, *v))
        .collect();
    s.report("kat.m", "h1", &points).await;
    let plain = s
        .alert(json!({
            "name": "mean", "condition": "ts(kat.m) > 4", "minutes": 1,
            "processRateMinutes": 1, "severity": "WARN"
        }))
        .await;
    let min = s
        .alert(json!({
            "name": "min", "condition": "align(1m, min, ts(kat.m) > 4)", "minutes": 1,
            "processRateMinutes": 1, "severity": "WARN"
        }))
        .await;
    let report = s.round_at(TEN + MINUTE + 5_000).await;
    assert_eq!(report.checked, 2);
    assert_eq!(status(&s.get(&plain).await), ["FIRING"]);
    assert_eq!(status(&s.get(&min).await), ["CHECKING"]);
    s.app.stop().await;
}

#[tokio::test]
async fn no_data_and_its_resolution() {
    let s = setup(TEN).await;
    let id = s
        .alert(json!({
            "name": "quiet", "condition": "ts(never.yet) > 0", "minutes": 2,
            "processRateMinutes": 1, "severity": "SMOKE", "target": "ops@example.com"
        }))
        .await;
    s.round_at(TEN + 2 * MINUTE).await;
    let alert = s.get(&id).await;
    assert_eq!(status(&alert), ["NO_DATA", "CHECKING"], "{alert}");
    assert_eq!(
        s.sent.take(),
        [("ops@example.com".to_owned(), "ALERT_NO_DATA")]
    );
    assert_eq!(
        alert["noDataEvent"]["annotations"]["details"], "Missing data.",
        "{alert}"
    );
    // still nothing: no second notice
    s.round_at(TEN + 3 * MINUTE).await;
    assert!(s.sent.take().is_empty());
    s.report("never.yet", "h1", &minute(3, 0.0)).await;
    s.round_at(TEN + 4 * MINUTE).await;
    let alert = s.get(&id).await;
    assert_eq!(status(&alert), ["CHECKING"], "{alert}");
    assert_eq!(
        s.sent.take(),
        [("ops@example.com".to_owned(), "ALERT_NO_DATA_RESOLVED")]
    );
    assert_eq!(alert["noDataEvent"]["runningState"], "ENDED", "{alert}");
    s.app.stop().await;
}

#[tokio::test]
async fn a_threshold_alert_moves_from_warn_to_severe_and_back() {
    let s = setup(TEN).await;
    // per minute: 7 (warn), 12 (severe too), 7 (warn)
    let mut points = Vec::new();
    for (m, v) in [(0, 7.0), (1, 12.0), (2, 7.0)] {
        points.extend(minute(m, v));
    }
    s.report("sev.m", "h1", &points).await;
    let id = s
        .alert(json!({
            "name": "levels", "alertType": "THRESHOLD", "displayExpression": "ts(sev.m)",
            "conditions": {"warn": "ts(sev.m) > 5", "severe": "ts(sev.m) > 10"},
            "targets": {"warn": "warn@example.com", "severe": "severe@example.com"},
            "minutes": 1, "processRateMinutes": 1
        }))
        .await;
    s.round_at(TEN + MINUTE).await;
    assert_eq!(
        s.sent.take(),
        [("warn@example.com".to_owned(), "ALERT_OPENED")]
    );
    assert_eq!(s.get(&id).await["severity"], "WARN");
    s.round_at(TEN + 2 * MINUTE).await;
    let mut heard = s.sent.take();
    heard.sort();
    assert_eq!(
        heard,
        [
            ("severe@example.com".to_owned(), "ALERT_OPENED"),
            ("warn@example.com".to_owned(), "ALERT_UPDATED"),
        ]
    );
    s.round_at(TEN + 3 * MINUTE).await;
    let mut heard = s.sent.take();
    heard.sort();
    assert_eq!(
        heard,
        [
            ("severe@example.com".to_owned(), "ALERT_RESOLVED"),
            ("warn@example.com".to_owned(), "ALERT_UPDATED"),
        ]
    );
    // no data in the last minute: the warn level resolves too
    s.round_at(TEN + 5 * MINUTE).await;
    let heard = s.sent.take();
    assert!(
        heard.contains(&("warn@example.com".to_owned(), "ALERT_RESOLVED")),
        "{heard:?}"
    );
    s.app.stop().await;
}

#[tokio::test]
async fn a_snoozed_alert_is_not_checked_until_its_snooze_expires() {
    let s = setup(TEN).await;
    let mut points = Vec::new();
    for m in 0..10 {
        points.extend(minute(m, 1.0));
    }
    s.report("snz.m", "h1", &points).await;
    let id = s
        .alert(json!({
            "name": "snoozy", "condition": "ts(snz.m) > 0", "minutes": 1,
            "processRateMinutes": 1, "severity": "WARN", "target": "a@example.com"
        }))
        .await;
    let (status_code, _) = call(
        &s.app,
        Method::POST,
        &format!("/api/v2/alert/{id}/snooze?seconds=180"),
        Some(json!({})),
    )
    .await;
    assert_eq!(status_code, 200);
    // the first round that finds the snooze announces it (a simple target hears snoozes), once
    let report = s.round_at(TEN + MINUTE).await;
    assert_eq!((report.checked, report.snoozed), (0, 1));
    let told = s.sent.take_whole();
    assert_eq!(told.len(), 1, "one announcement: {told:?}");
    assert_eq!(told[0].0, "a@example.com");
    assert_eq!(told[0].1, "ALERT_SNOOZED");
    assert_eq!(told[0].2.snoozed_until_ms, Some(TEN + 180_000));
    let report = s.round_at(TEN + 2 * MINUTE).await;
    assert_eq!((report.checked, report.snoozed), (0, 1));
    assert!(s.sent.take().is_empty(), "a snooze is announced once");
    assert!(status(&s.get(&id).await).contains(&"SNOOZED".to_owned()));
    // three minutes later the snooze has run out: checked, and it fires
    let report = s.round_at(TEN + 4 * MINUTE).await;
    assert_eq!((report.checked, report.snoozed), (1, 0));
    assert_eq!(
        s.sent.take(),
        [("a@example.com".to_owned(), "ALERT_OPENED")]
    );
    assert_eq!(status(&s.get(&id).await), ["FIRING"]);
    s.app.stop().await;
}

#[tokio::test]
async fn a_maintenance_window_by_source_tag_holds_back_one_series_but_not_the_other() {
    let s = setup(TEN).await;
    s.report("mw.m", "held-1", &minute(0, 1.0)).await;
    s.report("mw.m", "free-1", &minute(0, 1.0)).await;
    let (code, got) = call(
        &s.app,
        Method::POST,
        "/api/v2/source/held-1/tag",
        Some(json!(["rack-7"])),
    )
    .await;
    assert_eq!(code, 200, "{got}");
    let now_s = TEN / 1000;
    let (code, got) = call(
        &s.app,
        Method::POST,
        "/api/v2/maintenancewindow",
        Some(json!({
            "title": "rack 7 upgrade", "reason": "firmware", "startTimeInSeconds": now_s - 60,
            "endTimeInSeconds": now_s + 3600, "relevantCustomerTags": [],
            "relevantHostTags": ["rack-7"]
        })),
    )
    .await;
    assert_eq!(code, 200, "{got}");
    let id = s
        .alert(json!({
            "name": "both", "condition": "ts(mw.m) > 0", "minutes": 1,
            "processRateMinutes": 1, "severity": "WARN", "target": "a@example.com"
        }))
        .await;
    s.round_at(TEN + MINUTE).await;
    let alert = s.get(&id).await;
    let failing: Vec<&str> = alert["failingHostLabelPairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["host"].as_str().unwrap())
        .collect();
    assert_eq!(failing, ["free-1"], "{alert}");
    assert_eq!(
        alert["inMaintenanceHostLabelPairs"][0]["host"], "held-1",
        "{alert}"
    );
    assert_eq!(
        alert["activeMaintenanceWindows"],
        json!(["rack 7 upgrade"]),
        "{alert}"
    );
    let st = status(&alert);
    assert!(
        st.contains(&"FIRING".to_owned()) && st.contains(&"IN_MAINTENANCE".to_owned()),
        "{alert}"
    );
    assert_eq!(
        s.sent.take(),
        [("a@example.com".to_owned(), "ALERT_OPENED")]
    );
    s.app.stop().await;
}

#[tokio::test]
async fn a_webhook_target_hears_the_opening_and_the_resolution_once_each_rendered() {
    let s = setup_with(Backend::Sqlite, TEN, false)
        .await
        .expect("SQLite is always available");
    // the receiver fails twice, then accepts: the opening still arrives once
    let (url, got) = crate::notificants::receiver(2).await;
    let (code, target) = call(
        &s.app,
        Method::POST,
        "/api/v2/notificant",
        Some(json!({
            "title": "hook", "description": "d", "method": "WEBHOOK", "recipient": url,
            "template": "{\"r\":\"{{{reason}}}\",\"a\":\"{{{alertId}}}\",\"h\":\"{{#failingAlertSeries}}{{{host}}}{{/failingAlertSeries}}\"}",
            "triggers": ["ALERT_OPENED", "ALERT_RESOLVED"], "contentType": "application/json",
            "customHttpHeaders": {"X-T": "1"}
        })),
    )
    .await;
    assert_eq!(code, 200, "{target}");
    let target_id = target["response"]["id"].as_str().expect("an id").to_owned();
    let mut points = minute(0, 1.0);
    points.extend(minute(1, 0.0));
    s.report("hook.m", "h1", &points).await;
    let id = s
        .alert(json!({
            "name": "hooked", "condition": "ts(hook.m) > 0", "minutes": 1,
            "processRateMinutes": 1, "severity": "WARN", "target": format!("target:{target_id}")
        }))
        .await;
    s.round_at(TEN + MINUTE).await;
    assert!(
        crate::notificants::eventually(|| got.lock().expect("lock").len() >= 3).await,
        "the opening is retried until the receiver accepts it"
    );
    s.round_at(TEN + 2 * MINUTE).await;
    assert!(crate::notificants::eventually(|| got.lock().expect("lock").len() >= 4).await);
    let bodies: Vec<Value> = got
        .lock()
        .expect("lock")
        .iter()
        .map(|r| {
            assert_eq!(r.content_type, "application/json");
            assert_eq!(r.custom, "1");
            serde_json::from_str(&r.body).expect("the rendered template is JSON")
        })
        .collect();
    let expected_open = json!({"r": "ALERT_OPENED", "a": id, "h": "h1"});
    assert_eq!(
        bodies[..3],
        [expected_open.clone(), expected_open.clone(), expected_open]
    );
    assert_eq!(bodies[3]["r"], "ALERT_RESOLVED");
    assert_eq!(bodies[3]["a"], id.as_str());
    assert_eq!(bodies.len(), 4, "{bodies:?}");
    s.app.stop().await;
}

#[tokio::test]
async fn a_route_tells_its_own_recipient_of_the_series_its_filter_matches() {
    let s = setup_with(Backend::Sqlite, TEN, false)
        .await
        .expect("SQLite is always available");
    let (main_url, main) = crate::notificants::receiver(0).await;
    let (route_url, routed) = crate::notificants::receiver(0).await;
    let (code, target) = call(
        &s.app,
        Method::POST,
        "/api/v2/notificant",
        Some(json!({
            "title": "routed", "description": "d", "method": "WEBHOOK", "recipient": main_url,
            "template": "{\"route\":\"{{{alertRoute}}}\",\"h\":\"{{#failingAlertSeries}}{{{host}}} {{/failingAlertSeries}}\"}",
            "triggers": ["ALERT_OPENED"], "contentType": "application/json",
            "routes": [
                {"method": "WEBHOOK", "target": route_url, "filter": "source h2"},
                {"method": "WEBHOOK", "target": "http://127.0.0.1:9/never", "filter": "source h9"}
            ]
        })),
    )
    .await;
    assert_eq!(code, 200, "{target}");
    let target_id = target["response"]["id"].as_str().expect("an id").to_owned();
    s.report("route.m", "h1", &minute(0, 1.0)).await;
    s.report("route.m", "h2", &minute(0, 1.0)).await;
    s.alert(json!({
        "name": "routed", "condition": "ts(route.m) > 0", "minutes": 1,
        "processRateMinutes": 1, "severity": "WARN", "target": format!("target:{target_id}")
    }))
    .await;
    s.round_at(TEN + MINUTE).await;
    assert!(crate::notificants::eventually(|| !main.lock().expect("lock").is_empty()).await);
    assert!(crate::notificants::eventually(|| !routed.lock().expect("lock").is_empty()).await);
    let body = |r: &crate::notificants::Received| -> Value {
        serde_json::from_str(&r.body).expect("the rendered template is JSON")
    };
    let to_main: Vec<Value> = main.lock().expect("lock").iter().map(body).collect();
    let to_route: Vec<Value> = routed.lock().expect("lock").iter().map(body).collect();
    assert_eq!(to_main, [json!({"route": "", "h": "h1 h2 "})]);
    assert_eq!(to_route, [json!({"route": "source h2", "h": "h2 "})]);
    s.app.stop().await;
}
