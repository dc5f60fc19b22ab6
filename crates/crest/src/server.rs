//! The server's life cycle: open the store, bootstrap, listen, serve, shut down gracefully.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum_server::Handle;
use axum_server::tls_rustls::RustlsConfig;
use crest_auth::csp::remote::RemoteKeys;
use crest_auth::csp::verify::TrustedIssuer;
use crest_auth::session::Sessions;
use crest_domain::Chain;
use crest_domain::bootstrap::{BootstrapOutcome, bootstrap};
use crest_domain::clock::{Clock, SystemClock};
use crest_domain::csp::signing_key::SigningKeyRecord;
use crest_domain::lease::{Lease, LeaseStore, instance_id};
use crest_domain::random::{OsRandom, Random};
use crest_domain::store::BootstrapApplied;
use crest_domain::token_vault::TokenVault;
use crest_http::ingest_gate::{DEFAULT_IN_FLIGHT, IngestGate};
use crest_http::spy::SpyHub;
use crest_http::{AppState, HttpSettings, QuerySettings};
use crest_store::SqlStore;
use tokio::task::JoinHandle;

use crate::config::Config;
use crate::points::Points;

/// How long an idle keep-alive connection (or a client sending its headers) is given before the
/// server closes it. Clients may keep connections idle for at least a minute.
pub const IDLE_CONNECTION_TIMEOUT: Duration = Duration::from_secs(75);
/// How long in-flight requests get to finish after a shutdown signal.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Time and randomness, injected.
#[derive(Debug, Clone)]
pub struct Dependencies {
    pub clock: Arc<dyn Clock>,
    pub random: Arc<dyn Random>,
    /// The first signing key, when the store has none (tests make one key and share it);
    /// otherwise it is made in the background.
    pub signing_key: Option<SigningKeyRecord>,
    /// The period of the trash and session sweep ([`SWEEP_INTERVAL`]; tests shorten it).
    pub sweep_every: Duration,
    /// How long a body of lines waits for an ingestion slot before it is pushed back
    /// ([`crest_http::ingest_gate::DEFAULT_WAIT`]; tests make it zero).
    pub ingest_wait: Duration,
    /// How often the alert evaluator looks for due alerts ([`crate::alerting::EVALUATE_EVERY`];
    /// tests lengthen it and run rounds themselves through [`RunningServer::alerts`]).
    pub evaluate_every: Duration,
    /// How often the derived-metric runner looks for due derived metrics
    /// ([`crate::deriving::DERIVE_EVERY`]; tests lengthen it and run rounds themselves through
    /// [`RunningServer::derived`]).
    pub derive_every: Duration,
    /// Where alert notifications go (tests record them); the configured delivery when `None`.
    pub notifier: Option<Arc<dyn crest_alert::Notifier>>,
    /// The wait after a notification's first failed attempt (one second; tests shorten it).
    pub delivery_backoff: Duration,
}

impl Default for Dependencies {
    fn default() -> Self {
        Self {
            clock: Arc::new(SystemClock),
            random: Arc::new(OsRandom),
            signing_key: None,
            sweep_every: SWEEP_INTERVAL,
            ingest_wait: crest_http::ingest_gate::DEFAULT_WAIT,
            evaluate_every: crate::alerting::EVALUATE_EVERY,
            derive_every: crate::deriving::DERIVE_EVERY,
            notifier: None,
            delivery_backoff: Duration::from_secs(1),
        }
    }
}

/// A server that is accepting requests.
#[derive(Debug)]
pub struct RunningServer {
    pub local_addr: SocketAddr,
    pub bootstrap: BootstrapOutcome,
    pub store: Arc<SqlStore>,
    /// Where points are kept: the embedded engine or VictoriaMetrics behind the ingest log.
    pub points: Points,
    /// This instance's id as a lease holder, random, made at its start.
    pub instance: String,
    /// What this instance's sweep did so far: its ticks, and those it ran (holding the lease).
    pub sweeps: tokio::sync::watch::Receiver<SweepCounts>,
    sweep_lease: Lease,
    /// The open ingestion-spy streams, ended first at shutdown (they never end by themselves).
    spy: Arc<SpyHub>,
    /// The slots of ingestion (tests take them to see a body pushed back).
    pub ingest_gate: IngestGate,
    /// The alert evaluator (tests run its rounds on a moved clock).
    pub alerts: Arc<crest_alert::Evaluator>,
    /// What this instance's evaluator did so far.
    pub alert_rounds: tokio::sync::watch::Receiver<crate::alerting::AlertRounds>,
    alerts_lease: Lease,
    /// The derived-metric runner (tests run its rounds on a moved clock).
    pub derived: Arc<crest_alert::DerivedRunner>,
    /// What this instance's runner did so far.
    pub derived_rounds: tokio::sync::watch::Receiver<crate::deriving::DerivedRounds>,
    derived_lease: Lease,
    derived_task: JoinHandle<()>,
    handle: Handle<SocketAddr>,
    task: JoinHandle<std::io::Result<()>>,
    usage_task: JoinHandle<()>,
    trash_task: JoinHandle<()>,
    alert_task: JoinHandle<()>,
}

