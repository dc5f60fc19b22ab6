//! The cluster's URL layout, against `crest_testkit::victoria::ClusterStandIn` (a vminsert, a
//! vmselect and vmstorage nodes that forward to a single node: Debian packages no cluster); and a
//! stand-in that appends VictoriaMetrics' text error line to a 200.

use std::sync::Arc;

use axum::body::Body;
use axum::response::Response;
use crest_series::suite::{self, T0};
use crest_series::{
    Batch, Filter, ReadLimits, Sample, SeriesError, SeriesKey, SeriesReader as _,
    SeriesWriter as _, TimeRange,
};
use crest_testkit::victoria::{ClusterStandIn, Role};
use crest_victoria::{Endpoints, VictoriaEngine, VictoriaError};

use crate::support::{Vm, config_for};

const TENANT: &str = "42:7";

/// The engine's endpoints for `cluster`, its storage nodes listed.
fn endpoints(cluster: &ClusterStandIn) -> Endpoints {
    Endpoints::Cluster {
        insert_url: cluster.insert_url().to_owned(),
        // A trailing slash is taken off.
        select_url: format!("{}/", cluster.select_url()),
        tenant: TENANT.to_owned(),
        storage: cluster.storage_urls().to_vec(),
    }
}

async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_is_spoken_to_through_its_tenant_paths() {
    for case in [
        "filters_select_exactly_what_matches_says",
        "the_catalog_lists_series_and_metrics",
    ] {
        let fresh = Vm::start().await;
        let cluster = ClusterStandIn::start(&fresh.url, TENANT, 1).await;
        let engine = VictoriaEngine::new(config_for(endpoints(&cluster))).unwrap();
        assert_eq!(suite::run(case, &engine).await, Ok(()), "{case}");
        assert_eq!(cluster.refused(), vec![], "{case}");
        let insert = cluster.paths(Role::Insert);
        assert!(!insert.is_empty(), "{case}");
        assert!(
            insert
                .iter()
                .all(|p| p.starts_with("/insert/42:7/prometheus/api/v1/")),
            "{case}: {insert:?}"
        );
        let select = cluster.paths(Role::Select);
        assert!(!select.is_empty(), "{case}");
        assert!(
            select
                .iter()
                .all(|p| p.starts_with("/select/42:7/prometheus/api/v1/")),
            "{case}: {select:?}"
        );
    }

    let vm = Vm::start().await;
    let cluster = ClusterStandIn::start(&vm.url, TENANT, 2).await;
    let engine = VictoriaEngine::new(config_for(endpoints(&cluster))).unwrap();
    engine
        .append(Batch::from_series([(
            SeriesKey::new("m", "a"),
            vec![Sample {
                timestamp: T0,
                value: 2.0,
            }],
        )]))
        .await
        .unwrap();
    let got = engine
        .select(
            &Filter::metric("m"),
            TimeRange::new(T0, T0 + 1),
            ReadLimits::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        got[0].samples,
        vec![Sample {
            timestamp: T0,
            value: 2.0
        }]
    );
    assert_eq!(
        cluster.paths(Role::Insert),
        vec!["/insert/42:7/prometheus/api/v1/import".to_owned()]
    );
    assert_eq!(
        cluster.paths(Role::Select),
        vec!["/select/42:7/prometheus/api/v1/export".to_owned()]
    );
    // The flush after the write reaches every storage node: vminsert and vmselect do not serve it.
    for node in 0..2 {
        assert_eq!(
            cluster.paths(Role::Storage(node)),
            vec!["/internal/force_flush".to_owned()],
            "node {node}"
        );
    }
    // A delete goes to vmselect's /delete/<tenant>/ path.
    assert_eq!(engine.delete(&Filter::metric("m")).await.unwrap(), 1);
    assert_eq!(
        cluster.count(
            Role::Select,
            "/delete/42:7/prometheus/api/v1/admin/tsdb/delete_series"
        ),
        1
    );
    assert_eq!(cluster.refused(), vec![]);
}

