//! Topic administration on the broker node (Kafka 3.0, ZooKeeper mode): DeleteTopics,
//! CreatePartitions and ElectLeaders as the controller serves them, StopReplica on every
//! broker, and the ZooKeeper side of topic deletion and partition addition.
//!
//! - DeleteTopics (controller only): `delete.topic.enable`, then `/admin/delete_topics/<t>`; the
//!   controller's watch queues the topic in its TopicDeletionManager
//!   ([`super::controller_admin`]); the answer waits until this broker's metadata no longer
//!   has the topic (DelayedDeleteTopics). Completion removes `/brokers/topics/<t>`,
//!   `/config/topics/<t>` and the marker.
//! - CreatePartitions (controller only): the new assignment is written to
//!   `/brokers/topics/<t>`; the partition modification handler (the data watch on that node)
//!   brings the new partitions online; the answer waits for their leaders in the metadata.
//! - ElectLeaders (controller only): preferred or unclean, stored like any leader change; the
//!   answer waits until the metadata shows the elected leaders (DelayedElectLeader).

use super::controller_admin::{DeletionActions, ElectionOutcome, ELECTION_NOT_NEEDED};
use super::{zs, Broker, BrokerTimer, Pending};
use crate::broker::controller::PartitionKey;
use crate::broker::messages::{BrokerId, CreateResult, ElectionType, KafkaMessage};
use crate::kafka::assignment::BrokerMetadata;
use crate::ordered::{OrdMap as BTreeMap, OrdSet as BTreeSet};
use crate::sim::event::EventKind;
use crate::sim::node::{Ctx, HostId, Message, Timer};
use crate::zookeeper::messages::{KeeperError, Op, OpOutcome, OpResult};

/// `/admin/delete_topics`: the controller watches its children.
pub const DELETE_TOPICS: &str = "/admin/delete_topics";

pub fn delete_topic_path(topic: &str) -> String {
    format!("{DELETE_TOPICS}/{topic}")
}

/// Why a topic-admin ZooKeeper request was sent.
#[derive(Clone, Debug)]
pub enum AdminPending {
    /// The children of `/admin/delete_topics` (read with a watch).
    DeleteMarkers,
    /// A DeleteTopics marker `/admin/delete_topics/<t>` being created.
    MarkDelete { id: u64, topic: String },
    /// CreatePartitions' full assignment being written to `/brokers/topics/<t>`.
    AssignmentWrite {
        id: u64,
        topic: String,
        json: String,
    },
    /// `/brokers/topics/<t>` changed: its assignment, re-read with a watch.
    TopicModified { topic: String },
    /// A controller delete (a deleted topic's znodes, a marker).
    Delete { path: String },
}

/// Requests waiting for the metadata cache to show their effect (Kafka's purgatories).
#[derive(Clone, Debug, Default)]
pub struct AdminRequests {
    next_id: u64,
    waiting: BTreeMap<u64, Waiting>,
}

#[derive(Clone, Debug)]
struct Waiting {
    client: HostId,
    corr: u32,
    kind: WaitKind,
}

#[derive(Clone, Debug)]
enum WaitKind {
    /// Done when the cache no longer has the topic.
    Delete(Vec<(String, Option<CreateResult>)>),
    /// Done when the cache has this many partitions, all with leaders.
    Partitions(Vec<(String, i32, Option<CreateResult>)>),
    /// Done when the cache shows the expected leader.
    Elect(Vec<(PartitionKey, Option<BrokerId>, Option<CreateResult>)>),
}

fn error(code: &str, msg: &str) -> Option<CreateResult> {
    Some(Err((code.to_string(), msg.to_string())))
}

/// Errors' default messages (DeleteTopics answers carry only the code in 3.0).
fn default_message(code: &str) -> &'static str {
    match code {
        "NOT_CONTROLLER" => "This is not the correct controller for this cluster.",
        "TOPIC_DELETION_DISABLED" => "Topic deletion is disabled.",
        "UNKNOWN_TOPIC_OR_PARTITION" => "This server does not host this topic-partition.",
        "REQUEST_TIMED_OUT" => "The request timed out.",
        _ => "The server experienced an unexpected error when processing the request.",
    }
}

fn coded(code: &str) -> Option<CreateResult> {
    error(code, default_message(code))
}

impl Broker {
    fn loaded_controller(&self) -> bool {
        self.active.as_ref().is_some_and(|a| a.loaded)
    }

