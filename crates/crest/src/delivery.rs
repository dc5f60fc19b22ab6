//! Delivery of alert notifications: a bounded queue that never blocks the caller, and workers
//! that render each target's template and send it (WEBHOOK by HTTP POST, EMAIL through the
//! Mailer, PAGERDUTY through the Events API v2), retrying with exponential back-off. Each
//! webhook response is counted (`∆~alert.webhooks.<id>.<class>`); a final failure is recorded
//! as a system event `<id>.<title>.<code>`, so no notification is lost without a trace.

use std::sync::Arc;
use std::time::Duration;

use crest_domain::DomainError;
use crest_domain::clock::Clock;
use crest_domain::event::{EventInput, EventOrigin, EventStore, Events};
use crest_domain::mail::{Mail, Mailer};
use crest_domain::notificant::{Dispatcher, Method, NotificantRecord};
use crest_notify::{
    DEFAULT_EMAIL_SUBJECT, Notification, Severity, Template, Trigger, context_of, subject_of,
};
use crest_series::{BatchBuilder, SeriesWriter};
use tokio::sync::{Semaphore, mpsc};

/// How delivery retries and where it reaches.
#[derive(Debug, Clone)]
pub struct DeliverySettings {
    /// This instance's address, for the templates' links.
    pub external_url: String,
    /// The PagerDuty Events API, without `/v2/enqueue`.
    pub pagerduty_url: String,
    /// Attempts per notification, the first included.
    pub attempts: u32,
    /// The wait after the first failed attempt; it doubles after each, up to `max_backoff`.
    pub first_backoff: Duration,
    pub max_backoff: Duration,
    /// How long one attempt may take.
    pub timeout: Duration,
    /// Notifications waiting at most; past it, a dispatch is refused (and logged).
    pub queue: usize,
    /// Deliveries in flight at once.
    pub concurrency: usize,
}

impl DeliverySettings {
    pub fn new(external_url: String, pagerduty_url: String) -> Self {
        Self {
            external_url,
            pagerduty_url,
            attempts: 5,
            first_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
            timeout: Duration::from_secs(10),
            queue: 10_000,
            concurrency: 16,
        }
    }
}

/// What delivery writes to: the event store, the engine, the mailer.
#[derive(Debug, Clone)]
pub struct DeliveryOutlets {
    pub events: Arc<dyn EventStore>,
    pub clock: Arc<dyn Clock>,
    pub writer: Option<Arc<dyn SeriesWriter>>,
    pub mailer: Option<Arc<dyn Mailer>>,
}

type Job = (NotificantRecord, Notification);

/// The dispatcher the HTTP layer and the alert evaluator hand notifications to.
#[derive(Debug)]
pub struct Delivery {
    queue: mpsc::Sender<Job>,
}

impl Delivery {
    /// Starts the workers; they end once every copy of the returned dispatcher is gone.
    pub fn start(settings: DeliverySettings, outlets: DeliveryOutlets) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let (queue, mut jobs) = mpsc::channel::<Job>(settings.queue.max(1));
        let worker = Arc::new(Worker {
            settings,
            outlets,
            http,
        });
        tokio::spawn(async move {
            let slots = Arc::new(Semaphore::new(worker.settings.concurrency.max(1)));
            while let Some(job) = jobs.recv().await {
                let Ok(slot) = slots.clone().acquire_owned().await else {
                    break;
                };
                let worker = worker.clone();
                tokio::spawn(async move {
                    worker.deliver(job.0, job.1).await;
                    drop(slot);
                });
            }
        });
        Ok(Self { queue })
    }
}

impl Dispatcher for Delivery {
    fn dispatch(
        &self,
        target: NotificantRecord,
        notification: Notification,
    ) -> Result<(), DomainError> {
        self.queue.try_send((target, notification)).map_err(|e| {
            DomainError::Conflict(format!(
                "the notification queue refused a notification: {e}"
            ))
        })
    }
}

/// How one attempt ended.
#[derive(Debug)]
enum Attempt {
    Delivered,
    /// Worth another attempt (a connection failure, 429, 5xx).
    Retry(u16, String),
    /// Refused for good (another 4xx, a bad template, no mailer).
    Fail(u16, String),
}

#[derive(Debug)]
struct Worker {
    settings: DeliverySettings,
    outlets: DeliveryOutlets,
    http: reqwest::Client,
}

/// The PagerDuty severity of an alert's.
const fn pagerduty_severity(s: Severity) -> &'static str {
    match s {
        Severity::Info | Severity::Smoke => "info",
        Severity::Warn => "warning",
        Severity::Severe => "critical",
    }
}

fn render(template: &str, context: &crest_notify::Value) -> Result<String, Attempt> {
    Template::parse(template)
        .map_err(|e| Attempt::Fail(0, e.to_string()))?
        .render(context)
        .map_err(|e| Attempt::Fail(0, e.to_string()))
}

impl Worker {
    async fn deliver(&self, target: NotificantRecord, n: Notification) {
        let mut wait = self.settings.first_backoff;
        let mut last = (0, String::new());
        for attempt in 1..=self.settings.attempts.max(1) {
            match self.attempt(&target, &n).await {
                Attempt::Delivered => return,
                Attempt::Fail(code, why) => {
                    last = (code, why);
                    break;
                }
                Attempt::Retry(code, why) => {
                    tracing::info!(target_id = %target.id, attempt, code, %why, "a notification attempt failed");
                    last = (code, why);
                }
            }
            if attempt < self.settings.attempts {
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(self.settings.max_backoff);
            }
        }
        self.record_failure(&target, &n, last.0, &last.1).await;
    }

