//! The faults the tests ask for through the environment, switched on in the library before a command runs:
//! `POWKG_TEST_ABORT_BEFORE_SWAP` (end the run as a kill would, with an output complete but not swapped in) and
//! `POWKG_TEST_PANIC_PATH` (a path whose handler panics in `powkg serve`).

/// Switches on the faults the environment asks for.
pub fn from_environment() {
    if std::env::var_os("POWKG_TEST_ABORT_BEFORE_SWAP").is_some() {
        powkg::files::fault::abort_before_swap();
    }
}

/// The path `powkg serve` panics on, if the environment names one.
pub fn panic_path() -> Option<String> {
    std::env::var("POWKG_TEST_PANIC_PATH")
        .ok()
        .filter(|p| p.starts_with('/'))
}
