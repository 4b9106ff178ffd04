//! Integration tests: one binary, a module per topic, driving the real `powkg` binary where the user would.

mod bad_input;
mod cli;
mod dump;
mod layers;
mod properties;
mod queries;
mod register;
mod roundtrip;
mod search;
mod serve;
mod sparql;
mod store;
mod util;
mod validate;
mod vocab;
