//! The ingestion spy over HTTP: streams that open with their header, show a sample of what is
//! acknowledged with the documented filters, name only new names, are bounded in number, need
//! Direct Data Ingestion, and end when the server stops.

use std::fmt::Write as _;
use std::time::Duration;

use crest_domain::clock::Clock as _;
use reqwest::Method;

use crate::support::{TestApp, account_with};

/// A guard against a hung stream: far longer than any read here needs.
const PATIENCE: Duration = Duration::from_secs(60);

/// An open spy stream, read line by line.
struct Stream {
    response: reqwest::Response,
    pending: String,
}

impl Stream {
    async fn open(app: &TestApp, token: &str, path: &str) -> Self {
        let response = app
            .http
            .get(app.at(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "text/plain; charset=utf-8"
        );
        Self {
            response,
            pending: String::new(),
        }
    }

    /// The next line; `None` once the stream ended.
    async fn line(&mut self) -> Option<String> {
        loop {
            if let Some(at) = self.pending.find('\n') {
                let line = self.pending[..at].to_owned();
                self.pending.drain(..=at);
                return Some(line);
            }
            let chunk = tokio::time::timeout(PATIENCE, self.response.chunk())
                .await
                .expect("the stream answers in time")
                .expect("the stream reads")?;
            self.pending
                .push_str(std::str::from_utf8(&chunk).expect("UTF-8"));
        }
    }

    /// The header's lines, up to and with the divider.
    async fn header(&mut self) -> Vec<String> {
        let mut lines = Vec::new();
        loop {
            let line = self.line().await.expect("a header");
            assert!(line.starts_with('#'), "{line}");
            let divider = line.starts_with("# ---");
            lines.push(line);
            if divider {
                return lines;
            }
        }
    }

    /// Lines until one is `last`, which is not returned.
    async fn until(&mut self, last: &str) -> Vec<String> {
        let mut lines = Vec::new();
        loop {
            let line = self.line().await.expect("the stream goes on");
            if line.contains(last) {
                return lines;
            }
            lines.push(line);
        }
    }
}

async fn report(app: &TestApp, token: &str, body: String) {
    let resp = app
        .http
        .post(app.at("/report"))
        .bearer_auth(token)
        .body(body)
        .send()
        .await
        .expect("send");
    assert_eq!(
        resp.status(),
        202,
        "{}",
        resp.text().await.unwrap_or_default()
    );
}

/// Every line of a body: `count` points of `metric` on `source` with the tag `env=prod`.
fn points(metric: &str, source: &str, count: usize, now_s: i64) -> String {
    let mut body = String::new();
    for i in 0..count {
        let _ = writeln!(
            body,
            "{metric} {i} {} source={source} env=prod",
            now_s - i as i64
        );
    }
    body
}

/// A point the test's stream always shows (a sample of 1 in 20 never misses 400 of them), to know
/// where a report's lines end: 400 points of `marker`, which the filters of the stream admit.
fn marker_points(marker: &str, source: &str, now_s: i64) -> String {
    points(marker, source, 400, now_s)
}

fn now_s() -> i64 {
    crest_domain::clock::SystemClock.now_millis() / 1000
}

#[tokio::test]
async fn points_are_sampled_and_filtered_as_asked() {
    let app = TestApp::spawn().await;
    let token = account_with(&app, "spy-points", &["ingestion"]).await;
    let mut stream = Stream::open(
        &app,
        &token,
        "/api/spy/points?metric=spy.&host=web&pointTagKey=env&sampling=1&includeScalingFactor=true",
    )
    .await;
    let header = stream.header().await;
    assert!(
        header[0].contains("points")
            && header[0].contains("name starting with \"spy.\"")
            && header[0].contains("sampling 0.05 (asked 1; at most 0.05)"),
        "{header:?}"
    );
    assert!(header.iter().any(|l| l == "# backends: 1"), "{header:?}");

    let now = now_s();
    let mut body = points("spy.shown", "web-1", 4000, now);
    body.push_str(&points("spy.elsewhere", "db-1", 4000, now));
    body.push_str(&points("other.metric", "web-1", 4000, now));
    body.push_str(&"spy.untagged 1 source=web-1\n".repeat(100));
    body.push_str(&marker_points("spy.zz.marker", "web-9", now));
    report(&app, &token, body).await;

    let lines = stream.until("spy.zz.marker").await;
    // 4,000 points at 5%: 200 expected; fewer than 100 or more than 320 is beyond 7 deviations.
    assert!((100..=320).contains(&lines.len()), "{}", lines.len());
    for line in &lines {
        // "spy.shown" source="web-1" <ms> <value> "env"="prod"
        let parts: Vec<&str> = line.split(' ').collect();
        assert_eq!(parts.len(), 5, "{line}");
        assert_eq!(parts[0], "\"spy.shown\"", "{line}");
        assert_eq!(parts[1], "source=\"web-1\"", "{line}");
        let ms: i64 = parts[2].parse().expect("epoch ms");
        let value: i64 = parts[3].parse().expect("a whole value");
        assert_eq!(ms, (now - value) * 1000, "{line}");
        assert_eq!(parts[4], "\"env\"=\"prod\"", "{line}");
    }
    app.stop().await;
}

#[tokio::test]
async fn delta_counters_and_histograms_have_streams_of_their_own() {
    let app = TestApp::spawn().await;
    let token = account_with(&app, "spy-kinds", &["ingestion"]).await;
    let mut deltas =
        Stream::open(&app, &token, "/api/spy/deltas?counter=orders&sampling=0.05").await;
    deltas.header().await;
    let mut histograms = Stream::open(
        &app,
        &token,
        "/api/spy/histograms?histogram=lat&sampling=0.05",
    )
    .await;
    histograms.header().await;

    let now = now_s();
    let mut body = String::new();
    for i in 0..2000 {
        let _ = writeln!(body, "\u{2206}orders.placed 1 {} source=shop-{i}", now - 1);
        let _ = writeln!(body, "orders.plain 1 {} source=shop-{i}", now - 1);
    }
    body.push_str(&"\u{2206}orders.zz.marker 1 source=m\n".repeat(400));
    report(&app, &token, body).await;
    let lines = deltas.until("orders.zz.marker").await;
    assert!((40..=170).contains(&lines.len()), "{}", lines.len());
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("\"\u{2206}orders.placed\" source=\"shop-")),
        "{lines:?}"
    );

    let mut hist = String::new();
    for i in 0..2000 {
        let _ = writeln!(hist, "!M {} #3 1.5 #1 7 latency source=h-{i}", now - 60);
    }
    for _ in 0..400 {
        let _ = writeln!(hist, "!M {} #1 1 lat.zz.marker source=m", now - 60);
    }
    let resp = app
        .http
        .post(app.at("/report?f=histogram"))
        .bearer_auth(&token)
        .body(hist)
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 202);
    let lines = histograms.until("lat.zz.marker").await;
    assert!((40..=170).contains(&lines.len()), "{}", lines.len());
    let minute = (now - 60).div_euclid(60) * 60;
    for line in &lines {
        assert!(
            line.starts_with(&format!("!M {minute} #3 1.5 #1 7 \"latency\" source=\"h-")),
            "{line}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn ids_name_only_what_the_engine_did_not_hold() {
    let app = TestApp::spawn().await;
    let token = account_with(&app, "spy-ids", &["ingestion"]).await;
    let now = now_s();
    let mut old = String::new();
    for i in 0..2000 {
        let _ = writeln!(old, "spyid.old.{i} 1 {now} source=old-host");
    }
    report(&app, &token, old.clone()).await;

    let mut metrics = Stream::open(
        &app,
        &token,
        "/api/spy/ids?type=METRIC&name=spyid.&sampling=0.05",
    )
    .await;
    let header = metrics.header().await;
    assert!(header[0].contains("type METRIC"), "{header:?}");
    let mut hosts = Stream::open(&app, &token, "/api/spy/ids?type=host&sampling=0.05").await;
    hosts.header().await;

    // The old names again, then as many new ones: only the new are named.
    report(&app, &token, old).await;
    let mut body = String::new();
    for i in 0..2000 {
        let _ = writeln!(body, "spyid.new.{i} 1 {now} source=new-host-{i}");
    }
    report(&app, &token, body).await;
    let mut marker = String::new();
    for i in 0..400 {
        let _ = writeln!(marker, "spyid.zz.marker.{i} 1 {now} source=zz-marker-{i}");
    }
    report(&app, &token, marker).await;

    let lines = metrics.until("spyid.zz.marker").await;
    assert!((40..=170).contains(&lines.len()), "{}", lines.len());
    assert!(
        lines.iter().all(|l| l.starts_with("METRIC \"spyid.new.")),
        "{lines:?}"
    );
    let lines = hosts.until("zz-marker").await;
    assert!((40..=170).contains(&lines.len()), "{}", lines.len());
    assert!(
        lines.iter().all(|l| l.starts_with("HOST \"new-host-")),
        "{lines:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn streams_are_bounded_need_the_permission_and_end_with_the_server() {
    let app = TestApp::spawn().await;
    let ingester = account_with(&app, "spy-bound", &["ingestion"]).await;
    let viewer = account_with(&app, "spy-viewer", &["metrics_management"]).await;
    for path in [
        "/api/spy/points",
        "/api/spy/deltas",
        "/api/spy/histograms",
        "/api/spy/spans",
        "/api/spy/ids",
    ] {
        let status = app
            .http
            .get(app.at(path))
            .bearer_auth(&viewer)
            .send()
            .await
            .expect("send")
            .status();
        assert_eq!(status, 403, "{path}");
        let status = app
            .http
            .get(app.at(path))
            .send()
            .await
            .expect("send")
            .status();
        assert_eq!(status, 401, "{path}");
    }
    for bad in [
        "/api/spy/points?sampling=2",
        "/api/spy/points?sampling=lots",
        "/api/spy/ids?type=BOGUS",
        "/api/spy/points?includeScalingFactor=maybe",
    ] {
        let resp = app.admin(Method::GET, bad).send().await.expect("send");
        assert_eq!(resp.status(), 400, "{bad}");
    }
    let mut spans = Stream::open(&app, &ingester, "/api/spy/spans").await;
    let header = spans.header().await;
    assert!(header.iter().any(|l| l.contains("no spans")), "{header:?}");

    let mut open = vec![spans];
    for _ in 1..crest_http::spy::MAX_WATCHERS {
        open.push(Stream::open(&app, &ingester, "/api/spy/points").await);
    }
    let resp = app
        .http
        .get(app.at("/api/spy/points"))
        .bearer_auth(&ingester)
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 429);
    let body = resp.text().await.expect("text");
    assert!(body.contains("at most 16 spy streams"), "{body}");
    // One leaves: another may come.
    drop(open.pop());
    let mut last = None;
    for _ in 0..1000 {
        let resp = app
            .http
            .get(app.at("/api/spy/points"))
            .bearer_auth(&ingester)
            .send()
            .await
            .expect("send");
        if resp.status() == 200 {
            last = Some(resp);
            break;
        }
        // The server learns the client left when the connection closes: ask again.
    }
    assert!(last.is_some(), "a stream opens once another closed");

    // Shutting the server down ends every stream.
    let mut stream = open.pop().expect("a stream");
    stream.header().await;
    app.stop().await;
    assert_eq!(stream.line().await, None);
}
