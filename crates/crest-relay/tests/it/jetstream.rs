//! JetStreamLog against the NATS server with JetStream on 127.0.0.1:4222 (or `CREST_NATS_URL`):
//! each test has a deployment of its own (a random suffix) and deletes its stream when it ends,
//! also when it fails.

use std::collections::BTreeSet;
use std::time::Duration;

use crest_relay::jetstream::{ConnectError, JetStreamConfig, JetStreamLog};
use crest_relay::suite;
use crest_relay::{Entry, IngestLog, LogError, Position, codec};
use crest_series::{Batch, Centroid, Distribution, Granularity, HistogramPoint, Sample, SeriesKey};

/// Long enough for anything present to arrive; `next` answers as soon as the first entry is there.
const PRESENT: Duration = Duration::from_secs(5);
/// How long to wait before concluding nothing is coming.
const ABSENT: Duration = Duration::from_millis(300);

fn nats_url() -> String {
    std::env::var("CREST_NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".to_string())
}

/// A deployment name no other test run uses.
fn deployment(test: &str) -> String {
    let suffix = getrandom::u64().expect("random suffix");
    format!("test-{test}-{suffix:016x}")
}

/// Deletes a deployment's streams (the log's and the shipment records') when dropped (on success
/// and on a failed assertion alike).
struct StreamGuard {
    url: String,
    streams: [String; 2],
}

impl StreamGuard {
    fn new(config: &JetStreamConfig) -> Self {
        Self {
            url: config.url.clone(),
            streams: [config.stream_name(), config.records_stream_name()],
        }
    }
}

impl Drop for StreamGuard {
    fn drop(&mut self) {
        let url = self.url.clone();
        let streams = self.streams.clone();
        // A runtime of its own on a thread of its own: drop may run inside the test's runtime.
        let deleted = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime.block_on(async {
                let client = async_nats::connect(&url).await.map_err(|e| e.to_string())?;
                let js = async_nats::jetstream::new(client);
                for stream in &streams {
                    match js.delete_stream(stream).await {
                        Ok(_) => {}
                        // Never created (the test failed before connecting).
                        Err(e) if e.to_string().contains("not found") => {}
                        Err(e) => return Err(format!("{stream}: {e}")),
                    }
                }
                Ok(())
            })
        })
        .join();
        if let Ok(Err(e)) = deleted {
            eprintln!("could not delete a test stream: {e}");
        }
    }
}

/// The deployment's config, with a guard that deletes its stream.
fn setup(test: &str) -> (JetStreamConfig, StreamGuard) {
    let config = JetStreamConfig::new(nats_url(), deployment(test));
    let guard = StreamGuard::new(&config);
    (config, guard)
}

async fn open(config: &JetStreamConfig) -> JetStreamLog {
    JetStreamLog::connect(config).await.unwrap_or_else(|e| {
        panic!(
            "cannot open the JetStream log at {} (a nats-server with JetStream, `-js`, must run there): {e}",
            config.url
        )
    })
}

fn batch(n: i64) -> Batch {
    let mut batch = Batch::default();
    batch.push_series(
        &SeriesKey::new("cpu.usage", format!("host-{n}")).with_tag("dc", "eu"),
        [
            Sample {
                timestamp: n * 1000,
                value: n as f64 * 0.5,
            },
            Sample {
                timestamp: n * 1000 + 1,
                value: -1.25,
            },
        ],
    );
    batch.histograms.push(HistogramPoint {
        key: SeriesKey::new("latency", format!("host-{n}")),
        granularity: Granularity::Minute,
        distribution: Distribution {
            timestamp: n * 60_000,
            centroids: vec![Centroid {
                mean: 12.5,
                count: 3,
            }],
        },
        merge: true,
    });
    batch
}

/// Calls `next` until `want` entries came (at most `max` a call) or a call waited `ABSENT` for
/// nothing.
async fn take(log: &JetStreamLog, want: usize, max: usize) -> Vec<Entry> {
    let mut entries = Vec::new();
    while entries.len() < want {
        let got = log.next(max, PRESENT).await.expect("next");
        if got.is_empty() {
            break;
        }
        entries.extend(got);
    }
    entries
}

/// Appends `batch(n)` for each `n` in order; their positions.
async fn append_batches(log: &JetStreamLog, ns: impl IntoIterator<Item = i64>) -> Vec<Position> {
    let mut appended = Vec::new();
    for n in ns {
        appended.push(log.append(&batch(n)).await.unwrap());
    }
    appended
}

/// What `log` hands out first within 10 s (asking 250 ms at a time): for entries that come back
/// only after an ack wait.
async fn first_to_come(log: &JetStreamLog) -> Vec<Entry> {
    for _ in 0..40 {
        let got = log.next(1, Duration::from_millis(250)).await.unwrap();
        if !got.is_empty() {
            return got;
        }
    }
    Vec::new()
}

