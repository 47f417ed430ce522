//! `kafka-topics` (3.0, `--bootstrap-server` only: `--zookeeper` was removed): create, list
//! and describe through an admin client on the simulator, printing what TopicCommand prints.

use crate::ordered::OrdMap as BTreeMap;

use crate::broker::admin::{AdminCall, AdminResult};
use crate::broker::messages::{CreatableTopic, TopicMetadata};
use crate::cli::CommandOutput;
use crate::cluster::Cluster;
use crate::kafka::describe::{partition_line, topic_line, PartitionSummary, TopicSummary};
use crate::kafka::topic_name;
use crate::zookeeper::wall_clock_ms;

#[derive(Default, Debug)]
struct Opts {
    bootstrap: Option<String>,
    create: bool,
    list: bool,
    describe: bool,
    delete: bool,
    alter: bool,
    topic: Option<String>,
    partitions: Option<String>,
    replication_factor: Option<String>,
    under_replicated: bool,
    unavailable: bool,
    if_exists: bool,
    if_not_exists: bool,
    exclude_internal: bool,
    /// `--config k=v`, repeatable.
    configs: Vec<String>,
}

/// `yyyy-MM-dd HH:mm:ss,SSS` of a virtual instant (log4j's layout in the tools).
pub(crate) fn log_time(now_ms: u64) -> String {
    let ms = wall_clock_ms(now_ms);
    let secs = ms / 1000;
    let days = (secs / 86_400) as i64;
    let (y, mo, d) = crate::zookeeper::civil_from_days(days);
    format!(
        "{y:04}-{mo:02}-{d:02} {:02}:{:02}:{:02},{:03}",
        (secs % 86_400) / 3600,
        (secs % 3600) / 60,
        secs % 60,
        ms % 1000
    )
}

/// `Error while executing topic command : MSG` (stdout) and log4j's ERROR line (stderr).
fn failure(c: &Cluster, class: &str, msg: &str) -> CommandOutput {
    CommandOutput {
        stdout: format!("Error while executing topic command : {msg}\n"),
        stderr: format!(
            "[{}] ERROR {class}: {msg}\n (kafka.admin.TopicCommand$)\n",
            log_time(c.now_ms())
        ),
        exit_code: 1,
    }
}

fn exception_class(error: &str) -> String {
    let name = match error {
        "TOPIC_ALREADY_EXISTS" => "TopicExistsException",
        "INVALID_REPLICATION_FACTOR" => "InvalidReplicationFactorException",
        "INVALID_PARTITIONS" => "InvalidPartitionsException",
        "INVALID_CONFIG" => "InvalidConfigurationException",
        "INVALID_TOPIC_EXCEPTION" => "InvalidTopicException",
        "REQUEST_TIMED_OUT" => "TimeoutException",
        "NOT_CONTROLLER" => "NotControllerException",
        "UNKNOWN_TOPIC_OR_PARTITION" => "UnknownTopicOrPartitionException",
        "TOPIC_DELETION_DISABLED" => "TopicDeletionDisabledException",
        "INVALID_REQUEST" => "InvalidRequestException",
        "INVALID_REPLICA_ASSIGNMENT" => "InvalidReplicaAssignmentException",
        _ => "UnknownServerException",
    };
    format!("org.apache.kafka.common.errors.{name}")
}

