//! The consumer's fetch loop without a group (the seed's consumer.py, a console consumer
//! without `--group`, or one given `--partition`): find the partitions, set each position
//! from an explicit offset or `auto.offset.reset` (ListOffsets to the leader), then keep one
//! long-polling Fetch in flight per leader and hand out records below the high watermark.

use super::membership::{Membership, Next, Phase, AUTO_COMMIT_INTERVAL_MS, HEARTBEAT_INTERVAL_MS};
use super::{ClientMetadata, KafkaClientTimer, REQUEST_TIMEOUT_MS, RETRY_BACKOFF_MS};
use crate::broker::admin::Dialable;
use crate::broker::messages::{
    BrokerId, FetchPartition, GroupRequest, GroupResponse, KafkaMessage, Record,
    EARLIEST_TIMESTAMP, LATEST_TIMESTAMP,
};
use crate::sim::node::{Ctx, HostId, Message, Node, Timer};
use std::collections::{BTreeMap, BTreeSet};

/// `fetch.max.wait.ms`.
pub const FETCH_MAX_WAIT_MS: u64 = 500;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OffsetReset {
    Earliest,
    Latest,
}

/// Which partitions to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Assignment {
    /// Every partition of the topic (found through metadata, new ones picked up later).
    Topic(String),
    /// One partition, from an offset (`--partition P --offset O`) or the reset policy.
    Partition {
        topic: String,
        partition: i32,
        offset: Option<i64>,
    },
}

impl Assignment {
    pub fn topic(&self) -> &str {
        match self {
            Assignment::Topic(t) | Assignment::Partition { topic: t, .. } => t,
        }
    }
}

/// A record as the consumer hands it out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsumedRecord {
    pub topic: String,
    pub partition: i32,
    pub record: Record,
}

type TopicPartition = (String, i32);

#[derive(Clone, Debug)]
pub struct Consumer {
    pub reset: OffsetReset,
    pub assignment: Assignment,
    meta: ClientMetadata,
    corr: u32,
    pub positions: BTreeMap<TopicPartition, i64>,
    /// ListOffsets in flight: corr → host.
    resetting: BTreeMap<u32, HostId>,
    /// Partitions whose reset is in flight.
    reset_pending: BTreeSet<TopicPartition>,
    /// Fetches in flight: corr → (broker, host).
    fetching: BTreeMap<u32, (BrokerId, HostId)>,
    poll_armed: bool,
    /// Records received, in arrival order, for the program to print.
    pub records: Vec<ConsumedRecord>,
    /// Records handed out since the start (a running count, never drained).
    pub delivered: u64,
    /// Group membership (`group.id` set): the group decides the partitions.
    pub group: Option<Membership>,
    /// FindCoordinator in flight: corr.
    finding: Option<u32>,
    find_attempts: u32,
    /// Assigned partitions whose committed offset is known (fetched), so a reset may apply.
    committed_known: BTreeSet<TopicPartition>,
}

impl Consumer {
    pub fn new(
        bootstrap: Vec<Dialable>,
        book: Vec<Dialable>,
        assignment: Assignment,
        reset: OffsetReset,
    ) -> Self {
        Consumer {
            reset,
            assignment,
            meta: ClientMetadata::new(bootstrap, book),
            corr: 0,
            positions: BTreeMap::new(),
            resetting: BTreeMap::new(),
            reset_pending: BTreeSet::new(),
            fetching: BTreeMap::new(),
            poll_armed: false,
            records: Vec::new(),
            delivered: 0,
            group: None,
            finding: None,
            find_attempts: 0,
            committed_known: BTreeSet::new(),
        }
    }

    /// Makes this consumer a member of a group (`--group`, `group.id`).
    pub fn with_group(mut self, membership: Membership) -> Self {
        self.group = Some(membership);
        self
    }

    fn next_corr(&mut self) -> u32 {
        self.corr = self.corr.wrapping_add(1);
        self.corr
    }

    fn assigned(&self) -> Vec<TopicPartition> {
        if let Some(g) = &self.group {
            return if g.phase == Phase::Stable {
                g.assigned.clone()
            } else {
                Vec::new()
            };
        }
        match &self.assignment {
            Assignment::Topic(t) => (0..self.meta.partition_count(t).unwrap_or(0) as i32)
                .map(|p| (t.clone(), p))
                .collect(),
            Assignment::Partition {
                topic, partition, ..
            } => {
                if self.meta.partition_count(topic).is_some() {
                    vec![(topic.clone(), *partition)]
                } else {
                    Vec::new()
                }
            }
        }
    }

