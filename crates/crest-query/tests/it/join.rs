//! `join()` beyond KAT-41: FULL joins, `ON` predicates, interpolation, the data expression's
//! functions, metadata without assignments, and the errors.

use crest_query::QueryError;

use crate::support::{Db, T0, at, close, req};

const S: i64 = T0 - 600;
const E: i64 = T0 + 1200;

/// `a` on hosts h1, h2 (env prod, dev) and `b` on hosts h2, h3, with points at T0 and T0+60.
async fn db() -> Db {
    Db::new()
        .add("a", "h1", &[("env", "prod")], &at(&[(0, 1.0), (60, 2.0)]))
        .add("a", "h2", &[("env", "dev")], &at(&[(0, 10.0), (60, 20.0)]))
        .add(
            "b",
            "h2",
            &[("env", "dev")],
            &at(&[(0, 100.0), (60, 200.0)]),
        )
        .add(
            "b",
            "h3",
            &[("env", "prod")],
            &at(&[(0, 1000.0), (60, 2000.0)]),
        )
        .load()
        .await
}

/// `(host, points)` of each answered series, by host.
async fn by_host(db: &Db, q: &str) -> Vec<(Option<String>, Vec<(i64, f64)>)> {
    let mut got: Vec<_> = db
        .q(q, S, E)
        .await
        .into_iter()
        .map(|s| (s.host, s.data))
        .collect();
    got.sort_by(|a, b| a.0.cmp(&b.0));
    got
}

async fn exec_error(db: &Db, q: &str) -> String {
    match db.ask(&req(q, S, E)).await {
        Err(QueryError::Execution(m)) => m,
        other => panic!("{q}: {other:?}"),
    }
}

#[tokio::test]
async fn full_join_keeps_both_lone_sides() {
    let db = db().await;
    let q = "join(ts(a) AS x FULL OUTER JOIN ts(b) AS y USING(source), \
             source=x.source, source=y.source, {x|0} + {y|0})";
    // The second assignment wins when its side is there; h1 has only x, h3 only y.
    let got = by_host(&db, q).await;
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[0].0.as_deref(), Some("h1"));
    close(&got[0].1, &at(&[(0, 1.0), (60, 2.0)]));
    assert_eq!(got[1].0.as_deref(), Some("h2"));
    close(&got[1].1, &at(&[(0, 110.0), (60, 220.0)]));
    assert_eq!(got[2].0.as_deref(), Some("h3"));
    close(&got[2].1, &at(&[(0, 1000.0), (60, 2000.0)]));
    // FULL without defaults: only the matched row displays.
    let q = "join(ts(a) AS x FULL JOIN ts(b) AS y USING(source), source=x.source, x + y)";
    let got = by_host(&db, q).await;
    assert_eq!(got.len(), 1, "{got:?}");
    close(&got[0].1, &at(&[(0, 110.0), (60, 220.0)]));
}

#[tokio::test]
async fn on_predicates_compare_columns_and_strings() {
    let db = db().await;
    // Cross-match on env: a/h1 (prod) with b/h3 (prod), a/h2 (dev) with b/h2 (dev).
    let q = "join(ts(a) AS x JOIN ts(b) AS y ON x.env = y.env, source=y.source, y - x)";
    let got = by_host(&db, q).await;
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].0.as_deref(), Some("h2"));
    close(&got[0].1, &at(&[(0, 90.0), (60, 180.0)]));
    assert_eq!(got[1].0.as_deref(), Some("h3"));
    close(&got[1].1, &at(&[(0, 999.0), (60, 1998.0)]));
    // AND, NOT, != and quoted strings.
    let q = "join(ts(a) AS x JOIN ts(b) AS y ON x.env = y.env AND NOT x.source != 'h1', \
             source=y.source, y - x)";
    let got = by_host(&db, q).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0.as_deref(), Some("h3"));
    // OR, and the metric column: every pair of a with b.
    let q = "join(ts(a) AS x JOIN ts(b) AS y ON (x.metric = 'a' OR x.env = y.env), \
             source=x.source, tag=y.source, y - x)";
    assert_eq!(db.q(q, S, E).await.len(), 4);
    // A column neither series carries never equals anything, and `!=` is its negation.
    let q = "join(ts(a) AS x JOIN ts(b) AS y ON x.zone = y.zone, source=x.source, x)";
    assert!(db.q(q, S, E).await.is_empty());
    let q =
        "join(ts(a) AS x JOIN ts(b) AS y ON x.zone != y.zone, tag=y.source, source=x.source, x)";
    assert_eq!(db.q(q, S, E).await.len(), 4);
}

