//! A maintenance window: what the user sets ([`WindowSpec`]), its rules (M-2), its running state
//! read from the clock, and the operations on windows ([`Windows`]). Windows have no trash and
//! no versions.

use crate::DomainError;
use crate::clock::{Clock, EpochMillis};
use crate::event::event_tag_valid;
use crate::maintenance::store::MaintenanceWindowStore;

/// The longest title or reason, in characters.
const MAX_TEXT_CHARS: usize = 1_024;
/// The most entries in one list.
const MAX_LIST: usize = 1_000;

/// What the user sets on a window; times in epoch **seconds**.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WindowSpec {
    pub title: String,
    pub reason: String,
    pub start_time_in_seconds: i64,
    pub end_time_in_seconds: i64,
    pub relevant_customer_tags: Vec<String>,
    pub relevant_customer_tags_anded: bool,
    pub relevant_host_tags: Vec<String>,
    pub relevant_host_tags_anded: bool,
    pub relevant_host_names: Vec<String>,
    pub host_tag_group_host_names_group_anded: bool,
    pub point_tag_filter: Option<String>,
    pub point_tag_filter_anded: bool,
    /// Targets notified instead of the alerts' own while the window runs.
    pub targets: Vec<String>,
}

/// `runningState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunningState {
    Pending,
    Ongoing,
    Ended,
}

impl RunningState {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Ongoing => "ONGOING",
            Self::Ended => "ENDED",
        }
    }
}

/// One window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaintenanceWindowRecord {
    /// 13 digits: its creation time in epoch milliseconds (bumped on a collision).
    pub id: String,
    pub spec: WindowSpec,
    pub created_ms: EpochMillis,
    pub creator: String,
    pub updated_ms: EpochMillis,
    pub updater: String,
}

impl MaintenanceWindowRecord {
    /// PENDING before its start, ONGOING from its start until its end, ENDED from its end.
    pub fn running_state(&self, now: EpochMillis) -> RunningState {
        let now_s = now.div_euclid(1000);
        if now_s < self.spec.start_time_in_seconds {
            RunningState::Pending
        } else if now_s < self.spec.end_time_in_seconds {
            RunningState::Ongoing
        } else {
            RunningState::Ended
        }
    }

    /// `eventName`: the name of the window's event.
    pub fn event_name(&self) -> String {
        format!("Maintenance Window: {}", self.spec.title)
    }
}

fn invalid(message: impl Into<String>) -> DomainError {
    DomainError::Invalid(message.into())
}

fn check_text(field: &str, value: &str, required: bool) -> Result<(), DomainError> {
    if required && value.trim().is_empty() {
        return Err(invalid(format!("'{field}' is required")));
    }
    if value.chars().count() > MAX_TEXT_CHARS {
        return Err(invalid(format!(
            "'{field}' is longer than {MAX_TEXT_CHARS} characters"
        )));
    }
    Ok(())
}

fn check_list(
    field: &str,
    list: &[String],
    valid: impl Fn(&str) -> bool,
) -> Result<(), DomainError> {
    if list.len() > MAX_LIST {
        return Err(invalid(format!(
            "'{field}' has more than {MAX_LIST} entries"
        )));
    }
    if let Some(bad) = list.iter().find(|v| !valid(v)) {
        return Err(invalid(format!(
            "'{field}' holds the invalid entry '{bad}'"
        )));
    }
    Ok(())
}

fn tag_pattern_valid(tag: &str) -> bool {
    tag.split('.')
        .all(|part| part == "*" || event_tag_valid(part))
}

fn host_name_valid(name: &str) -> bool {
    !name.trim().is_empty() && name.len() <= MAX_TEXT_CHARS && !name.chars().any(char::is_control)
}

/// The rules of M-2: a title, a window that ends after it starts, and at least one of the
/// relevant alert tags, source tags or source names.
pub fn check(spec: &WindowSpec) -> Result<(), DomainError> {
    check_text("title", &spec.title, true)?;
    check_text("reason", &spec.reason, false)?;
    if spec.end_time_in_seconds <= spec.start_time_in_seconds {
        return Err(invalid(format!(
            "'endTimeInSeconds' ({}) must be after 'startTimeInSeconds' ({})",
            spec.end_time_in_seconds, spec.start_time_in_seconds
        )));
    }
    if spec.relevant_customer_tags.is_empty()
        && spec.relevant_host_tags.is_empty()
        && spec.relevant_host_names.is_empty()
    {
        return Err(invalid(
            "name at least one of 'relevantCustomerTags', 'relevantHostTags' or 'relevantHostNames'",
        ));
    }
    check_list(
        "relevantCustomerTags",
        &spec.relevant_customer_tags,
        tag_pattern_valid,
    )?;
    check_list(
        "relevantHostTags",
        &spec.relevant_host_tags,
        host_name_valid,
    )?;
    check_list(
        "relevantHostNames",
        &spec.relevant_host_names,
        host_name_valid,
    )?;
    check_list("targets", &spec.targets, host_name_valid)?;
    if let Some(filter) = &spec.point_tag_filter {
        check_text("pointTagFilter", filter, false)?;
    }
    Ok(())
}

