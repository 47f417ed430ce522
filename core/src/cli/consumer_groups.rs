//! `kafka-consumer-groups` (3.0): `--list`, `--describe --group G [--members [--verbose] |
//! --state | --offsets]`, asking the brokers over the simulated network as the admin client
//! does (ListGroups to every broker; FindCoordinator, DescribeGroups and OffsetFetch to the
//! coordinator; ListOffsets latest to the partition leaders for LOG-END-OFFSET).

use crate::broker::admin::{AdminCall, AdminResult};
use crate::broker::messages::{GroupRequest, GroupResponse, KafkaMessage, LATEST_TIMESTAMP};
use crate::cli::CommandOutput;
use crate::cluster::Cluster;
use crate::kafka::group::GroupDescription;
use crate::kafka::group_describe::{
    describe_members, describe_offsets, describe_state, list, Coordinator, GroupOffsets,
};
use crate::sim::node::HostId;
use std::collections::BTreeMap;

/// `default.api.timeout.ms` for one call.
const CALL_TIMEOUT_MS: u64 = 30_000;

#[derive(Default, Debug)]
struct Opts {
    bootstrap: Option<String>,
    list: bool,
    describe: bool,
    group: Option<String>,
    members: bool,
    verbose: bool,
    state: bool,
    other: Option<String>,
}

