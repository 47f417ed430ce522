//! Topic deletion, partition addition and leader election, end to end through the command
//! language, plus the controller's pure rules.

use crate::broker::controller::ControllerContext;
use crate::broker::controller_admin::{ElectionOutcome, ReplicaDeletion};
use crate::broker::messages::{BrokerInfo, ElectionType};
use crate::cluster::Cluster;
use crate::kafka::assignment::{assign_replicas_to_brokers, BrokerMetadata};
use crate::ordered::OrdMap as BTreeMap;
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

/// A console producer fed by a here-document.
fn produce(c: &mut Cluster, line: &str, stdin: &str) {
    let out = c.run_command(line, Some(stdin));
    assert!(out.ok(), "{line}: {out:?}");
}

fn shell(c: &mut Cluster, cmd: &str) -> String {
    let out = c.run_command(&format!("zookeeper-shell zookeeper1:2181 {cmd}"), None);
    out.stdout.lines().last().unwrap_or("").to_string()
}

const B: &str = "--bootstrap-server kafka1:19091";

fn create(c: &mut Cluster, topic: &str, partitions: i32, rf: i32) {
    let out = run(
        c,
        &format!("kafka-topics {B} --create --topic {topic} --partitions {partitions} --replication-factor {rf}"),
    );
    assert_eq!(out, format!("Created topic {topic}.\n"));
}

/// (partition, leader, replicas, isr) from `--describe`.
fn layout(c: &mut Cluster, topic: &str) -> Vec<(i32, String, Vec<i32>, String)> {
    run(c, &format!("kafka-topics {B} --describe --topic {topic}"))
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let v = |i: usize| f[i].split(": ").nth(1).unwrap_or("").to_string();
            let replicas = v(4).split(',').filter_map(|x| x.parse().ok()).collect();
            (v(2).parse().unwrap(), v(3), replicas, v(5))
        })
        .collect()
}

fn logs_of(c: &Cluster, topic: &str, partitions: i32) -> usize {
    (1..=3)
        .flat_map(|b| (0..partitions).map(move |p| (b, p)))
        .filter(|&(b, p)| c.replica_log(b, topic, p).is_some())
        .count()
}

#[test]
fn delete_removes_the_topic_its_logs_and_znodes() {
    let mut c = booted(1);
    create(&mut c, "my-topic", 3, 2);
    produce(
        &mut c,
        "kafka-console-producer --bootstrap-server 127.0.0.1:9091 --topic my-topic",
        "a\nb\n",
    );
    assert_eq!(logs_of(&c, "my-topic", 3), 6);
    let out = c.run_command(&format!("kafka-topics {B} --delete --topic my-topic"), None);
    assert_eq!(out, crate::CommandOutput::default(), "3.0 prints nothing");
    run(&mut c, "sleep 2");
    assert_eq!(run(&mut c, &format!("kafka-topics {B} --list")), "");
    let d = c.run_command(
        &format!("kafka-topics {B} --describe --topic my-topic"),
        None,
    );
    assert_eq!(
        d.stdout,
        "Error while executing topic command : Topic 'my-topic' does not exist as expected\n"
    );
    assert_eq!(shell(&mut c, "ls /brokers/topics"), "[]");
    assert_eq!(shell(&mut c, "ls /admin/delete_topics"), "[]");
    assert_eq!(shell(&mut c, "ls /config/topics"), "[]");
    assert_eq!(
        logs_of(&c, "my-topic", 3),
        0,
        "StopReplica deleted every log"
    );
    assert!(c
        .events()
        .iter()
        .any(|e| matches!(&e.kind, EventKind::TopicDeleted { topic } if topic == "my-topic")));
    // Gone everywhere: deleting again fails as TopicCommand words it, --if-exists is quiet.
    let again = c.run_command(&format!("kafka-topics {B} --delete --topic my-topic"), None);
    assert_eq!(again.exit_code, 1);
    assert_eq!(
        again.stdout,
        "Error while executing topic command : Topic 'my-topic' does not exist as expected\n"
    );
    assert!(again
        .stderr
        .contains("ERROR java.lang.IllegalArgumentException"));
    let quiet = c.run_command(
        &format!("kafka-topics {B} --delete --topic my-topic --if-exists"),
        None,
    );
    assert_eq!(quiet, crate::CommandOutput::default());
}