impl RunningServer {
    /// Stops accepting, lets in-flight requests finish, cuts the engine's head into blocks, and
    /// closes the store.
    pub async fn shutdown(self) -> anyhow::Result<()> {
        self.spy.close();
        self.handle.graceful_shutdown(Some(SHUTDOWN_GRACE));
        self.trash_task.abort();
        self.alert_task.abort();
        self.derived_task.abort();
        // An aborted task ends with a cancellation error, which is the expected outcome here.
        let _ = self.trash_task.await;
        let _ = self.alert_task.await;
        let _ = self.derived_task.await;
        if let Err(e) = self.alerts_lease.release().await {
            tracing::warn!(error = %Chain(&e), "cannot release the alerts' lease; another instance takes it when it runs out");
        }
        if let Err(e) = self.derived_lease.release().await {
            tracing::warn!(error = %Chain(&e), "cannot release the derived metrics' lease; another instance takes it when it runs out");
        }
        // Another instance may sweep from its next tick, without waiting for the lease to run out.
        if let Err(e) = self.sweep_lease.release().await {
            tracing::warn!(error = %Chain(&e), "cannot release the sweep's lease; another instance takes it when it runs out");
        }
        self.task.await.context("the server task failed")??;
        self.points.close().await;
        // The router is gone with the server, so the usage writer drains and ends.
        self.usage_task
            .await
            .context("the token-usage writer failed")?;
        self.store.close().await;
        Ok(())
    }

    /// Stops at once, without waiting for requests in flight or for the store to close: for
    /// where nothing can be awaited (a test fixture's `Drop`). The pools close when dropped.
    pub fn stop_now(self) {
        self.spy.close();
        self.handle.shutdown();
        self.task.abort();
        self.usage_task.abort();
        self.trash_task.abort();
        self.alert_task.abort();
        self.derived_task.abort();
        self.points.abort();
    }
}