fn positions(entries: &[Entry]) -> Vec<Position> {
    entries.iter().map(|e| e.position).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_jetstream_log_passes_the_shared_suite() {
    for case in suite::cases() {
        // A deployment of its own for each case: each starts from an empty log.
        let (config, _guard) = setup("suite");
        let log = open(&config).await;
        assert_eq!(suite::run(case, &log).await, Ok(()), "{case}");
    }
}

#[tokio::test]
async fn batches_round_trip_and_positions_grow() {
    let (config, _guard) = setup("roundtrip");
    let log = open(&config).await;
    assert_eq!(log.last_position().await.unwrap(), Position(0));
    assert_eq!(log.shipped_through().await.unwrap(), Position(0));

    let appended = append_batches(&log, 0..5).await;
    assert!(appended.windows(2).all(|w| w[0] < w[1]), "{appended:?}");
    assert_eq!(appended.first(), Some(&Position(1)));
    assert_eq!(log.last_position().await.unwrap(), appended[4]);

    let entries = take(&log, 5, 10).await;
    assert_eq!(positions(&entries), appended);
    for (n, entry) in entries.iter().enumerate() {
        assert_eq!(entry.batch, batch(n as i64));
    }
    // Handed out and not shipped: nothing is shipped yet, and nothing else is handed out.
    assert_eq!(log.shipped_through().await.unwrap(), Position(0));
    assert!(log.next(10, ABSENT).await.unwrap().is_empty());

    log.shipped(&appended[..2]).await.unwrap();
    assert_eq!(log.shipped_through().await.unwrap(), appended[1]);
    log.shipped(&appended[2..]).await.unwrap();
    assert_eq!(log.shipped_through().await.unwrap(), appended[4]);
    // Shipping again what is shipped is harmless.
    log.shipped(&appended).await.unwrap();
    assert_eq!(log.shipped_through().await.unwrap(), appended[4]);
}

#[tokio::test]
async fn next_answers_at_most_max_entries_oldest_first() {
    let (config, _guard) = setup("max");
    let log = open(&config).await;
    for n in 0..7 {
        log.append(&batch(n)).await.unwrap();
    }
    let first = log.next(3, PRESENT).await.unwrap();
    assert_eq!(positions(&first), [Position(1), Position(2), Position(3)]);
    assert!(log.next(0, ABSENT).await.unwrap().is_empty());
    // A zero wait takes what is there without waiting.
    let fourth = log.next(1, Duration::ZERO).await.unwrap();
    assert_eq!(positions(&fourth), [Position(4)]);
    let rest = take(&log, 3, 10).await;
    assert_eq!(positions(&rest), (5..=7).map(Position).collect::<Vec<_>>());
    assert!(log.next(10, Duration::ZERO).await.unwrap().is_empty());
}

#[tokio::test]
async fn two_instances_share_the_work_each_entry_to_one() {
    let (config, _guard) = setup("share");
    let first = open(&config).await;
    let second = open(&config).await;
    let mut appended = BTreeSet::new();
    for n in 0..40 {
        // Appends from both instances go to the one log.
        let log = if n % 2 == 0 { &first } else { &second };
        appended.insert(log.append(&batch(n)).await.unwrap());
    }
    assert_eq!(appended.len(), 40);
    assert_eq!(
        first.last_position().await.unwrap(),
        second.last_position().await.unwrap()
    );

    let (mut by_first, mut by_second) = (Vec::new(), Vec::new());
    // Each call takes at most 3, so neither instance can take everything in one call.
    for _ in 0..40 {
        let got_first = first.next(3, ABSENT).await.unwrap();
        first.shipped(&positions(&got_first)).await.unwrap();
        by_first.extend(positions(&got_first));
        let got_second = second.next(3, ABSENT).await.unwrap();
        second.shipped(&positions(&got_second)).await.unwrap();
        by_second.extend(positions(&got_second));
        if got_first.is_empty() && got_second.is_empty() {
            break;
        }
    }
    assert!(!by_first.is_empty() && !by_second.is_empty());
    let all: Vec<Position> = by_first.iter().chain(&by_second).copied().collect();
    let distinct: BTreeSet<Position> = all.iter().copied().collect();
    assert_eq!(all.len(), distinct.len(), "an entry was handed out twice");
    assert_eq!(distinct, appended);
    let last = appended.last().copied().unwrap();
    assert_eq!(first.shipped_through().await.unwrap(), last);
    assert_eq!(second.shipped_through().await.unwrap(), last);
}

#[tokio::test]
async fn an_entry_its_instance_never_ships_comes_back_after_the_ack_wait() {
    let (config, _guard) = setup("ackwait");
    let config = config.with_ack_wait(Duration::from_secs(1));
    let dying = open(&config).await;
    let survivor = open(&config).await;
    let position = dying.append(&batch(7)).await.unwrap();
    let handed = dying.next(1, PRESENT).await.unwrap();
    assert_eq!(positions(&handed), [position]);
    // `dying` dies without shipping it (and its in-progress acks end with it). The survivor gets
    // it once the ack wait is over: poll, bounded.
    drop(dying);
    let back = first_to_come(&survivor).await;
    assert_eq!(positions(&back), [position], "not handed out again");
    assert_eq!(back[0].batch, batch(7));
    assert_eq!(survivor.holding(), 1);
    survivor.shipped(&[position]).await.unwrap();
    assert_eq!(survivor.holding(), 0);
    assert_eq!(survivor.shipped_through().await.unwrap(), position);
}

/// An instance that ships an entry for longer than the ack wait keeps it: in-progress acks keep
/// the consumer from handing it to another instance meanwhile, and its ack then completes it.
#[tokio::test]
async fn an_entry_shipped_for_longer_than_the_ack_wait_stays_with_its_instance() {
    let (config, _guard) = setup("inprogress");
    let config = config.with_ack_wait(Duration::from_secs(1));
    let slow = open(&config).await;
    let other = open(&config).await;
    let position = slow.append(&batch(7)).await.unwrap();
    assert_eq!(positions(&slow.next(1, PRESENT).await.unwrap()), [position]);
    // Three ack waits and more: the other instance asks all along and gets nothing.
    for _ in 0..14 {
        let got = other.next(1, Duration::from_millis(250)).await.unwrap();
        assert_eq!(
            positions(&got),
            [],
            "handed out again while its instance ships it"
        );
    }
    assert_eq!(slow.holding(), 1);
    slow.shipped(&[position]).await.unwrap();
    assert_eq!(slow.shipped_through().await.unwrap(), position);
    assert_eq!(positions(&other.next(1, ABSENT).await.unwrap()), []);
}

/// In-progress acks last fifteen ack waits: an entry held longer goes to another instance, and the
/// instance that held it no longer acks it (the consumer could not match that ack to the hand-out
/// it gave the other instance).
#[tokio::test]
async fn an_entry_held_past_the_in_progress_limit_goes_to_another_instance() {
    let (config, _guard) = setup("inprogress-limit");
    let config = config.with_ack_wait(Duration::from_millis(200));
    let stuck = open(&config).await;
    let other = open(&config).await;
    let position = stuck.append(&batch(7)).await.unwrap();
    assert_eq!(
        positions(&stuck.next(1, PRESENT).await.unwrap()),
        [position]
    );
    // Fifteen ack waits (3 s) and one more: poll, bounded.
    let back = first_to_come(&other).await;
    assert_eq!(positions(&back), [position], "never let go");
    // The late ack of the instance that let it go is not sent (sent, NATS Server 2.9.10 completes
    // the entry on it, though it handed the entry to the other instance since): nothing counts as
    // shipped until the instance that holds it now ships it.
    stuck.shipped(&[position]).await.unwrap();
    assert_eq!(stuck.shipped_through().await.unwrap(), Position(0));
    other.shipped(&[position]).await.unwrap();
    assert_eq!(other.shipped_through().await.unwrap(), position);
}

#[tokio::test]
async fn trim_then_rewind_hands_out_what_is_left() {
    let (config, _guard) = setup("rewind");
    let log = open(&config).await;
    let appended = append_batches(&log, 0..5).await;
    let entries = take(&log, 5, 10).await;
    log.shipped(&positions(&entries)).await.unwrap();
    assert_eq!(log.shipped_through().await.unwrap(), appended[4]);

    log.trim_through(appended[1]).await.unwrap();
    // Trimming does not move positions.
    assert_eq!(log.last_position().await.unwrap(), appended[4]);
    assert!(log.next(10, ABSENT).await.unwrap().is_empty());

    log.rewind().await.unwrap();
    assert_eq!(log.shipped_through().await.unwrap(), appended[1]);
    let again = take(&log, 3, 10).await;
    assert_eq!(positions(&again), appended[2..]);
    for (entry, n) in again.iter().zip(2..) {
        assert_eq!(entry.batch, batch(n));
    }
    log.shipped(&positions(&again)).await.unwrap();
    assert_eq!(log.shipped_through().await.unwrap(), appended[4]);

    // Trimming past the end trims everything and the next append still follows on.
    log.trim_through(Position(1_000)).await.unwrap();
    assert_eq!(log.append(&batch(9)).await.unwrap(), Position(6));
}

#[tokio::test]
async fn rewind_takes_back_what_another_instance_holds() {
    let (config, _guard) = setup("rewind2");
    let holder = open(&config).await;
    let rewinder = open(&config).await;
    let position = holder.append(&batch(1)).await.unwrap();
    assert_eq!(
        positions(&holder.next(1, PRESENT).await.unwrap()),
        [position]
    );
    rewinder.rewind().await.unwrap();
    assert_eq!(
        positions(&rewinder.next(1, PRESENT).await.unwrap()),
        [position]
    );
}

#[tokio::test]
async fn a_rewind_ends_another_instance_s_waiting_next() {
    let (config, _guard) = setup("rewindwait");
    let waiting = open(&config).await;
    let rewinder = open(&config).await;
    let (got, ()) = tokio::join!(waiting.next(1, Duration::from_secs(3)), async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        rewinder.rewind().await.unwrap();
    });
    // The server ends the waiting pull request ("409 Consumer Deleted"): at once, not after the
    // wait.
    let err = got.unwrap_err();
    assert!(matches!(err, LogError::Unavailable { .. }), "{err:?}");
    let position = rewinder.append(&batch(1)).await.unwrap();
    let mut back = Vec::new();
    for _ in 0..3 {
        if let Ok(got) = waiting.next(1, PRESENT).await {
            back = got;
            break;
        }
    }
    assert_eq!(positions(&back), [position]);
}