#[test]
fn a_topic_can_be_created_again_after_deletion() {
    let mut c = booted(2);
    create(&mut c, "t", 2, 3);
    let id1 = c.snapshot().topic("t").unwrap().topic_id.clone();
    run(&mut c, &format!("kafka-topics {B} --delete --topic t"));
    run(&mut c, "sleep 1");
    create(&mut c, "t", 1, 1);
    let snap = c.snapshot();
    let t = snap.topic("t").unwrap();
    assert_ne!(t.topic_id, id1);
    assert_eq!(t.partitions.len(), 1);
    assert_eq!(logs_of(&c, "t", 2), 1);
    produce(
        &mut c,
        "kafka-console-producer --bootstrap-server 127.0.0.1:9092 --topic t",
        "x\n",
    );
    let out = c.run_command(
        "kafka-console-consumer --bootstrap-server 127.0.0.1:9093 --topic t --from-beginning --timeout-ms 3000",
        None,
    );
    assert_eq!(out.stdout, "x\n");
}

#[test]
fn deleting_with_a_replica_on_a_dead_broker_completes_when_it_returns() {
    let mut c = booted(3);
    create(&mut c, "d", 2, 3);
    run(&mut c, "docker compose kill kafka3");
    run(&mut c, "sleep 25");
    assert_eq!(shell(&mut c, "ls /brokers/ids"), "[1, 2]");
    // The metadata drops it at once, so the command succeeds; deletion itself waits.
    run(&mut c, &format!("kafka-topics {B} --delete --topic d"));
    run(&mut c, "sleep 5");
    assert_eq!(run(&mut c, &format!("kafka-topics {B} --list")), "");
    assert_eq!(shell(&mut c, "ls /admin/delete_topics"), "[d]");
    assert_eq!(shell(&mut c, "ls /brokers/topics"), "[d]");
    // kafka3's disk keeps its replicas until it returns; the live brokers' are gone.
    let live_logs = (1..=2)
        .flat_map(|b| (0..2).map(move |p| (b, p)))
        .filter(|&(b, p)| c.replica_log(b, "d", p).is_some())
        .count();
    assert_eq!(live_logs, 0, "the live replicas are gone");
    // Creating it again is refused while its znode stays.
    let out = c.run_command(
        &format!("kafka-topics {B} --create --topic d --partitions 1 --replication-factor 1"),
        None,
    );
    assert_eq!(
        out.stdout,
        "Error while executing topic command : Topic 'd' already exists.\n"
    );
    run(&mut c, "docker compose start kafka3");
    run(&mut c, "sleep 15");
    assert_eq!(shell(&mut c, "ls /admin/delete_topics"), "[]");
    assert_eq!(shell(&mut c, "ls /brokers/topics"), "[]");
    assert_eq!(logs_of(&c, "d", 2), 0);
}

#[test]
fn deletion_survives_a_controller_failover() {
    let mut c = booted(4);
    create(&mut c, "f", 3, 2);
    let (ctl, _) = c.controller().unwrap();
    // Marked directly in ZooKeeper while the controller is down: the next one deletes it.
    run(&mut c, &format!("docker compose kill kafka{ctl}"));
    run(
        &mut c,
        "zookeeper-shell zookeeper1:2181 create /admin/delete_topics/f",
    );
    run(&mut c, "sleep 25");
    run(&mut c, &format!("docker compose start kafka{ctl}"));
    run(&mut c, "sleep 20");
    assert_eq!(shell(&mut c, "ls /brokers/topics"), "[]");
    assert_eq!(shell(&mut c, "ls /admin/delete_topics"), "[]");
    assert_eq!(logs_of(&c, "f", 3), 0);
}

