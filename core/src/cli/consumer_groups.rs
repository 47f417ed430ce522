//! `kafka-consumer-groups` (3.0): `--list`, `--describe --group G [--members [--verbose] |
//! --state | --offsets]`, `--delete`, `--delete-offsets` and `--reset-offsets`
//! ([`super::consumer_groups_reset`]), asking the brokers over the simulated network as the
//! admin client does (ListGroups to every broker; FindCoordinator, DescribeGroups,
//! OffsetFetch, OffsetCommit, DeleteGroups and OffsetDelete to the coordinator; ListOffsets to
//! the partition leaders).
//!
//! The options are checked in `ConsumerGroupCommandOptions.checkArgs`' order and with its
//! wording; usage errors exit 2 (the playground's convention), errors the tool reports with
//! `printError` go to standard output and exit 0, as the tool does.

use crate::broker::admin::{AdminCall, AdminResult, Dialable};
use crate::broker::messages::{
    GroupRequest, GroupResponse, KafkaMessage, TopicMetadata, LATEST_TIMESTAMP,
};
use crate::cli::consumer_groups_reset as reset;
use crate::cli::CommandOutput;
use crate::cluster::Cluster;
use crate::kafka::assignor::java_hash_order;
use crate::kafka::group::GroupDescription;
use crate::kafka::group_describe::{
    describe_members, describe_offsets, describe_state, list, Coordinator, GroupOffsets,
};
use crate::kafka::partitioner::java_string_hash;
use crate::ordered::OrdMap as BTreeMap;
use crate::sim::node::HostId;

/// `default.api.timeout.ms` for one call of `--list` / `--describe`.
const CALL_TIMEOUT_MS: u64 = 30_000;
/// `request.timeout.ms` of the admin client.
const REQUEST_TIMEOUT_MS: u64 = 30_000;
/// `retry.backoff.ms`.
const RETRY_BACKOFF_MS: u64 = 100;
/// `--timeout`'s default: the API timeout of `--delete`, `--delete-offsets`, `--reset-offsets`.
const DEFAULT_TIMEOUT_MS: u64 = 5_000;

pub(crate) type TopicPartition = (String, i32);

#[derive(Default, Debug)]
pub(crate) struct Opts {
    pub bootstrap: Option<String>,
    pub list: bool,
    pub describe: bool,
    pub delete: bool,
    pub delete_offsets: bool,
    pub reset_offsets: bool,
    pub groups: Vec<String>,
    pub all_groups: bool,
    pub topics: Vec<String>,
    pub all_topics: bool,
    pub members: bool,
    pub verbose: bool,
    pub state: bool,
    pub offsets: bool,
    pub dry_run: bool,
    pub execute: bool,
    pub export: bool,
    pub timeout_ms: Option<u64>,
    /// The reset scenarios given, in command-line order: (option name, its value).
    pub scenarios: Vec<(&'static str, Option<String>)>,
}

impl Opts {
    pub fn timeout(&self) -> u64 {
        self.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS)
    }

    pub fn scenario(&self, name: &str) -> Option<&Option<String>> {
        self.scenarios
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }

    fn has(&self, option: &str) -> bool {
        match option {
            "list" => self.list,
            "describe" => self.describe,
            "delete" => self.delete,
            "reset-offsets" => self.reset_offsets,
            "group" => !self.groups.is_empty(),
            "all-groups" => self.all_groups,
            _ => self.scenario(option).is_some(),
        }
    }
}

/// The numeric value of an option, as joptsimple converts it.
fn number<T: std::str::FromStr>(option: &str, v: &str) -> Result<T, String> {
    v.parse::<T>()
        .map_err(|_| format!("Cannot parse argument '{v}' of option {option}"))
}

