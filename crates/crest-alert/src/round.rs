//! One evaluation round: every alert that is due checked on the data, its state recorded, its
//! events opened and ended, its notifications handed over (reference §1.4, §1.7, §3.3).
//!
//! A round reads each due alert's conditions through the query language, judges them with
//! [`mod@crate::check`], and then acts: the alert's runtime state is written (never a version), a
//! firing opens an `alert` event that its resolution ends, an update adds `alert-detail` events,
//! missing data opens a no-data event, and each notice of [`crate::fanout`] goes to the
//! [`Notifier`] with the targets of its level — or, while maintenance windows hold the whole
//! alert, to the windows' own targets, or to no one.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crest_domain::Chain;
use crest_domain::alert::{
    AlertRecord, AlertRuntime, AlertState, AlertStore, Severity, SourceLabelPair,
};
use crest_domain::clock::{Clock, EpochMillis};
use crest_domain::event::{EventInput, EventStore, Events};
use crest_domain::maintenance::{
    MaintenanceWindowRecord, MaintenanceWindowStore, RunningState, Series, applies_to_alert,
    applies_to_series,
};
use crest_domain::source::SourceStore;
use crest_domain::store::StoreError;
use crest_query::{EventReader, QueryLimits, SourceTags};
use crest_series::SeriesReader;

use crate::check::{
    Answer, Change, Check, CheckInput, FailingSeries, Previous, QueryFailure, check,
};
use crate::condition::{Sources, answer};
use crate::fanout::{Notice, Trigger, notices};
use crate::series::SeriesKey;
use crate::spec::{AlertSpec, INVALID_PROCESS_RATE_MINUTES};
use crate::window::MINUTE_MS;

/// The stores a round reads and writes.
pub trait EvaluatorStore:
    AlertStore + MaintenanceWindowStore + EventStore + SourceStore + Send + Sync
{
}

impl<T: AlertStore + MaintenanceWindowStore + EventStore + SourceStore + Send + Sync + ?Sized>
    EvaluatorStore for T
{
}

/// One notification of one alert, handed to the [`Notifier`].
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub alert_id: String,
    pub name: String,
    /// The query notifications show: the `displayExpression`, else the condition.
    pub condition: String,
    /// The severity the alert fires at (its level's, when it does not fire).
    pub severity: Severity,
    pub trigger: Trigger,
    /// An update that changed the alert's highest severity.
    pub severity_changed: bool,
    pub failing: Vec<SourceLabelPair>,
    pub newly_failing: Vec<SeriesKey>,
    pub recovered: Vec<SeriesKey>,
    pub in_maintenance: Vec<SeriesKey>,
    pub created_ms: EpochMillis,
    /// When the alert started firing (its firing event's start).
    pub since_ms: Option<EpochMillis>,
    /// When it stopped (a resolution).
    pub ended_ms: Option<EpochMillis>,
    /// Until when a snooze holds it (ALERT_SNOOZED; none when for ever).
    pub snoozed_until_ms: Option<EpochMillis>,
    pub error_message: String,
    pub tags: Vec<String>,
    /// The alert's document (its `additionalInformation`, links, ...).
    pub document: serde_json::Map<String, serde_json::Value>,
}

/// Delivers notifications.
#[async_trait::async_trait]
pub trait Notifier: Send + Sync + std::fmt::Debug {
    /// Hands `outgoing` over for delivery to `targets` (a `target` string: email addresses,
    /// `pd:` keys, `target:` ids); delivery itself happens elsewhere, never holding up a round.
    async fn notify(&self, targets: &str, outgoing: Outgoing);
}

/// What a round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RoundReport {
    /// Alerts checked.
    pub checked: usize,
    /// Alerts whose next check is not due yet.
    pub not_due: usize,
    /// Alerts not checked because they are snoozed.
    pub snoozed: usize,
    /// Alerts left as they were: the engine could not be read, or the store failed.
    pub skipped: usize,
    /// Notifications handed over.
    pub notifications: usize,
}