#[test]
fn alter_adds_partitions_with_kafkas_assignment_and_they_take_records() {
    let mut c = booted(5);
    create(&mut c, "grow", 2, 2);
    let before = layout(&mut c, "grow");
    let out = c.run_command(
        &format!("kafka-topics {B} --alter --topic grow --partitions 5"),
        None,
    );
    assert_eq!(out, crate::CommandOutput::default(), "3.0 prints nothing");
    let after = layout(&mut c, "grow");
    assert_eq!(after.len(), 5);
    assert_eq!(
        after[..2].iter().map(|l| &l.2).collect::<Vec<_>>(),
        before.iter().map(|l| &l.2).collect::<Vec<_>>()
    );
    // AdminZkClient: start index (and shift) = position of partition 0's first replica.
    let brokers: Vec<BrokerMetadata> = (1..=3)
        .map(|id| BrokerMetadata { id, rack: None })
        .collect();
    let start = (before[0].2[0] - 1) as usize;
    let want = assign_replicas_to_brokers(&brokers, 3, 2, start, start, 2).unwrap();
    for (p, r) in want {
        let l = &after[p as usize];
        assert_eq!(l.2, r, "partition {p}");
        assert_eq!(l.1, r[0].to_string(), "first replica leads");
    }
    assert!(c
        .events()
        .iter()
        .any(|e| matches!(&e.kind, EventKind::PartitionsAdded { topic, added: 3, total: 5 } if topic == "grow")));
    produce(
        &mut c,
        "kafka-console-producer --bootstrap-server 127.0.0.1:9091 --topic grow --property parse.key=true",
        "k1\tv1\nk2\tv2\nk3\tv3\nk4\tv4\nk5\tv5\nk6\tv6\nk7\tv7\nk8\tv8\n",
    );
    let out = c.run_command(
        "kafka-console-consumer --bootstrap-server 127.0.0.1:9091 --topic grow --from-beginning --timeout-ms 3000 --property print.partition=true",
        None,
    );
    let parts: crate::ordered::OrdSet<i32> = out
        .stdout
        .lines()
        .filter_map(|l| {
            l.strip_prefix("Partition:")?
                .split('\t')
                .next()?
                .parse()
                .ok()
        })
        .collect();
    assert_eq!(out.stdout.lines().count(), 8, "{out:?}");
    assert!(
        parts.iter().any(|&p| p >= 2),
        "new partitions take records: {parts:?}"
    );
    for (line, want) in [
        ("--partitions 3", "Error while executing topic command : Topic currently has 5 partitions, which is higher than the requested 3.\n"),
        ("--partitions 5", "Error while executing topic command : Topic already has 5 partitions.\n"),
        ("--partitions -1", "Error while executing topic command : Topic currently has 5 partitions, which is higher than the requested -1.\n"),
    ] {
        let out = c.run_command(&format!("kafka-topics {B} --alter --topic grow {line}"), None);
        assert_eq!(out.stdout, want, "{line}");
        assert_eq!(out.exit_code, 1);
        assert!(out.stderr.contains("InvalidPartitionsException"), "{line}");
    }
    let out = c.run_command(
        &format!("kafka-topics {B} --alter --topic grow --partitions 6 --replication-factor 3"),
        None,
    );
    assert!(
        out.stderr
            .starts_with("Option \"[replication-factor]\" can't be used with option \"[alter]\""),
        "{out:?}"
    );
    let out = c.run_command(&format!("kafka-topics {B} --alter --topic grow"), None);
    assert!(out
        .stderr
        .starts_with("Missing required argument \"[partitions]\""));
    let out = c.run_command(
        &format!("kafka-topics {B} --alter --topic nope --partitions 9"),
        None,
    );
    assert_eq!(
        out.stdout,
        "Error while executing topic command : Topic 'nope' does not exist as expected\n"
    );
    assert_eq!(layout(&mut c, "grow").len(), 5, "errors changed nothing");
    assert_eq!(
        shell(&mut c, "ls /brokers/topics/grow/partitions"),
        "[0, 1, 2, 3, 4]"
    );
}

