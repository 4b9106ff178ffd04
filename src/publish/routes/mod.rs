//! The ways a changed graph goes to the store, one file each behind the one [`Route`] trait: a first load in bulk
//! when asked for ([`Bulk`]), the changed subject
//! buckets alone ([`ChangedBuckets`]), the whole graph in one request ([`OneRequest`]), or through a staging graph
//! ([`Staging`]).

mod bulk;
mod changed_buckets;
mod one_request;
mod route;
mod staging;

pub(crate) use bulk::Bulk;
pub(crate) use changed_buckets::ChangedBuckets;
pub(crate) use one_request::OneRequest;
pub(crate) use route::{Context, Job, Outcome, Route};
pub(crate) use staging::Staging;
pub use staging::staging;