fn parse(args: &[&str]) -> Result<Opts, String> {
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
            "--group" => o.group = Some(value()?),
            "--members" => o.members = true,
            "--verbose" => o.verbose = true,
            "--state" => o.state = true,
            "--offsets" => {}
            "--reset-offsets" | "--delete" | "--delete-offsets" => o.other = Some(a.to_string()),
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

fn timeout(call: &str) -> CommandOutput {
    CommandOutput::err(
        1,
        format!("Error: Executing consumer group command failed due to org.apache.kafka.common.errors.TimeoutException: Call(callName={call}) timed out\n"),
    )
}

/// `--help`: the options the playground models.
pub const HELP: &str = "Lists and describes consumer groups.
Option                                   Description
------                                   -----------
--bootstrap-server <host:port,...>       REQUIRED: the servers to bootstrap from
--list                                   list the consumer groups
--describe --group <group>               committed offsets, log-end offsets and lag per partition
  --members [--verbose]                  the members (and their assignment)
  --state                                coordinator, assignment strategy, state, #members
";

pub fn run(c: &mut Cluster, args: &[&str], inside: Option<&str>) -> CommandOutput {
    if args.contains(&"--help") {
        return CommandOutput::out(HELP);
    }
    let o = match parse(args) {
        Ok(o) => o,
        Err(e) => return CommandOutput::err(2, format!("{e}\n")),
    };
    if let Some(a) = &o.other {
        return CommandOutput::err(
            2,
            format!(
                "kafka-consumer-groups {a}: not simulated yet in this version of the playground\n"
            ),
        );
    }
    let Some(bootstrap) = o.bootstrap.clone() else {
        return CommandOutput::err(2, "Missing required argument \"[bootstrap-server]\"\n");
    };
    if o.list == o.describe {
        return CommandOutput::err(
            2,
            "Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets\n",
        );
    }
    let servers: Vec<String> = bootstrap.split(',').map(|s| s.trim().to_string()).collect();
    let Some(entry) = servers
        .iter()
        .find_map(|s| c.resolve_bootstrap(s).ok().flatten())
    else {
        return timeout("listGroups");
    };
    // Metadata through the bootstrap server: the brokers on this listener and the leaders.
    let meta = match c.admin_call(&servers, AdminCall::Metadata { call: "listGroups" }, inside) {
        Ok(AdminResult::Metadata { topics, .. }) => topics,
        _ => return timeout("listGroups"),
    };
    let book = c.dial_book();
    let host_of = |addr: &str| book.iter().find(|d| d.address == addr).map(|d| d.host);
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
    if o.list {
        let mut groups = Vec::new();
        for (_, addr) in &brokers {
            let Some(h) = host_of(addr) else { continue };
            let req = KafkaMessage::Group {
                corr: 1,
                group_id: String::new(),
                request: GroupRequest::List,
            };
            if let Some(Ok(KafkaMessage::GroupResponse {
                response: GroupResponse::List(l),
                ..
            })) = c.request(h, req, inside, CALL_TIMEOUT_MS)
            {
                groups.extend(l.into_iter().map(|(id, pt, _)| (id, pt)));
            }
        }
        return CommandOutput::out(list(&groups));
    }
    let Some(group) = o.group.clone() else {
        return CommandOutput::err(
            2,
            "Option [describe] takes one of these options: [all-groups], [group]\n",
        );
    };
    // FindCoordinator through the bootstrap server.
    let find = KafkaMessage::FindCoordinator {
        corr: 1,
        key: group.clone(),
        listener: entry.listener.clone(),
    };
    // COORDINATOR_NOT_AVAILABLE (e.g. while `__consumer_offsets` is being created) is
    // retriable: the admin client asks again after `retry.backoff.ms` until its timeout.
    let deadline = c.now_ms() + CALL_TIMEOUT_MS;
    let coordinator = loop {
        match c.request(entry.host, find.clone(), inside, CALL_TIMEOUT_MS) {
            Some(Ok(KafkaMessage::FindCoordinatorResponse {
                result: Ok((id, host, port)),
                ..
            })) => break Coordinator { host, port, id },
            _ if c.now_ms() + 100 < deadline => c.run_for(100),
            _ => return timeout("describeConsumerGroups"),
        }
    };
    let Some(ch) = host_of(&format!("{}:{}", coordinator.host, coordinator.port)) else {
        return timeout("describeConsumerGroups");
    };
    let ask = |c: &mut Cluster, request: GroupRequest| -> Option<GroupResponse> {
        let m = KafkaMessage::Group {
            corr: 1,
            group_id: group.clone(),
            request,
        };
        match c.request(ch, m, inside, CALL_TIMEOUT_MS) {
            Some(Ok(KafkaMessage::GroupResponse { response, .. })) => Some(response),
            _ => None,
        }
    };
    let description: GroupDescription = match ask(c, GroupRequest::Describe) {
        Some(GroupResponse::Describe(d)) => d,
        _ => return timeout("describeConsumerGroups"),
    };
    let printed = if o.state {
        describe_state(&[(description, coordinator)])
    } else if o.members {
        describe_members(&[description], o.verbose)
    } else {
        let committed: BTreeMap<(String, i32), i64> =
            match ask(c, GroupRequest::OffsetFetch { partitions: None }) {
                Some(GroupResponse::OffsetFetch(l)) => {
                    l.into_iter().filter(|(_, o)| *o >= 0).collect()
                }
                _ => return timeout("listConsumerGroupOffsets"),
            };
        let mut wanted: Vec<(String, i32)> = committed.keys().cloned().collect();
        for m in &description.members {
            wanted.extend(m.assignment.iter().cloned());
        }
        wanted.sort();
        wanted.dedup();
        let log_end_offsets = latest_offsets(c, &meta, &brokers, &wanted, &host_of, inside);
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

/// ListOffsets latest (the HW) from each partition's leader.
fn latest_offsets(
    c: &mut Cluster,
    meta: &[crate::broker::messages::TopicMetadata],
    brokers: &[(i32, String)],
    wanted: &[(String, i32)],
    host_of: &dyn Fn(&str) -> Option<HostId>,
    inside: Option<&str>,
) -> BTreeMap<(String, i32), i64> {
    let mut per_leader: BTreeMap<i32, Vec<(String, i32, i64)>> = BTreeMap::new();
    for (t, p) in wanted {
        let leader = meta
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
        let Some(h) = brokers
            .iter()
            .find(|b| b.0 == leader)
            .and_then(|b| host_of(&b.1))
        else {
            continue;
        };
        let req = KafkaMessage::ListOffsets {
            corr: 1,
            partitions: parts,
        };
        if let Some(Ok(KafkaMessage::ListOffsetsResponse { partitions, .. })) =
            c.request(h, req, inside, CALL_TIMEOUT_MS)
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
