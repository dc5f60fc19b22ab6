//! Leases: background work that must run once across crest instances (the trash and session
//! sweep, the relay's durability barrier; later alert evaluation and derived metrics) runs only on
//! the instance that holds the work's lease in the shared metadata store.
//!
//! A lease is a row: its name, its holder (an id each instance makes at its start) and the time
//! it runs until. [`LeaseStore::try_acquire_lease`] takes a lease that is free or has run out, or
//! renews it for the instance that holds it, in one atomic statement; of instances asking at the
//! same time, at most one wins. Time comes from the caller's clock: a holder is sure of its lease
//! only while its own clock is before the lease's end, so instances' clocks must agree to well
//! within the lease's time to live (a holder renews long before the end, see [`Lease`]).

use std::fmt::Debug;
use std::sync::Arc;

use async_trait::async_trait;

use crate::clock::{Clock, EpochMillis};
use crate::error::DomainError;
use crate::random::Random;
use crate::store::StoreError;

/// The store's side of leases.
#[async_trait]
pub trait LeaseStore: Send + Sync + Debug {
    /// Takes the lease `name` for `holder` until `now + ttl_ms` when nobody holds it, when its end
    /// is at or before `now`, or when `holder` holds it already (a renewal); answers whether
    /// `holder` holds it now. One atomic statement: two holders asking at once never both win.
    async fn try_acquire_lease(
        &self,
        name: &str,
        holder: &str,
        now: EpochMillis,
        ttl_ms: i64,
    ) -> Result<bool, StoreError>;

    /// Gives up the lease `name` if `holder` holds it, so that another instance can take it at
    /// once; answers whether it did.
    async fn release_lease(&self, name: &str, holder: &str) -> Result<bool, StoreError>;
}

/// A random id for this instance as a lease holder: 32 hexadecimal digits.
pub fn instance_id(random: &dyn Random) -> Result<String, DomainError> {
    let mut bytes = [0u8; 16];
    random.fill(&mut bytes)?;
    Ok(hex::encode(bytes))
}

/// One lease as one instance holds it: its name, this instance's id, the store, the clock and the
/// time to live. The work's loop calls [`Lease::hold`] at every tick (the tick's period well under
/// the time to live) and runs the work only when it answers `true`, and calls [`Lease::release`]
/// when it stops gracefully. An instance that dies keeps the lease until its time to live is over;
/// then the next instance to ask takes it.
#[derive(Debug, Clone)]
pub struct Lease {
    store: Arc<dyn LeaseStore>,
    clock: Arc<dyn Clock>,
    name: String,
    holder: String,
    ttl_ms: i64,
}

impl Lease {
    pub fn new(
        store: Arc<dyn LeaseStore>,
        clock: Arc<dyn Clock>,
        name: impl Into<String>,
        holder: impl Into<String>,
        ttl: std::time::Duration,
    ) -> Self {
        Self {
            store,
            clock,
            name: name.into(),
            holder: holder.into(),
            ttl_ms: i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn holder(&self) -> &str {
        &self.holder
    }

    /// Takes or renews the lease, by the clock's time now: whether this instance holds it.
    pub async fn hold(&self) -> Result<bool, StoreError> {
        self.store
            .try_acquire_lease(
                &self.name,
                &self.holder,
                self.clock.now_millis(),
                self.ttl_ms,
            )
            .await
    }

    /// Gives the lease up if this instance holds it.
    pub async fn release(&self) -> Result<bool, StoreError> {
        self.store.release_lease(&self.name, &self.holder).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SequenceRandom;

    #[test]
    fn instance_ids_are_32_hex_digits_and_differ() {
        let random = SequenceRandom::new(7);
        let a = instance_id(&random).unwrap_or_default();
        let b = instance_id(&random).unwrap_or_default();
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