/// Opens the store, bootstraps, and starts serving. Returns once the listener accepts requests,
/// so that a `/healthz` answer always means every request can be served.
pub async fn start(config: &Config, deps: Dependencies) -> anyhow::Result<RunningServer> {
    // One crypto provider for every TLS user in the process (ring); a second call is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let store = Arc::new(
        SqlStore::open(&config.store)
            .await
            .with_context(|| format!("cannot open the store at {}", config.store))?,
    );
    let outcome = bootstrap(
        store.as_ref(),
        deps.clock.as_ref(),
        deps.random.as_ref(),
        config.bootstrap.as_ref(),
    )
    .await
    .context("bootstrap failed")?;
    log_bootstrap(&outcome);
    if let Some(password) = &config.bootstrap_password {
        set_bootstrap_password(&store, &deps, &outcome.admin, password).await?;
    }

    let token_vault = match &config.token_retrieval_key_file {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| {
                format!("cannot read the token retrieval key {}", path.display())
            })?;
            tracing::warn!(
                "tokens are retrievable (CREST_TOKEN_RETRIEVAL_KEY_FILE): new tokens are kept sealed with the operator's key"
            );
            Some(TokenVault::from_hex(&text).context("invalid token retrieval key")?)
        }
        None => None,
    };
    let mailer = match &config.smtp {
        Some(smtp) => {
            use secrecy::ExposeSecret as _;
            let mailer = crate::mail::SmtpMailer::new(smtp.url.expose_secret(), &smtp.from)?;
            Some(Arc::new(mailer) as Arc<dyn crest_domain::mail::Mailer>)
        }
        None => None,
    };
    let instance = instance_id(deps.random.as_ref()).context("cannot make an instance id")?;
    let leases: Arc<dyn LeaseStore> = store.clone();
    let points = Points::open(config, deps.clock.clone(), leases.clone(), &instance).await?;
    let listener = std::net::TcpListener::bind(config.listen)
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let local_addr = listener.local_addr()?;
    // A public URL derived from a listen address on port 0 names the port actually bound.
    let public_url = match config.public_url.strip_suffix(":0") {
        Some(_) if config.listen.port() == 0 => format!("{}://{local_addr}", config.scheme()),
        _ => config.public_url.clone(),
    };
    let (state, usage_writer) = AppState::new(
        store.clone(),
        store.clone(),
        deps.clock.clone(),
        deps.random.clone(),
        HttpSettings {
            secure_cookies: config.tls.is_some() || public_url.starts_with("https://"),
            public_url,
            max_body_bytes: config.max_body_bytes,
            token_vault,
            mailer: mailer.clone(),
            subscription: config.subscription,
            trusted_issuer: config.trusted_issuer.as_ref().map(|t| {
                Arc::new(TrustedIssuer {
                    keys: RemoteKeys::new(t.jwks_url.clone()),
                    issuer: t.issuer.clone(),
                    org_id: t.org_id.clone(),
                })
            }),
        },
    );
    let data = points.data_path().with_query_settings(
        QuerySettings::new(
            config.query_max_series,
            config.query_max_points,
            config.query_timeout,
        )
        .with_obsolete_after(config.query_obsolete_after),
    );
    let data = data.with_ingest_gate(IngestGate::new(DEFAULT_IN_FLIGHT, deps.ingest_wait));
    let data_reader = data.reader.clone();
    let data_writer = data.writer.clone();
    let query_limits = data.query.limits;
    let spy = data.spy.clone();
    let ingest_gate = data.gate.clone();
    let mut delivery = crate::delivery::DeliverySettings::new(
        state.settings.public_url.clone(),
        config.pagerduty_url.clone(),
    );
    delivery.first_backoff = deps.delivery_backoff;
    delivery.max_backoff = delivery.max_backoff.max(deps.delivery_backoff);
    let dispatcher = crate::delivery::Delivery::start(
        delivery,
        crate::delivery::DeliveryOutlets {
            events: store.clone(),
            clock: deps.clock.clone(),
            writer: Some(data.writer.clone()),
            mailer,
        },
    )?;
    let dispatcher: Arc<dyn crest_domain::notificant::Dispatcher> = Arc::new(dispatcher);
    let state = state
        .with_data(data)
        .with_alert_targets(store.clone())
        .with_targets(crest_http::AlertTargets {
            dispatcher: dispatcher.clone(),
            links: Arc::new(crest_domain::alert::AlertLinks::new(
                store.clone(),
                deps.clock.clone(),
            )),
        });
    // The identity service's keys: loaded, or (on a first start) made in the background.
    state
        .issuer
        .keys()
        .prepare(deps.signing_key.as_ref())
        .await
        .context("cannot load the signing keys")?;
    // Token use is written in the background, never on a request's path.
    let usage_task = tokio::spawn(usage_writer.run());
    let sweep_lease = Lease::new(
        leases,
        deps.clock.clone(),
        SWEEP_LEASE,
        instance.clone(),
        deps.sweep_every.saturating_mul(SWEEP_LEASE_PERIODS),
    );
    let (sweep_counts, sweeps) = tokio::sync::watch::channel(SweepCounts::default());
    let trash_task = tokio::spawn(sweep(
        store.clone(),
        state.sessions.clone(),
        deps.clock.clone(),
        config.retention_ms,
        sweep_lease.clone(),
        deps.sweep_every,
        sweep_counts,
    ));
    let alerts = Arc::new(crest_alert::Evaluator {
        store: store.clone(),
        clock: deps.clock.clone(),
        reader: data_reader,
        source_tags: Arc::new(crest_http::TaggedSources::new(
            state.resources.clone(),
            deps.clock.clone(),
        )),
        events: Arc::new(crest_http::StoredEvents::new(
            state.resources.clone(),
            deps.clock.clone(),
        )),
        notifier: deps.notifier.clone().unwrap_or_else(|| {
            Arc::new(crate::alert_delivery::Delivered {
                targets: store.clone(),
                dispatcher,
            })
        }),
        limits: query_limits,
        obsolete_after: i64::try_from(config.query_obsolete_after.as_secs()).unwrap_or(i64::MAX),
        query_timeout: crate::alerting::ALERT_QUERY_TIMEOUT,
    });
    let alerts_lease = Lease::new(
        store.clone(),
        deps.clock.clone(),
        crate::alerting::ALERTS_LEASE,
        instance.clone(),
        deps.evaluate_every
            .saturating_mul(crate::alerting::ALERTS_LEASE_TICKS),
    );
    let (round_counts, alert_rounds) =
        tokio::sync::watch::channel(crate::alerting::AlertRounds::default());
    let alert_task = tokio::spawn(crate::alerting::run(
        alerts.clone(),
        alerts_lease.clone(),
        deps.evaluate_every,
        round_counts,
    ));
    let derived = Arc::new(crest_alert::DerivedRunner {
        store: store.clone(),
        clock: deps.clock.clone(),
        reader: alerts.reader.clone(),
        writer: data_writer,
        source_tags: alerts.source_tags.clone(),
        events: alerts.events.clone(),
        limits: query_limits,
        obsolete_after: alerts.obsolete_after,
        query_timeout: crate::deriving::DERIVED_QUERY_TIMEOUT,
    });
    let derived_lease = Lease::new(
        store.clone(),
        deps.clock.clone(),
        crate::deriving::DERIVED_LEASE,
        instance.clone(),
        deps.derive_every
            .saturating_mul(crate::deriving::DERIVED_LEASE_TICKS),
    );
    let (derived_counts, derived_rounds) =
        tokio::sync::watch::channel(crate::deriving::DerivedRounds::default());
    let derived_task = tokio::spawn(crate::deriving::run(
        derived.clone(),
        derived_lease.clone(),
        deps.derive_every,
        derived_counts,
    ));
    let app = crest_http::router(state).into_make_service_with_connect_info::<SocketAddr>();
    let handle = Handle::new();
    let task = match &config.tls {
        None => {
            let mut server = axum_server::from_tcp(listener)?.handle(handle.clone());
            server
                .http_builder()
                .http1()
                .header_read_timeout(IDLE_CONNECTION_TIMEOUT);
            tokio::spawn(server.serve(app))
        }
        Some(tls) => {
            let rustls = RustlsConfig::from_pem_file(&tls.cert, &tls.key)
                .await
                .context("cannot load the TLS certificate and key")?;
            let mut server =
                axum_server::tls_rustls::from_tcp_rustls(listener, rustls)?.handle(handle.clone());
            server
                .http_builder()
                .http1()
                .header_read_timeout(IDLE_CONNECTION_TIMEOUT);
            tokio::spawn(server.serve(app))
        }
    };
    Ok(RunningServer {
        local_addr,
        bootstrap: outcome,
        store,
        points,
        instance,
        sweeps,
        sweep_lease,
        spy,
        ingest_gate,
        alerts,
        alert_rounds,
        alerts_lease,
        derived,
        derived_rounds,
        derived_lease,
        derived_task,
        handle,
        task,
        usage_task,
        trash_task,
        alert_task,
    })
}

