//! Serialisable views of the cluster for the UI and tests. Plain data, no behaviour.

use serde::{Deserialize, Serialize};

pub use crate::sim::event::{Event, EventKind, ZkMode};
pub use crate::sim::InFlight;

/// What kind of process a host runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HostKind {
    ZooKeeper,
    Broker,
}

/// Whether a host's process is running (docker compose verbs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HostStatus {
    Running,
    /// Stopped cleanly (`docker compose stop`).
    Stopped,
    /// Crashed (`docker compose kill`): no goodbye, peers notice by silence.
    Killed,
    /// Frozen (`docker compose pause`): timers stall, peers see silence.
    Paused,
}

/// One host as the page draws it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostView {
    /// Service / host name, e.g. `zookeeper1` or `kafka2`.
    pub name: String,
    pub kind: HostKind,
    /// `ZOO_MY_ID` or `KAFKA_BROKER_ID`.
    pub id: i64,
    /// Addresses clients use, e.g. `zookeeper1:2181` or `kafka1:19091`, `127.0.0.1:9091`.
    pub addresses: Vec<String>,
    pub status: HostStatus,
}

/// One ZooKeeper server's protocol state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZkServerView {
    pub name: String,
    pub myid: u64,
    /// LOOKING / FOLLOWING / LEADING, or Down when the process is not running.
    pub mode: ZkMode,
    /// Serving clients (an established leader or a synced follower).
    pub serving: bool,
    /// myid of the leader it follows (or itself when leading).
    pub leader: Option<u64>,
    /// currentEpoch (the epoch of the last leader it synced with).
    pub epoch: u32,
    pub accepted_epoch: u32,
    /// Last zxid in its transaction log.
    pub last_zxid: u64,
    /// Last zxid committed and applied to its data tree.
    pub last_committed_zxid: u64,
    /// Election round (logical clock).
    pub round: u64,
    pub sessions: usize,
    pub znodes: usize,
    pub clients: usize,
}

/// One broker's Kafka state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokerView {
    pub name: String,
    pub id: i32,
    /// The process runs and is registered in ZooKeeper (serving).
    pub running: bool,
    /// `/brokers/ids/<id>` exists for its current session.
    pub registered: bool,
    /// It is the active controller.
    pub is_controller: bool,
    /// Its controller epoch while it is the active controller.
    pub controller_epoch: Option<i32>,
    /// The controller its metadata cache names (-1 unknown).
    pub known_controller: i32,
    /// Why it failed to start, if it did.
    pub failed: Option<String>,
}

/// One partition as stored in ZooKeeper (`/brokers/topics/<t>/partitions/<p>/state`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionView {
    pub partition: i32,
    /// `None` when offline (leader -1) or not elected yet.
    pub leader: Option<i32>,
    pub leader_epoch: i32,
    /// Assignment order; the first is the preferred leader.
    pub replicas: Vec<i32>,
    pub isr: Vec<i32>,
    /// Each replica's log offsets (in assignment order), read from the brokers' disks.
    #[serde(default)]
    pub offsets: Vec<ReplicaOffsets>,
}

/// One replica's log: start, end (LEO) and high watermark.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicaOffsets {
    pub broker: i32,
    pub log_start_offset: i64,
    pub log_end_offset: i64,
    pub high_watermark: i64,
}

/// One topic with its partitions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicView {
    pub name: String,
    pub topic_id: String,
    pub partitions: Vec<PartitionView>,
}

/// Network faults in force.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkView {
    /// Directed cuts (from, to).
    pub cuts: Vec<(String, String)>,
    /// Hosts disconnected from the docker network.
    pub disconnected: Vec<String>,
    /// Links with non-default latency/jitter/loss: (a, b, latency_ms, jitter_ms, loss_pct).
    pub links: Vec<(String, String, u64, u64, u8)>,
}

/// The whole cluster at one instant of virtual time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Virtual time in milliseconds since the cluster was created.
    pub now_ms: u64,
    /// The seed of the run's single PRNG.
    pub seed: u64,
    /// ZooKeeper servers first, then brokers, each in configuration order.
    pub hosts: Vec<HostView>,
    /// The ensemble, in myid order.
    pub zookeepers: Vec<ZkServerView>,
    /// Messages on the wire, earliest delivery first.
    pub in_flight: Vec<InFlight>,
    /// The most recent events (at most [`Snapshot::RECENT_EVENTS`]); see `Cluster::events`.
    pub events: Vec<Event>,
    /// Number of events since boot (the index after the last one).
    pub event_count: u64,
    /// The oldest events no longer kept by the bounded event log.
    #[serde(default)]
    pub events_dropped: u64,
    pub network: NetworkView,
    /// The brokers, in configuration order.
    pub brokers: Vec<BrokerView>,
    /// Topics as ZooKeeper stores them, sorted by name.
    pub topics: Vec<TopicView>,
}

impl Snapshot {
    pub const RECENT_EVENTS: usize = 200;

    pub fn host(&self, name: &str) -> Option<&HostView> {
        self.hosts.iter().find(|h| h.name == name)
    }

    pub fn broker(&self, name: &str) -> Option<&BrokerView> {
        self.brokers.iter().find(|b| b.name == name)
    }

    pub fn topic(&self, name: &str) -> Option<&TopicView> {
        self.topics.iter().find(|t| t.name == name)
    }

    pub fn zookeeper(&self, name: &str) -> Option<&ZkServerView> {
        self.zookeepers.iter().find(|z| z.name == name)
    }
}