#[tokio::test]
async fn a_consumer_deleted_and_not_created_again_heals() {
    let (config, _guard) = setup("heal");
    let log = open(&config).await;
    let position = log.append(&batch(1)).await.unwrap();
    // Someone deleted the consumer (a rewind creates the next generation before it deletes the
    // one before, so the stream always has one).
    raw_stream(&config)
        .await
        .delete_consumer(&crest_relay::jetstream::consumer_name(log.generation()))
        .await
        .unwrap();
    // This call meets the missing consumer (an error, or nothing soon after the wait) and creates
    // the next generation; the next call gets the entry.
    let first = log.next(1, ABSENT).await;
    assert!(
        first.as_ref().is_ok_and(Vec::is_empty) || first.is_err(),
        "{first:?}"
    );
    assert_eq!(positions(&log.next(1, PRESENT).await.unwrap()), [position]);
}

#[tokio::test]
async fn a_batch_over_max_payload_is_split_and_reassembles() {
    let (config, _guard) = setup("split");
    let log = open(&config).await;
    let client = async_nats::connect(&config.url).await.unwrap();
    let max_payload = client.server_info().max_payload;
    assert!(max_payload > 0);

    // Random-looking values: about 10 bytes a sample, so twice the max payload and more.
    let count = max_payload / 4;
    let big = Batch::from_series([
        (
            SeriesKey::new("big.one", "h1"),
            (0..count)
                .map(|i| Sample {
                    timestamp: i as i64 * 1000,
                    value: (i as f64).sqrt(),
                })
                .collect::<Vec<_>>(),
        ),
        (
            SeriesKey::new("big.two", "h2"),
            (0..count / 2)
                .map(|i| Sample {
                    timestamp: i as i64,
                    value: (i as f64).ln_1p(),
                })
                .collect::<Vec<_>>(),
        ),
    ]);
    assert!(codec::encode(&big).len() > 2 * max_payload);

    let before = log.append(&batch(0)).await.unwrap();
    let last = log.append(&big).await.unwrap();
    assert_eq!(log.last_position().await.unwrap(), last);
    let parts = (last.0 - before.0) as usize;
    assert!(parts >= 3, "{parts} parts");

    let entries = take(&log, parts + 1, 100).await;
    assert_eq!(
        positions(&entries),
        (before.0..=last.0).map(Position).collect::<Vec<_>>()
    );
    let (first, rest) = entries.split_first().unwrap();
    assert_eq!(first.batch, batch(0));
    let mut reassembled: Vec<(Vec<u8>, Sample)> = Vec::new();
    for entry in rest {
        assert!(codec::encode(&entry.batch).len() <= max_payload);
        for series in entry.batch.series() {
            reassembled.extend(
                series
                    .samples
                    .iter()
                    .map(|s| (series.canonical.to_vec(), *s)),
            );
        }
    }
    let expected: Vec<(Vec<u8>, Sample)> = big
        .series()
        .flat_map(|series| {
            series
                .samples
                .iter()
                .map(move |s| (series.canonical.to_vec(), *s))
        })
        .collect();
    assert_eq!(reassembled.len(), expected.len());
    assert!(
        reassembled == expected,
        "the parts do not reassemble to the batch"
    );
}

