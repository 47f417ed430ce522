//! Read-only views of the consumer groups for the page: each group as its coordinator holds
//! it, with the rows `kafka-consumer-groups --describe` would print (committed offset, log-end
//! offset and lag per partition, computed by [`crate::kafka::group_describe::offset_rows`]),
//! and what each group consumer process believes about its own membership.
//!
//! Like [`Cluster::topics`], these read the processes' state directly: no request is sent, no
//! event happens and nothing random is drawn, so looking never changes the run.

use crate::ordered::OrdMap as BTreeMap;

use crate::broker::coordinator::OFFSETS_TOPIC;
use crate::client::membership::Phase;
use crate::cluster::Cluster;
use crate::kafka::describe::{GroupState, OffsetRow};
use crate::kafka::group::MemberDescription;
use crate::kafka::group_describe::{offset_rows, GroupOffsets};
use crate::sim::node::HostId;
use crate::snapshot::TopicView;

/// One consumer group on its coordinator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupView {
    pub group_id: String,
    /// The broker id of the coordinator holding the group.
    pub coordinator: i32,
    pub state: GroupState,
    /// The generation of the last rebalance (0 before the first).
    pub generation: i32,
    /// `consumer`, or empty for a group that only committed offsets.
    pub protocol_type: String,
    /// The assignor chosen in the last rebalance, if any.
    pub protocol: Option<String>,
    /// The leader's member id, while the group has members.
    pub leader: Option<String>,
    /// As DescribeGroups answers: in join order; assignments only while Stable.
    pub members: Vec<MemberDescription>,
    /// `kafka-consumer-groups --describe` rows, in the tool's order.
    pub offsets: Vec<OffsetRow>,
}

impl GroupView {
    /// Sum of the lags the tool prints (partitions without a committed offset count 0).
    pub fn total_lag(&self) -> i64 {
        self.offsets.iter().filter_map(OffsetRow::lag).sum()
    }
}

/// What a group consumer process believes about its membership.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberState {
    pub group_id: String,
    /// Empty until the coordinator gave one.
    pub member_id: String,
    /// -1 until the first JoinGroup answer.
    pub generation: i32,
    pub phase: Phase,
    /// The partitions of the last SyncGroup answer (empty while rebalancing).
    pub assigned: Vec<(String, i32)>,
    /// The coordinator's broker id, once found.
    pub coordinator: Option<i32>,
}

/// The leader replica's high watermark of each partition (what ListOffsets latest returns).
pub fn high_watermarks(topics: &[TopicView]) -> BTreeMap<(String, i32), i64> {
    topics
        .iter()
        .flat_map(|t| {
            t.partitions.iter().filter_map(move |p| {
                let o = p.offsets.iter().find(|o| Some(o.broker) == p.leader)?;
                Some(((t.name.clone(), p.partition), o.high_watermark))
            })
        })
        .collect()
}

impl Cluster {
    /// Every consumer group a running broker coordinates, by group id; `topics` (from
    /// [`Cluster::topics`]) give the log-end offsets.
    pub fn consumer_groups_in(&self, topics: &[TopicView]) -> Vec<GroupView> {
        let hws = high_watermarks(topics);
        let mut out: BTreeMap<String, GroupView> = BTreeMap::new();
        for b in self.running_brokers() {
            for (id, g) in &b.coordinator.groups {
                if g.state() == GroupState::Dead || !b.coordinates(id) || out.contains_key(id) {
                    continue;
                }
                let description = g.describe();
                let committed: BTreeMap<(String, i32), i64> = g
                    .offsets()
                    .iter()
                    .filter(|(_, o)| o.offset >= 0)
                    .map(|(tp, o)| (tp.clone(), o.offset))
                    .collect();
                let mut wanted: Vec<(String, i32)> = committed.keys().cloned().collect();
                for m in &description.members {
                    wanted.extend(m.assignment.iter().cloned());
                }
                let log_end_offsets = wanted
                    .into_iter()
                    .filter(|tp| tp.0 != OFFSETS_TOPIC)
                    .filter_map(|tp| Some((tp.clone(), *hws.get(&tp)?)))
                    .collect();
                let group = GroupOffsets {
                    description,
                    committed,
                    log_end_offsets,
                };
                out.insert(
                    id.clone(),
                    GroupView {
                        group_id: id.clone(),
                        coordinator: b.id(),
                        state: g.state(),
                        generation: g.generation(),
                        protocol_type: g.protocol_type().unwrap_or_default().to_string(),
                        protocol: g.protocol_name().map(str::to_string),
                        leader: g.leader().map(str::to_string),
                        offsets: offset_rows(&group),
                        members: group.description.members,
                    },
                );
            }
        }
        out.into_values().collect()
    }

    /// [`Cluster::consumer_groups_in`] with the topics read now.
    pub fn consumer_groups(&self) -> Vec<GroupView> {
        self.consumer_groups_in(&self.topics())
    }

