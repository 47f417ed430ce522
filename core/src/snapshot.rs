//! Serialisable views of the cluster for the UI and tests. Plain data, no behaviour.

use serde::{Deserialize, Serialize};

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

/// The whole cluster at one instant of virtual time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Virtual time in milliseconds since the cluster was created.
    pub now_ms: u64,
    /// The seed of the run's single PRNG.
    pub seed: u64,
    /// ZooKeeper servers first, then brokers, each in configuration order.
    pub hosts: Vec<HostView>,
}

impl Snapshot {
    pub fn host(&self, name: &str) -> Option<&HostView> {
        self.hosts.iter().find(|h| h.name == name)
    }
}
