//! Credentials for a store, never from the command line: `POWKG_PUSH_TOKEN` (a bearer token), or
//! `POWKG_PUSH_USER` and `POWKG_PUSH_PASSWORD` (Basic or Digest, whichever the store asks for), or the entry for the
//! store's host in a netrc file (`$NETRC`, else `~/.netrc`).

use std::path::PathBuf;

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
        let path = env("NETRC")
            .map(PathBuf::from)
            .or_else(|| env("HOME").map(|h| PathBuf::from(h).join(".netrc")))?;
        let text = std::fs::read_to_string(path).ok()?;
        netrc(&text, host(url)?)
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
}
