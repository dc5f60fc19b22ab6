//! Alert targets (notificants): their rules, the service that creates, changes, deletes and
//! lists them ([`Notificants`]), the store's side, and the link to the alerts that name them
//! ([`TargetLinks`]).

mod dispatch;
mod links;
mod record;
mod rules;
mod service;
mod store;

pub use dispatch::{Dispatcher, NoDelivery};
pub use links::{NoAlerts, TargetLinks};
pub use record::{Method, NotificantRecord, Route};
pub use rules::{MAX_HEADERS, MAX_ROUTES, NotificantInput, RouteInput, new_id};
pub use service::{Listing, Notificants};
pub use store::NotificantStore;
