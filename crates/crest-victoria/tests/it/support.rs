//! A throw-away VictoriaMetrics on a free loopback port with a temporary data directory, started
//! as §6 of the reference says (`-dedup.minScrapeInterval=1ms`, a retention of 100 years), killed
//! in `Drop`; and engines pointed at it.

use std::sync::Arc;

use crest_series::suite::T0;
use crest_testkit::victoria::{VictoriaProcess, free_port};
use crest_victoria::{Endpoints, Precision, VictoriaConfig, VictoriaEngine};

#[derive(Debug)]
pub(crate) struct Vm {
    _process: VictoriaProcess,
    pub(crate) url: String,
    _dir: tempfile::TempDir,
}

#[allow(clippy::disallowed_methods)] // tests read the wall clock VictoriaMetrics uses
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// The shift that moves the suite's `T0` (2027) to a day before now, where VictoriaMetrics keeps it.
pub(crate) fn suite_shift() -> i64 {
    let day = 86_400_000;
    (T0 - (now_ms() - day)).div_euclid(day) * day
}

impl Vm {
    pub(crate) async fn start() -> Vm {
        Vm::start_with(&[]).await
    }

    pub(crate) async fn start_with(extra: &[&str]) -> Vm {
        let dir = tempfile::tempdir().unwrap();
        let process = VictoriaProcess::start(dir.path(), free_port(), extra).await;
        Vm {
            url: process.url(),
            _process: process,
            _dir: dir,
        }
    }

    /// The configuration tests use: the wall clock, the suite's shift, flush after every write.
    pub(crate) fn config(&self) -> VictoriaConfig {
        config_for(Endpoints::Single {
            url: self.url.clone(),
        })
    }

    pub(crate) fn engine(&self) -> VictoriaEngine {
        VictoriaEngine::new(self.config()).unwrap()
    }

    pub(crate) fn engine_with(&self, precision: Precision) -> VictoriaEngine {
        let mut config = self.config();
        config.precision = precision;
        VictoriaEngine::new(config).unwrap()
    }
}

pub(crate) fn config_for(endpoints: Endpoints) -> VictoriaConfig {
    let mut config = VictoriaConfig::new(endpoints, Arc::new(now_ms));
    config.retention_ms = 100 * 365 * 86_400_000;
    config.time_shift_ms = suite_shift();
    config.flush_after_write = true;
    config
}
