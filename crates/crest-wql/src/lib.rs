//! The Wavefront Query Language's syntax: [`parse`] turns a query into an [`Expr`], whose `Display`
//! prints it back in a canonical form that parses to the same tree.
//!
//! Nothing here evaluates: the tree says what was written, and the evaluator (`crest-query`) gives
//! it meaning. Function names are not checked here either, so a query naming an unknown function
//! parses and fails at evaluation with a message naming it.
//!
//! # Decisions where the reference (wql.md) is silent
//!
//! - **Precedence**, loosest first: `or`, `and`, comparisons (with the event-set operators `union`,
//!   `intersect` and the Allen words), `+ -`, `* /`, unary minus, postfix (`.gt(x)`, `as name`).
//!   All binary operators are left-associative. In filters `and` binds tighter than `or`, and `not`
//!   applies to the atom or parenthesised filter after it.
//! - **Commas**: inside `ts()`/`hs()`/`cs()` the items stay as written ([`Selector::filter`] gives
//!   them meaning); inside `events()` they mean `and`. After a call's last argument, `by (...)` or
//!   `without (...)` is [`Call::grouping`]; right after a binary operator, `by (...)
//!   [groupLeft|groupRight]` is [`Binary::matching`].
//! - **Numbers**: `12`, `1.5`, `.5`, scaled by an SI suffix `k M G T P E Z Y` (×1000ⁿ, case-sensitive,
//!   so `1M` is a million and `1m` a minute). No exponent notation (`1e6` is refused); `p` and `h`
//!   are not numeric suffixes. A number too large for an `f64` is refused. `-` right before a number
//!   literal makes a negative [`Expr::Number`]; before anything else (`-(1)` included) an
//!   [`Expr::Neg`].
//! - **Windows**: a whole number and a unit `ms s m h d w vw bw` (`1.5h` is refused). A bare integer
//!   stays an [`Expr::Number`]; the evaluator reads it as minutes where a window is expected.
//! - **Case**: function names, method names, selector names and keywords (`and`, `as`, `by`,
//!   `groupLeft`, `union`, the Allen words, the join words, ...) match in any case; metric names,
//!   tag keys and values, aliases and variables are case-sensitive. The filter keys `source`,
//!   `host` (both the source) and `tag` (a source tag) match in any case when bare; quoted, they are
//!   point-tag keys like any other.
//! - **Strings and regexes**: `'...'` or `"..."` with the escapes `\"`, `\'`, `\\`; any other
//!   backslash is kept as written (so regexes inside strings keep theirs). In `/regex/`, `\/` is a
//!   slash and other escapes are kept; an empty regex is refused.
//! - **Names**: in filter mode a bare name is `[A-Za-z0-9_.~*:∆Δ-]+`; the docs' placeholder
//!   `<metric_name>` is read as that literal name. `${name}` as a filter value is kept as the text
//!   `${name}`, as if quoted.
//! - **Arguments**: a bare word (filter-mode characters, so `env.name` is one word) not followed by
//!   `(` is [`Arg::Word`]; `word=value` is [`Arg::Named`]; `10%` is [`Arg::Percent`] (only as an
//!   argument).
//! - **Aliases**: `as name` binds to the operand just before it, method chain included; one `as` per
//!   operand; any identifier is accepted (the docs' naming advice is not enforced).
//! - **join()**: each input must end with `AS alias` (parenthesise a compound input). Before the data
//!   expression, `key=alias.column` and `key='text'` are outputs; in the data expression a bare
//!   name is an [`Expr::JoinRef`], as is `{alias|number}`.
//! - **Refused**: `==`, `%` outside an argument, unbalanced parentheses (the docs' missing `)` is
//!   not tolerated), `ts()` with no filter, `tag=mon-/(...)/`, comments, the undocumented
//!   `raw(\)`, a query over [`MAX_QUERY_BYTES`] bytes, a tree more than [`MAX_DEPTH`] levels deep
//!   ([`Expr::height`]: so `a + b + c` is 3, as is `f(g(1))`), and text nested more than
//!   [`MAX_NESTING`] deep (parentheses, arguments, minus signs: what the parser recurses on).
//!   `ts(*)` parses; the evaluator refuses it.
//! - **Printing**: binary operations fully parenthesised, names quoted with `"` when they are not
//!   bare names or are keywords, numbers in plain decimal (Rust's shortest round-trip form), a call
//!   or join reference named `by`, `without`, `groupLeft` or `groupRight` in parentheses.

pub mod ast;
mod error;
mod filter;
mod height;
mod join;
mod lexer;
mod names;
mod parser;
mod print;

pub use ast::*;
pub use error::ParseError;
pub use parser::{MAX_DEPTH, MAX_NESTING, MAX_QUERY_BYTES, parse};
