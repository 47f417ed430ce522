//! The broker as group coordinator (GroupCoordinator + GroupMetadataManager): FindCoordinator
//! points a group at the leader of its `__consumer_offsets` partition, creating that topic on
//! first use with this broker's `offsets.topic.replication.factor`. The groups themselves are
//! `kafka::group::Group` state machines; offset commits are also appended to the offsets
//! partition's log, so a broker that takes over the partition loads the committed offsets
//! from it (members then rejoin, as they do after a coordinator move).

use super::{Broker, BrokerTimer, Pending};
use crate::broker::messages::{GroupRequest, GroupResponse, KafkaMessage, NewRecord};
use crate::broker::zk_state as zs;
use crate::kafka::group::{Group, GroupConfig, GroupError, JoinResult, Replies};
use crate::kafka::partitioner::coordinator_partition;
use crate::sim::node::{Ctx, HostId, Message, Timer};
use std::collections::BTreeMap;

pub const OFFSETS_TOPIC: &str = "__consumer_offsets";

/// The groups this broker coordinates and the requests parked in them.
#[derive(Clone, Debug, Default)]
pub struct Coordinator {
    pub groups: BTreeMap<String, Group>,
    /// Parked JoinGroup/SyncGroup: (group, member) → (client host, corr).
    parked_joins: BTreeMap<(String, String), (HostId, u32)>,
    parked_syncs: BTreeMap<(String, String), (HostId, u32)>,
    /// Offsets partitions whose groups are loaded here.
    loaded: BTreeMap<i32, ()>,
    creating_offsets_topic: bool,
}

impl Broker {
    fn offsets_partitions(&self) -> i32 {
        self.setup.settings.offsets_topic_num_partitions.max(1)
    }

    fn group_partition(&self, group_id: &str) -> i32 {
        coordinator_partition(group_id, self.offsets_partitions() as u32) as i32
    }

    pub(super) fn on_find_coordinator(
        &mut self,
        from: HostId,
        corr: u32,
        key: &str,
        listener: &str,
        ctx: &mut Ctx,
    ) {
        let result = if !self.cache.contains_topic(OFFSETS_TOPIC) {
            self.create_offsets_topic(ctx);
            Err("COORDINATOR_NOT_AVAILABLE".to_string())
        } else {
            let p = self.group_partition(key);
            self.cache
                .partitions
                .get(&(OFFSETS_TOPIC.to_string(), p))
                .filter(|s| self.cache.brokers.contains_key(&s.leader))
                .and_then(|s| {
                    let b = self.cache.brokers.get(&s.leader)?;
                    let e = b.endpoint(listener)?;
                    Some((b.id, e.host.clone(), e.port))
                })
                .ok_or_else(|| "COORDINATOR_NOT_AVAILABLE".to_string())
        };
        let m = KafkaMessage::FindCoordinatorResponse { corr, result };
        ctx.send(from, Message::Kafka(m));
    }

    /// `__consumer_offsets` with `offsets.topic.num.partitions` and this broker's
    /// `offsets.topic.replication.factor` (fails while fewer brokers are alive).
    fn create_offsets_topic(&mut self, ctx: &mut Ctx) {
        if self.coordinator.creating_offsets_topic {
            return;
        }
        let s = &self.setup.settings;
        let t = crate::broker::messages::CreatableTopic {
            name: OFFSETS_TOPIC.to_string(),
            num_partitions: s.offsets_topic_num_partitions,
            replication_factor: i32::from(s.offsets_topic_replication_factor),
            configs: vec![
                ("cleanup.policy".into(), "compact".into()),
                ("compression.type".into(), "producer".into()),
                ("segment.bytes".into(), "104857600".into()),
            ],
        };
        let Ok(json) = self.plan_topic(&t, ctx) else {
            return;
        };
        self.coordinator.creating_offsets_topic = true;
        let cpath = zs::topic_config_path(OFFSETS_TOPIC);
        let config = zs::topic_config_json(&t.configs);
        self.create(ctx, &cpath, Some(config), false, Pending::Ignore);
        let why = Pending::AutoCreate {
            name: OFFSETS_TOPIC.to_string(),
        };
        self.create(ctx, &zs::topic_path(OFFSETS_TOPIC), Some(json), false, why);
    }

    pub(super) fn offsets_topic_created(&mut self) {
        self.coordinator.creating_offsets_topic = false;
    }

    /// Whether this broker leads the group's offsets partition (and so coordinates it).
    pub fn coordinates(&self, group_id: &str) -> bool {
        let key = (OFFSETS_TOPIC.to_string(), self.group_partition(group_id));
        self.replicas
            .parts
            .get(&key)
            .is_some_and(|r| r.leader == self.id())
    }

