//! Alert notifications without I/O: a Mustache renderer ([`Template`]) with the product's
//! functions, the context a [`Notification`] gives templates, and the built-in templates.
//!
//! Nothing here reads the clock, the network or the disk: delivery lives with the server.

mod context;
mod defaults;
mod functions;
mod notification;
mod parse;
mod render;
mod route;
mod value;

pub use context::{context_of, subject_of};
pub use defaults::{
    DEFAULT_EMAIL_SUBJECT, DEFAULT_HTML_EMAIL, DEFAULT_PAGERDUTY, DEFAULT_PLAIN_EMAIL,
    DEFAULT_WEBHOOK,
};
pub use functions::Function;
pub use notification::{Category, KeyFilter, Notification, Series, SeriesStats, Severity, Trigger};
pub use parse::{MAX_DEPTH, MAX_TEMPLATE_BYTES, ParseError, Template};
pub use render::{DEFAULT_ITERATION_LIMIT, Limits, RenderError};
pub use route::{route_matches, routed};
pub use value::{LimitKind, Value};
