//! `kafka-consumer-groups --reset-offsets`, `--delete` and `--delete-offsets` end to end, and
//! offset commits that wait for the replication of `__consumer_offsets`.

use kafka_playground_core::sim::node::Process;
use kafka_playground_core::{Cluster, ClusterConfig};

fn booted(seed: u64) -> Cluster {
    let mut c = Cluster::seed_cluster(seed);
    assert!(c.wait_until_ready(60_000));
    assert!(c.wait_until_brokers_ready(60_000));
    c
}

/// A group of two members reads six records; the script's end interrupts them (they commit
/// and leave).
const SCRIPT: &str = "kafka-topics --create --topic my-topic --bootstrap-server kafka2:19092 --partitions 3 --replication-factor 2
kafka-console-consumer --bootstrap-server 127.0.0.1:9091 --topic my-topic --group g1 &
kafka-console-consumer --bootstrap-server 127.0.0.1:9092 --topic my-topic --group g1 &
sleep 8
kafka-console-producer --bootstrap-server 127.0.0.1:9091 --topic my-topic --property parse.key=true <<EOF
a\t1
b\t2
c\t3
d\t4
e\t5
f\t6
EOF
sleep 7
";

fn run(c: &mut Cluster, args: &str) -> kafka_playground_core::CommandOutput {
    c.run_command(
        &format!("kafka-consumer-groups --bootstrap-server 127.0.0.1:9091 {args}"),
        None,
    )
}

/// The reset plan's rows of group `g1`: (partition, new offset).
fn plan_rows(stdout: &str) -> Vec<(i32, i64)> {
    stdout
        .lines()
        .filter(|l| l.starts_with("g1 "))
        .map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            (cols[2].parse().unwrap(), cols[3].parse().unwrap())
        })
        .collect()
}

/// The CURRENT-OFFSET column of `--describe` for group `g1`.
fn current_offsets(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|l| l.starts_with("g1 "))
        .map(|l| l.split_whitespace().nth(3).unwrap().to_string())
        .collect()
}

/// The one-digit values a consumer printed, sorted.
fn digits(stdout: &str) -> Vec<String> {
    let mut v: Vec<String> = stdout
        .lines()
        .filter(|l| l.len() == 1 && l.chars().all(|ch| ch.is_ascii_digit()))
        .map(str::to_string)
        .collect();
    v.sort();
    v
}

const ALL: [&str; 6] = ["1", "2", "3", "4", "5", "6"];

#[test]
fn reset_to_earliest_makes_a_stopped_group_read_everything_again() {
    let mut c = booted(11);
    let out = c.run_script(SCRIPT, false);
    assert_eq!(digits(&out.stdout), ALL, "{out:?}");
    // Stopped: a dry run (the default) prints the plan and changes nothing.
    let dry = run(
        &mut c,
        "--reset-offsets --group g1 --topic my-topic --to-earliest",
    );
    assert_eq!(dry.exit_code, 0, "{dry:?}");
    assert!(dry
        .stderr
        .starts_with("WARN: No action will be performed as the --execute option is missing."));
    assert!(dry.stdout.starts_with(
        "\nGROUP                          TOPIC                          PARTITION  NEW-OFFSET     \n"
    ));
    assert_eq!(plan_rows(&dry.stdout), [(0, 0), (1, 0), (2, 0)], "{dry:?}");
    let again = c.run_command(
        "kafka-console-consumer --bootstrap-server 127.0.0.1:9092 --topic my-topic --group g1 --timeout-ms 12000",
        None,
    );
    assert!(digits(&again.stdout).is_empty(), "{again:?}");
    // --execute commits the plan (OffsetCommit from a non-member): the next run reads
    // everything again.
    let exec = run(
        &mut c,
        "--reset-offsets --group g1 --topic my-topic --to-earliest --execute",
    );
    assert_eq!(
        plan_rows(&exec.stdout),
        [(0, 0), (1, 0), (2, 0)],
        "{exec:?}"
    );
    assert!(exec.stderr.is_empty(), "{exec:?}");
    let describe = run(&mut c, "--describe --group g1");
    assert_eq!(
        current_offsets(&describe.stdout),
        ["0", "0", "0"],
        "{describe:?}"
    );
    let again = c.run_command(
        "kafka-console-consumer --bootstrap-server 127.0.0.1:9092 --topic my-topic --group g1 --timeout-ms 12000",
        None,
    );
    assert_eq!(digits(&again.stdout), ALL, "{again:?}");
    // Offsets out of range are clamped to the log start, with log4j's WARN.
    let shift = run(
        &mut c,
        "--reset-offsets --group g1 --topic my-topic:0,2 --shift-by -100 --execute",
    );
    assert_eq!(plan_rows(&shift.stdout), [(0, 0), (2, 0)], "{shift:?}");
    assert!(
        shift.stderr.contains("WARN New offset (-"),
        "{}",
        shift.stderr
    );
    let latest = run(
        &mut c,
        "--reset-offsets --group g1 --all-topics --to-latest --execute",
    );
    let rows = plan_rows(&latest.stdout);
    assert_eq!(rows.len(), 3, "{latest:?}");
    assert_eq!(rows.iter().map(|r| r.1).sum::<i64>(), 6, "{latest:?}");
    let current = run(
        &mut c,
        "--reset-offsets --group g1 --all-topics --to-current --export",
    );
    let mut csv: Vec<&str> = current.stdout.lines().filter(|l| !l.is_empty()).collect();
    csv.sort();
    assert_eq!(csv.len(), 3, "{current:?}");
    assert!(csv[0].starts_with("my-topic,0,"), "{current:?}");
}

