//! End-to-end broker scenarios through the command language (as scripts and the page use it).

use crate::cluster::Cluster;
use crate::sim::event::EventKind;

fn booted(seed: u64) -> Cluster {
    let mut c = Cluster::seed_cluster(seed);
    assert!(c.wait_until_ready(60_000));
    assert!(
        c.wait_until_brokers_ready(60_000),
        "brokers never got ready"
    );
    c
}

fn run(c: &mut Cluster, line: &str) -> String {
    let out = c.run_command(line, None);
    assert!(out.ok(), "{line}: {out:?}");
    out.stdout
}

fn shell(c: &mut Cluster, cmd: &str) -> String {
    let out = run(c, &format!("zookeeper-shell zookeeper1:2181 {cmd}"));
    out.lines().last().unwrap_or("").to_string()
}

const CREATE: &str = "kafka-topics --create --topic my-topic --bootstrap-server kafka2:19092 --partitions 3 --replication-factor 2";
const DESCRIBE: &str = "kafka-topics --describe --topic my-topic --bootstrap-server kafka1:19091,kafka2:19092,kafka3:19093";

/// (leader, isr) per partition as `--describe` prints them.
fn layout(c: &mut Cluster) -> Vec<(String, String, String)> {
    run(c, DESCRIBE)
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let v = |i: usize| f[i].split(": ").nth(1).unwrap_or("").to_string();
            (v(3), v(4), v(5))
        })
        .collect()
}

#[test]
fn brokers_register_and_one_controller_is_elected() {
    for seed in 0..5 {
        let mut c = booted(seed);
        assert_eq!(shell(&mut c, "ls /brokers/ids"), "[1, 2, 3]");
        let ctl = shell(&mut c, "get /controller");
        assert!(ctl.starts_with("{\"version\":1,\"brokerid\":"), "{ctl}");
        assert_eq!(shell(&mut c, "get /controller_epoch"), "1");
        let id = shell(&mut c, "get /cluster/id");
        let v: serde_json::Value = serde_json::from_str(&id).unwrap();
        assert_eq!(v["version"], "1");
        assert_eq!(v["id"].as_str().unwrap().len(), 22);
        let b2 = shell(&mut c, "get /brokers/ids/2");
        assert!(b2.contains("\"endpoints\":[\"LISTENER_DOCKER_INTERNAL://kafka2:19092\",\"LISTENER_DOCKER_EXTERNAL://127.0.0.1:9092\"]"), "{b2}");
        for p in [
            "/brokers/topics",
            "/admin/delete_topics",
            "/config/topics",
            "/config/changes",
        ] {
            assert!(
                c.run_command(&format!("zookeeper-shell zookeeper1:2181 stat {p}"), None)
                    .ok(),
                "{p}"
            );
        }
        let snap = c.snapshot();
        let ctls: Vec<_> = snap.brokers.iter().filter(|b| b.is_controller).collect();
        assert_eq!(ctls.len(), 1, "seed {seed}");
        assert_eq!(ctls[0].controller_epoch, Some(1));
        assert!(snap
            .brokers
            .iter()
            .all(|b| b.running && b.registered && b.known_controller == ctls[0].id));
        let json = serde_json::to_string(&snap).unwrap();
        assert_eq!(
            serde_json::from_str::<crate::Snapshot>(&json).unwrap(),
            snap
        );
    }
}

