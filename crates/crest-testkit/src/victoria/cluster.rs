//! A stand-in for a VictoriaMetrics cluster (Debian packages only the single node): a vminsert, a
//! vmselect and some vmstorage nodes, each on a loopback port of its own, that forward what the
//! cluster would serve to one single node and answer 404 to anything else.
//!
//! * vminsert serves `/insert/<tenant>/prometheus/…`; vmselect serves `/select/<tenant>/prometheus/…`
//!   and `/delete/<tenant>/prometheus/…`. The prefix is taken off and the rest is sent to the single
//!   node, which serves the same paths without it. Another tenant is answered 404: a real cluster
//!   would keep it apart, and a test should see the mistake.
//! * A vmstorage node serves its HTTP port's paths crest uses: `/snapshot/create`,
//!   `/snapshot/delete`, `/snapshot/list`, `/snapshot/delete_all`, `/metrics`,
//!   `/internal/force_flush` and `/flags`, forwarded as they are. A test can make a node refuse
//!   snapshots, answer flags of its own, or look restarted ([`ClusterStandIn::restart`]: its
//!   `vm_app_start_timestamp` moves on by a second each time).
//! * Every request is recorded ([`ClusterStandIn::seen`]), those answered 404 too.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use tokio::task::JoinHandle;

/// Which part of the cluster a request reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Insert,
    Select,
    /// The vmstorage node at this index of [`ClusterStandIn::storage_urls`].
    Storage(usize),
}

/// One request the stand-in received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub role: Role,
    pub method: String,
    /// The path as sent, with the tenant prefix.
    pub path: String,
    /// The query string, empty when there was none.
    pub query: String,
    /// The status the stand-in answered.
    pub status: u16,
}

/// The paths of a vmstorage node's HTTP port the stand-in forwards.
pub const STORAGE_PATHS: &[&str] = &[
    "/snapshot/create",
    "/snapshot/delete",
    "/snapshot/list",
    "/snapshot/delete_all",
    "/metrics",
    "/internal/force_flush",
    "/flags",
];

/// Bytes of a request body the stand-in accepts (VictoriaMetrics' own limit is 32 MiB).
const MAX_BODY: usize = 64 << 20;

#[derive(Debug, Default)]
struct Node {
    /// Seconds added to `vm_app_start_timestamp`.
    restarts: AtomicU64,
    refuse_snapshots: AtomicBool,
    /// What `/flags` answers instead of the single node's flags.
    flags: Mutex<Option<String>>,
}