#[test]
fn an_active_group_is_not_reset() {
    let mut c = booted(11);
    let out = c.run_script(
        &format!("{SCRIPT}kafka-consumer-groups --bootstrap-server 127.0.0.1:9091 --reset-offsets --group g1 --topic my-topic --to-earliest --execute\n"),
        false,
    );
    assert!(
        out.stdout.contains("\nError: Assignments can only be reset if the group 'g1' is inactive, but the current state is Stable.\n\nGROUP                          TOPIC                          PARTITION  NEW-OFFSET     \n"),
        "{}",
        out.stdout
    );
    // Nothing was reset: a restarted member reads nothing old.
    let again = c.run_command(
        "kafka-console-consumer --bootstrap-server 127.0.0.1:9092 --topic my-topic --group g1 --timeout-ms 12000",
        None,
    );
    assert!(digits(&again.stdout).is_empty(), "{again:?}");
}

#[test]
fn reset_offsets_usage_errors() {
    let mut c = booted(5);
    c.run_command(
        "kafka-topics --create --topic t --bootstrap-server 127.0.0.1:9091 --partitions 2 --replication-factor 1",
        None,
    );
    for (line, expected) in [
        (
            "--reset-offsets --group g1 --topic t",
            "Option '[reset-offsets]' requires one of the following scenarios: HashSet([",
        ),
        (
            "--reset-offsets --group g1 --to-earliest",
            "One of the reset scopes should be defined: --all-topics, --topic.",
        ),
        (
            "--reset-offsets --topic t --to-earliest",
            "Option [reset-offsets] takes one of these options: [group], [all-groups]",
        ),
        (
            "--reset-offsets --group g1 --topic t --to-earliest --execute --dry-run",
            "Option [reset-offsets] only accepts one of [execute] and [dry-run]",
        ),
        (
            "--reset-offsets --group g1 --topic t --to-earliest --to-latest",
            "Option \"[to-earliest]\" can't be used with option \"[to-latest]\"",
        ),
        (
            "--reset-offsets --group g1 --topic t --to-offset x",
            "Cannot parse argument 'x' of option to-offset",
        ),
        (
            "--reset-offsets --group g1 --topic t:x --to-earliest",
            "Invalid partition 'x' specified in topic arg 't:x''",
        ),
        (
            "--delete",
            "Option [delete] takes one of these options: [group], [all-groups]",
        ),
        (
            "--delete --group g1 --topic t",
            "The consumer does not support topic-specific offset deletion from a consumer group.",
        ),
        (
            "--delete-offsets --group g1",
            "Option [delete-offsets] takes the following options: [group], [topic]",
        ),
        (
            "--list --group g1",
            "Option \"[group]\" can't be used with option \"[list]\"",
        ),
    ] {
        let out = run(&mut c, line);
        assert_eq!(out.exit_code, 2, "{line}: {out:?}");
        assert!(out.stderr.contains(expected), "{line}: {}", out.stderr);
    }
    // Errors the tool reports itself: standard output, exit 0.
    for (line, expected) in [
        (
            "--reset-offsets --group g1 --topic nope --to-earliest",
            "\nError: Executing consumer group command failed due to org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.\n",
        ),
        (
            "--reset-offsets --group g1 --topic t --to-datetime 2026-01-01",
            "\nError: Executing consumer group command failed due to Error parsing timestamp. It does not contain a 'T' according to ISO8601 format (2026-01-01).\n",
        ),
        (
            "--reset-offsets --group g1 --topic t --by-duration 1H",
            "\nError: Executing consumer group command failed due to Text cannot be parsed to a Duration\n",
        ),
        (
            "--reset-offsets --group g1 --topic t --by-duration PT1H",
            "\nWarn: Partition 0 from topic t is empty. Falling back to latest known offset.\n",
        ),
    ] {
        let out = run(&mut c, &format!("{line} --dry-run"));
        assert_eq!(out.exit_code, 0, "{line}: {out:?}");
        assert!(out.stdout.contains(expected), "{line}: {}", out.stdout);
    }
    // A group that does not exist is Dead, so inactive: its reset creates it.
    let out = run(
        &mut c,
        "--reset-offsets --group fresh --topic t:1 --to-offset 0 --execute",
    );
    assert!(
        out.stdout
            .contains("fresh                          t                              1          0"),
        "{out:?}"
    );
    let out = run(&mut c, "--list");
    assert_eq!(out.stdout, "fresh\n");
}

