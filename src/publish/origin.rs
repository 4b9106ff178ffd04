//! The parts of an endpoint URL that credentials depend on: its origin (scheme, host, port), to which alone its
//! credentials are sent, and the user and password the URL itself may carry (`http://user:pw@host/`), which are
//! taken off before the URL is requested or shown.

use std::fmt;
use std::net::IpAddr;

/// Where a request goes, as credentials are kept: scheme, host and port (the scheme's default when the URL has none).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    /// `http` or `https`, lower case.
    pub scheme: String,
    /// The host, lower case, an IPv6 address in brackets.
    pub host: String,
    /// The port.
    pub port: u16,
}

/// An `http(s)://` URL cut at its authority: scheme, authority (with any userinfo) and the rest (path, query).
fn split(url: &str) -> Option<(&str, &str, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some((scheme, &rest[..end], &rest[end..]))
}

impl Origin {
    /// The origin of an `http://` or `https://` URL; `None` for anything else.
    pub fn of(url: &str) -> Option<Self> {
        let (scheme, authority, _) = split(url)?;
        let scheme = scheme.to_ascii_lowercase();
        let default = match scheme.as_str() {
            "http" => 80,
            "https" => 443,
            _ => return None,
        };
        let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let (host, port) = if hostport.starts_with('[') {
            let close = hostport.find(']')?;
            (&hostport[..=close], hostport[close + 1..].strip_prefix(':'))
        } else {
            match hostport.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (hostport, None),
            }
        };
        let port = match port {
            None | Some("") => default,
            Some(p) => p.parse().ok()?,
        };
        if host.is_empty() {
            return None;
        }
        Some(Self {
            scheme,
            host: host.to_ascii_lowercase(),
            port,
        })
    }

    /// The host as a netrc file names it (an IPv6 address without brackets).
    pub fn bare_host(&self) -> &str {
        self.host.trim_start_matches('[').trim_end_matches(']')
    }

    /// Whether the host is this machine: `localhost`, 127.0.0.0/8 or `::1`.
    pub fn is_loopback(&self) -> bool {
        let host = self.bare_host();
        host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
    }

    /// Whether a secret that travels readable (a Basic password, a bearer token) may go there without the user's
    /// leave: over TLS, or to this machine.
    pub fn keeps_secrets(&self) -> bool {
        self.scheme == "https" || self.is_loopback()
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}:{}", self.scheme, self.host, self.port)
    }
}

/// The user and password a URL carries (`http://user:pw@host/`), percent-decoded; `None` without a user.
pub fn userinfo(url: &str) -> Option<(String, String)> {
    let (_, authority, _) = split(url)?;
    let (info, _) = authority.rsplit_once('@')?;
    let (user, password) = info.split_once(':').unwrap_or((info, ""));
    let user = percent_decode(user);
    (!user.is_empty()).then(|| (user, percent_decode(password)))
}

/// The URL without its user and password: what is requested (they are answered to a challenge instead, see
/// [`super::Keyring`]) and what every message and report shows. Any other text is given back as it is.
pub fn without_userinfo(url: &str) -> String {
    match split(url) {
        Some((scheme, authority, rest)) => match authority.rsplit_once('@') {
            Some((_, host)) => format!("{scheme}://{host}{rest}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(high), Some(low)) => {
                out.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_origin_is_scheme_host_and_port_with_the_default_port() {
        let o = Origin::of("HTTP://User:pw@Example.ORG/sparql?x=1").unwrap();
        assert_eq!(
            (o.scheme.as_str(), o.host.as_str(), o.port),
            ("http", "example.org", 80)
        );
        assert_eq!(
            Origin::of("https://example.org/"),
            Origin::of("https://example.org:443/x")
        );
        assert_ne!(
            Origin::of("http://127.0.0.1:7878/store"),
            Origin::of("http://127.0.0.1:7879/store")
        );
        assert_ne!(Origin::of("http://example.org/"), Origin::of("https://example.org/"));
        let v6 = Origin::of("http://[::1]:8890/sparql-auth").unwrap();
        assert_eq!((v6.host.as_str(), v6.port, v6.bare_host()), ("[::1]", 8890, "::1"));
        assert_eq!(Origin::of("ftp://example.org/"), None);
        assert_eq!(Origin::of("http://example.org:99999/"), None);
    }

    #[test]
    fn secrets_travel_readable_only_over_tls_or_to_this_machine() {
        let keeps = |url: &str| Origin::of(url).unwrap().keeps_secrets();
        assert!(keeps("https://store.example/"));
        assert!(keeps("http://127.0.0.1:8890/"));
        assert!(keeps("http://127.1.2.3/"));
        assert!(keeps("http://[::1]:7878/"));
        assert!(keeps("http://LocalHost:7878/"));
        assert!(!keeps("http://store.example/"));
        assert!(!keeps("http://192.0.2.7:8890/"));
        assert!(!keeps("http://localhost.store.example/"));
    }

    #[test]
    fn userinfo_is_read_decoded_and_taken_off() {
        let url = "http://dba:p%40ss%3Aw@127.0.0.1:8890/sparql-auth?x=a@b";
        assert_eq!(userinfo(url), Some(("dba".into(), "p@ss:w".into())));
        assert_eq!(without_userinfo(url), "http://127.0.0.1:8890/sparql-auth?x=a@b");
        assert_eq!(userinfo("http://127.0.0.1/x?mail=a@b"), None);
        assert_eq!(
            without_userinfo("http://127.0.0.1/x?mail=a@b"),
            "http://127.0.0.1/x?mail=a@b"
        );
        assert_eq!(without_userinfo("https://u@h/"), "https://h/");
        assert_eq!(userinfo("https://u@h/"), Some(("u".into(), String::new())));
        assert_eq!(without_userinfo("not a url"), "not a url");
    }
}
