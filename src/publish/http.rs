//! The one HTTP client of powkg: requests to the store a user named, with its credentials, timeouts, retries with
//! backoff (capped) on server errors and dropped connections, and the `Authorization` each scheme needs (Basic and
//! Digest answered from the server's challenge, as Virtuoso requires; a bearer token sent with every request). Each
//! origin's credentials go to that origin alone, and a readable secret (Basic, a bearer token) goes over plain HTTP
//! only to this machine, unless the user allows it.

use std::collections::HashMap;
use std::io::{self, Read};
use std::sync::mpsc;
use std::time::Duration;

use http_auth::{PasswordClient, PasswordParams};

use super::auth::{Credentials, Keyring};
use super::display;
use super::origin::{self, Origin};

/// What the store answered.
#[derive(Debug)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The body, as text (answers powkg reads are short: counts, records, error pages).
    pub body: String,
    /// The `Server` header (`Oxigraph/0.5.13`), empty without one.
    pub server: String,
    /// Whether the body was longer than powkg reads ([`MOST_BODY_BYTES`]) and was cut.
    pub truncated: bool,
}

/// Most bytes of an answer's body read: error pages and counts are short.
pub const MOST_BODY_BYTES: u64 = 1 << 20;

impl Answer {
    /// Whether the status is 2xx.
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body as a message quotes it (see [`display::remote`]).
    pub fn quoted(&self) -> String {
        display::remote(&self.body)
    }
}

/// A body made while it is sent: `fill` writes its pieces to the function it is given, and is called again for each
/// attempt; it may stop the request by failing (the store then gets less than `length` bytes, and discards them).
pub type Fill<'a> = dyn FnMut(&mut dyn FnMut(&[u8]) -> io::Result<()>) -> io::Result<()> + 'a;

/// What a request carries.
pub enum Body<'a> {
    /// Bytes in memory.
    Bytes(&'a [u8]),
    /// `length` bytes made while they are sent, with constant memory (see [`Fill`]). It may be a whole graph: each
    /// write must go through within the timeout, and the answer may take [`PATIENCE`] times the timeout.
    Made {
        /// The bytes `fill` writes, sent as `Content-Length`.
        length: u64,
        /// Writes them.
        fill: &'a mut Fill<'a>,
    },
}

/// Why a request failed for good.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// The body's maker stopped the request.
    #[error("{url}: the request was stopped: {message}")]
    Stopped {
        /// The URL.
        url: String,
        /// The maker's words.
        message: String,
    },
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
        "{url} answered {status}: {}; set POWKG_PUSH_USER and POWKG_PUSH_PASSWORD (or POWKG_PUSH_TOKEN), which go to the origin of --store-url only, or give the host a netrc entry",
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
    /// A readable secret would cross the network unencrypted.
    #[error(
        "{url}: {what} would go over plain HTTP to another machine, where anyone on the way can read it; nothing was sent: use an https:// URL, or --allow-insecure-auth to send it anyway"
    )]
    Insecure {
        /// The URL.
        url: String,
        /// `the Basic credentials it asks for` or `the bearer token`.
        what: &'static str,
    },
}

/// How requests are made.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Connecting and the whole of one request, each.
    pub timeout: Duration,
    /// Attempts after the first on 5xx answers and dropped connections.
    pub retries: u32,
    /// The first pause between attempts; it doubles each time, up to [`MOST_PAUSE`].
    pub backoff: Duration,
    /// Send Basic credentials or a bearer token over plain HTTP to a host other than this machine.
    pub allow_insecure_auth: bool,
}

/// The longest pause between two attempts.
pub const MOST_PAUSE: Duration = Duration::from_secs(30);

/// The pause before attempt `attempt` + 1 (the first retry is attempt 1): `first`, doubled each time, at most
/// [`MOST_PAUSE`].
pub fn pause(first: Duration, attempt: u32) -> Duration {
    let doublings = attempt.saturating_sub(1).min(31);
    first.saturating_mul(1 << doublings).min(MOST_PAUSE)
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
    /// For made bodies (a whole graph).
    streaming: ureq::Agent,
    /// The credentials of each origin.
    keyring: Keyring,
    /// The answer to each origin's password challenge, once it has made one (Digest counts its requests).
    challenges: HashMap<Origin, PasswordClient>,
    options: ClientOptions,
}

