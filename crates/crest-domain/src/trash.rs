//! The trash, one set of rules for every kind of object that has one: a delete moves an object
//! there, a delete of an object already there (or with `skipTrash`) removes it for good, an
//! undelete brings it back, and after [`RETENTION_MS`] it is gone by itself.

use async_trait::async_trait;

use crate::clock::EpochMillis;
use crate::store::StoreError;

/// How long an object stays in the trash: 30 days.
pub const RETENTION_MS: EpochMillis = 30 * 24 * 60 * 60 * 1000;

/// The kinds of object that go to the trash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrashKind {
    CloudIntegration,
    Proxy,
    Alert,
    Dashboard,
    DerivedMetric,
}

impl TrashKind {
    pub const ALL: [Self; 5] = [
        Self::CloudIntegration,
        Self::Proxy,
        Self::Alert,
        Self::Dashboard,
        Self::DerivedMetric,
    ];
}

/// What a delete does to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deletion {
    /// The object moves to the trash and can be restored.
    ToTrash,
    /// The object is removed for good.
    ForGood,
}

/// The one rule for deletes: `skipTrash`, or an object already in the trash, means for good.
pub const fn deletion(in_trash: bool, skip_trash: bool) -> Deletion {
    if in_trash || skip_trash {
        Deletion::ForGood
    } else {
        Deletion::ToTrash
    }
}

/// Carries out a delete of an object that is in the trash or not (see [`deletion`]): moves it
/// there or removes it for good. `None` when the object was gone before the store got to it.
pub async fn delete(
    store: &dyn TrashStore,
    kind: TrashKind,
    id: &str,
    in_trash: bool,
    skip_trash: bool,
    now: EpochMillis,
    by: &str,
) -> Result<Option<Deletion>, StoreError> {
    let what = deletion(in_trash, skip_trash);
    let done = match what {
        Deletion::ToTrash => store.move_to_trash(kind, id, now, by).await?,
        Deletion::ForGood => store.remove_for_good(kind, id).await?,
    };
    Ok(done.then_some(what))
}

/// Where an object is, given when it went to the trash (if it did) and the time now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whereabouts {
    Live,
    InTrash,
    /// In the trash for longer than [`RETENTION_MS`]: treated as gone, even before the sweeper
    /// removes it.
    Expired,
}

pub const fn whereabouts(trashed_ms: Option<EpochMillis>, now: EpochMillis) -> Whereabouts {
    match trashed_ms {
        None => Whereabouts::Live,
        Some(t) if now.saturating_sub(t) >= RETENTION_MS => Whereabouts::Expired,
        Some(_) => Whereabouts::InTrash,
    }
}

/// Objects trashed at or before this time have expired.
pub const fn expiry_cutoff(now: EpochMillis) -> EpochMillis {
    now.saturating_sub(RETENTION_MS)
}

/// The store's side of the trash, the same for every kind.
#[async_trait]
pub trait TrashStore: Send + Sync + std::fmt::Debug {
    /// Moves an object that is not in the trash into it; `false` when there is no such object
    /// outside the trash.
    async fn move_to_trash(
        &self,
        kind: TrashKind,
        id: &str,
        now: EpochMillis,
        by: &str,
    ) -> Result<bool, StoreError>;

    /// Brings an object back from the trash (unless it has expired); `false` when there is no such
    /// object in the trash.
    async fn restore(
        &self,
        kind: TrashKind,
        id: &str,
        now: EpochMillis,
        by: &str,
    ) -> Result<bool, StoreError>;

    /// Removes an object for good, wherever it is; `false` when there is no such object.
    async fn remove_for_good(&self, kind: TrashKind, id: &str) -> Result<bool, StoreError>;

    /// Removes every object trashed at or before `cutoff`, of every kind; returns how many.
    async fn purge_expired(&self, cutoff: EpochMillis) -> Result<u64, StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delete_trashes_once_then_removes() {
        assert_eq!(deletion(false, false), Deletion::ToTrash);
        assert_eq!(deletion(false, true), Deletion::ForGood);
        assert_eq!(deletion(true, false), Deletion::ForGood);
        assert_eq!(deletion(true, true), Deletion::ForGood);
    }

    #[test]
    fn the_trash_keeps_objects_for_thirty_days() {
        let t = 1_700_000_000_000;
        assert_eq!(whereabouts(None, t), Whereabouts::Live);
        assert_eq!(whereabouts(Some(t), t), Whereabouts::InTrash);
        assert_eq!(
            whereabouts(Some(t), t + RETENTION_MS - 1),
            Whereabouts::InTrash
        );
        assert_eq!(whereabouts(Some(t), t + RETENTION_MS), Whereabouts::Expired);
        assert!(expiry_cutoff(t + RETENTION_MS) == t);
    }
}
