//! The coordinator's writes to `__consumer_offsets` (GroupMetadataManager's `storeOffsets`,
//! `storeGroup`, `cleanupGroupMetadata`) and the replay of a partition's log when this broker
//! becomes its leader.
//!
//! Offset commits and the leader's group assignment are appended with
//! `offsets.commit.required.acks` = -1: `min.insync.replicas` is checked before the append
//! (NOT_ENOUGH_REPLICAS), and the answer waits until the high watermark passes the records or
//! `offsets.commit.timeout.ms` runs out (REQUEST_TIMED_OUT). Only then are committed offsets
//! cached (a fetch meanwhile sees the previous ones) and the group turns Stable. Append errors
//! reach the client mapped as Kafka 3.0 maps them. Tombstones (DeleteGroups, OffsetDelete) are
//! appended without waiting, as Kafka's are (required acks 0).
//!
//! Record layout (a readable stand-in for Kafka's binary schemas): an offset commit has key
//! `group\ttopic\tpartition` and the offset as value; group metadata has key `group` and a
//! one-line description as value; a null value is a tombstone.

use crate::ordered::OrdMap as BTreeMap;

use super::coordinator::OFFSETS_TOPIC;
use super::{Broker, BrokerTimer};
use crate::broker::controller::PartitionKey;
use crate::broker::messages::{GroupResponse, KafkaMessage, NewRecord};
use crate::kafka::group::{Group, GroupConfig, GroupError};
use crate::kafka::partitioner::coordinator_partition;
use crate::sim::node::{Ctx, HostId, Message, Timer};
use crate::zookeeper::wall_clock_ms;

/// `offsets.commit.timeout.ms`.
pub const OFFSET_COMMIT_TIMEOUT_MS: u64 = 5_000;

type TopicPartition = (String, i32);

/// What a write waits to do once replicated.
#[derive(Clone, Debug)]
pub(super) enum AppendFor {
    /// Answer an OffsetCommit; `results` holds each partition's own error (`NONE` for the
    /// written ones, which get the append's outcome).
    Commit {
        from: HostId,
        corr: u32,
        group_id: String,
        offsets: Vec<(TopicPartition, i64)>,
        results: Vec<(TopicPartition, GroupError)>,
        /// The group was deleted meanwhile: nothing is cached.
        group_gone: bool,
    },
    /// Complete the group's `storeGroup` for this generation.
    Store { group_id: String, generation: i32 },
}

/// A write in the coordinator's purgatory.
#[derive(Clone, Debug)]
pub(super) struct PendingAppend {
    key: PartitionKey,
    last_offset: i64,
    what: AppendFor,
}

/// `storeOffsets`' callback: how an append error reaches the committer.
pub fn commit_error(append_error: &str) -> String {
    match append_error {
        "UNKNOWN_TOPIC_OR_PARTITION"
        | "NOT_ENOUGH_REPLICAS"
        | "NOT_ENOUGH_REPLICAS_AFTER_APPEND" => "COORDINATOR_NOT_AVAILABLE".into(),
        "NOT_LEADER_OR_FOLLOWER" | "KAFKA_STORAGE_ERROR" => "NOT_COORDINATOR".into(),
        "MESSAGE_TOO_LARGE" | "RECORD_LIST_TOO_LARGE" | "INVALID_FETCH_SIZE" => {
            "INVALID_COMMIT_OFFSET_SIZE".into()
        }
        other => other.into(),
    }
}

/// `storeGroup`'s callback: how an append error reaches the members' SyncGroup.
pub fn store_error(append_error: &str) -> GroupError {
    match append_error {
        "UNKNOWN_TOPIC_OR_PARTITION"
        | "NOT_ENOUGH_REPLICAS"
        | "NOT_ENOUGH_REPLICAS_AFTER_APPEND" => GroupError::CoordinatorNotAvailable,
        "NOT_LEADER_OR_FOLLOWER" | "KAFKA_STORAGE_ERROR" => GroupError::NotCoordinator,
        "REQUEST_TIMED_OUT" => GroupError::RebalanceInProgress,
        _ => GroupError::UnknownServerError,
    }
}

fn offset_key(group_id: &str, tp: &TopicPartition) -> String {
    format!("{group_id}\t{}\t{}", tp.0, tp.1)
}

impl Broker {
    fn offsets_key(&self, group_id: &str) -> PartitionKey {
        let n = self.setup.settings.offsets_topic_num_partitions.max(1) as u32;
        (
            OFFSETS_TOPIC.to_string(),
            coordinator_partition(group_id, n) as i32,
        )
    }

