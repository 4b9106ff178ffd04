//! Changes between builds: the state a store records of its subjects ([`state`]), the difference between two
//! graphs read at a cost that grows with the change ([`diff`]), told as a curator thinks of it ([`report`]) or as a
//! patch ([`patch`]), and the change feed each build into a store appends to ([`feed`]).

pub mod diff;
pub mod feed;
pub mod patch;
pub mod record;
pub mod report;
pub mod state;