#[test]
fn reset_to_a_time_uses_the_record_timestamps() {
    let mut c = booted(6);
    let out = c.run_script(
        "kafka-topics --create --topic t --bootstrap-server 127.0.0.1:9091 --partitions 1 --replication-factor 1
kafka-console-producer --bootstrap-server 127.0.0.1:9091 --topic t <<EOF
old1
old2
EOF
sleep 60
kafka-console-producer --bootstrap-server 127.0.0.1:9091 --topic t <<EOF
new1
EOF
",
        false,
    );
    assert_eq!(out.exit_code, 0, "{out:?}");
    let read = c.run_command(
        "kafka-console-consumer --bootstrap-server 127.0.0.1:9091 --topic t --from-beginning --property print.timestamp=true --max-messages 3",
        None,
    );
    let stamps: Vec<i64> = read
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("CreateTime:"))
        .map(|l| l.split('\t').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(stamps.len(), 3, "{read:?}");
    // Just before the last record: it is the first at or after that time.
    let cut = stamps[2] - 1;
    let secs = cut / 1000;
    let (y, m, d) = kafka_playground_core::zookeeper::civil_from_days(secs.div_euclid(86_400));
    let tod = secs.rem_euclid(86_400);
    let when = format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}",
        tod / 3600,
        tod / 60 % 60,
        tod % 60,
        cut % 1000
    );
    let row = "g                              t                              0          2";
    let out = run(
        &mut c,
        &format!("--reset-offsets --group g --topic t --to-datetime {when} --dry-run"),
    );
    assert!(out.stdout.contains(row), "{when}: {out:?}");
    let out = run(
        &mut c,
        &format!("--reset-offsets --group g --topic t --to-datetime {when}+00:00 --dry-run"),
    );
    assert!(out.stdout.contains(row), "{when}: {out:?}");
    // 30 s back from now: after the old records, before the new one.
    let out = run(
        &mut c,
        "--reset-offsets --group g --topic t --by-duration PT30S --dry-run",
    );
    assert!(out.stdout.contains(row), "{out:?}");
}