#[tokio::test]
async fn durability_and_restarts_are_every_storage_nodes() {
    let vm = Vm::start().await;
    let cluster = ClusterStandIn::start(&vm.url, TENANT, 2).await;
    let engine = VictoriaEngine::connect(config_for(endpoints(&cluster)))
        .await
        .unwrap();
    // The flags come from the first storage node.
    assert_eq!(cluster.paths(Role::Storage(0)), vec!["/flags".to_owned()]);
    assert_eq!(cluster.paths(Role::Storage(1)), Vec::<String>::new());

    // A barrier: a snapshot on each node, deleted at once.
    engine.make_durable().await.unwrap();
    for node in 0..2 {
        let seen: Vec<_> = cluster
            .seen()
            .into_iter()
            .filter(|s| s.role == Role::Storage(node) && s.path.starts_with("/snapshot/"))
            .collect();
        assert_eq!(
            seen.iter().map(|s| s.path.as_str()).collect::<Vec<_>>(),
            vec!["/snapshot/create", "/snapshot/delete"],
            "node {node}"
        );
        assert!(
            seen[1].query.starts_with("snapshot="),
            "the snapshot deleted is named: {:?}",
            seen[1]
        );
    }
    // No snapshot is left behind on the single node.
    let listed = reqwest::get(format!("{}/snapshot/list", vm.url))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!listed.contains("\"snapshots\":[\""), "{listed}");

    // A node that cannot snapshot fails the barrier, even the second one.
    cluster.refuse_snapshots(1, true);
    match engine.make_durable().await {
        Err(VictoriaError::Status { status: 503, .. }) => {}
        other => panic!("{other:?}"),
    }
    cluster.refuse_snapshots(1, false);
    engine.make_durable().await.unwrap();

    // The incarnation changes when any node restarts, the second one too.
    let before = engine.incarnation().await.unwrap();
    assert_eq!(engine.incarnation().await.unwrap(), before);
    cluster.restart(1);
    let after = engine.incarnation().await.unwrap();
    assert_ne!(after, before);
    cluster.restart(0);
    assert_ne!(engine.incarnation().await.unwrap(), after);
    assert_eq!(cluster.refused(), vec![]);
}

#[tokio::test]
async fn a_first_storage_node_without_dedup_is_refused() {
    let vm = Vm::start().await;
    let cluster = ClusterStandIn::start(&vm.url, TENANT, 2).await;
    cluster.set_flags(0, Some("-retentionPeriod=\"100y\"\n"));
    match VictoriaEngine::connect(config_for(endpoints(&cluster))).await {
        Err(VictoriaError::Refused(why)) => {
            assert!(why.contains("-dedup.minScrapeInterval=1ms"), "{why}")
        }
        other => panic!("{other:?}"),
    }
    // With the flag, the node's retention is taken.
    cluster.set_flags(
        0,
        Some("-dedup.minScrapeInterval=\"1ms\"\n-retentionPeriod=\"100y\"\n"),
    );
    VictoriaEngine::connect(config_for(endpoints(&cluster)))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_text_error_line_after_valid_lines_fails_the_read() {
    let router = axum::Router::new().fallback(|| async {
        "{\"metric\":{\"__name__\":\"m\"},\"values\":[1],\"timestamps\":[1000]}\n\
         remoteAddr: \"127.0.0.1:1\"; error when exporting data: cannot find tag filter matching less than 300000 time series\n"
    });
    let url = serve(router).await;
    let mut config = config_for(Endpoints::Single { url });
    config.time_shift_ms = 0;
    let engine = VictoriaEngine::new(config).unwrap();
    let got = engine
        .select(
            &Filter::metric("m"),
            TimeRange::new(0, 2000),
            ReadLimits::default(),
        )
        .await;
    match got {
        Err(SeriesError::Corrupt { context, .. }) => {
            assert!(context.contains("not a series"), "{context}")
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn imports_are_tried_again_on_overload_but_not_on_refusal() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    for (first, then, want_ok, want_tries) in [
        (503u16, 204u16, true, 2usize),
        (429, 429, false, 3),
        (400, 204, false, 1),
    ] {
        let tries = Arc::new(AtomicUsize::new(0));
        let counted = tries.clone();
        let router = axum::Router::new().fallback(move || {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            async move {
                let status = if n == 0 { first } else { then };
                Response::builder()
                    .status(status)
                    .body(Body::from("cannot handle the request"))
                    .unwrap()
            }
        });
        let url = serve(router).await;
        let mut config = config_for(Endpoints::Single { url });
        config.flush_after_write = false;
        let engine = VictoriaEngine::new(config).unwrap();
        let got = engine
            .append(Batch::from_series([(
                SeriesKey::new("m", "a"),
                vec![Sample {
                    timestamp: T0,
                    value: 1.0,
                }],
            )]))
            .await;
        assert_eq!(got.is_ok(), want_ok, "{first}/{then}: {got:?}");
        assert_eq!(tries.load(Ordering::SeqCst), want_tries, "{first}/{then}");
        if let Err(e) = got {
            assert!(
                e.to_string().contains(&first.to_string())
                    || e.to_string().contains(&then.to_string()),
                "{e}"
            );
        }
    }
}