    fn wait(&mut self, client: HostId, corr: u32, kind: WaitKind, timeout_ms: u64, ctx: &mut Ctx) {
        let reqs = &mut self.topic_admin;
        reqs.next_id += 1;
        let id = reqs.next_id;
        reqs.waiting.insert(id, Waiting { client, corr, kind });
        ctx.set_timer(
            timeout_ms.max(1),
            Timer::Broker(BrokerTimer::TopicAdmin { id }),
        );
        self.check_topic_admin(ctx);
    }

    // ---------- requests ----------

    /// Every topic-admin message (requests, StopReplica and their answers).
    pub(super) fn on_topic_admin_message(
        &mut self,
        from: HostId,
        msg: KafkaMessage,
        ctx: &mut Ctx,
    ) {
        match msg {
            KafkaMessage::StopReplica {
                controller_epoch,
                delete,
                partitions,
                ..
            } => self.on_stop_replica(from, controller_epoch, delete, partitions, ctx),
            KafkaMessage::StopReplicaResponse {
                broker_id,
                error,
                partitions,
            } => {
                let results: Vec<(String, i32, bool)> = partitions
                    .into_iter()
                    .map(|(t, p, e)| (t, p, error.is_none() && e.is_none()))
                    .collect();
                let acts = match self.active.as_mut().filter(|a| a.loaded) {
                    Some(a) => a.ctx.on_stop_replica_result(broker_id, &results),
                    None => return,
                };
                self.run_deletion(acts, ctx);
            }
            KafkaMessage::DeleteTopicsRequest {
                corr,
                topics,
                timeout_ms,
            } => self.delete_topics(from, corr, topics, timeout_ms, ctx),
            KafkaMessage::CreatePartitionsRequest {
                corr,
                topics,
                timeout_ms,
            } => self.create_partitions(from, corr, topics, timeout_ms, ctx),
            KafkaMessage::ElectLeadersRequest {
                corr,
                election_type,
                partitions,
                timeout_ms,
            } => self.elect_leaders(from, corr, election_type, partitions, timeout_ms, ctx),
            _ => {}
        }
    }

    /// ReplicaManager.stopReplicas: a stale controller is refused; otherwise the partitions
    /// stop (and with `delete` lose their logs). Unknown partitions are fine.
    fn on_stop_replica(
        &mut self,
        from: HostId,
        controller_epoch: i32,
        delete: bool,
        partitions: Vec<(String, i32)>,
        ctx: &mut Ctx,
    ) {
        let me = self.id();
        if controller_epoch < self.cache.controller_epoch {
            let msg = KafkaMessage::StopReplicaResponse {
                broker_id: me,
                error: Some("STALE_CONTROLLER_EPOCH".into()),
                partitions: partitions.into_iter().map(|(t, p)| (t, p, None)).collect(),
            };
            ctx.send(from, Message::Kafka(msg));
            return;
        }
        let mut topics = BTreeSet::new();
        for (t, p) in &partitions {
            let key = (t.clone(), *p);
            if delete {
                self.replicas.remove(&key);
            } else {
                self.replicas.parts.remove(&key);
            }
            topics.insert(t.clone());
        }
        if delete {
            for t in topics {
                let left = self.replicas.logs.keys().any(|(x, _)| *x == t)
                    || self.replicas.parts.keys().any(|(x, _)| *x == t);
                if !left {
                    self.topic_configs.remove(&t);
                }
            }
        }
        // Parked produces and fetches on those partitions fail now.
        self.complete_produces(ctx);
        self.complete_fetches(ctx);
        let msg = KafkaMessage::StopReplicaResponse {
            broker_id: me,
            error: None,
            partitions: partitions.into_iter().map(|(t, p)| (t, p, None)).collect(),
        };
        ctx.send(from, Message::Kafka(msg));
    }

    /// KafkaApis.handleDeleteTopicsRequest + ZkAdminManager.deleteTopics.
    fn delete_topics(
        &mut self,
        from: HostId,
        corr: u32,
        topics: Vec<String>,
        timeout_ms: u64,
        ctx: &mut Ctx,
    ) {
        let loaded = self.loaded_controller();
        let enabled = self.setup.settings.delete_topic_enable;
        let mut results = Vec::new();
        let mut marks = Vec::new();
        let mut seen = BTreeSet::new();
        for t in topics {
            if !seen.insert(t.clone()) {
                continue;
            }
            let r = if !loaded {
                coded("NOT_CONTROLLER")
            } else if !enabled {
                coded("TOPIC_DELETION_DISABLED")
            } else if !self.cache.contains_topic(&t) {
                coded("UNKNOWN_TOPIC_OR_PARTITION")
            } else {
                marks.push(t.clone());
                None
            };
            results.push((t, r));
        }
        // The id `wait` gives this request.
        let id = self.topic_admin.next_id + 1;
        for t in marks {
            // AdminZkClient.deleteTopic: the marker the controller's watch picks up.
            let why = Pending::TopicAdmin(AdminPending::MarkDelete {
                id,
                topic: t.clone(),
            });
            self.create(ctx, &delete_topic_path(&t), None, false, why);
        }
        self.wait(from, corr, WaitKind::Delete(results), timeout_ms, ctx);
    }