    /// The membership of a group consumer process, while it runs one.
    pub fn member_state(&self, h: HostId) -> Option<MemberState> {
        let c = self.simulator().host(h).process.as_ref()?.as_consumer()?;
        let g = c.group.as_ref()?;
        Some(MemberState {
            group_id: g.group_id.clone(),
            member_id: g.member_id.clone(),
            generation: g.generation,
            phase: g.phase.clone(),
            assigned: g.assigned.clone(),
            coordinator: g.coordinator.as_ref().map(|(id, _)| *id),
        })
    }

    /// Records a consumer process has handed out since it started (a running count).
    pub fn consumed_count(&self, h: HostId) -> Option<u64> {
        let c = self.simulator().host(h).process.as_ref()?.as_consumer()?;
        Some(c.delivered)
    }

    /// Every running consumer process with its running count of records handed out.
    pub fn delivered_counts(&self) -> Vec<(HostId, u64)> {
        self.simulator()
            .hosts()
            .iter()
            .enumerate()
            .filter_map(|(h, slot)| Some((h, slot.process.as_ref()?.as_consumer()?.delivered)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::consumer::OffsetReset;
    use crate::client::membership::Membership;

    const SERVERS: [&str; 1] = ["kafka1:19091"];

    fn servers() -> Vec<String> {
        SERVERS.iter().map(|s| s.to_string()).collect()
    }

    fn booted() -> Cluster {
        let mut c = Cluster::seed_cluster(5);
        assert!(c.wait_until_ready(60_000));
        assert!(c.wait_until_brokers_ready(60_000));
        let out = c.run_command(
            "kafka-topics --create --topic my-topic --bootstrap-server kafka1:19091 --partitions 3 --replication-factor 2",
            None,
        );
        assert_eq!(out.exit_code, 0, "{out:?}");
        c
    }

    fn member(c: &mut Cluster, group: &str) -> HostId {
        let m = Membership::new(group, &format!("consumer-{group}-1"), Vec::new());
        c.start_group_consumer(
            "console-consumer",
            &servers(),
            "my-topic",
            OffsetReset::Earliest,
            m,
            None,
        )
        .unwrap()
    }

    fn partitions(c: &Cluster, h: HostId) -> Vec<i32> {
        let mut p: Vec<i32> = c
            .member_state(h)
            .map(|m| m.assigned.iter().map(|tp| tp.1).collect())
            .unwrap_or_default();
        p.sort_unstable();
        p
    }

    #[test]
    fn groups_show_members_generations_and_lag_and_looking_changes_nothing() {
        let mut c = booted();
        assert!(c.consumer_groups().is_empty());
        let a = member(&mut c, "g1");
        assert!(c.run_until_or(30_000, |c| partitions(c, a).len() == 3));
        let b = member(&mut c, "g1");
        assert!(c.run_until_or(30_000, |c| {
            partitions(c, a).len() + partitions(c, b).len() == 3 && !partitions(c, b).is_empty()
        }));
        let (ma, mb) = (c.member_state(a).unwrap(), c.member_state(b).unwrap());
        assert_eq!(ma.generation, mb.generation);
        assert!(ma.generation >= 2, "{ma:?}");
        assert_eq!(ma.phase, Phase::Stable);
        let hash = c.event_log_hash();
        let groups = c.consumer_groups();
        assert_eq!(c.event_log_hash(), hash, "reading is not an event");
        assert_eq!(groups.len(), 1);
        let g = &groups[0];
        assert_eq!(
            (g.group_id.as_str(), g.state, g.generation),
            ("g1", GroupState::Stable, ma.generation)
        );
        assert_eq!(g.members.len(), 2);
        assert!(g.members.iter().any(|m| m.member_id == ma.member_id));
        assert_eq!(g.offsets.len(), 3, "{:?}", g.offsets);
        assert_eq!(g.protocol.as_deref(), Some("range"));

        // Records produced and not yet committed show as lag.
        let p = c
            .start_producer(
                "p",
                &servers(),
                crate::client::producer::ProducerConfig::console(),
                None,
            )
            .unwrap();
        // Committed offsets exist once the first auto-commit ran.
        assert!(c.run_until_or(10_000, |c| c.consumer_groups()[0]
            .offsets
            .iter()
            .all(|r| r.current_offset.is_some())));
        for i in 0..10 {
            c.produce(p, "my-topic", Some(i % 3), None, Some(format!("v{i}")));
        }
        // Until the next auto-commit, the tool would print a lag.
        assert!(c.run_until_or(10_000, |c| c.consumer_groups()[0].total_lag() > 0));
        // Auto-commit catches up within a few seconds.
        c.run_for(12_000);
        assert_eq!(c.consumer_groups()[0].total_lag(), 0);
        assert_eq!(
            c.consumed_count(a).unwrap() + c.consumed_count(b).unwrap(),
            10
        );

        // One member leaves: the other takes every partition in the next generation.
        c.stop_client(b);
        assert!(c.run_until_or(30_000, |c| partitions(c, a).len() == 3));
        let g = &c.consumer_groups()[0];
        assert_eq!(g.members.len(), 1);
        assert!(g.generation > ma.generation);
        assert_eq!(c.member_state(a).unwrap().generation, g.generation);
    }
}
