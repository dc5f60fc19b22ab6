//! The file log: the shared suite, reopening, a torn write at every byte, corruption.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crest_relay::suite::{self, batch};
use crest_relay::{Entry, FileLog, IngestLog, LogError, Position};

const SHORT: Duration = Duration::from_millis(20);

async fn drain(log: &FileLog) -> Vec<Entry> {
    let mut out = Vec::new();
    loop {
        let got = log.next(100, SHORT).await.unwrap();
        if got.is_empty() {
            return out;
        }
        out.extend(got);
    }
}

fn segment_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "wal"))
        .collect();
    files.sort();
    files
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_file_log_passes_the_shared_suite() {
    let root = tempfile::tempdir().unwrap();
    let mut n = 0;
    let outcome = suite::run_all(|| {
        n += 1;
        let dir = root.path().join(format!("log{n}"));
        async move { FileLog::open(dir).await.unwrap() }
    })
    .await;
    assert_eq!(outcome, Ok(()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_file_log_passes_the_shared_suite_with_tiny_segments() {
    let root = tempfile::tempdir().unwrap();
    for (i, case) in suite::cases().into_iter().enumerate() {
        // A segment per entry or two: reads, trims and rewinds cross segments.
        let log = FileLog::open_with(root.path().join(i.to_string()), 100)
            .await
            .unwrap();
        assert_eq!(suite::run(case, &log).await, Ok(()), "{case}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reopened_log_hands_out_every_entry_again_and_numbers_on() {
    let dir = tempfile::tempdir().unwrap();
    let log = FileLog::open_with(dir.path(), 300).await.unwrap();
    let mut appended = Vec::new();
    for n in 0..20 {
        appended.push(log.append(&batch(n)).await.unwrap());
    }
    let handed = drain(&log).await;
    assert_eq!(handed.len(), 20);
    log.shipped(&appended).await.unwrap();
    drop(log);
    let log = FileLog::open_with(dir.path(), 300).await.unwrap();
    assert_eq!(log.last_position().await.unwrap(), Position(20));
    assert_eq!(log.shipped_through().await.unwrap(), Position(0));
    assert_eq!(drain(&log).await, handed);
    assert_eq!(log.append(&batch(20)).await.unwrap(), Position(21));
    let newest = drain(&log).await;
    // A trim deletes every segment but the one being written (which holds entry 21): after a
    // reopen only that entry comes back, and the numbering goes on.
    log.shipped(&(1..=21).map(Position).collect::<Vec<_>>())
        .await
        .unwrap();
    log.trim_through(Position(21)).await.unwrap();
    assert_eq!(segment_files(dir.path()).len(), 1);
    drop(log);
    let log = FileLog::open_with(dir.path(), 300).await.unwrap();
    assert_eq!(log.shipped_through().await.unwrap(), Position(20));
    assert_eq!(drain(&log).await, newest);
    assert_eq!(log.append(&batch(21)).await.unwrap(), Position(22));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_appends_share_syncs_and_all_come_back() {
    let dir = tempfile::tempdir().unwrap();
    let log = FileLog::open_with(dir.path(), 4096).await.unwrap();
    let tasks: Vec<_> = (0..64)
        .map(|n| {
            let log = log.clone();
            tokio::spawn(async move { log.append(&batch(n)).await.unwrap() })
        })
        .collect();
    let mut positions = Vec::new();
    for t in tasks {
        positions.push(t.await.unwrap());
    }
    positions.sort();
    assert_eq!(positions, (1..=64).map(Position).collect::<Vec<_>>());
    let handed = drain(&log).await;
    assert_eq!(
        handed.iter().map(|e| e.position).collect::<Vec<_>>(),
        positions
    );
    drop(log);
    let log = FileLog::open_with(dir.path(), 4096).await.unwrap();
    assert_eq!(drain(&log).await, handed);
}

/// Three entries in one segment; answers the segment's path and the byte ranges of the records.
async fn three_entries(dir: &Path) -> (PathBuf, Vec<Entry>, u64) {
    let log = FileLog::open(dir).await.unwrap();
    for n in 0..3 {
        log.append(&batch(n)).await.unwrap();
    }
    let entries = drain(&log).await;
    drop(log);
    let files = segment_files(dir);
    assert_eq!(files.len(), 1, "{files:?}");
    let len = std::fs::metadata(&files[0]).unwrap().len();
    (files[0].clone(), entries, len)
}

/// The offset where the last record of a segment of three equal-sized entries starts.
fn record_starts(path: &Path) -> Vec<u64> {
    let bytes = std::fs::read(path).unwrap();
    let mut starts = Vec::new();
    let mut pos = 0usize;
    while pos < bytes.len() {
        starts.push(pos as u64);
        let len = u32::from_le_bytes(bytes[pos..pos + 4].try_into().unwrap()) as usize;
        pos += 9 + len;
    }
    starts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_torn_write_at_any_byte_loses_only_the_last_record() {
    let root = tempfile::tempdir().unwrap();
    let (path, entries, len) = three_entries(root.path()).await;
    let original = std::fs::read(&path).unwrap();
    let starts = record_starts(&path);
    assert_eq!(starts.len(), 4, "a start record and three entries");
    let last_start = starts[3];
    for cut in last_start..len {
        let dir = root.path().join(format!("cut{cut}"));
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(
            dir.join(path.file_name().unwrap()),
            &original[..cut as usize],
        )
        .unwrap();
        let log = FileLog::open(&dir).await.unwrap();
        assert_eq!(drain(&log).await, entries[..2].to_vec(), "cut at {cut}");
        assert_eq!(
            log.append(&batch(9)).await.unwrap(),
            Position(3),
            "cut at {cut}: numbering continues after the last intact entry"
        );
        drop(log);
        let log = FileLog::open(&dir).await.unwrap();
        let again = drain(&log).await;
        assert_eq!(again.len(), 3, "cut at {cut}");
        assert_eq!(again[2].batch, batch(9), "cut at {cut}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_torn_start_record_of_a_new_segment_is_dropped() {
    let root = tempfile::tempdir().unwrap();
    let (path, entries, _) = three_entries(root.path()).await;
    let original = std::fs::read(&path).unwrap();
    let start_len = record_starts(&path)[1] as usize;
    let next = root.path().join("99999999.wal");
    for cut in 0..start_len {
        std::fs::write(&next, &original[..cut]).unwrap();
        let log = FileLog::open(root.path()).await.unwrap();
        assert_eq!(drain(&log).await, entries, "cut at {cut}");
        drop(log);
        // Leave only the original segment for the next round.
        for f in segment_files(root.path()) {
            if f != path {
                std::fs::remove_file(f).unwrap();
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flipped_bit_in_a_middle_record_is_corruption() {
    let root = tempfile::tempdir().unwrap();
    let (path, _, _) = three_entries(root.path()).await;
    let original = std::fs::read(&path).unwrap();
    let starts = record_starts(&path);
    // The second entry: between the first entry and the last.
    let (from, to) = (starts[2] as usize, starts[3] as usize);
    for byte in from..to {
        for bit in 0..8 {
            let dir = root.path().join(format!("flip{byte}-{bit}"));
            std::fs::create_dir(&dir).unwrap();
            let mut bad = original.clone();
            bad[byte] ^= 1 << bit;
            std::fs::write(dir.join(path.file_name().unwrap()), &bad).unwrap();
            match FileLog::open(&dir).await {
                Err(LogError::Corrupt { context, .. }) => {
                    assert!(context.contains(".wal"), "{context}")
                }
                other => panic!("byte {byte} bit {bit}: {other:?}"),
            }
            std::fs::remove_dir_all(&dir).unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn damage_in_an_older_segment_is_corruption() {
    let dir = tempfile::tempdir().unwrap();
    let log = FileLog::open_with(dir.path(), 100).await.unwrap();
    for n in 0..4 {
        log.append(&batch(n)).await.unwrap();
    }
    drop(log);
    let files = segment_files(dir.path());
    assert!(files.len() >= 3, "{files:?}");
    let bytes = std::fs::read(&files[0]).unwrap();
    std::fs::write(&files[0], &bytes[..bytes.len() - 1]).unwrap();
    match FileLog::open_with(dir.path(), 100).await {
        Err(LogError::Corrupt { context, .. }) => assert!(context.contains(".wal"), "{context}"),
        other => panic!("{other:?}"),
    }
}
