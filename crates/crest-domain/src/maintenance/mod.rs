//! Maintenance windows: their rules and running state ([`Windows`]), and which ongoing windows
//! apply to one series of one alert ([`applying`]), for the evaluator.

mod applies;
mod store;
mod window;

pub use applies::{Series, applies_to_alert, applies_to_series, applying, tag_path_matches};
pub use store::MaintenanceWindowStore;
pub use window::{MaintenanceWindowRecord, RunningState, WindowSpec, Windows, check};
