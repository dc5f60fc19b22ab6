//! The string functions (wql.md §2.10.11) beyond KAT-38: the fields they read, the tag they add,
//! series without the string, nesting, and the errors.

use std::collections::BTreeMap;

use crest_query::QueryError;

use crate::support::{Db, T0, req};

const S: i64 = T0 - 600;
const E: i64 = T0 + 1200;

async fn db() -> Db {
    Db::new()
        .add(
            "cpu.User",
            "Web-1",
            &[("service", "dataingester"), ("env", "us-west-1")],
            &[(T0, 3.0), (T0 + 60, 4.0)],
        )
        .add("cpu.User", "web-2", &[("env", "prod")], &[(T0, 5.0)])
        .load()
        .await
}

/// Each series' source and the value of tag `key`.
async fn tagged(db: &Db, q: &str, key: &str) -> Vec<(Option<String>, Option<String>)> {
    db.q(q, S, E)
        .await
        .into_iter()
        .map(|s| (s.host, s.tags.get(key).cloned()))
        .collect()
}

async fn error(db: &Db, q: &str) -> String {
    match db.ask(&req(q, S, E)).await {
        Err(QueryError::Execution(m)) => m,
        other => panic!("{q}: {other:?}"),
    }
}

fn pair(source: &str, value: Option<&str>) -> (Option<String>, Option<String>) {
    (Some(source.to_owned()), value.map(str::to_owned))
}

#[tokio::test]
async fn the_first_argument_picks_metric_source_or_a_tag() {
    let db = db().await;
    assert_eq!(
        tagged(&db, "length(metric, ts(cpu.User))", "length").await,
        vec![pair("Web-1", Some("8")), pair("web-2", Some("8"))]
    );
    assert_eq!(
        tagged(&db, "toLowerCase(source, ts(cpu.User))", "toLowerCase").await,
        vec![pair("Web-1", Some("web-1")), pair("web-2", Some("web-2"))]
    );
    // a series without the tag passes through without the result
    assert_eq!(
        tagged(&db, "length(service, ts(cpu.User))", "length").await,
        vec![pair("Web-1", Some("12")), pair("web-2", None)]
    );
    // a quoted tag key works too
    assert_eq!(
        tagged(&db, "endsWith(\"env\", \"-1\", ts(cpu.User))", "endsWith").await,
        vec![pair("Web-1", Some("true")), pair("web-2", Some("false"))]
    );
}

#[tokio::test]
async fn points_metric_and_source_are_unchanged() {
    let db = db().await;
    let plain = db.q("ts(cpu.User)", S, E).await;
    let upper = db.q("toUpperCase(metric, ts(cpu.User))", S, E).await;
    assert_eq!(plain.len(), upper.len());
    for (p, u) in plain.iter().zip(&upper) {
        assert_eq!(p.label, u.label);
        assert_eq!(p.host, u.host);
        assert_eq!(p.data, u.data);
        let mut tags = p.tags.clone();
        tags.insert("toUpperCase".to_owned(), "CPU.USER".to_owned());
        assert_eq!(u.tags, tags);
    }
}

#[tokio::test]
async fn the_key_is_the_documented_name_whatever_the_spelling_and_calls_nest() {
    let db = db().await;
    let got = db
        .q(
            "LENGTH(service, TOUPPERCASE(service, ts(cpu.User, service=dataingester)))",
            S,
            E,
        )
        .await;
    assert_eq!(got.len(), 1);
    let want: BTreeMap<String, String> = [
        ("env", "us-west-1"),
        ("service", "dataingester"),
        ("length", "12"),
        ("toUpperCase", "DATAINGESTER"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    assert_eq!(got[0].tags, want);
    // a later function reads the tag an earlier one added
    assert_eq!(
        tagged(
            &db,
            "equals(toUpperCase, \"DATAINGESTER\", toUpperCase(service, ts(cpu.User, service=dataingester)))",
            "equals"
        )
        .await,
        vec![pair("Web-1", Some("true"))]
    );
}

#[tokio::test]
async fn an_aggregate_without_a_source_gets_no_source_result() {
    let db = db().await;
    let got = db.q("length(source, sum(ts(cpu.User)))", S, E).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].tags.get("length"), None);
    let got = db.q("length(metric, sum(ts(cpu.User)))", S, E).await;
    assert_eq!(got[0].tags.get("length").map(String::as_str), Some("8"));
}

