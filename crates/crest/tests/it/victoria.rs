//! The server with its points in VictoriaMetrics (a throw-away single node) behind the ingest log:
//! the file log of one instance, and NATS JetStream (the machine's, 127.0.0.1:4222) shared by two
//! instances; what VictoriaMetrics would round, refused or reported; a kill -9 of VictoriaMetrics
//! right after an acknowledgement, repaired by the relay's barrier; and the same server against a
//! cluster's URL layout (`ClusterStandIn`: a vminsert, a vmselect and two vmstorage nodes that
//! forward to one single node), with either log.

use reqwest::Method;
use serde_json::Value;

use crate::ingest::send as report;
use crate::support::{Backend, TestApp, call};
use crest_domain::clock::Clock as _;
use crest_testkit::victoria::{ClusterStandIn, Role, STORAGE_PATHS, VictoriaProcess, free_port};

const NATS_URL: &str = "nats://127.0.0.1:4222";

fn now_s() -> i64 {
    crest_domain::clock::SystemClock.now_millis() / 1000
}

/// `[(timestamp ms, value)]` of `metric` on `source` since `start_ms`, every series together.
async fn raw(app: &TestApp, metric: &str, source: &str, start_ms: i64) -> Vec<(i64, f64)> {
    let mut points: Vec<(i64, f64)> = crate::ingest::raw(app, metric, source, start_ms)
        .await
        .into_iter()
        .flat_map(|(points, _)| points)
        .collect();
    points.sort_by(|a, b| a.partial_cmp(b).expect("finite"));
    points
}

/// The chart API's series for `q` over the last 10 minutes, per second.
async fn chart(app: &TestApp, q: &str) -> Value {
    let now = now_s();
    let resp = app
        .admin(Method::GET, "/api/v2/chart/api")
        .query(&[
            ("q", q.to_owned()),
            ("s", (now - 600).to_string()),
            ("e", (now + 60).to_string()),
            ("g", "s".to_owned()),
        ])
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status().as_u16(), 200);
    resp.json().await.expect("json")
}

/// VictoriaMetrics' export of `metric`, as it answers it (for a failure's message).
async fn export_text(vm: &VictoriaProcess, metric: &str) -> String {
    reqwest::Client::new()
        .get(format!("{}/api/v1/export", vm.url()))
        .query(&[("match[]", format!("{{__name__=\"{metric}\"}}"))])
        .send()
        .await
        .expect("export")
        .text()
        .await
        .expect("body")
}

/// What VictoriaMetrics itself holds for `metric` (its export API, straight).
async fn exported_values(vm: &VictoriaProcess, metric: &str) -> Vec<f64> {
    let text = reqwest::Client::new()
        .get(format!("{}/api/v1/export", vm.url()))
        .query(&[("match[]", format!("{{__name__=\"{metric}\"}}"))])
        .send()
        .await
        .expect("export")
        .text()
        .await
        .expect("body");
    let mut values: Vec<f64> = text
        .lines()
        .filter(|l| !l.is_empty())
        .flat_map(|l| {
            let v: Value = serde_json::from_str(l).expect("an export line");
            v["values"]
                .as_array()
                .expect("values")
                .iter()
                .map(|x| x.as_f64().expect("a number"))
                .collect::<Vec<_>>()
        })
        .collect();
    values.sort_by(|a, b| a.partial_cmp(b).expect("finite"));
    values
}