#[derive(Debug)]
struct Shared {
    target: String,
    tenant: String,
    http: reqwest::Client,
    seen: Mutex<Vec<Seen>>,
    nodes: Vec<Node>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A running stand-in (see the module's documentation); its listeners stop when it is dropped.
#[derive(Debug)]
pub struct ClusterStandIn {
    insert_url: String,
    select_url: String,
    storage_urls: Vec<String>,
    shared: Arc<Shared>,
    tasks: Vec<JoinHandle<()>>,
}

impl ClusterStandIn {
    /// A vminsert, a vmselect and `storage_nodes` vmstorage nodes for `tenant`
    /// (`accountID[:projectID]`), all forwarding to the single node at `target` (e.g.
    /// `http://127.0.0.1:8428`).
    pub async fn start(target: &str, tenant: &str, storage_nodes: usize) -> ClusterStandIn {
        let shared = Arc::new(Shared {
            target: target.trim_end_matches('/').to_owned(),
            tenant: tenant.to_owned(),
            http: reqwest::Client::new(),
            seen: Mutex::new(Vec::new()),
            nodes: (0..storage_nodes).map(|_| Node::default()).collect(),
        });
        let mut urls = Vec::new();
        let mut tasks = Vec::new();
        let roles = [Role::Insert, Role::Select]
            .into_iter()
            .chain((0..storage_nodes).map(Role::Storage));
        for role in roles {
            let (url, task) = serve(shared.clone(), role).await;
            urls.push(url);
            tasks.push(task);
        }
        let mut urls = urls.into_iter();
        let insert_url = urls.next().unwrap_or_default();
        let select_url = urls.next().unwrap_or_default();
        let storage_urls = urls.collect();
        ClusterStandIn {
            insert_url,
            select_url,
            storage_urls,
            shared,
            tasks,
        }
    }

    /// vminsert's base URL (`CREST_VICTORIA_INSERT_URL`).
    pub fn insert_url(&self) -> &str {
        &self.insert_url
    }

    /// vmselect's base URL (`CREST_VICTORIA_SELECT_URL`).
    pub fn select_url(&self) -> &str {
        &self.select_url
    }

    /// The vmstorage nodes' base URLs, in order.
    pub fn storage_urls(&self) -> &[String] {
        &self.storage_urls
    }

    /// The vmstorage nodes' base URLs separated by commas (`CREST_VICTORIA_STORAGE_URLS`).
    pub fn storage_list(&self) -> String {
        self.storage_urls.join(",")
    }

    /// Every request received so far, in order of arrival.
    pub fn seen(&self) -> Vec<Seen> {
        lock(&self.shared.seen).clone()
    }

    /// The paths `role` received, in order.
    pub fn paths(&self, role: Role) -> Vec<String> {
        lock(&self.shared.seen)
            .iter()
            .filter(|s| s.role == role)
            .map(|s| s.path.clone())
            .collect()
    }

    /// How many times `role` received `path`.
    pub fn count(&self, role: Role, path: &str) -> usize {
        lock(&self.shared.seen)
            .iter()
            .filter(|s| s.role == role && s.path == path)
            .count()
    }

    /// The requests answered 404 (a path or tenant the cluster would not serve there).
    pub fn refused(&self) -> Vec<Seen> {
        lock(&self.shared.seen)
            .iter()
            .filter(|s| s.status == 404)
            .cloned()
            .collect()
    }

    /// Makes storage node `node` look restarted: from now on its `/metrics` answers a
    /// `vm_app_start_timestamp` one second later than before.
    pub fn restart(&self, node: usize) {
        if let Some(n) = self.shared.nodes.get(node) {
            n.restarts.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Makes storage node `node` answer `/snapshot/create` with a 503 (`true`), or forward it
    /// again (`false`).
    pub fn refuse_snapshots(&self, node: usize, refuse: bool) {
        if let Some(n) = self.shared.nodes.get(node) {
            n.refuse_snapshots.store(refuse, Ordering::SeqCst);
        }
    }

    /// Makes storage node `node` answer `/flags` with `text` (`None`: the single node's flags).
    pub fn set_flags(&self, node: usize, text: Option<&str>) {
        if let Some(n) = self.shared.nodes.get(node) {
            *lock(&n.flags) = text.map(str::to_owned);
        }
    }
}

impl Drop for ClusterStandIn {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Listens on a free loopback port as `role`; the base URL and the serving task.
#[expect(
    clippy::expect_used,
    reason = "test support: a stand-in that cannot listen should stop the test"
)]
async fn serve(shared: Arc<Shared>, role: Role) -> (String, JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port for the cluster stand-in");
    let addr = listener
        .local_addr()
        .expect("the stand-in's listening address");
    let router = axum::Router::new().fallback(move |request: Request| {
        let shared = shared.clone();
        async move { answer(&shared, role, request).await }
    });
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            eprintln!("the cluster stand-in stopped serving: {e}");
        }
    });
    (format!("http://{addr}"), task)
}

fn plain(status: StatusCode, text: String) -> Response {
    let mut response = Response::new(Body::from(text));
    *response.status_mut() = status;
    response
}

/// Answers one request as `role` and records it.
async fn answer(shared: &Shared, role: Role, request: Request) -> Response {
    let method = request.method().as_str().to_owned();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or_default().to_owned();
    let response = route(shared, role, &path, request).await;
    lock(&shared.seen).push(Seen {
        role,
        method,
        path,
        query,
        status: response.status().as_u16(),
    });
    response
}

async fn route(shared: &Shared, role: Role, path: &str, request: Request) -> Response {
    let tenant = &shared.tenant;
    let prefixes = match role {
        Role::Insert => vec![format!("/insert/{tenant}/prometheus")],
        Role::Select => vec![
            format!("/select/{tenant}/prometheus"),
            format!("/delete/{tenant}/prometheus"),
        ],
        Role::Storage(_) => vec![String::new()],
    };
    let rest = prefixes
        .iter()
        .find_map(|p| path.strip_prefix(p.as_str()))
        .filter(|rest| rest.starts_with('/'))
        .filter(|rest| !matches!(role, Role::Storage(_)) || STORAGE_PATHS.contains(rest));
    let Some(rest) = rest else {
        return plain(
            StatusCode::NOT_FOUND,
            format!("the cluster stand-in's {role:?} does not serve {path}"),
        );
    };
    let node = match role {
        Role::Storage(i) => shared.nodes.get(i),
        _ => None,
    };
    if let Some(node) = node {
        if rest == "/snapshot/create" && node.refuse_snapshots.load(Ordering::SeqCst) {
            return plain(
                StatusCode::SERVICE_UNAVAILABLE,
                "this storage node refuses snapshots (the test asked it to)".to_owned(),
            );
        }
        if rest == "/flags"
            && let Some(text) = lock(&node.flags).clone()
        {
            return plain(StatusCode::OK, text);
        }
    }
    let mut response = forward(shared, rest, request).await;
    if let Some(node) = node
        && rest == "/metrics"
    {
        let restarts = node.restarts.load(Ordering::SeqCst);
        if restarts > 0 {
            response = shift_start(response, restarts).await;
        }
    }
    response
}