#[tokio::test]
async fn using_requires_the_column_on_both_sides() {
    let db = Db::new()
        .add("a", "h1", &[("k", "1")], &at(&[(0, 1.0)]))
        .pts("a", "h2", &at(&[(0, 2.0)]))
        .add("b", "h1", &[("k", "1")], &at(&[(0, 3.0)]))
        .pts("b", "h2", &at(&[(0, 4.0)]))
        .load()
        .await;
    let got = by_host(
        &db,
        "join(ts(a) AS x JOIN ts(b) AS y USING(k), source=x.source, x + y)",
    )
    .await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0.as_deref(), Some("h1"));
    close(&got[0].1, &at(&[(0, 4.0)]));
}

#[tokio::test]
async fn values_are_interpolated_where_timestamps_do_not_line_up() {
    let db = Db::new()
        .pts("a", "h", &at(&[(0, 10.0), (60, 20.0)]))
        .pts("b", "h", &at(&[(30, 5.0), (90, 5.0)]))
        .load()
        .await;
    // At 30, a is 15 (interpolated); at 60, b is 5; at 0 and 90 one side has no value.
    close(
        &db.one(
            "join(ts(a) AS x JOIN ts(b) AS y USING(source), metric='r', x / y)",
            S,
            E,
        )
        .await,
        &at(&[(30, 3.0), (60, 4.0)]),
    );
}

#[tokio::test]
async fn data_expression_functions() {
    let db = db().await;
    let one =
        |data: &str| format!("join(ts(a) AS x JOIN ts(b) AS y USING(source), metric='m', {data})");
    close(
        &db.one(&one("max(x, y, 150)"), S, E).await,
        &at(&[(0, 150.0), (60, 200.0)]),
    );
    close(
        &db.one(&one("min(x, y, 15)"), S, E).await,
        &at(&[(0, 10.0), (60, 15.0)]),
    );
    close(
        &db.one(&one("sum(x, y, 1)"), S, E).await,
        &at(&[(0, 111.0), (60, 221.0)]),
    );
    close(
        &db.one(&one("avg(x, y)"), S, E).await,
        &at(&[(0, 55.0), (60, 110.0)]),
    );
    close(
        &db.one(&one("median(x, y, 0)"), S, E).await,
        &at(&[(0, 10.0), (60, 20.0)]),
    );
    close(
        &db.one(&one("count(x, y)"), S, E).await,
        &at(&[(0, 2.0), (60, 2.0)]),
    );
    // Other functions, methods and negation over the row's series.
    close(
        &db.one(&one("abs(x - y) * 2"), S, E).await,
        &at(&[(0, 180.0), (60, 360.0)]),
    );
    close(
        &db.one(&one("-x + y.gt(150)"), S, E).await,
        &at(&[(60, 180.0)]),
    );
}

#[tokio::test]
async fn without_assignments_a_discriminant_tells_outputs_apart() {
    let db = db().await;
    let got = db
        .q(
            "join(ts(a) AS x JOIN ts(b) AS y ON x.env = y.env, x + y)",
            S,
            E,
        )
        .await;
    assert_eq!(got.len(), 2, "{got:?}");
    let mut discriminants: Vec<&str> = got
        .iter()
        .map(|s| s.tags.get("_discriminant").map(String::as_str).unwrap())
        .collect();
    discriminants.sort_unstable();
    assert_eq!(discriminants, ["0", "1"]);
    // The rest of the identity is the left series'.
    assert!(got.iter().all(|s| s.label == "a"));
}

