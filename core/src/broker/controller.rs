//! The controller's decisions (KafkaController, PartitionStateMachine, ReplicaStateMachine),
//! as pure changes to an in-memory context. Where the result is stored (ZooKeeper now, a
//! Raft log in KRaft later) and who is told (LeaderAndIsr, UpdateMetadata) is the broker
//! node's job, so these rules stay the same when the metadata store changes.

use crate::broker::messages::{BrokerId, BrokerInfo, PartitionState, NO_LEADER};
use crate::ordered::{OrdMap as BTreeMap, OrdSet as BTreeSet};

pub type PartitionKey = (String, i32);

/// What the active controller knows (ControllerContext).
#[derive(Clone, Debug, Default)]
pub struct ControllerContext {
    pub id: BrokerId,
    pub epoch: i32,
    /// Version of `/controller_epoch`: every write checks it (a newer controller fences us).
    pub epoch_zk_version: i32,
    pub live: BTreeMap<BrokerId, BrokerInfo>,
    pub shutting_down: BTreeSet<BrokerId>,
    pub topic_ids: BTreeMap<String, String>,
    /// Every partition; `zk_version == -1` means New (no state znode yet).
    pub partitions: BTreeMap<PartitionKey, PartitionState>,
    pub unclean_leader_election: bool,
    /// Topics queued for deletion (TopicDeletionManager, [`super::controller_admin`]).
    pub deletion: crate::broker::controller_admin::Deletions,
}

/// One partition whose leader/ISR the controller changed: the node stores it (create when
/// `created`, else a conditional set at `expected_version`) and tells the replicas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub key: PartitionKey,
    pub created: bool,
    pub expected_version: i32,
    pub old_leader: BrokerId,
    pub old_isr: Vec<BrokerId>,
}

impl ControllerContext {
    /// Alive and not in controlled shutdown (`isReplicaOnline` without shutting-down brokers).
    pub fn online(&self, b: BrokerId) -> bool {
        self.live.contains_key(&b) && !self.shutting_down.contains(&b)
    }

    pub(crate) fn record(
        &mut self,
        key: &PartitionKey,
        f: impl FnOnce(&mut PartitionState),
    ) -> Change {
        let st = self
            .partitions
            .get_mut(key)
            .expect("caller checked the key");
        let change = Change {
            key: key.clone(),
            created: st.zk_version < 0,
            expected_version: st.zk_version,
            old_leader: st.leader,
            old_isr: st.isr.clone(),
        };
        f(st);
        st.controller_epoch = self.epoch;
        // The store's version after our write: 0 for a create, +1 for a set.
        st.zk_version += 1;
        change
    }

    /// Adds a topic's partitions in state New (the `/brokers/topics` watch saw it).
    pub fn add_topic(&mut self, topic: &str, id: &str, assignment: &BTreeMap<i32, Vec<BrokerId>>) {
        self.topic_ids.insert(topic.to_string(), id.to_string());
        for (&p, replicas) in assignment {
            self.partitions
                .entry((topic.to_string(), p))
                .or_insert_with(|| PartitionState {
                    topic: topic.to_string(),
                    partition: p,
                    controller_epoch: 0,
                    leader: NO_LEADER,
                    leader_epoch: -1,
                    isr: Vec::new(),
                    zk_version: -1,
                    replicas: replicas.clone(),
                });
        }
    }

