//! The sans-IO node contract: a node reacts to a delivered message or a fired timer and only
//! *records* what it wants done (sends, timers, events) in its [`Ctx`]. The simulator does it.

use crate::broker::admin::{AdminClient, AdminTimer};
use crate::broker::messages::KafkaMessage;
use crate::broker::{Broker, BrokerTimer};
use crate::client::consumer::Consumer;
use crate::client::probe::Probe;
use crate::client::producer::Producer;
use crate::client::KafkaClientTimer;
use crate::sim::event::EventKind;
use crate::zookeeper::client::{ClientTimer, ZkClient};
use crate::zookeeper::messages::ZkMessage;
use crate::zookeeper::server::{ServerTimer, ZkServer};
use rand_chacha::ChaCha8Rng;
use rand_core::RngCore;

/// Index of a host in the simulator (servers, brokers, client processes).
pub type HostId = usize;

/// Every message any node can send. One variant per protocol family, so brokers and Kafka
/// clients become new variants later without touching the simulator.
#[derive(Clone, Debug)]
pub enum Message {
    Zk(ZkMessage),
    /// Kafka requests and responses (brokers, controller, clients).
    Kafka(KafkaMessage),
    /// Synthesised by the simulator: the target host is down, a connection attempt was refused.
    Refused,
}

impl Message {
    /// Whether this message opens a TCP connection (so a down target answers "refused").
    pub fn opens_connection(&self) -> bool {
        match self {
            Message::Zk(m) => matches!(m, ZkMessage::ConnectRequest { .. }),
            Message::Kafka(m) => m.opens_connection(),
            Message::Refused => false,
        }
    }

    /// Which connection it travels on, for colouring: `election` (3888), `quorum` (2888),
    /// `client` (the client port), `tcp` (a refused connection); Kafka: `controller`
    /// (LeaderAndIsr, UpdateMetadata, AlterIsr), `replication` (Fetch), `kafka` (clients).
    pub fn channel(&self) -> &'static str {
        match self {
            Message::Zk(ZkMessage::Notification(_)) => "election",
            Message::Zk(ZkMessage::Quorum { .. }) => "quorum",
            Message::Zk(_) => "client",
            Message::Kafka(m) => m.channel(),
            Message::Refused => "tcp",
        }
    }

    /// Short label for the in-flight list, e.g. `PROPOSAL 0x100000001`.
    pub fn label(&self) -> String {
        match self {
            Message::Zk(m) => m.label(),
            Message::Kafka(m) => m.label(),
            Message::Refused => "RST".to_string(),
        }
    }
}

/// Every timer any node can set.
#[derive(Clone, Debug)]
pub enum Timer {
    ZkServer(ServerTimer),
    ZkClient(ClientTimer),
    Broker(BrokerTimer),
    Admin(AdminTimer),
    KafkaClient(KafkaClientTimer),
}

/// What a handler asked for; drained by the simulator after each call.
#[derive(Clone, Default, Debug)]
pub struct Outbox {
    pub sends: Vec<(HostId, Message)>,
    pub timers: Vec<(u64, Timer)>,
    pub events: Vec<EventKind>,
    /// The process exits after this handler (e.g. a broker whose startup failed).
    pub exit: bool,
}

/// The handler's view of the world: the time, its own id, the simulator's RNG, its outbox.
pub struct Ctx<'a> {
    pub now: u64,
    pub me: HostId,
    pub(crate) rng: &'a mut ChaCha8Rng,
    pub(crate) choice_rng: &'a mut ChaCha8Rng,
    pub(crate) out: &'a mut Outbox,
    pub(crate) record_events: bool,
}

impl<'a> Ctx<'a> {
    pub fn send(&mut self, to: HostId, msg: Message) {
        self.out.sends.push((to, msg));
    }

    pub fn set_timer(&mut self, after_ms: u64, timer: Timer) {
        self.out.timers.push((after_ms, timer));
    }

    /// Records a structured event; the closure is not called when recording is off (bench).
    pub fn emit(&mut self, f: impl FnOnce() -> EventKind) {
        if self.record_events {
            self.out.events.push(f());
        }
    }