/// Why a round could not run at all.
#[derive(Debug, thiserror::Error)]
#[error("cannot read the alerts or maintenance windows")]
pub struct RoundError(#[source] pub StoreError);

/// The evaluator: its collaborators and limits.
#[derive(Clone)]
pub struct Evaluator {
    pub store: Arc<dyn EvaluatorStore>,
    pub clock: Arc<dyn Clock>,
    pub reader: Arc<dyn SeriesReader>,
    pub source_tags: Arc<dyn SourceTags>,
    pub events: Arc<dyn EventReader>,
    pub notifier: Arc<dyn Notifier>,
    pub limits: QueryLimits,
    /// The obsolescence period in seconds.
    pub obsolete_after: i64,
    /// How long one condition may run before the alert is INVALID ("timing out").
    pub query_timeout: Duration,
}

impl std::fmt::Debug for Evaluator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Evaluator")
            .field("limits", &self.limits)
            .field("obsolete_after", &self.obsolete_after)
            .field("query_timeout", &self.query_timeout)
            .finish_non_exhaustive()
    }
}

/// Whether an alert checked last at `last` is due at `now`: a whole number of its periods of
/// minutes have begun since (15 minutes for an INVALID alert).
fn due(record: &AlertRecord, spec: &AlertSpec, now: EpochMillis) -> bool {
    let Some(last) = record.runtime.last_processed_millis else {
        return true;
    };
    let period = if record.runtime.status.contains(&AlertState::Invalid) {
        INVALID_PROCESS_RATE_MINUTES
    } else {
        spec.process_rate_minutes
    };
    now.div_euclid(MINUTE_MS) - last.div_euclid(MINUTE_MS) >= i64::from(period)
}

/// Whether a snooze is in force at `now` (negative: for ever).
fn snoozed(record: &AlertRecord, now: EpochMillis) -> bool {
    record.snoozed.is_some_and(|until| until < 0 || until > now)
}

fn key_of(pair: &SourceLabelPair) -> SeriesKey {
    SeriesKey {
        host: (!pair.host.is_empty()).then(|| pair.host.clone()),
        label: pair.label.clone(),
        tags: pair.tags.clone(),
    }
}

fn pair_of(key: &SeriesKey) -> SourceLabelPair {
    SourceLabelPair {
        host: key.host.clone().unwrap_or_default(),
        label: key.label.clone(),
        tags: key.tags.clone(),
        ..SourceLabelPair::default()
    }
}

/// What the previous check left, from the recorded runtime.
fn previous_of(runtime: &AlertRuntime, fallback: Severity) -> Previous {
    Previous {
        failing: runtime
            .failing_host_label_pairs
            .iter()
            .map(|p| FailingSeries {
                key: key_of(p),
                severity: p.severity.unwrap_or(fallback),
                since_ms: p.start_time.unwrap_or_default(),
                observed: usize::try_from(p.observed).unwrap_or_default(),
                firing: usize::try_from(p.firing).unwrap_or_default(),
            })
            .collect(),
        no_data: runtime.status.contains(&AlertState::NoData),
        invalid: runtime.status.contains(&AlertState::Invalid),
        in_maintenance: runtime
            .in_maintenance_host_label_pairs
            .iter()
            .map(key_of)
            .collect(),
        last_notified_ms: runtime.last_notification_millis,
    }
}

/// The maintenance windows holding an alert's series at one check.
struct Held<'w> {
    /// Each held series with the windows holding it.
    series: BTreeMap<SeriesKey, Vec<&'w MaintenanceWindowRecord>>,
    /// Whether the windows hold the whole alert (every answered series, or a window without
    /// source criteria).
    whole: bool,
}

impl Held<'_> {
    fn names(&self) -> Vec<String> {
        let names: BTreeSet<&str> = self
            .series
            .values()
            .flatten()
            .map(|w| w.spec.title.as_str())
            .collect();
        names.into_iter().map(str::to_owned).collect()
    }

    /// The targets the windows name instead of the alert's own (none: the alert is mute).
    fn targets(&self) -> Vec<String> {
        let t: BTreeSet<&str> = self
            .series
            .values()
            .flatten()
            .flat_map(|w| w.spec.targets.iter().map(String::as_str))
            .collect();
        t.into_iter().map(str::to_owned).collect()
    }
}

