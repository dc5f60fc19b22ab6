//! A source as stored, and a change to one.

use crate::clock::EpochMillis;
use crate::source_tag::SourceTag;

/// The tag that marks a source hidden (the API's `hidden` property is stored as this tag).
pub const HIDDEN_TAG: &str = "hidden";

/// A source and its metadata. `id` is also its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRecord {
    pub id: String,
    pub description: Option<String>,
    /// In code-point order; at most one of the tags that differ only in case (search reads tags
    /// ignoring case).
    pub tags: Vec<String>,
    pub created_ms: EpochMillis,
    pub creator: String,
    pub updated_ms: EpochMillis,
    pub updater: String,
    /// When the source was first seen by ingestion, if it was.
    pub marked_new_ms: Option<EpochMillis>,
}

impl SourceRecord {
    pub fn hidden(&self) -> bool {
        self.tags.iter().any(|t| t == HIDDEN_TAG)
    }
}

/// What happens to a source's tags.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TagChange {
    #[default]
    Keep,
    /// The source's tags become exactly these.
    Replace(Vec<SourceTag>),
    /// Adds a tag unless the source holds it already, in any case, or holds
    /// [`MAX_TAGS_PER_SOURCE`](crate::source::MAX_TAGS_PER_SOURCE) tags (then the tags stay as
    /// they are; the store counts them in the same transaction).
    Add(SourceTag),
    /// Removes the tag, in whatever case it is held; nothing happens when the source lacks it.
    Remove(String),
}

/// A change to a source's metadata, applied atomically.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceChange {
    /// `Some(None)` removes the description; `None` keeps it.
    pub description: Option<Option<String>>,
    pub tags: TagChange,
}