impl Client {
    /// A client with these credentials, each for its origin.
    pub fn new(options: ClientOptions, keyring: Keyring) -> Self {
        let base = || {
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_connect(Some(options.timeout))
                .max_redirects(0)
                .user_agent(concat!("powkg/", env!("CARGO_PKG_VERSION")))
        };
        let agent = |timeout: Duration| -> ureq::Agent { base().timeout_global(Some(timeout)).build().into() };
        let patience = options.timeout.saturating_mul(PATIENCE);
        Self {
            agent: agent(options.timeout),
            patient: agent(patience),
            // A whole graph takes as long as it takes to send, as long as each write goes through within the
            // timeout; then the store may take PATIENCE times the timeout to carry it out.
            streaming: base()
                .timeout_per_write(Some(options.timeout))
                .timeout_recv_response(Some(patience))
                .build()
                .into(),
            keyring,
            challenges: HashMap::new(),
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
        mut body: Body<'_>,
        repeat: Repeat,
    ) -> Result<Answer, HttpError> {
        // The user and password a URL carries are answered to its origin's challenge (see the keyring), never sent
        // unasked, and never shown.
        let target = origin::without_userinfo(url);
        let shown = display::url(url);
        let origin = Origin::of(url);
        let credentials = origin.as_ref().and_then(|o| self.keyring.get(o)).cloned();
        let keeps_secrets = self.options.allow_insecure_auth || origin.as_ref().is_some_and(Origin::keeps_secrets);
        if matches!(credentials, Some(Credentials::Bearer(_))) && !keeps_secrets {
            return Err(HttpError::Insecure {
                url: shown,
                what: "the bearer token",
            });
        }
        let repeatable = repeat == Repeat::Allowed;
        let retries = if repeatable { self.options.retries } else { 0 };
        let mut attempt = 0;
        let mut challenged = false;
        loop {
            let signed = match &body {
                Body::Bytes(bytes) => Some(*bytes),
                Body::Made { .. } => None,
            };
            let authorization = self.authorization(origin.as_ref(), credentials.as_ref(), method, &target, signed);
            let result = match self.once(
                method,
                &target,
                headers,
                &mut body,
                authorization.as_deref(),
                repeatable,
            ) {
                Err(Failure::Stopped(message)) => {
                    return Err(HttpError::Stopped {
                        url: shown,
                        message: display::remote(&message),
                    });
                }
                Err(Failure::Transport(message)) => Err(message),
                Ok(answer) => Ok(answer),
            };
            let retry = match &result {
                Ok((answer, _)) => answer.status >= 500,
                Err(_) => true,
            };
            match result {
                Ok((answer, challenge))
                    if answer.status == 401
                        && !challenged
                        && matches!(credentials, Some(Credentials::Password { .. })) =>
                {
                    // The first 401 carries the challenge to answer; a second means the credentials are wrong.
                    challenged = true;
                    if let (Some(o), Some(c)) = (
                        &origin,
                        challenge.and_then(|c| PasswordClient::try_from(c.as_str()).ok()),
                    ) {
                        if matches!(c, PasswordClient::Basic(_)) && !keeps_secrets {
                            return Err(HttpError::Insecure {
                                url: shown,
                                what: "the Basic credentials it asks for",
                            });
                        }
                        self.challenges.insert(o.clone(), c);
                        continue;
                    }
                    return Err(HttpError::Unauthorized {
                        url: shown,
                        status: 401,
                        given: true,
                    });
                }
                Ok((answer, _)) if answer.status == 401 || answer.status == 403 => {
                    return Err(HttpError::Unauthorized {
                        url: shown,
                        status: answer.status,
                        given: authorization.is_some(),
                    });
                }
                Ok((answer, _)) if !retry || attempt >= retries => return Ok(answer),
                Err(message) if attempt >= retries => {
                    return Err(HttpError::Unreachable {
                        url: shown,
                        message: display::remote(&message),
                    });
                }
                _ => {}
            }
            attempt += 1;
            std::thread::sleep(pause(self.options.backoff, attempt));
        }
    }

    /// The `Authorization` header for a request to `origin`, if its credentials give one yet: a bearer token always,
    /// a password once the origin has challenged.
    fn authorization(
        &mut self,
        origin: Option<&Origin>,
        credentials: Option<&Credentials>,
        method: &str,
        url: &str,
        body: Option<&[u8]>,
    ) -> Option<String> {
        match credentials? {
            Credentials::Bearer(token) => Some(format!("Bearer {token}")),
            Credentials::Password { user, password } => {
                let challenge = self.challenges.get_mut(origin?)?;
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
                        body,
                    })
                    .ok()
            }
        }
    }

    /// One attempt: the answer and the `WWW-Authenticate` challenge, or why it failed.
    fn once(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: &mut Body<'_>,
        authorization: Option<&str>,
        repeatable: bool,
    ) -> Result<(Answer, Option<String>), Failure> {
        let mut request = ureq::http::Request::builder().method(method).uri(url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(a) = authorization {
            request = request.header("Authorization", a);
        }
        match body {
            Body::Bytes(bytes) => {
                let request = request
                    .body(bytes.to_vec())
                    .map_err(|e| Failure::Transport(e.to_string()))?;
                let agent = if repeatable { &self.agent } else { &self.patient };
                let response = agent.run(request).map_err(|e| Failure::Transport(e.to_string()))?;
                answer_of(response).map_err(Failure::Transport)
            }
            Body::Made { length, fill } => {
                let request = request
                    .header("Content-Length", *length)
                    .body(())
                    .map_err(|e| Failure::Transport(e.to_string()))?;
                made(&self.streaming, request, &mut **fill)
            }
        }
    }
}

