//! `kafka-leader-election` (Kafka 3.0's LeaderElectionCommand): preferred or unclean election
//! for one partition (`--topic T --partition P`) or every partition
//! (`--all-topic-partitions`), through an admin client's ElectLeaders to the controller.
//! Its own client timeouts: `default.api.timeout.ms` 30 s, `request.timeout.ms` 15 s.
//!
//! The partition lists come from Scala `mutable.HashSet`/`HashMap`s, so they print in those
//! tables' order ([`scala_hash_order`]), not sorted.

use crate::broker::admin::{AdminCall, AdminResult};
use crate::broker::messages::{CreateResult, ElectionType};
use crate::cli::kafka_topics::log_time;
use crate::cli::CommandOutput;
use crate::cluster::Cluster;
use crate::kafka::assignor::{topic_partition_hash, TopicPartition};

#[derive(Default, Debug)]
struct Opts {
    bootstrap: Option<String>,
    election: Option<String>,
    topic: Option<String>,
    partition: Option<String>,
    all: bool,
    json_file: Option<String>,
}

fn main_exception(class: &str, msg: &str) -> String {
    format!("Exception in thread \"main\" {class}: {msg}\n")
}

fn admin_failed(msg: &str) -> CommandOutput {
    CommandOutput::err(
        1,
        main_exception("kafka.common.AdminCommandFailedException", msg),
    )
}

fn parse(args: &[&str]) -> Result<Opts, CommandOutput> {
    let mut o = Opts::default();
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (a, None),
        };
        let mut value = || -> Result<String, CommandOutput> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            i += 1;
            args.get(i).map(|s| s.to_string()).ok_or_else(|| {
                CommandOutput::err(
                    1,
                    main_exception(
                        "joptsimple.OptionMissingRequiredArgumentException",
                        &format!("Option {flag} requires an argument"),
                    ),
                )
            })
        };
        match flag {
            "--bootstrap-server" => o.bootstrap = Some(value()?),
            "--election-type" => o.election = Some(value()?),
            "--topic" => o.topic = Some(value()?),
            "--partition" => o.partition = Some(value()?),
            "--path-to-json-file" => o.json_file = Some(value()?),
            "--admin.config" => {
                value()?;
            }
            "--all-topic-partitions" => o.all = true,
            f if f.starts_with('-') => {
                return Err(CommandOutput::err(
                    1,
                    main_exception(
                        "joptsimple.UnrecognizedOptionException",
                        &format!("{} is not a recognized option", f.trim_start_matches('-')),
                    ),
                ))
            }
            // joptsimple keeps non-option arguments; the command ignores them.
            _ => {}
        }
        i += 1;
    }
    Ok(o)
}

fn conversion_error(value: &str, option: &str) -> CommandOutput {
    CommandOutput::err(
        1,
        main_exception(
            "joptsimple.OptionArgumentConversionException",
            &format!("Cannot parse argument '{value}' of option {option}"),
        ),
    )
}

/// `kafka-leader-election ARGS`; `inside` = the container it runs in.
/// `--help`: LeaderElectionCommand's options.
pub const HELP: &str =
    "This tool attempts to elect a new leader for a set of topic partitions: the preferred
replica, or (unclean) any live replica, even one out of the ISR.
Option                                   Description
------                                   -----------
--admin.config <file>                    (accepted; the playground has no files)
--all-topic-partitions                   every partition of every topic (not with --topic or
                                           --path-to-json-file)
--bootstrap-server <host:port>           REQUIRED: the Kafka server to connect to
--election-type <preferred|unclean>      REQUIRED: the type of election
--help                                   print usage information
--partition <n>                          the partition to elect for (with --topic)
--path-to-json-file <file>               (the playground has no files: use --topic or
                                           --all-topic-partitions)
--topic <topic>                          the topic of the partition (with --partition)
";

