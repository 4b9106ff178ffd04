//! Credentials for a store, never from the command line's options: `POWKG_PUSH_TOKEN` (a bearer token), or
//! `POWKG_PUSH_USER` and `POWKG_PUSH_PASSWORD` (Basic or Digest, whichever the store asks for), for the origin of the
//! store's URL; or the user and password an endpoint's URL carries, for its origin; or the entry for an endpoint's
//! host in a netrc file (`$NETRC`, else `~/.netrc`). Each is kept for its origin (scheme, host, port) and sent to no
//! other (see [`Keyring`]).

use std::path::PathBuf;

use super::origin::{self, Origin};

/// What to authenticate with.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// A user and password, for Basic or Digest.
    Password {
        /// The user.
        user: String,
        /// The password.
        password: String,
    },
    /// A bearer token.
    Bearer(String),
}

impl std::fmt::Debug for Credentials {
    // Never print a secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Password { user, .. } => write!(f, "Password {{ user: {user:?}, password: … }}"),
            Self::Bearer(_) => write!(f, "Bearer(…)"),
        }
    }
}

impl Credentials {
    /// The credentials for `url`: from the environment, else from a netrc file; `None` if neither has any.
    pub fn find(url: &str, env: &dyn Fn(&str) -> Option<String>) -> Option<Self> {
        if let Some(token) = env("POWKG_PUSH_TOKEN").filter(|t| !t.is_empty()) {
            return Some(Self::Bearer(token));
        }
        if let Some(user) = env("POWKG_PUSH_USER").filter(|u| !u.is_empty()) {
            return Some(Self::Password {
                user,
                password: env("POWKG_PUSH_PASSWORD").unwrap_or_default(),
            });
        }
        from_netrc(url, env)
    }
}

/// The entry of the netrc file for `url`'s host.
fn from_netrc(url: &str, env: &dyn Fn(&str) -> Option<String>) -> Option<Credentials> {
    let path = env("NETRC")
        .map(PathBuf::from)
        .or_else(|| env("HOME").map(|h| PathBuf::from(h).join(".netrc")))?;
    let text = std::fs::read_to_string(path).ok()?;
    netrc(&text, host(url)?)
}

/// The credentials of each origin a push talks to. Each goes only to its own origin: a password in answer to that
/// origin's challenge, a bearer token with each request there; a request to any other origin carries none.
#[derive(Debug, Clone, Default)]
pub struct Keyring {
    entries: Vec<(Origin, Credentials)>,
}

impl Keyring {
    /// The credentials for the endpoints of a store: the store's URL (the Graph Store Protocol endpoint) first,
    /// then the others. An endpoint's origin gets the user and password its URL carries; else, for the store's
    /// origin, the environment's (see [`Credentials::find`]); else the netrc entry of its host. An endpoint on
    /// another origin than the store's never gets the environment's credentials.
    pub fn for_endpoints(store: &str, others: &[&str], env: &dyn Fn(&str) -> Option<String>) -> Self {
        let mut keyring = Self::default();
        for (i, url) in std::iter::once(&store).chain(others).enumerate() {
            let Some(origin) = Origin::of(url) else { continue };
            // One origin, one account: the first of its URLs that gives credentials names them.
            if keyring.get(&origin).is_some() {
                continue;
            }
            let found = origin::userinfo(url)
                .map(|(user, password)| Credentials::Password { user, password })
                .or_else(|| {
                    if i == 0 {
                        Credentials::find(url, env)
                    } else {
                        from_netrc(url, env)
                    }
                });
            if let Some(credentials) = found {
                keyring.entries.push((origin, credentials));
            }
        }
        keyring
    }

    /// A keyring holding `credentials` for `origin` alone.
    pub fn single(origin: Origin, credentials: Credentials) -> Self {
        Self {
            entries: vec![(origin, credentials)],
        }
    }

    /// The credentials for `origin`, if any.
    pub fn get(&self, origin: &Origin) -> Option<&Credentials> {
        self.entries.iter().find(|(o, _)| o == origin).map(|(_, c)| c)
    }
}

/// The host of an `http(s)://` URL.
fn host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if let Some(bracketed) = authority.strip_prefix('[') {
        return bracketed.split(']').next();
    }
    authority.split(':').next()
}

