//! The HTTP calls: import, export (parsed strictly, line by line as the body arrives), label
//! values, force_flush. Paths come from [`Endpoints`], so a single node and a cluster share them.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::config::Endpoints;
use crate::error::VictoriaError;

/// One exported line: a series' labels and some of its samples (VictoriaMetrics may cut one
/// series into several lines).
#[derive(Debug, Deserialize)]
pub(crate) struct ExportLine {
    pub(crate) metric: BTreeMap<String, String>,
    pub(crate) values: Vec<f64>,
    pub(crate) timestamps: Vec<i64>,
}

/// The error text VictoriaMetrics gives when one series holds more samples than
/// `-search.maxSamplesPerSeries` in the range (the read is then split in time).
const TOO_MANY_SAMPLES: &str = "maxSamplesPerSeries";

/// How many times one import body is sent before its failure is answered.
pub(crate) const IMPORT_TRIES: u32 = 3;

/// Bytes of an error body kept for the message.
const ERROR_BODY: usize = 2_000;

#[derive(Debug, Clone)]
pub(crate) struct Client {
    http: reqwest::Client,
    endpoints: Endpoints,
}

/// Epoch ms as VictoriaMetrics' `start`/`end`: seconds with three decimals.
pub(crate) fn seconds(ms: i64) -> String {
    let ms = ms.max(0);
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

fn http(context: &str) -> impl FnOnce(reqwest::Error) -> VictoriaError + '_ {
    move |source| VictoriaError::Http {
        context: context.to_owned(),
        source,
    }
}

async fn status_error(context: &str, response: reqwest::Response) -> VictoriaError {
    let status = response.status().as_u16();
    let mut body = response.text().await.unwrap_or_default();
    if let Some((cut, _)) = body.char_indices().nth(ERROR_BODY) {
        body.truncate(cut);
    }
    VictoriaError::Status {
        context: context.to_owned(),
        status,
        body: body.trim().to_owned(),
    }
}