#[tokio::test]
async fn deployments_do_not_see_each_other() {
    let (config_a, _guard_a) = setup("iso-a");
    let (config_b, _guard_b) = setup("iso-b");
    let a = open(&config_a).await;
    let b = open(&config_b).await;
    assert_ne!(a.stream_name(), b.stream_name());
    assert_ne!(a.subject(), b.subject());
    a.append(&batch(1)).await.unwrap();
    a.append(&batch(2)).await.unwrap();
    b.append(&batch(3)).await.unwrap();
    assert_eq!(a.last_position().await.unwrap(), Position(2));
    assert_eq!(b.last_position().await.unwrap(), Position(1));
    let from_a = take(&a, 2, 10).await;
    assert_eq!(
        from_a.iter().map(|e| e.batch.clone()).collect::<Vec<_>>(),
        [batch(1), batch(2)]
    );
    let from_b = b.next(10, PRESENT).await.unwrap();
    assert_eq!(
        from_b.iter().map(|e| e.batch.clone()).collect::<Vec<_>>(),
        [batch(3)]
    );
    assert!(a.next(10, ABSENT).await.unwrap().is_empty());
    assert!(b.next(10, ABSENT).await.unwrap().is_empty());
}

#[tokio::test]
async fn an_entry_that_does_not_decode_is_reported_once_and_does_not_block() {
    let (config, _guard) = setup("corrupt");
    let log = open(&config).await;
    let client = async_nats::connect(&config.url).await.unwrap();
    let context = async_nats::jetstream::new(client);
    log.append(&batch(1)).await.unwrap();
    let garbage = context
        .publish(log.subject().to_string(), "not a batch".into())
        .await
        .unwrap()
        .await
        .unwrap()
        .sequence;
    assert_eq!(garbage, 2);
    log.append(&batch(3)).await.unwrap();

    let err = log.next(10, PRESENT).await.unwrap_err();
    assert!(matches!(err, LogError::Corrupt { .. }), "{err:?}");
    assert!(err.to_string().contains("entry 2 "), "{err}");
    // The good entries come back at once, the bad one never.
    let entries = take(&log, 2, 10).await;
    assert_eq!(positions(&entries), [Position(1), Position(3)]);
    assert!(log.next(10, ABSENT).await.unwrap().is_empty());
    log.shipped(&positions(&entries)).await.unwrap();
    assert_eq!(log.shipped_through().await.unwrap(), Position(3));
}

