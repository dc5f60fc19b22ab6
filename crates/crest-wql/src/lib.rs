//! The Wavefront Query Language's syntax: [`parse`] turns a query into an [`Expr`], whose `Display`
//! prints it back in a canonical form that parses to the same tree.
//!
//! Nothing here evaluates: the tree says what was written, and the evaluator (`crest-query`) gives
//! it meaning. Function names are not checked here either, so a query naming an unknown function
//! parses and fails at evaluation with a message naming it.

pub mod ast;
mod error;
mod filter;
mod join;
mod lexer;
mod names;
mod parser;
mod print;

pub use ast::*;
pub use error::ParseError;
pub use parser::{MAX_DEPTH, MAX_QUERY_BYTES, parse};
