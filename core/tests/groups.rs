//! Consumer groups end to end: the coordinator on the `__consumer_offsets` leader, joins and
//! rebalances, commits that survive a restart of the consumer, and `kafka-consumer-groups`.

use kafka_playground_core::Cluster;

fn booted(seed: u64) -> Cluster {
    let mut c = Cluster::seed_cluster(seed);
    assert!(c.wait_until_ready(60_000));
    assert!(c.wait_until_brokers_ready(60_000));
    c
}

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
kafka-consumer-groups --bootstrap-server 127.0.0.1:9091 --describe --group g1 --state
kafka-consumer-groups --bootstrap-server 127.0.0.1:9091 --describe --group g1
";

#[test]
fn two_members_share_the_partitions_and_everything_is_read_once() {
    for seed in 1..=4 {
        let mut c = booted(seed);
        let out = c.run_script(SCRIPT, false);
        assert_eq!(out.exit_code, 0, "{}", out.stderr);
        let mut values: Vec<&str> = out
            .stdout
            .lines()
            .filter(|l| l.len() == 1 && l.chars().all(|ch| ch.is_ascii_digit()))
            .collect();
        values.sort();
        assert_eq!(
            values,
            ["1", "2", "3", "4", "5", "6"],
            "seed {seed}: {}",
            out.stdout
        );
        assert!(
            out.stdout
                .contains("range                Stable          2"),
            "{}",
            out.stdout
        );
        // Every partition is owned and nothing lags after the auto-commit.
        let describe: Vec<&str> = out
            .stdout
            .lines()
            .filter(|l| l.starts_with("g1              my-topic"))
            .collect();
        assert_eq!(describe.len(), 3, "{}", out.stdout);
        for row in describe {
            let cols: Vec<&str> = row.split_whitespace().collect();
            assert_eq!(cols[5], "0", "lag: {row}");
            assert!(cols[6].starts_with("consumer-g1-1-"), "{row}");
        }
    }
}

#[test]
fn a_member_leaving_hands_its_partitions_over_and_commits_survive_it() {
    let mut c = booted(7);
    let out = c.run_script(SCRIPT, false);
    assert_eq!(out.exit_code, 0);
    // The script's end interrupted both members: they committed and left.
    let out = c.run_command(
        "kafka-consumer-groups --bootstrap-server 127.0.0.1:9091 --describe --group g1",
        None,
    );
    assert!(
        out.stderr
            .contains("Consumer group 'g1' has no active members."),
        "{out:?}"
    );
    // A new member starts from the committed offsets: nothing old is read again.
    let out = c.run_script(
        "kafka-console-consumer --bootstrap-server 127.0.0.1:9093 --topic my-topic --group g1 &
sleep 8
kafka-console-producer --bootstrap-server 127.0.0.1:9091 --topic my-topic <<EOF
new
EOF
sleep 5
kafka-consumer-groups --bootstrap-server 127.0.0.1:9091 --describe --group g1 --members --verbose
",
        false,
    );
    let read: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| *l == "new" || (l.len() == 1 && l.chars().all(|ch| ch.is_ascii_digit())))
        .collect();
    assert_eq!(read, ["new"], "{}", out.stdout);
    assert!(out.stdout.contains("my-topic(0,1,2)"), "{}", out.stdout);
}

#[test]
fn group_commands_reject_bad_input_cleanly() {
    let mut c = booted(3);
    for line in [
        "kafka-consumer-groups --list",
        "kafka-consumer-groups --bootstrap-server 127.0.0.1:9091",
        "kafka-consumer-groups --bootstrap-server 127.0.0.1:9091 --describe",
        "kafka-consumer-groups --bootstrap-server 127.0.0.1:9091 --bogus",
        "kafka-console-consumer --bootstrap-server 127.0.0.1:9091 --topic t --group g --partition 0 --max-messages 1",
        "kafka-console-consumer --bootstrap-server 127.0.0.1:9091 --topic t --group g --consumer-property partition.assignment.strategy=nope --max-messages 1",
    ] {
        let out = c.run_command(line, None);
        assert_ne!(out.exit_code, 0, "{line}");
    }
    let out = c.run_command(
        "kafka-consumer-groups --bootstrap-server 127.0.0.1:9091 --describe --group nobody",
        None,
    );
    // ConsumerGroupCommand's printError writes to standard output.
    assert!(
        out.stdout
            .contains("Error: Consumer group 'nobody' does not exist."),
        "{out:?}"
    );
}

#[test]
fn the_client_tools_answer_help_with_their_options() {
    let mut c = Cluster::seed_cluster(1);
    for (tool, option) in [
        ("kafka-console-producer", "--producer-property"),
        ("kafka-console-consumer", "--max-messages"),
        ("kafka-consumer-groups", "--members"),
    ] {
        let out = c.run_command(&format!("{tool} --help"), None);
        assert_eq!(out.exit_code, 0, "{tool}");
        assert!(out.stdout.contains(option), "{tool}: {}", out.stdout);
    }
}
