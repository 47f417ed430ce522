//! Same seed + same commands = the same run, byte for byte; different seeds change timings,
//! not what the protocol guarantees.

use kafka_playground_core::{Cluster, ClusterConfig};

const SCENARIO: &[&str] = &[
    "zookeeper-shell zookeeper1:2181 create /a 1",
    "docker compose kill zookeeper2",
    "sleep 10",
    "zookeeper-shell zookeeper3:2183 create -s /seq- x",
    "netem delay zookeeper1 zookeeper3 20 10",
    "netem loss zookeeper1 zookeeper3 10",
    "docker compose pause zookeeper3",
    "sleep 3",
    "docker compose unpause zookeeper3",
    "docker compose start zookeeper2",
    "sleep 15",
    "zookeeper-shell zookeeper2:2182 ls /",
    "netem cut zookeeper1 zookeeper2 --oneway",
    "sleep 10",
    "netem heal --all",
    "sleep 30",
];

fn run(seed: u64) -> (Cluster, Vec<String>) {
    // The ensemble alone (no brokers): the scenario checks ZooKeeper's own znodes.
    let config = ClusterConfig {
        brokers: Vec::new(),
        ..ClusterConfig::seed()
    };
    let mut c = Cluster::new(config, seed);
    c.run_for(3_000);
    let outs = SCENARIO
        .iter()
        .map(|l| {
            let o = c.run_command(l, None);
            format!("{}{}{}", o.stdout, o.stderr, o.exit_code)
        })
        .collect();
    (c, outs)
}

#[test]
fn same_seed_same_commands_same_event_log() {
    let (a, out_a) = run(1234);
    let (b, out_b) = run(1234);
    assert!(a.events().len() > 50);
    assert_eq!(a.event_log_hash(), b.event_log_hash());
    assert_eq!(out_a, out_b);
    assert_eq!(
        serde_json::to_string(&a.snapshot()).unwrap(),
        serde_json::to_string(&b.snapshot()).unwrap()
    );
}

#[test]
fn different_seeds_change_timings_not_guarantees() {
    let mut hashes = std::collections::BTreeSet::new();
    for seed in 0..12 {
        let (c, outs) = run(seed);
        hashes.insert(c.event_log_hash());
        // Exactly one leader serving, everyone caught up, the acknowledged writes everywhere.
        assert_eq!(c.zk_leaders().len(), 1, "seed {seed}");
        assert!(outs[0].contains("Created /a"), "seed {seed}: {outs:?}");
        assert!(
            outs[3].contains("Created /seq-0000000001"),
            "seed {seed}: {outs:?}"
        );
        assert!(
            outs[11].contains("[a, seq-0000000001, zookeeper]"),
            "seed {seed}: {outs:?}"
        );
        for z in ["zookeeper1", "zookeeper2", "zookeeper3"] {
            let s = c.zk_server(z).unwrap();
            assert!(s.is_serving(), "seed {seed}: {z}");
            assert!(s.tree().get("/a").is_some() && s.tree().get("/seq-0000000001").is_some());
        }
    }
    assert!(hashes.len() >= 10, "seeds should change timings");
}
