//! The memory budget of a running query: the binary's allocator counts what each query thread allocates, and a
//! thread over its budget cancels its query.
//!
//! Oxigraph's evaluator has no memory bound of its own, and allocation failure aborts a Rust process, so the bound
//! must act before the system runs out: [`Accounting`] wraps the real allocator and adds every allocation made on
//! a thread that runs a query ([`enter`]) to that thread's count. Past the budget it marks the thread as over and
//! cancels the query's token, which the evaluator checks at every quad it reads and which the checkpoints that
//! [`super::rewrite`] puts on joins that read nothing themselves check at every row they give, so the query stops
//! soon after. Allocations made
//! on other threads cost one thread-local read.
//!
//! The counts are per thread and approximate on purpose: memory a query frees on another thread is not credited
//! back, which only makes the bound stricter.

#![allow(unsafe_code)] // The one module with unsafe code: a `GlobalAlloc` wrapper can only be written with it.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::{Cell, RefCell};

use oxigraph::sparql::CancellationToken;

thread_local! {
    /// Bytes this thread may hold; 0 when it runs no query (nothing is counted).
    static LIMIT: Cell<usize> = const { Cell::new(0) };
    /// Bytes allocated on this thread since its query began, less what it freed.
    static USED: Cell<usize> = const { Cell::new(0) };
    /// Whether the thread went over its budget.
    static OVER: Cell<bool> = const { Cell::new(false) };
    /// The running query's token, cancelled when the thread goes over its budget.
    static TOKEN: RefCell<Option<CancellationToken>> = const { RefCell::new(None) };
}

/// A global allocator that counts the allocations of query threads and otherwise defers to `A`.
pub struct Accounting<A>(pub A);

// SAFETY: every method forwards to the wrapped allocator with the same arguments and returns its result
// unchanged; the bookkeeping beside it touches only const-initialised thread-locals without destructors (and,
// when a budget is first exceeded, a token set from ordinary code by `enter`), so it never allocates, never
// panics and never unwinds.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Accounting<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged; the caller upholds `alloc`'s contract.
        let ptr = unsafe { self.0.alloc(layout) };
        if !ptr.is_null() {
            charge(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged; the caller upholds `alloc_zeroed`'s contract.
        let ptr = unsafe { self.0.alloc_zeroed(layout) };
        if !ptr.is_null() {
            charge(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged; the caller upholds `dealloc`'s contract.
        unsafe { self.0.dealloc(ptr, layout) };
        credit(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged; the caller upholds `realloc`'s contract.
        let new = unsafe { self.0.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            if new_size >= layout.size() {
                charge(new_size - layout.size());
            } else {
                credit(layout.size() - new_size);
            }
        }
        new
    }
}

fn charge(bytes: usize) {
    let limit = LIMIT.try_with(Cell::get).unwrap_or(0);
    if limit == 0 {
        return;
    }
    let used = USED.try_with(|u| {
        let used = u.get().saturating_add(bytes);
        u.set(used);
        used
    });
    if used.is_ok_and(|used| used > limit) && !OVER.try_with(|o| o.replace(true)).unwrap_or(true) {
        let _ = TOKEN.try_with(|t| {
            if let Ok(token) = t.try_borrow()
                && let Some(token) = token.as_ref()
            {
                token.cancel();
            }
        });
    }
}

fn credit(bytes: usize) {
    if LIMIT.try_with(Cell::get).unwrap_or(0) != 0 {
        let _ = USED.try_with(|u| u.set(u.get().saturating_sub(bytes)));
    }
}

/// While alive, the current thread's allocations count against a budget.
pub(crate) struct Budget {
    _not_send: std::marker::PhantomData<*const ()>,
}

/// Starts counting this thread's allocations against `limit` bytes (none if `None`); going over cancels `token`.
pub(crate) fn enter(limit: Option<usize>, token: &CancellationToken) -> Budget {
    // Set the token first, from ordinary code: its thread-local is registered here, never inside the allocator.
    TOKEN.with(|t| *t.borrow_mut() = Some(token.clone()));
    USED.set(0);
    OVER.set(false);
    LIMIT.set(limit.unwrap_or(0).max(usize::from(limit.is_some())));
    Budget {
        _not_send: std::marker::PhantomData,
    }
}

impl Drop for Budget {
    fn drop(&mut self) {
        LIMIT.set(0);
        USED.set(0);
        OVER.set(false);
        let token = TOKEN.with(|t| t.borrow_mut().take());
        drop(token);
    }
}

/// Whether the current thread went over its budget.
pub(crate) fn exceeded() -> bool {
    OVER.get()
}

/// Bytes the current thread may still allocate, if it runs under a budget.
pub(crate) fn remaining() -> Option<usize> {
    let limit = LIMIT.get();
    (limit != 0).then(|| limit.saturating_sub(USED.get()))
}

/// The current thread's query token, if it runs one.
pub(crate) fn token() -> Option<CancellationToken> {
    TOKEN.with(|t| t.borrow().clone())
}