    /// Keeps the loaded groups in line with the offsets partitions this broker leads: newly
    /// led ones are loaded from their log, lost ones are unloaded.
    pub(super) fn sync_group_ownership(&mut self) {
        let me = self.id();
        let led: Vec<i32> = self
            .replicas
            .parts
            .iter()
            .filter(|((t, _), r)| t == OFFSETS_TOPIC && r.leader == me)
            .map(|((_, p), _)| *p)
            .collect();
        let n = self.offsets_partitions() as u32;
        let gone: Vec<i32> = self
            .coordinator
            .loaded
            .keys()
            .copied()
            .filter(|p| !led.contains(p))
            .collect();
        for p in gone {
            self.coordinator.loaded.remove(&p);
            self.coordinator
                .groups
                .retain(|g, _| coordinator_partition(g, n) as i32 != p);
        }
        for p in led {
            if self.coordinator.loaded.insert(p, ()).is_some() {
                continue;
            }
            // Replay the partition's offset commits (key `group\ttopic\tpartition`).
            let Some(log) = self.replicas.log(&(OFFSETS_TOPIC.to_string(), p)) else {
                continue;
            };
            let mut commits: Vec<(String, (String, i32), i64)> = Vec::new();
            for r in log.records() {
                let (Some(k), Some(v)) = (&r.key, &r.value) else {
                    continue;
                };
                let parts: Vec<&str> = k.split('\t').collect();
                if let ([g, t, q], Ok(off)) = (parts.as_slice(), v.parse::<i64>()) {
                    if let Ok(q) = q.parse::<i32>() {
                        commits.push((g.to_string(), (t.to_string(), q), off));
                    }
                }
            }
            for (g, tp, off) in commits {
                let group = self
                    .coordinator
                    .groups
                    .entry(g.clone())
                    .or_insert_with(|| Group::new(&g, GroupConfig::default()));
                group.commit_offsets(0, "", -1, &[(tp, off, String::new())]);
            }
        }
    }

    pub(super) fn on_group_request(
        &mut self,
        from: HostId,
        corr: u32,
        group_id: String,
        request: GroupRequest,
        ctx: &mut Ctx,
    ) {
        let now = ctx.now;
        let reply = |ctx: &mut Ctx, response: GroupResponse| {
            ctx.send(
                from,
                Message::Kafka(KafkaMessage::GroupResponse { corr, response }),
            );
        };
        if let GroupRequest::List = request {
            let list = self
                .coordinator
                .groups
                .values()
                .filter(|g| g.state() != crate::kafka::group::GroupState::Dead)
                .map(|g| g.overview())
                .collect();
            return reply(ctx, GroupResponse::List(list));
        }
        if !self.coordinates(&group_id) {
            return reply(ctx, GroupResponse::Error("NOT_COORDINATOR".into()));
        }
        let gid = group_id.clone();
        let groups = &mut self.coordinator.groups;
        let mut replies = Replies::default();
        let response = match request {
            GroupRequest::Join(req) => {
                if !groups.contains_key(&gid) && !req.member_id.is_empty() {
                    let r = crate::kafka::group::JoinResponse::error(
                        &req.member_id,
                        GroupError::UnknownMemberId,
                    );
                    return reply(ctx, GroupResponse::Join(r));
                }
                let suffix = zs::uuid_string(|| ctx.random_below(u64::MAX));
                let g = groups
                    .entry(gid.clone())
                    .or_insert_with(|| Group::new(&gid, GroupConfig::default()));
                let (r, rep) = g.join_group(now, req, &suffix);
                replies = rep;
                match r {
                    JoinResult::Now(resp) => Some(GroupResponse::Join(resp)),
                    JoinResult::Parked { member_id } => {
                        self.coordinator
                            .parked_joins
                            .insert((gid.clone(), member_id), (from, corr));
                        None
                    }
                }
            }
            GroupRequest::Sync {
                member_id,
                generation,
                protocol,
                assignments,
            } => match groups.get_mut(&gid) {
                None => Some(GroupResponse::Sync(crate::kafka::group::SyncResponse {
                    error: GroupError::UnknownMemberId,
                    ..Default::default()
                })),
                Some(g) => {
                    let (r, rep) = g.sync_group(
                        now,
                        &member_id,
                        generation,
                        protocol.as_deref(),
                        &assignments,
                    );
                    replies = rep;
                    match r {
                        Some(r) => Some(GroupResponse::Sync(r)),
                        None => {
                            self.coordinator
                                .parked_syncs
                                .insert((gid.clone(), member_id), (from, corr));
                            None
                        }
                    }
                }
            },
            GroupRequest::Heartbeat {
                member_id,
                generation,
            } => Some(GroupResponse::Heartbeat(
                groups
                    .get_mut(&gid)
                    .map_or(GroupError::UnknownMemberId, |g| {
                        g.heartbeat(now, &member_id, generation)
                    })
                    .name()
                    .to_string(),
            )),
            GroupRequest::Leave { member_id } => {
                let e = match groups.get_mut(&gid) {
                    None => GroupError::UnknownMemberId,
                    Some(g) => {
                        let (e, rep) = g.leave_group(now, &member_id);
                        replies = rep;
                        e
                    }
                };
                Some(GroupResponse::Leave(e.name().to_string()))
            }
            GroupRequest::OffsetCommit {
                member_id,
                generation,
                offsets,
            } => {
                if !groups.contains_key(&gid) && generation >= 0 {
                    let all = offsets
                        .iter()
                        .map(|(tp, _)| (tp.clone(), "ILLEGAL_GENERATION".to_string()))
                        .collect();
                    return reply(ctx, GroupResponse::OffsetCommit(all));
                }
                let g = groups
                    .entry(gid.clone())
                    .or_insert_with(|| Group::new(&gid, GroupConfig::default()));
                let with_meta: Vec<_> = offsets
                    .iter()
                    .map(|(tp, o)| (tp.clone(), *o, String::new()))
                    .collect();
                let results = g.commit_offsets(now, &member_id, generation, &with_meta);
                let ok: Vec<((String, i32), i64)> = offsets
                    .iter()
                    .filter(|(tp, _)| {
                        results
                            .iter()
                            .any(|(t, e)| t == tp && *e == GroupError::None)
                    })
                    .cloned()
                    .collect();
                self.store_commits(&gid, &ok);
                Some(GroupResponse::OffsetCommit(
                    results
                        .into_iter()
                        .map(|(tp, e)| (tp, e.name().to_string()))
                        .collect(),
                ))
            }
            GroupRequest::OffsetFetch { partitions } => {
                let list = match groups.get(&gid) {
                    Some(g) => g
                        .fetch_offsets(partitions.as_deref())
                        .into_iter()
                        .map(|(tp, o, _)| (tp, o))
                        .collect(),
                    None => partitions
                        .unwrap_or_default()
                        .into_iter()
                        .map(|tp| (tp, -1))
                        .collect(),
                };
                Some(GroupResponse::OffsetFetch(list))
            }
            GroupRequest::Describe => Some(GroupResponse::Describe(groups.get(&gid).map_or_else(
                || crate::kafka::group::GroupDescription::dead(&gid),
                |g| g.describe(),
            ))),
            GroupRequest::List => None,
        };
        if let Some(r) = response {
            reply(ctx, r);
        }
        self.send_group_replies(&group_id, replies, ctx);
        self.arm_group_timer(&group_id, ctx);
        // Commits appended to the offsets log: followers waiting in a fetch get them now.
        self.complete_fetches(ctx);
    }

