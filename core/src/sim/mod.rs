//! The discrete-event simulator: virtual time in milliseconds, one event queue ordered by
//! (time, sequence), one seeded PRNG, a network model, and the hosts' processes.
//!
//! Nothing here reads a clock or spawns a thread; the same seed and the same calls give the
//! same run, byte for byte.

pub mod event;
pub mod network;
pub mod node;

use event::{Event, EventKind};
use network::Network;
use node::{Ctx, HostId, Message, Outbox, Process, Timer};
use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Lifecycle of a host's process (docker compose verbs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunState {
    /// Started, process not up yet (JVM booting): connections are refused.
    Starting,
    Running,
    Stopped,
    Killed,
    Paused,
    /// A finished client process; never runs again.
    Gone,
}

#[derive(Clone, Debug)]
enum Action {
    Deliver {
        from: HostId,
        to: HostId,
        from_inc: u32,
        to_inc: u32,
        sent_ms: u64,
        msg: Message,
    },
    Timer {
        host: HostId,
        inc: u32,
        timer: Timer,
    },
    Start {
        host: HostId,
        inc: u32,
    },
}

/// A queue entry: the heap holds only (time, sequence, slot); the action itself waits in a
/// slab, so sifting the heap moves 24 bytes instead of whole messages.
#[derive(Clone, Copy, Debug)]
struct Scheduled {
    at: u64,
    seq: u64,
    slot: u32,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scheduled {
    // Reversed: BinaryHeap is a max-heap and we want the earliest (time, seq) first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

/// One host: its name, lifecycle, incarnation (bumped at every stop/start so stale timers and
/// connections of an earlier life are dropped) and process.
#[derive(Clone, Debug)]
pub struct HostSlot {
    pub name: String,
    pub state: RunState,
    pub incarnation: u32,
    pub process: Option<Process>,
    /// Events that reached the host while it was paused, replayed on unpause.
    backlog: Vec<Action>,
}

/// A message on the wire, for animation.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct InFlight {
    /// Unique while the message is on the wire (its queue sequence number): a key for
    /// animating the same message from frame to frame.
    #[serde(skip)]
    pub id: u64,
    pub from: String,
    pub to: String,
    pub sent_ms: u64,
    pub deliver_ms: u64,
    /// `election`, `quorum`, `client` or `tcp` (see `Message::channel`).
    pub channel: String,
    pub label: String,
}

#[derive(Clone, Debug)]
pub struct Simulator {
    now: u64,
    seq: u64,
    queue: BinaryHeap<Scheduled>,
    actions: Vec<Option<Action>>,
    free: Vec<u32>,
    /// Reused between handler calls (no allocation per event).
    outbox: Outbox,
    rng: ChaCha8Rng,
    /// Choices a student sees and a tutorial's prose describes (replica placement, a keyless
    /// record's partition), on their own stream: the idle traffic between two commands
    /// (heartbeats, fetches, link jitter) draws from `rng`, and the page's clock keeps running
    /// while a student reads, so those choices must not depend on how long they read.
    choice_rng: ChaCha8Rng,
    pub net: Network,
    hosts: Vec<HostSlot>,
    /// The event log's retained tail: [`Simulator::events`] shows its last `event_limit`
    /// entries; it is trimmed back to that many once it holds twice as many (amortised O(1)).
    events: Vec<Event>,
    /// Most events [`Simulator::events`] shows; older ones are dropped (counted, and folded
    /// into the log hash first, so [`Simulator::event_log_hash`] still covers the whole run).
    event_limit: usize,
    /// Events recorded since the start (the next event's `seq`).
    events_total: u64,
    /// FNV-1a state after the dropped events (the offset basis while none is dropped).
    dropped_hash: u64,
    pub record_events: bool,
    processed: u64,
}

/// Events the log keeps by default: about 33 s of virtual time under the page's heaviest load
/// (3 producers x 100 messages/s, ~300 events/s), hours of an idle cluster, far more than the
/// page shows (the snapshot carries the last [`crate::snapshot::Snapshot::RECENT_EVENTS`]).
pub const EVENT_LOG_LIMIT: usize = 10_000;

const FNV_BASIS: u64 = 0xcbf2_9ce4_8422_2325;

/// Folds one event (its JSON line) into an FNV-1a hash state.
fn fnv_event(mut h: u64, e: &Event) -> u64 {
    let s = serde_json::to_string(e).unwrap_or_default();
    for b in s.bytes().chain(std::iter::once(b'\n')) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

impl Simulator {
    pub fn new(seed: u64) -> Self {
        Simulator {
            now: 0,
            seq: 0,
            queue: BinaryHeap::new(),
            actions: Vec::new(),
            free: Vec::new(),
            outbox: Outbox::default(),
            rng: ChaCha8Rng::seed_from_u64(seed),
            choice_rng: {
                let mut r = ChaCha8Rng::seed_from_u64(seed);
                r.set_stream(1);
                r
            },
            net: Network::default(),
            hosts: Vec::new(),
            events: Vec::new(),
            event_limit: EVENT_LOG_LIMIT,
            events_total: 0,
            dropped_hash: FNV_BASIS,
            record_events: true,
            processed: 0,
        }
    }

    pub fn now(&self) -> u64 {
        self.now
    }

    /// Number of queue events handled so far (deliveries, timers, starts).
    pub fn processed(&self) -> u64 {
        self.processed
    }

    /// The most recent events, at most [`Simulator::event_limit`] of them, oldest first.
    pub fn events(&self) -> &[Event] {
        &self.events[self.events.len().saturating_sub(self.event_limit)..]
    }

    /// Events recorded since the start, dropped ones included (the next event's `seq`).
    pub fn events_total(&self) -> u64 {
        self.events_total
    }

    /// Events recorded but no longer shown by [`Simulator::events`] (the oldest ones).
    pub fn events_dropped(&self) -> u64 {
        self.events_total - self.events().len() as u64
    }

    pub fn event_limit(&self) -> usize {
        self.event_limit
    }

    /// Sets how many of the most recent events the log keeps (at least 1).
    pub fn set_event_limit(&mut self, limit: usize) {
        self.event_limit = limit.max(1);
        self.trim_events();
    }

    /// FNV-1a over the JSON line of every event recorded since the start, dropped ones
    /// included: equal for equal runs, byte for byte.
    pub fn event_log_hash(&self) -> u64 {
        self.events.iter().fold(self.dropped_hash, fnv_event)
    }

    /// Drops the oldest events once the log holds twice its limit, keeping the limit.
    fn trim_events(&mut self) {
        if self.events.len() >= 2 * self.event_limit {
            let cut = self.events.len() - self.event_limit;
            self.dropped_hash = self.events[..cut].iter().fold(self.dropped_hash, fnv_event);
            self.events.drain(..cut);
        }
    }

    pub fn hosts(&self) -> &[HostSlot] {
        &self.hosts
    }

    pub fn host(&self, h: HostId) -> &HostSlot {
        &self.hosts[h]
    }

    pub fn host_mut(&mut self, h: HostId) -> &mut HostSlot {
        &mut self.hosts[h]
    }

    pub fn find_host(&self, name: &str) -> Option<HostId> {
        self.hosts.iter().position(|h| h.name == name)
    }

    pub fn queue_len(&self) -> usize {
        self.queue.len()
    }

    /// Uniform in `[0, n)` from the run's PRNG (for the cluster's own choices, e.g. boot jitter).
    pub fn random_below(&mut self, n: u64) -> u64 {
        use rand_core::RngCore;
        if n == 0 {
            0
        } else {
            self.rng.next_u64() % n
        }
    }

    /// Adds a host, initially stopped; [`Simulator::start_at`] boots it.
    pub fn add_host(&mut self, name: &str, process: Option<Process>) -> HostId {
        self.hosts.push(HostSlot {
            name: name.to_string(),
            state: RunState::Stopped,
            incarnation: 0,
            process,
            backlog: Vec::new(),
        });
        self.hosts.len() - 1
    }

    fn push(&mut self, at: u64, action: Action) {
        self.seq += 1;
        let slot = match self.free.pop() {
            Some(i) => {
                self.actions[i as usize] = Some(action);
                i
            }
            None => {
                self.actions.push(Some(action));
                (self.actions.len() - 1) as u32
            }
        };
        self.queue.push(Scheduled {
            at,
            seq: self.seq,
            slot,
        });
    }

    pub fn record(&mut self, host: HostId, kind: EventKind) {
        if self.record_events {
            self.events.push(Event {
                seq: self.events_total,
                time_ms: self.now,
                host: self.hosts[host].name.clone(),
                kind,
            });
            self.events_total += 1;
            self.trim_events();
        }
    }

    /// Schedules the host's process to boot at `at` (marks it running now, so it counts as up).
    pub fn start_at(&mut self, host: HostId, at: u64) {
        let slot = &mut self.hosts[host];
        slot.incarnation += 1;
        slot.state = RunState::Starting;
        slot.backlog.clear();
        let inc = slot.incarnation;
        self.push(at.max(self.now), Action::Start { host, inc });
    }

    /// Starts a stopped/killed host now. Returns false if it was not down.
    pub fn start(&mut self, host: HostId) -> bool {
        if !matches!(self.hosts[host].state, RunState::Stopped | RunState::Killed) {
            return false;
        }
        self.start_at(host, self.now);
        true
    }

    /// Stops (cleanly or by crash) a running or paused host: volatile state is forgotten,
    /// in-flight messages to it and its timers die with the incarnation.
    pub fn stop(&mut self, host: HostId, killed: bool) -> bool {
        if !matches!(
            self.hosts[host].state,
            RunState::Running | RunState::Paused | RunState::Starting
        ) {
            return false;
        }
        if !killed && self.hosts[host].state == RunState::Running {
            // A clean stop closes its connections: peers hear the goodbye at once.
            self.dispatch(host, |p, ctx| p.on_shutdown(ctx));
        }
        let slot = &mut self.hosts[host];
        slot.state = if killed {
            RunState::Killed
        } else {
            RunState::Stopped
        };
        slot.incarnation += 1;
        slot.backlog.clear();
        if let Some(p) = slot.process.as_mut() {
            p.on_stop();
        }
        self.record(host, EventKind::HostStopped { killed });
        true
    }

    /// Marks a finished client process gone for good.
    pub fn retire(&mut self, host: HostId) {
        let slot = &mut self.hosts[host];
        slot.state = RunState::Gone;
        slot.incarnation += 1;
        slot.backlog.clear();
        slot.process = None;
    }

    pub fn pause(&mut self, host: HostId) -> bool {
        if self.hosts[host].state != RunState::Running {
            return false;
        }
        self.hosts[host].state = RunState::Paused;
        self.record(host, EventKind::HostPaused);
        true
    }

    pub fn unpause(&mut self, host: HostId) -> bool {
        if self.hosts[host].state != RunState::Paused {
            return false;
        }
        self.hosts[host].state = RunState::Running;
        let backlog = std::mem::take(&mut self.hosts[host].backlog);
        for action in backlog {
            self.push(self.now, action);
        }
        self.record(host, EventKind::HostUnpaused);
        true
    }

    /// Time of the next queued event.
    pub fn next_time(&self) -> Option<u64> {
        self.queue.peek().map(|s| s.at)
    }

    /// Handles exactly one queued event. Returns false if the queue is empty.
    pub fn step(&mut self) -> bool {
        let Some(s) = self.queue.pop() else {
            return false;
        };
        let action = self.actions[s.slot as usize]
            .take()
            .expect("a queued slot holds its action");
        self.free.push(s.slot);
        self.now = s.at;
        self.processed += 1;
        let host = match &action {
            Action::Deliver { to, .. } => *to,
            Action::Timer { host, .. } | Action::Start { host, .. } => *host,
        };
        if self.hosts[host].state == RunState::Paused {
            // Frozen: keep it for later, unless it belongs to an earlier life.
            self.hosts[host].backlog.push(action);
            return true;
        }
        match action {
            Action::Deliver {
                from,
                to,
                from_inc,
                to_inc,
                msg,
                ..
            } => {
                // Bytes already on the wire still arrive after their sender dies; only the
                // receiver's incarnation matters (a restarted process has new connections).
                let _ = from_inc;
                let dst = &self.hosts[to];
                if self.net.blocked(from, to) {
                    return true;
                }
                if dst.state != RunState::Running || dst.incarnation != to_inc {
                    // Down target: a connection attempt is refused (RST), anything else is lost.
                    if msg.opens_connection()
                        && matches!(
                            dst.state,
                            RunState::Stopped | RunState::Killed | RunState::Starting
                        )
                    {
                        self.send_from(to, from, Message::Refused);
                    }
                    return true;
                }
                self.dispatch(to, |p, ctx| p.on_message(from, msg, ctx));
            }
            Action::Timer { host, inc, timer } => {
                if self.hosts[host].incarnation == inc
                    && self.hosts[host].state == RunState::Running
                {
                    self.dispatch(host, |p, ctx| p.on_timer(timer, ctx));
                }
            }
            Action::Start { host, inc } => {
                if self.hosts[host].incarnation == inc
                    && self.hosts[host].state == RunState::Starting
                {
                    self.hosts[host].state = RunState::Running;
                    self.record(host, EventKind::HostStarted);
                    self.dispatch(host, |p, ctx| p.on_start(ctx));
                }
            }
        }
        true
    }

    /// Runs every event due at or before `t`, then sets the clock to `t`.
    pub fn run_until(&mut self, t: u64) {
        while let Some(at) = self.next_time() {
            if at > t {
                break;
            }
            self.step();
        }
        self.now = self.now.max(t);
    }

    /// Calls `f` on a host's process with a live context (e.g. to submit a client request),
    /// then performs what it asked for. Returns None if the host has no running process.
    pub fn call<R>(
        &mut self,
        host: HostId,
        f: impl FnOnce(&mut Process, &mut Ctx) -> R,
    ) -> Option<R> {
        if self.hosts[host].state != RunState::Running {
            return None;
        }
        self.dispatch(host, f)
    }

    fn dispatch<R>(
        &mut self,
        host: HostId,
        f: impl FnOnce(&mut Process, &mut Ctx) -> R,
    ) -> Option<R> {
        let mut process = self.hosts[host].process.take()?;
        let mut out = std::mem::take(&mut self.outbox);
        let r = {
            let mut ctx = Ctx {
                now: self.now,
                me: host,
                rng: &mut self.rng,
                choice_rng: &mut self.choice_rng,
                out: &mut out,
                record_events: self.record_events,
            };
            f(&mut process, &mut ctx)
        };
        self.hosts[host].process = Some(process);
        for kind in out.events.drain(..) {
            self.record(host, kind);
        }
        let inc = self.hosts[host].incarnation;
        for (after, timer) in out.timers.drain(..) {
            self.push(self.now + after, Action::Timer { host, inc, timer });
        }
        for (to, msg) in out.sends.drain(..) {
            self.send_from(host, to, msg);
        }
        let exit = std::mem::take(&mut out.exit);
        self.outbox = out;
        if exit {
            // The process ended itself: the container exits (stopped, no on_shutdown).
            let slot = &mut self.hosts[host];
            slot.state = RunState::Stopped;
            slot.incarnation += 1;
            slot.backlog.clear();
            if let Some(p) = slot.process.as_mut() {
                p.on_stop();
            }
            self.record(host, EventKind::HostStopped { killed: false });
        }
        Some(r)
    }

    fn send_from(&mut self, from: HostId, to: HostId, msg: Message) {
        if let Some(at) = self.net.route(from, to, self.now, &mut self.rng) {
            let action = Action::Deliver {
                from,
                to,
                from_inc: self.hosts[from].incarnation,
                to_inc: self.hosts[to].incarnation,
                sent_ms: self.now,
                msg,
            };
            self.push(at, action);
        }
    }

    /// Messages on the wire, earliest delivery first.
    pub fn in_flight(&self) -> Vec<InFlight> {
        let mut v: Vec<&Scheduled> = self
            .queue
            .iter()
            .filter(|s| matches!(self.actions[s.slot as usize], Some(Action::Deliver { .. })))
            .collect();
        crate::sort::sort_by_key(&mut v, |s| (s.at, s.seq));
        v.into_iter()
            .filter_map(|s| match self.actions[s.slot as usize].as_ref()? {
                Action::Deliver {
                    from,
                    to,
                    sent_ms,
                    msg,
                    ..
                } => Some(InFlight {
                    id: s.seq,
                    from: self.hosts[*from].name.clone(),
                    to: self.hosts[*to].name.clone(),
                    sent_ms: *sent_ms,
                    deliver_ms: s.at,
                    channel: msg.channel().to_string(),
                    label: msg.label(),
                }),
                _ => None,
            })
            .collect()
    }
}