impl Evaluator {
    /// Checks every alert that is due now.
    pub async fn round(&self) -> Result<RoundReport, RoundError> {
        let now = self.clock.now_millis();
        let alerts = self
            .store
            .list_alerts_for_evaluation()
            .await
            .map_err(RoundError)?;
        let windows: Vec<MaintenanceWindowRecord> = self
            .store
            .maintenance_windows()
            .await
            .map_err(RoundError)?
            .into_iter()
            .filter(|w| w.running_state(now) == RunningState::Ongoing)
            .collect();
        let mut report = RoundReport::default();
        let mut host_tags: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for record in alerts {
            if record.trashed_ms.is_some() {
                continue;
            }
            let spec = AlertSpec::of(&record);
            if snoozed(&record, now) {
                report.snoozed += 1;
                if record.runtime.snooze_announced != record.snoozed {
                    match self.announce_snooze(&record, &spec).await {
                        Ok(sent) => report.notifications += sent,
                        Err(e) => {
                            tracing::warn!(alert = %record.id, error = %e, "snooze not announced; it is tried again next round");
                        }
                    }
                }
                continue;
            }
            if !due(&record, &spec, now) {
                report.not_due += 1;
                continue;
            }
            // boxed: one alert's check is a deep future (the query language within), kept off the
            // caller's stack
            match Box::pin(self.evaluate(&record, &spec, &windows, &mut host_tags, now)).await {
                Ok(sent) => {
                    report.checked += 1;
                    report.notifications += sent;
                }
                Err(e) => {
                    tracing::warn!(alert = %record.id, error = %e, "alert not checked; it is tried again next round");
                    report.skipped += 1;
                }
            }
        }
        Ok(report)
    }

    /// Tells every target of the alert, once per snooze, that it is snoozed (ALERT_SNOOZED), and
    /// records that it did.
    async fn announce_snooze(
        &self,
        record: &AlertRecord,
        spec: &AlertSpec,
    ) -> Result<usize, String> {
        let now = self.clock.now_millis();
        let runtime = &record.runtime;
        let severity = runtime.severity.unwrap_or(lowest_severity(spec));
        let targets: BTreeSet<&str> = spec
            .levels()
            .into_iter()
            .filter_map(|level| spec.targets_of(level))
            .collect();
        let mut sent = 0;
        for target in targets {
            let outgoing = Outgoing {
                alert_id: record.id.clone(),
                name: spec.name.clone(),
                condition: condition_text(record, spec, severity).to_owned(),
                severity,
                trigger: Trigger::AlertSnoozed,
                severity_changed: false,
                failing: runtime.failing_host_label_pairs.clone(),
                newly_failing: Vec::new(),
                recovered: Vec::new(),
                in_maintenance: runtime
                    .in_maintenance_host_label_pairs
                    .iter()
                    .map(key_of)
                    .collect(),
                created_ms: record.created_ms,
                since_ms: runtime
                    .failing_host_label_pairs
                    .iter()
                    .filter_map(|p| p.start_time)
                    .min(),
                ended_ms: None,
                snoozed_until_ms: record.snoozed.filter(|until| *until > 0),
                error_message: String::new(),
                tags: spec.tags.clone(),
                document: record.document.clone(),
            };
            self.notifier.notify(target, outgoing).await;
            sent += 1;
        }
        let mut next = runtime.clone();
        next.snooze_announced = record.snoozed;
        if sent > 0 {
            next.last_notification_millis = Some(now);
        }
        self.store
            .record_evaluation(&record.id, &next)
            .await
            .map_err(|e| Chain(&e).to_string())?;
        Ok(sent)
    }

