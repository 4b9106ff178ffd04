//! Faults a test can ask a run to suffer where no signal can be timed: the library marks the point, and only the
//! binary switches a fault on (from its environment, see `commands/faults.rs`), so that a program embedding powkg
//! never meets one.

use std::sync::atomic::{AtomicBool, Ordering};

static ABORT_BEFORE_SWAP: AtomicBool = AtomicBool::new(false);

/// From now on, end the process at once, as a killed run would, when an output is complete in its temporary place
/// but not yet swapped in.
pub fn abort_before_swap() {
    ABORT_BEFORE_SWAP.store(true, Ordering::Relaxed);
}

/// The point between writing an output beside its target and swapping it in: ends the process if asked to.
pub(crate) fn before_swap() {
    if ABORT_BEFORE_SWAP.load(Ordering::Relaxed) {
        std::process::abort();
    }
}