#[test]
fn preferred_election_brings_leadership_back_after_a_restart() {
    let mut c = booted(6);
    create(&mut c, "my-topic", 3, 2);
    run(&mut c, "docker compose stop kafka2");
    run(&mut c, "sleep 2");
    run(&mut c, "docker compose start kafka2");
    run(&mut c, "sleep 15");
    let l = layout(&mut c, "my-topic");
    let moved: Vec<i32> = l
        .iter()
        .filter(|x| x.1 != x.2[0].to_string())
        .map(|x| x.0)
        .collect();
    assert_eq!(moved.len(), 1, "{l:?}");
    assert!(
        l.iter().all(|x| x.3.split(',').count() == 2),
        "ISR full again: {l:?}"
    );
    let p = moved[0];
    let out = run(
        &mut c,
        "kafka-leader-election --bootstrap-server kafka1:19091 --election-type preferred --all-topic-partitions",
    );
    assert_eq!(
        out,
        format!("Successfully completed leader election (PREFERRED) for partitions my-topic-{p}\n")
    );
    assert!(layout(&mut c, "my-topic")
        .iter()
        .all(|x| x.1 == x.2[0].to_string()));
    // Nothing left to do: --all-topic-partitions omits the no-ops, a named one reports it.
    assert_eq!(
        run(&mut c, "kafka-leader-election --bootstrap-server kafka1:19091 --election-type PREFERRED --all-topic-partitions"),
        ""
    );
    assert_eq!(
        run(&mut c, &format!("kafka-leader-election --bootstrap-server 127.0.0.1:9093 --election-type preferred --topic my-topic --partition {p}")),
        format!("Valid replica already elected for partitions my-topic-{p}\n")
    );
    let out = c.run_command("kafka-leader-election --bootstrap-server kafka1:19091 --election-type preferred --topic my-topic --partition 7", None);
    assert_eq!(out.exit_code, 1);
    assert_eq!(out.stdout, "Error completing leader election (PREFERRED) for partition: my-topic-7: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: The partition does not exist.\n");
    assert!(out
        .stderr
        .contains("AdminCommandFailedException: 1 replica(s) could not be elected"));
}

#[test]
fn unclean_election_picks_a_live_replica_outside_the_isr() {
    let mut c = booted(7);
    create(&mut c, "u", 1, 2);
    let l = layout(&mut c, "u");
    let (first, second) = (l[0].2[0], l[0].2[1]);
    run(&mut c, &format!("docker compose stop kafka{second}"));
    run(&mut c, "sleep 2");
    run(&mut c, &format!("docker compose stop kafka{first}"));
    run(&mut c, "sleep 2");
    run(&mut c, &format!("docker compose start kafka{second}"));
    run(&mut c, "sleep 15");
    let l = layout(&mut c, "u");
    assert_eq!(
        (l[0].1.as_str(), l[0].3.clone()),
        ("none", first.to_string()),
        "{l:?}"
    );
    let out = c.run_command("kafka-leader-election --bootstrap-server kafka1:19091,kafka2:19092,kafka3:19093 --election-type preferred --topic u --partition 0", None);
    assert_eq!(out.stdout, format!("Error completing leader election (PREFERRED) for partition: u-0: org.apache.kafka.common.errors.PreferredLeaderNotAvailableException: Failed to elect leader for partition u-0 under strategy PreferredReplicaPartitionLeaderElectionStrategy\n"));
    let out = run(&mut c, "kafka-leader-election --bootstrap-server kafka1:19091,kafka2:19092,kafka3:19093 --election-type unclean --topic u --partition 0");
    assert_eq!(
        out,
        "Successfully completed leader election (UNCLEAN) for partitions u-0\n"
    );
    let l = layout(&mut c, "u");
    assert_eq!(
        (l[0].1.clone(), l[0].3.clone()),
        (second.to_string(), second.to_string())
    );
    let out = run(&mut c, "kafka-leader-election --bootstrap-server kafka1:19091,kafka2:19092,kafka3:19093 --election-type unclean --topic u --partition 0");
    assert_eq!(out, "Valid replica already elected for partitions u-0\n");
}

