//! Kafka Playground core: a deterministic, sans-IO simulation of a ZooKeeper-mode Kafka cluster.
//!
//! Nothing here touches a clock, a socket, a thread or a global RNG, so the same code runs
//! natively (tests, the `kafka-playground` runner) and in the browser (the Yew page).
//!
//! - [`sim`]: the discrete-event simulator (virtual time, network, events).
//! - [`zookeeper`]: the ensemble's nodes (servers, clients) and their protocol.
//! - [`broker`]: Kafka brokers (controller, metadata cache, replicas) and the admin client.
//! - [`cluster`]: the [`Cluster`] that boots the seed's hosts on the simulator.
//! - [`cli`]: the command language (`zookeeper-shell`, `docker compose`, `netem`, …).
//! - [`notebook`]: tutorial chapters (Markdown with runnable cells and goals) and their runner.

pub mod bench;
pub mod broker;
pub mod cli;
pub mod client;
pub mod cluster;
mod cluster_clients;
pub mod cluster_groups;
pub mod compose;
pub mod config;
pub mod kafka;
pub mod notebook;
pub mod ordered;
pub mod scenario;
pub mod sim;
pub mod snapshot;
pub mod sort;
pub mod zookeeper;

pub use cli::CommandOutput;
pub use cluster::Cluster;
pub use config::ClusterConfig;
pub use snapshot::Snapshot;
