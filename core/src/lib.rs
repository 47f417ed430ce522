//! Kafka Playground core: a deterministic, sans-IO simulation of a ZooKeeper-mode Kafka cluster.
//!
//! Nothing here touches a clock, a socket, a thread or a global RNG, so the same code runs
//! natively (tests, the `kafka-playground` runner) and in the browser (the Yew page).

pub mod cluster;
pub mod compose;
pub mod config;
pub mod kafka;
pub mod snapshot;

pub use cluster::Cluster;
pub use config::ClusterConfig;
pub use snapshot::Snapshot;