#[tokio::test]
async fn points_go_through_the_file_log_into_victoria_metrics_and_read_back() {
    let vm_dir = tempfile::tempdir().expect("a temp dir");
    let vm = VictoriaProcess::start(vm_dir.path(), free_port(), &[]).await;
    let url = vm.url();
    let app = TestApp::spawn_with(Backend::Sqlite, |s| s.victoria_url = Some(url))
        .await
        .expect("SQLite");
    let t = now_s() - 120;
    let body = format!(
        "vm.cpu 1.5 {t} source=web-1 dc=eu\nvm.cpu 2.5 {} source=web-1 dc=eu\n\
         vm.cpu 7 {} source=web-2 dc=us\n",
        t + 10,
        t + 20
    );
    let (status, got) = report(&app, &body).await;
    assert_eq!(status, 202, "{got}");
    // A read right after the acknowledgement waits for the log to reach VictoriaMetrics.
    assert_eq!(
        raw(&app, "vm.cpu", "web-1", (t - 60) * 1000).await,
        vec![(t * 1000, 1.5), ((t + 10) * 1000, 2.5)]
    );
    let answer = chart(&app, "sum(ts(vm.cpu))").await;
    assert!(answer.get("errorType").is_none(), "{answer}");
    // web-1 ends at t+10 and web-2 begins at t+20: neither is extended past its points.
    assert_eq!(
        answer["timeseries"][0]["data"],
        serde_json::json!([[t, 1.5], [t + 10, 2.5], [t + 20, 7.0]]),
        "{answer}"
    );
    // The metric details come from VictoriaMetrics' index.
    let (status, detail) = call(
        &app,
        Method::GET,
        "/api/v2/chart/metric/detail?m=vm.cpu",
        None,
    )
    .await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(
        detail["hosts"].as_array().map(Vec::len),
        Some(2),
        "{detail}"
    );
    // VictoriaMetrics holds the points themselves (nothing kept only by crest).
    assert_eq!(exported_values(&vm, "vm.cpu").await, vec![1.5, 2.5, 7.0]);
    app.stop().await;
}

#[tokio::test]
async fn a_value_victoria_metrics_would_round_is_refused_or_reported() {
    let vm_dir = tempfile::tempdir().expect("a temp dir");
    let vm = VictoriaProcess::start(vm_dir.path(), free_port(), &[]).await;
    let t = now_s() - 60;
    let exact = "0.30000000000000004";

    // Told to refuse: a 400 that says why, and nothing is written.
    let url = vm.url();
    let app = TestApp::spawn_with(Backend::Sqlite, |s| {
        s.victoria_url = Some(url);
        s.victoria_precision = Some("refuse".into());
    })
    .await
    .expect("SQLite");
    let (status, got) = report(&app, &format!("vm.precise {exact} {t} source=web-1\n")).await;
    assert_eq!(status, 400, "{got}");
    assert!(
        got.to_string().contains("rounded"),
        "the answer names the rounding: {got}"
    );
    assert!(
        raw(&app, "vm.precise", "web-1", (t - 60) * 1000)
            .await
            .is_empty()
    );
    app.stop().await;

    // By default: written, and counted in the delta counter every instance reports.
    let url = vm.url();
    let app = TestApp::spawn_with(Backend::Sqlite, |s| s.victoria_url = Some(url))
        .await
        .expect("SQLite");
    let (status, got) = report(&app, &format!("vm.precise {exact} {t} source=web-1\n")).await;
    assert_eq!(status, 202, "{got}");
    let read = raw(&app, "vm.precise", "web-1", (t - 60) * 1000).await;
    assert_eq!(read.len(), 1);
    assert_ne!(
        read[0].1, 0.300_000_000_000_000_04,
        "VictoriaMetrics rounds it"
    );
    match &app.server.as_ref().expect("running").points {
        crest::points::Points::Victoria { reporter, .. } => reporter.report().await,
        other => panic!("not on VictoriaMetrics: {other:?}"),
    }
    let answer = chart(&app, "sum(cs(~crest.victoria.values.rounded))").await;
    let total: f64 = answer["timeseries"][0]["data"]
        .as_array()
        .unwrap_or_else(|| panic!("the report is a series: {answer}"))
        .iter()
        .map(|p| p[1].as_f64().expect("a number"))
        .sum();
    assert_eq!(total, 1.0, "{answer}");
    app.stop().await;
}

/// Two instances (SQLite metadata each) sharing one JetStream log under a deployment name of
/// their own, with the engine `engine` sets; and that name.
async fn two_on_jetstream(
    engine: impl Fn(&mut crest::config::Settings),
) -> (TestApp, TestApp, String) {
    let deployment = format!("it-{}", uuid::Uuid::new_v4().simple());
    let settings = |s: &mut crest::config::Settings| {
        engine(s);
        s.nats_url = Some(NATS_URL.into());
        s.nats_deployment = Some(deployment.clone());
    };
    let one = TestApp::spawn_with(Backend::Sqlite, settings)
        .await
        .expect("SQLite");
    let two = TestApp::spawn_with(Backend::Sqlite, settings)
        .await
        .expect("SQLite");
    (one, two, deployment)
}

