//! The alert targets an alert's `target:<id>` entries name, as the notificant store describes
//! them (`Alert.targetInfo`) and checks they exist.

use async_trait::async_trait;

use crate::store::StoreError;

/// A target's method: the notificant's own.
pub use crate::notificant::Method as TargetMethod;

/// `TargetInfo`: one alert target as an alert shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetInfo {
    pub id: String,
    pub method: TargetMethod,
    /// The target's title.
    pub name: String,
}

/// Where alert targets are looked up.
#[async_trait]
pub trait TargetDirectory: Send + Sync + std::fmt::Debug {
    /// The targets among `ids` that exist, in the order of `ids`; unknown ids are left out.
    async fn describe(&self, ids: &[String]) -> Result<Vec<TargetInfo>, StoreError>;

    /// Whether an id [`describe`](Self::describe) leaves out is really unknown (and so refused in
    /// a `target`). A directory that knows no targets says `false`, and every id is accepted.
    fn knows_every_target(&self) -> bool {
        true
    }
}

/// The directory until alert targets are stored: it knows none, and refuses none.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoTargetDirectory;

#[async_trait]
impl TargetDirectory for NoTargetDirectory {
    async fn describe(&self, _ids: &[String]) -> Result<Vec<TargetInfo>, StoreError> {
        Ok(Vec::new())
    }

    fn knows_every_target(&self) -> bool {
        false
    }
}
