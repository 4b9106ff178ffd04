//! The one HTTP client of powkg: requests to the store a user named, with its credentials, timeouts, retries with
//! backoff (capped) on server errors and dropped connections, and the `Authorization` each scheme needs (Basic and
//! Digest answered from the server's challenge, as Virtuoso requires; a bearer token sent with every request). Each
//! origin's credentials go to that origin alone, and a readable secret (Basic, a bearer token) goes over plain HTTP
//! only to this machine, unless the user allows it.
//!
//! One file per part: the [`Client`] and its policy (credentials, retries, patience), the [`Body`] a request
//! carries (a made one streamed from another thread), the [`Answer`] read back, and the [`HttpError`] that ends a
//! request.

mod answer;
mod body;
mod client;
mod error;
#[cfg(test)]
pub(crate) mod scripted;

pub use answer::{Answer, MOST_BODY_BYTES};
pub use body::Body;
pub use client::{Client, ClientOptions, MOST_PAUSE, Repeat};
pub use error::HttpError;
