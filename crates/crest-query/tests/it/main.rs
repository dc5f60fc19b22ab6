//! The evaluator through `run`, over data in `MemorySeries`: the known-answer cases of wql.md §5,
//! the conformance suite's query cases, properties on random data, and the errors.

mod conformance;
mod errors;
mod kat;
mod properties;
mod support;
