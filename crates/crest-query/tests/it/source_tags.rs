//! Source tags beyond `tag=` in `ts()`: `tag?=` (wql.md §1.3: "everything that has mytagvalue or
//! doesn't have myTagKey", read for source tags as "carries the tag, or carries none"), and `tag=`
//! in `retainSeries`/`removeSeries`/`filter` (wql.md §2.10.3).

use crate::support::{Db, T0};

const S: i64 = T0 - 600;
const E: i64 = T0 + 600;

/// p1 and pd carry prod, d1 carries db only, h1 carries highPriority, u1 carries no tag.
async fn db() -> Db {
    Db::new()
        .pts("cpu", "p1", &[(T0, 1.0)])
        .pts("cpu", "d1", &[(T0, 2.0)])
        .pts("cpu", "h1", &[(T0, 4.0)])
        .pts("cpu", "pd", &[(T0, 8.0)])
        .pts("cpu", "u1", &[(T0, 16.0)])
        .pts("mem", "u1", &[(T0, 32.0)])
        .tag("prod", &["p1", "pd"])
        .tag("db", &["d1", "pd"])
        .tag("highPriority", &["h1"])
        .load()
        .await
}

async fn hosts(db: &Db, q: &str) -> Vec<String> {
    db.q(q, S, E)
        .await
        .into_iter()
        .map(|s| s.host.unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn maybe_tag_is_the_tag_or_no_tag_at_all() {
    let db = db().await;
    assert_eq!(hosts(&db, "ts(cpu, tag?=prod)").await, ["p1", "pd", "u1"]);
    assert_eq!(hosts(&db, "ts(cpu, tag?=db)").await, ["d1", "pd", "u1"]);
    // globs, as tag= takes them
    assert_eq!(hosts(&db, "ts(cpu, tag?=high*)").await, ["h1", "u1"]);
    // a tag no source carries: only the untagged sources
    assert_eq!(hosts(&db, "ts(cpu, tag?=nosuchtag)").await, ["u1"]);
    // negated: tagged, and not with prod
    assert_eq!(hosts(&db, "ts(cpu, not tag?=prod)").await, ["d1", "h1"]);
    // in a boolean filter with other terms
    assert_eq!(
        hosts(&db, "ts(cpu, tag?=prod and source=p*)").await,
        ["p1", "pd"]
    );
    // the tag a series was selected by is its source tag for sourceTags grouping
    let got = db.q("sum(ts(cpu, tag?=prod), sourceTags)", S, E).await;
    let groups: Vec<(Option<String>, f64)> = got
        .iter()
        .map(|s| (s.tags.get("tag").cloned(), s.data[0].1))
        .collect();
    assert!(
        groups.contains(&(Some("prod".to_owned()), 9.0)),
        "{groups:?}"
    );
}

#[tokio::test]
async fn tag_filters_in_retain_and_remove_series() {
    let db = db().await;
    assert_eq!(
        hosts(&db, "retainSeries(ts(cpu), tag=prod)").await,
        ["p1", "pd"]
    );
    assert_eq!(
        hosts(&db, "removeSeries(ts(cpu), tag=prod)").await,
        ["d1", "h1", "u1"]
    );
    assert_eq!(hosts(&db, "filter(ts(cpu), tag=db)").await, ["d1", "pd"]);
    // with other conditions, all of which must hold
    assert_eq!(
        hosts(&db, "retainSeries(ts(cpu), tag=prod, source=p1)").await,
        ["p1"]
    );
    assert_eq!(
        hosts(&db, "retainSeries(ts(cpu), tag=prod, tag=db)").await,
        ["pd"]
    );
    // globs; case as written
    assert_eq!(hosts(&db, "retainSeries(ts(cpu), tag=high*)").await, ["h1"]);
    assert_eq!(
        hosts(&db, "RETAINSERIES(ts(cpu), tag=nosuchtag)").await,
        Vec::<String>::new()
    );
    // after an operation keeping sources, the filter still reads the source's tags
    assert_eq!(
        hosts(&db, "retainSeries(ts(cpu) * 2, tag=prod)").await,
        ["p1", "pd"]
    );
    // nested inside another call
    assert_eq!(
        hosts(&db, "sum(removeSeries(ts(mem), tag=prod), sources)").await,
        ["u1"]
    );
    // an aggregate has no source: it carries no source tag
    assert!(
        db.q("retainSeries(sum(ts(cpu)), tag=prod)", S, E)
            .await
            .is_empty()
    );
    assert_eq!(
        db.q("removeSeries(sum(ts(cpu)), tag=prod)", S, E)
            .await
            .len(),
        1
    );
}
