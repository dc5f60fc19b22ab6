//! The cluster's URL layout, against a stand-in for vminsert and vmselect that forwards
//! `/insert/<tenant>/prometheus/…` and `/select/<tenant>/prometheus/…` to a single node (Debian
//! packages no cluster); and a stand-in that appends VictoriaMetrics' text error line to a 200.

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use crest_series::suite::{self, T0};
use crest_series::{
    Batch, Filter, ReadLimits, Sample, SeriesError, SeriesKey, SeriesReader as _,
    SeriesWriter as _, TimeRange,
};
use crest_victoria::{Endpoints, VictoriaEngine};

use crate::support::{Vm, config_for};

#[derive(Clone)]
struct StandIn {
    target: String,
    tenant: String,
    seen: Arc<Mutex<Vec<String>>>,
}

async fn forward(State(s): State<StandIn>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    s.seen.lock().unwrap().push(path.clone());
    let rest = [
        format!("/insert/{}/prometheus", s.tenant),
        format!("/select/{}/prometheus", s.tenant),
    ]
    .into_iter()
    .find_map(|p| path.strip_prefix(&p).map(str::to_owned));
    let Some(rest) = rest else {
        return Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(Body::from(format!("unsupported path {path}")))
            .unwrap();
    };
    let query = request
        .uri()
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let method = request.method().clone();
    let content_type = request.headers().get("content-type").cloned();
    let body = axum::body::to_bytes(request.into_body(), 64 << 20)
        .await
        .unwrap();
    let mut forwarded = reqwest::Client::new().request(
        reqwest::Method::from_bytes(method.as_str().as_bytes()).unwrap(),
        format!("{}{rest}{query}", s.target),
    );
    if let Some(ct) = content_type {
        forwarded = forwarded.header("content-type", ct.to_str().unwrap());
    }
    let answer = forwarded.body(body.to_vec()).send().await.unwrap();
    let status = answer.status().as_u16();
    let bytes = answer.bytes().await.unwrap();
    Response::builder()
        .status(status)
        .body(Body::from(bytes))
        .unwrap()
}

async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_is_spoken_to_through_its_tenant_paths() {
    let vm = Vm::start().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let stand_in = StandIn {
        target: vm.url.clone(),
        tenant: "42:7".to_owned(),
        seen: seen.clone(),
    };
    let url = serve(axum::Router::new().fallback(forward).with_state(stand_in)).await;
    let endpoints = Endpoints::Cluster {
        insert_url: url.clone(),
        select_url: format!("{url}/"),
        tenant: "42:7".to_owned(),
        // vmstorage's force_flush is the single node's own here.
        storage: vec![vm.url.clone()],
    };
    let engine = VictoriaEngine::new(config_for(endpoints)).unwrap();
    for case in [
        "filters_select_exactly_what_matches_says",
        "the_catalog_lists_series_and_metrics",
    ] {
        let fresh = Vm::start().await;
        let seen_here = Arc::new(Mutex::new(Vec::new()));
        let url = serve(axum::Router::new().fallback(forward).with_state(StandIn {
            target: fresh.url.clone(),
            tenant: "42:7".to_owned(),
            seen: seen_here.clone(),
        }))
        .await;
        let engine = VictoriaEngine::new(config_for(Endpoints::Cluster {
            insert_url: url.clone(),
            select_url: url,
            tenant: "42:7".to_owned(),
            storage: vec![fresh.url.clone()],
        }))
        .unwrap();
        assert_eq!(suite::run(case, &engine).await, Ok(()), "{case}");
        let paths = seen_here.lock().unwrap().clone();
        assert!(
            paths
                .iter()
                .all(|p| p.starts_with("/insert/42:7/prometheus/")
                    || p.starts_with("/select/42:7/prometheus/")),
            "{paths:?}"
        );
    }
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
    let paths = seen.lock().unwrap().clone();
    assert_eq!(
        paths,
        vec![
            "/insert/42:7/prometheus/api/v1/import".to_owned(),
            "/select/42:7/prometheus/api/v1/export".to_owned()
        ]
    );
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
