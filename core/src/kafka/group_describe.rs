//! What `kafka-consumer-groups.sh` (3.0, `ConsumerGroupCommand`) prints for `--list` and
//! `--describe` (offsets, `--members [--verbose]`, `--state`), from plain data: the groups'
//! DescribeGroups answers ([`GroupDescription`]), committed offsets and log-end offsets.
//!
//! The table layouts live in [`super::describe`]; this module decides which rows appear, in
//! which order, and which notices come first. Row order follows the tool: it reads a member's
//! assignment into a `java.util.HashSet` and the committed offsets into a HashMap, then sorts
//! stably by partition number only, so same-numbered partitions of different topics keep the
//! hash order, which we reproduce ([`super::assignor::java_hash_order`]).

use crate::ordered::OrdMap as BTreeMap;

use super::assignor::{java_hash_order, java_hash_order_in, topic_partition_hash, TopicPartition};
use super::describe::{
    group_notice, members_table, offsets_table, state_table, GroupState, MemberRow, OffsetRow,
    StateRow,
};
use super::group::GroupDescription;

/// What the tool writes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Printed {
    pub stdout: String,
    pub stderr: String,
}

impl Printed {
    fn push(&mut self, other: Printed) {
        self.stdout.push_str(&other.stdout);
        self.stderr.push_str(&other.stderr);
    }
}

/// `--list`: the ids ListGroups returned that are consumer groups (protocol type `consumer`,
/// or empty for groups that only committed offsets), one per line, in the order given (the
/// admin client's: per broker, in each coordinator's own map order).
pub fn list(groups: &[(String, String)]) -> String {
    groups
        .iter()
        .filter(|(_, protocol_type)| protocol_type.is_empty() || protocol_type == "consumer")
        .map(|(id, _)| format!("{id}\n"))
        .collect()
}

/// `--list --state [S,…]`'s argument: exact state names, comma-separated; an empty value
/// means every state. The error is the usage message the tool dies with.
pub fn parse_state_filter(value: &str) -> Result<Vec<GroupState>, String> {
    const ALL: [GroupState; 5] = [
        GroupState::PreparingRebalance,
        GroupState::CompletingRebalance,
        GroupState::Stable,
        GroupState::Dead,
        GroupState::Empty,
    ];
    if value.is_empty() {
        return Ok(Vec::new());
    }
    value
        .split(',')
        .map(|s| {
            ALL.into_iter()
                .find(|st| st.as_str() == s.trim())
                .ok_or_else(|| {
                    let valid: Vec<&str> = ALL.iter().map(|s| s.as_str()).collect();
                    format!(
                        "Invalid state list '{value}'. Valid states are: {}",
                        valid.join(", ")
                    )
                })
        })
        .collect()
}

/// `--list --state`: `GROUP` padded to the longest id (at least 15), then `STATE`; only the
/// consumer groups in `states` (all when empty).
pub fn list_with_state(groups: &[(String, String, GroupState)], states: &[GroupState]) -> String {
    let shown: Vec<&(String, String, GroupState)> = groups
        .iter()
        .filter(|(_, t, s)| {
            (t.is_empty() || t == "consumer") && (states.is_empty() || states.contains(s))
        })
        .collect();
    let width = shown
        .iter()
        .map(|(id, _, _)| id.encode_utf16().count())
        .fold(15, usize::max);
    let line = |a: &str, b: &str| {
        let pad = width.saturating_sub(a.encode_utf16().count());
        format!("{a}{} {b}\n", " ".repeat(pad))
    };
    let mut out = line("GROUP", "STATE");
    for (id, _, state) in shown {
        out.push_str(&line(id, state.as_str()));
    }
    out
}

/// One group for the offsets view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupOffsets {
    pub description: GroupDescription,
    /// OffsetFetch for all partitions: the committed (next-to-read) offsets.
    pub committed: BTreeMap<TopicPartition, i64>,
    /// ListOffsets latest (the high watermark); a missing partition prints `-`.
    pub log_end_offsets: BTreeMap<TopicPartition, i64>,
}

/// Iteration order of `new HashSet<>(collection)`: its table is sized for the collection.
fn hash_set_order(items: &[TopicPartition]) -> Vec<TopicPartition> {
    let wanted = (items.len() as f32 / 0.75) as usize + 1;
    let table = wanted.max(16).next_power_of_two();
    java_hash_order_in(items.to_vec(), topic_partition_hash, table)
}