    /// KafkaApis.handleCreatePartitionsRequest + ZkAdminManager.createPartitions.
    fn create_partitions(
        &mut self,
        from: HostId,
        corr: u32,
        topics: Vec<(String, i32)>,
        timeout_ms: u64,
        ctx: &mut Ctx,
    ) {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for (t, _) in &topics {
            *counts.entry(t.as_str()).or_default() += 1;
        }
        let dupes: BTreeSet<String> = counts
            .into_iter()
            .filter(|(_, n)| *n > 1)
            .map(|(t, _)| t.to_string())
            .collect();
        let mut results = Vec::new();
        let mut writes = Vec::new();
        let mut seen = BTreeSet::new();
        for (t, count) in topics {
            if !seen.insert(t.clone()) {
                continue;
            }
            let r = match self.active.as_ref().filter(|a| a.loaded) {
                None => coded("NOT_CONTROLLER"),
                Some(_) if dupes.contains(&t) => {
                    error("INVALID_REQUEST", "Duplicate topic in request.")
                }
                Some(a) => {
                    // AdminZkClient.getBrokerMetadatas: registered brokers, sorted by id.
                    let brokers: Vec<BrokerMetadata> = a
                        .ctx
                        .live
                        .values()
                        .map(|b| BrokerMetadata {
                            id: b.id,
                            rack: b.rack.clone(),
                        })
                        .collect();
                    match a.ctx.plan_new_partitions(&t, count, &brokers) {
                        Ok(all) => {
                            let id = a.ctx.topic_ids.get(&t).cloned().unwrap_or_default();
                            writes.push((t.clone(), zs::topic_json(&all, &id)));
                            None
                        }
                        Err((code, msg)) => Some(Err((code, msg))),
                    }
                }
            };
            results.push((t, count, r));
        }
        // The id `wait` gives this request.
        let id = self.topic_admin.next_id + 1;
        for (topic, json) in writes {
            let op = Op::SetData {
                path: zs::topic_path(&topic),
                data: Some(json.clone()),
                version: -1,
            };
            let why = Pending::TopicAdmin(AdminPending::AssignmentWrite { id, topic, json });
            self.submit(ctx, op, why);
        }
        self.wait(from, corr, WaitKind::Partitions(results), timeout_ms, ctx);
    }

    /// KafkaApis.handleElectReplicaLeader + KafkaController.processReplicaLeaderElection.
    fn elect_leaders(
        &mut self,
        from: HostId,
        corr: u32,
        election: ElectionType,
        partitions: Option<Vec<(String, i32)>>,
        timeout_ms: u64,
        ctx: &mut Ctx,
    ) {
        let all = partitions.is_none();
        let keys: Vec<PartitionKey> = match partitions {
            Some(p) => p.into_iter().collect::<BTreeSet<_>>().into_iter().collect(),
            None => self.cache.partitions.keys().cloned().collect(),
        };
        let (outcomes, changes) = match self.active.as_mut().filter(|a| a.loaded) {
            None if all => (Vec::new(), Vec::new()),
            None => (
                keys.into_iter()
                    .map(|k| {
                        let msg = default_message("NOT_CONTROLLER").to_string();
                        (k, ElectionOutcome::Failed("NOT_CONTROLLER".into(), msg))
                    })
                    .collect(),
                Vec::new(),
            ),
            Some(a) => a.ctx.elect_leaders(election, &keys),
        };
        self.apply_changes(changes, ctx);
        let results = outcomes
            .into_iter()
            .filter(|(_, o)| {
                !(all && matches!(o, ElectionOutcome::Failed(c, _) if c == ELECTION_NOT_NEEDED))
            })
            .map(|(k, o)| match o {
                ElectionOutcome::Elected(l) => (k, Some(l), None),
                ElectionOutcome::Failed(c, m) => (k, None, Some(Err((c, m)))),
            })
            .collect();
        self.wait(from, corr, WaitKind::Elect(results), timeout_ms, ctx);
    }

