//! The controller's admin duties as pure changes to its [`ControllerContext`] (Kafka 3.0,
//! ZooKeeper mode): the TopicDeletionManager's state machine, the partition assignment for
//! CreatePartitions (`AdminZkClient.createNewPartitionsAssignment`) and ElectLeaders
//! (`KafkaController.processReplicaLeaderElection`). The broker node stores the outcome in
//! ZooKeeper and sends the requests ([`super::topic_admin`]).

use crate::broker::controller::{Change, ControllerContext, PartitionKey};
use crate::broker::messages::{BrokerId, ElectionType, PartitionState, LEADER_DURING_DELETE};
use crate::kafka::assignment::{assign_replicas_to_brokers, BrokerMetadata};
use crate::ordered::{OrdMap as BTreeMap, OrdSet as BTreeSet};

/// A replica's deletion state (ReplicaStateMachine, deletion part).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplicaDeletion {
    /// OfflineReplica: not asked yet (or asked again after a failure).
    Offline,
    /// StopReplica(delete) sent, no answer yet.
    Started,
    Successful,
    /// Its broker is down or failed to delete: retried once the topic is eligible again.
    Ineligible,
}

/// A topic queued for deletion (`topicsToBeDeleted`).
#[derive(Clone, Debug, Default)]
pub struct TopicDeletion {
    /// The partitions as they were when deletion began (no longer in `ctx.partitions`).
    pub partitions: BTreeMap<i32, PartitionState>,
    pub replicas: BTreeMap<(i32, BrokerId), ReplicaDeletion>,
    /// `topicsWithDeletionStarted`.
    pub started: bool,
    /// `topicsIneligibleForDeletion`: a replica is on a dead broker (or failed).
    pub ineligible: bool,
}

impl TopicDeletion {
    fn any(&self, s: ReplicaDeletion) -> bool {
        self.replicas.values().any(|r| *r == s)
    }
}

/// The deletion manager's part of the controller context.
#[derive(Clone, Debug, Default)]
pub struct Deletions {
    pub topics: BTreeMap<String, TopicDeletion>,
    /// `/admin/delete_topics` children read while the controller was still loading.
    pub initial: BTreeSet<String>,
}

/// What the node does after a deletion step, in this order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeletionActions {
    /// UpdateMetadata to every live broker with these partitions at [`LEADER_DURING_DELETE`].
    pub metadata_removal: Vec<PartitionState>,
    /// StopReplica(delete=true) per broker.
    pub stop_replicas: BTreeMap<BrokerId, Vec<(String, i32)>>,
    /// Topics whose replicas are all gone: (name, partition ids) to remove from ZooKeeper.
    pub completed: Vec<(String, Vec<i32>)>,
    /// `/admin/delete_topics/<t>` entries to remove (unknown topics, or deletion disabled).
    pub drop_markers: Vec<String>,
}

impl DeletionActions {
    pub fn is_empty(&self) -> bool {
        *self == DeletionActions::default()
    }

    fn merge(&mut self, o: DeletionActions) {
        self.metadata_removal.extend(o.metadata_removal);
        for (b, ps) in o.stop_replicas {
            self.stop_replicas.entry(b).or_default().extend(ps);
        }
        self.completed.extend(o.completed);
        self.drop_markers.extend(o.drop_markers);
    }
}

/// One partition's ElectLeaders outcome before the node waits for the metadata to show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ElectionOutcome {
    /// The new leader (the request completes once the caches show it).
    Elected(BrokerId),
    /// (ERROR_NAME, message).
    Failed(String, String),
}

/// ZooKeeper's `jute.maxbuffer`: no znode (a topic's assignment JSON) can be larger.
const MAX_ZNODE_BYTES: i64 = 1_048_575;

/// `ELECTION_NOT_NEEDED`, which `--all-topic-partitions` answers leave out.
pub const ELECTION_NOT_NEEDED: &str = "ELECTION_NOT_NEEDED";

impl ControllerContext {
    pub fn is_queued_for_deletion(&self, topic: &str) -> bool {
        self.deletion.topics.contains_key(topic)
    }