fn parse(args: &[&str]) -> Result<Opts, String> {
    let mut o = Opts::default();
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (a, None),
        };
        let value = |i: &mut usize| -> Result<String, String> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            *i += 1;
            args.get(*i)
                .map(|s| s.to_string())
                .ok_or_else(|| format!("Option {flag} requires an argument"))
        };
        match flag {
            "--bootstrap-server" => o.bootstrap = Some(value(&mut i)?),
            "--create" => o.create = true,
            "--list" => o.list = true,
            "--describe" => o.describe = true,
            "--alter" => o.alter = true,
            "--delete" => o.delete = true,
            "--topic" => o.topic = Some(value(&mut i)?),
            "--partitions" => o.partitions = Some(value(&mut i)?),
            "--replication-factor" => o.replication_factor = Some(value(&mut i)?),
            "--under-replicated-partitions" => o.under_replicated = true,
            "--unavailable-partitions" => o.unavailable = true,
            "--if-exists" => o.if_exists = true,
            "--if-not-exists" => o.if_not_exists = true,
            "--exclude-internal" => o.exclude_internal = true,
            "--config" => o.configs.push(value(&mut i)?),
            "--command-config" => {
                value(&mut i)?;
            }
            f if f.starts_with('-') => {
                return Err(format!(
                    "{} is not a recognized option",
                    f.trim_start_matches('-')
                ))
            }
            f => return Err(format!("Found non-option argument '{f}'")),
        }
        i += 1;
    }
    Ok(o)
}

/// `--help`: TopicCommand's options the playground models.
pub const HELP: &str = "This tool helps to create, delete, describe, or change a topic.
Option                                   Description
------                                   -----------
--alter                                  add partitions to a topic (--partitions, only increases)
--bootstrap-server <host:port,...>       REQUIRED: the Kafka server(s) to connect to
--config <name=value>                    a topic config for --create, e.g. min.insync.replicas=2
                                           (repeatable)
--create                                 create a new topic
--delete                                 delete a topic
--describe                               list details (partitions, leader, replicas, isr)
--exclude-internal                       leave out internal topics (__consumer_offsets) with
                                           --list or --describe
--help                                   print usage information
--if-exists                              --alter or --delete only if the topic exists
--if-not-exists                          --create only if the topic does not exist yet
--list                                   list the topics
--partitions <n>                         the number of partitions to create, or to grow to
--replication-factor <n>                 the replicas per partition of a topic being created
--topic <topic>                          the topic to create, alter, describe or delete
--unavailable-partitions                 with --describe: only partitions without a leader
--under-replicated-partitions            with --describe: only partitions with fewer in-sync
                                           replicas than replicas
";

fn usage_error(msg: &str) -> CommandOutput {
    CommandOutput::err(
        1,
        format!("{msg}\nOption                                   Description\n------                                   -----------\n(see kafka-topics --help; the playground knows --create, --list, --describe,\n --delete, --alter, --topic, --partitions, --replication-factor, --bootstrap-server,\n --under-replicated-partitions, --unavailable-partitions, --if-exists,\n --if-not-exists, --exclude-internal)\n"),
    )
}

/// `kafka-topics ARGS`; `inside` = the container it runs in (`docker exec kafka1 …`).
pub fn run(cluster: &mut Cluster, args: &[&str], inside: Option<&str>) -> CommandOutput {
    if args.contains(&"--help") {
        return CommandOutput::out(HELP);
    }
    if args.contains(&"--zookeeper") {
        return CommandOutput::err(
            1,
            "Exception in thread \"main\" joptsimple.UnrecognizedOptionException: zookeeper is not a recognized option\n",
        );
    }
    let o = match parse(args) {
        Ok(o) => o,
        Err(e) => return usage_error(&e),
    };
    let actions = [o.create, o.list, o.describe, o.delete, o.alter];
    if actions.iter().filter(|a| **a).count() != 1 {
        return usage_error(
            "Command must include exactly one action: --list, --describe, --create, --alter or --delete",
        );
    }
    let Some(bootstrap) = o.bootstrap.clone() else {
        return usage_error("Missing required argument \"[bootstrap-server]\"");
    };
    let servers: Vec<String> = bootstrap
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    for s in &servers {
        if let Err(host) = cluster.resolve_bootstrap(s, inside) {
            return CommandOutput::err(
                1,
                format!(
                    "[{t}] WARN Couldn't resolve server {s} from bootstrap.servers as DNS resolution failed for {host} (org.apache.kafka.clients.ClientUtils)\n\
                     Exception in thread \"main\" org.apache.kafka.common.KafkaException: Failed to create new KafkaAdminClient\n\
                     Caused by: org.apache.kafka.common.config.ConfigException: No resolvable bootstrap urls given in bootstrap.servers\n",
                    t = log_time(cluster.now_ms())
                ),
            );
        }
    }
    if servers.is_empty() {
        return usage_error("Missing required argument \"[bootstrap-server]\"");
    }
    if o.delete || o.alter {
        if let Err(e) = check_delete_alter_args(&o) {
            return usage_error(&e);
        }
        delete_or_alter(cluster, &o, &servers, inside)
    } else if o.create {
        create(cluster, &o, &servers, inside)
    } else {
        list_or_describe(cluster, &o, &servers, inside)
    }
}