    /// Partitions needing a leader: New ones and those whose leader is not online.
    pub fn offline_or_new(&self) -> Vec<PartitionKey> {
        self.partitions
            .iter()
            .filter(|(_, s)| s.zk_version < 0 || !self.online(s.leader))
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// `triggerOnlinePartitionStateChange` for `keys`: New → first live replica leads, ISR =
    /// live replicas (epoch 0); Offline → first replica in assignment order that is online and
    /// in the ISR (ISR ∩ online; epoch + 1), or unclean if enabled; else stays offline.
    pub fn elect_offline(&mut self, keys: &[PartitionKey]) -> Vec<Change> {
        let mut out = Vec::new();
        for key in keys {
            let Some(st) = self.partitions.get(key) else {
                continue;
            };
            if st.zk_version < 0 {
                let live: Vec<BrokerId> = st
                    .replicas
                    .iter()
                    .copied()
                    .filter(|&r| self.online(r))
                    .collect();
                let Some(&leader) = live.first() else {
                    continue; // "No assigned replica is alive": stays New.
                };
                out.push(self.record(key, |s| {
                    s.leader = leader;
                    s.leader_epoch = 0;
                    s.isr = live;
                }));
                continue;
            }
            if self.online(st.leader) {
                continue;
            }
            let live_isr: Vec<BrokerId> =
                st.isr.iter().copied().filter(|&r| self.online(r)).collect();
            let clean = st.replicas.iter().copied().find(|r| live_isr.contains(r));
            let (leader, isr) = match clean {
                Some(l) => (l, live_isr),
                None if self.unclean_leader_election => {
                    match st.replicas.iter().copied().find(|&r| self.online(r)) {
                        Some(l) => (l, vec![l]),
                        None => continue,
                    }
                }
                None => continue,
            };
            out.push(self.record(key, |s| {
                s.leader = leader;
                s.isr = isr;
                s.leader_epoch += 1;
            }));
        }
        out
    }

    /// OfflineReplica for `broker` (`removeReplicasFromIsr`): every partition whose ISR holds
    /// it loses it (the last member stays: the ISR is never empty); a partition it led has no
    /// leader now. Leader epoch + 1 either way.
    pub fn remove_from_isr(&mut self, broker: BrokerId, keys: &[PartitionKey]) -> Vec<Change> {
        let mut out = Vec::new();
        for key in keys {
            let Some(st) = self.partitions.get(key) else {
                continue;
            };
            if st.zk_version < 0 || !st.isr.contains(&broker) {
                continue;
            }
            out.push(self.record(key, |s| {
                if s.leader == broker {
                    s.leader = NO_LEADER;
                }
                if s.isr.len() > 1 {
                    s.isr.retain(|&r| r != broker);
                }
                s.leader_epoch += 1;
            }));
        }
        out
    }

    fn keys_with_replica(&self, broker: BrokerId) -> Vec<PartitionKey> {
        self.partitions
            .iter()
            .filter(|(_, s)| s.replicas.contains(&broker))
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// `onBrokerFailure`: partitions they led go Offline and get new leaders, then their
    /// replicas go OfflineReplica (dropped from the ISRs that still hold them).
    pub fn on_broker_failure(&mut self, dead: &[BrokerId]) -> Vec<Change> {
        for b in dead {
            self.live.remove(b);
            self.shutting_down.remove(b);
        }
        let led: Vec<PartitionKey> = self
            .partitions
            .iter()
            .filter(|(_, s)| s.zk_version >= 0 && dead.contains(&s.leader))
            .map(|(k, _)| k.clone())
            .collect();
        let mut out = self.elect_offline(&led);
        for &b in dead {
            let keys = self.keys_with_replica(b);
            out.extend(self.remove_from_isr(b, &keys));
        }
        out
    }

    /// `onBrokerStartup`: the newcomers are live; offline and new partitions are retried.
    /// (Their replicas become followers through the LeaderAndIsr the node sends them.)
    pub fn on_broker_startup(&mut self, new: Vec<BrokerInfo>) -> Vec<Change> {
        for b in new {
            self.shutting_down.remove(&b.id);
            self.live.insert(b.id, b);
        }
        let keys = self.offline_or_new();
        self.elect_offline(&keys)
    }

    /// At failover (`ReplicaStateMachine.startup` then `PartitionStateMachine.startup`):
    /// replicas on dead brokers leave the ISRs, then partitions without a live leader elect.
    pub fn on_failover(&mut self) -> Vec<Change> {
        let mut out = Vec::new();
        let dead: BTreeSet<BrokerId> = self
            .partitions
            .values()
            .flat_map(|s| s.replicas.iter().copied())
            .filter(|r| !self.live.contains_key(r))
            .collect();
        for b in dead {
            let keys = self.keys_with_replica(b);
            out.extend(self.remove_from_isr(b, &keys));
        }
        let keys = self.offline_or_new();
        out.extend(self.elect_offline(&keys));
        out
    }

    /// ControlledShutdown: partitions it leads move to the next online ISR replica in
    /// assignment order (ISR without it, epoch + 1); it leaves the ISRs it follows in.
    /// Returns the changes and how many partitions it still leads.
    pub fn controlled_shutdown(&mut self, broker: BrokerId) -> (Vec<Change>, usize) {
        if !self.live.contains_key(&broker) {
            return (Vec::new(), 0);
        }
        self.shutting_down.insert(broker);
        let mut out = Vec::new();
        let keys = self.keys_with_replica(broker);
        let mut followed = Vec::new();
        for key in &keys {
            let st = &self.partitions[key];
            if st.zk_version < 0 {
                continue;
            }
            if st.leader != broker {
                followed.push(key.clone());
                continue;
            }
            let isr: Vec<BrokerId> = st.isr.iter().copied().filter(|&r| r != broker).collect();
            let Some(leader) = st
                .replicas
                .iter()
                .copied()
                .find(|&r| isr.contains(&r) && self.online(r))
            else {
                continue;
            };
            out.push(self.record(key, |s| {
                s.leader = leader;
                s.isr = isr;
                s.leader_epoch += 1;
            }));
        }
        out.extend(self.remove_from_isr(broker, &followed));
        let remaining = self
            .partitions
            .values()
            .filter(|s| s.leader == broker)
            .count();
        (out, remaining)
    }

    /// AlterIsr from a partition leader: checked against the current leader, leader epoch and
    /// version; the leader epoch stays, the version moves on.
    pub fn alter_isr(
        &mut self,
        broker: BrokerId,
        key: &PartitionKey,
        leader_epoch: i32,
        new_isr: Vec<BrokerId>,
        zk_version: i32,
    ) -> Result<Change, String> {
        let st = self
            .partitions
            .get(key)
            .ok_or_else(|| "UNKNOWN_TOPIC_OR_PARTITION".to_string())?;
        if st.leader != broker {
            return Err("NOT_LEADER_OR_FOLLOWER".into());
        }
        if leader_epoch < st.leader_epoch {
            return Err("FENCED_LEADER_EPOCH".into());
        }
        if zk_version != st.zk_version || new_isr.is_empty() || !new_isr.contains(&broker) {
            return Err("INVALID_UPDATE_VERSION".into());
        }
        Ok(self.record(key, |s| s.isr = new_isr))
    }

    /// The auto-rebalance check: per broker, the share of partitions it should lead
    /// (first assigned replica) but does not; above `pct` %, those whose preferred replica is
    /// online and in the ISR move back to it (leader epoch + 1).
    pub fn preferred_election(&mut self, pct: i32) -> Vec<Change> {
        let mut per_broker: BTreeMap<BrokerId, (usize, Vec<PartitionKey>)> = BTreeMap::new();
        for (k, s) in &self.partitions {
            let Some(&pref) = s.replicas.first() else {
                continue;
            };
            let e = per_broker.entry(pref).or_default();
            e.0 += 1;
            if s.zk_version >= 0 && s.leader != pref {
                e.1.push(k.clone());
            }
        }
        let mut out = Vec::new();
        for (pref, (total, off)) in per_broker {
            if total == 0 || (off.len() as f64 / total as f64) <= f64::from(pct) / 100.0 {
                continue;
            }
            if !self.online(pref) {
                continue;
            }
            for key in off {
                if !self.partitions[&key].isr.contains(&pref) {
                    continue;
                }
                out.push(self.record(&key, |s| {
                    s.leader = pref;
                    s.leader_epoch += 1;
                }));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(live: &[BrokerId]) -> ControllerContext {
        let mut c = ControllerContext {
            id: 1,
            epoch: 1,
            ..Default::default()
        };
        for &b in live {
            c.live.insert(
                b,
                BrokerInfo {
                    id: b,
                    endpoints: vec![],
                    rack: None,
                    epoch: 0,
                },
            );
        }
        c
    }

    fn st(c: &ControllerContext, p: i32) -> (BrokerId, Vec<BrokerId>, i32) {
        let s = &c.partitions[&("t".to_string(), p)];
        (s.leader, s.isr.clone(), s.leader_epoch)
    }

    fn seed_topic(c: &mut ControllerContext) {
        let a: BTreeMap<i32, Vec<i32>> = [(0, vec![1, 2]), (1, vec![2, 3]), (2, vec![3, 1])].into();
        c.add_topic("t", "id", &a);
        let keys = c.offline_or_new();
        assert_eq!(c.elect_offline(&keys).len(), 3);
    }

    #[test]
    fn new_partitions_lead_on_first_live_replica_with_all_live_in_isr() {
        let mut c = ctx(&[1, 3]);
        seed_topic(&mut c);
        assert_eq!(st(&c, 0), (1, vec![1], 0));
        assert_eq!(st(&c, 1), (3, vec![3], 0));
        assert_eq!(st(&c, 2), (3, vec![3, 1], 0));
    }

    #[test]
    fn broker_failure_moves_leaders_and_shrinks_isrs_never_to_empty() {
        let mut c = ctx(&[1, 2, 3]);
        seed_topic(&mut c);
        let changes = c.on_broker_failure(&[2]);
        assert_eq!(changes.len(), 2);
        assert_eq!(st(&c, 0), (1, vec![1], 1));
        assert_eq!(st(&c, 1), (3, vec![3], 1));
        assert_eq!(st(&c, 2), (3, vec![3, 1], 0));
        c.on_broker_failure(&[3]);
        assert_eq!(st(&c, 1), (NO_LEADER, vec![3], 2), "offline, last ISR kept");
        assert_eq!(st(&c, 2), (1, vec![1], 1));
        // 3 comes back: it is the last ISR member, so it leads again.
        let info = c.live[&1].clone();
        c.on_broker_startup(vec![BrokerInfo { id: 3, ..info }]);
        assert_eq!(st(&c, 1), (3, vec![3], 3));
    }

    #[test]
    fn preferred_election_restores_leadership_above_ten_percent() {
        let mut c = ctx(&[1, 2, 3]);
        seed_topic(&mut c);
        c.on_broker_failure(&[1]);
        assert_eq!(st(&c, 0).0, 2);
        let info = c.live[&2].clone();
        c.on_broker_startup(vec![BrokerInfo { id: 1, ..info }]);
        assert!(
            c.preferred_election(10).is_empty(),
            "1 is not in the ISR yet"
        );
        let k = ("t".to_string(), 0);
        let v = c.partitions[&k].zk_version;
        c.alter_isr(2, &k, 1, vec![2, 1], v).unwrap();
        assert_eq!(
            c.alter_isr(2, &k, 1, vec![2, 1], v),
            Err("INVALID_UPDATE_VERSION".into())
        );
        let ch = c.preferred_election(10);
        assert_eq!(ch.len(), 1);
        assert_eq!(st(&c, 0), (1, vec![2, 1], 2));
    }

    #[test]
    fn controlled_shutdown_moves_leadership_first() {
        let mut c = ctx(&[1, 2, 3]);
        seed_topic(&mut c);
        let (ch, remaining) = c.controlled_shutdown(3);
        assert_eq!(remaining, 0);
        assert_eq!(ch.len(), 2);
        assert_eq!(st(&c, 2), (1, vec![1], 1));
        assert_eq!(st(&c, 1), (2, vec![2], 1));
    }

    #[test]
    fn unclean_election_picks_first_live_replica() {
        let mut c = ctx(&[1, 2, 3]);
        seed_topic(&mut c);
        c.on_broker_failure(&[2]);
        c.on_broker_failure(&[3]);
        c.unclean_leader_election = true;
        let info = c.live[&1].clone();
        // 2 returns, 3 (the last ISR member of partition 1) does not.
        c.on_broker_startup(vec![BrokerInfo { id: 2, ..info }]);
        assert_eq!(st(&c, 1), (2, vec![2], 3));
    }
}