    /// Offset commits go to the group's offsets partition log too (for a successor to load).
    fn store_commits(&mut self, group_id: &str, offsets: &[((String, i32), i64)]) {
        if offsets.is_empty() {
            return;
        }
        let me = self.id();
        let key = (OFFSETS_TOPIC.to_string(), self.group_partition(group_id));
        let records = offsets
            .iter()
            .map(|((t, p), o)| NewRecord {
                key: Some(format!("{group_id}\t{t}\t{p}")),
                value: Some(o.to_string()),
                headers: Vec::new(),
                timestamp: 0,
            })
            .collect();
        let _ = self.replicas.append(me, &key, 1, 1, records);
    }

    fn send_group_replies(&mut self, group_id: &str, replies: Replies, ctx: &mut Ctx) {
        for (member, resp) in replies.joins {
            if let Some((host, corr)) = self
                .coordinator
                .parked_joins
                .remove(&(group_id.to_string(), member))
            {
                let m = KafkaMessage::GroupResponse {
                    corr,
                    response: GroupResponse::Join(resp),
                };
                ctx.send(host, Message::Kafka(m));
            }
        }
        for (member, resp) in replies.syncs {
            if let Some((host, corr)) = self
                .coordinator
                .parked_syncs
                .remove(&(group_id.to_string(), member))
            {
                let m = KafkaMessage::GroupResponse {
                    corr,
                    response: GroupResponse::Sync(resp),
                };
                ctx.send(host, Message::Kafka(m));
            }
        }
    }

    fn arm_group_timer(&mut self, group_id: &str, ctx: &mut Ctx) {
        if let Some(at) = self
            .coordinator
            .groups
            .get(group_id)
            .and_then(|g| g.next_deadline())
        {
            let after = at.saturating_sub(ctx.now);
            ctx.set_timer(
                after,
                Timer::Broker(BrokerTimer::Group {
                    group_id: group_id.to_string(),
                }),
            );
        }
    }

    pub(super) fn on_group_timer(&mut self, group_id: &str, ctx: &mut Ctx) {
        let now = ctx.now;
        let Some(g) = self.coordinator.groups.get_mut(group_id) else {
            return;
        };
        if g.next_deadline().is_none_or(|d| d > now) {
            return;
        }
        let replies = g.on_timer(now);
        self.send_group_replies(group_id, replies, ctx);
        self.arm_group_timer(group_id, ctx);
    }
}