#[tokio::test]
async fn entries_are_stored_compressed_and_plain_ones_read_back_too() {
    let (config, _guard) = setup("compressed");
    let log = open(&config).await;
    let client = async_nats::connect(&config.url).await.unwrap();
    let context = async_nats::jetstream::new(client);
    assert_eq!(log.append(&batch(1)).await.unwrap(), Position(1));
    // An entry in the plain format, as crest logged them before it compressed them.
    let plain = context
        .publish(log.subject().to_string(), codec::encode(&batch(2)).into())
        .await
        .unwrap()
        .await
        .unwrap()
        .sequence;
    assert_eq!(plain, 2);
    let stream = context.get_stream(config.stream_name()).await.unwrap();
    let stored = stream.get_raw_message(1).await.unwrap().payload;
    assert_eq!(stored.first(), Some(&codec::COMPRESSED_VERSION));
    assert_eq!(codec::decode(&stored).unwrap(), batch(1));
    let entries = take(&log, 2, 10).await;
    assert_eq!(
        entries.iter().map(|e| e.batch.clone()).collect::<Vec<_>>(),
        [batch(1), batch(2)]
    );
}

#[tokio::test]
async fn a_stream_on_another_subject_is_refused() {
    let (config, _guard) = setup("mismatch");
    let client = async_nats::connect(&config.url).await.unwrap();
    async_nats::jetstream::new(client)
        .create_stream(async_nats::jetstream::stream::Config {
            name: config.stream_name(),
            subjects: vec![format!("elsewhere.{}", config.deployment)],
            ..Default::default()
        })
        .await
        .unwrap();
    let err = JetStreamLog::connect(&config).await.unwrap_err();
    assert!(matches!(err, ConnectError::Mismatch { .. }), "{err:?}");
    assert!(err.to_string().contains("elsewhere."), "{err}");
}

#[tokio::test]
async fn replicas_a_single_server_cannot_keep_are_refused() {
    let (config, _guard) = setup("replicas");
    let err = JetStreamLog::connect(&config.with_replicas(3))
        .await
        .unwrap_err();
    // The server says why; the error keeps it as its cause.
    assert!(matches!(err, ConnectError::Nats { .. }), "{err:?}");
    let cause = std::error::Error::source(&err).map(ToString::to_string);
    assert!(
        cause.as_deref().is_some_and(|c| c.contains("replicas")),
        "{cause:?}"
    );
}

#[tokio::test]
async fn an_invalid_deployment_or_an_absent_server_is_a_clear_error() {
    let bad = JetStreamConfig::new(nats_url(), "no.dots");
    let err = JetStreamLog::connect(&bad).await.unwrap_err();
    assert!(matches!(err, ConnectError::InvalidConfig { .. }), "{err:?}");

    // Port 1 on loopback: nothing listens there.
    let away = JetStreamConfig::new("nats://127.0.0.1:1", deployment("away"));
    let err = JetStreamLog::connect(&away).await.unwrap_err();
    assert!(matches!(err, ConnectError::Nats { .. }), "{err:?}");
    assert!(err.to_string().contains("127.0.0.1:1"), "{err}");
}