#[test]
fn the_seed_walkthrough_creates_and_describes_my_topic() {
    let mut c = booted(1);
    assert_eq!(run(&mut c, CREATE), "Created topic my-topic.\n");
    let d = run(&mut c, DESCRIBE);
    let lines: Vec<&str> = d.lines().collect();
    assert_eq!(lines.len(), 4, "{d}");
    let snap = c.snapshot();
    let t = snap.topic("my-topic").unwrap();
    assert_eq!(
        lines[0],
        format!(
            "Topic: my-topic\tTopicId: {}\tPartitionCount: 3\tReplicationFactor: 2\tConfigs: ",
            t.topic_id
        )
    );
    let mut leaders = Vec::new();
    for (p, pv) in t.partitions.iter().enumerate() {
        // All brokers alive: leader = first replica, ISR = replicas.
        assert_eq!(pv.leader, Some(pv.replicas[0]));
        assert_eq!(pv.isr, pv.replicas);
        assert_eq!(pv.leader_epoch, 0);
        let r = format!("{},{}", pv.replicas[0], pv.replicas[1]);
        assert_eq!(
            lines[p + 1],
            format!(
                "\tTopic: my-topic\tPartition: {p}\tLeader: {}\tReplicas: {r}\tIsr: {r}",
                pv.replicas[0]
            )
        );
        leaders.push(pv.replicas[0]);
    }
    leaders.sort();
    assert_eq!(leaders, [1, 2, 3], "round-robin first replicas");
    assert_eq!(
        run(
            &mut c,
            "kafka-topics --list --bootstrap-server 127.0.0.1:9093"
        ),
        "my-topic\n"
    );
    let tj = shell(&mut c, "get /brokers/topics/my-topic");
    assert!(
        tj.starts_with("{\"version\":3,\"partitions\":{\"0\":["),
        "{tj}"
    );
    assert!(tj.ends_with(&format!(
        "\"adding_replicas\":{{}},\"removing_replicas\":{{}},\"topic_id\":\"{}\"}}",
        t.topic_id
    )));
    let st = shell(&mut c, "get /brokers/topics/my-topic/partitions/1/state");
    assert!(
        st.starts_with("{\"controller_epoch\":1,\"leader\":"),
        "{st}"
    );
    let kinds: Vec<&EventKind> = c.events().iter().map(|e| &e.kind).collect();
    assert!(kinds.iter().any(|k| matches!(k, EventKind::TopicCreated { topic, partitions: 3, replication_factor: 2 } if topic == "my-topic")));
    // Korean and English texts exist for the new events.
    let e = c
        .events()
        .iter()
        .find(|e| matches!(e.kind, EventKind::LeaderChanged { .. }))
        .unwrap();
    assert!(e.text("ko").contains("리더"));
    assert!(e.text("en").contains("led by broker"));
}

#[test]
fn create_errors_are_worded_as_kafka_and_change_nothing() {
    let mut c = booted(2);
    run(&mut c, CREATE);
    let cases = [
        (CREATE, "Error while executing topic command : Topic 'my-topic' already exists.\n"),
        (
            "kafka-topics --create --topic t4 --bootstrap-server kafka1:19091 --partitions 1 --replication-factor 4",
            "Error while executing topic command : Replication factor: 4 larger than available brokers: 3.\n",
        ),
        (
            "kafka-topics --create --topic 'bad name' --bootstrap-server kafka1:19091",
            "Error while executing topic command : Topic name \"bad name\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'\n",
        ),
        (
            "kafka-topics --create --topic t0 --bootstrap-server kafka1:19091 --partitions 0",
            "Error while executing topic command : The partitions must be greater than 0\n",
        ),
    ];
    for (line, want) in cases {
        let out = c.run_command(line, None);
        assert_eq!(out.exit_code, 1, "{line}");
        assert_eq!(out.stdout, want, "{line}");
        assert!(out.stderr.contains(" ERROR "), "{line}");
    }
    assert_eq!(
        run(
            &mut c,
            "kafka-topics --list --bootstrap-server kafka3:19093"
        ),
        "my-topic\n"
    );
    // On the host, localhost is 127.0.0.1: the brokers' published ports.
    assert_eq!(
        run(
            &mut c,
            "kafka-topics --list --bootstrap-server localhost:9092"
        ),
        "my-topic\n"
    );
    // Unknown host: DNS fails at once; a port nobody listens on: the API timeout (60 s).
    let out = c.run_command("kafka-topics --list --bootstrap-server nosuch:9092", None);
    assert_eq!(out.exit_code, 1);
    assert!(out.stderr.contains("No resolvable bootstrap urls"));
    let t0 = c.now_ms();
    let out = c.run_command("kafka-topics --list --bootstrap-server kafka1:9999", None);
    assert_eq!(out.stdout, "Error while executing topic command : Timed out waiting for a node assignment. Call: listTopics\n");
    assert!(c.now_ms() - t0 >= 60_000);
    let out = c.run_command(
        "kafka-topics --create --topic x --zookeeper zookeeper1:2181",
        None,
    );
    assert!(out.stderr.contains("zookeeper is not a recognized option"));
    let out = c.run_command("kafka-topics --bootstrap-server kafka1:19091", None);
    assert!(out.stderr.contains("exactly one action"));
    let out = c.run_command(
        "kafka-topics --describe --topic nope --bootstrap-server kafka1:19091",
        None,
    );
    assert_eq!(
        out.stdout,
        "Error while executing topic command : Topic 'nope' does not exist as expected\n"
    );
}