    /// Ends the process after this handler, as a JVM calling `System.exit` does: the host
    /// stops (no goodbye beyond what the handler already sent).
    pub fn exit(&mut self) {
        self.out.exit = true;
    }

    /// Uniform in `[0, n)` from the simulator's main PRNG stream (`n` = 0 gives 0).
    pub fn random_below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.rng.next_u64() % n
        }
    }

    /// Uniform in `[0, n)` for a choice the student sees (where replicas land, which partition
    /// a keyless record goes to), from a stream that only such choices advance: the same
    /// commands give the same choices however long the cluster idled in between.
    pub fn choose_below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.choice_rng.next_u64() % n
        }
    }
}

/// A sans-IO state machine. `on_stop` forgets volatile state and keeps what is on disk.
pub trait Node {
    fn on_start(&mut self, ctx: &mut Ctx);
    fn on_message(&mut self, from: HostId, msg: Message, ctx: &mut Ctx);
    fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx);
    /// A clean stop (SIGTERM): close connections so peers notice at once. Not called on kill.
    fn on_shutdown(&mut self, _ctx: &mut Ctx) {}
    fn on_stop(&mut self);
}

/// The processes the simulator can run.
#[derive(Clone, Debug)]
pub enum Process {
    ZkServer(Box<ZkServer>),
    ZkClient(Box<ZkClient>),
    Broker(Box<Broker>),
    Admin(Box<AdminClient>),
    Producer(Box<Producer>),
    Consumer(Box<Consumer>),
    Probe(Box<Probe>),
}

impl Process {
    fn node(&mut self) -> &mut dyn Node {
        match self {
            Process::ZkServer(s) => s.as_mut(),
            Process::ZkClient(c) => c.as_mut(),
            Process::Broker(b) => b.as_mut(),
            Process::Admin(a) => a.as_mut(),
            Process::Producer(p) => p.as_mut(),
            Process::Consumer(c) => c.as_mut(),
            Process::Probe(p) => p.as_mut(),
        }
    }

    pub fn on_start(&mut self, ctx: &mut Ctx) {
        self.node().on_start(ctx)
    }

    pub fn on_message(&mut self, from: HostId, msg: Message, ctx: &mut Ctx) {
        self.node().on_message(from, msg, ctx)
    }

    pub fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx) {
        self.node().on_timer(timer, ctx)
    }

    pub fn on_shutdown(&mut self, ctx: &mut Ctx) {
        self.node().on_shutdown(ctx)
    }

    pub fn on_stop(&mut self) {
        self.node().on_stop()
    }

    pub fn as_zk_server(&self) -> Option<&ZkServer> {
        match self {
            Process::ZkServer(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_zk_client(&self) -> Option<&ZkClient> {
        match self {
            Process::ZkClient(c) => Some(c),
            _ => None,
        }
    }

    pub fn as_broker(&self) -> Option<&Broker> {
        match self {
            Process::Broker(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_admin(&self) -> Option<&AdminClient> {
        match self {
            Process::Admin(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_producer(&self) -> Option<&Producer> {
        match self {
            Process::Producer(p) => Some(p),
            _ => None,
        }
    }

    pub fn as_producer_mut(&mut self) -> Option<&mut Producer> {
        match self {
            Process::Producer(p) => Some(p),
            _ => None,
        }
    }

    pub fn as_probe(&self) -> Option<&Probe> {
        match self {
            Process::Probe(p) => Some(p),
            _ => None,
        }
    }

    pub fn as_consumer(&self) -> Option<&Consumer> {
        match self {
            Process::Consumer(c) => Some(c),
            _ => None,
        }
    }

    pub fn as_consumer_mut(&mut self) -> Option<&mut Consumer> {
        match self {
            Process::Consumer(c) => Some(c),
            _ => None,
        }
    }

    pub fn as_zk_client_mut(&mut self) -> Option<&mut ZkClient> {
        match self {
            Process::ZkClient(c) => Some(c),
            _ => None,
        }
    }
}
