//! The consumer's fetch loop without a group (the seed's consumer.py, a console consumer
//! without `--group`, or one given `--partition`): find the partitions, set each position
//! from an explicit offset or `auto.offset.reset` (ListOffsets to the leader), then keep one
//! long-polling Fetch in flight per leader and hand out records below the high watermark.

use super::membership::{
    Membership, Next, Phase, AUTO_COMMIT_INTERVAL_MS, HEARTBEAT_INTERVAL_MS, MAX_POLL_INTERVAL_MS,
};
use super::{ClientMetadata, KafkaClientTimer, REQUEST_TIMEOUT_MS, RETRY_BACKOFF_MS};
use crate::broker::admin::Dialable;
use crate::broker::messages::{
    BrokerId, FetchPartition, GroupRequest, GroupResponse, KafkaMessage, Record,
    EARLIEST_TIMESTAMP, LATEST_TIMESTAMP,
};
use crate::kafka::assignor::java_hash_order;
use crate::kafka::partitioner::java_string_hash;
use crate::ordered::{OrdMap as BTreeMap, OrdSet as BTreeSet};
use crate::sim::node::{Ctx, HostId, Message, Node, Timer};

/// The logger of the group member's lines (`AbstractCoordinator` logs with the subclass).
const COORDINATOR_LOGGER: &str = "org.apache.kafka.clients.consumer.internals.ConsumerCoordinator";
/// `KafkaConsumer.close()`'s default timeout, which bounds the commit on close.
pub const CLOSE_TIMEOUT_MS: u64 = 30_000;
/// Notes kept until a program takes them (a consumer nobody reads stays bounded).
const MAX_NOTES: usize = 64;

/// What the consumer reports besides records: a line its coordinator logs at WARN or ERROR
/// (the console tools' log4j shows those levels on standard error), or the exception its
/// `poll()` throws.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientNote {
    /// `LEVEL [Consumer clientId=…, groupId=…] message (logger)`, without the time.
    Log { at_ms: u64, line: String },
    /// `poll()` throws `class: message`: the program ends.
    Fatal { at_ms: u64, exception: String },
}

/// What follows a synchronous commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AfterCommit {
    /// `onJoinPrepare`: then revoke and rejoin.
    Join,
    /// `close()`: then LeaveGroup.
    Leave,
}

/// `maybeAutoCommitOffsetsSync`: the offsets consumed when the partitions were revoked (or
/// the consumer closed), committed (retrying retriable errors) before the next step.
#[derive(Clone, Debug)]
struct SyncCommit {
    offsets: Vec<(TopicPartition, i64)>,
    /// The offsets as the client logs them.
    text: String,
    then: AfterCommit,
    deadline: u64,
    /// The request in flight.
    sent: Option<u32>,
    /// A retry waits for `retry.backoff.ms`.
    not_before: u64,
}

/// How the client takes an OffsetCommit error (`OffsetCommitResponseHandler`).
#[derive(Clone, Debug, PartialEq, Eq)]
enum CommitOutcome {
    Done,
    /// Retriable; `coordinator`: the coordinator is marked unknown first.
    Retry {
        coordinator: bool,
    },
    /// The exception's message; `reset`: the generation is reset; `rejoin`: a rejoin is
    /// requested.
    Failed {
        message: String,
        reset: bool,
        rejoin: bool,
    },
}

/// `CommitFailedException`'s default message.
pub const COMMIT_FAILED: &str = "Commit cannot be completed since the group has already rebalanced and assigned the partitions to another member. This means that the time between subsequent calls to poll() was longer than the configured max.poll.interval.ms, which typically implies that the poll loop is spending too much time message processing. You can address this either by increasing max.poll.interval.ms or by reducing the maximum size of batches returned in poll() with max.poll.records.";
/// The commit of a member whose generation was reset (`sendOffsetCommitRequest`).
pub const NOT_IN_GROUP: &str = "Offset commit cannot be completed since the consumer is not part of an active group for auto partition assignment; it is likely that the consumer was kicked out of the group.";
const REBALANCING: &str = "Offset commit cannot be completed since the consumer group is executing a rebalance at the moment. You can try completing the rebalance by calling poll() and then retry commit again";

