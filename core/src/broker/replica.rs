//! The partitions a broker hosts (ReplicaManager / Partition): leader or follower per
//! LeaderAndIsr, each with its log. The leader tracks every follower's log end offset from
//! its fetches, advances the high watermark, answers followers whose log diverges with the
//! epoch to truncate to, and keeps the ISR: followers that have not caught up within
//! `replica.lag.time.max.ms` leave, ones that catch up come back, both through AlterIsr.

use crate::broker::controller::PartitionKey;
use crate::broker::log::{NewRecord, PartitionLog};
use crate::broker::messages::{
    BrokerId, FetchPartition, FetchedPartition, KafkaMessage, PartitionState, NO_LEADER,
};
use crate::ordered::{OrdMap as BTreeMap, OrdSet as BTreeSet};

/// Records returned per partition per fetch (a stand-in for `max.partition.fetch.bytes`).
pub const MAX_FETCH_RECORDS: usize = 500;

/// What the leader knows of one follower (Kafka's `Replica`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowerState {
    /// Log end offset from its last fetch (-1 unknown).
    pub leo: i64,
    pub last_caught_up_ms: u64,
    last_fetch_leader_leo: i64,
    last_fetch_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalReplica {
    pub leader: BrokerId,
    pub leader_epoch: i32,
    pub isr: Vec<BrokerId>,
    pub replicas: Vec<BrokerId>,
    pub zk_version: i32,
    /// Leader only.
    pub followers: BTreeMap<BrokerId, FollowerState>,
}

/// Why a produce was refused before anything was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AppendError {
    NotLeader,
    NotEnoughReplicas,
}

