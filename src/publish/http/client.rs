//! The client for one store: credentials answered to each origin's challenge only, retries with capped backoff
//! for what may be sent twice, and patience for the one request that may not.

use std::collections::HashMap;
use std::time::Duration;

use http_auth::{PasswordClient, PasswordParams};

use super::answer::{Answer, answer_of};
use super::body::{Body, Failure, made};
use super::error::HttpError;
use crate::publish::auth::{Credentials, Keyring};
use crate::publish::display;
use crate::publish::origin::{self, Origin};

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
    /// else the second time, is sent once with `PATIENCE` times the timeout, and its outcome is the caller's to
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

#[cfg(test)]
mod tests {
    use super::super::scripted::{client, scripted};
    use super::*;

    const BASIC_CHALLENGE: &str = "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"x\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    const OK: &str = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

    fn authorized(head: &str) -> bool {
        head.to_ascii_lowercase().contains("\nauthorization:")
            || head.to_ascii_lowercase().starts_with("authorization:")
    }

    /// A store that asks for Basic credentials, then takes any, for `n` requests.
    fn challenging(n: usize) -> (String, std::thread::JoinHandle<Vec<String>>) {
        scripted(n, |head| {
            if authorized(head) {
                OK.into()
            } else {
                BASIC_CHALLENGE.into()
            }
        })
    }

    #[test]
    fn credentials_answer_only_their_own_origins_challenge() {
        // The store's origin challenges, then takes the answer; another origin (another port) must get nothing.
        let (store, store_heads) = challenging(3);
        let (other, other_heads) = scripted(1, |_| OK.into());
        let password = Credentials::Password {
            user: "u".into(),
            password: "secret".into(),
        };
        let mut client = client(Keyring::single(Origin::of(&store).unwrap(), password));
        for url in [
            format!("{store}/store"),
            format!("{other}/update"),
            format!("{store}/store"),
        ] {
            let answer = client.send("POST", &url, &[], Body::Bytes(b"x"), Repeat::Allowed);
            assert_eq!(answer.unwrap().status, 200);
        }
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
        let (root, heads) = challenging(3);
        let url = root.replace("http://", "http://u:secret@") + "/store";
        let keyring = Keyring::for_endpoints(&url, &[], &|_| None);
        let answer = client(keyring).send("POST", &url, &[], Body::Bytes(b"x"), Repeat::Allowed);
        assert_eq!(answer.unwrap().status, 200);
        // No credentials: the error names the URL without them.
        let refused = client(Keyring::default()).send("POST", &url, &[], Body::Bytes(b"x"), Repeat::Allowed);
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
        let unreachable = client(Keyring::default())
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