#[test]
fn bad_input_is_refused_as_the_tools_do_and_changes_nothing() {
    let mut c = booted(8);
    create(&mut c, "keep", 2, 2);
    let before = layout(&mut c, "keep");
    let cases: &[(&str, &str)] = &[
        ("kafka-topics --bootstrap-server kafka1:19091 --delete", "Missing required argument \"[topic]\""),
        ("kafka-topics --bootstrap-server kafka1:19091 --delete --topic keep --partitions 3", "Option \"[partitions]\" can't be used with option \"[delete]\""),
        ("kafka-topics --bootstrap-server kafka1:19091 --delete --topic keep --exclude-internal", "Option \"[exclude-internal]\" can't be used with option \"[delete]\""),
        ("kafka-topics --bootstrap-server kafka1:19091 --alter --topic keep --partitions 3 --config a=b", "Option combination \"[bootstrap-server],[config]\" can't be used with option \"[alter]\""),
        ("kafka-topics --bootstrap-server kafka1:19091 --alter --topic keep --partitions x", "Cannot parse argument 'x' of option partitions"),
        ("kafka-topics --bootstrap-server kafka1:19091 --delete --alter --topic keep", "exactly one action"),
        ("kafka-leader-election --election-type preferred --all-topic-partitions", "AdminCommandFailedException: Missing required option(s): bootstrap-server"),
        ("kafka-leader-election", "Missing required option(s): election-type, bootstrap-server"),
        ("kafka-leader-election --bootstrap-server kafka1:19091 --election-type preferred", "One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file"),
        ("kafka-leader-election --bootstrap-server kafka1:19091 --election-type preferred --topic keep", "Missing required option(s): partition"),
        ("kafka-leader-election --bootstrap-server kafka1:19091 --election-type preferred --all-topic-partitions --partition 1", "Option partition is only allowed if topic is used"),
        ("kafka-leader-election --bootstrap-server kafka1:19091 --election-type sideways --all-topic-partitions", "Cannot parse argument 'sideways' of option election-type"),
        ("kafka-leader-election --bootstrap-server kafka1:19091 --election-type preferred --topic keep --partition 99999999999", "Cannot parse argument '99999999999' of option partition"),
        ("kafka-leader-election --bootstrap-server kafka1:19091 --election-type preferred --frob", "frob is not a recognized option"),
        ("kafka-leader-election --bootstrap-server nosuch:1 --election-type preferred --all-topic-partitions", "No resolvable bootstrap urls"),
    ];
    for (line, want) in cases {
        let out = c.run_command(line, None);
        assert_ne!(out.exit_code, 0, "{line}");
        assert!(out.stderr.contains(want), "{line}: {out:?}");
    }
    for line in [
        "kafka-topics --bootstrap-server kafka1:19091 --delete --topic ''",
        "kafka-topics --bootstrap-server kafka1:19091 --delete --topic 'x y'",
        "kafka-topics --bootstrap-server kafka1:19091 --alter --topic keep --partitions 2147483647",
        "kafka-leader-election --bootstrap-server kafka1:19091 --election-type unclean --topic '' --partition -5",
        "kafka-leader-election --bootstrap-server kafka1:19091 --election-type unclean --all-topic-partitions",
        "kafka-leader-election --bootstrap-server kafka1:19091 --election-type preferred --path-to-json-file /tmp/x.json",
    ] {
        let _ = c.run_command(line, None);
    }
    let after = layout(&mut c, "keep");
    assert_eq!(before, after);
    assert_eq!(run(&mut c, &format!("kafka-topics {B} --list")), "keep\n");
}

// ---------- the controller's rules ----------

fn ctx(live: &[i32]) -> ControllerContext {
    let mut c = ControllerContext {
        id: 1,
        epoch: 1,
        ..Default::default()
    };
    for &b in live {
        c.live.insert(
            b,
            BrokerInfo {
                id: b,
                endpoints: vec![],
                rack: None,
                epoch: 0,
            },
        );
    }
    let a: BTreeMap<i32, Vec<i32>> = [(0, vec![1, 2]), (1, vec![2, 3])].into();
    c.add_topic("t", "id", &a);
    let keys = c.offline_or_new();
    c.elect_offline(&keys);
    c
}

