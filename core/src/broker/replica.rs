//! The partitions a broker hosts (ReplicaManager / Partition): leader or follower per
//! LeaderAndIsr, followers fetching from leaders, and the leader's ISR upkeep — followers
//! that stop fetching for `replica.lag.time.max.ms` leave, ones that catch up come back,
//! both through AlterIsr to the controller. Logs are empty for now, so "caught up" means
//! "fetched recently".

use crate::broker::controller::PartitionKey;
use crate::broker::messages::{BrokerId, KafkaMessage, PartitionState, NO_LEADER};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalReplica {
    pub leader: BrokerId,
    pub leader_epoch: i32,
    pub isr: Vec<BrokerId>,
    pub replicas: Vec<BrokerId>,
    pub zk_version: i32,
    /// Leader only: when each follower last fetched (caught up).
    pub last_caught_up: BTreeMap<BrokerId, u64>,
}

#[derive(Clone, Debug, Default)]
pub struct Replicas {
    pub parts: BTreeMap<PartitionKey, LocalReplica>,
    /// ISR changes decided but not sent yet.
    queued: BTreeMap<PartitionKey, Vec<BrokerId>>,
    /// ISR changes sent to the controller, awaiting its answer (one at a time per partition).
    inflight: BTreeSet<PartitionKey>,
}

impl Replicas {
    /// What survives a restart (the log directory; nothing yet while logs are empty).
    pub fn into_disk(self) -> Replicas {
        Replicas::default()
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
        let last_caught_up = if p.leader == me {
            p.isr
                .iter()
                .filter(|&&r| r != me)
                .map(|&r| (r, now))
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
                last_caught_up,
            },
        );
        self.queued.remove(&key);
        self.inflight.remove(&key);
        changed
    }

    /// (leader, [(topic, partition, leader epoch)]) for every partition this broker follows.
    pub fn fetch_targets(&self, me: BrokerId) -> BTreeMap<BrokerId, Vec<(String, i32, i32)>> {
        let mut out: BTreeMap<BrokerId, Vec<(String, i32, i32)>> = BTreeMap::new();
        for ((t, p), r) in &self.parts {
            if r.leader != me && r.leader != NO_LEADER {
                out.entry(r.leader)
                    .or_default()
                    .push((t.clone(), *p, r.leader_epoch));
            }
        }
        out
    }

    /// The leader side of a follower fetch; returns the partition's error, if any. A
    /// follower outside the ISR that fetches is caught up (empty logs) → ISR expansion.
    pub fn on_follower_fetch(
        &mut self,
        me: BrokerId,
        key: &PartitionKey,
        follower: BrokerId,
        epoch: i32,
        now: u64,
    ) -> Option<String> {
        let Some(r) = self.parts.get_mut(key).filter(|r| r.leader == me) else {
            return Some("NOT_LEADER_OR_FOLLOWER".into());
        };
        if epoch < r.leader_epoch {
            return Some("FENCED_LEADER_EPOCH".into());
        }
        if epoch > r.leader_epoch {
            return Some("UNKNOWN_LEADER_EPOCH".into());
        }
        if !r.replicas.contains(&follower) {
            return Some("NOT_LEADER_OR_FOLLOWER".into());
        }
        r.last_caught_up.insert(follower, now);
        if !r.isr.contains(&follower) && !self.inflight.contains(key) {
            let mut isr = r.isr.clone();
            isr.push(follower);
            self.queued.insert(key.clone(), isr);
        }
        None
    }

    /// `maybeShrinkIsr`: followers that have not caught up within `lag_ms` leave the ISR.
    pub fn shrink_check(&mut self, me: BrokerId, now: u64, lag_ms: u64) {
        for (key, r) in &self.parts {
            if r.leader != me || self.inflight.contains(key) {
                continue;
            }
            let isr: Vec<BrokerId> = r
                .isr
                .iter()
                .copied()
                .filter(|&f| {
                    f == me
                        || r.last_caught_up
                            .get(&f)
                            .is_some_and(|&t| now.saturating_sub(t) <= lag_ms)
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

    pub fn on_alter_isr_response(
        &mut self,
        key: &PartitionKey,
        result: Result<PartitionState, String>,
    ) {
        self.inflight.remove(key);
        if let (Ok(st), Some(r)) = (result, self.parts.get_mut(key)) {
            if st.leader_epoch == r.leader_epoch {
                r.isr = st.isr;
                r.zk_version = st.zk_version;
            }
        }
    }
}
