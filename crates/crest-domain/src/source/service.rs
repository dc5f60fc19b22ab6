//! [`Sources`]: every operation on sources and their metadata, with its rules, in one place.

use std::collections::{BTreeMap, HashSet};

use crate::DomainError;
use crate::clock::Clock;
use crate::source::query::{SourcePage, SourceQuery, fold};
use crate::source::record::{SourceChange, SourceRecord, TagChange};
use crate::source::store::SourceStore;
use crate::source_tag::{SourceTag, source_name_valid};

/// The longest description kept, in characters (the same for every kind of object).
pub use crate::text::MAX_DESCRIPTION_CHARS;

/// The most tags a source holds, and so the most one request may set. The documentation gives no
/// limit (a proxy sends at most 50 source tags per batch); 1,000 is Crest's, far above any real
/// source, and it bounds the work of one request.
pub const MAX_TAGS_PER_SOURCE: usize = 1_000;

fn too_many_tags(got: usize) -> DomainError {
    DomainError::Invalid(format!(
        "a source may hold at most {MAX_TAGS_PER_SOURCE} tags; the request names {got}"
    ))
}

/// Refuses more than [`MAX_TAGS_PER_SOURCE`] tags before any of them is read.
fn check_tag_count(got: usize) -> Result<(), DomainError> {
    if got > MAX_TAGS_PER_SOURCE {
        return Err(too_many_tags(got));
    }
    Ok(())
}

/// A source as a client describes it (`Source` without the server's fields).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceInput {
    pub id: Option<String>,
    pub source_name: Option<String>,
    pub description: Option<String>,
    /// A tag is present when its value is `true`.
    pub tags: Option<BTreeMap<String, bool>>,
}

/// The operations on sources, for one store and clock.
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    store: &'a dyn SourceStore,
    clock: &'a dyn Clock,
}

fn not_found(id: &str) -> DomainError {
    DomainError::NotFound(format!("source '{id}' not found"))
}

fn description(text: Option<String>) -> Result<Option<String>, DomainError> {
    let text = text.filter(|t| !t.trim().is_empty());
    if let Some(t) = &text {
        crate::text::description_fits(t)?;
    }
    Ok(text)
}

fn tag(raw: &str) -> Result<SourceTag, DomainError> {
    SourceTag::parse(raw).map_err(|e| DomainError::Invalid(e.to_string()))
}

fn tag_set(tags: &BTreeMap<String, bool>) -> Result<Vec<SourceTag>, DomainError> {
    check_tag_count(tags.values().filter(|on| **on).count())?;
    tags.iter()
        .filter(|(_, on)| **on)
        .map(|(t, _)| tag(t))
        .collect()
}

impl<'a> Sources<'a> {
    pub fn new(store: &'a dyn SourceStore, clock: &'a dyn Clock) -> Self {
        Self { store, clock }
    }

    pub async fn get(&self, id: &str) -> Result<SourceRecord, DomainError> {
        self.store.source(id).await?.ok_or_else(|| not_found(id))
    }

    /// One page of the sources that meet the query.
    pub async fn page(&self, query: &SourceQuery) -> Result<SourcePage, DomainError> {
        Ok(self.store.search_sources(query).await?)
    }

    /// Creates a source's metadata. `id` and `sourceName` name the same thing: either may be
    /// given, and when both are they must agree.
    pub async fn create(&self, by: &str, input: SourceInput) -> Result<SourceRecord, DomainError> {
        let id = match (input.id, input.source_name) {
            (Some(id), Some(name)) if id != name => {
                return Err(DomainError::Invalid(format!(
                    "a source's id must equal its sourceName ('{id}' differs from '{name}')"
                )));
            }
            (Some(id), _) | (None, Some(id)) => id,
            (None, None) => {
                return Err(DomainError::Invalid(
                    "a source needs an id (its sourceName)".into(),
                ));
            }
        };
        if let Err(problem) = source_name_valid(&id) {
            return Err(DomainError::Invalid(problem.to_string()));
        }
        let mut tags: Vec<String> = Vec::new();
        let mut held: HashSet<String> = HashSet::new();
        for t in tag_set(&input.tags.unwrap_or_default())? {
            if held.insert(t.folded()) {
                tags.push(t.as_str().to_owned());
            }
        }
        tags.sort();
        let now = self.clock.now_millis();
        let record = SourceRecord {
            description: description(input.description)?,
            tags,
            created_ms: now,
            creator: by.to_owned(),
            updated_ms: now,
            updater: by.to_owned(),
            marked_new_ms: None,
            id,
        };
        if self.store.create_source(&record).await? {
            Ok(record)
        } else {
            Err(DomainError::Conflict(format!(
                "source '{}' exists already; update it instead",
                record.id
            )))
        }
    }