    /// Completes the waiting requests whose effect the metadata cache shows now.
    pub(super) fn check_topic_admin(&mut self, ctx: &mut Ctx) {
        let cache = &self.cache;
        let mut done = Vec::new();
        for (id, w) in self.topic_admin.waiting.iter_mut() {
            let complete = match &mut w.kind {
                WaitKind::Delete(rs) => {
                    for (t, r) in rs.iter_mut() {
                        if r.is_none() && !cache.contains_topic(t) {
                            *r = Some(Ok(()));
                        }
                    }
                    rs.iter().all(|r| r.1.is_some())
                }
                WaitKind::Partitions(rs) => {
                    for (t, n, r) in rs.iter_mut() {
                        let ready = (0..*n).all(|p| {
                            cache
                                .partitions
                                .get(&(t.clone(), p))
                                .is_some_and(|s| s.leader >= 0)
                        });
                        if r.is_none() && ready {
                            *r = Some(Ok(()));
                        }
                    }
                    rs.iter().all(|r| r.2.is_some())
                }
                WaitKind::Elect(results) => {
                    for (k, leader, r) in results.iter_mut() {
                        let shown = cache
                            .partitions
                            .get(k)
                            .is_some_and(|s| Some(s.leader) == *leader);
                        if r.is_none() && shown {
                            *r = Some(Ok(()));
                        }
                    }
                    results.iter().all(|r| r.2.is_some())
                }
            };
            if complete {
                done.push(*id);
            }
        }
        for id in done {
            self.answer(id, ctx);
        }
    }

    /// Sends a waiting request's answer (unknown outcomes time out).
    fn answer(&mut self, id: u64, ctx: &mut Ctx) {
        let Some(w) = self.topic_admin.waiting.remove(&id) else {
            return;
        };
        let timed_out = || coded("REQUEST_TIMED_OUT").unwrap_or(Ok(()));
        let msg = match w.kind {
            WaitKind::Delete(rs) => KafkaMessage::DeleteTopicsResponse {
                corr: w.corr,
                results: rs
                    .into_iter()
                    .map(|(t, r)| (t, r.unwrap_or_else(timed_out)))
                    .collect(),
            },
            WaitKind::Partitions(rs) => KafkaMessage::CreatePartitionsResponse {
                corr: w.corr,
                results: rs
                    .into_iter()
                    .map(|(t, _, r)| (t, r.unwrap_or_else(timed_out)))
                    .collect(),
            },
            WaitKind::Elect(results) => KafkaMessage::ElectLeadersResponse {
                corr: w.corr,
                results: results
                    .into_iter()
                    .map(|(k, _, r)| (k.0, k.1, r.unwrap_or_else(timed_out)))
                    .collect(),
            },
        };
        ctx.send(w.client, Message::Kafka(msg));
    }

    /// The `BrokerTimer::TopicAdmin` timeout: whatever is still unknown times out.
    pub(super) fn on_topic_admin_timeout(&mut self, id: u64, ctx: &mut Ctx) {
        self.answer(id, ctx);
    }

    fn fail_waiting(&mut self, id: u64, topic: &str, res: CreateResult, ctx: &mut Ctx) {
        if let Some(w) = self.topic_admin.waiting.get_mut(&id) {
            match &mut w.kind {
                WaitKind::Delete(rs) => {
                    for (_, r) in rs.iter_mut().filter(|(t, _)| t == topic) {
                        *r = Some(res.clone());
                    }
                }
                WaitKind::Partitions(rs) => {
                    for (_, _, r) in rs.iter_mut().filter(|(t, _, _)| t == topic) {
                        *r = Some(res.clone());
                    }
                }
                WaitKind::Elect(_) => {}
            }
        }
        self.check_topic_admin(ctx);
    }

    // ---------- ZooKeeper ----------

    /// Reads (and watches) `/admin/delete_topics` — at election and after a reconnection.
    pub(super) fn watch_topic_deletions(&mut self, ctx: &mut Ctx) {
        let op = Op::GetChildren {
            path: DELETE_TOPICS.into(),
            watch: true,
        };
        self.submit(ctx, op, Pending::TopicAdmin(AdminPending::DeleteMarkers));
    }

