//! The one HTTP client of powkg: requests to the store a user named, with its credentials, timeouts, retries with
//! backoff on server errors and dropped connections, and the `Authorization` each scheme needs (Basic and Digest
//! answered from the server's challenge, as Virtuoso requires; a bearer token sent with every request).

use std::io::Read;
use std::time::Duration;

use http_auth::{PasswordClient, PasswordParams};

use super::auth::Credentials;

/// What the store answered.
#[derive(Debug)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The body, as text (answers powkg reads are short: counts, records, error pages).
    pub body: String,
    /// The `Server` header (`Oxigraph/0.5.13`), empty without one.
    pub server: String,
}

impl Answer {
    /// Whether the status is 2xx.
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The first line of the body, for messages.
    pub fn first_line(&self) -> &str {
        self.body.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("")
    }
}

/// Why a request failed for good.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// The store could not be reached (after the retries).
    #[error("cannot reach {url}: {message}")]
    Unreachable {
        /// The URL.
        url: String,
        /// The transport's words.
        message: String,
    },
    /// The store refused the credentials (or asked for some none were given).
    #[error(
        "{url} answered {status}: {}; set POWKG_PUSH_USER and POWKG_PUSH_PASSWORD (or POWKG_PUSH_TOKEN), or give the host a netrc entry",
        if *.given { "it refused the credentials" } else { "it needs credentials" }
    )]
    Unauthorized {
        /// The URL.
        url: String,
        /// 401 or 403.
        status: u16,
        /// Whether credentials were sent.
        given: bool,
    },
}

/// How requests are made.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Connecting and the whole of one request, each.
    pub timeout: Duration,
    /// Attempts after the first on 5xx answers and dropped connections.
    pub retries: u32,
    /// The first pause between attempts; it doubles each time.
    pub backoff: Duration,
}

/// Whether a request may be sent again after a server error or a dropped connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// Sending it twice does what sending it once does.
    Allowed,
    /// Sending it twice would do something else (a graph's replacement).
    Never,
}

/// How many times the request timeout a graph's replacement may take (a store copies the whole graph in it).
pub const PATIENCE: u32 = 10;

/// A client for one store.
pub struct Client {
    agent: ureq::Agent,
    /// For the one request that may run long and must not be repeated: a graph's replacement.
    patient: ureq::Agent,
    credentials: Option<Credentials>,
    /// The answer to the server's password challenge, once it has made one (Digest counts its requests).
    challenge: Option<PasswordClient>,
    options: ClientOptions,
}

impl Client {
    /// A client with these credentials (if any).
    pub fn new(options: ClientOptions, credentials: Option<Credentials>) -> Self {
        let agent = |timeout: Duration| -> ureq::Agent {
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_global(Some(timeout))
                .timeout_connect(Some(options.timeout))
                .max_redirects(0)
                .user_agent(concat!("powkg/", env!("CARGO_PKG_VERSION")))
                .build()
                .into()
        };
        Self {
            agent: agent(options.timeout),
            patient: agent(options.timeout.saturating_mul(PATIENCE)),
            credentials,
            challenge: None,
            options,
        }
    }

    /// Sends one request; answers 401 with the credentials the challenge asks for. A [`Repeat::Allowed`] request is
    /// sent again with backoff after a 5xx or a dropped connection; a [`Repeat::Never`] one, which would do something
    /// else the second time, is sent once with [`PATIENCE`] times the timeout, and its outcome is the caller's to
    /// check. Any final status comes back as an [`Answer`] but 401/403, which are errors.
    pub fn send(
        &mut self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: &[u8],
        repeat: Repeat,
    ) -> Result<Answer, HttpError> {
        let repeatable = repeat == Repeat::Allowed;
        let retries = if repeatable { self.options.retries } else { 0 };
        let mut pause = self.options.backoff;
        let mut attempt = 0;
        let mut challenged = false;
        loop {
            let authorization = self.authorization(method, url, body);
            let result = self.once(method, url, headers, body, authorization.as_deref(), repeatable);
            let retry = match &result {
                Ok((answer, _)) => answer.status >= 500,
                Err(_) => true,
            };
            match result {
                Ok((answer, challenge)) if answer.status == 401 && !challenged && self.credentials.is_some() => {
                    // The first 401 carries the challenge to answer; a second means the credentials are wrong.
                    challenged = true;
                    if let Some(c) = challenge.and_then(|c| PasswordClient::try_from(c.as_str()).ok()) {
                        self.challenge = Some(c);
                        continue;
                    }
                    return Err(HttpError::Unauthorized {
                        url: url.to_owned(),
                        status: 401,
                        given: true,
                    });
                }
                Ok((answer, _)) if answer.status == 401 || answer.status == 403 => {
                    return Err(HttpError::Unauthorized {
                        url: url.to_owned(),
                        status: answer.status,
                        given: self.credentials.is_some(),
                    });
                }
                Ok((answer, _)) if !retry || attempt >= retries => return Ok(answer),
                Err(message) if attempt >= retries => {
                    return Err(HttpError::Unreachable {
                        url: url.to_owned(),
                        message,
                    });
                }
                _ => {}
            }
            attempt += 1;
            std::thread::sleep(pause);
            pause = pause.saturating_mul(2);
        }
    }

    /// The `Authorization` header for this request, if the credentials give one yet.
    fn authorization(&mut self, method: &str, url: &str, body: &[u8]) -> Option<String> {
        match (&self.credentials, &mut self.challenge) {
            (Some(Credentials::Bearer(token)), _) => Some(format!("Bearer {token}")),
            (Some(Credentials::Password { user, password }), Some(challenge)) => {
                // Digest signs the request target as sent: the path and query of the URL.
                let target = url
                    .split_once("://")
                    .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
                    .unwrap_or("/");
                challenge
                    .respond(&PasswordParams {
                        username: user,
                        password,
                        uri: target,
                        method,
                        body: Some(body),
                    })
                    .ok()
            }
            _ => None,
        }
    }

    /// One attempt: the answer and the `WWW-Authenticate` challenge, or the transport's error.
    fn once(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: &[u8],
        authorization: Option<&str>,
        repeatable: bool,
    ) -> Result<(Answer, Option<String>), String> {
        let mut request = ureq::http::Request::builder().method(method).uri(url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(a) = authorization {
            request = request.header("Authorization", a);
        }
        let request = request.body(body.to_vec()).map_err(|e| e.to_string())?;
        let agent = if repeatable { &self.agent } else { &self.patient };
        let mut response = agent.run(request).map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let challenge = response
            .headers()
            .get_all("www-authenticate")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(", ");
        let server = response
            .headers()
            .get("server")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let mut text = String::new();
        // Error pages and counts are short; a store that sends more is cut at 1 MiB.
        response
            .body_mut()
            .as_reader()
            .take(1 << 20)
            .read_to_string(&mut text)
            .map_err(|e| e.to_string())?;
        Ok((
            Answer {
                status,
                body: text,
                server,
            },
            (!challenge.is_empty()).then_some(challenge),
        ))
    }
}