/// How often objects that have been in the trash for 30 days, and expired sessions, are removed.
/// Until then, reads already treat them as gone.
pub const SWEEP_INTERVAL: Duration = Duration::from_secs(60 * 60);

/// The lease the sweep runs under: one instance of a deployment sweeps.
pub const SWEEP_LEASE: &str = "sweep";

/// The sweep lease's time to live, in sweep periods: the holder renews it at every tick; when it
/// dies, another instance sweeps within this many periods and one more.
pub const SWEEP_LEASE_PERIODS: u32 = 2;

/// What an instance's sweep did since its start.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepCounts {
    /// Ticks of the sweep's period, counted once each tick's work (if any) is done.
    pub ticks: u64,
    /// Ticks at which this instance held the sweep's lease and swept.
    pub swept: u64,
}

/// Removes expired objects from the trash, forgets expired sessions, removes events older than
/// the retention period (`retention_ms`, the points' own) and forgets ephemeral proxies silent for
/// 24 hours, at start and then every `every` (an hour), for good: at each tick, only if this
/// instance holds (or takes) the lease [`SWEEP_LEASE`].
async fn sweep(
    store: Arc<SqlStore>,
    sessions: Sessions,
    clock: Arc<dyn Clock>,
    retention_ms: i64,
    lease: Lease,
    every: Duration,
    counts: tokio::sync::watch::Sender<SweepCounts>,
) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let held = match lease.hold().await {
            Ok(held) => held,
            Err(e) => {
                tracing::warn!(error = %Chain(&e), "cannot take or renew the sweep's lease; will try again");
                false
            }
        };
        if held {
            sweep_once(&store, &sessions, clock.as_ref(), retention_ms).await;
        } else {
            tracing::debug!("another instance holds the sweep's lease");
        }
        counts.send_modify(|c| {
            c.ticks += 1;
            c.swept += u64::from(held);
        });
    }
}