impl AppendError {
    pub fn name(&self) -> &'static str {
        match self {
            AppendError::NotLeader => "NOT_LEADER_OR_FOLLOWER",
            AppendError::NotEnoughReplicas => "NOT_ENOUGH_REPLICAS",
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Replicas {
    pub parts: BTreeMap<PartitionKey, LocalReplica>,
    /// The logs on this broker's disk (they survive restarts; `parts` does not).
    pub logs: BTreeMap<PartitionKey, PartitionLog>,
    /// ISR changes decided but not sent yet.
    queued: BTreeMap<PartitionKey, Vec<BrokerId>>,
    /// ISR changes sent to the controller, awaiting its answer (one at a time per partition).
    inflight: BTreeSet<PartitionKey>,
}

impl Replicas {
    /// What survives a restart: the log directory (records, offsets, HW checkpoint).
    pub fn into_disk(self) -> Replicas {
        Replicas {
            logs: self.logs,
            ..Replicas::default()
        }
    }

    pub fn log(&self, key: &PartitionKey) -> Option<&PartitionLog> {
        self.logs.get(key)
    }

    /// Applies one partition of a LeaderAndIsr; stale leader epochs are ignored. Returns
    /// whether this broker's role or leader changed (a new epoch it now acts on).
    pub fn apply(&mut self, me: BrokerId, p: &PartitionState, now: u64) -> bool {
        if !p.replicas.contains(&me) {
            return false;
        }
        let key = (p.topic.clone(), p.partition);
        let old = self.parts.get(&key);
        if let Some(o) = old.filter(|o| p.leader_epoch <= o.leader_epoch) {
            // Same epoch from a new controller: only a newer stored ISR is taken.
            if p.leader_epoch == o.leader_epoch && p.zk_version > o.zk_version {
                let r = self.parts.get_mut(&key).expect("present");
                r.isr = p.isr.clone();
                r.zk_version = p.zk_version;
                self.inflight.remove(&key);
            }
            return false;
        }
        let changed = old.is_none_or(|o| o.leader != p.leader);
        // makeLeader resets the followers' states only for a new leader: a leader that stays
        // (the controller shrank its ISR, a new epoch) keeps what its followers reported.
        let kept: Option<BTreeMap<BrokerId, FollowerState>> = old
            .filter(|o| o.leader == me && p.leader == me)
            .map(|o| o.followers.clone());
        let log = self.logs.entry(key.clone()).or_default();
        let followers = if p.leader == me {
            // makeLeader: stamp the epoch; followers' offsets are unknown until they fetch,
            // ISR members count as caught up now.
            log.start_epoch(p.leader_epoch);
            p.replicas
                .iter()
                .filter(|&&r| r != me)
                .map(|&r| {
                    if let Some(f) = kept.as_ref().and_then(|k| k.get(&r)) {
                        return (r, f.clone());
                    }
                    let in_isr = p.isr.contains(&r);
                    let t = if in_isr { now } else { 0 };
                    (
                        r,
                        FollowerState {
                            leo: -1,
                            last_caught_up_ms: t,
                            last_fetch_leader_leo: -1,
                            last_fetch_ms: t,
                        },
                    )
                })
                .collect()
        } else {
            BTreeMap::new()
        };
        self.parts.insert(
            key.clone(),
            LocalReplica {
                leader: p.leader,
                leader_epoch: p.leader_epoch,
                isr: p.isr.clone(),
                replicas: p.replicas.clone(),
                zk_version: p.zk_version,
                followers,
            },
        );
        self.queued.remove(&key);
        self.inflight.remove(&key);
        changed
    }

    /// StopReplica (delete): the partition and its log are gone from this broker.
    pub fn remove(&mut self, key: &PartitionKey) {
        self.parts.remove(key);
        self.logs.remove(key);
        self.queued.remove(key);
        self.inflight.remove(key);
    }

    fn leading(&self, me: BrokerId, key: &PartitionKey) -> Option<&LocalReplica> {
        self.parts.get(key).filter(|r| r.leader == me)
    }

    /// What this broker's fetcher asks each leader for: its log end and last epoch.
    pub fn fetch_targets(&self, me: BrokerId) -> BTreeMap<BrokerId, Vec<FetchPartition>> {
        let mut out: BTreeMap<BrokerId, Vec<FetchPartition>> = BTreeMap::new();
        for (key, r) in &self.parts {
            if r.leader == me || r.leader == NO_LEADER {
                continue;
            }
            let log = self.logs.get(key);
            let fetch_offset = log.map_or(0, |l| l.log_end_offset());
            out.entry(r.leader).or_default().push(FetchPartition {
                topic: key.0.clone(),
                partition: key.1,
                current_leader_epoch: r.leader_epoch,
                fetch_offset,
                last_fetched_epoch: log.and_then(|l| l.latest_epoch()),
            });
        }
        out
    }

    /// Leader side: appends a producer's records. acks=all checks `min.insync.replicas`
    /// first. Returns (first, last) offsets.
    pub fn append(
        &mut self,
        me: BrokerId,
        key: &PartitionKey,
        acks: i16,
        min_isr: usize,
        records: Vec<NewRecord>,
    ) -> Result<(i64, i64), AppendError> {
        let r = self.leading(me, key).ok_or(AppendError::NotLeader)?;
        if acks == -1 && r.isr.len() < min_isr {
            return Err(AppendError::NotEnoughReplicas);
        }
        let epoch = r.leader_epoch;
        let log = self.logs.entry(key.clone()).or_default();
        let out = log.append_as_leader(epoch, records);
        self.maybe_advance_hw(me, key);
        Ok(out)
    }

    /// Whether an acks=all produce up to `last_offset` is complete: `None` = still waiting;
    /// `Some(Ok)` once the HW passed it with enough replicas in sync.
    pub fn produce_done(
        &self,
        me: BrokerId,
        key: &PartitionKey,
        last_offset: i64,
        min_isr: usize,
    ) -> Option<Result<(), String>> {
        let Some(r) = self.leading(me, key) else {
            return Some(Err("NOT_LEADER_OR_FOLLOWER".into()));
        };
        let hw = self.logs.get(key).map_or(0, |l| l.high_watermark());
        if hw <= last_offset {
            return None;
        }
        if r.isr.len() < min_isr {
            Some(Err("NOT_ENOUGH_REPLICAS_AFTER_APPEND".into()))
        } else {
            Some(Ok(()))
        }
    }

    /// The leader's HW rule: the smallest LEO among ISR members and pending additions (Kafka's
    /// "maximal ISR"); it only moves forward. Returns whether it moved.
    pub(super) fn maybe_advance_hw(&mut self, me: BrokerId, key: &PartitionKey) -> bool {
        let Some(r) = self.parts.get(key).filter(|r| r.leader == me) else {
            return false;
        };
        let Some(log) = self.logs.get_mut(key) else {
            return false;
        };
        let pending = self.queued.get(key);
        let mut hw = log.log_end_offset();
        for (id, f) in &r.followers {
            let counts = r.isr.contains(id) || pending.is_some_and(|p| p.contains(id));
            if counts {
                hw = hw.min(f.leo.max(0));
            }
        }
        log.advance_high_watermark(hw)
    }

    /// The leader side of a follower fetch. Also records whether the follower caught up and
    /// queues ISR expansion once it has. Returns the partition's response and whether the
    /// HW moved.
    pub fn on_follower_fetch(
        &mut self,
        me: BrokerId,
        follower: BrokerId,
        fp: &FetchPartition,
        now: u64,
    ) -> (FetchedPartition, bool) {
        let key = (fp.topic.clone(), fp.partition);
        let mut resp = FetchedPartition {
            topic: fp.topic.clone(),
            partition: fp.partition,
            error: None,
            high_watermark: 0,
            log_start_offset: 0,
            diverging_epoch: None,
            records: Vec::new(),
        };
        let error = match self.leading(me, &key) {
            None => Some("NOT_LEADER_OR_FOLLOWER"),
            Some(r) if fp.current_leader_epoch < r.leader_epoch => Some("FENCED_LEADER_EPOCH"),
            Some(r) if fp.current_leader_epoch > r.leader_epoch => Some("UNKNOWN_LEADER_EPOCH"),
            Some(r) if !r.replicas.contains(&follower) => Some("NOT_LEADER_OR_FOLLOWER"),
            Some(_) => None,
        };
        if let Some(e) = error {
            resp.error = Some(e.into());
            return (resp, false);
        }
        let log = self.logs.entry(key.clone()).or_default();
        resp.high_watermark = log.high_watermark();
        resp.log_start_offset = log.log_start_offset();
        // Divergence: the follower's last epoch ended earlier here (or is unknown here).
        if let Some(last) = fp.last_fetched_epoch {
            let (epoch, end) = log.end_offset_for_epoch(last).unwrap_or((-1, -1));
            if epoch < last || end < fp.fetch_offset {
                resp.diverging_epoch = Some((epoch, end));
                return (resp, false);
            }
        }
        let leo = log.log_end_offset();
        if fp.fetch_offset > leo || fp.fetch_offset < log.log_start_offset() {
            resp.error = Some("OFFSET_OUT_OF_RANGE".into());
            return (resp, false);
        }
        resp.records = log.read(fp.fetch_offset, leo, MAX_FETCH_RECORDS);
        let hw = log.high_watermark();
        let epoch_start = log.epoch_start_offset(self.parts[&key].leader_epoch);
        let r = self.parts.get_mut(&key).expect("leading");
        if let Some(f) = r.followers.get_mut(&follower) {
            // Kafka's updateFollowerFetchState: caught up when it fetched at our log end, or
            // at the end we had when it fetched last time.
            if fp.fetch_offset >= leo {
                f.last_caught_up_ms = now;
            } else if fp.fetch_offset >= f.last_fetch_leader_leo {
                f.last_caught_up_ms = f.last_caught_up_ms.max(f.last_fetch_ms);
            }
            f.leo = fp.fetch_offset;
            f.last_fetch_leader_leo = leo;
            f.last_fetch_ms = now;
        }
        let in_sync = fp.fetch_offset >= hw && epoch_start.is_none_or(|s| fp.fetch_offset >= s);
        if !r.isr.contains(&follower) && in_sync && !self.inflight.contains(&key) {
            let mut isr = r.isr.clone();
            isr.push(follower);
            self.queued.insert(key.clone(), isr);
        }
        let moved = self.maybe_advance_hw(me, &key);
        let log = &self.logs[&key];
        resp.high_watermark = log.high_watermark();
        (resp, moved)
    }

    /// The follower side of a fetch response from `leader`: truncate on divergence, append,
    /// take the leader's HW. Returns the number of records truncated away.
    pub fn on_fetch_response(&mut self, leader: BrokerId, p: &FetchedPartition) -> usize {
        let key = (p.topic.clone(), p.partition);
        if self.parts.get(&key).is_none_or(|r| r.leader != leader) {
            return 0;
        }
        let log = self.logs.entry(key).or_default();
        if let Some((epoch, end)) = p.diverging_epoch {
            // The leader knows no such epoch: fall back to our high watermark.
            if end < 0 {
                let hw = log.high_watermark();
                return log.truncate_to(hw);
            }
            let own = log.end_offset_for_epoch(epoch).map_or(end, |e| e.1);
            return log.truncate_to(end.min(own));
        }
        match p.error.as_deref() {
            None => {}
            Some("OFFSET_OUT_OF_RANGE") => {
                // Behind the leader's log start: start over there. Ahead: cut back to it.
                if log.log_end_offset() < p.log_start_offset {
                    let n = log.len();
                    log.truncate_fully_and_start_at(p.log_start_offset);
                    return n;
                }
                return log.truncate_to(p.high_watermark);
            }
            Some(_) => return 0,
        }
        log.append_as_follower(&p.records);
        log.advance_high_watermark(p.high_watermark.min(log.log_end_offset()));
        0
    }

    /// `maybeShrinkIsr`: followers that are behind and have not caught up within `lag_ms`
    /// leave the ISR.
    pub fn shrink_check(&mut self, me: BrokerId, now: u64, lag_ms: u64) {
        for (key, r) in &self.parts {
            if r.leader != me || self.inflight.contains(key) {
                continue;
            }
            let leo = self.logs.get(key).map_or(0, |l| l.log_end_offset());
            let isr: Vec<BrokerId> = r
                .isr
                .iter()
                .copied()
                .filter(|&f| {
                    f == me
                        || r.followers.get(&f).is_some_and(|s| {
                            s.leo == leo || now.saturating_sub(s.last_caught_up_ms) <= lag_ms
                        })
                })
                .collect();
            if isr != r.isr && !isr.is_empty() {
                self.queued.insert(key.clone(), isr);
            }
        }
    }

    /// The AlterIsr requests to send now (one in flight per partition).
    pub fn take_alter_isr_requests(&mut self, me: BrokerId) -> Vec<KafkaMessage> {
        let queued = std::mem::take(&mut self.queued);
        let mut out = Vec::new();
        for (key, new_isr) in queued {
            let Some(r) = self.parts.get(&key) else {
                continue;
            };
            self.inflight.insert(key.clone());
            out.push(KafkaMessage::AlterIsr {
                broker_id: me,
                topic: key.0.clone(),
                partition: key.1,
                leader_epoch: r.leader_epoch,
                new_isr,
                zk_version: r.zk_version,
            });
        }
        out
    }

    /// The controller's answer to an AlterIsr; returns whether the HW moved (a smaller ISR
    /// can let it advance).
    pub fn on_alter_isr_response(
        &mut self,
        me: BrokerId,
        key: &PartitionKey,
        result: Result<PartitionState, String>,
    ) -> bool {
        self.inflight.remove(key);
        if let (Ok(st), Some(r)) = (result, self.parts.get_mut(key)) {
            if st.leader_epoch == r.leader_epoch {
                r.isr = st.isr;
                r.zk_version = st.zk_version;
                return self.maybe_advance_hw(me, key);
            }
        }
        false
    }
}