#[tokio::test]
async fn joins_compose_with_the_rest_of_the_language() {
    let db = db().await;
    // Inside an aggregation, over an alias, and under globalFilter (which reaches the inputs).
    close(
        &db.one(
            "sum(join(ts(a) AS x LEFT JOIN ts(b) AS y USING(source), source=x.source, x * {y|1}))",
            S,
            E,
        )
        .await,
        &at(&[(0, 1001.0), (60, 4002.0)]),
    );
    close(
        &db.one(
            "ts(a, source=h2) as base + join($base AS x JOIN ts(b) AS y USING(source), \
             source=x.source, env=x.env, y)",
            S,
            E,
        )
        .await,
        &at(&[(0, 110.0), (60, 220.0)]),
    );
    close(
        &db.one(
            "globalFilter(join(ts(a) AS x LEFT JOIN ts(b) AS y USING(source), \
             source=x.source, x), source=h1)",
            S,
            E,
        )
        .await,
        &at(&[(0, 1.0), (60, 2.0)]),
    );
}

#[tokio::test]
async fn errors_name_the_problem() {
    let db = db().await;
    assert_eq!(
        exec_error(
            &db,
            "join(ts(a) AS x JOIN ts(b) AS y USING(source), source=z.source, x)"
        )
        .await,
        "join(): unknown alias z in the output source= (the inputs are x and y)"
    );
    assert_eq!(
        exec_error(&db, "join(ts(a) AS x JOIN ts(b) AS y ON x.env = z.env, x)").await,
        "join(): unknown alias z in ON (the inputs are x and y)"
    );
    assert_eq!(
        exec_error(&db, "join(ts(a) AS x JOIN ts(b) AS y USING(source), x / w)").await,
        "join(): unknown alias w in the data expression (the inputs are x and y)"
    );
    assert_eq!(
        exec_error(&db, "join(ts(a) AS x JOIN ts(b) AS x USING(source), x)").await,
        "join(): both inputs are named x; give them different aliases"
    );
    let hist = Db::new()
        .hist("h", "s", crest_series::Granularity::Minute, T0, &[(1.0, 1)])
        .pts("b", "s", &at(&[(0, 1.0)]))
        .load()
        .await;
    let m = exec_error(&hist, "join(hs(h.m) AS x JOIN ts(b) AS y USING(source), x)").await;
    assert!(
        m.starts_with("join(): expected time series, got histograms"),
        "{m}"
    );
    assert_eq!(
        exec_error(
            &db,
            "join(ts(a) AS x JOIN ts(b) AS y USING(source), max(x, ts(a)))"
        )
        .await,
        "join(): max() in the data expression: argument 2 gives 2 series, expected one"
    );
}

#[tokio::test]
async fn a_join_forms_a_bounded_number_of_rows() {
    let mut db = Db::new();
    for i in 0..320 {
        let host = format!("h{i}");
        db = db.pts("a", &host, &at(&[(0, 1.0)]));
        db = db.pts("b", &host, &at(&[(0, 1.0)]));
    }
    let db = db.load().await;
    // Every pair: 320 × 320 = 102,400 rows.
    match db
        .ask(&req(
            "join(ts(a) AS x JOIN ts(b) AS y ON x.metric = 'a', x + y)",
            S,
            E,
        ))
        .await
    {
        Err(QueryError::Limit(m)) => {
            assert!(m.contains("join() forms more than 100000 rows"), "{m}")
        }
        other => panic!("{other:?}"),
    }
    // Matching on the source: 320 rows.
    assert_eq!(
        db.q(
            "join(ts(a) AS x JOIN ts(b) AS y USING(source), source=x.source, x + y)",
            S,
            E
        )
        .await
        .len(),
        320
    );
}

#[tokio::test]
async fn an_alias_inside_the_data_expression_is_the_row_s() {
    let db = Db::new()
        .pts("a", "h1", &at(&[(0, 1.0)]))
        .pts("a", "h2", &at(&[(0, 5.0)]))
        .pts("b", "h1", &at(&[(0, 0.0)]))
        .pts("b", "h2", &at(&[(0, 0.0)]))
        .load()
        .await;
    let got = by_host(
        &db,
        "join(ts(a) AS x JOIN ts(b) AS y USING(source), source=x.source, $d + (x as d) + y)",
    )
    .await;
    assert_eq!(got.len(), 2, "{got:?}");
    close(&got[0].1, &at(&[(0, 2.0)]));
    close(&got[1].1, &at(&[(0, 10.0)]));
}
