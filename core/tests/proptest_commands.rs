//! Property tests: arbitrary input never panics the command language or changes the cluster
//! when rejected; arbitrary command sequences keep the ensemble's safety properties.

use kafka_playground_core::sim::event::EventKind;
use kafka_playground_core::Cluster;
use proptest::prelude::*;
use std::collections::BTreeMap;

fn booted() -> Cluster {
    let mut c = Cluster::seed_cluster(9);
    c.wait_until_ready(10_000);
    c
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_lines_never_panic(line in ".{0,80}", stdin in proptest::option::of(".{0,40}")) {
        let mut c = booted();
        let _ = c.run_command(&line, stdin.as_deref());
    }

    #[test]
    fn rejected_commands_change_nothing(
        word in "(zookeeper-shell|docker|netem|sleep|kafka-topics|frob)",
        args in proptest::collection::vec("[a-z0-9:/-]{0,12}", 0..4),
    ) {
        let mut c = booted();
        let before = c.snapshot();
        let line = format!("{word} {}", args.join(" "));
        let out = c.run_command(&line, None);
        if out.exit_code >= 2 {
            let after = c.snapshot();
            prop_assert_eq!(before.hosts, after.hosts);
            prop_assert_eq!(before.network, after.network);
            prop_assert_eq!(before.now_ms, after.now_ms);
        }
    }
}

fn command() -> impl Strategy<Value = String> {
    let zk = prop_oneof![Just("zookeeper1"), Just("zookeeper2"), Just("zookeeper3")];
    let zk2 = prop_oneof![Just("zookeeper1"), Just("zookeeper2"), Just("zookeeper3")];
    let verb = prop_oneof![
        Just("stop"),
        Just("kill"),
        Just("start"),
        Just("restart"),
        Just("pause"),
        Just("unpause")
    ];
    let path = "/[a-c]{1,2}";
    prop_oneof![
        (verb, zk.clone()).prop_map(|(v, z)| format!("docker compose {v} {z}")),
        (zk.clone(), zk2.clone()).prop_map(|(a, b)| format!("netem cut {a} {b}")),
        (zk.clone(), zk2.clone()).prop_map(|(a, b)| format!("netem cut {a} {b} --oneway")),
        Just("netem heal --all".to_string()),
        (zk.clone(), zk2, 0u8..60).prop_map(|(a, b, p)| format!("netem loss {a} {b} {p}")),
        (zk.clone(), path).prop_map(|(z, p)| {
            let port = 2180 + z[9..].parse::<u16>().unwrap();
            format!("zookeeper-shell {z}:{port} create {p} x")
        }),
        (zk, "/[a-c]").prop_map(|(z, p)| {
            let port = 2180 + z[9..].parse::<u16>().unwrap();
            format!("zookeeper-shell {z}:{port} deleteall {p}")
        }),
        (1u32..20).prop_map(|s| format!("sleep {s}")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 60, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_command_sequences_keep_safety(cmds in proptest::collection::vec(command(), 1..25)) {
        let mut c = booted();
        for l in &cmds {
            let _ = c.run_command(l, None);
        }
        // At most one leader per epoch.
        let mut leaders: BTreeMap<u32, u64> = BTreeMap::new();
        for e in c.events() {
            if let EventKind::LeaderEstablished { myid, epoch, .. } = e.kind {
                let prev = leaders.insert(epoch, myid);
                prop_assert!(prev.is_none() || prev == Some(myid), "two leaders in epoch {}", epoch);
            }
        }
        // Committed histories are prefixes of one another.
        let logs: Vec<Vec<u64>> = ["zookeeper1", "zookeeper2", "zookeeper3"]
            .iter()
            .map(|z| c.zk_server(z).unwrap().committed().iter().map(|t| t.zxid).collect())
            .collect();
        for a in &logs {
            for b in &logs {
                let n = a.len().min(b.len());
                prop_assert_eq!(&a[..n], &b[..n]);
            }
        }
    }
}