    /// `processTopicDeletion`: the `/admin/delete_topics` children. Unknown topics lose their
    /// marker; with `delete.topic.enable=false` every marker goes and nothing is deleted.
    pub fn on_delete_topics_marked(&mut self, names: &[String], enabled: bool) -> DeletionActions {
        let mut out = DeletionActions::default();
        let mut queue = Vec::new();
        for n in names {
            // Unknown topics, or every marker when deletion is disabled.
            if !self.topic_ids.contains_key(n) || !enabled {
                out.drop_markers.push(n.clone());
            } else if !self.is_queued_for_deletion(n) {
                queue.push(n.clone());
            }
        }
        for t in queue {
            self.queue_topic_deletion(&t);
        }
        out.merge(self.resume_deletions());
        out
    }

    /// At failover (`fetchTopicDeletionsInProgress` + `TopicDeletionManager.init`): topics
    /// marked before this controller loaded; those with a replica on a dead broker wait.
    pub fn init_topic_deletion(&mut self) {
        let initial = std::mem::take(&mut self.deletion.initial);
        for t in initial {
            if !self.topic_ids.contains_key(&t) || self.is_queued_for_deletion(&t) {
                continue;
            }
            self.queue_topic_deletion(&t);
            let offline = self.deletion.topics[&t]
                .replicas
                .keys()
                .any(|(_, b)| !self.online(*b));
            if let Some(td) = self.deletion.topics.get_mut(&t) {
                td.ineligible = offline;
            }
        }
    }

    /// The topic's partitions leave the election machinery (they are never elected again).
    fn queue_topic_deletion(&mut self, topic: &str) {
        let keys: Vec<PartitionKey> = self
            .partitions
            .keys()
            .filter(|(t, _)| t == topic)
            .cloned()
            .collect();
        let mut td = TopicDeletion::default();
        for k in keys {
            if let Some(st) = self.partitions.remove(&k) {
                for &r in &st.replicas {
                    td.replicas.insert((k.1, r), ReplicaDeletion::Offline);
                }
                td.partitions.insert(k.1, st);
            }
        }
        self.deletion.topics.insert(topic.to_string(), td);
    }

    /// `resumeDeletions`: completes topics whose replicas are all deleted, retries failed
    /// replicas, and (re)starts deletion of eligible topics.
    pub fn resume_deletions(&mut self) -> DeletionActions {
        let mut out = DeletionActions::default();
        let names: Vec<String> = self.deletion.topics.keys().cloned().collect();
        let mut eligible = Vec::new();
        for t in names {
            let Some(td) = self.deletion.topics.get_mut(&t) else {
                continue;
            };
            if td
                .replicas
                .values()
                .all(|r| *r == ReplicaDeletion::Successful)
            {
                // completeDeleteTopic.
                let parts = td.partitions.keys().copied().collect();
                self.deletion.topics.remove(&t);
                self.topic_ids.remove(&t);
                out.completed.push((t, parts));
                continue;
            }
            if !td.any(ReplicaDeletion::Started) {
                if td.any(ReplicaDeletion::Ineligible) {
                    // retryDeletionForIneligibleReplicas.
                    for r in td.replicas.values_mut() {
                        if *r == ReplicaDeletion::Ineligible {
                            *r = ReplicaDeletion::Offline;
                        }
                    }
                }
                if !td.ineligible {
                    eligible.push(t);
                }
            }
        }
        for t in eligible {
            out.merge(self.on_topic_deletion(&t));
        }
        out
    }

    /// `onTopicDeletion` + `onPartitionDeletion`: metadata first (brokers stop serving it),
    /// then StopReplica(delete) to live replicas; dead ones make the topic ineligible.
    fn on_topic_deletion(&mut self, topic: &str) -> DeletionActions {
        let mut out = DeletionActions::default();
        let live: BTreeSet<BrokerId> = self
            .live
            .keys()
            .copied()
            .filter(|b| self.online(*b))
            .collect();
        let Some(td) = self.deletion.topics.get_mut(topic) else {
            return out;
        };
        td.started = true;
        out.metadata_removal = td
            .partitions
            .values()
            .map(|p| PartitionState {
                leader: LEADER_DURING_DELETE,
                ..p.clone()
            })
            .collect();
        let mut dead = false;
        for ((p, b), st) in td.replicas.iter_mut() {
            if !live.contains(b) {
                dead = true;
                *st = ReplicaDeletion::Ineligible;
            } else if *st != ReplicaDeletion::Successful {
                *st = ReplicaDeletion::Started;
                out.stop_replicas
                    .entry(*b)
                    .or_default()
                    .push((topic.to_string(), *p));
            }
        }
        if dead {
            td.ineligible = true;
        }
        out
    }

