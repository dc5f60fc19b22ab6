//! One search engine for every entity behind `/api/v2/search/{entity}`.
//!
//! An entity takes part by describing itself in a [`Schema`] (its searchable keys) and by turning
//! each of its items into a [`Document`], usually from the item's JSON representation, since the
//! API's search keys are the properties of that representation. The engine then filters
//! ([`Criterion`]), orders ([`SortKey`]) and counts facets, the same way for every entity and every
//! store: matching and ordering happen here, never in SQL, so both stores answer alike.

mod criterion;
mod document;
mod engine;
mod error;
pub mod limits;

pub use criterion::{Criterion, Matching, RawCriterion, SortKey};
pub use document::Document;
pub use engine::{FREETEXT, FacetFilter, Schema, Search, TAGPATH, TAGS, facet_values};
pub use error::SearchError;
