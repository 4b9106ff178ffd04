//! Integration tests: one binary, a module per topic, driving the real `powkg` binary where the user would.

mod bad_input;
mod changes;
mod cli;
mod dump;
mod layers;
mod project;
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

/// The allocator the binary runs with, so that the library's query memory budgets hold in-process too: the binary
/// chooses it (`src/main.rs`), and so does every program embedding powkg that wants them.
#[global_allocator]
static ALLOCATOR: powkg::query::sparql::Accounting<mimalloc::MiMalloc> =
    powkg::query::sparql::Accounting(mimalloc::MiMalloc);