    /// Each condition's answer, or why the check cannot happen.
    async fn answers(
        &self,
        spec: &AlertSpec,
        now: EpochMillis,
    ) -> Result<(Vec<(Severity, Answer)>, i64), String> {
        let sources = Sources {
            reader: self.reader.as_ref(),
            tags: self.source_tags.as_ref(),
            events: self.events.as_ref(),
            limits: self.limits,
            obsolete_after: self.obsolete_after,
        };
        let mut out = Vec::with_capacity(spec.conditions.len());
        let mut scanned = 0i64;
        for (severity, query) in &spec.conditions {
            let cancel = Arc::new(AtomicBool::new(false));
            let run = Box::pin(answer(
                sources,
                query,
                now,
                spec.timing,
                spec.include_obsolete,
                &cancel,
            ));
            let got = match tokio::time::timeout(self.query_timeout, run).await {
                Ok(Ok((a, points))) => {
                    scanned = scanned.saturating_add(points);
                    a
                }
                Ok(Err(unreadable)) => return Err(unreadable.to_string()),
                Err(_) => {
                    cancel.store(true, Ordering::Relaxed);
                    Answer::Failed(QueryFailure {
                        syntax: false,
                        message: format!(
                            "Terminating Query to save resources: the query ran longer than {} ms",
                            self.query_timeout.as_millis()
                        ),
                    })
                }
            };
            out.push((*severity, got));
        }
        Ok((out, scanned))
    }