    fn refresh_metadata(&mut self, ctx: &mut Ctx) {
        let topics = vec![self.assignment.topic().to_string()];
        self.meta.maybe_refresh(&mut self.corr, topics, ctx);
    }

    /// One turn of the poll loop: metadata, resets, fetches.
    fn poll(&mut self, ctx: &mut Ctx) {
        self.refresh_metadata(ctx);
        let assigned = self.assigned();
        // Positions: an explicit offset, else a reset through ListOffsets to the leader.
        let mut resets: BTreeMap<BrokerId, Vec<(String, i32, i64)>> = BTreeMap::new();
        self.drive_group(ctx);
        for tp in &assigned {
            if self.positions.contains_key(tp) || self.reset_pending.contains(tp) {
                continue;
            }
            if self.group.is_some() && !self.committed_known.contains(tp) {
                continue; // OffsetFetch first: a committed offset wins over the reset policy.
            }
            if let Assignment::Partition {
                offset: Some(o), ..
            } = &self.assignment
            {
                if *o >= 0 {
                    self.positions.insert(tp.clone(), *o);
                    continue;
                }
            }
            let Some(leader) = self.meta.leader(&tp.0, tp.1) else {
                self.meta.stale = true;
                continue;
            };
            let ts = match self.reset {
                OffsetReset::Earliest => EARLIEST_TIMESTAMP,
                OffsetReset::Latest => LATEST_TIMESTAMP,
            };
            resets
                .entry(leader)
                .or_default()
                .push((tp.0.clone(), tp.1, ts));
        }
        for (broker, parts) in resets {
            let Some(host) = self.meta.host_of(broker) else {
                continue;
            };
            let corr = self.next_corr();
            for (t, p, _) in &parts {
                self.reset_pending.insert((t.clone(), *p));
            }
            ctx.send(
                host,
                Message::Kafka(KafkaMessage::ListOffsets {
                    corr,
                    partitions: parts,
                }),
            );
            self.resetting.insert(corr, host);
            ctx.set_timer(
                REQUEST_TIMEOUT_MS,
                Timer::KafkaClient(KafkaClientTimer::RequestTimeout { corr }),
            );
        }
        // Fetches: one in flight per leader.
        let busy: BTreeSet<BrokerId> = self.fetching.values().map(|f| f.0).collect();
        let mut fetches: BTreeMap<BrokerId, Vec<FetchPartition>> = BTreeMap::new();
        for tp in &assigned {
            let Some(&pos) = self.positions.get(tp) else {
                continue;
            };
            let Some(leader) = self.meta.leader(&tp.0, tp.1) else {
                self.meta.stale = true;
                continue;
            };
            if busy.contains(&leader) {
                continue;
            }
            let epoch = self.meta.topics[&tp.0][tp.1 as usize].leader_epoch;
            fetches.entry(leader).or_default().push(FetchPartition {
                topic: tp.0.clone(),
                partition: tp.1,
                current_leader_epoch: epoch,
                fetch_offset: pos,
                last_fetched_epoch: None,
            });
        }
        for (broker, parts) in fetches {
            let Some(host) = self.meta.host_of(broker) else {
                continue;
            };
            let corr = self.next_corr();
            ctx.send(
                host,
                Message::Kafka(KafkaMessage::Fetch {
                    corr,
                    replica_id: crate::broker::messages::CONSUMER_REPLICA_ID,
                    max_wait_ms: FETCH_MAX_WAIT_MS,
                    partitions: parts,
                }),
            );
            self.fetching.insert(corr, (broker, host));
            ctx.set_timer(
                REQUEST_TIMEOUT_MS,
                Timer::KafkaClient(KafkaClientTimer::RequestTimeout { corr }),
            );
        }
        if self.meta.stale {
            self.refresh_metadata(ctx);
        }
    }