pub fn run(cluster: &mut Cluster, args: &[&str], inside: Option<&str>) -> CommandOutput {
    if args.contains(&"--help") {
        return CommandOutput::out(HELP);
    }
    let o = match parse(args) {
        Ok(o) => o,
        Err(e) => return e,
    };
    // Option values convert while parsing (joptsimple), before `validate`.
    let election = match o.election.as_deref() {
        None => None,
        Some(v) if v.eq_ignore_ascii_case("preferred") => Some(ElectionType::Preferred),
        Some(v) if v.eq_ignore_ascii_case("unclean") => Some(ElectionType::Unclean),
        Some(v) => return conversion_error(v, "election-type"),
    };
    let partition = match o.partition.as_deref() {
        None => None,
        Some(v) => match v.parse::<i32>() {
            Ok(p) => Some(p),
            Err(_) => return conversion_error(v, "partition"),
        },
    };
    // LeaderElectionCommand.validate.
    let mut missing = Vec::new();
    if o.bootstrap.is_none() {
        missing.insert(0, "bootstrap-server");
    }
    if election.is_none() {
        missing.insert(0, "election-type");
    }
    if !missing.is_empty() {
        return admin_failed(&format!(
            "Missing required option(s): {}",
            missing.join(", ")
        ));
    }
    let exclusive = [o.topic.is_some(), o.all, o.json_file.is_some()];
    if exclusive.iter().filter(|x| **x).count() != 1 {
        return admin_failed("One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file");
    }
    match (o.topic.is_some(), partition.is_some()) {
        (true, false) => return admin_failed("Missing required option(s): partition"),
        (false, true) => return admin_failed("Option partition is only allowed if topic is used"),
        _ => {}
    }
    if let Some(path) = &o.json_file {
        // The playground has no files to read.
        return CommandOutput::err(1, main_exception("java.nio.file.NoSuchFileException", path));
    }
    let (Some(election), Some(bootstrap)) = (election, o.bootstrap.clone()) else {
        return admin_failed("Missing required option(s): bootstrap-server");
    };
    let servers: Vec<String> = bootstrap
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let unresolved = servers
        .iter()
        .find_map(|s| cluster.resolve_bootstrap(s, inside).err());
    if servers.is_empty() || unresolved.is_some() {
        let host = unresolved.unwrap_or_default();
        return CommandOutput::err(
            1,
            format!(
                "[{t}] WARN Couldn't resolve server {bootstrap} from bootstrap.servers as DNS resolution failed for {host} (org.apache.kafka.clients.ClientUtils)\n\
                 Exception in thread \"main\" org.apache.kafka.common.KafkaException: Failed to create new KafkaAdminClient\n\
                 Caused by: org.apache.kafka.common.config.ConfigException: No resolvable bootstrap urls given in bootstrap.servers\n",
                t = log_time(cluster.now_ms())
            ),
        );
    }
    let partitions = o.topic.clone().zip(partition).map(|tp| vec![tp]);
    let call = AdminCall::ElectLeaders {
        election_type: election,
        partitions,
    };
    let results = match cluster.admin_call(&servers, call, inside) {
        Ok(AdminResult::Elected(r)) => r,
        Ok(AdminResult::TimedOut(c)) => return timed_out(c),
        _ => return timed_out("electLeaders"),
    };
    report(election, results)
}

fn timed_out(call: &str) -> CommandOutput {
    CommandOutput {
        stdout: "Timeout waiting for election results\n".into(),
        stderr: format!(
            "{}Caused by: org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: {call}\n",
            main_exception(
                "kafka.common.AdminCommandFailedException",
                "Timeout waiting for election results"
            )
        ),
        exit_code: 1,
    }
}

/// The exception class an error name maps to (`Errors.exception`).
fn exception_class(code: &str) -> String {
    let name = match code {
        "PREFERRED_LEADER_NOT_AVAILABLE" => "PreferredLeaderNotAvailableException",
        "ELIGIBLE_LEADERS_NOT_AVAILABLE" => "EligibleLeadersNotAvailableException",
        "UNKNOWN_TOPIC_OR_PARTITION" => "UnknownTopicOrPartitionException",
        "INVALID_TOPIC_EXCEPTION" => "InvalidTopicException",
        "REQUEST_TIMED_OUT" => "TimeoutException",
        "NOT_CONTROLLER" => "NotControllerException",
        _ => "UnknownServerException",
    };
    format!("org.apache.kafka.common.errors.{name}")
}