    /// Which windows hold which answered series of this alert.
    async fn held<'w>(
        &self,
        spec: &AlertSpec,
        answers: &[(Severity, Answer)],
        windows: &'w [MaintenanceWindowRecord],
        host_tags: &mut BTreeMap<String, Vec<String>>,
    ) -> Result<Held<'w>, StoreError> {
        let mine: Vec<&MaintenanceWindowRecord> = windows
            .iter()
            .filter(|w| applies_to_alert(&w.spec, &spec.tags))
            .collect();
        let mut held = Held {
            series: BTreeMap::new(),
            whole: false,
        };
        if mine.is_empty() {
            return Ok(held);
        }
        let keys: BTreeSet<&SeriesKey> = answers
            .iter()
            .filter_map(|(_, a)| match a {
                Answer::Series(s) => Some(s.iter().map(|(k, _)| k)),
                Answer::Failed(_) => None,
            })
            .flatten()
            .collect();
        for key in &keys {
            let host = key.host.clone().unwrap_or_default();
            if !host_tags.contains_key(&host) {
                let tags = match self.store.source(&host).await? {
                    Some(source) => source.tags,
                    None => Vec::new(),
                };
                host_tags.insert(host.clone(), tags);
            }
            let tags = host_tags.get(&host).map(Vec::as_slice).unwrap_or_default();
            let series = Series {
                host: &host,
                host_tags: tags,
                point_tags: &key.tags,
            };
            let holding: Vec<&MaintenanceWindowRecord> = mine
                .iter()
                .copied()
                .filter(|w| applies_to_series(&w.spec, &series))
                .collect();
            if !holding.is_empty() {
                held.series.insert((*key).clone(), holding);
            }
        }
        held.whole = !keys.is_empty() && held.series.len() == keys.len();
        Ok(held)
    }

    /// Checks one alert and acts on what changed; the number of notifications handed over.
    async fn evaluate(
        &self,
        record: &AlertRecord,
        spec: &AlertSpec,
        windows: &[MaintenanceWindowRecord],
        host_tags: &mut BTreeMap<String, Vec<String>>,
        now: EpochMillis,
    ) -> Result<usize, String> {
        let began = std::time::Instant::now();
        let (answers, scanned) = self.answers(spec, now).await?;
        let held = self
            .held(spec, &answers, windows, host_tags)
            .await
            .map_err(|e| Chain(&e).to_string())?;
        let previous = previous_of(&record.runtime, lowest_severity(spec));
        let is_held = |k: &SeriesKey| held.series.contains_key(k);
        let c = check(
            &answers,
            &CheckInput {
                now_ms: now,
                timing: spec.timing,
                resend_minutes: spec.resend_minutes,
                previous: &previous,
                in_maintenance: &is_held,
            },
        );
        let mut runtime = self.runtime_of(record, &c, &held, now, &answers, scanned, began);
        self.record_events(record, spec, &c, &mut runtime).await;
        let before = previous.failing.iter().map(|f| f.severity).max();
        let levels = spec.levels();
        let list = notices(&c.changes, before, c.severity, &levels);
        let sent = self
            .send(record, spec, &c, &held, &list, &runtime, now)
            .await;
        if sent > 0 {
            runtime.last_notification_millis = Some(now);
        }
        self.store
            .record_evaluation(&record.id, &runtime)
            .await
            .map_err(|e| Chain(&e).to_string())?;
        Ok(sent)
    }

    /// The alert's runtime state after check `c`.
    #[allow(clippy::too_many_arguments)]
    fn runtime_of(
        &self,
        record: &AlertRecord,
        c: &Check,
        held: &Held<'_>,
        now: EpochMillis,
        answers: &[(Severity, Answer)],
        scanned: i64,
        began: std::time::Instant,
    ) -> AlertRuntime {
        let mut status = Vec::new();
        if c.invalid.is_some() {
            status.push(AlertState::Invalid);
        }
        if c.no_data {
            status.push(AlertState::NoData);
        }
        status.push(if c.severity.is_some() {
            AlertState::Firing
        } else {
            AlertState::Checking
        });
        if !c.in_maintenance.is_empty() {
            status.push(AlertState::InMaintenance);
        }
        let mut metrics = BTreeSet::new();
        let mut hosts = BTreeSet::new();
        for (_, a) in answers {
            if let Answer::Series(s) = a {
                for (k, _) in s {
                    metrics.insert(k.label.clone());
                    hosts.extend(k.host.clone());
                }
            }
        }
        let old = &record.runtime;
        AlertRuntime {
            status,
            severity: c.severity,
            failing_host_label_pairs: c
                .failing
                .iter()
                .map(|f| SourceLabelPair {
                    observed: i64::try_from(f.observed).unwrap_or(i64::MAX),
                    firing: i64::try_from(f.firing).unwrap_or(i64::MAX),
                    severity: Some(f.severity),
                    start_time: Some(f.since_ms),
                    ..pair_of(&f.key)
                })
                .collect(),
            prefiring_host_label_pairs: c
                .prefiring
                .iter()
                .map(|(k, s)| SourceLabelPair {
                    severity: Some(*s),
                    ..pair_of(k)
                })
                .collect(),
            in_maintenance_host_label_pairs: c.in_maintenance.iter().map(pair_of).collect(),
            active_maintenance_windows: held.names(),
            event: old.event.clone(),
            no_data_event: old.no_data_event.clone(),
            last_processed_millis: Some(now),
            last_notification_millis: old.last_notification_millis,
            last_event_time: old.last_event_time,
            last_query_time: Some(i64::try_from(began.elapsed().as_millis()).unwrap_or(i64::MAX)),
            last_failed_time: if c.invalid.is_some() {
                Some(now)
            } else {
                old.last_failed_time
            },
            last_error_message: c.invalid.as_ref().map(|f| f.message.clone()),
            query_failing: c.invalid.is_some(),
            query_syntax_error: c.invalid.as_ref().is_some_and(|f| f.syntax),
            points_scanned_at_last_query: Some(scanned),
            metrics_used: metrics.into_iter().take(MAX_USED).collect(),
            hosts_used: hosts.into_iter().take(MAX_USED).collect(),
            // checked, so not snoozed: the next snooze is announced afresh
            snooze_announced: None,
        }
    }

    /// Opens and ends the alert's events for the check's changes, noting them in `runtime`. A
    /// failure is logged: the state is recorded all the same (the events are its trace, not its
    /// truth).
    async fn record_events(
        &self,
        record: &AlertRecord,
        spec: &AlertSpec,
        c: &Check,
        runtime: &mut AlertRuntime,
    ) {
        let events = Events::new(self.store.as_ref(), self.clock.as_ref());
        for change in &c.changes {
            let outcome = match change {
                Change::Opened(severity) => {
                    let input = alert_event(record, spec, *severity, "alert", c);
                    events.create_alert_event(&record.id, input).await.map(|e| {
                        runtime.last_event_time = Some(e.start_ms);
                        runtime.event = Some(e.id);
                    })
                }
                Change::Resolved(_) => match &runtime.event {
                    Some(id) => events.end_system_event(id).await.map(|_| ()),
                    None => Ok(()),
                },
                Change::Updated {
                    newly_failing,
                    recovered,
                    ..
                } => {
                    let mut result = Ok(());
                    for (subtype, keys) in [("failing", newly_failing), ("recovered", recovered)] {
                        if keys.is_empty() {
                            continue;
                        }
                        let mut input = alert_event(
                            record,
                            spec,
                            c.severity.unwrap_or(Severity::Info),
                            "alert-detail",
                            c,
                        );
                        input.hosts = Some(keys.iter().filter_map(|k| k.host.clone()).collect());
                        input.end_time = input.start_time.map(|s| s.saturating_add(1));
                        if let Some(a) = input.annotations.as_mut() {
                            a.insert("subtype".into(), subtype.into());
                            a.insert("details".into(), describe(keys));
                        }
                        if let Err(e) = events.create_alert_event(&record.id, input).await {
                            result = Err(e);
                        }
                    }
                    result
                }
                Change::NoData | Change::NoDataMaintenance => {
                    let mut input = alert_event(
                        record,
                        spec,
                        c.severity.unwrap_or(lowest_severity(spec)),
                        "alert",
                        c,
                    );
                    if let Some(a) = input.annotations.as_mut() {
                        a.insert("details".into(), "Missing data.".into());
                    }
                    events
                        .create_alert_event(&record.id, input)
                        .await
                        .map(|e| runtime.no_data_event = Some(e.id))
                }
                Change::NoDataResolved => match &runtime.no_data_event {
                    Some(id) => events.end_system_event(id).await.map(|_| ()),
                    None => Ok(()),
                },
                Change::Retriggered
                | Change::Maintenance
                | Change::Invalid(_)
                | Change::NoLongerInvalid => Ok(()),
            };
            if let Err(e) = outcome {
                tracing::warn!(alert = %record.id, error = %Chain(&e), "cannot record an alert event");
            }
        }
    }

    /// Hands the notices over: each to its level's targets, or, while windows hold the whole
    /// alert, to the windows' targets (the alert is mute when they name none). ALERT_MAINTENANCE
    /// and ALERT_NO_DATA_MAINTENANCE go to the alert's own targets: they say why it is mute.
    #[allow(clippy::too_many_arguments)]
    async fn send(
        &self,
        record: &AlertRecord,
        spec: &AlertSpec,
        c: &Check,
        held: &Held<'_>,
        list: &[Notice],
        runtime: &AlertRuntime,
        now: EpochMillis,
    ) -> usize {
        let instead = held.targets();
        let mut sent = 0;
        let mut told_instead: BTreeSet<Trigger> = BTreeSet::new();
        for notice in list {
            let about_maintenance = matches!(
                notice.trigger,
                Trigger::AlertMaintenance | Trigger::AlertNoDataMaintenance
            );
            let targets: Vec<String> = if held.whole && !about_maintenance {
                // the windows' targets are told once per trigger, whatever the levels
                if !told_instead.insert(notice.trigger) {
                    continue;
                }
                instead.clone()
            } else {
                spec.targets_of(notice.level)
                    .map(str::to_owned)
                    .into_iter()
                    .collect()
            };
            for target in targets {
                let outgoing = outgoing(record, spec, c, notice, runtime, now);
                self.notifier.notify(&target, outgoing).await;
                sent += 1;
            }
        }
        sent
    }
}

