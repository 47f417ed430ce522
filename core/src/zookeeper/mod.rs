//! The ZooKeeper ensemble of the seed (zookeeper:3.7, three voters): servers, clients, the
//! data tree, election, sessions and watches. See shared/KAFKA-MODEL.md §1.

pub mod client;
pub mod election;
pub mod messages;
pub mod server;
pub mod session;
pub mod tree;
pub mod watches;

/// Wall-clock time of virtual instant 0 (2026-01-01T00:00:00Z), for ctime/mtime and session
/// ids. Virtual time only; nothing reads the real clock.
pub const WALL_CLOCK_BASE_MS: u64 = 1_767_225_600_000;

pub fn wall_clock_ms(now_ms: u64) -> u64 {
    WALL_CLOCK_BASE_MS + now_ms
}