/// LeaderElectionCommand.electLeaders' report: successes, no-ops, then one line per failure
/// (and the AdminCommandFailedException that ends the JVM).
fn report(election: ElectionType, results: Vec<(String, i32, CreateResult)>) -> CommandOutput {
    let mut ok = Vec::new();
    let mut noop = Vec::new();
    let mut failed = Vec::new();
    for (t, p, r) in results {
        match r {
            Ok(()) => ok.push((t, p)),
            Err((code, _)) if code == "ELECTION_NOT_NEEDED" => noop.push((t, p)),
            Err((code, msg)) => failed.push(((t, p), (code, msg))),
        }
    }
    let names = |v: Vec<TopicPartition>| -> String {
        scala_hash_order(v, |tp| tp.clone())
            .iter()
            .map(|(t, p)| format!("{t}-{p}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let kind = election.name();
    let mut out = CommandOutput::default();
    if !ok.is_empty() {
        out.stdout.push_str(&format!(
            "Successfully completed leader election ({kind}) for partitions {}\n",
            names(ok)
        ));
    }
    if !noop.is_empty() {
        out.stdout.push_str(&format!(
            "Valid replica already elected for partitions {}\n",
            names(noop)
        ));
    }
    if !failed.is_empty() {
        let n = failed.len();
        out.stderr = main_exception(
            "kafka.common.AdminCommandFailedException",
            &format!("{n} replica(s) could not be elected"),
        );
        for ((t, p), (code, msg)) in scala_hash_order(failed, |f| f.0.clone()) {
            let e = format!("{}: {msg}", exception_class(&code));
            out.stdout.push_str(&format!(
                "Error completing leader election ({kind}) for partition: {t}-{p}: {e}\n"
            ));
            out.stderr.push_str(&format!("\tSuppressed: {e}\n"));
        }
        out.exit_code = 1;
    }
    out
}

/// Iteration order of a Scala 2.13 `mutable.HashSet`/`HashMap` of TopicPartitions filled in
/// this order: table 16 doubling when the size reaches 3/4; buckets by the improved hash
/// (`h ^ h >>> 16`), each bucket sorted by that hash (ties keep insertion order).
pub fn scala_hash_order<T>(items: Vec<T>, key: impl Fn(&T) -> TopicPartition) -> Vec<T> {
    let mut table = 16usize;
    for n in 1..=items.len() {
        if n >= table * 3 / 4 {
            table *= 2;
        }
    }
    let mut keyed: Vec<(usize, i32, T)> = items
        .into_iter()
        .map(|t| {
            let h = topic_partition_hash(&key(&t));
            let improved = h ^ ((h as u32) >> 16) as i32;
            ((improved as u32 as usize) & (table - 1), improved, t)
        })
        .collect();
    crate::sort::sort_by_key(&mut keyed, |(b, h, _)| (*b, *h));
    keyed.into_iter().map(|(_, _, t)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scala_order_is_by_bucket_then_hash() {
        let tps: Vec<TopicPartition> = (0..3).map(|p| ("my-topic".to_string(), p)).collect();
        let order = scala_hash_order(tps.clone(), |t| t.clone());
        assert_eq!(order.len(), 3);
        // Deterministic and a permutation.
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(sorted, tps);
        assert_eq!(order, scala_hash_order(tps, |t| t.clone()));
    }

    #[test]
    fn report_lines_match_the_command() {
        let r = report(
            ElectionType::Preferred,
            vec![
                ("t".into(), 0, Ok(())),
                (
                    "t".into(),
                    1,
                    Err((
                        "ELECTION_NOT_NEEDED".into(),
                        "Leader election not needed for topic partition.".into(),
                    )),
                ),
                (
                    "t".into(),
                    2,
                    Err((
                        "PREFERRED_LEADER_NOT_AVAILABLE".into(),
                        "Failed to elect leader for partition t-2 under strategy PreferredReplicaPartitionLeaderElectionStrategy".into(),
                    )),
                ),
            ],
        );
        assert_eq!(
            r.stdout,
            "Successfully completed leader election (PREFERRED) for partitions t-0\n\
             Valid replica already elected for partitions t-1\n\
             Error completing leader election (PREFERRED) for partition: t-2: org.apache.kafka.common.errors.PreferredLeaderNotAvailableException: Failed to elect leader for partition t-2 under strategy PreferredReplicaPartitionLeaderElectionStrategy\n"
        );
        assert_eq!(r.exit_code, 1);
        assert!(r
            .stderr
            .starts_with("Exception in thread \"main\" kafka.common.AdminCommandFailedException: 1 replica(s) could not be elected\n"));
    }
}