    /// Poll again after the backoff (something failed or is not ready).
    fn poll_later(&mut self, ctx: &mut Ctx) {
        if !self.poll_armed {
            self.poll_armed = true;
            ctx.set_timer(RETRY_BACKOFF_MS, Timer::KafkaClient(KafkaClientTimer::Poll));
        }
    }

    fn on_kafka(&mut self, msg: KafkaMessage, ctx: &mut Ctx) {
        match msg {
            KafkaMessage::MetadataResponse {
                corr,
                brokers,
                topics,
                ..
            } if self.meta.on_response(corr, &brokers, &topics, ctx.now) => {
                self.poll(ctx);
            }
            KafkaMessage::FindCoordinatorResponse { corr, result } => {
                if self.finding != Some(corr) {
                    return;
                }
                self.finding = None;
                if let Some(g) = self.group.as_mut() {
                    match result {
                        Ok((id, host, port)) => {
                            g.coordinator = Some((id, format!("{host}:{port}")));
                            if g.phase == Phase::Finding || g.phase == Phase::Discover {
                                g.phase = Phase::Join;
                            }
                        }
                        Err(_) => {
                            g.phase = Phase::Discover;
                            self.find_attempts += 1;
                        }
                    }
                }
                self.poll(ctx);
                self.poll_later(ctx);
            }
            KafkaMessage::GroupResponse { corr, response } => {
                self.on_group_response(corr, response, ctx)
            }
            KafkaMessage::ListOffsetsResponse { corr, partitions } => {
                if self.resetting.remove(&corr).is_none() {
                    return;
                }
                for (t, p, r) in partitions {
                    let tp = (t, p);
                    self.reset_pending.remove(&tp);
                    match r {
                        Ok(o) => {
                            self.positions.insert(tp, o);
                        }
                        Err(_) => self.meta.stale = true,
                    }
                }
                self.poll(ctx);
                self.poll_later(ctx);
            }
            KafkaMessage::FetchResponse { corr, partitions } => {
                if self.fetching.remove(&corr).is_none() {
                    return;
                }
                let mut failed = false;
                for p in partitions {
                    let tp = (p.topic.clone(), p.partition);
                    match p.error.as_deref() {
                        None => {}
                        Some("OFFSET_OUT_OF_RANGE") => {
                            // auto.offset.reset applies again.
                            self.positions.remove(&tp);
                            failed = true;
                            continue;
                        }
                        Some(_) => {
                            self.meta.stale = true;
                            failed = true;
                            continue;
                        }
                    }
                    let Some(pos) = self.positions.get(&tp).copied() else {
                        continue;
                    };
                    let mut next = pos;
                    for r in p.records {
                        if r.offset < next {
                            continue;
                        }
                        next = r.offset + 1;
                        self.delivered += 1;
                        self.records.push(ConsumedRecord {
                            topic: tp.0.clone(),
                            partition: tp.1,
                            record: r,
                        });
                    }
                    self.positions.insert(tp, next);
                }
                if failed {
                    self.poll_later(ctx);
                } else {
                    self.poll(ctx);
                }
            }
            _ => {}
        }
    }

    fn coordinator_host(&self) -> Option<HostId> {
        let (_, addr) = self.group.as_ref()?.coordinator.as_ref()?;
        self.meta.dial(addr)
    }

    fn send_group(&mut self, kind: &'static str, request: GroupRequest, ctx: &mut Ctx) {
        let Some(host) = self.coordinator_host() else {
            if let Some(g) = self.group.as_mut() {
                g.lose_coordinator();
            }
            return;
        };
        let corr = self.next_corr();
        let Some(g) = self.group.as_mut() else {
            return;
        };
        g.inflight.insert(corr, kind);
        let group_id = g.group_id.clone();
        ctx.send(
            host,
            Message::Kafka(KafkaMessage::Group {
                corr,
                group_id,
                request,
            }),
        );
        ctx.set_timer(
            REQUEST_TIMEOUT_MS,
            Timer::KafkaClient(KafkaClientTimer::RequestTimeout { corr }),
        );
    }