#[tokio::test]
async fn a_list_of_servers_connects_through_the_one_that_answers() {
    let (single, _guard) = setup("server-list");
    // A NATS cluster's servers, separated by commas, one of them away (nothing listens on port 1).
    let listed = JetStreamConfig::new(
        format!("nats://127.0.0.1:1, {}", single.url),
        single.deployment.clone(),
    );
    let log = open(&listed).await;
    let at = log.append(&batch(7)).await.unwrap();
    assert_eq!(at, Position(1));
    let entries = take(&log, 1, 10).await;
    assert_eq!(positions(&entries), [at]);
    assert_eq!(entries[0].batch, batch(7));
}

/// A barrier trims while another instance holds later entries, and that instance dies before
/// shipping them: they must be handed out again. (JetStream's purge drops every entry the
/// consumer awaits an ack for, those after the purge too, so they would never come back: points
/// acknowledged and lost, found by scripts/kill9-cluster.)
#[tokio::test]
async fn entries_held_by_a_dying_instance_across_a_trim_are_handed_out_again() {
    let (config, _guard) = setup("trim-held");
    let config = config.with_ack_wait(Duration::from_secs(1));
    let dying = open(&config).await;
    let survivor = open(&config).await;
    let appended = append_batches(&survivor, 0..4).await;
    let first = take(&survivor, 2, 2).await;
    assert_eq!(positions(&first), appended[..2]);
    let held = take(&dying, 2, 10).await;
    assert_eq!(positions(&held), appended[2..]);
    survivor.shipped(&appended[..2]).await.unwrap();
    assert_eq!(survivor.shipped_through().await.unwrap(), appended[1]);
    survivor.trim_through(appended[1]).await.unwrap();
    drop(dying); // never ships what it holds
    // The survivor gets them again (at once, or after the ack wait): poll, bounded.
    let mut back = Vec::new();
    for _ in 0..40 {
        back.extend(survivor.next(10, Duration::from_millis(250)).await.unwrap());
        if back.len() >= 2 {
            break;
        }
    }
    assert_eq!(positions(&back), appended[2..], "not handed out again");
    survivor.shipped(&appended[2..]).await.unwrap();
    assert_eq!(survivor.shipped_through().await.unwrap(), appended[3]);
}

#[tokio::test]
async fn an_ack_held_up_past_another_instance_s_rewind_completes_nothing() {
    let (config, _guard) = setup("lateack");
    let shipper = open(&config).await;
    let rewinder = open(&config).await;
    let appended = append_batches(&shipper, 1..=10).await;
    // The shipper takes every entry and writes it to an engine that then restarts.
    assert_eq!(positions(&take(&shipper, 10, 10).await), appended);
    // The instance that runs the barrier sees the restart, rewinds, and takes every entry again.
    rewinder.rewind().await.unwrap();
    assert_eq!(positions(&take(&rewinder, 10, 10).await), appended);
    // The shipper's acks arrive only now: they are for writes the dead engine may have lost.
    let _ = shipper.shipped(&appended).await;
    // They complete none of the entries the rewinder holds: nothing is counted shipped (which a
    // barrier would trim) before the rewinder has written it again.
    assert_eq!(rewinder.shipped_through().await.unwrap(), Position(0));
    rewinder.shipped(&appended).await.unwrap();
    assert_eq!(rewinder.shipped_through().await.unwrap(), appended[9]);
}

/// The deployment's stream, through a client of its own.
async fn raw_stream(config: &JetStreamConfig) -> async_nats::jetstream::stream::Stream {
    let client = async_nats::connect(&config.url).await.unwrap();
    async_nats::jetstream::new(client)
        .get_stream(config.stream_name())
        .await
        .unwrap()
}

/// A consumer acking explicitly, as crest makes them, named `name`.
fn consumer_config(name: &str) -> async_nats::jetstream::consumer::pull::Config {
    async_nats::jetstream::consumer::pull::Config {
        durable_name: Some(name.to_string()),
        ack_policy: async_nats::jetstream::consumer::AckPolicy::Explicit,
        ..Default::default()
    }
}

/// The names of the consumers of a deployment's stream, sorted.
async fn consumers(config: &JetStreamConfig) -> Vec<String> {
    use futures_util::TryStreamExt;
    let stream = raw_stream(config).await;
    let mut names: Vec<String> = stream.consumer_names().try_collect().await.unwrap();
    names.sort();
    names
}

