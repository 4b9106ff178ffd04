//! A graph's content as a push reads it: N-Triples made on demand ([`Produce`]), twice or more, never kept; and its
//! hash as the record keeps it (`sha256:…`), with its size and subject buckets, read in one pass.

use std::io;

use sha2::{Digest as _, Sha256};

use super::buckets::{self, Buckets};
use super::error::PushError;

/// A graph's content: writes its N-Triples, in pieces that each end at a line's end, to the function it is given,
/// and says how many triples it wrote. It is called twice (to hash, then to send) and must write the same both times.
pub type Produce<'a> = dyn FnMut(&mut dyn FnMut(&[u8]) -> io::Result<()>) -> Result<u64, String> + 'a;

/// A finished hash as the record names it (`sha256:…`, `pk:contentHash`).
pub(crate) fn content_hash(hasher: Sha256) -> String {
    format!("sha256:{}", crate::rdf::hash::hex(&hasher.finalize()))
}

/// What one reading of a graph's N-Triples gives.
pub(crate) struct Digest {
    /// `sha256:…`
    pub(crate) hash: String,
    pub(crate) bytes: u64,
    pub(crate) triples: u64,
    /// Its subject buckets, when it can be split.
    pub(crate) buckets: Option<buckets::Record>,
}

/// The SHA-256, bytes, triples and subject buckets of a graph's N-Triples, read once without keeping them.
pub(crate) fn digest(produce: &mut Produce<'_>) -> Result<Digest, PushError> {
    let mut hasher = Sha256::new();
    let mut bytes = 0u64;
    let mut buckets = Buckets::default();
    let triples = produce(&mut |piece: &[u8]| {
        hasher.update(piece);
        buckets.feed(piece);
        bytes += piece.len() as u64;
        Ok(())
    })
    .map_err(PushError::Produce)?;
    Ok(Digest {
        hash: content_hash(hasher),
        bytes,
        triples,
        buckets: buckets.finish(),
    })
}