#[test]
fn delete_refuses_an_active_group_and_removes_an_empty_one() {
    let mut c = booted(12);
    let out = c.run_script(
        &format!(
            "{SCRIPT}kafka-consumer-groups --bootstrap-server 127.0.0.1:9091 --delete --group g1\n"
        ),
        false,
    );
    assert!(
        out.stdout.contains("\nError: Deletion of some consumer groups failed:\n* Group 'g1' could not be deleted due to: java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.\n"),
        "{}",
        out.stdout
    );
    // The script's end stopped the members: the group is Empty now.
    let out = run(&mut c, "--delete --group g1");
    assert_eq!(
        out.stdout,
        "Deletion of requested consumer groups ('g1') was successful.\n"
    );
    let out = run(&mut c, "--describe --group g1");
    assert!(
        out.stdout
            .contains("\nError: Consumer group 'g1' does not exist.\n"),
        "{out:?}"
    );
    assert_eq!(run(&mut c, "--list").stdout, "");
    let out = run(&mut c, "--delete --group g1");
    assert!(out.stdout.contains("* Group 'g1' could not be deleted due to: java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.GroupIdNotFoundException: The group id does not exist."), "{out:?}");
    // Its offsets went with it: a new member starts at the log end (auto.offset.reset).
    let out = c.run_command(
        "kafka-console-consumer --bootstrap-server 127.0.0.1:9092 --topic my-topic --group g1 --timeout-ms 12000",
        None,
    );
    assert!(digits(&out.stdout).is_empty(), "{out:?}");
}

#[test]
fn delete_offsets_spares_the_topics_an_active_group_reads() {
    let mut c = booted(13);
    let out = c.run_script(
        &format!("{SCRIPT}kafka-topics --create --topic other --bootstrap-server 127.0.0.1:9091 --partitions 1 --replication-factor 1
kafka-consumer-groups --bootstrap-server 127.0.0.1:9091 --delete-offsets --group g1 --topic my-topic --topic other:0
"),
        false,
    );
    assert!(
        out.stdout.contains(
            "\nError: Encounter some partition level error, see the follow-up details:\n"
        ),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("my-topic                       0               Error: org.apache.kafka.common.errors.GroupSubscribedToTopicException: Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it."), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("other                          0               Successful"),
        "{}",
        out.stdout
    );
    // Stopped, the group loses what it is asked to.
    let out = run(&mut c, "--delete-offsets --group g1 --topic my-topic:1");
    assert!(
        out.stdout
            .starts_with("Request succeed for deleting offsets with topic my-topic:1 group g1\n"),
        "{out:?}"
    );
    let out = run(&mut c, "--describe --group g1");
    let parts: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("g1 "))
        .map(|l| l.split_whitespace().nth(2).unwrap())
        .collect();
    assert_eq!(parts, ["0", "2"], "{out:?}");
    let out = run(&mut c, "--delete-offsets --group nobody --topic my-topic");
    assert!(
        out.stdout
            .starts_with("\nError: 'nobody' does not exist.\n"),
        "{out:?}"
    );
}

/// The seed cluster with `__consumer_offsets` replicated 3 times and `min.insync.replicas`=2.
fn strict_offsets_cluster(seed: u64) -> Cluster {
    let mut config = ClusterConfig::seed();
    for b in &mut config.brokers {
        b.settings.offsets_topic_replication_factor = 3;
    }
    let mut c = Cluster::new(config, seed);
    for name in ["kafka1", "kafka2", "kafka3"] {
        let h = c.host_id(name).unwrap();
        if let Some(Process::Broker(b)) = c.simulator_mut().host_mut(h).process.as_mut() {
            b.setup.settings.min_insync_replicas = 2;
        }
    }
    assert!(c.wait_until_ready(60_000));
    assert!(c.wait_until_brokers_ready(60_000));
    c
}