#[test]
fn a_stopped_broker_loses_leadership_at_once_and_gets_it_back() {
    let mut c = booted(1);
    run(&mut c, CREATE);
    let before = layout(&mut c);
    run(&mut c, "docker compose stop kafka2");
    run(&mut c, "sleep 1");
    assert!(!c.snapshot().broker("kafka2").unwrap().running);
    assert_eq!(shell(&mut c, "ls /brokers/ids"), "[1, 3]");
    for (leader, replicas, isr) in layout(&mut c) {
        assert_ne!(leader, "2");
        assert!(!isr.split(',').any(|b| b == "2"), "{isr}");
        assert!(replicas.split(',').any(|b| b == leader));
    }
    let urp = run(
        &mut c,
        "kafka-topics --describe --bootstrap-server kafka1:19091 --under-replicated-partitions",
    );
    assert_eq!(urp.lines().count(), 2, "{urp}");
    run(&mut c, "docker compose start kafka2");
    run(&mut c, "sleep 15");
    // Back in every ISR; the preferred-leader check (5 s after the controller started, then
    // every 300 s) restores leadership.
    run(&mut c, "sleep 300");
    assert_eq!(
        layout(&mut c)
            .iter()
            .map(|l| l.0.clone())
            .collect::<Vec<_>>(),
        before.iter().map(|l| l.0.clone()).collect::<Vec<_>>()
    );
    for (_, replicas, isr) in layout(&mut c) {
        let mut a: Vec<&str> = replicas.split(',').collect();
        let mut b: Vec<&str> = isr.split(',').collect();
        a.sort();
        b.sort();
        assert_eq!(a, b);
    }
    assert_eq!(
        run(
            &mut c,
            "kafka-topics --describe --bootstrap-server kafka1:19091 --under-replicated-partitions"
        ),
        ""
    );
}

#[test]
fn a_killed_broker_is_noticed_after_its_session_expires() {
    let mut c = booted(3);
    run(&mut c, CREATE);
    run(&mut c, "docker compose kill kafka3");
    run(&mut c, "sleep 10");
    assert_eq!(
        shell(&mut c, "ls /brokers/ids"),
        "[1, 2, 3]",
        "session still alive"
    );
    assert!(layout(&mut c).iter().any(|l| l.0 == "3"));
    run(&mut c, "sleep 12");
    assert_eq!(shell(&mut c, "ls /brokers/ids"), "[1, 2]");
    assert!(layout(&mut c)
        .iter()
        .all(|l| l.0 != "3" && !l.2.contains('3')));
}

#[test]
fn killing_the_controller_fails_over_with_a_new_epoch() {
    let mut c = booted(4);
    run(&mut c, CREATE);
    let (old, epoch) = c.controller().unwrap();
    assert_eq!(epoch, 1);
    run(&mut c, &format!("docker compose kill kafka{old}"));
    run(&mut c, "sleep 25");
    let (new, epoch) = c.controller().unwrap();
    assert_ne!(new, old);
    assert_eq!(epoch, 2);
    assert_eq!(shell(&mut c, "get /controller_epoch"), "2");
    assert!(layout(&mut c).iter().all(|l| l.0 != old.to_string()));
    // Restarted, it rejoins as a follower; the new controller stays.
    run(&mut c, &format!("docker compose start kafka{old}"));
    run(&mut c, "sleep 10");
    assert_eq!(c.controller(), Some((new, 2)));
    assert_eq!(shell(&mut c, "ls /brokers/ids"), "[1, 2, 3]");
}