fn commit_outcome(error: Option<&str>) -> CommitOutcome {
    let failed = |m: &str, reset, rejoin| CommitOutcome::Failed {
        message: m.to_string(),
        reset,
        rejoin,
    };
    match error {
        None => CommitOutcome::Done,
        Some("COORDINATOR_LOAD_IN_PROGRESS" | "UNKNOWN_TOPIC_OR_PARTITION") => {
            CommitOutcome::Retry { coordinator: false }
        }
        Some("COORDINATOR_NOT_AVAILABLE" | "NOT_COORDINATOR" | "REQUEST_TIMED_OUT") => {
            CommitOutcome::Retry { coordinator: true }
        }
        Some("REBALANCE_IN_PROGRESS") => failed(REBALANCING, false, true),
        Some("UNKNOWN_MEMBER_ID" | "ILLEGAL_GENERATION") => failed(COMMIT_FAILED, true, true),
        Some("OFFSET_METADATA_TOO_LARGE") => failed(
            "The metadata field of the offset request was too large.",
            false,
            false,
        ),
        Some("INVALID_COMMIT_OFFSET_SIZE") => failed(
            "The committing offset data size is not valid.",
            false,
            false,
        ),
        Some(other) => failed(
            &format!("Unexpected error in commit: {}", error_message(other)),
            false,
            false,
        ),
    }
}