    /// A StopReplica(delete) answer from `broker`: failed replicas become ineligible, the
    /// others are deleted; then deletion resumes.
    pub fn on_stop_replica_result(
        &mut self,
        broker: BrokerId,
        partitions: &[(String, i32, bool)],
    ) -> DeletionActions {
        for (t, p, ok) in partitions {
            let Some(td) = self.deletion.topics.get_mut(t) else {
                continue;
            };
            let Some(st) = td.replicas.get_mut(&(*p, broker)) else {
                continue;
            };
            if *ok {
                *st = ReplicaDeletion::Successful;
            } else {
                if matches!(*st, ReplicaDeletion::Offline | ReplicaDeletion::Started) {
                    *st = ReplicaDeletion::Ineligible;
                }
                td.ineligible = true;
            }
        }
        self.resume_deletions()
    }

    /// `onBrokerFailure` for topics queued for deletion: their replicas there fail.
    pub fn deletion_brokers_failed(&mut self, dead: &[BrokerId]) -> DeletionActions {
        let mut any = false;
        for td in self.deletion.topics.values_mut() {
            let mut hit = false;
            for ((_, b), st) in td.replicas.iter_mut() {
                if dead.contains(b) {
                    hit = true;
                    if matches!(*st, ReplicaDeletion::Offline | ReplicaDeletion::Started) {
                        *st = ReplicaDeletion::Ineligible;
                    }
                }
            }
            if hit {
                td.ineligible = true;
                any = true;
            }
        }
        if any {
            self.resume_deletions()
        } else {
            DeletionActions::default()
        }
    }

    /// `onBrokerStartup`: topics with a replica on the newcomer become eligible again.
    pub fn deletion_broker_started(&mut self, broker: BrokerId) -> DeletionActions {
        let mut any = false;
        for td in self.deletion.topics.values_mut() {
            if td.replicas.keys().any(|(_, b)| *b == broker) {
                td.ineligible = false;
                any = true;
            }
        }
        if any {
            self.resume_deletions()
        } else {
            DeletionActions::default()
        }
    }

    /// The topic's assignment, partition → replicas (empty when unknown).
    pub fn assignment_of(&self, topic: &str) -> BTreeMap<i32, Vec<BrokerId>> {
        self.partitions
            .iter()
            .filter(|((t, _), _)| t == topic)
            .map(|((_, p), s)| (*p, s.replicas.clone()))
            .collect()
    }

    /// ZkAdminManager.createPartitions + `createNewPartitionsAssignment`: the full new
    /// assignment of `topic` raised to `count` partitions. The new ones continue the
    /// existing layout: start index (and replica shift) = the position of the first broker
    /// whose id ≥ partition 0's first replica, partition ids from the current count.
    pub fn plan_new_partitions(
        &self,
        topic: &str,
        count: i32,
        brokers: &[BrokerMetadata],
    ) -> Result<BTreeMap<i32, Vec<BrokerId>>, (String, String)> {
        if self.is_queued_for_deletion(topic) {
            return Err((
                "INVALID_TOPIC_EXCEPTION".into(),
                "The topic is queued for deletion.".into(),
            ));
        }
        let existing = self.assignment_of(topic);
        if existing.is_empty() {
            return Err((
                "UNKNOWN_TOPIC_OR_PARTITION".into(),
                format!("The topic '{topic}' does not exist."),
            ));
        }
        let old = existing.len() as i64;
        let new = i64::from(count);
        if new < old {
            return Err((
                "INVALID_PARTITIONS".into(),
                format!(
                    "Topic currently has {old} partitions, which is higher than the requested {new}."
                ),
            ));
        }
        if new == old {
            return Err((
                "INVALID_PARTITIONS".into(),
                format!("Topic already has {old} partitions."),
            ));
        }
        if (new - old) * 4 > MAX_ZNODE_BYTES {
            // The assignment could not be stored: ZooKeeper refuses znodes over
            // jute.maxbuffer (1 MiB); the broker fails the request.
            return Err((
                "UNKNOWN_SERVER_ERROR".into(),
                "The server experienced an unexpected error when processing the request.".into(),
            ));
        }
        let Some(p0) = existing.get(&0).filter(|r| !r.is_empty()) else {
            return Err((
                "UNKNOWN_SERVER_ERROR".into(),
                format!("Unexpected existing replica assignment for topic '{topic}', partition id 0 is missing. Assignment: {existing:?}"),
            ));
        };
        let start = brokers.iter().position(|b| b.id >= p0[0]).unwrap_or(0);
        let added = assign_replicas_to_brokers(
            brokers,
            (new - old) as i32,
            p0.len() as i32,
            start,
            start,
            old as i32,
        )
        .map_err(|e| (e.error_name().to_string(), e.message().to_string()))?;
        let mut all = existing;
        all.extend(added);
        Ok(all)
    }

