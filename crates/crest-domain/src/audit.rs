//! The audit trail: security events, never a secret; and the event a request has pending, which
//! the store commits in the same transaction as the change it records.
//!
//! A state-changing request runs inside [`PendingAudit::scope`]. The first store write that
//! commits a change takes the pending event ([`claim`]) and inserts it inside its own
//! transaction, so that the change and its event are durable together or not at all. Afterwards
//! [`PendingAudit::finish`] says what is left to do: write the event (nothing committed it: a
//! refusal, a failure), correct the committed row (the request ended with another status, or its
//! handler named the target after the write), or nothing.

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::clock::EpochMillis;

/// The outcome a transaction records for the event it commits: the change is done. The request's
/// final status replaces it if that differs (see [`PendingAudit::finish`]).
pub const COMMITTED_OUTCOME: u16 = 200;

/// One event. `target` names what was acted on by ids that are safe to keep (never a token's
/// secret); `outcome` is the HTTP status the action ended with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub at_ms: EpochMillis,
    /// The account that acted (or, for a refused credential, the account it belonged to).
    pub actor: String,
    /// What was done: an operation's name (`grantAccountPermission`, …) or an event of its own
    /// (`tokenUsedAfterRevocation`).
    pub action: String,
    pub target: String,
    /// Where the request came from (the peer address).
    pub source: String,
    pub outcome: u16,
}

/// A stored event with its position in the trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub id: i64,
    pub event: AuditEvent,
}

tokio::task_local! {
    static PENDING: PendingAudit;
}

#[derive(Debug)]
enum Stage {
    /// No transaction has taken the event yet.
    Open,
    /// A transaction holds it and has not committed yet.
    Claimed,
    /// A committed transaction wrote it as row `id`, as `written`.
    Written { id: i64, written: AuditEvent },
}

#[derive(Debug)]
struct Inner {
    event: AuditEvent,
    stage: Stage,
}

/// The event of one state-changing request, shared between the edge that made it and the store
/// writes that the request's handler makes.
#[derive(Debug, Clone)]
pub struct PendingAudit(Arc<Mutex<Inner>>);

/// What is left to do for a request's event once its handler has answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditFinish {
    /// No transaction committed the event: write it.
    Insert(AuditEvent),
    /// A transaction committed it as row `id`; its target or outcome must become these.
    Update {
        id: i64,
        target: String,
        outcome: u16,
    },
    /// The committed row already says everything.
    Done,
}