#[test]
fn no_live_isr_replica_means_leader_none_and_it_comes_back() {
    let mut c = booted(5);
    run(&mut c, "kafka-topics --create --topic solo --bootstrap-server kafka1:19091 --partitions 3 --replication-factor 1");
    let d = run(
        &mut c,
        "kafka-topics --describe --topic solo --bootstrap-server kafka1:19091",
    );
    let on2 = d.lines().filter(|l| l.contains("Replicas: 2\t")).count();
    assert_eq!(on2, 1, "{d}");
    run(&mut c, "docker compose stop kafka2");
    run(&mut c, "sleep 1");
    let un = run(
        &mut c,
        "kafka-topics --describe --bootstrap-server kafka1:19091 --unavailable-partitions",
    );
    assert_eq!(un.lines().count(), 1, "{un}");
    assert!(un.contains("Leader: none\tReplicas: 2\tIsr: 2"), "{un}");
    assert!(c
        .events()
        .iter()
        .any(|e| matches!(e.kind, EventKind::PartitionOffline { .. })));
    run(&mut c, "docker compose start kafka2");
    run(&mut c, "sleep 10");
    assert_eq!(
        run(
            &mut c,
            "kafka-topics --describe --bootstrap-server kafka1:19091 --unavailable-partitions"
        ),
        ""
    );
}

#[test]
fn a_restart_before_session_expiry_fails_like_kafka() {
    let mut c = booted(6);
    run(&mut c, "docker compose kill kafka1");
    run(&mut c, "docker compose start kafka1");
    run(&mut c, "sleep 5");
    let b = c.snapshot().brokers[0].clone();
    assert!(b.failed.is_some(), "{b:?}");
    assert!(!b.running);
    // The JVM exited, so did the container; once the old session expired it starts fine.
    assert_eq!(
        c.host_status("kafka1"),
        Some(crate::snapshot::HostStatus::Stopped)
    );
    run(&mut c, "sleep 20");
    run(&mut c, "docker compose start kafka1");
    run(&mut c, "sleep 10");
    let b = c.snapshot().brokers[0].clone();
    assert!(b.running && b.failed.is_none(), "{b:?}");
    assert_eq!(shell(&mut c, "ls /brokers/ids"), "[1, 2, 3]");
}

#[test]
fn same_seed_same_run() {
    let go = || {
        let mut c = booted(9);
        run(&mut c, CREATE);
        run(&mut c, "docker compose kill kafka1");
        run(&mut c, "sleep 30");
        (run(&mut c, DESCRIBE), c.event_log_hash())
    };
    assert_eq!(go(), go());
}

#[test]
fn without_a_zookeeper_quorum_metadata_is_served_but_creation_waits() {
    let mut c = booted(11);
    run(&mut c, "kafka-topics --create --topic a --bootstrap-server kafka1:19091 --partitions 3 --replication-factor 3");
    run(&mut c, "docker compose kill zookeeper2 zookeeper3");
    run(&mut c, "sleep 5");
    // Metadata comes from the brokers' caches...
    let d = run(
        &mut c,
        "kafka-topics --list --bootstrap-server kafka1:19091",
    );
    assert_eq!(d, "a\n");
    // ...but a topic's configs are read from ZooKeeper (ZkConfigRepository), so --describe,
    // which asks for them, waits until the admin client gives up.
    let out = c.run_command(
        "kafka-topics --describe --bootstrap-server kafka1:19091",
        None,
    );
    assert_eq!(out.exit_code, 1, "{out:?}");
    assert!(out.stdout.contains("describeConfigs"), "{out:?}");
    let out = c.run_command("kafka-topics --create --topic b --bootstrap-server kafka1:19091 --partitions 1 --replication-factor 1", None);
    assert_eq!(out.exit_code, 1);
    assert!(out.stdout.contains("Timed out"), "{out:?}");
    run(&mut c, "docker compose start zookeeper2 zookeeper3");
    run(&mut c, "sleep 30");
    // The write the controller kept retrying lands once a majority is back.
    assert_eq!(
        run(
            &mut c,
            "kafka-topics --list --bootstrap-server kafka1:19091"
        ),
        "a\nb\n"
    );
    assert_eq!(
        run(
            &mut c,
            "kafka-topics --create --topic c --bootstrap-server kafka1:19091"
        ),
        "Created topic c.\n"
    );
}