#[tokio::test]
async fn a_rewind_replaces_the_consumer_and_other_instances_follow() {
    let (mut config, _guard) = setup("generations");
    config.ack_wait = Duration::from_secs(1);
    let holder = open(&config).await;
    let rewinder = open(&config).await;
    assert_eq!(consumers(&config).await, ["shipper-1"]);
    assert_eq!((holder.generation(), rewinder.generation()), (1, 1));
    let position = holder.append(&batch(1)).await.unwrap();
    assert_eq!(positions(&take(&holder, 1, 1).await), [position]);

    rewinder.rewind().await.unwrap();
    assert_eq!(rewinder.generation(), 2);
    assert_eq!(consumers(&config).await, ["shipper-2"]);
    // The holder's consumer is gone: its first call finds nothing (no answer, given up soon after
    // the wait) and moves to the new one, which hands the entry out again.
    assert_eq!(holder.next(1, ABSENT).await.unwrap(), []);
    assert_eq!(holder.generation(), 2);
    let again = holder.next(1, PRESENT).await.unwrap();
    assert_eq!(positions(&again), [position]);
    assert_eq!(holder.generation(), 2);
    // The holder may still be shipping the first hand-out (to an engine that restarted since),
    // and `shipped` cannot tell the two apart: it acks neither, and the entry comes back after
    // the ack wait.
    holder.shipped(&[position]).await.unwrap();
    assert_eq!(rewinder.shipped_through().await.unwrap(), Position(0));
    let third = holder.next(1, PRESENT).await.unwrap();
    assert_eq!(positions(&third), [position]);
    holder.shipped(&[position]).await.unwrap();
    assert_eq!(rewinder.shipped_through().await.unwrap(), position);
}

#[tokio::test]
async fn a_generation_left_behind_by_a_dead_rewinder_is_deleted_and_left() {
    let (config, _guard) = setup("leftover");
    let log = open(&config).await;
    let position = log.append(&batch(1)).await.unwrap();
    // A rewinder created generation 2 and died before deleting generation 1.
    raw_stream(&config)
        .await
        .create_consumer(consumer_config(&crest_relay::jetstream::consumer_name(2)))
        .await
        .unwrap();
    assert_eq!(consumers(&config).await, ["shipper-1", "shipper-2"]);
    // Reading how far the log is shipped finds two consumers: the instance moves to the newest and
    // deletes the other.
    assert_eq!(log.shipped_through().await.unwrap(), Position(0));
    assert_eq!(log.generation(), 2);
    assert_eq!(consumers(&config).await, ["shipper-2"]);
    assert_eq!(positions(&take(&log, 1, 1).await), [position]);
}

#[tokio::test]
async fn an_instance_joins_the_consumer_of_a_version_without_generations() {
    let (config, _guard) = setup("legacy");
    let earlier = open(&config).await;
    let position = earlier.append(&batch(1)).await.unwrap();
    // The stream as an earlier version left it: one consumer named `shipper`.
    let stream = raw_stream(&config).await;
    stream.delete_consumer("shipper-1").await.unwrap();
    stream
        .create_consumer(consumer_config("shipper"))
        .await
        .unwrap();
    let log = open(&config).await;
    assert_eq!(log.generation(), 0);
    assert_eq!(positions(&take(&log, 1, 1).await), [position]);
    log.rewind().await.unwrap();
    assert_eq!(log.generation(), 1);
    assert_eq!(consumers(&config).await, ["shipper-1"]);
    assert_eq!(positions(&take(&log, 1, 1).await), [position]);
}

/// Acks entry `sequence` as a hand-out with delivery number `delivery` would (a late ack of an
/// earlier hand-out, or one of an entry never handed out).
async fn ack_of_an_earlier_hand_out(
    config: &JetStreamConfig,
    log: &JetStreamLog,
    sequence: u64,
    delivery: u64,
) {
    let subject = format!(
        "$JS.ACK.{}.{}.1.{sequence}.{delivery}.0.0",
        config.stream_name(),
        crest_relay::jetstream::consumer_name(log.generation())
    );
    let client = async_nats::connect(&config.url).await.unwrap();
    client.publish(subject, "+ACK".into()).await.unwrap();
    client.flush().await.unwrap();
}

#[tokio::test]
async fn an_ack_floor_moved_past_entries_not_shipped_is_not_trusted() {
    let (config, _guard) = setup("badfloor");
    let log = open(&config).await;
    let appended = append_batches(&log, 1..=10).await;
    assert_eq!(positions(&take(&log, 3, 3).await), appended[..3]);
    // An ack the consumer cannot match to a hand-out: for entry 10, never handed out, carrying
    // delivery number 1 (as a late ack of an earlier hand-out can). NATS Server 2.9 moves the
    // ack floor to entry 10 on it, since its delivery number follows the floor; later servers
    // ignore it.
    ack_of_an_earlier_hand_out(&config, &log, 10, 1).await;
    // Either way nothing is counted shipped: three entries await an ack, none was acked.
    assert_eq!(log.shipped_through().await.unwrap(), Position(0));
    log.shipped(&appended[..3]).await.unwrap();
    assert_eq!(log.shipped_through().await.unwrap(), appended[2]);
}