fn create(
    cluster: &mut Cluster,
    o: &Opts,
    servers: &[String],
    inside: Option<&str>,
) -> CommandOutput {
    let Some(topic) = o.topic.clone() else {
        return usage_error("Missing required argument \"[topic]\"");
    };
    let num = |v: &Option<String>, opt: &str| -> Result<i32, CommandOutput> {
        match v {
            None => Ok(-1),
            Some(s) => s.parse::<i32>().map_err(|_| {
                CommandOutput::err(
                    1,
                    format!("Exception in thread \"main\" joptsimple.OptionArgumentConversionException: Cannot parse argument '{s}' of option {opt}\n"),
                )
            }),
        }
    };
    let partitions = match num(&o.partitions, "partitions") {
        Ok(v) => v,
        Err(e) => return e,
    };
    let rf = match num(&o.replication_factor, "replication-factor") {
        Ok(v) => v,
        Err(e) => return e,
    };
    if o.partitions.is_some() && partitions < 1 {
        return failure(
            cluster,
            "java.lang.IllegalArgumentException",
            "The partitions must be greater than 0",
        );
    }
    if o.replication_factor.is_some() && !(1..=32767).contains(&rf) {
        return failure(
            cluster,
            "java.lang.IllegalArgumentException",
            "The replication factor must be between 1 and 32767 inclusive",
        );
    }
    let mut configs = Vec::new();
    for c in &o.configs {
        match c.split_once('=') {
            Some((k, v)) if !k.is_empty() && !v.is_empty() => {
                configs.push((k.trim().to_string(), v.trim().to_string()))
            }
            _ => {
                return failure(
                    cluster,
                    "java.lang.IllegalArgumentException",
                    "requirement failed: Invalid entity config: all configs to be added must be in the format \"key=val\".",
                )
            }
        }
    }
    let mut out = CommandOutput::default();
    if topic_name::has_collision_chars(&topic) {
        out.stdout.push_str(topic_name::COLLISION_WARNING);
        out.stdout.push('\n');
    }
    let call = AdminCall::CreateTopics(vec![CreatableTopic {
        name: topic.clone(),
        num_partitions: partitions,
        replication_factor: rf,
        configs,
    }]);
    match cluster.admin_call(servers, call, inside) {
        Ok(AdminResult::Created(results)) => match results.into_iter().next() {
            Some((_, Ok(()))) | None => {
                out.stdout.push_str(&format!("Created topic {topic}.\n"));
                out
            }
            Some((_, Err((code, _)))) if code == "TOPIC_ALREADY_EXISTS" && o.if_not_exists => out,
            Some((_, Err((code, msg)))) => {
                let f = failure(cluster, &exception_class(&code), &msg);
                out.stdout.push_str(&f.stdout);
                CommandOutput {
                    stderr: f.stderr,
                    exit_code: 1,
                    ..out
                }
            }
        },
        Ok(AdminResult::TimedOut(call)) => timed_out(cluster, call),
        Ok(_) | Err(_) => timed_out(cluster, "createTopics"),
    }
}