    /// Makes a source that reports data a Source, with no description or tags, unless it exists
    /// (in any case: the Source API finds sources case-insensitively). Answers whether it was
    /// created. A name the Source API would refuse (a control character) is refused here too.
    pub async fn register_reporting(&self, by: &str, id: &str) -> Result<bool, DomainError> {
        if let Err(problem) = source_name_valid(id) {
            return Err(DomainError::Invalid(problem.to_string()));
        }
        if self.store.source(id).await?.is_some() {
            return Ok(false);
        }
        let now = self.clock.now_millis();
        let record = SourceRecord {
            description: None,
            tags: Vec::new(),
            created_ms: now,
            creator: by.to_owned(),
            updated_ms: now,
            updater: by.to_owned(),
            marked_new_ms: None,
            id: id.to_owned(),
        };
        // Another request may have registered it meanwhile: that is the same outcome.
        Ok(self.store.create_source(&record).await?)
    }

    /// Replaces what the body names: the description when it has one (an empty one removes it),
    /// the tags when it has them.
    pub async fn update(
        &self,
        by: &str,
        id: &str,
        input: SourceInput,
    ) -> Result<SourceRecord, DomainError> {
        for named in [&input.id, &input.source_name].into_iter().flatten() {
            if named != id {
                return Err(DomainError::Invalid(format!(
                    "the body names source '{named}' but the path names '{id}'"
                )));
            }
        }
        let change = SourceChange {
            description: input
                .description
                .map(|d| description(Some(d)))
                .transpose()?,
            tags: match input.tags {
                Some(tags) => TagChange::Replace(tag_set(&tags)?),
                None => TagChange::Keep,
            },
        };
        self.change(by, id, change).await
    }

    pub async fn delete(&self, id: &str) -> Result<SourceRecord, DomainError> {
        self.store
            .delete_source(id)
            .await?
            .ok_or_else(|| not_found(id))
    }

    /// Sets the description; an empty one removes it.
    pub async fn set_description(
        &self,
        by: &str,
        id: &str,
        text: String,
    ) -> Result<SourceRecord, DomainError> {
        let change = SourceChange {
            description: Some(description(Some(text))?),
            tags: TagChange::Keep,
        };
        self.change(by, id, change).await
    }

    pub async fn remove_description(
        &self,
        by: &str,
        id: &str,
    ) -> Result<SourceRecord, DomainError> {
        let change = SourceChange {
            description: Some(None),
            tags: TagChange::Keep,
        };
        self.change(by, id, change).await
    }

    /// Replaces every tag; each must be valid, or nothing changes.
    pub async fn set_tags(
        &self,
        by: &str,
        id: &str,
        tags: &[String],
    ) -> Result<SourceRecord, DomainError> {
        check_tag_count(tags.len())?;
        let tags = tags.iter().map(|t| tag(t)).collect::<Result<Vec<_>, _>>()?;
        let change = SourceChange {
            description: None,
            tags: TagChange::Replace(tags),
        };
        self.change(by, id, change).await
    }

    /// Adds a tag; a source that holds [`MAX_TAGS_PER_SOURCE`] tags takes no new one.
    pub async fn add_tag(
        &self,
        by: &str,
        id: &str,
        raw: &str,
    ) -> Result<SourceRecord, DomainError> {
        let tag = tag(raw)?;
        let folded = tag.folded();
        let current = self.get(id).await?;
        let held = current.tags.iter().any(|t| fold(t) == folded);
        if !held && current.tags.len() >= MAX_TAGS_PER_SOURCE {
            return Err(too_many_tags(current.tags.len() + 1));
        }
        let change = SourceChange {
            description: None,
            tags: TagChange::Add(tag),
        };
        let record = self.change(by, id, change).await?;
        // The store adds the tag only below the limit, in the same transaction as its count, so
        // that concurrent additions cannot pass it either.
        if record.tags.iter().any(|t| fold(t) == folded) {
            Ok(record)
        } else {
            Err(too_many_tags(record.tags.len() + 1))
        }
    }

    /// Removes a tag; removing one the source does not have changes nothing.
    pub async fn remove_tag(
        &self,
        by: &str,
        id: &str,
        raw: &str,
    ) -> Result<SourceRecord, DomainError> {
        let change = SourceChange {
            description: None,
            tags: TagChange::Remove(raw.to_owned()),
        };
        self.change(by, id, change).await
    }

    async fn change(
        &self,
        by: &str,
        id: &str,
        change: SourceChange,
    ) -> Result<SourceRecord, DomainError> {
        let now = self.clock.now_millis();
        self.store
            .update_source(id, &change, now, by)
            .await?
            .ok_or_else(|| not_found(id))
    }
}