#[test]
fn deletion_state_machine_waits_for_dead_replicas() {
    let mut c = ctx(&[1, 2]);
    let acts = c.on_delete_topics_marked(&["t".into(), "ghost".into()], true);
    assert_eq!(acts.drop_markers, vec!["ghost".to_string()]);
    assert_eq!(acts.metadata_removal.len(), 2);
    assert!(acts.metadata_removal.iter().all(|p| p.leader == -2));
    assert_eq!(
        acts.stop_replicas.keys().copied().collect::<Vec<_>>(),
        [1, 2]
    );
    assert!(c.partitions.is_empty(), "out of the election machinery");
    let td = &c.deletion.topics["t"];
    assert!(td.ineligible);
    assert_eq!(td.replicas[&(1, 3)], ReplicaDeletion::Ineligible);
    let acts = c.on_stop_replica_result(1, &[("t".into(), 0, true)]);
    assert!(acts.is_empty());
    let acts = c.on_stop_replica_result(2, &[("t".into(), 0, true), ("t".into(), 1, true)]);
    assert!(acts.completed.is_empty(), "broker 3 still holds t-1");
    let info = c.live[&1].clone();
    c.live.insert(3, BrokerInfo { id: 3, ..info });
    let acts = c.deletion_broker_started(3);
    assert_eq!(acts.stop_replicas[&3], vec![("t".to_string(), 1)]);
    let acts = c.on_stop_replica_result(3, &[("t".into(), 1, true)]);
    assert_eq!(acts.completed, vec![("t".to_string(), vec![0, 1])]);
    assert!(c.topic_ids.is_empty() && c.deletion.topics.is_empty());
}

#[test]
fn deletion_disabled_only_drops_the_markers() {
    let mut c = ctx(&[1, 2, 3]);
    let acts = c.on_delete_topics_marked(&["t".into()], false);
    assert_eq!(acts.drop_markers, vec!["t".to_string()]);
    assert!(acts.stop_replicas.is_empty());
    assert_eq!(c.partitions.len(), 2);
}

#[test]
fn admin_elections_follow_kafkas_strategies() {
    let mut c = ctx(&[1, 2, 3]);
    let k0 = ("t".to_string(), 0);
    let (r, ch) = c.elect_leaders(ElectionType::Preferred, std::slice::from_ref(&k0));
    assert!(ch.is_empty());
    assert!(matches!(&r[0].1, ElectionOutcome::Failed(e, _) if e == "ELECTION_NOT_NEEDED"));
    c.on_broker_failure(&[1]);
    let (r, _) = c.elect_leaders(ElectionType::Unclean, std::slice::from_ref(&k0));
    assert!(
        matches!(&r[0].1, ElectionOutcome::Failed(e, _) if e == "ELECTION_NOT_NEEDED"),
        "2 leads"
    );
    let (r, _) = c.elect_leaders(ElectionType::Preferred, std::slice::from_ref(&k0));
    assert_eq!(
        r[0].1,
        ElectionOutcome::Failed(
            "PREFERRED_LEADER_NOT_AVAILABLE".into(),
            "Failed to elect leader for partition t-0 under strategy PreferredReplicaPartitionLeaderElectionStrategy".into()
        )
    );
    let plan = c.plan_new_partitions("t", 4, &[2, 3].map(|id| BrokerMetadata { id, rack: None }));
    let all = plan.unwrap();
    assert_eq!(all.len(), 4);
    assert_eq!(all[&0], vec![1, 2], "existing partitions unchanged");
    assert_eq!(
        c.plan_new_partitions("t", 1, &[]),
        Err((
            "INVALID_PARTITIONS".into(),
            "Topic currently has 2 partitions, which is higher than the requested 1.".into()
        ))
    );
}