/// Why one attempt failed.
enum Failure {
    /// The connection or the protocol (the request may be sent again).
    Transport(String),
    /// The body's maker stopped it (it is not sent again).
    Stopped(String),
}

/// Bytes per message from the body's maker to the request (a few are in flight at once).
const BLOCK: usize = 1 << 18;

/// Sends a request whose body is made on this thread while another thread sends it: memory holds a few blocks,
/// whatever the body's size.
fn made(
    agent: &ureq::Agent,
    request: ureq::http::Request<()>,
    fill: &mut Fill<'_>,
) -> Result<(Answer, Option<String>), Failure> {
    // `None` stops the request: the reader fails, and the store gets less than the announced length.
    let (sender, receiver) = mpsc::sync_channel::<Option<Vec<u8>>>(4);
    std::thread::scope(|scope| {
        let sending = scope.spawn(move || {
            let (parts, ()) = request.into_parts();
            let pipe = Pipe {
                receiver,
                block: Vec::new(),
                at: 0,
            };
            let request = ureq::http::Request::from_parts(parts, ureq::SendBody::from_owned_reader(pipe));
            agent.run(request).map_err(|e| e.to_string()).and_then(answer_of)
        });
        let mut block = Vec::with_capacity(BLOCK);
        let mut closed = false;
        let pass = |block: Vec<u8>, closed: &mut bool| {
            sender.send(Some(block)).map_err(|_| {
                *closed = true;
                io::Error::other("the store stopped reading")
            })
        };
        let filled = fill(&mut |piece: &[u8]| {
            block.extend_from_slice(piece);
            if block.len() >= BLOCK {
                pass(std::mem::replace(&mut block, Vec::with_capacity(BLOCK)), &mut closed)?;
            }
            Ok(())
        })
        .and_then(|()| {
            if block.is_empty() {
                Ok(())
            } else {
                pass(block, &mut closed)
            }
        });
        if filled.is_err() {
            let _ = sender.send(None);
        }
        drop(sender);
        let sent = sending
            .join()
            .unwrap_or_else(|_| Err("the sending thread panicked".to_owned()));
        match filled {
            // The maker's own reason comes first; a store that stopped reading says why in its answer.
            Err(reason) if !closed => Err(Failure::Stopped(reason.to_string())),
            _ => sent.map_err(Failure::Transport),
        }
    })
}

/// The reading end of a made body.
struct Pipe {
    receiver: mpsc::Receiver<Option<Vec<u8>>>,
    block: Vec<u8>,
    at: usize,
}

