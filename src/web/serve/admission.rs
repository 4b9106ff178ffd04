//! Which connections `powkg serve` takes, so that no client can lock the others out: at most `max` connections at
//! once, and at most `per_client` from one client address (an IPv6 client: its /64). A newcomer that finds no room
//! has the connection idle the longest closed for it (kept alive between requests, or not yet sending one: its
//! client loses nothing but a reconnection); only a client whose own connections are all busy is refused, and a
//! newcomer that finds every connection busy waits for one to end, up to the server's patience.

use std::collections::HashMap;
use std::net::IpAddr;
use std::pin::pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

/// The connections being served, shared by the accepting loops.
pub struct Admission {
    state: Mutex<State>,
    /// Woken whenever a connection ends.
    freed: Notify,
    max: usize,
    per_client: usize,
}

/// Why a newcomer was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Its address holds `per_client` connections, all of them busy.
    Client(usize),
    /// Every connection stayed busy for the server's patience.
    Busy,
}

/// A connection being served: ends it on drop (and wakes the newcomers waiting for room).
pub struct Ticket {
    admission: Arc<Admission>,
    id: u64,
    close: Arc<Notify>,
}

/// A request in progress on a connection: the connection is busy until it (its answer, sent) is dropped.
pub struct Busy {
    admission: Arc<Admission>,
    id: u64,
}

#[derive(Default)]
struct State {
    connections: HashMap<u64, Connection>,
    next: u64,
}

struct Connection {
    client: IpAddr,
    /// Requests in progress (their answers not yet sent).
    busy: u32,
    /// When it last became idle (or was opened).
    idle_since: Instant,
    /// Told to close, to make room: it no longer counts as a candidate.
    closing: bool,
    close: Arc<Notify>,
}

/// What a newcomer does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Admit,
    /// Close this idle connection, then wait for room.
    Evict(u64),
    Wait,
    Refuse(Refusal),
}

/// The key a client's connections are counted under: its address; an IPv6 client's /64 (a host is handed a whole
/// /64, and picks any address in it); an IPv4 address mapped into IPv6 as itself.
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
        },
    }
}

impl State {
    /// The next step of a newcomer from `client`, whose own eviction (if any) is `mine`.
    fn step(&self, client: IpAddr, mine: Option<u64>, max: usize, per_client: usize) -> Step {
        // An eviction of this newcomer still under way: wait for it, rather than close another connection.
        if mine.is_some_and(|id| self.connections.contains_key(&id)) {
            return Step::Wait;
        }
        let from_client = self.connections.values().filter(|c| c.client == client).count();
        if from_client >= per_client {
            return match self.idlest(|c| c.client == client) {
                Some(id) => Step::Evict(id),
                None if self.connections.values().any(|c| c.client == client && c.closing) => Step::Wait,
                None => Step::Refuse(Refusal::Client(per_client)),
            };
        }
        if self.connections.len() >= max {
            return self.idlest(|_| true).map_or(Step::Wait, Step::Evict);
        }
        Step::Admit
    }

    /// The connection idle the longest among those `which` picks, not already closing.
    fn idlest(&self, which: impl Fn(&Connection) -> bool) -> Option<u64> {
        self.connections
            .iter()
            .filter(|(_, c)| c.busy == 0 && !c.closing && which(c))
            .min_by_key(|(id, c)| (c.idle_since, **id))
            .map(|(id, _)| *id)
    }
}

impl Admission {
    /// At most `max` connections, `per_client` from one client (both at least 1).
    pub fn new(max: usize, per_client: usize) -> Arc<Self> {
        Arc::new(Self {
            state: Mutex::new(State::default()),
            freed: Notify::new(),
            max: max.max(1),
            per_client: per_client.max(1),
        })
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // The state is consistent after every statement: a panic elsewhere leaves nothing half-done.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes a connection from `client` (see [`client_key`]), closing idle ones to make room; waits at most
    /// `patience` for a busy server.
    pub async fn admit(self: &Arc<Self>, client: IpAddr, patience: Duration) -> Result<Ticket, Refusal> {
        let deadline = Instant::now() + patience;
        let mut mine = None;
        loop {
            // Registered before the state is read, so that a connection ending in between still wakes it.
            let mut freed = pin!(self.freed.notified());
            freed.as_mut().enable();
            {
                let mut state = self.state();
                match state.step(client, mine, self.max, self.per_client) {
                    Step::Admit => {
                        let id = state.next;
                        state.next += 1;
                        let close = Arc::new(Notify::new());
                        state.connections.insert(
                            id,
                            Connection {
                                client,
                                busy: 0,
                                idle_since: Instant::now(),
                                closing: false,
                                close: Arc::clone(&close),
                            },
                        );
                        return Ok(Ticket {
                            admission: Arc::clone(self),
                            id,
                            close,
                        });
                    }
                    Step::Evict(id) => {
                        if let Some(victim) = state.connections.get_mut(&id) {
                            victim.closing = true;
                            victim.close.notify_one();
                        }
                        mine = Some(id);
                    }
                    Step::Wait => {}
                    Step::Refuse(why) => return Err(why),
                }
            }
            if tokio::time::timeout_at(deadline, freed).await.is_err() {
                return Err(Refusal::Busy);
            }
        }
    }

    /// How many connections are open (for tests).
    #[cfg(test)]
    fn open(&self) -> usize {
        self.state().connections.len()
    }
}

impl Ticket {
    /// Told when the connection should close to make room (it is idle, or was when chosen).
    pub fn close_signal(&self) -> Arc<Notify> {
        Arc::clone(&self.close)
    }