impl PendingAudit {
    /// A pending event; its `outcome` is set when the request ends.
    pub fn new(event: AuditEvent) -> Self {
        Self(Arc::new(Mutex::new(Inner {
            event,
            stage: Stage::Open,
        })))
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `work` (the request's handler) with this event pending for the store to see.
    pub async fn scope<F: Future>(&self, work: F) -> F::Output {
        PENDING.scope(self.clone(), work).await
    }

    /// Ends the request with `outcome` (its HTTP status) and says what is left to write.
    pub fn finish(&self, outcome: u16) -> AuditFinish {
        let mut inner = self.lock();
        inner.event.outcome = outcome;
        match &inner.stage {
            // A claim still held here belongs to a write that never finished (its future was
            // dropped), so nothing committed the event.
            Stage::Open | Stage::Claimed => AuditFinish::Insert(inner.event.clone()),
            Stage::Written { id, written } => {
                if written.target == inner.event.target && written.outcome == outcome {
                    AuditFinish::Done
                } else {
                    AuditFinish::Update {
                        id: *id,
                        target: inner.event.target.clone(),
                        outcome,
                    }
                }
            }
        }
    }

    /// The event as it stands (its target may have been named by the handler).
    pub fn event(&self) -> AuditEvent {
        self.lock().event.clone()
    }
}

/// Names what the current request acts on, once the handler knows it (the id of what it
/// creates, the ids its body names). Outside a state-changing request, does nothing.
pub fn set_target(target: impl Into<String>) {
    let target = target.into();
    let _ = PENDING.try_with(|pending| pending.lock().event.target = target);
}

/// Adds `part` (`name=value`) to what the current request acts on, after the path's ids.
/// Outside a state-changing request, does nothing.
pub fn add_target(part: impl AsRef<str>) {
    let part = part.as_ref();
    let _ = PENDING.try_with(|pending| {
        let target = &mut pending.lock().event.target;
        if !target.is_empty() {
            target.push(' ');
        }
        target.push_str(part);
    });
}

/// Takes the current request's pending event for a transaction about to commit a change: `None`
/// outside a state-changing request, or when another transaction of the request already wrote
/// (or is writing) it. The transaction inserts [`Claim::event`] before its commit and calls
/// [`Claim::written`] after it; a claim dropped otherwise hands the event back.
pub fn claim() -> Option<Claim> {
    PENDING
        .try_with(|pending| {
            let mut inner = pending.lock();
            if !matches!(inner.stage, Stage::Open) {
                return None;
            }
            inner.stage = Stage::Claimed;
            let mut event = inner.event.clone();
            event.outcome = COMMITTED_OUTCOME;
            Some(Claim {
                pending: pending.clone(),
                event,
                written: false,
            })
        })
        .ok()
        .flatten()
}

/// A transaction's hold on the request's event.
#[derive(Debug)]
pub struct Claim {
    pending: PendingAudit,
    event: AuditEvent,
    written: bool,
}

impl Claim {
    /// The row to insert, with [`COMMITTED_OUTCOME`].
    pub fn event(&self) -> &AuditEvent {
        &self.event
    }

    /// The transaction committed the event as row `id`.
    pub fn written(mut self, id: i64) {
        self.written = true;
        let mut inner = self.pending.lock();
        inner.stage = Stage::Written {
            id,
            written: self.event.clone(),
        };
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        if !self.written {
            let mut inner = self.pending.lock();
            if matches!(inner.stage, Stage::Claimed) {
                inner.stage = Stage::Open;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> AuditEvent {
        AuditEvent {
            at_ms: 1,
            actor: "admin@example.com".into(),
            action: "deleteAccount".into(),
            target: "id=sa::a".into(),
            source: "127.0.0.1".into(),
            outcome: 0,
        }
    }

    #[tokio::test]
    async fn the_first_committing_write_takes_the_event_once() {
        let pending = PendingAudit::new(event());
        pending
            .scope(async {
                let first = claim().expect("the first write takes it");
                assert_eq!(first.event().outcome, COMMITTED_OUTCOME);
                assert!(claim().is_none(), "not while it is held");
                first.written(7);
                assert!(claim().is_none(), "not once written");
            })
            .await;
        assert_eq!(pending.finish(200), AuditFinish::Done);
        assert_eq!(
            pending.finish(500),
            AuditFinish::Update {
                id: 7,
                target: "id=sa::a".into(),
                outcome: 500
            }
        );
    }

    #[tokio::test]
    async fn a_write_that_does_not_commit_hands_the_event_back() {
        let pending = PendingAudit::new(event());
        pending
            .scope(async {
                drop(claim().expect("taken"));
                assert!(claim().is_some(), "handed back");
            })
            .await;
        let AuditFinish::Insert(e) = pending.finish(404) else {
            panic!("nothing committed it");
        };
        assert_eq!(e.outcome, 404);
    }

    #[tokio::test]
    async fn a_target_named_after_the_write_corrects_the_row() {
        let pending = PendingAudit::new(AuditEvent {
            target: String::new(),
            ..event()
        });
        pending
            .scope(async {
                claim().expect("taken").written(3);
                set_target("id=sa::new");
            })
            .await;
        assert_eq!(
            pending.finish(200),
            AuditFinish::Update {
                id: 3,
                target: "id=sa::new".into(),
                outcome: 200
            }
        );
    }

    #[tokio::test]
    async fn outside_a_request_nothing_is_pending() {
        assert!(claim().is_none());
        set_target("ignored");
    }
}
