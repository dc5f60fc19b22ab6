//! `crest admin …`: administrative commands that share `serve`'s configuration and store, work
//! while a server runs, print exactly one JSON object on stdout and log to stderr.

use std::sync::Arc;

use anyhow::Context as _;
use crest_auth::csp::keys::KeyRing;
use crest_domain::account::AccountId;
use crest_domain::clock::SystemClock;
use crest_domain::csp;
use crest_domain::csp::api_token::NewCspToken;
use crest_domain::csp::app::NewCspApp;
use crest_domain::principal::Principal;
use crest_domain::random::OsRandom;
use crest_domain::store::{AccountStore, AuditLog, Store, StoreBackend};
use crest_store::SqlStore;
use serde_json::json;

use crate::cli::{AdminCommand, CspAppCommand, CspTokenCommand, SigningKeyCommand, TsdbCommand};
use crate::config::Config;

/// Runs one admin command.
pub async fn run(config: Config, command: AdminCommand) -> anyhow::Result<()> {
    // An original subscription exchanges no identity-service credentials, so it makes none.
    if matches!(
        command,
        AdminCommand::CspApp { .. } | AdminCommand::CspToken { .. }
    ) {
        config.subscription.makes_csp_credentials()?;
    }
    if let AdminCommand::Tsdb {
        command: TsdbCommand::Status,
    } = command
    {
        let status = match &config.points {
            crate::config::PointsEngine::Embedded => tsdb_status(&config)?,
            crate::config::PointsEngine::Victoria {
                endpoints,
                precision,
                ..
            } => victoria_status(&config, endpoints, *precision).await?,
        };
        return print_json(&status);
    }
    // Never creates a store: a mistyped --data-dir or database URL is an error, not a new store.
    let store = SqlStore::open_existing(&config.store).await?;
    let result = match command {
        AdminCommand::Status => status(&config, &store).await,
        AdminCommand::Audit { offset, limit } => audit(&store, offset, limit).await,
        AdminCommand::CspApp { command } => csp_app(&store, command).await,
        AdminCommand::CspToken { command } => csp_token(&store, command).await,
        AdminCommand::SigningKey { command } => signing_key(&store, command).await,
        AdminCommand::Tsdb { .. } => Err(anyhow::anyhow!("answered above")),
    };
    store.close().await;
    print_json(&result?)
}

async fn status(config: &Config, store: &SqlStore) -> anyhow::Result<serde_json::Value> {
    store.ping().await?;
    let accounts = store.list_accounts(0, 0).await?.total;
    Ok(json!({
        "backend": store.backend(),
        "store": config.store.to_string(),
        "publicUrl": config.public_url,
        "accounts": accounts,
        "version": env!("CARGO_PKG_VERSION"),
    }))
}

/// The engine's status, read from its files (a running server keeps them; reading takes nothing
/// from it). A file the server removes while it is read (a cut, a compaction) is read again.
fn tsdb_status(config: &Config) -> anyhow::Result<serde_json::Value> {
    use crest_domain::clock::Clock as _;
    let mut options = crest_tsdb::Options::new(config.tsdb_dir.clone());
    options.retention_ms = config.retention_ms;
    let mut attempt = 0;
    let status = loop {
        match crest_tsdb::Engine::inspect(&options, SystemClock.now_millis()) {
            Ok(status) => break status,
            Err(e) if attempt < 3 && matches!(e, crest_tsdb::TsdbError::Io { .. }) => attempt += 1,
            Err(e) => {
                return Err(anyhow::Error::new(e).context(format!(
                    "cannot read the time-series engine at {}",
                    config.tsdb_dir.display()
                )));
            }
        }
    };
    Ok(json!({
        "engine": "embedded",
        "keepsValuesExactly": true,
        "dir": config.tsdb_dir,
        "retentionMs": config.retention_ms,
        "series": status.series,
        "histogramSeries": status.histogram_series,
        "points": status.points,
        "headPoints": status.head_points,
        "blocks": status.blocks,
        "bytesOnDisk": status.bytes_on_disk,
        "walBytes": status.wal_bytes,
        "oldest": status.oldest,
        "newest": status.newest,
    }))
}

