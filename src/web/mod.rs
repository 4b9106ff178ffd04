//! What people read: the pages of a store ([`render`]), served over HTTP ([`serve`]) or written as a static site
//! ([`site`]).

pub mod render;
pub mod serve;
pub mod site;