    /// Whether a request is in progress (its answer not yet sent).
    pub fn is_busy(&self) -> bool {
        self.admission
            .state()
            .connections
            .get(&self.id)
            .is_some_and(|c| c.busy > 0)
    }

    /// Marks a request in progress until the value is dropped.
    pub fn busy(&self) -> Busy {
        if let Some(c) = self.admission.state().connections.get_mut(&self.id) {
            c.busy += 1;
        }
        Busy {
            admission: Arc::clone(&self.admission),
            id: self.id,
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.admission.state().connections.remove(&self.id);
        self.admission.freed.notify_waiters();
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        if let Some(c) = self.admission.state().connections.get_mut(&self.id) {
            c.busy = c.busy.saturating_sub(1);
            c.idle_since = Instant::now();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));
    const B: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 2));
    const NOW: Duration = Duration::ZERO;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_64_and_a_mapped_ipv4_as_itself() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(client_key(a), client_key(b));
        assert_ne!(client_key(a), client_key(c));
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(client_key(mapped), A);
    }

    #[test]
    fn a_client_at_its_limit_loses_its_idlest_connection_and_is_refused_only_when_all_are_busy() {
        runtime().block_on(async {
            let admission = Admission::new(10, 2);
            let first = admission.admit(A, NOW).await.unwrap();
            tokio::time::sleep(Duration::from_millis(5)).await;
            let second = admission.admit(A, NOW).await.unwrap();
            // Another client is not affected by A's limit.
            let other = admission.admit(B, NOW).await.unwrap();
            // A third from A: the first (idle the longest) is told to close; the newcomer gets in once it has.
            let signal = first.close_signal();
            let waiting = tokio::spawn({
                let admission = Arc::clone(&admission);
                async move { admission.admit(A, Duration::from_secs(5)).await.map(drop) }
            });
            tokio::time::timeout(Duration::from_secs(5), signal.notified())
                .await
                .expect("the idlest connection is told to close");
            drop(first);
            assert_eq!(waiting.await.unwrap(), Ok(()));
            // Both of A's connections busy: a newcomer from A is refused at once, one from B is taken.
            let _busy = second.busy();
            let third = admission.admit(A, NOW).await.unwrap();
            let _busy_too = third.busy();
            assert_eq!(admission.admit(A, NOW).await.err(), Some(Refusal::Client(2)));
            assert!(admission.admit(B, NOW).await.is_ok());
            drop(other);
        });
    }

    #[test]
    fn a_full_server_closes_the_idlest_connection_for_a_newcomer_and_waits_when_all_are_busy() {
        runtime().block_on(async {
            let admission = Admission::new(2, 2);
            let old = admission.admit(A, NOW).await.unwrap();
            tokio::time::sleep(Duration::from_millis(5)).await;
            let recent = admission.admit(B, NOW).await.unwrap();
            let signal = old.close_signal();
            let newcomer = tokio::spawn({
                let admission = Arc::clone(&admission);
                async move { admission.admit(B, Duration::from_secs(5)).await.map(drop) }
            });
            tokio::time::timeout(Duration::from_secs(5), signal.notified())
                .await
                .expect("the connection idle the longest is told to close");
            drop(old);
            assert_eq!(newcomer.await.unwrap(), Ok(()));
            // Every connection busy: a newcomer waits, and is refused after the patience.
            let _busy = recent.busy();
            let held = admission.admit(A, NOW).await.unwrap();
            let _held_busy = held.busy();
            let started = Instant::now();
            let refused = admission.admit(A, Duration::from_millis(100)).await.err();
            assert_eq!(refused, Some(Refusal::Busy));
            assert!(started.elapsed() >= Duration::from_millis(100));
            assert_eq!(admission.open(), 2);
        });
    }

    #[test]
    fn a_connection_is_idle_again_once_its_request_is_answered() {
        runtime().block_on(async {
            let admission = Admission::new(1, 1);
            let only = admission.admit(A, NOW).await.unwrap();
            let busy = only.busy();
            assert_eq!(admission.admit(A, NOW).await.err(), Some(Refusal::Client(1)));
            drop(busy);
            let signal = only.close_signal();
            let newcomer = tokio::spawn({
                let admission = Arc::clone(&admission);
                async move { admission.admit(A, Duration::from_secs(5)).await.map(drop) }
            });
            tokio::time::timeout(Duration::from_secs(5), signal.notified())
                .await
                .expect("the idle connection is told to close");
            drop(only);
            assert_eq!(newcomer.await.unwrap(), Ok(()));
        });
    }
}