    /// `appendForGroup` with required acks -1: the append's (first, last) offsets or its error.
    fn append_for_group(
        &mut self,
        key: &PartitionKey,
        records: Vec<NewRecord>,
        ctx: &mut Ctx,
    ) -> Result<i64, String> {
        let me = self.id();
        let min_isr = self.min_isr(OFFSETS_TOPIC);
        let (_, last) = self
            .replicas
            .append(me, key, -1, min_isr, records)
            .map_err(|e| e.name().to_string())?;
        // Followers waiting in a fetch get the records now.
        self.complete_fetches(ctx);
        Ok(last)
    }

    fn park_append(&mut self, key: PartitionKey, last_offset: i64, what: AppendFor, ctx: &mut Ctx) {
        let id = self.coordinator.next_append;
        self.coordinator.next_append += 1;
        self.coordinator.appends.insert(
            id,
            PendingAppend {
                key,
                last_offset,
                what,
            },
        );
        ctx.set_timer(
            OFFSET_COMMIT_TIMEOUT_MS,
            Timer::Broker(BrokerTimer::GroupAppendTimeout { id }),
        );
        self.finish_group_append(id, false, ctx);
    }

    /// `storeOffsets`: appends the commits the group accepted; the OffsetCommit is answered
    /// once they are replicated (or failed).
    pub(super) fn store_offsets(
        &mut self,
        from: HostId,
        corr: u32,
        group_id: &str,
        offsets: Vec<(TopicPartition, i64)>,
        results: Vec<(TopicPartition, GroupError)>,
        ctx: &mut Ctx,
    ) {
        let key = self.offsets_key(group_id);
        let timestamp = wall_clock_ms(ctx.now) as i64;
        let records = offsets
            .iter()
            .map(|(tp, o)| NewRecord {
                key: Some(offset_key(group_id, tp)),
                value: Some(o.to_string()),
                headers: Vec::new(),
                timestamp,
            })
            .collect();
        let what = AppendFor::Commit {
            from,
            corr,
            group_id: group_id.to_string(),
            offsets,
            results,
            group_gone: false,
        };
        match self.append_for_group(&key, records, ctx) {
            Ok(last) => self.park_append(key, last, what, ctx),
            Err(e) => self.complete_append(what, Some(e), ctx),
        }
    }

    /// `storeGroup`: the group's metadata (and the leader's assignment) for `generation`.
    pub(super) fn store_group(&mut self, group_id: &str, generation: i32, ctx: &mut Ctx) {
        let timestamp = wall_clock_ms(ctx.now) as i64;
        let Some(value) = self
            .coordinator
            .groups
            .get(group_id)
            .map(|g| g.metadata_record(timestamp))
        else {
            return;
        };
        let key = self.offsets_key(group_id);
        let record = NewRecord {
            key: Some(group_id.to_string()),
            value: Some(value),
            headers: Vec::new(),
            timestamp,
        };
        let what = AppendFor::Store {
            group_id: group_id.to_string(),
            generation,
        };
        match self.append_for_group(&key, vec![record], ctx) {
            Ok(last) => self.park_append(key, last, what, ctx),
            Err(e) => self.complete_append(what, Some(e), ctx),
        }
    }

    /// `cleanupGroupMetadata`'s tombstones (offsets, and the group itself when `group` is
    /// set), appended without waiting for replication. `group_deleted`: the group left the
    /// cache (DeleteGroups).
    pub(super) fn append_tombstones(
        &mut self,
        group_id: &str,
        offsets: &[TopicPartition],
        group: bool,
        group_deleted: bool,
        ctx: &mut Ctx,
    ) {
        let timestamp = wall_clock_ms(ctx.now) as i64;
        let mut records: Vec<NewRecord> = offsets
            .iter()
            .map(|tp| NewRecord {
                key: Some(offset_key(group_id, tp)),
                value: None,
                headers: Vec::new(),
                timestamp,
            })
            .collect();
        if group {
            records.push(NewRecord {
                key: Some(group_id.to_string()),
                value: None,
                headers: Vec::new(),
                timestamp,
            });
        }
        let me = self.id();
        let key = self.offsets_key(group_id);
        if !records.is_empty() && self.replicas.append(me, &key, 0, 1, records).is_ok() {
            self.complete_fetches(ctx);
        }
        // A deleted group's commits still in flight cache nothing.
        if group_deleted {
            for a in self.coordinator.appends.values_mut() {
                if let AppendFor::Commit {
                    group_id: g,
                    group_gone,
                    ..
                } = &mut a.what
                {
                    if g == group_id {
                        *group_gone = true;
                    }
                }
            }
        }
    }

    /// Completes the writes whose records the HW has passed, or that can no longer succeed.
    pub(super) fn complete_group_appends(&mut self, ctx: &mut Ctx) {
        let ids: Vec<u64> = self.coordinator.appends.keys().copied().collect();
        for id in ids {
            self.finish_group_append(id, false, ctx);
        }
    }

