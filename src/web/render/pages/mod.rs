//! The markup side of the pages: one file per kind of page, each formatting what the reading side (`read/`) gives;
//! the frame and link helpers every page shares are in `chrome.rs`.

pub(crate) mod chrome;
pub(crate) mod landing;
pub(crate) mod lists;
pub(crate) mod query;
pub(crate) mod resource;
pub(crate) mod search;
pub(crate) mod statements;