#[tokio::test]
async fn two_instances_share_one_jetstream_log_and_read_each_others_points() {
    let vm_dir = tempfile::tempdir().expect("a temp dir");
    let vm = VictoriaProcess::start(vm_dir.path(), free_port(), &[]).await;
    let (one, two, deployment) = two_on_jetstream(|s| s.victoria_url = Some(vm.url())).await;
    let t = now_s() - 60;
    let mut expected = Vec::new();
    for i in 0..20_i64 {
        let (app, other) = if i % 2 == 0 {
            (&one, &two)
        } else {
            (&two, &one)
        };
        let (status, got) = report(app, &format!("js.points {i} {} source=web-1\n", t + i)).await;
        assert_eq!(status, 202, "{got}");
        expected.push(((t + i) * 1000, i as f64));
        // Read through the other instance at once: its read waits for the shared log.
        assert_eq!(
            raw(other, "js.points", "web-1", (t - 60) * 1000).await,
            expected,
            "after point {i}"
        );
    }
    one.stop().await;
    two.stop().await;
    crate::support::delete_deployment_streams(NATS_URL, &deployment).await;
}

/// Reads `metric` on `source` until it holds `expected`, for at most a minute (the barrier, every
/// second here, must see the restart and the shipper replay the log); panics naming what it read.
async fn wait_for_points(
    app: &TestApp,
    metric: &str,
    source: &str,
    start_ms: i64,
    expected: &[(i64, f64)],
) {
    let mut got = Vec::new();
    for _ in 0..300 {
        got = raw(app, metric, source, start_ms).await;
        if got == expected {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!(
        "after a minute {metric} reads {got:?}, not {expected:?}: the barrier did not replay what VictoriaMetrics lost"
    );
}

#[tokio::test]
async fn a_kill_9_of_victoria_metrics_right_after_an_acknowledgement_loses_nothing() {
    let vm_dir = tempfile::tempdir().expect("a temp dir");
    let port = free_port();
    let vm = VictoriaProcess::start(vm_dir.path(), port, &[]).await;
    // VictoriaMetrics started at this second or before.
    let vm_up_s = now_s();
    let url = vm.url();
    let app = TestApp::spawn_with(Backend::Sqlite, |s| {
        s.victoria_url = Some(url);
        s.relay_barrier_seconds = Some(1);
    })
    .await
    .expect("SQLite");
    let t = now_s() - 120;
    let start_ms = (t - 60) * 1000;
    let (status, got) = report(&app, &format!("vm.kill {} {t} source=web-1\n", 1.25)).await;
    assert_eq!(status, 202, "{got}");
    // Read back: shipped into VictoriaMetrics, which may hold it only in memory yet.
    assert_eq!(
        raw(&app, "vm.kill", "web-1", start_ms).await,
        vec![(t * 1000, 1.25)]
    );
    // The relay knows VictoriaMetrics' incarnation by its start second (vm_app_start_timestamp):
    // a restart within the second it started in goes unseen (a known limit), so let it run into
    // the next second first.
    for _ in 0..50 {
        if now_s() > vm_up_s {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    drop(vm); // SIGKILL
    // Acknowledged while VictoriaMetrics is away: the log holds it.
    let (status, got) = report(&app, &format!("vm.kill {} {} source=web-1\n", 2.5, t + 1)).await;
    assert_eq!(status, 202, "{got}");
    let vm = VictoriaProcess::start(vm_dir.path(), port, &[]).await;
    let expected = [(t * 1000, 1.25), ((t + 1) * 1000, 2.5)];
    wait_for_points(&app, "vm.kill", "web-1", start_ms, &expected).await;
    // Once each in VictoriaMetrics itself: the replay collapsed onto what survived.
    assert_eq!(exported_values(&vm, "vm.kill").await, vec![1.25, 2.5]);
    app.stop().await;
}

/// The tenant of the cluster tests: not the default `0`, a project too.
const TENANT: &str = "7:3";

/// What the relay of `app` did so far: (shipped entries, rewinds, barriers, failed barriers, the
/// position the log was last trimmed through).
fn relay_stats(app: &TestApp) -> (u64, u64, u64, u64, u64) {
    match &app.server.as_ref().expect("running").points {
        crest::points::Points::Victoria { relay, .. } => {
            let s = relay.stats();
            (
                s.shipped_entries,
                // Rewinds after a restart: not the one each instance makes when it begins to run
                // the barrier (with the JetStream log).
                s.rewinds.saturating_sub(s.takeovers),
                s.barriers,
                s.failed_barriers,
                s.last_trim.0,
            )
        }
        other => panic!("not on VictoriaMetrics: {other:?}"),
    }
}

/// Waits (at most a minute) until `done` holds for the relay stats of `apps`; panics with them
/// and `what` otherwise.
async fn wait_for_relays(
    apps: &[&TestApp],
    what: &str,
    done: impl Fn(&[(u64, u64, u64, u64, u64)]) -> bool,
) {
    let mut stats = Vec::new();
    for _ in 0..300 {
        stats = apps.iter().map(|a| relay_stats(a)).collect();
        if done(&stats) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!(
        "after a minute, not {what}: relays (shipped, rewinds, barriers, failed, trimmed) {stats:?}"
    );
}

/// The snapshots the single node holds (none once every barrier deleted its own).
async fn snapshots_left(vm: &VictoriaProcess) -> Vec<Value> {
    let listed: Value = reqwest::get(format!("{}/snapshot/list", vm.url()))
        .await
        .expect("/snapshot/list")
        .json()
        .await
        .expect("a JSON answer");
    listed["snapshots"]
        .as_array()
        .unwrap_or_else(|| panic!("a list of snapshots: {listed}"))
        .clone()
}

/// crest's settings for `cluster`: vminsert, vmselect, the tenant, both storage nodes, and a
/// barrier every second.
fn on_cluster(cluster: &ClusterStandIn, s: &mut crest::config::Settings) {
    s.victoria_insert_url = Some(cluster.insert_url().to_owned());
    s.victoria_select_url = Some(cluster.select_url().to_owned());
    s.victoria_tenant = Some(TENANT.to_owned());
    s.victoria_storage_urls = Some(cluster.storage_list());
    s.relay_barrier_seconds = Some(1);
}

/// Whether storage node `node` answered `path` with a 200.
fn answered(cluster: &ClusterStandIn, node: usize, path: &str) -> bool {
    cluster
        .seen()
        .iter()
        .any(|s| s.role == Role::Storage(node) && s.path == path && s.status == 200)
}

/// Every request `cluster` received went where a cluster serves it: imports to vminsert under the
/// tenant, reads to vmselect under the tenant, the rest to a storage node's own paths.
fn assert_cluster_layout(cluster: &ClusterStandIn) {
    assert_eq!(
        cluster.refused(),
        vec![],
        "requests the cluster would not serve"
    );
    let insert = cluster.paths(Role::Insert);
    assert!(!insert.is_empty());
    assert!(
        insert
            .iter()
            .all(|p| p == "/insert/7:3/prometheus/api/v1/import"),
        "{insert:?}"
    );
    let select = cluster.paths(Role::Select);
    assert!(!select.is_empty());
    assert!(
        select
            .iter()
            .all(|p| p.starts_with("/select/7:3/prometheus/api/v1/")),
        "{select:?}"
    );
    for node in 0..2 {
        let paths = cluster.paths(Role::Storage(node));
        assert!(
            paths.iter().all(|p| STORAGE_PATHS.contains(&p.as_str())),
            "node {node}: {paths:?}"
        );
    }
}

/// The cluster case, for one instance on the file log or two on JetStream (`apps`): points written
/// through one instance (in turn) are read back exactly through the next; while storage node 1
/// refuses snapshots no barrier trims the log; once node 1 looks restarted (another
/// `vm_app_start_timestamp`) the relay replays the log, every point still reads back once, and the
/// barrier then snapshots both nodes and trims the log.
async fn cluster_case(apps: &[&TestApp], cluster: &ClusterStandIn, vm: &VictoriaProcess) {
    let metric = "cl.cpu";
    // Start-up read the flags of the first storage node, once per instance.
    assert_eq!(cluster.count(Role::Storage(0), "/flags"), apps.len());
    assert_eq!(cluster.count(Role::Storage(1), "/flags"), 0);

    let t = now_s() - 120;
    let start_ms = (t - 60) * 1000;
    let lines = [
        format!("{metric} 1.5 {t} source=web-1 dc=eu\n"),
        format!("{metric} 2.5 {} source=web-1 dc=eu\n", t + 10),
        format!("{metric} 7 {} source=web-2 dc=us\n", t + 20),
    ];
    let web_1 = [(t * 1000, 1.5), ((t + 10) * 1000, 2.5)];
    for (i, line) in lines.iter().enumerate() {
        let (status, got) = report(apps[i % apps.len()], line).await;
        assert_eq!(status, 202, "{got}");
        let reader = apps[(i + 1) % apps.len()];
        let want = &web_1[..(i + 1).min(2)];
        assert_eq!(
            raw(reader, metric, "web-1", start_ms).await,
            want,
            "after report {i}"
        );
    }
    let summed = serde_json::json!([[t, 1.5], [t + 10, 2.5], [t + 20, 7.0]]);
    for app in apps {
        let answer = chart(app, &format!("sum(ts({metric}))")).await;
        assert!(answer.get("errorType").is_none(), "{answer}");
        assert_eq!(answer["timeseries"][0]["data"], summed, "{answer}");
        assert_eq!(
            raw(app, metric, "web-2", start_ms).await,
            vec![((t + 20) * 1000, 7.0)]
        );
    }
    // The single node behind the stand-in holds them.
    assert_eq!(exported_values(vm, metric).await, vec![1.5, 2.5, 7.0]);

    // Storage node 1 refuses snapshots (from before the start): barriers fail, nothing is trimmed.
    wait_for_relays(apps, "two failed barriers", |s| {
        s.iter().map(|r| r.3).sum::<u64>() >= 2
    })
    .await;
    for (shipped, rewinds, _, _, trimmed) in apps.iter().map(|a| relay_stats(a)) {
        assert_eq!((rewinds, trimmed), (0, 0), "shipped {shipped}");
    }
    assert!(answered(cluster, 0, "/snapshot/create"));
    assert!(answered(cluster, 0, "/snapshot/delete"));
    assert!(!answered(cluster, 1, "/snapshot/create"));
    assert!(cluster.count(Role::Storage(1), "/snapshot/create") >= 1);

    // Node 1 "restarts" and takes snapshots again: the log is replayed, then trimmed.
    let shipped: u64 = apps.iter().map(|a| relay_stats(a).0).sum();
    let imports = cluster.paths(Role::Insert).len();
    cluster.restart(1);
    cluster.refuse_snapshots(1, false);
    wait_for_relays(apps, "a rewind and the log replayed", |s| {
        s.iter().map(|r| r.1).sum::<u64>() >= 1 && s.iter().map(|r| r.0).sum::<u64>() >= shipped + 3
    })
    .await;
    assert!(
        cluster.paths(Role::Insert).len() > imports,
        "replayed through vminsert"
    );
    wait_for_relays(apps, "the log trimmed through its third entry", |s| {
        s.iter().any(|r| r.4 >= 3)
    })
    .await;
    assert!(answered(cluster, 1, "/snapshot/create"));
    assert!(answered(cluster, 1, "/snapshot/delete"));
    // Every snapshot made is deleted at once: at most one per instance is between the two calls.
    for node in 0..2 {
        let made = cluster
            .seen()
            .iter()
            .filter(|s| s.role == Role::Storage(node) && s.status == 200)
            .filter(|s| s.path == "/snapshot/create")
            .count();
        let deleted = cluster.count(Role::Storage(node), "/snapshot/delete");
        assert!(
            deleted <= made && made <= deleted + apps.len(),
            "node {node}: {made} made, {deleted} deleted"
        );
    }
    // Once each, through every instance and in VictoriaMetrics itself.
    for app in apps {
        assert_eq!(raw(app, metric, "web-1", start_ms).await, web_1);
        let answer = chart(app, &format!("sum(ts({metric}))")).await;
        assert_eq!(answer["timeseries"][0]["data"], summed, "{answer}");
    }
    assert_eq!(
        exported_values(vm, metric).await,
        vec![1.5, 2.5, 7.0],
        "{}",
        export_text(vm, metric).await
    );
    assert!(cluster.count(Role::Storage(0), "/internal/force_flush") >= 1);
    assert!(cluster.count(Role::Storage(1), "/internal/force_flush") >= 1);
    assert_cluster_layout(cluster);
}

#[tokio::test]
async fn a_cluster_layout_through_the_file_log_reads_back_snapshots_every_node_and_replays() {
    let vm_dir = tempfile::tempdir().expect("a temp dir");
    let vm = VictoriaProcess::start(vm_dir.path(), free_port(), &[]).await;
    let cluster = ClusterStandIn::start(&vm.url(), TENANT, 2).await;
    cluster.refuse_snapshots(1, true);
    let app = TestApp::spawn_with(Backend::Sqlite, |s| on_cluster(&cluster, s))
        .await
        .expect("SQLite");
    cluster_case(&[&app], &cluster, &vm).await;
    app.stop().await;
    assert_eq!(snapshots_left(&vm).await, Vec::<Value>::new());
}

#[tokio::test]
async fn a_cluster_layout_with_two_instances_on_jetstream_reads_back_snapshots_and_replays() {
    let vm_dir = tempfile::tempdir().expect("a temp dir");
    let vm = VictoriaProcess::start(vm_dir.path(), free_port(), &[]).await;
    let cluster = ClusterStandIn::start(&vm.url(), TENANT, 2).await;
    cluster.refuse_snapshots(1, true);
    let (one, two, deployment) = two_on_jetstream(|s| on_cluster(&cluster, s)).await;
    cluster_case(&[&one, &two], &cluster, &vm).await;
    // The trim deleted the entries from the stream itself.
    let nats = async_nats::connect(NATS_URL).await.expect("NATS");
    let js = async_nats::jetstream::new(nats);
    let mut stream = js
        .get_stream(format!("CREST_{deployment}"))
        .await
        .expect("the deployment's stream");
    let info = stream.info().await.expect("the stream's state");
    assert_eq!(info.state.messages, 0, "{:?}", info.state);
    assert!(info.state.first_sequence > 3, "{:?}", info.state);
    one.stop().await;
    two.stop().await;
    assert_eq!(snapshots_left(&vm).await, Vec::<Value>::new());
    crate::support::delete_deployment_streams(NATS_URL, &deployment).await;
}

#[tokio::test]
async fn a_cluster_whose_first_storage_node_lacks_dedup_is_refused_at_start() {
    let vm_dir = tempfile::tempdir().expect("a temp dir");
    let vm = VictoriaProcess::start(vm_dir.path(), free_port(), &[]).await;
    let cluster = ClusterStandIn::start(&vm.url(), TENANT, 2).await;
    cluster.set_flags(0, Some("-retentionPeriod=\"100y\"\n"));
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut settings = crate::support::settings(dir.path(), None);
    on_cluster(&cluster, &mut settings);
    let config = crest::config::Config::resolve(settings).expect("valid settings");
    let refused = match crest::server::start(&config, crate::support::deps()).await {
        Ok(_) => panic!("started on a storage node without -dedup.minScrapeInterval=1ms"),
        Err(e) => format!("{e:#}"),
    };
    assert!(
        refused.contains("-dedup.minScrapeInterval=1ms"),
        "{refused}"
    );
    assert_eq!(cluster.paths(Role::Storage(0)), vec!["/flags".to_owned()]);
    // Only the first node's flags are read: the second's are not asked for.
    assert_eq!(cluster.paths(Role::Storage(1)), Vec::<String>::new());
    assert_eq!(cluster.paths(Role::Insert), Vec::<String>::new());
}