    pub(super) fn on_group_append_timeout(&mut self, id: u64, ctx: &mut Ctx) {
        self.finish_group_append(id, true, ctx);
    }

    fn finish_group_append(&mut self, id: u64, timed_out: bool, ctx: &mut Ctx) {
        let me = self.id();
        let Some(a) = self.coordinator.appends.get(&id) else {
            return;
        };
        let min_isr = self.min_isr(OFFSETS_TOPIC);
        let error = match self
            .replicas
            .produce_done(me, &a.key, a.last_offset, min_isr)
        {
            Some(Ok(())) => None,
            Some(Err(e)) => Some(e),
            None if timed_out => Some("REQUEST_TIMED_OUT".to_string()),
            None => return,
        };
        let a = self.coordinator.appends.remove(&id).expect("present");
        self.complete_append(a.what, error, ctx);
    }

    /// The `putCacheCallback`s: cache and answer, or answer with the mapped error.
    fn complete_append(&mut self, what: AppendFor, error: Option<String>, ctx: &mut Ctx) {
        let now = ctx.now;
        match what {
            AppendFor::Commit {
                from,
                corr,
                group_id,
                offsets,
                results,
                group_gone,
            } => {
                let outcome = error.as_deref().map(commit_error);
                if outcome.is_none() && !group_gone {
                    if let Some(g) = self.coordinator.groups.get_mut(&group_id) {
                        let with_meta: Vec<_> = offsets
                            .into_iter()
                            .map(|(tp, o)| (tp, o, String::new()))
                            .collect();
                        g.apply_commit(now, &with_meta);
                    }
                }
                let answer = results
                    .into_iter()
                    .map(|(tp, e)| {
                        let name = match (&outcome, e) {
                            (Some(x), GroupError::None) => x.clone(),
                            _ => e.name().to_string(),
                        };
                        (tp, name)
                    })
                    .collect();
                let m = KafkaMessage::GroupResponse {
                    corr,
                    response: GroupResponse::OffsetCommit(answer),
                };
                ctx.send(from, Message::Kafka(m));
            }
            AppendFor::Store {
                group_id,
                generation,
            } => {
                let e = error.as_deref().map_or(GroupError::None, store_error);
                let Some(g) = self.coordinator.groups.get_mut(&group_id) else {
                    return;
                };
                let replies = g.on_group_stored(now, generation, e);
                self.send_group_replies(&group_id, replies, ctx);
                self.arm_group_timer(&group_id, ctx);
            }
        }
    }

    /// Loads the groups of an offsets partition this broker now leads from its log
    /// (`loadGroupsAndOffsets`): each group's latest metadata record and the latest commit of
    /// every (group, partition), minus what tombstones deleted since. A group with members comes
    /// back Stable with them, so its consumers carry on heartbeating to the new coordinator
    /// without a rebalance; each member's session starts afresh now (`onGroupLoaded`).
    pub(super) fn load_offsets_partition(&mut self, p: i32, ctx: &mut Ctx) {
        let Some(log) = self.replicas.log(&(OFFSETS_TOPIC.to_string(), p)) else {
            return;
        };
        // Group id → (latest metadata record, offsets still committed), in first-seen order.
        let mut found: BTreeMap<String, (Option<String>, BTreeMap<TopicPartition, i64>)> =
            BTreeMap::new();
        for r in log.records() {
            let Some(k) = &r.key else { continue };
            let parts: Vec<&str> = k.split('\t').collect();
            match parts.as_slice() {
                [g] => {
                    found.entry(g.to_string()).or_default().0 = r.value.clone();
                }
                [g, t, q] => {
                    let Ok(q) = q.parse::<i32>() else { continue };
                    let offsets = &mut found.entry(g.to_string()).or_default().1;
                    match r.value.as_deref().map(str::parse::<i64>) {
                        None => {
                            offsets.remove(&(t.to_string(), q));
                        }
                        Some(Ok(o)) => {
                            offsets.insert((t.to_string(), q), o);
                        }
                        Some(Err(_)) => {}
                    }
                }
                _ => {}
            }
        }
        let now = ctx.now;
        for (g, (metadata, offsets)) in found {
            let loaded = metadata
                .as_deref()
                .and_then(|m| Group::from_metadata_record(&g, GroupConfig::default(), m, now));
            // Neither metadata nor offsets left: the group was deleted.
            if loaded.is_none() && offsets.is_empty() {
                continue;
            }
            let mut group = loaded.unwrap_or_else(|| Group::new(&g, GroupConfig::default()));
            let commits: Vec<_> = offsets
                .into_iter()
                .map(|(tp, o)| (tp, o, String::new()))
                .collect();
            group.apply_commit(now, &commits);
            self.coordinator.groups.insert(g.clone(), group);
            self.arm_group_timer(&g, ctx);
        }
    }
}
