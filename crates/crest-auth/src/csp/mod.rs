//! Access tokens of the identity service: signing keys, issuing, and verifying them.

pub mod claims;
pub mod issue;
pub mod keys;
pub mod remote;
mod throttle;
pub mod verify;
