//! Runs a query on a thread of its own, with a known stack, a deadline and a memory budget, so that no query can
//! overflow the caller's stack, run forever, exhaust memory or take a panic into the caller.

use std::any::Any;
use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, LazyLock, Mutex, Once, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use oxigraph::sparql::CancellationToken;

use super::budget;

/// Stack of a query thread. Parsing, optimising, evaluating and dropping a query all recurse on its algebra; the
/// depth checks of [`super::syntax`] and [`super::rewrite`] are set so that the deepest query they let through
/// uses well under a tenth of it. Only the pages touched are ever committed.
const STACK_BYTES: usize = 256 * 1024 * 1024;

/// Why a query was stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stopped {
    /// It ran past its deadline.
    Timeout(Duration),
    /// It went over its memory budget.
    Memory(usize),
    /// Every query slot stayed taken until the deadline.
    Busy(usize),
    /// A bug: the evaluator or powkg panicked (the message says where).
    Panic(String),
    /// The system refused a thread.
    Thread(String),
}

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Timeout(limit) => write!(
                f,
                "query cancelled: it ran longer than the limit of {} s (narrow it, or add LIMIT)",
                limit.as_secs_f64()
            ),
            Self::Memory(limit) => write!(
                f,
                "query cancelled: it needed more memory than the limit of {} (narrow it, or add LIMIT)",
                bytes(*limit)
            ),
            Self::Busy(slots) => write!(
                f,
                "all {slots} query slots stayed busy until the deadline; try again shortly"
            ),
            Self::Panic(message) => write!(f, "internal error while evaluating the query (a bug): {message}"),
            Self::Thread(message) => write!(f, "cannot start the query: {message}"),
        }
    }
}

/// A size in words: `512 MiB`.
pub(crate) fn bytes(n: usize) -> String {
    const MIB: usize = 1024 * 1024;
    if n >= MIB && n.is_multiple_of(MIB) {
        format!("{} MiB", n / MIB)
    } else {
        format!("{n} bytes")
    }
}

/// The payload of the deliberate unwinding that stops a query from inside the evaluator (see
/// [`checkpoint`]): the evaluator's state is dropped on the way out and nothing outside the query thread sees it.
#[derive(Debug)]
pub(crate) struct Abort;

/// Stops the current query by unwinding to [`run`] if its deadline passed or it went over its budget. Called by the
/// checkpoint function the rewrite puts into joins that read no quads, and before any value that would not fit.
pub(crate) fn checkpoint() {
    if budget::exceeded() || budget::token().is_some_and(|t| t.is_cancelled()) {
        panic::panic_any(Abort);
    }
}

/// Stops the current query if `bytes` more would not fit its budget.
pub(crate) fn reserve(bytes: usize) {
    if budget::remaining().is_some_and(|left| bytes > left) {
        // Mark the budget as exceeded so that `run` reports it as such.
        let _ = budget::token().map(|t| t.cancel());
        BUDGET_REFUSED.with(|r| r.set(true));
        panic::panic_any(Abort);
    }
    checkpoint();
}

thread_local! {
    /// Whether [`reserve`] refused a value for the current query.
    static BUDGET_REFUSED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Bounds on one query.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limits {
    /// Cancelled past this.
    pub timeout: Option<Duration>,
    /// Cancelled past this many bytes allocated by the query thread.
    pub max_memory: Option<usize>,
}

/// At most so many queries at once, each on a thread of a pool kept for them (with a new thread per query, the
/// server answered a small bundled query 695 times a second instead of 826); a query waits for a slot until its
/// deadline.
#[derive(Debug)]
pub struct Slots {
    free: Mutex<usize>,
    freed: Condvar,
    total: usize,
    /// The query threads; `None` if the system refused them (each query then gets a thread of its own).
    pool: Option<rayon::ThreadPool>,
}

impl Slots {
    /// `total` slots, and as many query threads.
    pub fn new(total: usize) -> Self {
        let total = total.max(1);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(total)
            .stack_size(STACK_BYTES)
            .thread_name(|i| format!("powkg query {i}"))
            .build()
            .ok();
        Self {
            free: Mutex::new(total),
            freed: Condvar::new(),
            total,
            pool,
        }
    }

    fn take(&self, deadline: Option<Instant>) -> Result<SlotGuard<'_>, Stopped> {
        let mut free = self.free.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        while *free == 0 {
            let wait = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            if wait == Some(Duration::ZERO) {
                return Err(Stopped::Busy(self.total));
            }
            free = match wait {
                Some(wait) => {
                    self.freed
                        .wait_timeout(free, wait)
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .0
                }
                None => self.freed.wait(free).unwrap_or_else(std::sync::PoisonError::into_inner),
            };
        }
        *free -= 1;
        Ok(SlotGuard(self))
    }
}

struct SlotGuard<'a>(&'a Slots);

impl Drop for SlotGuard<'_> {
    fn drop(&mut self) {
        let mut free = self.0.free.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *free += 1;
        self.0.freed.notify_one();
    }
}

