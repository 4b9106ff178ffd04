//! Why a request failed for good: the body's maker stopped it, the store could not be reached, it refused the
//! credentials, or a secret would have crossed the network unencrypted.

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