/// `Errors.message()` of the errors a commit may still meet.
fn error_message(error: &str) -> &str {
    match error {
        "GROUP_AUTHORIZATION_FAILED" => "Group authorization failed.",
        "UNKNOWN_SERVER_ERROR" => {
            "The server experienced an unexpected error when processing the request."
        }
        other => other,
    }
}

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
    /// The leader epoch of the last record consumed from each partition (the position's).
    position_epochs: BTreeMap<TopicPartition, i32>,
    /// Log lines and exceptions for the program, oldest first.
    pub notes: Vec<ClientNote>,
    /// The synchronous commit before a rejoin or on close.
    sync_commit: Option<SyncCommit>,
    /// Commits in flight: corr → the offsets as logged.
    commit_texts: BTreeMap<u32, String>,
    /// An auto-commit that failed with a retriable error goes again at this time.
    auto_commit_retry_at: Option<u64>,
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
            position_epochs: BTreeMap::new(),
            notes: Vec::new(),
            sync_commit: None,
            commit_texts: BTreeMap::new(),
            auto_commit_retry_at: None,
        }
    }

    fn note(&mut self, n: ClientNote) {
        if self.notes.len() >= MAX_NOTES {
            self.notes.remove(0);
        }
        self.notes.push(n);
    }

    /// A line of the member's ConsumerCoordinator (WARN or ERROR).
    fn log(&mut self, level: &str, message: &str, now: u64) {
        let Some(g) = &self.group else {
            return;
        };
        let line = format!(
            "{level} [Consumer clientId={}, groupId={}] {message} ({COORDINATOR_LOGGER})",
            g.client_id, g.group_id
        );
        self.note(ClientNote::Log { at_ms: now, line });
    }

    /// The offsets as `Map<TopicPartition, OffsetAndMetadata>.toString()` prints them (a
    /// HashMap: bucket order of `TopicPartition.hashCode()`).
    fn offsets_text(&self, offsets: &[(TopicPartition, i64)]) -> String {
        let ordered = java_hash_order(offsets.to_vec(), |(tp, _)| {
            31i32
                .wrapping_mul(31i32.wrapping_add(tp.1))
                .wrapping_add(java_string_hash(&tp.0))
        });
        let items: Vec<String> = ordered
            .iter()
            .map(|(tp, o)| {
                let epoch = self
                    .position_epochs
                    .get(tp)
                    .map_or("null".to_string(), |e| e.to_string());
                format!(
                    "{}-{}=OffsetAndMetadata{{offset={o}, leaderEpoch={epoch}, metadata=''}}",
                    tp.0, tp.1
                )
            })
            .collect();
        format!("{{{}}}", items.join(", "))
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
        if self.auto_commit_retry_at.is_some_and(|t| ctx.now >= t) {
            self.auto_commit(ctx);
        }
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
                            if g.phase == Phase::Finding {
                                g.phase = Phase::Discover;
                            }
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
                        self.position_epochs.insert(tp.clone(), r.leader_epoch);
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

    fn send_group(
        &mut self,
        kind: &'static str,
        request: GroupRequest,
        ctx: &mut Ctx,
    ) -> Option<u32> {
        let Some(host) = self.coordinator_host() else {
            if let Some(g) = self.group.as_mut() {
                g.lose_coordinator();
            }
            return None;
        };
        let corr = self.next_corr();
        let g = self.group.as_mut()?;
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
        Some(corr)
    }

    /// Moves the membership along: find the coordinator, join, fetch committed offsets.
    fn drive_group(&mut self, ctx: &mut Ctx) {
        let Some(g) = self.group.as_ref() else {
            return;
        };
        self.commit_texts.retain(|c, _| g.inflight.contains_key(c));
        match g.phase {
            // A Stable member that lost its coordinator looks it up too, staying Stable.
            _ if g.needs_coordinator() => {
                if self.finding.is_some() {
                    return;
                }
                let key = g.group_id.clone();
                let Some((host, listener)) = self.meta.any_broker(self.find_attempts) else {
                    return;
                };
                let corr = self.next_corr();
                self.finding = Some(corr);
                if let Some(g) = self.group.as_mut().filter(|g| g.phase == Phase::Discover) {
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
            Phase::Join if self.sync_commit.is_some() => {
                self.drive_sync_commit(ctx);
                if self.sync_commit.is_none() {
                    // Over at once (failed before it was sent): on to the rejoin.
                    self.drive_group(ctx);
                }
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
                let _ = self.send_group("join", req, ctx);
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
                let _ = self.send_group("offsets", req, ctx);
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
            (Some(k @ ("commit" | "commit-sync")), response) => {
                g.inflight.remove(&corr);
                let error = match &response {
                    GroupResponse::OffsetCommit(list) => list
                        .iter()
                        .map(|(_, e)| e.as_str())
                        .find(|e| *e != "NONE")
                        .map(str::to_string),
                    GroupResponse::Error(e) => Some(e.clone()),
                    _ => Some("UNKNOWN_SERVER_ERROR".to_string()),
                };
                let text = self.commit_texts.remove(&corr).unwrap_or_default();
                self.on_commit_result(k == "commit-sync", error.as_deref(), &text, ctx);
            }
            (Some("leave" | "offsets"), _) => {
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
                let owned = g.assigned.clone();
                let next = g.on_response(corr, response, &counts);
                if was_stable && g.phase != Phase::Stable {
                    self.revoke(&owned, ctx);
                }
                match next {
                    Next::Send(req) => {
                        let _ = self.send_group("sync", req, ctx);
                    }
                    Next::Assigned(_) => {
                        self.positions.clear();
                        self.position_epochs.clear();
                        self.committed_known.clear();
                    }
                    Next::Rediscover => self.poll_later(ctx),
                    Next::Fatal(e) => self.fatal_join_error(&e, ctx.now),
                    Next::Nothing => {}
                }
            }
        }
        self.poll(ctx);
    }

    /// The membership left Stable (a rebalance, or a lost coordinator): for a rebalance
    /// (`onJoinPrepare`) what was consumed is committed synchronously before the rejoin; then,
    /// the eager protocol, every partition is dropped.
    fn revoke(&mut self, owned: &[TopicPartition], ctx: &mut Ctx) {
        let rejoining = self.group.as_ref().is_some_and(|g| g.phase == Phase::Join);
        if rejoining && self.sync_commit.is_none() {
            let offsets: Vec<(TopicPartition, i64)> = owned
                .iter()
                .filter_map(|tp| Some((tp.clone(), *self.positions.get(tp)?)))
                .collect();
            if !offsets.is_empty() {
                self.sync_commit = Some(SyncCommit {
                    text: self.offsets_text(&offsets),
                    offsets,
                    then: AfterCommit::Join,
                    deadline: ctx.now + MAX_POLL_INTERVAL_MS,
                    sent: None,
                    not_before: ctx.now,
                });
            }
        }
        self.positions.clear();
        self.position_epochs.clear();
        self.committed_known.clear();
        self.auto_commit_retry_at = None;
    }

    /// `JoinGroupResponseHandler`'s fatal errors: logged, then thrown from `poll()`.
    fn fatal_join_error(&mut self, error: &str, now: u64) {
        let (class, message) = match error {
            "INCONSISTENT_GROUP_PROTOCOL" => ("InconsistentGroupProtocolException", "The group member's supported protocols are incompatible with those of existing members or first group member tried to join with empty protocol type or empty protocol list."),
            "INVALID_SESSION_TIMEOUT" => ("InvalidSessionTimeoutException", "The session timeout is not within the range allowed by the broker (as configured by group.min.session.timeout.ms and group.max.session.timeout.ms)."),
            "INVALID_GROUP_ID" => ("InvalidGroupIdException", "The configured groupId is invalid."),
            "GROUP_AUTHORIZATION_FAILED" => ("GroupAuthorizationException", "Group authorization failed."),
            _ => ("GroupMaxSizeReachedException", "The consumer group has reached its max size."),
        };
        self.log(
            "ERROR",
            &format!("Attempt to join group failed due to fatal error: {message}"),
            now,
        );
        let exception = if error == "GROUP_MAX_SIZE_REACHED" {
            let gid = self.group.as_ref().map_or("", |g| g.group_id.as_str());
            format!("org.apache.kafka.common.errors.{class}: Consumer group {gid} already has the configured maximum number of members.")
        } else if error == "GROUP_AUTHORIZATION_FAILED" {
            let gid = self.group.as_ref().map_or("", |g| g.group_id.as_str());
            format!("org.apache.kafka.common.errors.{class}: Not authorized to access group: {gid}")
        } else {
            format!("org.apache.kafka.common.errors.{class}: {message}")
        };
        self.note(ClientNote::Fatal {
            at_ms: now,
            exception,
        });
    }

    /// An OffsetCommit's outcome, as `OffsetCommitResponseHandler` and the auto-commit
    /// callbacks take it. `sync`: the commit before a rejoin or on close.
    fn on_commit_result(&mut self, sync: bool, error: Option<&str>, text: &str, ctx: &mut Ctx) {
        let outcome = commit_outcome(error);
        if let CommitOutcome::Retry { coordinator: true } = outcome {
            if let Some(g) = self.group.as_mut() {
                if g.phase != Phase::Left {
                    // markCoordinatorUnknown: a Stable member rejoins through the coordinator
                    // it finds (as a heartbeat's NOT_COORDINATOR does here).
                    let was_stable = g.phase == Phase::Stable;
                    let owned = g.assigned.clone();
                    g.lose_coordinator();
                    if was_stable {
                        self.revoke(&owned, ctx);
                    }
                }
            }
        }
        if sync {
            let Some(sc) = self.sync_commit.as_mut() else {
                return;
            };
            sc.sent = None;
            match outcome {
                CommitOutcome::Retry { .. } if ctx.now < sc.deadline => {
                    sc.not_before = ctx.now + RETRY_BACKOFF_MS;
                    self.poll_later(ctx);
                }
                CommitOutcome::Failed { message, reset, .. } => {
                    let text = sc.text.clone();
                    if reset {
                        if let Some(g) = self.group.as_mut() {
                            g.member_id.clear();
                            g.generation = -1;
                        }
                    }
                    self.log(
                        "WARN",
                        &format!("Synchronous auto-commit of offsets {text} failed: {message}"),
                        ctx.now,
                    );
                    self.finish_sync_commit(ctx);
                }
                _ => self.finish_sync_commit(ctx),
            }
            return;
        }
        match outcome {
            CommitOutcome::Done => {}
            CommitOutcome::Retry { .. } => {
                // RetriableCommitFailedException: the next auto-commit after the backoff.
                self.auto_commit_retry_at = Some(ctx.now + RETRY_BACKOFF_MS);
                self.poll_later(ctx);
            }
            CommitOutcome::Failed {
                message,
                reset,
                rejoin,
            } => {
                self.log(
                    "WARN",
                    &format!("Asynchronous auto-commit of offsets {text} failed: {message}"),
                    ctx.now,
                );
                let Some(g) = self.group.as_mut() else {
                    return;
                };
                if rejoin && g.phase == Phase::Stable {
                    let owned = g.assigned.clone();
                    g.rejoin(reset);
                    self.revoke(&owned, ctx);
                } else if reset {
                    g.member_id.clear();
                    g.generation = -1;
                }
            }
        }
    }

    /// The synchronous commit is over (done, failed, or out of time): rejoin, or leave.
    fn finish_sync_commit(&mut self, ctx: &mut Ctx) {
        let Some(sc) = self.sync_commit.take() else {
            return;
        };
        if sc.then == AfterCommit::Leave {
            self.leave(ctx);
        }
    }

    /// Sends the synchronous commit if it is due (the coordinator is known).
    fn drive_sync_commit(&mut self, ctx: &mut Ctx) {
        let Some(sc) = self.sync_commit.as_ref() else {
            return;
        };
        if let Some(corr) = sc.sent {
            let lost = self
                .group
                .as_ref()
                .is_none_or(|g| !g.inflight.contains_key(&corr));
            if !lost {
                return;
            }
            // Its coordinator was lost (timeout, refused): sent again once found.
            if let Some(sc) = self.sync_commit.as_mut() {
                sc.sent = None;
            }
        }
        let Some(sc) = self.sync_commit.as_ref() else {
            return;
        };
        if ctx.now >= sc.deadline {
            // commitOffsetsSync timed out: not retried further.
            self.finish_sync_commit(ctx);
            return;
        }
        if ctx.now < sc.not_before {
            self.poll_later(ctx);
            return;
        }
        let Some(g) = self.group.as_ref() else {
            return;
        };
        if g.generation < 0 || g.member_id.is_empty() {
            // generationIfStable() is null: the commit fails before it is sent.
            let text = sc.text.clone();
            self.log(
                "WARN",
                &format!("Synchronous auto-commit of offsets {text} failed: {NOT_IN_GROUP}"),
                ctx.now,
            );
            self.finish_sync_commit(ctx);
            return;
        }
        let request = GroupRequest::OffsetCommit {
            member_id: g.member_id.clone(),
            generation: g.generation,
            offsets: sc.offsets.clone(),
        };
        let text = sc.text.clone();
        if let Some(corr) = self.send_group("commit-sync", request, ctx) {
            self.commit_texts.insert(corr, text);
            if let Some(sc) = self.sync_commit.as_mut() {
                sc.sent = Some(corr);
            }
        }
    }

    /// The periodic auto-commit (`maybeAutoCommitOffsetsAsync`).
    fn auto_commit(&mut self, ctx: &mut Ctx) {
        self.auto_commit_retry_at = None;
        if !self
            .group
            .as_ref()
            .is_some_and(|g| g.phase == Phase::Stable)
        {
            return;
        }
        if let Some(c) = self.commit_request() {
            let text = match &c {
                GroupRequest::OffsetCommit { offsets, .. } => self.offsets_text(offsets),
                _ => String::new(),
            };
            if let Some(corr) = self.send_group("commit", c, ctx) {
                self.commit_texts.insert(corr, text);
            }
        }
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

    /// `close()`: a Stable member commits what it consumed (synchronously, retrying through
    /// coordinator moves), then sends LeaveGroup; [`Consumer::closed`] tells when it is done.
    pub fn close(&mut self, ctx: &mut Ctx) {
        let Some(g) = self.group.as_mut() else {
            return;
        };
        if g.phase == Phase::Left {
            return;
        }
        if g.member_id.is_empty() {
            g.phase = Phase::Left;
            return;
        }
        let offsets: Vec<(TopicPartition, i64)> = if g.phase == Phase::Stable {
            g.assigned
                .iter()
                .filter_map(|tp| Some((tp.clone(), *self.positions.get(tp)?)))
                .collect()
        } else {
            Vec::new()
        };
        // No more fetching or heartbeats: the member only commits and leaves now.
        if matches!(g.phase, Phase::Stable | Phase::Join) {
            g.phase = Phase::Join;
        }
        if offsets.is_empty() && self.sync_commit.is_none() {
            self.leave(ctx);
            return;
        }
        match self.sync_commit.as_mut() {
            Some(sc) => sc.then = AfterCommit::Leave,
            None => {
                self.sync_commit = Some(SyncCommit {
                    text: self.offsets_text(&offsets),
                    offsets,
                    then: AfterCommit::Leave,
                    deadline: ctx.now + CLOSE_TIMEOUT_MS,
                    sent: None,
                    not_before: ctx.now,
                });
            }
        }
        self.drive_group(ctx);
    }

    /// `maybeLeaveGroup`: LeaveGroup if the member has an id, and the membership ends.
    fn leave(&mut self, ctx: &mut Ctx) {
        let Some(g) = self.group.as_ref() else {
            return;
        };
        if !g.member_id.is_empty() && g.coordinator.is_some() {
            let leave = GroupRequest::Leave {
                member_id: g.member_id.clone(),
            };
            let _ = self.send_group("leave", leave, ctx);
        }
        if let Some(g) = self.group.as_mut() {
            g.phase = Phase::Left;
        }
    }

    /// Whether `close()` has finished: the member left and nothing it sent is unanswered.
    pub fn closed(&self) -> bool {
        self.group
            .as_ref()
            .is_none_or(|g| g.phase == Phase::Left && g.inflight.is_empty())
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

#[cfg(test)]
#[path = "consumer_tests.rs"]
mod tests;

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
                    let _ = self.send_group("heartbeat", b, ctx);
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
                self.auto_commit(ctx);
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
                    if let Some(g) = self.group.as_mut().filter(|g| g.phase == Phase::Finding) {
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