/// Runs `work` on a query thread under `limits`, giving it the token the evaluator must be built with. `work`
/// does everything that touches the query's algebra or results: parse, evaluate, serialize, drop.
pub(crate) fn run<T: Send>(
    limits: Limits,
    slots: Option<&Slots>,
    work: impl FnOnce(&CancellationToken) -> T + Send,
) -> Result<T, Stopped> {
    quiet_aborts();
    let started = Instant::now();
    let deadline = limits.timeout.map(|t| started + t);
    let _slot = slots.map(|s| s.take(deadline)).transpose()?;
    let token = CancellationToken::new();
    let timed_out = Arc::new(AtomicBool::new(false));
    let _watch = deadline.map(|deadline| WATCHDOG.watch(deadline, token.clone(), Arc::clone(&timed_out)));
    let body = || {
        let budget = budget::enter(limits.max_memory, &token);
        BUDGET_REFUSED.set(false);
        let result = panic::catch_unwind(AssertUnwindSafe(|| work(&token)));
        let over = budget::exceeded() || BUDGET_REFUSED.get();
        // The result (a serialized answer) is handed over; whatever the query left is freed here, counted.
        drop(budget);
        (result, over)
    };
    let outcome = match slots.and_then(|s| s.pool.as_ref()) {
        Some(pool) => Ok(pool.install(body)),
        None => thread::scope(|scope| {
            thread::Builder::new()
                .name("powkg query".to_owned())
                .stack_size(STACK_BYTES)
                .spawn_scoped(scope, body)
                .map_err(|e| Stopped::Thread(e.to_string()))?
                .join()
                .map_err(|payload| Stopped::Panic(panic_message(payload.as_ref())))
        }),
    };
    let (result, over) = outcome?;
    if over {
        return Err(Stopped::Memory(limits.max_memory.unwrap_or(0)));
    }
    if timed_out.load(Ordering::Relaxed) {
        return Err(Stopped::Timeout(limits.timeout.unwrap_or_default()));
    }
    result.map_err(|payload| {
        if payload.is::<Abort>() {
            // Cancelled from outside without a deadline or budget: treat as the deadline.
            Stopped::Timeout(limits.timeout.unwrap_or_default())
        } else {
            Stopped::Panic(panic_message(payload.as_ref()))
        }
    })
}

/// Cancels queries at their deadlines: one thread for all of them, started on first need.
static WATCHDOG: LazyLock<Watchdog> = LazyLock::new(Watchdog::start);

/// The queries under watch, by deadline, and the thread that cancels them.
struct Watchdog {
    watched: Watchlist,
    next: AtomicU64,
}

/// A query's token and the flag that says its deadline passed.
type Watched = (CancellationToken, Arc<AtomicBool>);

/// The watched queries by deadline (and a sequence number), and the signal that the earliest may have changed.
type Watchlist = Arc<(Mutex<BTreeMap<(Instant, u64), Watched>>, Condvar)>;

/// Keeps a query under watch; dropping it (the query is done) takes it off.
struct Watch {
    key: (Instant, u64),
}

impl Watchdog {
    fn start() -> Self {
        let watched = Watchlist::default();
        let shared = Arc::clone(&watched);
        // If the system refuses the thread, queries run without deadline rather than not at all; the server's
        // request deadline still answers the client.
        let _ = thread::Builder::new()
            .name("powkg query watchdog".to_owned())
            .spawn(move || {
                let (lock, changed) = &*shared;
                let mut queries = lock.lock().unwrap_or_else(PoisonError::into_inner);
                loop {
                    let now = Instant::now();
                    while let Some(entry) = queries.first_entry() {
                        if entry.key().0 > now {
                            break;
                        }
                        let (token, flag) = entry.remove();
                        flag.store(true, Ordering::Relaxed);
                        token.cancel();
                    }
                    let wait = queries.keys().next().map(|(at, _)| at.saturating_duration_since(now));
                    queries = match wait {
                        Some(wait) => {
                            changed
                                .wait_timeout(queries, wait)
                                .unwrap_or_else(PoisonError::into_inner)
                                .0
                        }
                        None => changed.wait(queries).unwrap_or_else(PoisonError::into_inner),
                    };
                }
            });
        Self {
            watched,
            next: AtomicU64::new(0),
        }
    }

    fn watch(&self, deadline: Instant, token: CancellationToken, flag: Arc<AtomicBool>) -> Watch {
        let key = (deadline, self.next.fetch_add(1, Ordering::Relaxed));
        let (lock, changed) = &*self.watched;
        lock.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, (token, flag));
        changed.notify_one();
        Watch { key }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let (lock, _) = &*WATCHDOG.watched;
        lock.lock().unwrap_or_else(PoisonError::into_inner).remove(&self.key);
    }
}

/// The text of a panic's payload.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}

/// Keeps the deliberate unwinding of [`checkpoint`] out of standard error; every other panic is reported as before.
fn quiet_aborts() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !info.payload().is::<Abort>() {
                previous(info);
            }
        }));
    });
}