    /// `processReplicaLeaderElection` (admin-triggered): per partition, the leader it gets or
    /// why not, and the controller changes to store. Preferred: the first assigned replica if
    /// it is online and in the ISR; unclean: only partitions without a live leader, first
    /// online ISR replica in assignment order, else the first online replica (ISR = [it]).
    pub fn elect_leaders(
        &mut self,
        election: ElectionType,
        partitions: &[PartitionKey],
    ) -> (Vec<(PartitionKey, ElectionOutcome)>, Vec<Change>) {
        let mut results = Vec::new();
        let mut changes = Vec::new();
        for key in partitions {
            let tp = format!("{}-{}", key.0, key.1);
            let fail = |code: &str, msg: String| ElectionOutcome::Failed(code.to_string(), msg);
            let deleting = self
                .deletion
                .topics
                .get(&key.0)
                .is_some_and(|td| td.partitions.contains_key(&key.1));
            if deleting {
                let f = fail(
                    "INVALID_TOPIC_EXCEPTION",
                    "The topic is being deleted".into(),
                );
                results.push((key.clone(), f));
                continue;
            }
            let Some(st) = self.partitions.get(key) else {
                let f = fail(
                    "UNKNOWN_TOPIC_OR_PARTITION",
                    "The partition does not exist.".into(),
                );
                results.push((key.clone(), f));
                continue;
            };
            let needed = match election {
                ElectionType::Preferred => st.replicas.first() != Some(&st.leader),
                ElectionType::Unclean => !self.online(st.leader),
            };
            if !needed {
                let f = fail(
                    ELECTION_NOT_NEEDED,
                    "Leader election not needed for topic partition.".into(),
                );
                results.push((key.clone(), f));
                continue;
            }
            let online: Vec<BrokerId> = st
                .replicas
                .iter()
                .copied()
                .filter(|r| self.online(*r))
                .collect();
            let isr = st.isr.clone();
            let (leader, new_isr) = match election {
                ElectionType::Preferred => {
                    let l = st
                        .replicas
                        .first()
                        .copied()
                        .filter(|p| online.contains(p) && isr.contains(p));
                    (l, isr.clone())
                }
                ElectionType::Unclean => {
                    let clean = st
                        .replicas
                        .iter()
                        .copied()
                        .find(|r| online.contains(r) && isr.contains(r));
                    let l = clean.or_else(|| online.first().copied());
                    let new_isr = match l {
                        Some(l) if isr.contains(&l) => {
                            isr.iter().copied().filter(|r| online.contains(r)).collect()
                        }
                        Some(l) => vec![l],
                        None => Vec::new(),
                    };
                    (l, new_isr)
                }
            };
            let Some(leader) = leader.filter(|_| st.zk_version >= 0) else {
                let (code, strategy) = match election {
                    ElectionType::Preferred => (
                        "PREFERRED_LEADER_NOT_AVAILABLE",
                        "PreferredReplicaPartitionLeaderElectionStrategy",
                    ),
                    ElectionType::Unclean => (
                        "ELIGIBLE_LEADERS_NOT_AVAILABLE",
                        "OfflinePartitionLeaderElectionStrategy(true)",
                    ),
                };
                let f = fail(
                    code,
                    format!("Failed to elect leader for partition {tp} under strategy {strategy}"),
                );
                results.push((key.clone(), f));
                continue;
            };
            changes.push(self.record(key, |s| {
                s.leader = leader;
                s.isr = new_isr;
                s.leader_epoch += 1;
            }));
            results.push((key.clone(), ElectionOutcome::Elected(leader)));
        }
        (results, changes)
    }
}
