//! The broker as group coordinator (GroupCoordinator + GroupMetadataManager): FindCoordinator
//! points a group at the leader of its `__consumer_offsets` partition, creating that topic on
//! first use with this broker's `offsets.topic.replication.factor`. The groups themselves are
//! `kafka::group::Group` state machines. Offset commits and group assignments are written
//! to the offsets partition's log and answered once replicated ([`super::group_log`]), so a
//! broker that takes over the partition loads the committed offsets from it (members then
//! rejoin, as they do after a coordinator move).

use super::{Broker, BrokerTimer, Pending};
use crate::broker::messages::{GroupRequest, GroupResponse, KafkaMessage};
use crate::broker::zk_state as zs;
use crate::kafka::group::{Group, GroupConfig, GroupError, GroupState, JoinResult, Replies};
use crate::kafka::partitioner::coordinator_partition;
use crate::ordered::OrdMap as BTreeMap;
use crate::sim::node::{Ctx, HostId, Message, Timer};

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
    /// Writes to the offsets log waiting for replication.
    pub(super) appends: BTreeMap<u64, super::group_log::PendingAppend>,
    pub(super) next_append: u64,
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
    pub(super) fn sync_group_ownership(&mut self, ctx: &mut Ctx) {
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
            self.load_offsets_partition(p, ctx);
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
        // DeleteGroups: the group's offsets and whether its metadata was ever stored (both
        // get tombstones). OffsetDelete: the offsets dropped.
        let mut deleted_group: Option<(Vec<(String, i32)>, bool)> = None;
        let mut deleted_offsets: Vec<(String, i32)> = Vec::new();
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
                let results = g.check_commit(now, &member_id, generation, &with_meta);
                let ok: Vec<((String, i32), i64)> = offsets
                    .iter()
                    .filter(|(tp, _)| {
                        results
                            .iter()
                            .any(|(t, e)| t == tp && *e == GroupError::None)
                    })
                    .cloned()
                    .collect();
                if ok.is_empty() {
                    Some(GroupResponse::OffsetCommit(
                        results
                            .into_iter()
                            .map(|(tp, e)| (tp, e.name().to_string()))
                            .collect(),
                    ))
                } else {
                    // Answered once the commit is replicated.
                    self.store_offsets(from, corr, &gid, ok, results, ctx);
                    None
                }
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
            GroupRequest::DeleteGroup => {
                // `handleDeleteGroups`: only an Empty group goes; its offsets and metadata
                // get tombstones and it leaves the cache.
                let e = groups
                    .get_mut(&gid)
                    .map_or(GroupError::GroupIdNotFound, |g| {
                        if g.state() == GroupState::Empty {
                            let offsets: Vec<(String, i32)> = g.offsets().keys().cloned().collect();
                            let stored = g.generation() > 0;
                            let e = g.delete();
                            deleted_group = Some((offsets, stored));
                            e
                        } else {
                            g.delete()
                        }
                    });
                Some(GroupResponse::DeleteGroup(e.name().to_string()))
            }
            GroupRequest::OffsetDelete { partitions } => {
                // `handleDeleteOffsets`: an Empty group loses the offsets asked; an active
                // consumer group keeps those of topics it is subscribed to.
                let (error, results) = match groups.get_mut(&gid) {
                    None => (GroupError::GroupIdNotFound, Vec::new()),
                    Some(g) => match g.state() {
                        GroupState::Dead => (GroupError::GroupIdNotFound, Vec::new()),
                        GroupState::Empty => {
                            let all = partitions.iter().map(|tp| (tp.clone(), GroupError::None));
                            let all = all.collect();
                            deleted_offsets = partitions
                                .into_iter()
                                .filter(|tp| g.remove_offsets(std::slice::from_ref(tp)) > 0)
                                .collect();
                            (GroupError::None, all)
                        }
                        _ if g.protocol_type() == Some("consumer") => {
                            let (busy, free): (Vec<_>, Vec<_>) = partitions
                                .iter()
                                .cloned()
                                .partition(|tp| g.is_subscribed_to_topic(&tp.0));
                            let mut r: Vec<_> = busy
                                .into_iter()
                                .map(|tp| (tp, GroupError::GroupSubscribedToTopic))
                                .collect();
                            r.extend(free.iter().map(|tp| (tp.clone(), GroupError::None)));
                            deleted_offsets = free
                                .into_iter()
                                .filter(|tp| g.remove_offsets(std::slice::from_ref(tp)) > 0)
                                .collect();
                            (GroupError::None, r)
                        }
                        _ => (GroupError::NonEmptyGroup, Vec::new()),
                    },
                };
                Some(GroupResponse::OffsetDelete(
                    error.name().to_string(),
                    results
                        .into_iter()
                        .map(|(tp, e)| (tp, e.name().to_string()))
                        .collect(),
                ))
            }
            GroupRequest::List => None,
        };
        if let Some((offsets, stored)) = deleted_group {
            self.coordinator.groups.remove(&gid);
            self.append_tombstones(&gid, &offsets, stored, true, ctx);
        } else if !deleted_offsets.is_empty() {
            self.append_tombstones(&gid, &deleted_offsets, false, false, ctx);
        }
        if let Some(r) = response {
            reply(ctx, r);
        }
        self.send_group_replies(&group_id, replies, ctx);
        self.arm_group_timer(&group_id, ctx);
        // Commits appended to the offsets log: followers waiting in a fetch get them now.
        self.complete_fetches(ctx);
    }

    pub(super) fn send_group_replies(&mut self, group_id: &str, replies: Replies, ctx: &mut Ctx) {
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
        if let Some(generation) = replies.store {
            self.store_group(group_id, generation, ctx);
        }
    }

    pub(super) fn arm_group_timer(&mut self, group_id: &str, ctx: &mut Ctx) {
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