/// The entry of a netrc file for `host` (or its `default` entry): `machine HOST login USER password PASS`, tokens
/// separated by any white space, as curl and ftp read them.
fn netrc(text: &str, host: &str) -> Option<Credentials> {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Entry {
        Ours,
        Other,
        Default,
    }
    let mut found = None;
    let mut default = None;
    let mut entry: Option<Entry> = None;
    let (mut user, mut password): (Option<String>, Option<String>) = (None, None);
    let mut tokens = text.split_whitespace().peekable();
    loop {
        let token = tokens.next();
        if matches!(token, None | Some("machine" | "default")) {
            // The entry read so far ends here.
            if let Some(u) = user.take() {
                let credentials = Credentials::Password {
                    user: u,
                    password: password.take().unwrap_or_default(),
                };
                match entry {
                    Some(Entry::Ours) => {
                        found.get_or_insert(credentials);
                    }
                    Some(Entry::Default) => {
                        default.get_or_insert(credentials);
                    }
                    _ => {}
                }
            }
            password = None;
        }
        match token {
            None => break,
            Some("machine") => {
                entry = Some(if tokens.next() == Some(host) {
                    Entry::Ours
                } else {
                    Entry::Other
                });
            }
            Some("default") => entry = Some(Entry::Default),
            Some("login") => user = tokens.next().map(str::to_owned),
            Some("password") => password = tokens.next().map(str::to_owned),
            Some("account" | "macdef") => {
                tokens.next();
            }
            Some(_) => {}
        }
    }
    found.or(default)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn the_environment_comes_first_and_a_token_before_a_password() {
        let env = |k: &str| match k {
            "POWKG_PUSH_TOKEN" => Some("t0k".to_owned()),
            "POWKG_PUSH_USER" => Some("dba".to_owned()),
            _ => None,
        };
        assert_eq!(
            Credentials::find("http://x/", &env),
            Some(Credentials::Bearer("t0k".into()))
        );
        let env = |k: &str| match k {
            "POWKG_PUSH_USER" => Some("dba".to_owned()),
            "POWKG_PUSH_PASSWORD" => Some("secret".to_owned()),
            _ => None,
        };
        assert_eq!(
            Credentials::find("http://x/", &env),
            Some(Credentials::Password {
                user: "dba".into(),
                password: "secret".into()
            })
        );
        assert_eq!(Credentials::find("http://x/", &no_env), None);
        // Never printed.
        assert!(!format!("{:?}", Credentials::Bearer("t0k".into())).contains("t0k"));
    }

    #[test]
    fn a_netrc_entry_is_found_by_host_with_default_as_fallback() {
        let text = "machine other.example login a password b\n\
                    machine 127.0.0.1\n  login dba\n  password dbapw\n\
                    default login anon password guest\n";
        let pw = |u: &str, p: &str| Credentials::Password {
            user: u.into(),
            password: p.into(),
        };
        assert_eq!(netrc(text, "127.0.0.1"), Some(pw("dba", "dbapw")));
        assert_eq!(netrc(text, "other.example"), Some(pw("a", "b")));
        assert_eq!(netrc(text, "nowhere.example"), Some(pw("anon", "guest")));
        assert_eq!(netrc("machine a login x password y", "b"), None);
        assert_eq!(host("http://u:p@127.0.0.1:8890/sparql-auth"), Some("127.0.0.1"));
        assert_eq!(host("https://[::1]:7878/store"), Some("::1"));
    }

    #[test]
    fn the_environments_credentials_belong_to_the_stores_origin_alone() {
        let env = |k: &str| match k {
            "POWKG_PUSH_USER" => Some("dba".to_owned()),
            "POWKG_PUSH_PASSWORD" => Some("secret".to_owned()),
            _ => None,
        };
        let keyring = Keyring::for_endpoints(
            "http://127.0.0.1:8890/store",
            &["http://127.0.0.1:8891/update", "http://127.0.0.1:8890/query"],
            &env,
        );
        let origin = |u: &str| Origin::of(u).unwrap();
        assert_eq!(
            keyring.get(&origin("http://127.0.0.1:8890/anything")),
            Some(&Credentials::Password {
                user: "dba".into(),
                password: "secret".into()
            })
        );
        assert_eq!(keyring.get(&origin("http://127.0.0.1:8891/update")), None);
        assert_eq!(keyring.get(&origin("https://127.0.0.1:8890/store")), None);
        // A URL's own user and password are for its origin, before the environment's.
        let keyring = Keyring::for_endpoints(
            "http://127.0.0.1:8890/store",
            &["http://u:p%21@127.0.0.1:8891/update"],
            &env,
        );
        assert_eq!(
            keyring.get(&origin("http://127.0.0.1:8891/")),
            Some(&Credentials::Password {
                user: "u".into(),
                password: "p!".into()
            })
        );
    }
}
