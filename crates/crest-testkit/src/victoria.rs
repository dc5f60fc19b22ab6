//! A throw-away VictoriaMetrics for tests: Debian's single node (`$CREST_VICTORIA_BIN`, default
//! `/usr/bin/victoria-metrics`; a missing binary fails the test, never skips it) on a loopback
//! port and a data directory of the test's choosing, run as crest requires
//! (`-dedup.minScrapeInterval=1ms`) with a retention of 100 years, killed with SIGKILL when dropped
//! (a test's kill -9, and no process left behind by a failing test); and [`ClusterStandIn`], the
//! cluster's URL layout in front of such a single node.

#![expect(
    clippy::panic,
    reason = "test support: a failed set-up should stop the test"
)]

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

mod cluster;

pub use cluster::{ClusterStandIn, Role, STORAGE_PATHS, Seen};

pub const DEFAULT_BIN: &str = "/usr/bin/victoria-metrics";

/// A free loopback port (free when asked; tests start their process on it at once).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// A running VictoriaMetrics.
#[derive(Debug)]
pub struct VictoriaProcess {
    child: Child,
    port: u16,
}

impl VictoriaProcess {
    /// Starts VictoriaMetrics on `dir` and `port` with `extra` flags, and waits until it answers
    /// `/health` (at most 10 seconds).
    pub async fn start(dir: &Path, port: u16, extra: &[&str]) -> VictoriaProcess {
        let bin = std::env::var("CREST_VICTORIA_BIN").unwrap_or_else(|_| DEFAULT_BIN.to_owned());
        assert!(
            Path::new(&bin).exists(),
            "VictoriaMetrics is needed for this test and {bin} does not exist: install it \
             (apt-get install -y victoria-metrics) or set CREST_VICTORIA_BIN"
        );
        let child = Command::new(&bin)
            .arg(format!("-storageDataPath={}", dir.display()))
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
        let vm = VictoriaProcess { child, port };
        let http = reqwest::Client::new();
        for _ in 0..400 {
            if let Ok(r) = http.get(format!("{}/health", vm.url())).send().await
                && r.status().is_success()
            {
                return vm;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("VictoriaMetrics at {} did not become healthy", vm.url());
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }
}

impl Drop for VictoriaProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
