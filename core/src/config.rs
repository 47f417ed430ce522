//! The static description of a cluster: which hosts exist and how they are addressed.
//!
//! The default is the seed tutorial's docker-compose.yml: zookeeper1–3 (client ports
//! 2181–2183) and kafka1–3 (internal listener `kafkaN:1909N`, external `127.0.0.1:909N`).

use serde::{Deserialize, Serialize};

use crate::compose::BrokerSettings;

/// One ZooKeeper server of the ensemble (`ZOO_MY_ID`, `ZOO_PORT`, `ZOO_SERVERS`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZkServerConfig {
    /// docker-compose service name, e.g. `zookeeper1`.
    pub service: String,
    /// Container hostname other hosts use to reach it.
    pub hostname: String,
    /// `ZOO_MY_ID`.
    pub my_id: u32,
    /// Client port (`ZOO_PORT`).
    pub client_port: u16,
    /// Follower→leader quorum port (2888).
    pub quorum_port: u16,
    /// Leader-election port (3888).
    pub election_port: u16,
}

/// A named listener endpoint from `KAFKA_ADVERTISED_LISTENERS`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listener {
    pub name: String,
    pub host: String,
    pub port: u16,
}

impl Listener {
    /// `host:port`, as a client would type it in `--bootstrap-server`.
    pub fn address(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

/// One Kafka broker (cp-kafka 7.0 = Apache Kafka 3.0 in ZooKeeper mode).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokerConfig {
    pub service: String,
    pub hostname: String,
    /// `KAFKA_BROKER_ID`.
    pub broker_id: i32,
    /// Advertised listeners in declaration order.
    pub listeners: Vec<Listener>,
    /// `KAFKA_INTER_BROKER_LISTENER_NAME`.
    pub inter_broker_listener: String,
    /// `KAFKA_ZOOKEEPER_CONNECT`, as `host:port` entries.
    pub zookeeper_connect: Vec<String>,
    /// The broker's effective settings (Kafka defaults overridden by its `KAFKA_*` properties).
    pub settings: BrokerSettings,
}

/// Every host of the cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterConfig {
    pub zookeepers: Vec<ZkServerConfig>,
    pub brokers: Vec<BrokerConfig>,
}

impl ClusterConfig {
    /// The cluster of the seed tutorial's docker-compose.yml.
    pub fn seed() -> Self {
        let zookeepers = (1..=3)
            .map(|n| ZkServerConfig {
                service: format!("zookeeper{n}"),
                hostname: format!("zookeeper{n}"),
                my_id: n,
                client_port: 2180 + n as u16,
                quorum_port: 2888,
                election_port: 3888,
            })
            .collect();
        let zookeeper_connect: Vec<String> = (1..=3)
            .map(|n| format!("zookeeper{n}:{}", 2180 + n))
            .collect();
        let brokers = (1..=3)
            .map(|n| BrokerConfig {
                service: format!("kafka{n}"),
                hostname: format!("kafka{n}"),
                broker_id: n,
                listeners: vec![
                    Listener {
                        name: "LISTENER_DOCKER_INTERNAL".into(),
                        host: format!("kafka{n}"),
                        port: 19090 + n as u16,
                    },
                    Listener {
                        name: "LISTENER_DOCKER_EXTERNAL".into(),
                        host: "127.0.0.1".into(),
                        port: 9090 + n as u16,
                    },
                ],
                inter_broker_listener: "LISTENER_DOCKER_INTERNAL".into(),
                zookeeper_connect: zookeeper_connect.clone(),
                // The seed's compose sets KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 1 on each.
                settings: BrokerSettings {
                    offsets_topic_replication_factor: 1,
                    ..BrokerSettings::default()
                },
            })
            .collect();
        ClusterConfig {
            zookeepers,
            brokers,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_has_the_six_hosts_of_the_compose_file() {
        let c = ClusterConfig::seed();
        let zk: Vec<_> = c
            .zookeepers
            .iter()
            .map(|z| format!("{}:{}", z.hostname, z.client_port))
            .collect();
        assert_eq!(
            zk,
            ["zookeeper1:2181", "zookeeper2:2182", "zookeeper3:2183"]
        );
        let listeners: Vec<Vec<String>> = c
            .brokers
            .iter()
            .map(|b| b.listeners.iter().map(Listener::address).collect())
            .collect();
        assert_eq!(
            listeners,
            [
                ["kafka1:19091", "127.0.0.1:9091"],
                ["kafka2:19092", "127.0.0.1:9092"],
                ["kafka3:19093", "127.0.0.1:9093"],
            ]
        );
        assert_eq!(
            c.brokers[1].zookeeper_connect,
            ["zookeeper1:2181", "zookeeper2:2182", "zookeeper3:2183"]
        );
    }
}