/// The most metrics and hosts `metricsUsed` and `hostsUsed` list.
const MAX_USED: usize = 100;

fn lowest_severity(spec: &AlertSpec) -> Severity {
    spec.conditions.first().map_or(Severity::Info, |(s, _)| *s)
}

/// A series list as event details name them: `host (metric) [k=v]...`, comma-separated.
fn describe(keys: &[SeriesKey]) -> String {
    keys.iter()
        .map(|k| {
            let tags: String = k.tags.iter().map(|(t, v)| format!("[{t}={v}]")).collect();
            format!(
                "{} ({}){}{tags}",
                k.host.as_deref().unwrap_or(""),
                k.label,
                if tags.is_empty() { "" } else { " " }
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// An event of the alert: named for it, of `kind` (`alert`, `alert-detail`), at the check.
fn alert_event(
    record: &AlertRecord,
    spec: &AlertSpec,
    severity: Severity,
    kind: &str,
    c: &Check,
) -> EventInput {
    let failing: Vec<SeriesKey> = c.failing.iter().map(|f| f.key.clone()).collect();
    let hosts: BTreeSet<String> = failing.iter().filter_map(|k| k.host.clone()).collect();
    let target = record
        .document
        .get("target")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default();
    let mut annotations = BTreeMap::from([
        ("severity".to_owned(), severity.key().to_owned()),
        ("type".to_owned(), kind.to_owned()),
        ("created".to_owned(), record.created_ms.to_string()),
        ("target".to_owned(), target.to_owned()),
    ]);
    if !failing.is_empty() {
        annotations.insert(
            "details".to_owned(),
            format!("First Affected: {}", describe(&failing)),
        );
    }
    EventInput {
        name: Some(spec.name.clone()),
        start_time: None,
        end_time: None,
        annotations: Some(annotations),
        hosts: Some(hosts.into_iter().collect()),
        tags: None,
        dimensions: None,
        alert_tags: Some(spec.tags.clone()),
        metrics_used: Some(
            failing
                .iter()
                .map(|k| k.label.clone())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
        ),
    }
}

/// The notification of one notice.
fn outgoing(
    record: &AlertRecord,
    spec: &AlertSpec,
    c: &Check,
    notice: &Notice,
    runtime: &AlertRuntime,
    now: EpochMillis,
) -> Outgoing {
    let condition = condition_text(record, spec, notice.level);
    let (newly_failing, recovered) = c
        .changes
        .iter()
        .find_map(|ch| match ch {
            Change::Updated {
                newly_failing,
                recovered,
                ..
            } => Some((newly_failing.clone(), recovered.clone())),
            _ => None,
        })
        .unwrap_or_default();
    let since = c.failing.iter().map(|f| f.since_ms).min();
    Outgoing {
        alert_id: record.id.clone(),
        name: spec.name.clone(),
        condition: condition.to_owned(),
        severity: c.severity.unwrap_or(notice.level),
        trigger: notice.trigger,
        severity_changed: notice.severity_changed,
        failing: runtime.failing_host_label_pairs.clone(),
        newly_failing,
        recovered,
        in_maintenance: c.in_maintenance.clone(),
        created_ms: record.created_ms,
        since_ms: since,
        ended_ms: (notice.trigger == Trigger::AlertResolved).then_some(now),
        snoozed_until_ms: None,
        error_message: c
            .invalid
            .as_ref()
            .map(|f| f.message.clone())
            .unwrap_or_default(),
        tags: spec.tags.clone(),
        document: record.document.clone(),
    }
}

/// The query notifications show: the `displayExpression`, else the condition of `level`.
fn condition_text<'a>(record: &'a AlertRecord, spec: &'a AlertSpec, level: Severity) -> &'a str {
    record
        .document
        .get("displayExpression")
        .and_then(serde_json::Value::as_str)
        .filter(|d| !d.trim().is_empty())
        .or_else(|| {
            spec.conditions
                .iter()
                .find(|(s, _)| *s == level)
                .map(|(_, q)| q.as_str())
        })
        .unwrap_or_default()
}