    /// A watch the topic admin owns: `/admin/delete_topics` children, or a topic's assignment
    /// changing (the partition modification handler). Returns whether it was one.
    pub(super) fn on_topic_admin_watch(
        &mut self,
        path: &str,
        data_changed: bool,
        ctx: &mut Ctx,
    ) -> bool {
        if path == DELETE_TOPICS && !data_changed {
            self.watch_topic_deletions(ctx);
            return true;
        }
        let topic = path
            .strip_prefix(zs::TOPICS)
            .and_then(|r| r.strip_prefix('/'))
            .filter(|t| !t.is_empty() && !t.contains('/'));
        match topic {
            Some(t) if data_changed => {
                let why = Pending::TopicAdmin(AdminPending::TopicModified {
                    topic: t.to_string(),
                });
                self.get(ctx, path, true, why);
                true
            }
            _ => false,
        }
    }

    pub(super) fn on_topic_admin_zk(&mut self, p: AdminPending, r: OpOutcome, ctx: &mut Ctx) {
        match p {
            AdminPending::DeleteMarkers => {
                let Ok(OpResult::Children(names, _)) = r else {
                    return;
                };
                let enabled = self.setup.settings.delete_topic_enable;
                let acts = match self.active.as_mut() {
                    Some(a) if a.loaded => a.ctx.on_delete_topics_marked(&names, enabled),
                    Some(a) => {
                        if enabled {
                            a.ctx.deletion.initial = names.into_iter().collect();
                            return;
                        }
                        // TopicDeletionManager.init with deletion disabled: markers go.
                        DeletionActions {
                            drop_markers: names,
                            ..Default::default()
                        }
                    }
                    None => return,
                };
                self.run_deletion(acts, ctx);
            }
            AdminPending::MarkDelete { id, topic } => match r {
                Ok(_) => {}
                // TopicAlreadyMarkedForDeletion is swallowed: this request waits too.
                Err(e) if e.code == KeeperError::NodeExists => {}
                Err(_) => {
                    let r = coded("UNKNOWN_SERVER_ERROR").unwrap_or(Ok(()));
                    self.fail_waiting(id, &topic, r, ctx);
                }
            },
            AdminPending::AssignmentWrite { id, topic, .. } => {
                if let Err(e) = r {
                    let msg = format!("KeeperErrorCode = {}", e.code.code_name());
                    self.fail_waiting(id, &topic, Err(("UNKNOWN_SERVER_ERROR".into(), msg)), ctx);
                }
            }
            AdminPending::TopicModified { topic } => {
                if let Ok(OpResult::Data(Some(d), _)) = r {
                    if let Some((assignment, _)) = zs::parse_topic(&d) {
                        self.on_partition_modification(&topic, &assignment, ctx);
                    }
                }
            }
            AdminPending::Delete { .. } => {}
        }
    }

    /// After a connection loss: the request may not have happened, so it goes again.
    pub(super) fn retry_topic_admin(&mut self, p: AdminPending, ctx: &mut Ctx) {
        match p {
            AdminPending::DeleteMarkers => {
                if self.active.is_some() {
                    self.watch_topic_deletions(ctx);
                }
            }
            AdminPending::MarkDelete { id, topic } => {
                let path = delete_topic_path(&topic);
                let why = Pending::TopicAdmin(AdminPending::MarkDelete { id, topic });
                self.create(ctx, &path, None, false, why);
            }
            AdminPending::AssignmentWrite { id, topic, json } => {
                let op = Op::SetData {
                    path: zs::topic_path(&topic),
                    data: Some(json.clone()),
                    version: -1,
                };
                let why = Pending::TopicAdmin(AdminPending::AssignmentWrite { id, topic, json });
                self.submit(ctx, op, why);
            }
            AdminPending::TopicModified { topic } => {
                if self.active.is_some() {
                    let path = zs::topic_path(&topic);
                    let why = Pending::TopicAdmin(AdminPending::TopicModified { topic });
                    self.get(ctx, &path, true, why);
                }
            }
            AdminPending::Delete { path } => {
                if self.active.is_some() {
                    self.zk_delete(ctx, &path);
                }
            }
        }
    }

    fn zk_delete(&mut self, ctx: &mut Ctx, path: &str) {
        let op = Op::Delete {
            path: path.to_string(),
            version: -1,
        };
        let why = Pending::TopicAdmin(AdminPending::Delete {
            path: path.to_string(),
        });
        self.submit(ctx, op, why);
    }

    // ---------- the controller ----------