/// TopicCommandOptions.checkArgs for `--delete` / `--alter`, in its order.
fn check_delete_alter_args(o: &Opts) -> Result<(), String> {
    let action = if o.delete { "delete" } else { "alter" };
    if o.topic.is_none() {
        return Err("Missing required argument \"[topic]\"".into());
    }
    if o.alter {
        if !o.configs.is_empty() {
            return Err("Option combination \"[bootstrap-server],[config]\" can't be used with option \"[alter]\" (the kafka-configs CLI supports altering topic configs with a --bootstrap-server option)".into());
        }
        if o.partitions.is_none() {
            return Err("Missing required argument \"[partitions]\"".into());
        }
    }
    let invalid = [
        ("config", !o.configs.is_empty()),
        ("partitions", o.partitions.is_some() && o.delete),
        ("replication-factor", o.replication_factor.is_some()),
        ("under-replicated-partitions", o.under_replicated),
        ("unavailable-partitions", o.unavailable),
        ("if-not-exists", o.if_not_exists),
        ("exclude-internal", o.exclude_internal),
    ];
    match invalid.iter().find(|(_, used)| *used) {
        Some((opt, _)) => Err(format!(
            "Option \"[{opt}]\" can't be used with option \"[{action}]\""
        )),
        None => Ok(()),
    }
}

/// `--delete` (deleteTopics) and `--alter --partitions N` (createPartitions): the matching
/// topics from listTopics (internal ones included), `--if-exists`, then one admin call.
/// Both print nothing on success, as TopicCommand 3.0.
fn delete_or_alter(
    cluster: &mut Cluster,
    o: &Opts,
    servers: &[String],
    inside: Option<&str>,
) -> CommandOutput {
    let count = match &o.partitions {
        None => 0,
        Some(v) => match v.parse::<i32>() {
            Ok(n) => n,
            Err(_) => {
                return CommandOutput::err(
                    1,
                    format!("Exception in thread \"main\" joptsimple.OptionArgumentConversionException: Cannot parse argument '{v}' of option partitions\n"),
                )
            }
        },
    };
    let call = AdminCall::Metadata { call: "listTopics" };
    let all: Vec<TopicMetadata> = match cluster.admin_call(servers, call, inside) {
        Ok(AdminResult::Metadata { topics, .. }) => topics,
        Ok(AdminResult::TimedOut(call)) => return timed_out(cluster, call),
        _ => return timed_out(cluster, "listTopics"),
    };
    let pattern = o.topic.clone().unwrap_or_default();
    let mut names: Vec<String> = all
        .into_iter()
        .filter(|t| t.error.is_none() && topic_matches(&pattern, &t.name))
        .map(|t| t.name)
        .collect();
    crate::sort::sort(&mut names);
    if names.is_empty() {
        if o.if_exists {
            return CommandOutput::default();
        }
        return failure(
            cluster,
            "java.lang.IllegalArgumentException",
            &format!("Topic '{pattern}' does not exist as expected"),
        );
    }
    let (call, name) = if o.delete {
        (AdminCall::DeleteTopics(names), "deleteTopics")
    } else {
        let topics = names.into_iter().map(|n| (n, count)).collect();
        (AdminCall::CreatePartitions(topics), "createPartitions")
    };
    let results = match cluster.admin_call(servers, call, inside) {
        Ok(AdminResult::Deleted(r)) | Ok(AdminResult::PartitionsCreated(r)) => r,
        Ok(AdminResult::TimedOut(call)) => return timed_out(cluster, call),
        _ => return timed_out(cluster, name),
    };
    // `all().get()` throws the first failure.
    match results.into_iter().find_map(|(_, r)| r.err()) {
        None => CommandOutput::default(),
        Some((code, msg)) => failure(cluster, &exception_class(&code), &msg),
    }
}

fn timed_out(cluster: &Cluster, call: &str) -> CommandOutput {
    failure(
        cluster,
        "org.apache.kafka.common.errors.TimeoutException",
        &format!("Timed out waiting for a node assignment. Call: {call}"),
    )
}

