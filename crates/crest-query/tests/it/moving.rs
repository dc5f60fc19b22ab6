//! `mcorr`, `integrate` and `flapping` (wql.md §2.10.5): moving correlation, moving area, counter
//! resets in the window. wql.md §5 has no known-answer case for them; the values below follow the
//! decisions written in `functions/mcorr.rs` and `functions/window.rs`.

use crest_query::QueryError;

use crate::support::{Db, T0, at, close, req};

/// The values of the series of `q` at `t` (one-second buckets), in answer order.
async fn values_at(db: &Db, q: &str, t: i64) -> Vec<f64> {
    db.q(q, t, t + 1)
        .await
        .into_iter()
        .filter_map(|s| s.data.first().map(|p| p.1))
        .collect()
}

async fn error(db: &Db, q: &str) -> String {
    match db.ask(&req(q, T0, T0 + 600)).await {
        Err(QueryError::Execution(m)) => m,
        other => panic!("{q}: {other:?}"),
    }
}

#[tokio::test]
async fn mcorr_of_matched_series() {
    let db = Db::new()
        .pts(
            "x",
            "a",
            &at(&[(0, 1.0), (60, 2.0), (120, 3.0), (180, 4.0)]),
        )
        .pts(
            "y",
            "a",
            &at(&[(0, 1.0), (60, 3.0), (120, 2.0), (180, 4.0)]),
        )
        .pts(
            "x",
            "b",
            &at(&[(0, 1.0), (60, 2.0), (120, 3.0), (180, 4.0)]),
        )
        .pts(
            "y",
            "b",
            &at(&[(0, 8.0), (60, 6.0), (120, 4.0), (180, 2.0)]),
        )
        .pts(
            "y",
            "c",
            &at(&[(0, 1.0), (60, 2.0), (120, 3.0), (180, 4.0)]),
        )
        .load()
        .await;
    // a: x and y agree but for one swap (0.8); b: y falls as x rises; c has no x
    let got = db.q("mcorr(10m, ts(x), ts(y))", T0 + 180, T0 + 181).await;
    let by_source: Vec<(String, f64)> = got
        .iter()
        .map(|s| (s.host.clone().unwrap_or_default(), s.data[0].1))
        .collect();
    assert_eq!(by_source.len(), 2, "{got:?}");
    assert_eq!(by_source[0].0, "a");
    assert!((by_source[0].1 - 0.8).abs() < 1e-12, "{by_source:?}");
    assert_eq!(by_source[1].0, "b");
    assert!((by_source[1].1 + 1.0).abs() < 1e-12, "{by_source:?}");
    // the window (T0, T0+180] holds 3 pairs of a: x 2,3,4 and y 3,2,4 → 0.5
    let a = values_at(&db, "mcorr(3m, ts(x, source=a), ts(y, source=a))", T0 + 180).await;
    assert_eq!(a.len(), 1);
    assert!((a[0] - 0.5).abs() < 1e-12, "{a:?}");
    // one pair is not enough; nothing reported in the window, no value
    assert!(
        values_at(&db, "mcorr(1m, ts(x), ts(y))", T0 + 180)
            .await
            .is_empty()
    );
    assert!(
        values_at(&db, "mcorr(1m, ts(x), ts(y))", T0 + 400)
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn mcorr_broadcasts_a_single_series_unless_inner() {
    let db = Db::new()
        .pts("x", "a", &at(&[(0, 1.0), (60, 2.0), (120, 3.0)]))
        .pts("y", "a", &at(&[(0, 1.0), (60, 2.0), (120, 3.0)]))
        .pts("y", "b", &at(&[(0, 3.0), (60, 2.0), (120, 1.0)]))
        .load()
        .await;
    assert_eq!(
        values_at(&db, "mcorr(10m, ts(x), ts(y))", T0 + 120).await,
        vec![1.0, -1.0]
    );
    assert_eq!(
        values_at(&db, "mcorr(10m, ts(x), ts(y), inner)", T0 + 120).await,
        vec![1.0]
    );
    // no common key at all: NO DATA
    let db2 = Db::new()
        .pts("x", "a", &at(&[(0, 1.0), (60, 2.0)]))
        .pts("x", "b", &at(&[(0, 1.0), (60, 2.0)]))
        .pts("y", "c", &at(&[(0, 1.0), (60, 2.0)]))
        .pts("y", "d", &at(&[(0, 1.0), (60, 2.0)]))
        .load()
        .await;
    assert!(
        db2.q("mcorr(10m, ts(x), ts(y))", T0, T0 + 600)
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn mcorr_interpolates_and_refuses_bad_calls() {
    // y reports between x's points: pairs at the union of timestamps, interpolated
    let db = Db::new()
        .pts("x", "a", &at(&[(0, 0.0), (60, 6.0), (120, 12.0)]))
        .pts("y", "a", &at(&[(30, 3.0), (90, 9.0), (120, 12.0)]))
        .load()
        .await;
    // x and y both read t/10 wherever both have a value: a perfect line
    assert_eq!(
        values_at(&db, "mcorr(10m, ts(x), ts(y))", T0 + 120).await,
        vec![1.0]
    );
    // a constant side has no variance: no value
    assert!(
        values_at(&db, "mcorr(10m, ts(x), 5)", T0 + 120)
            .await
            .is_empty()
    );
    assert_eq!(
        error(&db, "mcorr(10m, ts(x), ts(y), strict)").await,
        "mcorr(): argument 4 can only be inner"
    );
    assert_eq!(
        error(&db, "mcorr(10m, ts(x))").await,
        "mcorr(): expected 3 to 4 arguments, got 2"
    );
    assert_eq!(
        error(&db, "mcorr(10m, 1, 2)").await,
        "mcorr() of two continuous series is not supported yet"
    );
}

#[tokio::test]
async fn integrate_sums_the_window_like_integral() {
    let db = Db::new()
        .pts(
            "m",
            "a",
            &at(&[(0, 1.0), (60, 2.0), (120, 3.0), (180, 4.0)]),
        )
        .load()
        .await;
    for (t, w, want) in [
        (180, "10m", Some(10.0)),
        (180, "2m", Some(7.0)),
        // (T0+60, T0+179] holds 2 and 3
        (179, "2m", Some(5.0)),
        (0, "1m", Some(1.0)),
        // the window holds no point
        (300, "1m", None),
    ] {
        let q = format!("integrate({w}, ts(m))");
        assert_eq!(
            values_at(&db, &q, T0 + t).await.first().copied(),
            want,
            "{q} at T0+{t}"
        );
    }
    // over the whole chart, integrate with a window of the chart agrees with integral at its end
    let s = T0;
    let e = T0 + 181;
    let integral = db.one("integral(ts(m))", s, e).await;
    let last = integral.last().copied();
    let integrate = db.one("integrate(1vw, ts(m))", s, e).await;
    assert_eq!(last.map(|p| p.1), Some(10.0));
    assert_eq!(
        integrate.iter().find(|p| p.0 == T0 + 180).map(|p| p.1),
        Some(10.0)
    );
}

#[tokio::test]
async fn flapping_counts_falls_followed_by_climbs() {
    // a counter: climbs, resets (falls twice), climbs, flat, resets, climbs
    let db = Db::new()
        .pts(
            "c",
            "a",
            &at(&[
                (0, 10.0),
                (60, 20.0),
                (120, 5.0),
                (180, 2.0),
                (240, 8.0),
                (300, 8.0),
                (360, 1.0),
                (420, 4.0),
                (480, 6.0),
            ]),
        )
        .load()
        .await;
    for (t, w, want) in [
        (480, "10m", Some(2.0)),
        // before the first climb after the falls: no reset yet
        (180, "10m", Some(0.0)),
        (240, "10m", Some(1.0)),
        // (T0+120, T0+420]: the fall 5→2 at 180, the climb at 240, the fall at 360, the climb
        // at 420
        (420, "5m", Some(2.0)),
        // (T0+180, T0+480]: the climb at 240 follows a fall at 180, outside the window
        (480, "5m", Some(1.0)),
        // (T0+300, T0+480]: the fall 8→1 at 360, then the climb at 420
        (480, "3m", Some(1.0)),
        // (T0+420, T0+480]: a climb whose fall is outside
        (480, "1m", Some(0.0)),
        // nothing in the window
        (700, "1m", None),
    ] {
        let q = format!("flapping({w}, ts(c))");
        assert_eq!(
            values_at(&db, &q, T0 + t).await.first().copied(),
            want,
            "{q} at T0+{t}"
        );
    }
    assert_eq!(
        error(&db, "flapping(10m, 3)").await,
        "flapping() of a continuous series is not supported yet"
    );
    // the planner reads the window first
    assert_eq!(
        error(&db, "integrate(ts(c))").await,
        "integrate(): expected a time window of whole seconds up to ten years (such as 5m or 1h), got an expression"
    );
    assert_eq!(
        error(&db, "integrate(5m, ts(c), ts(c))").await,
        "integrate(): expected 2 arguments, got 3"
    );
}

#[tokio::test]
async fn integrate_and_flapping_give_continuous_output() {
    let db = Db::new()
        .pts("c", "a", &at(&[(0, 3.0), (60, 1.0), (120, 2.0)]))
        .load()
        .await;
    // a value every second while the window holds a point
    let got = db.one("flapping(1m, ts(c))", T0 + 100, T0 + 140).await;
    assert_eq!(got.len(), 40);
    close(&got[..1], &[(T0 + 100, 0.0)]);
    close(&got[20..21], &[(T0 + 120, 0.0)]);
    let got = db.one("flapping(2m, ts(c))", T0 + 120, T0 + 121).await;
    close(&got, &[(T0 + 120, 1.0)]);
    let got = db.one("integrate(1m, ts(c))", T0 + 100, T0 + 140).await;
    assert_eq!(got.len(), 40);
    close(&got[..1], &[(T0 + 100, 1.0)]);
    close(&got[39..], &[(T0 + 139, 2.0)]);
}
