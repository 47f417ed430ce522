//! The cluster: the one object the page, the native runner and the tests drive.

use crate::config::{ClusterConfig, Listener};
use crate::snapshot::{HostKind, HostStatus, HostView, Snapshot};

/// A virtual cluster built from a [`ClusterConfig`] and a seed.
#[derive(Clone, Debug)]
pub struct Cluster {
    config: ClusterConfig,
    seed: u64,
    now_ms: u64,
}

impl Cluster {
    pub fn new(config: ClusterConfig, seed: u64) -> Self {
        Cluster {
            config,
            seed,
            now_ms: 0,
        }
    }

    /// The seed tutorial's cluster.
    pub fn seed_cluster(seed: u64) -> Self {
        Self::new(ClusterConfig::seed(), seed)
    }

    pub fn config(&self) -> &ClusterConfig {
        &self.config
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }

    /// A serialisable view of every host.
    pub fn snapshot(&self) -> Snapshot {
        let zookeepers = self.config.zookeepers.iter().map(|z| HostView {
            name: z.service.clone(),
            kind: HostKind::ZooKeeper,
            id: z.my_id.into(),
            addresses: vec![format!("{}:{}", z.hostname, z.client_port)],
            status: HostStatus::Running,
        });
        let brokers = self.config.brokers.iter().map(|b| HostView {
            name: b.service.clone(),
            kind: HostKind::Broker,
            id: b.broker_id.into(),
            addresses: b.listeners.iter().map(Listener::address).collect(),
            status: HostStatus::Running,
        });
        Snapshot {
            now_ms: self.now_ms,
            seed: self.seed,
            hosts: zookeepers.chain(brokers).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_lists_six_hosts_and_round_trips_through_json() {
        let snap = Cluster::seed_cluster(7).snapshot();
        let names: Vec<_> = snap.hosts.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "zookeeper1",
                "zookeeper2",
                "zookeeper3",
                "kafka1",
                "kafka2",
                "kafka3"
            ]
        );
        let json = serde_json::to_string(&snap).unwrap();
        let back: Snapshot = serde_json::from_str(&json).unwrap();
        assert_eq!(back, snap);
        assert_eq!(
            snap.host("kafka3").unwrap().addresses,
            ["kafka3:19093", "127.0.0.1:9093"]
        );
    }
}
