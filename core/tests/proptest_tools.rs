//! Property tests: every tool of the command language, given its own option names with arbitrary
//! values (huge, negative, empty, unicode, hostile), answers with output and never panics, on
//! the host and inside a container's shell.

use kafka_playground_core::cli::session::Session;
use kafka_playground_core::Cluster;
use proptest::prelude::*;

/// A booted cluster with a topic and a group, so deep paths (describe, reset) are reached.
fn prepared() -> Cluster {
    let mut c = Cluster::seed_cluster(3);
    c.wait_until_ready(10_000);
    c.wait_until_brokers_ready(10_000);
    for line in [
        "kafka-topics --create --topic t --partitions 3 --replication-factor 2 --bootstrap-server kafka1:19091",
        "kafka-console-producer --topic t --bootstrap-server kafka1:19091 <<EOF\na\nb\nEOF",
        "kafka-console-consumer --topic t --group g --from-beginning --max-messages 2 --bootstrap-server kafka1:19091",
    ] {
        c.run_script(line, false);
    }
    let groups = c.run_command(
        "kafka-consumer-groups --bootstrap-server kafka1:19091 --describe --group g",
        None,
    );
    assert!(groups.stdout.contains(" t "), "{groups:?}");
    c
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("t".to_string()),
        Just("g".to_string()),
        Just("kafka1:19091".to_string()),
        Just("localhost:9092".to_string()),
        Just("zookeeper1:2181".to_string()),
        Just("-1".to_string()),
        Just("0".to_string()),
        Just("99999999999999999999".to_string()),
        Just("2147483648".to_string()),
        Just("-9223372036854775808".to_string()),
        Just("t:0,1".to_string()),
        Just("t:x".to_string()),
        Just("all".to_string()),
        Just("/brokers/ids".to_string()),
        Just("'<img src=x onerror=alert(1)>'".to_string()),
        Just("카프카".to_string()),
        Just("\"quoted".to_string()),
        "[a-z0-9.:,=/_-]{0,10}",
    ]
}

fn flag() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "--bootstrap-server",
        "--zookeeper",
        "--topic",
        "--partitions",
        "--replication-factor",
        "--create",
        "--delete",
        "--describe",
        "--list",
        "--alter",
        "--config",
        "--group",
        "--all-groups",
        "--members",
        "--offsets",
        "--state",
        "--verbose",
        "--reset-offsets",
        "--to-earliest",
        "--to-latest",
        "--to-offset",
        "--shift-by",
        "--to-datetime",
        "--by-duration",
        "--execute",
        "--dry-run",
        "--export",
        "--delete-offsets",
        "--from-beginning",
        "--max-messages",
        "--partition",
        "--offset",
        "--property",
        "--producer-property",
        "--consumer-property",
        "--request-required-acks",
        "--timeout-ms",
        "--election-type",
        "--all-topic-partitions",
        "--path-to-json-file",
        "--under-replicated-partitions",
        "--unavailable-partitions",
        "--if-not-exists",
        "--if-exists",
        "--help",
        "--version",
        "-it",
        "-i",
        "-d",
        "--detach",
        "--oneway",
        "--all",
    ])
}

fn tool() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "kafka-topics",
        "kafka-console-producer",
        "kafka-console-consumer",
        "kafka-consumer-groups",
        "kafka-leader-election",
        "zookeeper-shell zookeeper1:2181",
        "docker compose",
        "docker exec",
        "docker exec -i kafka2",
        "docker exec kafka1",
        "docker network",
        "netem",
        "sleep",
        "python producer.py",
        "python consumer.py",
        "jobs",
        "kill",
        "zkCli.sh",
        "help",
        "echo",
    ])
}

fn zk_command() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "ls",
        "get",
        "stat",
        "create",
        "set",
        "delete",
        "deleteall",
        "rmr",
        "getAcl",
        "sync",
        "ls -s",
        "get -s",
        "create -e",
        "create -s",
        "srvr",
        "quit",
    ])
}

/// `tool --flag value --flag …` as typed.
fn command_line(tool: &str, args: &[(&str, Option<String>)]) -> String {
    let mut line = tool.to_string();
    for (flag, value) in args {
        line.push(' ');
        line.push_str(flag);
        if let Some(v) = value {
            line.push(' ');
            line.push_str(v);
        }
    }
    line
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn tools_with_arbitrary_option_values_never_panic(
        tool in tool(),
        args in prop::collection::vec((flag(), prop::option::of(value())), 0..6),
        stdin in prop::option::of(value()),
    ) {
        let mut c = prepared();
        let line = command_line(tool, &args);
        let out = c.run_command(&line, stdin.as_deref());
        // Something is always said about a bad line: output, an error or a silent success.
        prop_assert!(out.exit_code <= 130, "{line}: {out:?}");
    }

    #[test]
    fn zookeeper_shell_commands_with_arbitrary_arguments_never_panic(
        cmd in zk_command(),
        args in prop::collection::vec(value(), 0..4),
    ) {
        let mut c = prepared();
        let line = format!("zookeeper-shell zookeeper1:2181 {cmd} {}", args.join(" "));
        let _ = c.run_command(&line, None);
    }

    #[test]
    fn a_container_shell_takes_arbitrary_lines(
        container in prop::sample::select(vec!["kafka1", "kafka2", "zookeeper1"]),
        lines in prop::collection::vec(
            (tool(), prop::collection::vec((flag(), prop::option::of(value())), 0..4)), 1..4),
    ) {
        let mut c = prepared();
        let mut s = Session::default();
        let _ = s.run(&mut c, &format!("docker exec -it {container} bash"));
        for (tool, args) in &lines {
            let _ = s.run(&mut c, &command_line(tool, args));
            let _ = s.poll(&mut c, true);
        }
    }
}
