//! Randomness, injected: the server draws from the operating system, tests from a fixed sequence.

use std::fmt::Debug;
use std::sync::Mutex;

use crate::error::{DomainError, Internal};

/// A source of unpredictable bytes.
pub trait Random: Send + Sync + Debug {
    fn fill(&self, buf: &mut [u8]) -> Result<(), DomainError>;

    /// A random (version 4) UUID.
    fn uuid(&self) -> Result<uuid::Uuid, DomainError> {
        let mut bytes = [0u8; 16];
        self.fill(&mut bytes)?;
        Ok(uuid::Builder::from_random_bytes(bytes).into_uuid())
    }
}

/// The operating system's cryptographic random source.
#[derive(Debug, Clone, Copy, Default)]
pub struct OsRandom;

impl Random for OsRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), DomainError> {
        getrandom::fill(buf).map_err(|e| DomainError::internal("random source", e.to_string()))
    }
}

/// A predictable sequence for tests (a counter-driven xorshift); never for real secrets.
#[derive(Debug)]
pub struct SequenceRandom(Mutex<u64>);

impl SequenceRandom {
    pub fn new(seed: u64) -> Self {
        Self(Mutex::new(seed | 1))
    }
}

impl Random for SequenceRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), DomainError> {
        let mut state = self
            .0
            .lock()
            .map_err(|_| Internal::new("random sequence poisoned"))?;
        for b in buf.iter_mut() {
            *state ^= *state << 13;
            *state ^= *state >> 7;
            *state ^= *state << 17;
            *b = (*state >> 24) as u8;
        }
        Ok(())
    }
}