impl Read for Pipe {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.block.len() {
            match self.receiver.recv() {
                Ok(Some(block)) => {
                    self.block = block;
                    self.at = 0;
                }
                Ok(None) => return Err(io::Error::other("the body's maker stopped")),
                // The maker is done: the end of the body.
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.block.len() - self.at);
        buf[..n].copy_from_slice(&self.block[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// The answer and the `WWW-Authenticate` challenge of a response.
fn answer_of(mut response: ureq::http::Response<ureq::Body>) -> Result<(Answer, Option<String>), String> {
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
    let mut bytes = Vec::new();
    // Error pages and counts are short; a store that sends more is cut (and the answer says so). A body that is not
    // UTF-8 is the store's answer all the same: its reader says what it expected.
    response
        .body_mut()
        .as_reader()
        .take(MOST_BODY_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    let truncated = bytes.len() as u64 > MOST_BODY_BYTES;
    bytes.truncate(usize::try_from(MOST_BODY_BYTES).unwrap_or(usize::MAX));
    Ok((
        Answer {
            status,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            server,
            truncated,
        },
        (!challenge.is_empty()).then_some(challenge),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;

    /// A one-request server: reads the head and up to `Content-Length` bytes of body, answers 201 when it got them
    /// all; gives back the announced length and the bytes it got.
    fn serve_once() -> (String, std::thread::JoinHandle<(u64, Vec<u8>)>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/store?graph=urn%3Ax", listener.local_addr().unwrap());
        let handle = std::thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0u64;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if line.trim().is_empty() {
                    break;
                }
                if let Some((_, value)) = line
                    .split_once(':')
                    .filter(|(name, _)| name.eq_ignore_ascii_case("content-length"))
                {
                    length = value.trim().parse().unwrap();
                }
            }
            let mut body = Vec::new();
            let _ = reader.by_ref().take(length).read_to_end(&mut body);
            if body.len() as u64 == length {
                let mut stream = stream;
                let _ = stream.write_all(b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            }
            (length, body)
        });
        (url, handle)
    }

    fn client() -> Client {
        Client::new(
            ClientOptions {
                timeout: Duration::from_secs(20),
                retries: 0,
                backoff: Duration::from_millis(10),
                allow_insecure_auth: false,
            },
            Keyring::default(),
        )
    }

    fn lines(n: usize) -> Vec<u8> {
        (0..n)
            .flat_map(|i| format!("<urn:s{i}> <urn:p> \"{i}\" .\n").into_bytes())
            .collect()
    }

    #[test]
    fn a_made_body_arrives_whole_with_its_length() {
        let (url, server) = serve_once();
        let content = lines(100_000);
        let mut fill = |write: &mut dyn FnMut(&[u8]) -> io::Result<()>| -> io::Result<()> {
            content.chunks(1000).try_for_each(&mut *write)
        };
        let answer = client()
            .send(
                "PUT",
                &url,
                &[("Content-Type", "application/n-triples")],
                Body::Made {
                    length: content.len() as u64,
                    fill: &mut fill,
                },
                Repeat::Allowed,
            )
            .unwrap();
        let (length, body) = server.join().unwrap();
        assert_eq!(answer.status, 201);
        assert_eq!(length, content.len() as u64);
        assert!(body == content, "the body arrived altered");
    }

    #[test]
    fn a_made_body_stopped_midway_leaves_the_store_short_and_is_not_sent_again() {
        let (url, server) = serve_once();
        let content = lines(100_000);
        let mut calls = 0;
        let mut fill = |write: &mut dyn FnMut(&[u8]) -> io::Result<()>| -> io::Result<()> {
            calls += 1;
            write(&content[..content.len() / 2])?;
            Err(io::Error::other("the graph changed"))
        };
        let sent = client().send(
            "PUT",
            &url,
            &[],
            Body::Made {
                length: content.len() as u64,
                fill: &mut fill,
            },
            Repeat::Allowed,
        );
        let (length, body) = server.join().unwrap();
        assert!(
            matches!(&sent, Err(HttpError::Stopped { message, .. }) if message.contains("the graph changed")),
            "{sent:?}"
        );
        assert_eq!(calls, 1);
        assert_eq!(length, content.len() as u64);
        assert!(body.len() < content.len(), "the store got the whole body");
    }

    /// A server that answers each request (its head, as text) with what `answer` makes of it, for `n` requests
    /// (one connection each); gives back the heads it got.
    fn scripted(
        n: usize,
        answer: impl Fn(&str) -> Vec<u8> + Send + 'static,
    ) -> (String, std::thread::JoinHandle<Vec<String>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let root = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let handle = std::thread::spawn(move || {
            let mut heads = Vec::new();
            for _ in 0..n {
                let Ok((stream, _)) = listener.accept() else { break };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut head = String::new();
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
                        break;
                    }
                    if let Some((_, v)) = line
                        .split_once(':')
                        .filter(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                    {
                        length = v.trim().parse().unwrap();
                    }
                    head.push_str(&line);
                }
                let _ = reader.by_ref().take(length as u64).read_to_end(&mut Vec::new());
                let mut stream = stream;
                let _ = stream.write_all(&answer(&head));
                heads.push(head);
            }
            heads
        });
        (root, handle)
    }

    fn with_keyring(keyring: Keyring) -> Client {
        Client::new(
            ClientOptions {
                timeout: Duration::from_secs(20),
                retries: 0,
                backoff: Duration::from_millis(10),
                allow_insecure_auth: false,
            },
            keyring,
        )
    }

    const BASIC_CHALLENGE: &str = "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"x\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    const OK: &str = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

    fn authorized(head: &str) -> bool {
        head.to_ascii_lowercase().contains("\nauthorization:")
            || head.to_ascii_lowercase().starts_with("authorization:")
    }

    #[test]
    fn credentials_answer_only_their_own_origins_challenge() {
        // The store's origin challenges, then takes the answer; another origin (another port) must get nothing.
        let (store, store_heads) = scripted(3, |head| {
            if authorized(head) {
                OK.into()
            } else {
                BASIC_CHALLENGE.into()
            }
        });
        let (other, other_heads) = scripted(1, |_| OK.into());
        let password = Credentials::Password {
            user: "u".into(),
            password: "secret".into(),
        };
        let mut client = with_keyring(Keyring::single(Origin::of(&store).unwrap(), password));
        let answer = client.send(
            "POST",
            &format!("{store}/store"),
            &[],
            Body::Bytes(b"x"),
            Repeat::Allowed,
        );
        assert_eq!(answer.unwrap().status, 200);
        let answer = client.send(
            "POST",
            &format!("{other}/update"),
            &[],
            Body::Bytes(b"x"),
            Repeat::Allowed,
        );
        assert_eq!(answer.unwrap().status, 200);
        let answer = client.send(
            "POST",
            &format!("{store}/store"),
            &[],
            Body::Bytes(b"x"),
            Repeat::Allowed,
        );
        assert_eq!(answer.unwrap().status, 200);
        let other_heads = other_heads.join().unwrap();
        assert!(
            !authorized(&other_heads[0]),
            "the other origin got credentials: {other_heads:?}"
        );
        let store_heads = store_heads.join().unwrap();
        assert!(
            !authorized(&store_heads[0]),
            "credentials were sent before the challenge"
        );
        assert!(store_heads[1].contains("Basic dTpzZWNyZXQ="), "{store_heads:?}");
        assert!(
            store_heads[2].contains("Basic dTpzZWNyZXQ="),
            "the challenge was not kept for its origin"
        );
    }

    #[test]
    fn a_password_in_the_url_is_answered_to_a_challenge_and_never_shown() {
        let (root, heads) = scripted(3, |head| {
            if authorized(head) {
                OK.into()
            } else {
                BASIC_CHALLENGE.into()
            }
        });
        let url = root.replace("http://", "http://u:secret@") + "/store";
        let keyring = Keyring::for_endpoints(&url, &[], &|_| None);
        let answer = with_keyring(keyring).send("POST", &url, &[], Body::Bytes(b"x"), Repeat::Allowed);
        assert_eq!(answer.unwrap().status, 200);
        // No credentials: the error names the URL without them.
        let refused = with_keyring(Keyring::default()).send("POST", &url, &[], Body::Bytes(b"x"), Repeat::Allowed);
        let message = refused.unwrap_err().to_string();
        assert!(
            message.contains("it needs credentials") && !message.contains("secret"),
            "{message}"
        );
        assert!(message.contains(&format!("{root}/store")), "{message}");
        let heads = heads.join().unwrap();
        assert!(!authorized(&heads[0]), "sent unasked: {heads:?}");
        assert!(heads[1].contains("Basic dTpzZWNyZXQ="), "{heads:?}");
        assert!(!heads[2].contains("Basic"), "{heads:?}");
        // Nor when the store cannot be reached.
        let unreachable = with_keyring(Keyring::default())
            .send(
                "GET",
                "http://u:secret@127.0.0.1:9/x",
                &[],
                Body::Bytes(b""),
                Repeat::Allowed,
            )
            .unwrap_err()
            .to_string();
        assert!(unreachable.starts_with("cannot reach http://127.0.0.1:9/x:") && !unreachable.contains("secret"));
    }

    #[test]
    fn a_body_that_is_not_utf8_is_an_answer_not_a_lost_connection() {
        let (root, _) = scripted(1, |_| {
            b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\n\xff\x1bab".to_vec()
        });
        let answer = client()
            .send(
                "POST",
                &format!("{root}/query"),
                &[],
                Body::Bytes(b"q"),
                Repeat::Allowed,
            )
            .unwrap();
        assert_eq!((answer.status, answer.quoted().as_str()), (200, "\u{fffd}ab"));
    }

    #[test]
    fn pauses_double_up_to_thirty_seconds() {
        let first = Duration::from_millis(500);
        let pauses: Vec<Duration> = (1..=8).map(|a| pause(first, a)).collect();
        let expected = [500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000].map(Duration::from_millis);
        assert_eq!(pauses, expected);
        // Without the cap, the 20th retry waited 3 days.
        assert_eq!(pause(first, 20), MOST_PAUSE);
        assert_eq!(pause(first, u32::MAX), MOST_PAUSE);
    }
}