#[tokio::test]
async fn predicates_and_transforms() {
    let db = db().await;
    let one = |q: String, key: &'static str| {
        let db = &db;
        async move {
            let got = tagged(db, &q, key).await;
            assert_eq!(got.len(), 1, "{q}");
            got.into_iter().next().unwrap().1.unwrap()
        }
    };
    let on =
        |f: &str, args: &str| format!("{f}(service, {args}ts(cpu.User, service=dataingester))");
    assert_eq!(
        one(on("equals", "\"dataingester\", "), "equals").await,
        "true"
    );
    assert_eq!(
        one(on("equals", "\"DataIngester\", "), "equals").await,
        "false"
    );
    assert_eq!(
        one(
            on("equalsIgnoreCase", "\"DataIngester\", "),
            "equalsIgnoreCase"
        )
        .await,
        "true"
    );
    assert_eq!(
        one(on("equalsIgnoreCase", "\"data\", "), "equalsIgnoreCase").await,
        "false"
    );
    // matches is a whole-string match
    assert_eq!(one(on("matches", "\"data\", "), "matches").await, "false");
    assert_eq!(one(on("matches", "\"d.*r\", "), "matches").await, "true");
    assert_eq!(
        one(on("matches", "\"a|dataingester\", "), "matches").await,
        "true"
    );
    assert_eq!(one(on("endsWith", "\"ester\", "), "endsWith").await, "true");
    assert_eq!(one(on("indexOf", "\"zz\", "), "indexOf").await, "-1");
    assert_eq!(
        one(on("lastIndexOf", "\"zz\", "), "lastIndexOf").await,
        "-1"
    );
    assert_eq!(one(on("indexOf", "\"e\", "), "indexOf").await, "7");
    assert_eq!(one(on("substring", "4, "), "substring").await, "ingester");
    assert_eq!(one(on("substring", "12, "), "substring").await, "");
    assert_eq!(one(on("substring", "3, 3, "), "substring").await, "");
    assert_eq!(one(on("charAt", "11, "), "charAt").await, "r");
    assert_eq!(one(on("repeat", "0, "), "repeat").await, "");
    assert_eq!(one(on("isEmpty", ""), "isEmpty").await, "false");
    assert_eq!(one(on("isBlank", ""), "isBlank").await, "false");
    assert_eq!(
        one(on("toLowerCase", ""), "toLowerCase").await,
        "dataingester"
    );
}

#[tokio::test]
async fn blanks_and_spaces() {
    let db = db().await;
    let on = |f: &str, value: &str| {
        format!("{f}(pad, taggify(ts(cpu.User, source=web-2), pad, \"{value}\"))")
    };
    let cases: [(&str, &str, &str, &str); 12] = [
        ("isEmpty", "", "isEmpty", "true"),
        ("isEmpty", " ", "isEmpty", "false"),
        ("isBlank", "", "isBlank", "true"),
        ("isBlank", " ", "isBlank", "true"),
        ("isBlank", "  \t ", "isBlank", "true"),
        ("isBlank", " a ", "isBlank", "false"),
        ("trim", "  a b  ", "trim", " a b "),
        ("strip", "  a b \t", "strip", "a b"),
        ("stripLeading", "  a b  ", "stripLeading", "a b  "),
        ("stripTrailing", "  a b  ", "stripTrailing", "  a b"),
        ("length", "  a b  ", "length", "7"),
        ("length", "héllo", "length", "5"),
    ];
    for (f, value, key, want) in cases {
        let q = on(f, value);
        assert_eq!(
            tagged(&db, &q, key).await,
            vec![pair("web-2", Some(want))],
            "{q}"
        );
    }
}

#[tokio::test]
async fn histograms_get_the_tag_too() {
    use crest_series::Granularity::Minute;
    let db = Db::new()
        .hist("lat", "a", Minute, T0, &[(1.0, 1), (3.0, 1)])
        .load()
        .await;
    let got = db.q("length(metric, hs(lat.m))", S, E).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].tags.get("length").map(String::as_str), Some("5"));
}

#[tokio::test]
async fn bad_arguments_are_named_errors() {
    let db = db().await;
    let cases = [
        (
            "charAt(service, 12, ts(cpu.User))",
            "charAt(): index 12 is out of range for the service tag value \"dataingester\" (length 12)",
        ),
        (
            "substring(source, 2, 9, ts(cpu.User))",
            "substring(): [2, 9) is out of range for the source value \"Web-1\" (length 5)",
        ),
        (
            "substring(source, 6, ts(cpu.User))",
            "substring(): start 6 is out of range for the source value \"Web-1\" (length 5)",
        ),
        (
            "substring(source, 3, 2, ts(cpu.User))",
            "substring(): the end 2 is before the start 3",
        ),
        (
            "charAt(source, -1, ts(cpu.User))",
            "charAt(): argument 2 must be a whole number from 0 to 1000000000, not -1",
        ),
        (
            "repeat(source, 1.5, ts(cpu.User))",
            "repeat(): argument 2 must be a whole number from 0 to 1000000000, not 1.5",
        ),
        (
            "repeat(source, 100000, ts(cpu.User))",
            "repeat(): repeating \"Web-1\" 100000 times makes more than 65536 bytes",
        ),
        (
            "indexOf(source, ta, ts(cpu.User))",
            "indexOf(): argument 2 must be a quoted string, not ta",
        ),
        (
            "length(ts(cpu.User))",
            "length(): expected 2 arguments, got 1",
        ),
        (
            "contains(source, ts(cpu.User))",
            "contains(): expected 3 arguments, got 2",
        ),
        (
            "length(ts(cpu.User), ts(cpu.User))",
            "length(): argument 1 must be metric, source or a point tag key, not an expression",
        ),
        (
            "length(source, env)",
            "length(): argument 2 must be an expression, not env",
        ),
    ];
    for (q, want) in cases {
        assert_eq!(error(&db, q).await, want, "{q}");
    }
    let m = error(&db, "matches(source, \"(\", ts(cpu.User))").await;
    assert!(
        m.starts_with("matches(): invalid regular expression \"(\""),
        "{m}"
    );
}