    /// Moves the membership along: find the coordinator, join, fetch committed offsets.
    fn drive_group(&mut self, ctx: &mut Ctx) {
        let Some(g) = self.group.as_ref() else {
            return;
        };
        match g.phase {
            Phase::Discover if self.finding.is_none() => {
                let key = g.group_id.clone();
                let Some((host, listener)) = self.meta.any_broker(self.find_attempts) else {
                    return;
                };
                let corr = self.next_corr();
                self.finding = Some(corr);
                if let Some(g) = self.group.as_mut() {
                    g.phase = Phase::Finding;
                }
                ctx.send(
                    host,
                    Message::Kafka(KafkaMessage::FindCoordinator {
                        corr,
                        key,
                        listener,
                    }),
                );
                ctx.set_timer(
                    REQUEST_TIMEOUT_MS,
                    Timer::KafkaClient(KafkaClientTimer::RequestTimeout { corr }),
                );
            }
            Phase::Join => {
                // The leader assigns from the topic's partition count: wait for metadata.
                let topic = self.assignment.topic().to_string();
                if self.meta.partition_count(&topic).is_none() {
                    self.meta.stale = true;
                    return;
                }
                let req = g.join_request(&topic);
                if let Some(g) = self.group.as_mut() {
                    g.phase = Phase::Joining;
                }
                self.send_group("join", req, ctx);
            }
            Phase::Stable if !g.fetching_offsets => {
                let missing: Vec<TopicPartition> = g
                    .assigned
                    .iter()
                    .filter(|tp| !self.committed_known.contains(*tp))
                    .cloned()
                    .collect();
                if missing.is_empty() {
                    return;
                }
                if let Some(g) = self.group.as_mut() {
                    g.fetching_offsets = true;
                }
                let req = GroupRequest::OffsetFetch {
                    partitions: Some(missing),
                };
                self.send_group("offsets", req, ctx);
            }
            _ => {}
        }
    }

    fn on_group_response(&mut self, corr: u32, response: GroupResponse, ctx: &mut Ctx) {
        let Some(g) = self.group.as_mut() else {
            return;
        };
        let kind = g.inflight.get(&corr).copied();
        match (kind, response) {
            (None, _) => return,
            (Some("offsets"), GroupResponse::OffsetFetch(list)) => {
                g.inflight.remove(&corr);
                g.fetching_offsets = false;
                for (tp, off) in list {
                    if off >= 0 && g.assigned.contains(&tp) {
                        self.positions.insert(tp.clone(), off);
                    }
                    self.committed_known.insert(tp);
                }
            }
            (Some("commit" | "leave" | "offsets"), _) => {
                g.inflight.remove(&corr);
                g.fetching_offsets = false;
            }
            (Some(_), response) => {
                let topic = self.assignment.topic().to_string();
                let counts: BTreeMap<String, i32> = self
                    .meta
                    .partition_count(&topic)
                    .map(|n| (topic, n as i32))
                    .into_iter()
                    .collect();
                let was_stable = g.phase == Phase::Stable;
                let next = g.on_response(corr, response, &counts);
                if was_stable && g.phase != Phase::Stable {
                    // Eager rebalance: commit what we consumed, then drop every partition.
                    let commit = self.commit_request();
                    self.positions.clear();
                    self.committed_known.clear();
                    if let Some(c) = commit {
                        self.send_group("commit", c, ctx);
                    }
                }
                match next {
                    Next::Send(req) => self.send_group("sync", req, ctx),
                    Next::Assigned(_) => {
                        self.positions.clear();
                        self.committed_known.clear();
                    }
                    Next::Rediscover => self.poll_later(ctx),
                    Next::Nothing => {}
                }
            }
        }
        self.poll(ctx);
    }

    /// OffsetCommit of the positions of the assigned partitions (auto-commit).
    fn commit_request(&self) -> Option<GroupRequest> {
        let g = self.group.as_ref()?;
        let offsets: Vec<(TopicPartition, i64)> = g
            .assigned
            .iter()
            .filter_map(|tp| Some((tp.clone(), *self.positions.get(tp)?)))
            .collect();
        if offsets.is_empty() {
            return None;
        }
        Some(GroupRequest::OffsetCommit {
            member_id: g.member_id.clone(),
            generation: g.generation,
            offsets,
        })
    }

    /// `close()`: commit, then LeaveGroup.
    pub fn close(&mut self, ctx: &mut Ctx) {
        let Some(g) = self.group.as_ref() else {
            return;
        };
        if g.phase == Phase::Left || g.member_id.is_empty() {
            return;
        }
        let leave = GroupRequest::Leave {
            member_id: g.member_id.clone(),
        };
        if let Some(c) = self.commit_request() {
            self.send_group("commit", c, ctx);
        }
        self.send_group("leave", leave, ctx);
        if let Some(g) = self.group.as_mut() {
            g.phase = Phase::Left;
        }
    }

