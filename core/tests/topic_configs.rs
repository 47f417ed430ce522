//! Topic configs end to end: `--create --config` is validated as LogConfig does, stored in
//! `/config/topics/<t>`, read back by DescribeConfigs over the simulated network and printed
//! by `kafka-topics --describe` under `Configs:`; topic configs set in a broker's own
//! properties (the compose file) show up too, as STATIC_BROKER_CONFIG entries do in Kafka.

use kafka_playground_core::ordered::OrdMap as BTreeMap;

use kafka_playground_core::compose::{parse_compose, SEED_COMPOSE};
use kafka_playground_core::Cluster;

fn booted(mut c: Cluster) -> Cluster {
    assert!(c.wait_until_ready(60_000));
    assert!(c.wait_until_brokers_ready(60_000));
    c
}

fn run(c: &mut Cluster, line: &str) -> (i32, String, String) {
    let out = c.run_command(line, None);
    (out.exit_code, out.stdout, out.stderr)
}

fn configs_field(describe: &str) -> String {
    let header = describe.lines().next().expect("topic line");
    header
        .split('\t')
        .find_map(|f| f.strip_prefix("Configs: "))
        .unwrap_or_default()
        .trim_end()
        .to_string()
}

const BOOT: &str = "--bootstrap-server kafka1:19091";

#[test]
fn create_config_is_described() {
    let mut c = booted(Cluster::seed_cluster(3));
    let (code, out, err) = run(
        &mut c,
        &format!("kafka-topics --create --topic safe {BOOT} --partitions 2 --replication-factor 3 --config min.insync.replicas=2 --config retention.ms=600000"),
    );
    assert_eq!(code, 0, "{out}{err}");
    let (_, out, _) = run(
        &mut c,
        &format!("kafka-topics --describe --topic safe {BOOT}"),
    );
    // Kafka lists them in its HashMap order: retention.ms (bucket 27) after min.insync (10).
    assert_eq!(
        configs_field(&out),
        "min.insync.replicas=2,retention.ms=600000"
    );
    // A topic without overrides prints an empty field.
    run(
        &mut c,
        &format!("kafka-topics --create --topic plain {BOOT}"),
    );
    let (_, out, _) = run(
        &mut c,
        &format!("kafka-topics --describe --topic plain {BOOT}"),
    );
    assert_eq!(configs_field(&out), "");
    assert!(out.starts_with("Topic: plain\t"), "{out}");
}

#[test]
fn invalid_configs_are_refused_and_nothing_is_created() {
    let mut c = booted(Cluster::seed_cluster(3));
    for (config, message) in [
        (
            "min.insync.replica=2",
            "Unknown topic config name: min.insync.replica",
        ),
        (
            "min.insync.replicas=0",
            "Invalid value 0 for configuration min.insync.replicas: Value must be at least 1",
        ),
    ] {
        let (code, out, err) = run(
            &mut c,
            &format!("kafka-topics --create --topic bad {BOOT} --config {config}"),
        );
        assert_eq!(code, 1);
        assert!(
            out.contains(&format!("Error while executing topic command : {message}")),
            "{out}"
        );
        assert!(
            err.contains("org.apache.kafka.common.errors.InvalidConfigurationException"),
            "{err}"
        );
    }
    let (_, out, _) = run(&mut c, &format!("kafka-topics --list {BOOT}"));
    assert_eq!(out, "");
    let (_, zk, _) = run(&mut c, "zookeeper-shell zookeeper1:2181 ls /config/topics");
    assert!(zk.contains("[]"), "{zk}");
}

#[test]
fn broker_properties_show_as_static_configs_under_topic_overrides() {
    let compose = SEED_COMPOSE.replace(
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 1",
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: 1\n      KAFKA_MIN_INSYNC_REPLICAS: 2",
    );
    let parsed = parse_compose(&compose, &BTreeMap::new()).expect("compose");
    let mut c = booted(Cluster::new(parsed.config, 3));
    run(
        &mut c,
        &format!("kafka-topics --create --topic a {BOOT} --replication-factor 3"),
    );
    run(
        &mut c,
        &format!("kafka-topics --create --topic b {BOOT} --replication-factor 3 --config min.insync.replicas=3"),
    );
    let (_, out, _) = run(&mut c, &format!("kafka-topics --describe --topic a {BOOT}"));
    assert_eq!(configs_field(&out), "min.insync.replicas=2");
    let (_, out, _) = run(&mut c, &format!("kafka-topics --describe --topic b {BOOT}"));
    assert_eq!(configs_field(&out), "min.insync.replicas=3");
}

#[test]
fn offsets_topic_prints_its_three_configs_in_kafkas_order() {
    let mut c = booted(Cluster::seed_cluster(3));
    run(
        &mut c,
        &format!("kafka-console-consumer {BOOT} --topic t --group g --timeout-ms 8000"),
    );
    let (_, out, _) = run(
        &mut c,
        &format!("kafka-topics --describe --topic __consumer_offsets {BOOT}"),
    );
    assert_eq!(
        configs_field(&out),
        "compression.type=producer,cleanup.policy=compact,segment.bytes=104857600"
    );
}
