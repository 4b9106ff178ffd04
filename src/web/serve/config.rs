//! How `powkg serve` behaves: its resource limits, and whom it answers across origins and may call with `SERVICE`.

use std::time::Duration;

/// Resource limits of the server.
#[derive(Debug, Clone)]
pub struct Limits {
    /// A query running longer is cancelled and answered with 503.
    pub query_timeout: Duration,
    /// Time from a request's head to its answer: a request still being read or handled then is answered with 503.
    pub request_timeout: Duration,
    /// Time a client has to send a request's head (and a kept-alive connection to start its next request).
    pub header_timeout: Duration,
    /// Longest a client may keep the server waiting to send the next bytes of an answer before it is disconnected.
    pub send_timeout: Duration,
    /// Largest request body accepted (413 beyond).
    pub max_request_bytes: u64,
    /// Largest serialized result sent (500 beyond: the query should use LIMIT).
    pub max_result_bytes: usize,
    /// Most rows the query page shows (the endpoint itself is bounded by `max_result_bytes` only).
    pub max_page_rows: usize,
    /// Memory one query may take (503 beyond, as for the time limit).
    pub max_query_memory: usize,
    /// Most queries evaluated at once; others wait for a slot until their deadline (503 then).
    pub max_concurrent_queries: usize,
    /// Most connections from one client address (an IPv6 client: its /64) at once; past it, its idle connections are
    /// closed for the newcomer, and the newcomer is refused (503) when none is idle.
    pub max_connections_per_client: usize,
    /// Requests answered on one connection; the last answer says `Connection: close`.
    pub max_requests_per_connection: u64,
    /// Time a connection may stay open: past it, it takes no new request (the one in progress is answered).
    pub max_connection_age: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            query_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(10),
            header_timeout: Duration::from_secs(10),
            send_timeout: Duration::from_secs(60),
            max_request_bytes: 1024 * 1024,
            max_result_bytes: 16 * 1024 * 1024,
            max_page_rows: 1000,
            max_query_memory: 1024 * 1024 * 1024,
            max_concurrent_queries: 8,
            max_connections_per_client: 32,
            max_requests_per_connection: 1000,
            max_connection_age: Duration::from_secs(300),
        }
    }
}

impl Limits {
    /// The default request deadline for a query timeout: the query's time plus room to read the request and
    /// write the answer.
    pub fn request_timeout_for(query_timeout: Duration) -> Duration {
        query_timeout + Duration::from_secs(5)
    }
}

/// How the server behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// Resource limits.
    pub limits: Limits,
    /// `Access-Control-Allow-Origin` for browser clients on other origins; `None` sends no CORS headers.
    pub cors_origin: Option<String>,
    /// The SPARQL endpoints queries may call with `SERVICE` (none by default: the server makes no request).
    pub allowed_services: Vec<oxigraph::model::NamedNode>,
    /// A path whose handler panics on purpose, so that a test can see a panic answered 500 while the server goes
    /// on; `None` (the default) outside tests.
    pub panic_path: Option<String>,
}

impl Default for Config {
    /// Default limits; CORS open to every origin (the data is public and the server read-only).
    fn default() -> Self {
        Self {
            limits: Limits::default(),
            cors_origin: Some("*".to_owned()),
            allowed_services: Vec::new(),
            panic_path: None,
        }
    }
}