    fn forget_host(&mut self, host: HostId) {
        self.fetching.retain(|_, f| f.1 != host);
        let gone: Vec<u32> = self
            .resetting
            .iter()
            .filter(|(_, h)| **h == host)
            .map(|(c, _)| *c)
            .collect();
        for c in gone {
            self.resetting.remove(&c);
        }
        self.reset_pending.clear();
        self.meta.on_failure(Err(host));
        self.meta.stale = true;
        if self.coordinator_host() == Some(host) {
            if let Some(g) = self.group.as_mut() {
                g.lose_coordinator();
            }
        }
    }
}

impl Node for Consumer {
    fn on_start(&mut self, ctx: &mut Ctx) {
        if self.group.is_some() {
            ctx.set_timer(
                HEARTBEAT_INTERVAL_MS,
                Timer::KafkaClient(KafkaClientTimer::Heartbeat),
            );
            ctx.set_timer(
                AUTO_COMMIT_INTERVAL_MS,
                Timer::KafkaClient(KafkaClientTimer::AutoCommit),
            );
        }
        self.poll(ctx);
    }

    fn on_message(&mut self, from: HostId, msg: Message, ctx: &mut Ctx) {
        match msg {
            Message::Kafka(m) => self.on_kafka(m, ctx),
            Message::Refused => {
                self.forget_host(from);
                self.poll_later(ctx);
            }
            Message::Zk(_) => {}
        }
    }

    fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx) {
        let Timer::KafkaClient(t) = timer else {
            return;
        };
        match t {
            KafkaClientTimer::Poll => {
                self.poll_armed = false;
                self.poll(ctx);
            }
            KafkaClientTimer::Metadata => {
                self.meta.timer_armed = false;
                self.poll(ctx);
            }
            KafkaClientTimer::Heartbeat => {
                let beat = self.group.as_ref().and_then(|g| {
                    (g.phase == Phase::Stable).then(|| GroupRequest::Heartbeat {
                        member_id: g.member_id.clone(),
                        generation: g.generation,
                    })
                });
                if let Some(b) = beat {
                    self.send_group("heartbeat", b, ctx);
                }
                if self.group.as_ref().is_some_and(|g| g.phase != Phase::Left) {
                    ctx.set_timer(
                        HEARTBEAT_INTERVAL_MS,
                        Timer::KafkaClient(KafkaClientTimer::Heartbeat),
                    );
                }
                self.poll(ctx);
            }
            KafkaClientTimer::AutoCommit => {
                if self
                    .group
                    .as_ref()
                    .is_some_and(|g| g.phase == Phase::Stable)
                {
                    if let Some(c) = self.commit_request() {
                        self.send_group("commit", c, ctx);
                    }
                }
                if self.group.as_ref().is_some_and(|g| g.phase != Phase::Left) {
                    ctx.set_timer(
                        AUTO_COMMIT_INTERVAL_MS,
                        Timer::KafkaClient(KafkaClientTimer::AutoCommit),
                    );
                }
            }
            KafkaClientTimer::RequestTimeout { corr } => {
                if self.finding == Some(corr) {
                    self.finding = None;
                    self.find_attempts += 1;
                    if let Some(g) = self.group.as_mut() {
                        g.phase = Phase::Discover;
                    }
                    self.poll_later(ctx);
                }
                if let Some(g) = self.group.as_mut() {
                    if g.inflight.contains_key(&corr) {
                        g.lose_coordinator();
                        self.poll_later(ctx);
                    }
                }
                if self.meta.on_failure(Ok(corr)) {
                    self.poll_later(ctx);
                }
                if let Some((_, host)) = self.fetching.get(&corr).copied() {
                    self.forget_host(host);
                    self.poll_later(ctx);
                } else if let Some(host) = self.resetting.get(&corr).copied() {
                    self.forget_host(host);
                    self.poll_later(ctx);
                }
            }
            KafkaClientTimer::Drain => {}
        }
    }

    fn on_stop(&mut self) {}
}