/// The hole NATS Server 2.9's ack floor has, where no check of the consumer's counts can see it:
/// an ack the consumer cannot match moves the floor past entries still awaiting their ack, while
/// as many entries after the floor were acked as lie before it. Nothing the consumer says is
/// trusted for what is shipped: only crest's own record of its shipments.
#[tokio::test]
async fn an_ack_floor_moved_past_entries_not_shipped_fools_no_one() {
    let (config, _guard) = setup("holefloor");
    let log = open(&config).await;
    let appended = append_batches(&log, 1..=20).await;
    assert_eq!(positions(&take(&log, 20, 20).await), appended);
    // Entries 4–10 and 15–17 are shipped; 1–3, 11–14 and 18–20 are not.
    log.shipped(&appended[3..10]).await.unwrap();
    log.shipped(&appended[14..17]).await.unwrap();
    // A late ack of entry 10 from an earlier hand-out (delivery number 1): on NATS Server 2.9 it
    // moves the floor to 10, past entries 1–3, and ten entries await an ack after it as before.
    ack_of_an_earlier_hand_out(&config, &log, 10, 1).await;
    assert_eq!(log.shipped_through().await.unwrap(), Position(0));
    log.shipped(&appended[..3]).await.unwrap();
    assert_eq!(log.shipped_through().await.unwrap(), appended[9]);
    log.shipped(&appended[10..14]).await.unwrap();
    assert_eq!(log.shipped_through().await.unwrap(), appended[16]);
}

/// The state of a deployment's stream of shipment records.
async fn records_state(config: &JetStreamConfig) -> async_nats::jetstream::stream::State {
    let client = async_nats::connect(&config.url).await.unwrap();
    let mut stream = async_nats::jetstream::new(client)
        .get_stream(config.records_stream_name())
        .await
        .unwrap();
    stream.info().await.unwrap().state.clone()
}

#[tokio::test]
async fn records_of_trimmed_entries_are_purged_and_a_new_instance_reads_the_rest() {
    let (config, _guard) = setup("records");
    let one = open(&config).await;
    let appended = append_batches(&one, 1..=6).await;
    assert_eq!(positions(&take(&one, 6, 6).await), appended);
    // Three records: entries 1–2, 4–5, then 3.
    one.shipped(&appended[..2]).await.unwrap();
    one.shipped(&appended[3..5]).await.unwrap();
    one.shipped(&appended[2..3]).await.unwrap();
    assert_eq!(records_state(&config).await.messages, 3);
    assert_eq!(one.shipped_through().await.unwrap(), appended[4]);
    // Trimmed through 2: only the first record names nothing else.
    one.trim_through(appended[1]).await.unwrap();
    let state = records_state(&config).await;
    assert_eq!((state.messages, state.first_sequence), (2, 2));
    // An instance that joins now reads the records left, and counts the trimmed entries shipped.
    let two = open(&config).await;
    assert_eq!(two.shipped_through().await.unwrap(), appended[4]);
    // Through 5 every record names only trimmed entries.
    one.trim_through(appended[4]).await.unwrap();
    assert_eq!(records_state(&config).await.messages, 0);
    // A shipment recorded by one instance is counted by the other as soon as it is recorded.
    one.shipped(&appended[5..]).await.unwrap();
    assert_eq!(two.shipped_through().await.unwrap(), appended[5]);
}

#[tokio::test]
async fn an_entry_whose_record_cannot_be_stored_is_not_acked_and_comes_back() {
    let (config, _guard) = setup("norecord");
    let config = config.with_ack_wait(Duration::from_secs(1));
    let log = open(&config).await;
    let appended = append_batches(&log, 1..=2).await;
    assert_eq!(positions(&take(&log, 2, 2).await), appended);
    // The records stream refuses new records (as a full one would).
    let client = async_nats::connect(&config.url).await.unwrap();
    let js = async_nats::jetstream::new(client);
    let mut records = js.get_stream(config.records_stream_name()).await.unwrap();
    let mut full = records.info().await.unwrap().config.clone();
    full.max_bytes = 1;
    js.update_stream(&full).await.unwrap();
    let refused = log.shipped(&appended).await;
    assert!(
        matches!(refused, Err(LogError::Unavailable { .. })),
        "{refused:?}"
    );
    assert_eq!(log.shipped_through().await.unwrap(), Position(0));
    // Room again: the entries, never acked, come back after the ack wait and are recorded then.
    full.max_bytes = -1;
    js.update_stream(&full).await.unwrap();
    let mut back = Vec::new();
    for _ in 0..40 {
        back.extend(log.next(10, Duration::from_millis(250)).await.unwrap());
        if back.len() >= 2 {
            break;
        }
    }
    assert_eq!(positions(&back), appended, "not handed out again");
    log.shipped(&appended).await.unwrap();
    assert_eq!(log.shipped_through().await.unwrap(), appended[1]);
}