pub(crate) fn parse(args: &[&str]) -> Result<Opts, String> {
    let mut o = Opts::default();
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        let mut value = || -> Result<String, String> {
            i += 1;
            args.get(i)
                .map(|s| s.to_string())
                .ok_or_else(|| format!("Option {a} requires an argument"))
        };
        match a {
            "--bootstrap-server" => o.bootstrap = Some(value()?),
            "--list" => o.list = true,
            "--describe" => o.describe = true,
            "--delete" => o.delete = true,
            "--delete-offsets" => o.delete_offsets = true,
            "--reset-offsets" => o.reset_offsets = true,
            "--group" => o.groups.push(value()?),
            "--all-groups" => o.all_groups = true,
            "--topic" => o.topics.push(value()?),
            "--all-topics" => o.all_topics = true,
            "--members" => o.members = true,
            "--verbose" => o.verbose = true,
            "--state" => o.state = true,
            "--offsets" => o.offsets = true,
            "--dry-run" => o.dry_run = true,
            "--execute" => o.execute = true,
            "--export" => o.export = true,
            "--timeout" => o.timeout_ms = Some(number("timeout", &value()?)?),
            "--to-earliest" | "--to-latest" | "--to-current" => {
                let name = reset::scenario_name(a).expect("listed");
                if o.scenario(name).is_none() {
                    o.scenarios.push((name, None));
                }
            }
            "--to-offset" | "--shift-by" | "--to-datetime" | "--by-duration" | "--from-file" => {
                let name = reset::scenario_name(a).expect("listed");
                let v = value()?;
                if matches!(name, "to-offset" | "shift-by") {
                    number::<i64>(name, &v)?;
                }
                o.scenarios.retain(|(n, _)| *n != name);
                o.scenarios.push((name, Some(v)));
            }
            "--command-config" => {
                value()?;
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

/// `checkArgs` in its order: the usage error, if any, and the warning it prints on the way
/// (`--reset-offsets` without `--execute` or `--dry-run`).
pub(crate) fn check_args(o: &Opts) -> (Option<String>, String) {
    let mut warning = String::new();
    if o.bootstrap.is_none() {
        return (
            Some("Missing required argument \"[bootstrap-server]\"".into()),
            warning,
        );
    }
    let scope = "[group], [all-groups]";
    if o.describe {
        if o.groups.is_empty() && !o.all_groups {
            let e = format!("Option [describe] takes one of these options: {scope}");
            return (Some(e), warning);
        }
        if [o.members, o.offsets, o.state]
            .iter()
            .filter(|x| **x)
            .count()
            > 1
        {
            let e = "Option [describe] takes at most one of these options: [members], [offsets], [state]";
            return (Some(e.into()), warning);
        }
    }
    if o.delete {
        if o.groups.is_empty() && !o.all_groups {
            let e = format!("Option [delete] takes one of these options: {scope}");
            return (Some(e), warning);
        }
        if !o.topics.is_empty() {
            let e = "The consumer does not support topic-specific offset deletion from a consumer group.";
            return (Some(e.into()), warning);
        }
    }
    if o.delete_offsets && (o.groups.is_empty() || o.topics.is_empty()) {
        let e = "Option [delete-offsets] takes the following options: [group], [topic]";
        return (Some(e.into()), warning);
    }
    if o.reset_offsets {
        if o.dry_run && o.execute {
            let e = "Option [reset-offsets] only accepts one of [execute] and [dry-run]";
            return (Some(e.into()), warning);
        }
        if !o.dry_run && !o.execute {
            warning.push_str("WARN: No action will be performed as the --execute option is missing.In a future major release, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.\n");
        }
        if o.groups.is_empty() && !o.all_groups {
            let e = format!("Option [reset-offsets] takes one of these options: {scope}");
            return (Some(e), warning);
        }
        if let Some(e) = reset::scenario_conflict(&o.scenarios) {
            return (Some(e), warning);
        }
    }
    let invalid = |used: &str, others: &[&str]| {
        others
            .iter()
            .find(|x| o.has(x))
            .map(|x| format!("Option \"[{used}]\" can't be used with option \"[{x}]\""))
    };
    if !o.groups.is_empty() {
        if let Some(e) = invalid("group", &["all-groups"]).or_else(|| invalid("group", &["list"])) {
            return (Some(e), warning);
        }
    }
    if !o.topics.is_empty() {
        if let Some(e) = invalid("topic", &["list", "describe"]) {
            return (Some(e), warning);
        }
    }
    (None, warning)
}

/// The timeout the tool reports when a call cannot complete.
pub(crate) fn timeout(call: &str) -> CommandOutput {
    CommandOutput::err(
        1,
        format!("Error: Executing consumer group command failed due to org.apache.kafka.common.errors.TimeoutException: Call(callName={call}) timed out\n"),
    )
}

/// `printError`: a blank line and `Error: …` on standard output.
pub(crate) fn print_error(msg: &str) -> String {
    format!("\nError: {msg}\n")
}

/// What `e.toString` says for the exception a Kafka error code becomes.
pub(crate) fn exception(error: &str) -> String {
    let (class, message) = match error {
        "NON_EMPTY_GROUP" => ("GroupNotEmptyException", "The group is not empty."),
        "GROUP_ID_NOT_FOUND" => ("GroupIdNotFoundException", "The group id does not exist."),
        "GROUP_SUBSCRIBED_TO_TOPIC" => (
            "GroupSubscribedToTopicException",
            "Deleting offsets of a topic is forbidden while the consumer group is actively subscribed to it.",
        ),
        "UNKNOWN_TOPIC_OR_PARTITION" => (
            "UnknownTopicOrPartitionException",
            "This server does not host this topic-partition.",
        ),
        "LEADER_NOT_AVAILABLE" => (
            "LeaderNotAvailableException",
            "There is no leader for this topic-partition as we are in the middle of a leadership election.",
        ),
        "NOT_LEADER_OR_FOLLOWER" => (
            "NotLeaderOrFollowerException",
            "For requests intended only for the leader, this error indicates that the broker is not the current leader. For requests intended for any replica, this error indicates that the broker is not a replica of the topic partition.",
        ),
        "UNKNOWN_MEMBER_ID" => (
            "UnknownMemberIdException",
            "The coordinator is not aware of this member.",
        ),
        "ILLEGAL_GENERATION" => (
            "IllegalGenerationException",
            "Specified group generation id is not valid.",
        ),
        "REBALANCE_IN_PROGRESS" => (
            "RebalanceInProgressException",
            "The group is rebalancing, so a rejoin is needed.",
        ),
        "REQUEST_TIMED_OUT" => ("TimeoutException", "The request timed out."),
        "COORDINATOR_NOT_AVAILABLE" => (
            "CoordinatorNotAvailableException",
            "The coordinator is not available.",
        ),
        "NOT_COORDINATOR" => (
            "NotCoordinatorException",
            "This is not the correct coordinator.",
        ),
        "OFFSET_METADATA_TOO_LARGE" => (
            "OffsetMetadataTooLarge",
            "The metadata field of the offset request was too large.",
        ),
        "INVALID_COMMIT_OFFSET_SIZE" => (
            "InvalidCommitOffsetSizeException",
            "The committing offset data size is not valid.",
        ),
        _ => (
            "UnknownServerException",
            "The server experienced an unexpected error when processing the request.",
        ),
    };
    format!("org.apache.kafka.common.errors.{class}: {message}")
}

/// Errors after which the admin client finds the coordinator again and retries.
fn coordinator_error(e: &str) -> bool {
    matches!(
        e,
        "NOT_COORDINATOR" | "COORDINATOR_NOT_AVAILABLE" | "COORDINATOR_LOAD_IN_PROGRESS"
    )
}

/// A call that failed: a timeout, or the exception the admin client completed it with.
#[derive(Debug)]
pub(crate) enum CallError {
    Timeout(&'static str),
    Failed(String),
}

/// The admin client of one run of the tool: the bootstrap connection and the metadata.
pub(crate) struct Session<'a> {
    pub servers: Vec<String>,
    pub entry: Dialable,
    pub book: Vec<Dialable>,
    /// (broker id, address on the bootstrap listener) of the registered brokers.
    pub brokers: Vec<(i32, String)>,
    pub meta: Vec<TopicMetadata>,
    pub inside: Option<&'a str>,
}

impl<'a> Session<'a> {
    /// Bootstraps: resolves the servers and reads the cluster metadata.
    pub fn open(
        c: &mut Cluster,
        bootstrap: &str,
        inside: Option<&'a str>,
        call: &'static str,
    ) -> Result<Session<'a>, CommandOutput> {
        let servers: Vec<String> = bootstrap.split(',').map(|s| s.trim().to_string()).collect();
        let Some(entry) = servers
            .iter()
            .find_map(|s| c.resolve_bootstrap(s, inside).ok().flatten())
        else {
            return Err(timeout(call));
        };
        let meta = match c.admin_call(&servers, AdminCall::Metadata { call }, inside) {
            Ok(AdminResult::Metadata { topics, .. }) => topics,
            _ => return Err(timeout(call)),
        };
        let brokers: Vec<(i32, String)> = c
            .snapshot()
            .brokers
            .iter()
            .filter(|b| b.registered)
            .filter_map(|b| {
                let cfg = c.config().brokers.iter().find(|x| x.broker_id == b.id)?;
                let l = cfg.listeners.iter().find(|l| l.name == entry.listener)?;
                Some((b.id, l.address()))
            })
            .collect();
        Ok(Session {
            servers,
            entry,
            book: c.dial_book(),
            brokers,
            meta,
            inside,
        })
    }

    pub fn host_of(&self, addr: &str) -> Option<HostId> {
        self.book.iter().find(|d| d.address == addr).map(|d| d.host)
    }

    /// Reads the metadata again (describeTopics, listOffsets' leader lookup).
    pub fn refresh(&mut self, c: &mut Cluster, call: &'static str) -> Result<(), CallError> {
        match c.admin_call(&self.servers, AdminCall::Metadata { call }, self.inside) {
            Ok(AdminResult::Metadata { topics, .. }) => {
                self.meta = topics;
                Ok(())
            }
            _ => Err(CallError::Timeout(call)),
        }
    }

    /// `describeTopics`: the partitions of a topic, or the exception.
    pub fn partitions_of(&self, topic: &str) -> Result<Vec<TopicPartition>, String> {
        match self.meta.iter().find(|t| t.name == topic) {
            Some(t) if t.error.is_none() => {
                let mut ps: Vec<i32> = t.partitions.iter().map(|p| p.partition).collect();
                crate::sort::sort(&mut ps);
                Ok(ps.into_iter().map(|p| (topic.to_string(), p)).collect())
            }
            Some(t) => Err(exception(t.error.as_deref().unwrap_or(""))),
            None => Err(exception("UNKNOWN_TOPIC_OR_PARTITION")),
        }
    }

    /// FindCoordinator through the bootstrap server, retried (COORDINATOR_NOT_AVAILABLE while
    /// `__consumer_offsets` is being created) until `deadline`.
    pub fn find_coordinator(
        &self,
        c: &mut Cluster,
        group: &str,
        deadline: u64,
    ) -> Option<(Coordinator, HostId)> {
        let find = KafkaMessage::FindCoordinator {
            corr: 1,
            key: group.to_string(),
            listener: self.entry.listener.clone(),
        };
        loop {
            let wait = deadline
                .saturating_sub(c.now_ms())
                .clamp(1, REQUEST_TIMEOUT_MS);
            match c.request(self.entry.host, find.clone(), self.inside, wait) {
                Some(Ok(KafkaMessage::FindCoordinatorResponse {
                    result: Ok((id, host, port)),
                    ..
                })) => {
                    let h = self.host_of(&format!("{host}:{port}"))?;
                    return Some((Coordinator { host, port, id }, h));
                }
                _ if c.now_ms() + RETRY_BACKOFF_MS < deadline => c.run_for(RETRY_BACKOFF_MS),
                _ => return None,
            }
        }
    }

    /// One group request to the coordinator.
    pub fn ask(
        &self,
        c: &mut Cluster,
        coordinator: HostId,
        group: &str,
        request: GroupRequest,
        wait_ms: u64,
    ) -> Option<GroupResponse> {
        let m = KafkaMessage::Group {
            corr: 1,
            group_id: group.to_string(),
            request,
        };
        match c.request(coordinator, m, self.inside, wait_ms.max(1)) {
            Some(Ok(KafkaMessage::GroupResponse { response, .. })) => Some(response),
            _ => None,
        }
    }

    /// A group call as the admin client makes it: find the coordinator, send, and start over
    /// after `retry.backoff.ms` while the answer is a coordinator error, until `deadline`.
    /// `coordinator_errors` picks such an error out of the answer.
    pub fn group_call(
        &self,
        c: &mut Cluster,
        group: &str,
        request: GroupRequest,
        deadline: u64,
        call: &'static str,
        coordinator_errors: impl Fn(&GroupResponse) -> bool,
    ) -> Result<GroupResponse, CallError> {
        loop {
            let Some((_, ch)) = self.find_coordinator(c, group, deadline) else {
                return Err(CallError::Timeout(call));
            };
            let wait = deadline.saturating_sub(c.now_ms()).min(REQUEST_TIMEOUT_MS);
            match self.ask(c, ch, group, request.clone(), wait) {
                Some(r) if !coordinator_errors(&r) => return Ok(r),
                _ if c.now_ms() + RETRY_BACKOFF_MS < deadline => c.run_for(RETRY_BACKOFF_MS),
                _ => return Err(CallError::Timeout(call)),
            }
        }
    }

    /// DescribeGroups for one group.
    pub fn describe_group(
        &self,
        c: &mut Cluster,
        group: &str,
        deadline: u64,
    ) -> Result<GroupDescription, CallError> {
        let r = self.group_call(
            c,
            group,
            GroupRequest::Describe,
            deadline,
            "describeConsumerGroups",
            |r| matches!(r, GroupResponse::Error(e) if coordinator_error(e)),
        )?;
        match r {
            GroupResponse::Describe(d) => Ok(d),
            _ => Err(CallError::Timeout("describeConsumerGroups")),
        }
    }

    /// `listConsumerGroupOffsets`: the committed offsets (offset ≥ 0 only).
    pub fn committed_offsets(
        &self,
        c: &mut Cluster,
        group: &str,
        deadline: u64,
    ) -> Result<BTreeMap<TopicPartition, i64>, CallError> {
        let r = self.group_call(
            c,
            group,
            GroupRequest::OffsetFetch { partitions: None },
            deadline,
            "listConsumerGroupOffsets",
            |r| matches!(r, GroupResponse::Error(e) if coordinator_error(e)),
        )?;
        match r {
            GroupResponse::OffsetFetch(l) => Ok(l.into_iter().filter(|(_, o)| *o >= 0).collect()),
            _ => Err(CallError::Timeout("listConsumerGroupOffsets")),
        }
    }

    /// `listConsumerGroups`: ListGroups to every broker; consumer groups only, in the order
    /// the brokers answered.
    pub fn list_groups(&self, c: &mut Cluster) -> Vec<(String, String)> {
        let mut groups = Vec::new();
        for (_, addr) in &self.brokers {
            let Some(h) = self.host_of(addr) else {
                continue;
            };
            let req = KafkaMessage::Group {
                corr: 1,
                group_id: String::new(),
                request: GroupRequest::List,
            };
            if let Some(Ok(KafkaMessage::GroupResponse {
                response: GroupResponse::List(l),
                ..
            })) = c.request(h, req, self.inside, CALL_TIMEOUT_MS)
            {
                groups.extend(l.into_iter().map(|(id, pt, _)| (id, pt)));
            }
        }
        groups
    }

    /// ListOffsets with `timestamp` (latest, earliest or a time) from each partition's
    /// leader: every partition's offset, or the exception of the first that has none.
    pub fn list_offsets(
        &self,
        c: &mut Cluster,
        wanted: &[TopicPartition],
        timestamp: i64,
    ) -> Result<BTreeMap<TopicPartition, i64>, CallError> {
        let mut per_leader: BTreeMap<i32, Vec<(String, i32, i64)>> = BTreeMap::new();
        for (t, p) in wanted {
            let Some(topic) = self.meta.iter().find(|m| &m.name == t) else {
                return Err(CallError::Failed(exception("UNKNOWN_TOPIC_OR_PARTITION")));
            };
            let Some(part) = topic.partitions.iter().find(|q| q.partition == *p) else {
                return Err(CallError::Failed(exception("UNKNOWN_TOPIC_OR_PARTITION")));
            };
            if part.leader < 0 {
                return Err(CallError::Failed(exception("LEADER_NOT_AVAILABLE")));
            }
            per_leader
                .entry(part.leader)
                .or_default()
                .push((t.clone(), *p, timestamp));
        }
        let mut out = BTreeMap::new();
        for (leader, parts) in per_leader {
            let Some(h) = self
                .brokers
                .iter()
                .find(|b| b.0 == leader)
                .and_then(|b| self.host_of(&b.1))
            else {
                return Err(CallError::Timeout("listOffsets"));
            };
            let req = KafkaMessage::ListOffsets {
                corr: 1,
                partitions: parts,
            };
            match c.request(h, req, self.inside, REQUEST_TIMEOUT_MS) {
                Some(Ok(KafkaMessage::ListOffsetsResponse { partitions, .. })) => {
                    for (t, p, r) in partitions {
                        match r {
                            Ok(o) => {
                                out.insert((t, p), o);
                            }
                            Err(e) => return Err(CallError::Failed(exception(&e))),
                        }
                    }
                }
                _ => return Err(CallError::Timeout("listOffsets")),
            }
        }
        Ok(out)
    }
}

/// `--help`: the options the playground models.
pub const HELP: &str =
    "Lists, describes and deletes consumer groups, and resets or deletes their offsets.
Option                                   Description
------                                   -----------
--bootstrap-server <host:port,...>       REQUIRED: the servers to bootstrap from
--list                                   list the consumer groups
--describe --group <group>               committed offsets, log-end offsets and lag per partition
  --members [--verbose]                  the members (and their assignment)
  --state                                coordinator, assignment strategy, state, #members
--delete --group <group> | --all-groups  delete empty groups (their offsets too)
--delete-offsets --group <group>         delete the group's committed offsets of the topics
  --topic <topic[:p,...]>                  (not those an active group is subscribed to)
--reset-offsets --group <group> | --all-groups
                                         reset the offsets of inactive groups; --dry-run (the
                                         default) prints the plan, --execute commits it
  scope: --topic <topic[:p,...]> (repeatable) | --all-topics (every committed partition)
  spec:  --to-earliest | --to-latest | --to-current | --to-offset <n> | --shift-by <n> |
         --to-datetime <YYYY-MM-DDTHH:mm:SS.sss[Z|+hh:mm]> | --by-duration <PnDTnHnMnS>
         (out-of-range offsets are clamped to the log start/end; time is the virtual clock)
  --export                               print the plan as CSV
--timeout <ms>                           API timeout of delete/reset calls (default 5000)
";

pub fn run(c: &mut Cluster, args: &[&str], inside: Option<&str>) -> CommandOutput {
    if args.contains(&"--help") {
        return CommandOutput::out(HELP);
    }
    let o = match parse(args) {
        Ok(o) => o,
        Err(e) => return CommandOutput::err(2, format!("{e}\n")),
    };
    let (usage, warning) = check_args(&o);
    if let Some(e) = usage {
        return CommandOutput::err(2, format!("{warning}{e}\n"));
    }
    let actions = [
        o.list,
        o.describe,
        o.delete,
        o.reset_offsets,
        o.delete_offsets,
    ];
    if actions.iter().filter(|x| **x).count() != 1 {
        return CommandOutput::err(
            2,
            format!("{warning}Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets\n"),
        );
    }
    if o.scenario("from-file").is_some() {
        return CommandOutput::err(
            2,
            "kafka-consumer-groups --from-file: not simulated yet in this version of the playground (there are no files to read)\n",
        );
    }
    if o.describe && o.all_groups {
        return CommandOutput::err(
            2,
            "kafka-consumer-groups --describe --all-groups: not simulated yet in this version of the playground\n",
        );
    }
    let bootstrap = o.bootstrap.clone().unwrap_or_default();
    let call = if o.list {
        "listGroups"
    } else if o.delete {
        "deleteConsumerGroups"
    } else if o.delete_offsets {
        "deleteConsumerGroupOffsets"
    } else {
        "describeConsumerGroups"
    };
    let mut s = match Session::open(c, &bootstrap, inside, call) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let mut out = if o.list {
        CommandOutput::out(list(&s.list_groups(c)))
    } else if o.describe {
        describe(c, &s, &o)
    } else if o.delete {
        delete_groups(c, &s, &o)
    } else if o.delete_offsets {
        delete_offsets(c, &mut s, &o)
    } else {
        reset::run(c, &mut s, &o)
    };
    out.stderr.insert_str(0, &warning);
    out
}

fn describe(c: &mut Cluster, s: &Session, o: &Opts) -> CommandOutput {
    let group = o.groups[0].clone();
    let deadline = c.now_ms() + CALL_TIMEOUT_MS;
    let Some((coordinator, ch)) = s.find_coordinator(c, &group, deadline) else {
        return timeout("describeConsumerGroups");
    };
    let description: GroupDescription =
        match s.ask(c, ch, &group, GroupRequest::Describe, CALL_TIMEOUT_MS) {
            Some(GroupResponse::Describe(d)) => d,
            _ => return timeout("describeConsumerGroups"),
        };
    let printed = if o.state {
        describe_state(&[(description, coordinator)])
    } else if o.members {
        describe_members(&[description], o.verbose)
    } else {
        let committed: BTreeMap<TopicPartition, i64> = match s.ask(
            c,
            ch,
            &group,
            GroupRequest::OffsetFetch { partitions: None },
            CALL_TIMEOUT_MS,
        ) {
            Some(GroupResponse::OffsetFetch(l)) => l.into_iter().filter(|(_, o)| *o >= 0).collect(),
            _ => return timeout("listConsumerGroupOffsets"),
        };
        let mut wanted: Vec<TopicPartition> = committed.keys().cloned().collect();
        for m in &description.members {
            wanted.extend(m.assignment.iter().cloned());
        }
        crate::sort::sort(&mut wanted);
        wanted.dedup();
        let log_end_offsets = latest_offsets(c, s, &wanted);
        describe_offsets(&[GroupOffsets {
            description,
            committed,
            log_end_offsets,
        }])
    };
    CommandOutput {
        stdout: printed.stdout,
        stderr: printed.stderr,
        exit_code: 0,
    }
}

/// ListOffsets latest (the HW) from each partition's leader; partitions without a leader or
/// an answer are left out (`-` in the table).
fn latest_offsets(
    c: &mut Cluster,
    s: &Session,
    wanted: &[TopicPartition],
) -> BTreeMap<TopicPartition, i64> {
    let mut per_leader: BTreeMap<i32, Vec<(String, i32, i64)>> = BTreeMap::new();
    for (t, p) in wanted {
        let leader = s
            .meta
            .iter()
            .find(|m| &m.name == t)
            .and_then(|m| m.partitions.iter().find(|q| q.partition == *p))
            .map(|q| q.leader)
            .filter(|l| *l >= 0);
        if let Some(l) = leader {
            per_leader
                .entry(l)
                .or_default()
                .push((t.clone(), *p, LATEST_TIMESTAMP));
        }
    }
    let mut out = BTreeMap::new();
    for (leader, parts) in per_leader {
        let Some(h) = s
            .brokers
            .iter()
            .find(|b| b.0 == leader)
            .and_then(|b| s.host_of(&b.1))
        else {
            continue;
        };
        let req = KafkaMessage::ListOffsets {
            corr: 1,
            partitions: parts,
        };
        if let Some(Ok(KafkaMessage::ListOffsetsResponse { partitions, .. })) =
            c.request(h, req, s.inside, CALL_TIMEOUT_MS)
        {
            for (t, p, r) in partitions {
                if let Ok(o) = r {
                    out.insert((t, p), o);
                }
            }
        }
    }
    out
}

/// The groups `--group` names, or every consumer group for `--all-groups`.
pub(crate) fn group_ids(c: &mut Cluster, s: &Session, o: &Opts) -> Vec<String> {
    if o.all_groups {
        let listed = s.list_groups(c);
        list(&listed).lines().map(str::to_string).collect()
    } else {
        let mut ids: Vec<String> = Vec::new();
        for g in &o.groups {
            if !ids.contains(g) {
                ids.push(g.clone());
            }
        }
        ids
    }
}

/// `--delete`: DeleteGroups through each group's coordinator; only Empty groups go.
fn delete_groups(c: &mut Cluster, s: &Session, o: &Opts) -> CommandOutput {
    let ids = group_ids(c, s, o);
    let deadline = c.now_ms() + o.timeout();
    let mut results: Vec<(String, Result<(), String>)> = Vec::new();
    for g in &ids {
        let r = s.group_call(
            c,
            g,
            GroupRequest::DeleteGroup,
            deadline,
            "deleteConsumerGroups",
            |r| matches!(r, GroupResponse::DeleteGroup(e) | GroupResponse::Error(e) if coordinator_error(e)),
        );
        let outcome = match r {
            Ok(GroupResponse::DeleteGroup(e)) if e == "NONE" => Ok(()),
            Ok(GroupResponse::DeleteGroup(e)) | Ok(GroupResponse::Error(e)) => Err(format!(
                "java.util.concurrent.ExecutionException: {}",
                exception(&e)
            )),
            _ => Err("java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.TimeoutException: Call(callName=deleteConsumerGroups) timed out".to_string()),
        };
        results.push((g.clone(), outcome));
    }
    // The futures come back in a HashMap keyed by group id.
    let results = java_hash_order(results, |(g, _)| java_string_hash(g));
    CommandOutput::out(delete_report(&results))
}

/// What `deleteGroups` prints for the outcomes (in the tool's map order).
pub(crate) fn delete_report(results: &[(String, Result<(), String>)]) -> String {
    let quoted = |names: Vec<&str>| format!("'{}'", names.join("', '"));
    let ok: Vec<&str> = results
        .iter()
        .filter(|(_, r)| r.is_ok())
        .map(|(g, _)| g.as_str())
        .collect();
    let failed: Vec<(&str, &str)> = results
        .iter()
        .filter_map(|(g, r)| r.as_ref().err().map(|e| (g.as_str(), e.as_str())))
        .collect();
    if failed.is_empty() {
        return format!(
            "Deletion of requested consumer groups ({}) was successful.\n",
            quoted(ok)
        );
    }
    let mut out = print_error("Deletion of some consumer groups failed:");
    for (g, e) in failed {
        out.push_str(&format!("* Group '{g}' could not be deleted due to: {e}\n"));
    }
    if !ok.is_empty() {
        out.push_str(&format!(
            "\nThese consumer groups were deleted successfully: {}\n",
            quoted(ok)
        ));
    }
    out
}

/// `--delete-offsets --group G --topic T[:p,…]…`: OffsetDelete through the coordinator.
fn delete_offsets(c: &mut Cluster, s: &mut Session, o: &Opts) -> CommandOutput {
    let group = o.groups[0].clone();
    let mut level: Vec<(TopicPartition, Option<String>)> = Vec::new();
    let mut partitions: Vec<TopicPartition> = Vec::new();
    let mut whole: Vec<String> = Vec::new();
    for t in &o.topics {
        if t.contains(':') {
            match reset::parse_topic_partitions(t) {
                Ok(ps) => partitions.extend(ps),
                Err(e) => return CommandOutput::err(2, format!("{e}\n")),
            }
        } else if !whole.contains(t) {
            whole.push(t.clone());
        }
    }
    if !whole.is_empty() {
        if let Err(e) = s.refresh(c, "describeTopics") {
            return call_failed(e, "");
        }
        // describeTopics answers in a HashMap keyed by topic name.
        for t in java_hash_order(whole, |t| java_string_hash(t)) {
            match s.partitions_of(&t) {
                Ok(ps) => partitions.extend(ps),
                Err(e) => level.push(((t, -1), Some(e))),
            }
        }
    }
    let mut unique: Vec<TopicPartition> = Vec::new();
    for tp in partitions {
        if !unique.contains(&tp) {
            unique.push(tp);
        }
    }
    let deadline = c.now_ms() + o.timeout();
    let request = GroupRequest::OffsetDelete {
        partitions: unique.clone(),
    };
    let answer = s.group_call(
        c,
        &group,
        request,
        deadline,
        "deleteConsumerGroupOffsets",
        |r| matches!(r, GroupResponse::OffsetDelete(e, _) | GroupResponse::Error(e) if coordinator_error(e)),
    );
    let (group_error, per_partition) = match answer {
        Ok(GroupResponse::OffsetDelete(e, ps)) => (e, ps),
        Ok(GroupResponse::Error(e)) => (e, Vec::new()),
        _ => ("REQUEST_TIMED_OUT".to_string(), Vec::new()),
    };
    // `all()` fails with the group's error, else with the first partition's.
    let top = if group_error != "NONE" {
        group_error.clone()
    } else {
        unique
            .iter()
            .find_map(|tp| {
                per_partition
                    .iter()
                    .find(|(x, e)| x == tp && e != "NONE")
                    .map(|(_, e)| e.clone())
            })
            .unwrap_or_else(|| "NONE".into())
    };
    for tp in &unique {
        let e = if group_error != "NONE" {
            Some(group_error.clone())
        } else {
            per_partition
                .iter()
                .find(|(x, _)| x == tp)
                .map(|(_, e)| e.clone())
                .filter(|e| e != "NONE")
        };
        let e = e.map(|e| exception(&e));
        level.push((tp.clone(), e));
    }
    let mut out = match top.as_str() {
        "NONE" => format!(
            "Request succeed for deleting offsets with topic {} group {group}\n",
            o.topics.join(", ")
        ),
        "GROUP_ID_NOT_FOUND" => print_error(&format!("'{group}' does not exist.")),
        "NON_EMPTY_GROUP" => print_error(&format!(
            "Deleting offsets of a consumer group '{group}' is forbidden if the group is not empty."
        )),
        "GROUP_SUBSCRIBED_TO_TOPIC" | "UNKNOWN_TOPIC_OR_PARTITION" => {
            print_error("Encounter some partition level error, see the follow-up details:")
        }
        other => print_error(&format!("Encounter some unknown error: {other}")),
    };
    out.push_str(&reset::delete_offsets_table(&level));
    CommandOutput::out(out)
}

/// A failed call as `run`'s catch-all reports it.
pub(crate) fn call_failed(e: CallError, printed: &str) -> CommandOutput {
    match e {
        CallError::Timeout(call) => {
            let mut t = timeout(call);
            t.stdout.insert_str(0, printed);
            t
        }
        CallError::Failed(msg) => CommandOutput::out(format!(
            "{printed}{}",
            print_error(&format!(
                "Executing consumer group command failed due to {msg}"
            ))
        )),
    }
}
