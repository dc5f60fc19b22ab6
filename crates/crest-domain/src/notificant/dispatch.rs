//! [`Dispatcher`]: where a notification for a target is handed over for delivery, without
//! waiting for it (delivery itself lives with the server).

use std::fmt::Debug;

use crest_notify::Notification;

use crate::DomainError;
use crate::notificant::record::NotificantRecord;

/// Takes notifications for delivery.
pub trait Dispatcher: Send + Sync + Debug {
    /// Queues `notification` for `target` and returns at once; an error means it was not
    /// queued (the queue is full, or delivery is off).
    fn dispatch(
        &self,
        target: NotificantRecord,
        notification: Notification,
    ) -> Result<(), DomainError>;
}

/// A server that delivers nothing (the HTTP layer's own tests).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoDelivery;

impl Dispatcher for NoDelivery {
    fn dispatch(
        &self,
        target: NotificantRecord,
        _notification: Notification,
    ) -> Result<(), DomainError> {
        Err(DomainError::Conflict(format!(
            "notification delivery is off: nothing sent to target '{}'",
            target.id
        )))
    }
}