fn not_found(id: &str) -> DomainError {
    DomainError::NotFound(format!("maintenance window '{id}' not found"))
}

/// How many later ids a create tries when its creation millisecond is taken.
const ID_ATTEMPTS: i64 = 1_000;

/// The operations on maintenance windows, for one store and clock.
#[derive(Debug, Clone, Copy)]
pub struct Windows<'a> {
    store: &'a dyn MaintenanceWindowStore,
    clock: &'a dyn Clock,
}

impl<'a> Windows<'a> {
    pub fn new(store: &'a dyn MaintenanceWindowStore, clock: &'a dyn Clock) -> Self {
        Self { store, clock }
    }

    pub fn now(&self) -> EpochMillis {
        self.clock.now_millis()
    }

    /// Every window, in id order.
    pub async fn list(&self) -> Result<Vec<MaintenanceWindowRecord>, DomainError> {
        Ok(self.store.maintenance_windows().await?)
    }

    pub async fn get(&self, id: &str) -> Result<MaintenanceWindowRecord, DomainError> {
        self.store
            .maintenance_window(id)
            .await?
            .ok_or_else(|| not_found(id))
    }

    pub async fn create(
        &self,
        by: &str,
        spec: WindowSpec,
    ) -> Result<MaintenanceWindowRecord, DomainError> {
        check(&spec)?;
        let now = self.now();
        for bump in 0..ID_ATTEMPTS {
            let record = MaintenanceWindowRecord {
                id: format!("{:013}", now.saturating_add(bump)),
                spec: spec.clone(),
                created_ms: now,
                creator: by.to_owned(),
                updated_ms: now,
                updater: by.to_owned(),
            };
            if self.store.create_maintenance_window(&record).await? {
                return Ok(record);
            }
        }
        Err(DomainError::Conflict(
            "no free maintenance window id near the current time; try again".into(),
        ))
    }

    /// Replaces what the user set. Closing a window early is setting its end to now.
    pub async fn update(
        &self,
        by: &str,
        id: &str,
        spec: WindowSpec,
    ) -> Result<MaintenanceWindowRecord, DomainError> {
        check(&spec)?;
        let current = self.get(id).await?;
        let record = MaintenanceWindowRecord {
            spec,
            updated_ms: self.now(),
            updater: by.to_owned(),
            ..current
        };
        if !self.store.update_maintenance_window(&record).await? {
            return Err(not_found(id));
        }
        Ok(record)
    }

    /// Deletes a window outright (there is no trash); returns it as it was.
    pub async fn delete(&self, id: &str) -> Result<MaintenanceWindowRecord, DomainError> {
        let current = self.get(id).await?;
        if !self.store.delete_maintenance_window(id).await? {
            return Err(not_found(id));
        }
        Ok(current)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> WindowSpec {
        WindowSpec {
            title: "mw".into(),
            reason: "r".into(),
            start_time_in_seconds: 100,
            end_time_in_seconds: 200,
            relevant_host_names: vec!["h1".into()],
            ..WindowSpec::default()
        }
    }

    #[test]
    fn a_window_needs_a_title_an_order_and_a_scope() {
        assert!(check(&spec()).is_ok());
        assert!(
            check(&WindowSpec {
                title: " ".into(),
                ..spec()
            })
            .is_err()
        );
        assert!(
            check(&WindowSpec {
                end_time_in_seconds: 100,
                ..spec()
            })
            .is_err()
        );
        assert!(
            check(&WindowSpec {
                relevant_host_names: vec![],
                ..spec()
            })
            .is_err()
        );
        let tags = WindowSpec {
            relevant_host_names: vec![],
            relevant_customer_tags: vec!["example.*.prod".into()],
            ..spec()
        };
        assert!(check(&tags).is_ok());
        let bad = WindowSpec {
            relevant_customer_tags: vec!["a b".into()],
            ..spec()
        };
        assert!(check(&bad).is_err());
    }

    #[test]
    fn the_running_state_follows_the_clock_in_seconds() {
        let w = MaintenanceWindowRecord {
            id: "1".into(),
            spec: spec(),
            created_ms: 0,
            creator: "u".into(),
            updated_ms: 0,
            updater: "u".into(),
        };
        assert_eq!(w.running_state(99_999), RunningState::Pending);
        assert_eq!(w.running_state(100_000), RunningState::Ongoing);
        assert_eq!(w.running_state(199_999), RunningState::Ongoing);
        assert_eq!(w.running_state(200_000), RunningState::Ended);
        assert_eq!(w.event_name(), "Maintenance Window: mw");
    }
}
