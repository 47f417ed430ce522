//! The group metadata record the coordinator writes to `__consumer_offsets` (`storeGroup`) and
//! reads back when it becomes the coordinator (`GroupMetadata.loadGroup`).
//!
//! Kafka writes a binary `GroupMetadataValue` (version 3 in 3.0); its message formatter prints
//! it as JSON with these field names. We store that JSON, with the subscription and the
//! assignment as readable lists (`topic-partition`) instead of the consumer protocol's bytes,
//! so the Kafdrop-like browser shows what a student can read.

use serde::{Deserialize, Serialize};

use super::{Group, GroupConfig, GroupState, Member};
use crate::kafka::assignor::{Subscription, TopicPartition};

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GroupMetadataValue {
    protocol_type: String,
    generation: i32,
    protocol: Option<String>,
    leader: Option<String>,
    current_state_timestamp: i64,
    members: Vec<MemberMetadataValue>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MemberMetadataValue {
    member_id: String,
    group_instance_id: Option<String>,
    client_id: String,
    client_host: String,
    rebalance_timeout: u64,
    session_timeout: u64,
    subscription: Vec<String>,
    assignment: Vec<String>,
}

fn partition_name((topic, partition): &TopicPartition) -> String {
    format!("{topic}-{partition}")
}

/// `topic-partition` back to its parts; topic names may contain `-`, partitions may not.
fn parse_partition(name: &str) -> Option<TopicPartition> {
    let (topic, partition) = name.rsplit_once('-')?;
    Some((topic.to_string(), partition.parse().ok()?))
}

impl Group {
    /// The record `storeGroup` appends: the group as it stands, with the leader's assignment
    /// being stored when there is one. `timestamp_ms` is the wall-clock time of the write.
    pub fn metadata_record(&self, timestamp_ms: i64) -> String {
        let plan = self.pending_store.as_ref().map(|(_, p)| p);
        let protocol = self.protocol_name.clone();
        let members = self
            .members
            .iter()
            .map(|m| {
                let assignment = plan
                    .and_then(|p| p.iter().find(|(id, _)| *id == m.id))
                    .map_or(&m.assignment, |(_, a)| a);
                let subscription = protocol
                    .as_deref()
                    .map(|p| m.metadata(p).topics)
                    .unwrap_or_default();
                MemberMetadataValue {
                    member_id: m.id.clone(),
                    group_instance_id: None,
                    client_id: m.client_id.clone(),
                    client_host: m.client_host.clone(),
                    rebalance_timeout: m.rebalance_timeout_ms,
                    session_timeout: m.session_timeout_ms,
                    subscription,
                    assignment: assignment.iter().map(partition_name).collect(),
                }
            })
            .collect();
        let value = GroupMetadataValue {
            protocol_type: self.protocol_type.clone().unwrap_or_default(),
            generation: self.generation,
            protocol,
            leader: self.leader.clone(),
            current_state_timestamp: timestamp_ms,
            members,
        };
        serde_json::to_string(&value).unwrap_or_default()
    }

    /// `GroupMetadata.loadGroup`: the group a metadata record describes, Stable with its
    /// members when it has any (each gets a fresh session from `now`, as `onGroupLoaded`
    /// schedules), Empty otherwise. `None` for a record this coordinator did not write.
    pub fn from_metadata_record(
        group_id: &str,
        config: GroupConfig,
        record: &str,
        now: u64,
    ) -> Option<Group> {
        let value: GroupMetadataValue = serde_json::from_str(record).ok()?;
        let mut group = Group::new(group_id, config);
        group.generation = value.generation;
        group.protocol_type = Some(value.protocol_type).filter(|t| !t.is_empty());
        group.protocol_name = value.protocol.clone();
        group.leader = value.leader;
        for m in value.members {
            let assignment = m
                .assignment
                .iter()
                .map(|a| parse_partition(a))
                .collect::<Option<Vec<_>>>()?;
            let subscription = Subscription {
                topics: m.subscription,
                ..Subscription::default()
            };
            group.members.push(Member {
                id: m.member_id,
                client_id: m.client_id,
                client_host: m.client_host,
                rebalance_timeout_ms: m.rebalance_timeout,
                session_timeout_ms: m.session_timeout,
                protocols: value
                    .protocol
                    .iter()
                    .map(|p| (p.clone(), subscription.clone()))
                    .collect(),
                assignment,
                awaiting_join: false,
                awaiting_sync: false,
                is_new: false,
                session_deadline: Some(now + m.session_timeout),
            });
        }
        group.state = if group.members.is_empty() {
            GroupState::Empty
        } else {
            GroupState::Stable
        };
        Some(group)
    }
}