/// One sweep: expired sessions, the trash's expired objects, events past the retention period,
/// then silent ephemeral proxies.
async fn sweep_once(store: &SqlStore, sessions: &Sessions, clock: &dyn Clock, retention_ms: i64) {
    match sessions.purge_expired().await {
        Ok(0) => {}
        Ok(n) => tracing::debug!(removed = n, "forgot expired sessions"),
        Err(e) => {
            tracing::warn!(error = %Chain(&e), "cannot forget expired sessions; will try again")
        }
    }
    let cutoff = crest_domain::trash::expiry_cutoff(clock.now_millis());
    match crest_domain::trash::TrashStore::purge_expired(store, cutoff).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(removed = n, "emptied expired objects from the trash"),
        Err(e) => tracing::warn!(error = %Chain(&e), "cannot empty the trash; will try again"),
    }
    let events = crest_domain::event::Events::new(store, clock);
    match events
        .purge(clock.now_millis().saturating_sub(retention_ms))
        .await
    {
        Ok(0) => {}
        Ok(n) => tracing::info!(
            removed = n,
            "removed events older than the retention period"
        ),
        Err(e) => tracing::warn!(error = %Chain(&e), "cannot remove old events; will try again"),
    }
    let proxies = crest_domain::proxy::Proxies::new(store, clock);
    match proxies.forget_silent().await {
        Ok(0) => {}
        Ok(n) => tracing::info!(removed = n, "forgot ephemeral proxies silent for 24 hours"),
        Err(e) => {
            tracing::warn!(error = %Chain(&e), "cannot forget silent proxies; will try again")
        }
    }
}

/// Gives the bootstrap administrator the configured password (unless it already has it).
async fn set_bootstrap_password(
    store: &Arc<SqlStore>,
    deps: &Dependencies,
    admin: &crest_domain::account::AccountId,
    password: &secrecy::SecretString,
) -> anyhow::Result<()> {
    use secrecy::ExposeSecret as _;
    let password = crest_domain::password::Password::new(password.expose_secret())
        .context("invalid CREST_BOOTSTRAP_PASSWORD")?;
    let Some(account) = crest_domain::store::AccountStore::account(store.as_ref(), admin).await?
    else {
        tracing::warn!(%admin, "CREST_BOOTSTRAP_PASSWORD is set but the administrator does not exist");
        return Ok(());
    };
    let passwords = crest_auth::password::Passwords::new(
        store.clone(),
        deps.clock.clone(),
        deps.random.clone(),
    );
    if passwords.ensure(&account, password).await? {
        tracing::info!(%admin, "bootstrap: password set");
    }
    Ok(())
}

fn log_bootstrap(outcome: &BootstrapOutcome) {
    match outcome.applied {
        BootstrapApplied::Created => {
            tracing::info!(admin = %outcome.admin, "bootstrap: administrator created")
        }
        BootstrapApplied::TokenReplaced => {
            tracing::info!(admin = %outcome.admin, "bootstrap: token replaced; the previous one is revoked")
        }
        BootstrapApplied::Unchanged => {
            tracing::debug!(admin = %outcome.admin, "bootstrap: nothing to change")
        }
        BootstrapApplied::Skipped => tracing::debug!("bootstrap: the store already has accounts"),
    }
}

/// `crest serve`: runs until SIGINT or SIGTERM, then shuts down gracefully.
pub async fn serve_until_signalled(config: Config) -> anyhow::Result<()> {
    let signalled = shutdown_signal()?;
    let deps = Dependencies {
        evaluate_every: config.alert_every,
        derive_every: config.derived_every,
        ..Dependencies::default()
    };
    let server = start(&config, deps).await?;
    if let Some(token) = &server.bootstrap.first_start_token {
        // Shown once, on the terminal only: never through the log.
        eprintln!(
            "\n  crest: first start. An administrator was created:\n\n    \
             account:   {}\n    API token: {}\n\n  \
             Call the API with: curl -H 'Authorization: Bearer <API token>' {}/api/v2/cluster/info\n  \
             This token is shown only this once; keep it somewhere safe.\n",
            server.bootstrap.admin,
            token.reveal(),
            config.public_url
        );
    }
    tracing::info!(
        store = %config.store,
        public_url = %config.public_url,
        "crest is serving on {}://{}",
        config.scheme(),
        server.local_addr
    );
    signalled.await;
    tracing::info!("shutting down");
    server.shutdown().await
}

/// SIGINT or SIGTERM, listened for from the moment this is created: a signal that arrives while
/// the server starts is not lost, and never kills the process before it can shut down cleanly.
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("cannot listen for SIGTERM")?;
    #[cfg(unix)]
    let mut interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
        .context("cannot listen for SIGINT")?;
    Ok(async move {
        #[cfg(unix)]
        tokio::select! {
            _ = terminate.recv() => {},
            _ = interrupt.recv() => {},
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    })
}