impl Client {
    pub(crate) fn new(
        endpoints: Endpoints,
        timeout: std::time::Duration,
    ) -> Result<Self, VictoriaError> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(http("building the HTTP client"))?;
        Ok(Self { http, endpoints })
    }

    /// Sends one import body (JSON lines); `Ok` only on a 2xx answer. A connection failure, a 429
    /// or a 5xx (VictoriaMetrics queues inserts beyond `-maxConcurrentInserts` and then refuses) is
    /// tried again, [`IMPORT_TRIES`] times in all: sending the same lines twice is harmless with
    /// `-dedup.minScrapeInterval=1ms`.
    pub(crate) async fn import(&self, body: bytes::Bytes) -> Result<(), VictoriaError> {
        let url = format!("{}/api/v1/import", self.endpoints.insert_base());
        let context = "POST /api/v1/import";
        let mut delay = std::time::Duration::from_millis(100);
        let mut tries = 1;
        loop {
            let sent = self
                .http
                .post(&url)
                .header("content-type", "application/stream+json")
                .body(body.clone())
                .send()
                .await;
            let failure = match sent {
                Ok(response) if response.status().is_success() => return Ok(()),
                Ok(response) => {
                    let status = response.status();
                    let e = status_error(context, response).await;
                    if status.as_u16() != 429 && !status.is_server_error() {
                        return Err(e);
                    }
                    e
                }
                Err(source) => VictoriaError::Http {
                    context: context.to_owned(),
                    source,
                },
            };
            if tries >= IMPORT_TRIES {
                return Err(failure);
            }
            tries += 1;
            tokio::time::sleep(delay).await;
            delay = delay.saturating_mul(4);
        }
    }

    /// Makes what was imported visible to reads (not durable: §1.5 of the reference).
    pub(crate) async fn force_flush(&self) -> Result<(), VictoriaError> {
        for base in self.endpoints.flush_bases() {
            self.storage_get(&base, "/internal/force_flush", &[])
                .await?;
        }
        Ok(())
    }

    /// `GET <base><path>?<query>` on a storage node; the answer's body, or the error status.
    async fn storage_get(
        &self,
        base: &str,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<String, VictoriaError> {
        let context = format!("GET {path}");
        let response = self
            .http
            .get(format!("{base}{path}"))
            .query(query)
            .send()
            .await
            .map_err(http(&context))?;
        if !response.status().is_success() {
            return Err(status_error(&context, response).await);
        }
        response.text().await.map_err(http(&context))
    }

    /// Exports the series `selectors` match in `[start, end]` (both inclusive, epoch ms, as
    /// VictoriaMetrics reads them), handing each line to `sink` as it arrives. A line that is not a
    /// series (VictoriaMetrics' text error after a limit bit mid-stream) fails the whole read;
    /// `Ok(false)` says VictoriaMetrics refused because one series held too many samples.
    pub(crate) async fn export(
        &self,
        selectors: &[String],
        start: i64,
        end: i64,
        sink: &mut (dyn FnMut(ExportLine) -> Result<(), VictoriaError> + Send),
    ) -> Result<bool, VictoriaError> {
        let context = "POST /api/v1/export";
        let mut form: Vec<(&str, String)> =
            selectors.iter().map(|s| ("match[]", s.clone())).collect();
        form.push(("start", seconds(start)));
        form.push(("end", seconds(end)));
        let mut response = self
            .http
            .post(format!("{}/api/v1/export", self.endpoints.select_base()))
            .form(&form)
            .send()
            .await
            .map_err(http(context))?;
        if !response.status().is_success() {
            let e = status_error(context, response).await;
            if let VictoriaError::Status { body, .. } = &e
                && body.contains(TOO_MANY_SAMPLES)
            {
                return Ok(false);
            }
            return Err(e);
        }
        let mut pending: Vec<u8> = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(http(context))? {
            pending.extend_from_slice(&chunk);
            let mut consumed = 0usize;
            while let Some(at) = pending
                .get(consumed..)
                .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
            {
                let line = pending.get(consumed..consumed + at).unwrap_or_default();
                consumed += at + 1;
                if !Self::line(line, sink)? {
                    return Ok(false);
                }
            }
            pending.drain(..consumed);
        }
        if !pending.is_empty() {
            let rest = std::mem::take(&mut pending);
            if !Self::line(&rest, sink)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// One export line: `Ok(false)` for the too-many-samples error line.
    fn line(
        line: &[u8],
        sink: &mut (dyn FnMut(ExportLine) -> Result<(), VictoriaError> + Send),
    ) -> Result<bool, VictoriaError> {
        let context = "POST /api/v1/export";
        if line.iter().all(u8::is_ascii_whitespace) {
            return Ok(true);
        }
        match serde_json::from_slice::<ExportLine>(line) {
            Ok(parsed) if parsed.values.len() == parsed.timestamps.len() => {
                sink(parsed)?;
                Ok(true)
            }
            Ok(parsed) => Err(VictoriaError::Protocol {
                context: context.to_owned(),
                detail: format!(
                    "a line has {} values and {} timestamps",
                    parsed.values.len(),
                    parsed.timestamps.len()
                ),
            }),
            Err(e) => {
                let text = String::from_utf8_lossy(line);
                if text.contains(TOO_MANY_SAMPLES) {
                    return Ok(false);
                }
                let shown: String = text.chars().take(ERROR_BODY).collect();
                Err(VictoriaError::Protocol {
                    context: context.to_owned(),
                    detail: format!("a line is not a series ({e}): {shown}"),
                })
            }
        }
    }

    /// The values of label `name` on series `selectors` match, at most `limit` (VictoriaMetrics
    /// truncates silently at `-search.maxTagValues`).
    pub(crate) async fn label_values(
        &self,
        name: &str,
        selectors: &[String],
        start: i64,
        end: i64,
        limit: usize,
    ) -> Result<Vec<String>, VictoriaError> {
        #[derive(Deserialize)]
        struct Answer {
            status: String,
            #[serde(default)]
            data: Vec<String>,
        }
        let context = "GET /api/v1/label/…/values";
        let mut form: Vec<(&str, String)> =
            selectors.iter().map(|s| ("match[]", s.clone())).collect();
        form.push(("start", seconds(start)));
        form.push(("end", seconds(end)));
        form.push(("limit", limit.to_string()));
        let response = self
            .http
            .post(format!(
                "{}/api/v1/label/{name}/values",
                self.endpoints.select_base()
            ))
            .form(&form)
            .send()
            .await
            .map_err(http(context))?;
        if !response.status().is_success() {
            return Err(status_error(context, response).await);
        }
        let answer: Answer = response.json().await.map_err(http(context))?;
        if answer.status != "success" {
            return Err(VictoriaError::Protocol {
                context: context.to_owned(),
                detail: format!("status {}", answer.status),
            });
        }
        Ok(answer.data)
    }

    /// The label sets of the series `selectors` match with samples in `[start, end]` (1.79.5
    /// reads a missing or zero `start` as five minutes ago; VictoriaMetrics refuses beyond
    /// `-search.maxSeries`).
    pub(crate) async fn series(
        &self,
        selectors: &[String],
        start: i64,
        end: i64,
    ) -> Result<Vec<BTreeMap<String, String>>, VictoriaError> {
        #[derive(Deserialize)]
        struct Answer {
            status: String,
            #[serde(default)]
            data: Vec<BTreeMap<String, String>>,
        }
        let context = "POST /api/v1/series";
        let mut form: Vec<(&str, String)> =
            selectors.iter().map(|s| ("match[]", s.clone())).collect();
        form.push(("start", seconds(start.max(1))));
        form.push(("end", seconds(end)));
        let response = self
            .http
            .post(format!("{}/api/v1/series", self.endpoints.select_base()))
            .form(&form)
            .send()
            .await
            .map_err(http(context))?;
        if !response.status().is_success() {
            return Err(status_error(context, response).await);
        }
        let answer: Answer = response.json().await.map_err(http(context))?;
        if answer.status != "success" {
            return Err(VictoriaError::Protocol {
                context: context.to_owned(),
                detail: format!("status {}", answer.status),
            });
        }
        Ok(answer.data)
    }

    /// Deletes every series `selectors` match (POST: GET is refused from v1.149).
    pub(crate) async fn delete_series(&self, selectors: &[String]) -> Result<(), VictoriaError> {
        let context = "POST /api/v1/admin/tsdb/delete_series";
        let form: Vec<(&str, String)> = selectors.iter().map(|s| ("match[]", s.clone())).collect();
        let response = self
            .http
            .post(format!(
                "{}/api/v1/admin/tsdb/delete_series",
                self.endpoints.delete_base()
            ))
            .form(&form)
            .send()
            .await
            .map_err(http(context))?;
        if !response.status().is_success() {
            return Err(status_error(context, response).await);
        }
        Ok(())
    }

    /// Makes everything imported durable on every storage node: `/snapshot/create` flushes and
    /// syncs (§1.5 and §3.1 of the reference), then `/snapshot/delete` frees the snapshot's hard
    /// links at once. Refused for a cluster whose storage nodes are not known.
    pub(crate) async fn make_durable(&self) -> Result<(), VictoriaError> {
        #[derive(Deserialize)]
        struct Created {
            status: String,
            #[serde(default)]
            snapshot: String,
        }
        let bases = self.endpoints.flush_bases();
        if bases.is_empty() {
            return Err(VictoriaError::Refused(
                "no storage node is configured, so nothing can be made durable".into(),
            ));
        }
        for base in bases {
            let text = self.storage_get(&base, "/snapshot/create", &[]).await?;
            let created: Created = serde_json::from_str(&text)
                .ok()
                .filter(|c: &Created| c.status == "ok" && !c.snapshot.is_empty())
                .ok_or_else(|| VictoriaError::Protocol {
                    context: "GET /snapshot/create".to_owned(),
                    detail: format!("not a created snapshot: {text:?}"),
                })?;
            self.storage_get(
                &base,
                "/snapshot/delete",
                &[("snapshot", created.snapshot.as_str())],
            )
            .await?;
        }
        Ok(())
    }

    /// Every storage node's `vm_app_start_timestamp` (from `/metrics`), in the order of the
    /// configuration: a change says a node restarted.
    pub(crate) async fn start_timestamps(&self) -> Result<Vec<u64>, VictoriaError> {
        let mut out = Vec::new();
        for base in self.endpoints.flush_bases() {
            let text = self.storage_get(&base, "/metrics", &[]).await?;
            let started = start_timestamp(&text).ok_or_else(|| VictoriaError::Protocol {
                context: "GET /metrics".to_owned(),
                detail: "no vm_app_start_timestamp".into(),
            })?;
            out.push(started);
        }
        Ok(out)
    }

    /// The flags the storage was started with (`/flags` lists those set explicitly), from the
    /// first storage node; `None` for a cluster whose storage nodes are not known.
    pub(crate) async fn flags(&self) -> Result<Option<String>, VictoriaError> {
        let Some(base) = self.endpoints.flush_bases().into_iter().next() else {
            return Ok(None);
        };
        Ok(Some(self.storage_get(&base, "/flags", &[]).await?))
    }
}

/// The value of `vm_app_start_timestamp` (seconds since the epoch) in a `/metrics` text.
pub(crate) fn start_timestamp(metrics: &str) -> Option<u64> {
    metrics.lines().find_map(|line| {
        let rest = line.strip_prefix("vm_app_start_timestamp")?;
        let value = rest.trim_start_matches(|c: char| c != ' ').trim();
        value.parse::<u64>().ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_start_timestamp_is_read_from_metrics() {
        let text = "vm_app_version{version=\"\", short_version=\"\"} 1\nvm_app_start_timestamp 1764950000\nvm_app_uptime_seconds 12\n";
        assert_eq!(start_timestamp(text), Some(1_764_950_000));
        assert_eq!(start_timestamp("vm_app_uptime_seconds 12\n"), None);
    }

    #[test]
    fn times_are_seconds_with_milliseconds() {
        assert_eq!(seconds(1_796_432_007_178), "1796432007.178");
        assert_eq!(seconds(5), "0.005");
        assert_eq!(seconds(-5), "0.000");
    }

    #[test]
    fn export_lines_are_parsed_strictly() {
        let mut got = Vec::new();
        let mut sink = |l: ExportLine| {
            got.push(l);
            Ok(())
        };
        assert!(
            Client::line(
                br#"{"metric":{"__name__":"m"},"values":[1],"timestamps":[2]}"#,
                &mut sink
            )
            .unwrap()
        );
        assert!(Client::line(b"  ", &mut sink).unwrap());
        assert!(matches!(
            Client::line(
                b"remoteAddr: 1.2.3.4; error when exporting data: timeout",
                &mut sink
            ),
            Err(VictoriaError::Protocol { .. })
        ));
        assert!(matches!(
            Client::line(
                br#"{"metric":{},"values":[1,2],"timestamps":[2]}"#,
                &mut sink
            ),
            Err(VictoriaError::Protocol { .. })
        ));
        assert!(
            !Client::line(
                b"error: cannot process more than 100 samples; increase -search.maxSamplesPerSeries",
                &mut sink
            )
            .unwrap()
        );
        assert_eq!(got.len(), 1);
    }
}