/// `collectGroupOffsets`: members with partitions, most partitions first, each member's
/// partitions by number; then committed partitions no member holds, consumer columns `-`.
pub fn offset_rows(g: &GroupOffsets) -> Vec<OffsetRow> {
    let group = &g.description.group_id;
    let row = |tp: &TopicPartition, member: Option<(&str, &str, &str)>| {
        let current_offset = g.committed.get(tp).copied();
        OffsetRow {
            group: group.clone(),
            topic: Some(tp.0.clone()),
            partition: Some(tp.1),
            current_offset,
            log_end_offset: g.log_end_offsets.get(tp).copied(),
            consumer_id: Some(member.map_or("-", |m| m.0).to_string()),
            host: Some(member.map_or("-", |m| m.1).to_string()),
            client_id: Some(member.map_or("-", |m| m.2).to_string()),
        }
    };
    let mut members: Vec<_> = g
        .description
        .members
        .iter()
        .filter(|m| !m.assignment.is_empty())
        .collect();
    crate::sort::sort_by_key(&mut members, |m| std::cmp::Reverse(m.assignment.len()));
    let mut rows = Vec::new();
    for m in &members {
        let mut tps = hash_set_order(&m.assignment);
        crate::sort::sort_by_key(&mut tps, |tp| tp.1);
        let who = (
            m.member_id.as_str(),
            m.client_host.as_str(),
            m.client_id.as_str(),
        );
        rows.extend(tps.iter().map(|tp| row(tp, Some(who))));
    }
    let committed: Vec<TopicPartition> = g.committed.keys().cloned().collect();
    let mut unowned: Vec<TopicPartition> = java_hash_order(committed, topic_partition_hash)
        .into_iter()
        .filter(|tp| !members.iter().any(|m| m.assignment.contains(tp)))
        .collect();
    crate::sort::sort_by_key(&mut unowned, |tp| tp.1);
    rows.extend(unowned.iter().map(|tp| row(tp, None)));
    rows
}

/// `--describe` (the offsets view) for the groups asked, printed in group-id order.
pub fn describe_offsets(groups: &[GroupOffsets]) -> Printed {
    let mut sorted: Vec<&GroupOffsets> = groups.iter().collect();
    crate::sort::sort_by(&mut sorted, |a, b| {
        a.description.group_id.cmp(&b.description.group_id)
    });
    let mut out = Printed::default();
    for g in sorted {
        let rows = offset_rows(g);
        let d = &g.description;
        let notice = group_notice(&d.group_id, d.state, Some(rows.len()));
        out.push(Printed {
            stdout: notice.stdout,
            stderr: notice.stderr,
        });
        if notice.print_table {
            out.stdout.push_str(&offsets_table(&rows));
        }
    }
    out
}

/// `--describe --members [--verbose]`, in group-id order.
pub fn describe_members(groups: &[GroupDescription], verbose: bool) -> Printed {
    let mut sorted: Vec<&GroupDescription> = groups.iter().collect();
    crate::sort::sort_by(&mut sorted, |a, b| a.group_id.cmp(&b.group_id));
    let mut out = Printed::default();
    for d in sorted {
        let rows: Vec<MemberRow> = d
            .members
            .iter()
            .map(|m| MemberRow {
                group: d.group_id.clone(),
                consumer_id: m.member_id.clone(),
                group_instance_id: String::new(),
                host: m.client_host.clone(),
                client_id: m.client_id.clone(),
                assignment: m.assignment.clone(),
            })
            .collect();
        let notice = group_notice(&d.group_id, d.state, Some(rows.len()));
        out.push(Printed {
            stdout: notice.stdout,
            stderr: notice.stderr,
        });
        if notice.print_table {
            out.stdout.push_str(&members_table(&rows, verbose));
        }
    }
    out
}

/// The coordinator as `--describe --state` names it: the endpoint of the listener the tool
/// connected through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coordinator {
    pub host: String,
    pub port: u16,
    pub id: i32,
}

/// `--describe --state`, in group-id order. An Empty group still gets its table (after the
/// "no active members" notice); a Dead one only the error.
pub fn describe_state(groups: &[(GroupDescription, Coordinator)]) -> Printed {
    let mut sorted: Vec<&(GroupDescription, Coordinator)> = groups.iter().collect();
    crate::sort::sort_by(&mut sorted, |a, b| a.0.group_id.cmp(&b.0.group_id));
    let mut out = Printed::default();
    for (d, c) in sorted {
        let notice = group_notice(&d.group_id, d.state, Some(1));
        out.push(Printed {
            stdout: notice.stdout,
            stderr: notice.stderr,
        });
        if notice.print_table {
            out.stdout.push_str(&state_table(&StateRow {
                group: &d.group_id,
                coordinator_host: &c.host,
                coordinator_port: c.port,
                coordinator_id: c.id,
                assignment_strategy: &d.protocol,
                state: d.state,
                members: d.members.len(),
            }));
        }
    }
    out
}

#[cfg(test)]
mod tests;
