//! Any text as a query file: the header parser and the syntax-error locator never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use powkg::query::QueryDef;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(problems) = QueryDef::parse("queries/fuzz.rq", text) {
            let _ = problems.to_string();
        }
    }
});
