//! Pure building blocks of Apache Kafka 3.0 behaviour, with Kafka's own numbers and wording.
//!
//! Nothing here holds state or draws randomness: where Kafka picks at random (the replica
//! assignment's start index and shift) the caller passes the values in, so the simulator's
//! seeded RNG decides and a run replays exactly.
//!
//! - [`assignor`]: the consumer's partition assignors (range, roundrobin, sticky, cooperative-sticky).
//! - [`assignment`]: rack-unaware replica assignment (`AdminUtils.assignReplicasToBrokers`).
//! - [`partitioner`]: `Utils.murmur2`, the key → partition rule, Java `String.hashCode` and the
//!   consumer-group coordinator partition.
//! - [`describe`]: the text `kafka-topics --describe` and `kafka-consumer-groups --describe` print.
//! - [`group`]: one consumer group's coordinator state machine (join/sync/heartbeat/commit).
//! - [`group_describe`]: `kafka-consumer-groups --list/--describe` output from group data.
//! - [`topic_name`]: topic-name validation, collisions and internal topics (`Topic.java`).

pub mod assignment;
pub mod assignor;
pub mod describe;
pub mod group;
pub mod group_describe;
pub mod partitioner;
pub mod topic_config;
pub mod topic_name;