    /// `processPartitionModifications`: partitions in ZooKeeper the controller does not know
    /// yet are new; they come online as a new topic's do. Ignored while deleting.
    fn on_partition_modification(
        &mut self,
        topic: &str,
        assignment: &BTreeMap<i32, Vec<BrokerId>>,
        ctx: &mut Ctx,
    ) {
        let Some(a) = self.active.as_mut().filter(|a| a.loaded) else {
            return;
        };
        if a.ctx.is_queued_for_deletion(topic) {
            return;
        }
        let Some(id) = a.ctx.topic_ids.get(topic).cloned() else {
            return;
        };
        let new: BTreeMap<i32, Vec<BrokerId>> = assignment
            .iter()
            .filter(|(p, _)| !a.ctx.partitions.contains_key(&(topic.to_string(), **p)))
            .map(|(p, r)| (*p, r.clone()))
            .collect();
        if new.is_empty() {
            return;
        }
        a.ctx.add_topic(topic, &id, &new);
        let keys: Vec<PartitionKey> = new.keys().map(|&p| (topic.to_string(), p)).collect();
        let changes = a.ctx.elect_offline(&keys);
        let (t, added, total) = (topic.to_string(), new.len(), assignment.len());
        ctx.emit(|| EventKind::PartitionsAdded {
            topic: t,
            added,
            total,
        });
        self.apply_changes(changes, ctx);
    }

    /// Resumes deletion after the controller loaded (topics marked before it took office).
    pub(super) fn try_topic_deletion(&mut self, ctx: &mut Ctx) {
        let acts = match self.active.as_mut().filter(|a| a.loaded) {
            Some(a) => a.ctx.resume_deletions(),
            None => return,
        };
        self.run_deletion(acts, ctx);
    }

    /// Brokers died: their replicas of topics being deleted fail (the topic waits for them).
    pub(super) fn deletion_brokers_failed(&mut self, dead: &[BrokerId], ctx: &mut Ctx) {
        let acts = match self.active.as_mut().filter(|a| a.loaded) {
            Some(a) => a.ctx.deletion_brokers_failed(dead),
            None => return,
        };
        self.run_deletion(acts, ctx);
    }

    /// A broker (re)started: deletion of topics with replicas there resumes.
    pub(super) fn deletion_broker_started(&mut self, broker: BrokerId, ctx: &mut Ctx) {
        let acts = match self.active.as_mut().filter(|a| a.loaded) {
            Some(a) => a.ctx.deletion_broker_started(broker),
            None => return,
        };
        self.run_deletion(acts, ctx);
    }

    /// Carries out a deletion step: UpdateMetadata that drops the partitions from every
    /// cache, StopReplica(delete) to live replicas, then ZooKeeper clean-up of completed
    /// topics (`/brokers/topics/<t>` recursively, `/config/topics/<t>`, the marker).
    fn run_deletion(&mut self, acts: DeletionActions, ctx: &mut Ctx) {
        if acts.is_empty() {
            return;
        }
        let Some(a) = self.active.as_ref() else {
            return;
        };
        let (cid, epoch) = (a.ctx.id, a.ctx.epoch);
        if !acts.metadata_removal.is_empty() {
            let brokers: Vec<_> = a.ctx.live.values().cloned().collect();
            for b in self.live_ids() {
                let msg = KafkaMessage::UpdateMetadata {
                    controller_id: cid,
                    controller_epoch: epoch,
                    brokers: brokers.clone(),
                    partitions: acts.metadata_removal.clone(),
                    topic_ids: Vec::new(),
                    full: false,
                };
                self.send_kafka(ctx, b, msg);
            }
        }
        for (b, partitions) in acts.stop_replicas {
            let msg = KafkaMessage::StopReplica {
                controller_id: cid,
                controller_epoch: epoch,
                delete: true,
                partitions,
            };
            self.send_kafka(ctx, b, msg);
        }
        for (topic, parts) in acts.completed {
            for p in &parts {
                self.zk_delete(ctx, &zs::state_path(&topic, *p));
                self.zk_delete(ctx, &zs::partition_path(&topic, *p));
            }
            self.zk_delete(ctx, &zs::partitions_path(&topic));
            self.zk_delete(ctx, &zs::topic_path(&topic));
            self.zk_delete(ctx, &zs::topic_config_path(&topic));
            self.zk_delete(ctx, &delete_topic_path(&topic));
            let t = topic.clone();
            ctx.emit(|| EventKind::TopicDeleted { topic: t });
        }
        for t in acts.drop_markers {
            self.zk_delete(ctx, &delete_topic_path(&t));
        }
    }
}
