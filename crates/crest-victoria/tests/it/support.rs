//! A throw-away VictoriaMetrics on a free loopback port with a temporary data directory, started
//! as §6 of the reference says (`-dedup.minScrapeInterval=1ms`, a retention of 100 years), killed
//! in `Drop`; and engines pointed at it.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use crest_series::suite::T0;
use crest_victoria::{Endpoints, Precision, VictoriaConfig, VictoriaEngine};

pub(crate) const DEFAULT_BIN: &str = "/usr/bin/victoria-metrics";

#[derive(Debug)]
pub(crate) struct Vm {
    child: Child,
    pub(crate) url: String,
    _dir: tempfile::TempDir,
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
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
        let bin = std::env::var("CREST_VICTORIA_BIN").unwrap_or_else(|_| DEFAULT_BIN.to_owned());
        assert!(
            std::path::Path::new(&bin).exists(),
            "VictoriaMetrics is needed for these tests and {bin} does not exist: install it \
             (apt-get install -y victoria-metrics) or set CREST_VICTORIA_BIN"
        );
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let child = Command::new(&bin)
            .arg(format!("-storageDataPath={}", dir.path().display()))
            .arg(format!("-httpListenAddr=127.0.0.1:{port}"))
            .args([
                "-retentionPeriod=100y",
                "-dedup.minScrapeInterval=1ms",
                "-search.disableCache",
                "-loggerLevel=ERROR",
                "-memory.allowedBytes=256MiB",
            ])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {bin}: {e}"));
        let vm = Vm {
            child,
            url: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        };
        let http = reqwest::Client::new();
        for _ in 0..200 {
            if let Ok(r) = http.get(format!("{}/health", vm.url)).send().await
                && r.status().is_success()
            {
                return vm;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("VictoriaMetrics at {} did not become healthy", vm.url);
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

impl Drop for Vm {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