#[test]
fn commits_wait_for_the_offsets_partition_and_fail_without_enough_replicas() {
    let mut c = strict_offsets_cluster(21);
    // Every replica up: the group works and its commits (and assignment) replicate.
    let out = c.run_script(
        &SCRIPT.replace("--replication-factor 2", "--replication-factor 3"),
        false,
    );
    assert_eq!(digits(&out.stdout), ALL, "{out:?}");
    let state = run(&mut c, "--describe --group g1 --state");
    // `127.0.0.1:909N (N)`: the coordinator leads the group's offsets partition.
    let coordinator: i32 = state
        .stdout
        .lines()
        .find(|l| l.starts_with("g1 "))
        .and_then(|l| l.split('(').nth(1))
        .and_then(|s| s.split(')').next())
        .and_then(|s| s.parse().ok())
        .expect("coordinator");
    let ok = run(
        &mut c,
        "--reset-offsets --group g1 --all-topics --to-earliest --execute",
    );
    assert_eq!(plan_rows(&ok.stdout).len(), 3, "{ok:?}");
    // Both followers of the offsets partition die. Still in the ISR until the controller
    // notices (their ZooKeeper sessions expire), they never fetch the commit: after
    // offsets.commit.timeout.ms (5 s) the coordinator answers REQUEST_TIMED_OUT.
    // (`--to-current` needs no ListOffsets from the partitions' dead leaders.)
    let followers: Vec<i32> = (1..=3).filter(|b| *b != coordinator).collect();
    for f in &followers {
        c.run_command(&format!("docker compose kill kafka{f}"), None);
    }
    let via = format!("kafka-consumer-groups --bootstrap-server 127.0.0.1:909{coordinator}");
    let out = c.run_command(
        &format!("{via} --reset-offsets --group g1 --topic my-topic:0 --to-current --execute --timeout 20000"),
        None,
    );
    assert!(
        out.stdout.contains("\nError: Executing consumer group command failed due to org.apache.kafka.common.errors.TimeoutException: The request timed out.\n"),
        "{out:?}"
    );
    // Once the ISR has shrunk below min.insync.replicas the append is refused at once
    // (NOT_ENOUGH_REPLICAS, answered as COORDINATOR_NOT_AVAILABLE): the tool retries until
    // its timeout.
    c.run_for(40_000);
    let out = c.run_command(
        &format!("{via} --reset-offsets --group g1 --topic my-topic:0 --to-current --execute"),
        None,
    );
    assert!(
        out.stderr
            .contains("TimeoutException: Call(callName=commitOffsets) timed out"),
        "{out:?}"
    );
    // Neither commit took.
    let out = c.run_command(&format!("{via} --describe --group g1"), None);
    assert_eq!(current_offsets(&out.stdout), ["0", "0", "0"], "{out:?}");
    // A new group cannot complete a rebalance either: its assignment cannot be stored, so
    // the members' SyncGroup gets COORDINATOR_NOT_AVAILABLE and they start over.
    let out = c.run_script(
        &format!("kafka-console-consumer --bootstrap-server 127.0.0.1:909{coordinator} --topic my-topic --group g2 --from-beginning &
sleep 15
{via} --describe --group g2 --state
"),
        false,
    );
    assert!(digits(&out.stdout).is_empty(), "{out:?}");
    assert!(
        out.stderr
            .contains("Warning: Consumer group 'g2' is rebalancing."),
        "{out:?}"
    );
    // A follower back in the ISR: commits go through again.
    c.run_command(&format!("docker compose start kafka{}", followers[0]), None);
    c.run_for(30_000);
    let out = c.run_command(
        &format!("{via} --reset-offsets --group g1 --topic my-topic:0 --to-offset 1 --execute"),
        None,
    );
    assert_eq!(plan_rows(&out.stdout), [(0, 1)], "{out:?}");
    let out = c.run_command(&format!("{via} --describe --group g1"), None);
    assert_eq!(current_offsets(&out.stdout)[0], "1", "{out:?}");
    // And a group forms again.
    let out = c.run_command(
        &format!("kafka-console-consumer --bootstrap-server 127.0.0.1:909{coordinator} --topic my-topic --group g2 --from-beginning --timeout-ms 15000"),
        None,
    );
    assert_eq!(digits(&out.stdout), ALL, "{out:?}");
}