fn list_or_describe(
    cluster: &mut Cluster,
    o: &Opts,
    servers: &[String],
    inside: Option<&str>,
) -> CommandOutput {
    let call = AdminCall::Metadata { call: "listTopics" };
    let topics: Vec<TopicMetadata> = match cluster.admin_call(servers, call, inside) {
        Ok(AdminResult::Metadata { topics, .. }) => topics,
        Ok(AdminResult::TimedOut(call)) => return timed_out(cluster, call),
        _ => return timed_out(cluster, "listTopics"),
    };
    let mut topics: Vec<TopicMetadata> = topics
        .into_iter()
        .filter(|t| t.error.is_none())
        .filter(|t| !(o.exclude_internal && t.is_internal))
        .filter(|t| o.topic.as_ref().is_none_or(|n| topic_matches(n, &t.name)))
        .collect();
    crate::sort::sort_by(&mut topics, |a, b| a.name.cmp(&b.name));
    if let Some(n) = &o.topic {
        if topics.is_empty() && !o.if_exists {
            return failure(
                cluster,
                "java.lang.IllegalArgumentException",
                &format!("Topic '{n}' does not exist as expected"),
            );
        }
    }
    let mut out = String::new();
    if o.list {
        for t in &topics {
            out.push_str(&t.name);
            out.push('\n');
        }
        return CommandOutput::out(out);
    }
    // TopicCommand asks for every described topic's configs, then prints the non-default ones.
    let names: Vec<String> = topics.iter().map(|t| t.name.clone()).collect();
    let mut configs: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    if !names.is_empty() {
        match cluster.admin_call(servers, AdminCall::DescribeConfigs(names), inside) {
            Ok(AdminResult::Configs(results)) => {
                for (topic, r) in results {
                    match r {
                        Ok(entries) => {
                            let kv = entries.into_iter().map(|e| (e.name, e.value)).collect();
                            configs.insert(topic, kv);
                        }
                        Err((code, msg)) => return failure(cluster, &exception_class(&code), &msg),
                    }
                }
            }
            Ok(AdminResult::TimedOut(call)) => return timed_out(cluster, call),
            _ => return timed_out(cluster, "describeConfigs"),
        }
    }
    let live: Vec<i32> = cluster.running_brokers().iter().map(|b| b.id()).collect();
    let headers = !o.under_replicated && !o.unavailable;
    for t in &topics {
        let topic_configs: Vec<(&str, &str)> = configs
            .get(&t.name)
            .map(|kv| kv.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect())
            .unwrap_or_default();
        let mut parts = t.partitions.clone();
        crate::sort::sort_by_key(&mut parts, |p| p.partition);
        if headers {
            let rf = parts.first().map_or(0, |p| p.replicas.len());
            out.push_str(&topic_line(&TopicSummary {
                name: &t.name,
                topic_id: Some(&t.topic_id)
                    .filter(|s| !s.is_empty())
                    .map(String::as_str),
                partition_count: parts.len(),
                replication_factor: rf,
                configs: &topic_configs,
                marked_for_deletion: false,
            }));
            out.push('\n');
        }
        for p in &parts {
            let leader = (p.leader >= 0).then_some(p.leader);
            let under = p.isr.len() < p.replicas.len();
            let unavailable = leader.is_none_or(|l| !live.contains(&l));
            if (o.under_replicated && !under) || (o.unavailable && !unavailable) {
                continue;
            }
            out.push_str(&partition_line(&PartitionSummary {
                topic: &t.name,
                partition: p.partition,
                leader,
                replicas: &p.replicas,
                isr: &p.isr,
                reassignment: None,
                marked_for_deletion: false,
            }));
            out.push('\n');
        }
    }
    CommandOutput::out(out)
}

/// `--topic` is a Java regex in list/describe; the playground supports names and `.*` / `*`.
fn topic_matches(pattern: &str, name: &str) -> bool {
    if pattern == name {
        return true;
    }
    let p = pattern.replace(".*", "*");
    if let Some((pre, post)) = p.split_once('*') {
        return !post.contains('*')
            && name.starts_with(pre)
            && name.ends_with(post)
            && name.len() >= pre.len() + post.len();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_time_is_log4j_layout() {
        assert_eq!(log_time(65_123), "2026-01-01 00:01:05,123");
    }

    #[test]
    fn topic_patterns() {
        assert!(topic_matches("my-topic", "my-topic"));
        assert!(topic_matches("my.*", "my-topic"));
        assert!(!topic_matches("my", "my-topic"));
    }
}