/// VictoriaMetrics' status as crest's engine sees it (every point is exported: for operators,
/// bounded by the read limits), and the values it did not keep exactly: the sums of every
/// instance's precision reports ([`crate::points::ROUNDED_METRIC`]).
async fn victoria_status(
    config: &Config,
    endpoints: &crest_victoria::Endpoints,
    precision: crest_victoria::Precision,
) -> anyhow::Result<serde_json::Value> {
    use crest_series::{Filter, ReadLimits, SeriesCatalog as _, SeriesReader as _, TimeRange};
    let engine =
        crate::points::connect_victoria(endpoints, precision, Arc::new(SystemClock)).await?;
    let status = engine
        .status()
        .await
        .context("cannot read VictoriaMetrics' status")?;
    let mut counts = Vec::new();
    for metric in [crate::points::ROUNDED_METRIC, crate::points::MIXED_METRIC] {
        let read = engine
            .select(
                &Filter::metric(metric),
                TimeRange::all(),
                ReadLimits::default(),
            )
            .await
            .with_context(|| format!("cannot read {metric}"))?;
        let total: f64 = read
            .iter()
            .flat_map(|d| d.samples.iter())
            .map(|s| s.value)
            .sum();
        counts.push(total);
    }
    let [rounded, mixed] = counts[..] else {
        anyhow::bail!("two counts were read");
    };
    Ok(json!({
        "engine": "victoriametrics",
        "endpoints": format!("{endpoints:?}"),
        "retentionMs": config.retention_ms,
        "series": status.series,
        "histogramSeries": status.histogram_series,
        "points": status.points,
        "oldest": status.oldest,
        "newest": status.newest,
        "keepsValuesExactly": false,
        "valuesRounded": rounded,
        "valuesRoundedByLargerNeighbours": mixed,
        "precision": match precision {
            crest_victoria::Precision::Report => "report",
            crest_victoria::Precision::Refuse => "refuse",
        },
    }))
}

async fn audit(store: &SqlStore, offset: u64, limit: u32) -> anyhow::Result<serde_json::Value> {
    // The API's paging rule: limit 0 is the default page, offsets beyond i64 are refused.
    let page = crest_types::paging::PageRequest::new(offset, u64::from(limit))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let (records, total) = store.audit_events(page.offset, page.limit).await?;
    let items: Vec<crest_types::crest::AuditEvent> = records
        .into_iter()
        .map(crest_http::present::audit_event)
        .collect();
    Ok(json!({ "items": items, "totalItems": total }))
}

async fn csp_app(store: &SqlStore, command: CspAppCommand) -> anyhow::Result<serde_json::Value> {
    let CspAppCommand::Create {
        name,
        roles,
        ttl_minutes,
        description,
    } = command;
    let (app, secret) = csp::app::create(
        store,
        &SystemClock,
        &OsRandom,
        &Principal::operator(),
        NewCspApp {
            name,
            description,
            roles,
            ttl_minutes,
        },
    )
    .await?;
    Ok(json!({
        "clientId": app.id,
        "clientSecret": secret.reveal(),
        "orgId": csp::org::org_id(store, &OsRandom).await?,
    }))
}

async fn csp_token(
    store: &SqlStore,
    command: CspTokenCommand,
) -> anyhow::Result<serde_json::Value> {
    let CspTokenCommand::Create {
        user,
        roles,
        name,
        ttl_minutes,
    } = command;
    let (_, secret) = csp::api_token::create(
        store,
        &SystemClock,
        &OsRandom,
        &Principal::operator(),
        NewCspToken {
            account: AccountId::parse(&user)?,
            name,
            roles,
            ttl_minutes,
        },
    )
    .await?;
    Ok(json!({
        "token": secret.reveal(),
        "orgId": csp::org::org_id(store, &OsRandom).await?,
    }))
}

async fn signing_key(
    store: &SqlStore,
    command: SigningKeyCommand,
) -> anyhow::Result<serde_json::Value> {
    let store: Arc<dyn Store> = Arc::new(store.clone());
    let ring = KeyRing::new(store, Arc::new(SystemClock));
    match command {
        SigningKeyCommand::Rotate => Ok(json!({ "kid": ring.rotate().await? })),
        SigningKeyCommand::Measure { seconds } => {
            if ring.reload().await? == 0 {
                anyhow::bail!("no signing key yet: start the server once");
            }
            measure_signing(&ring, seconds)
        }
    }
}

/// Signs typical claims on every core for `seconds`; the signatures per second.
fn measure_signing(ring: &KeyRing, seconds: u64) -> anyhow::Result<serde_json::Value> {
    let claims = crest_auth::csp::claims::AccessClaims {
        sub: "bench".into(),
        azp: "bench".into(),
        domain: "crest".into(),
        context: "org".into(),
        context_name: "org".into(),
        perms: vec!["csp:org_member".into(), "aoa:proxies".into()],
        scope: "csp:org_member aoa:proxies".into(),
        iss: "bench".into(),
        iat: 0,
        exp: 1800,
        jti: "00000000-0000-4000-8000-000000000000".into(),
        username: "bench".into(),
        crest_src: "a:1:bench".into(),
    };
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let limit = std::time::Duration::from_secs(seconds.max(1));
    let start = std::time::Instant::now();
    let total: u64 = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut n = 0u64;
                    while start.elapsed() < limit {
                        if ring.sign_now(&claims).is_ok() {
                            n += 1;
                        }
                    }
                    n
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap_or(0)).sum()
    });
    let rate = total as f64 / start.elapsed().as_secs_f64();
    Ok(json!({ "threads": threads, "signatures": total, "signaturesPerSecond": rate.round() }))
}

/// `crest openapi`: the document the server serves at `/api/v2/swagger.json`.
pub fn print_openapi() -> anyhow::Result<()> {
    print_json(&serde_json::to_value(crest_http::openapi())?)
}

#[expect(
    clippy::print_stdout,
    reason = "stdout carries the command's one JSON answer"
)]
fn print_json(value: &serde_json::Value) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}