    async fn attempt(&self, target: &NotificantRecord, n: &Notification) -> Attempt {
        let context = context_of(n, &self.settings.external_url);
        let body = match render(&target.template, &context) {
            Ok(b) => b,
            Err(failed) => return failed,
        };
        match target.method {
            Method::Webhook => self.webhook(target, body).await,
            Method::Email => {
                let subject = target
                    .email_subject
                    .as_deref()
                    .unwrap_or(DEFAULT_EMAIL_SUBJECT);
                match render(subject, &context) {
                    Ok(subject) => self.email(target, subject, body).await,
                    Err(failed) => failed,
                }
            }
            Method::PagerDuty => self.pagerduty(target, n, body).await,
        }
    }

    async fn webhook(&self, target: &NotificantRecord, body: String) -> Attempt {
        let mut request = self.http.post(&target.recipient).body(body);
        if !target.content_type.is_empty() {
            request = request.header(reqwest::header::CONTENT_TYPE, &target.content_type);
        }
        for (name, value) in &target.custom_http_headers {
            request = request.header(name, value);
        }
        let outcome = self.post(request).await;
        if let Some(code) = match &outcome {
            Attempt::Delivered => Some(200),
            Attempt::Retry(c, _) | Attempt::Fail(c, _) => (*c > 0).then_some(*c),
        } {
            self.count(target, code).await;
        }
        outcome
    }

    async fn post(&self, request: reqwest::RequestBuilder) -> Attempt {
        match request.send().await {
            Err(e) => Attempt::Retry(0, e.to_string()),
            Ok(response) => {
                let status = response.status();
                let code = status.as_u16();
                if status.is_success() {
                    Attempt::Delivered
                } else if status.is_server_error() || code == 429 {
                    Attempt::Retry(code, format!("answered {status}"))
                } else {
                    Attempt::Fail(code, format!("answered {status}"))
                }
            }
        }
    }

    async fn email(&self, target: &NotificantRecord, subject: String, body: String) -> Attempt {
        let Some(mailer) = &self.outlets.mailer else {
            return Attempt::Fail(
                0,
                "no SMTP server is configured (CREST_SMTP_URL)".to_owned(),
            );
        };
        for to in target.recipient.split(',') {
            let mail = Mail {
                to: to.to_owned(),
                subject: subject.clone(),
                body: body.clone(),
                html: target.is_html_content,
            };
            if let Err(e) = mailer.send(mail).await {
                return Attempt::Retry(0, e.to_string());
            }
        }
        Attempt::Delivered
    }

    async fn pagerduty(
        &self,
        target: &NotificantRecord,
        n: &Notification,
        summary: String,
    ) -> Attempt {
        let resolve = matches!(
            n.trigger,
            Trigger::AlertResolved | Trigger::AlertNoDataResolved | Trigger::AlertNoLongerInvalid
        );
        let dedup = format!(
            "{}:{}",
            n.alert_id,
            n.started_ms.or(n.created_ms).unwrap_or_default()
        );
        let event = serde_json::json!({
            "routing_key": target.recipient,
            "event_action": if resolve { "resolve" } else { "trigger" },
            "dedup_key": dedup,
            "payload": {
                "summary": summary.chars().take(1024).collect::<String>(),
                "source": "crest",
                "severity": pagerduty_severity(n.severity),
                "custom_details": {"reason": n.trigger.as_str(), "condition": n.condition},
            },
        });
        let url = format!("{}/v2/enqueue", self.settings.pagerduty_url);
        self.post(self.http.post(url).json(&event)).await
    }

    /// Adds one to the webhook's counter of the response's class.
    async fn count(&self, target: &NotificantRecord, code: u16) {
        let Some(writer) = &self.outlets.writer else {
            return;
        };
        let metric = format!("∆~alert.webhooks.{}.{}xx", target.id, code / 100);
        let now = self.outlets.clock.now_millis();
        let mut builder = BatchBuilder::with_capacity(1);
        builder.push_parts(
            &metric,
            "crest",
            &[("name", target.title.as_str())],
            crest_series::Sample {
                timestamp: now.div_euclid(1000).saturating_mul(1000),
                value: 1.0,
            },
        );
        if let Err(e) = writer.append(builder.finish()).await {
            tracing::warn!(error = %e, "a webhook counter was not written");
        }
    }

    /// The trace of a notification that was not delivered: an event `<id>.<title>.<code>`.
    async fn record_failure(
        &self,
        target: &NotificantRecord,
        n: &Notification,
        code: u16,
        why: &str,
    ) {
        tracing::warn!(target_id = %target.id, code, %why, "a notification was not delivered");
        let now = self.outlets.clock.now_millis();
        let input = EventInput {
            name: Some(format!("{}.{}.{}", target.id, target.title, code)),
            start_time: Some(now),
            end_time: Some(now + 1),
            annotations: Some(
                [
                    ("type".to_owned(), "alert-target-failure".to_owned()),
                    ("severity".to_owned(), "warn".to_owned()),
                    ("details".to_owned(), why.chars().take(1000).collect()),
                    ("reason".to_owned(), n.trigger.as_str().to_owned()),
                    ("subject".to_owned(), subject_of(n)),
                ]
                .into(),
            ),
            ..EventInput::default()
        };
        let events = Events::new(self.outlets.events.as_ref(), self.outlets.clock.as_ref());
        if let Err(e) = events
            .create("System Event", input, EventOrigin::System)
            .await
        {
            tracing::error!(target_id = %target.id, error = %e, "the failed notification's event was not recorded either");
        }
    }
}