/// Sends `request` to the single node at `rest` (with its query, method, body and the headers that
/// describe the body); the single node's status, content type and body.
async fn forward(shared: &Shared, rest: &str, request: Request) -> Response {
    let query = request
        .uri()
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let url = format!("{}{rest}{query}", shared.target);
    let method = request.method().clone();
    let headers = request.headers().clone();
    let body = match axum::body::to_bytes(request.into_body(), MAX_BODY).await {
        Ok(b) => b,
        Err(e) => {
            return plain(
                StatusCode::BAD_REQUEST,
                format!("the stand-in cannot read the body: {e}"),
            );
        }
    };
    let Ok(method) = reqwest::Method::from_bytes(method.as_str().as_bytes()) else {
        return plain(StatusCode::METHOD_NOT_ALLOWED, format!("method {method}"));
    };
    let mut out = shared.http.request(method, &url).body(body);
    for name in [
        header::CONTENT_TYPE,
        header::CONTENT_ENCODING,
        header::ACCEPT_ENCODING,
    ] {
        if let Some(value) = headers.get(&name) {
            out = out.header(name.as_str(), value.as_bytes());
        }
    }
    let answer = match out.send().await {
        Ok(a) => a,
        Err(e) => {
            return plain(
                StatusCode::BAD_GATEWAY,
                format!("the single node at {url} did not answer: {e}"),
            );
        }
    };
    let status = StatusCode::from_u16(answer.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut kept = HeaderMap::new();
    for name in [header::CONTENT_TYPE, header::CONTENT_ENCODING] {
        if let Some(value) = answer.headers().get(name.as_str())
            && let Ok(value) = header::HeaderValue::from_bytes(value.as_bytes())
        {
            kept.insert(name, value);
        }
    }
    match answer.bytes().await {
        Ok(bytes) => {
            let mut response = Response::new(Body::from(bytes));
            *response.status_mut() = status;
            *response.headers_mut() = kept;
            response
        }
        Err(e) => plain(
            StatusCode::BAD_GATEWAY,
            format!("the single node's answer at {url} broke off: {e}"),
        ),
    }
}

/// `response` (a `/metrics` text) with `vm_app_start_timestamp` moved on by `seconds`.
async fn shift_start(response: Response, seconds: u64) -> Response {
    let status = response.status();
    let Ok(bytes) = axum::body::to_bytes(response.into_body(), MAX_BODY).await else {
        return plain(
            StatusCode::BAD_GATEWAY,
            "the single node's /metrics broke off".to_owned(),
        );
    };
    let text = String::from_utf8_lossy(&bytes);
    let shifted: String = text
        .lines()
        .map(|line| match line.strip_prefix("vm_app_start_timestamp ") {
            Some(value) => match value.trim().parse::<u64>() {
                Ok(v) => format!("vm_app_start_timestamp {}\n", v.saturating_add(seconds)),
                Err(_) => format!("{line}\n"),
            },
            None => format!("{line}\n"),
        })
        .collect();
    plain(status, shifted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_restart_moves_the_start_timestamp_and_leaves_other_lines() {
        let text = "vm_app_version{version=\"\"} 1\nvm_app_start_timestamp 1764950000\nvm_app_uptime_seconds 12\n";
        let shifted = shift_start(plain(StatusCode::OK, text.to_owned()), 2).await;
        let body = axum::body::to_bytes(shifted.into_body(), MAX_BODY)
            .await
            .unwrap();
        assert_eq!(
            String::from_utf8(body.to_vec()).unwrap(),
            "vm_app_version{version=\"\"} 1\nvm_app_start_timestamp 1764950002\nvm_app_uptime_seconds 12\n"
        );
    }
}
