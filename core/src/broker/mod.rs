//! A Kafka 3.0 broker in ZooKeeper mode as a sans-IO node (KAFKA-MODEL §2–§5).
//!
//! At boot it opens a ZooKeeper session (an embedded [`ZkClient`]: the broker host is the ZK
//! client), makes sure Kafka's persistent paths exist, reads or creates `/cluster/id`,
//! registers `/brokers/ids/<id>` (ephemeral) and runs for controller. The active controller's
//! decisions live in [`controller`]; this module stores them in ZooKeeper and sends
//! LeaderAndIsr / UpdateMetadata. Every broker keeps a [`metadata::MetadataCache`], leads or
//! follows its replicas ([`replica`]) and answers clients (Metadata, CreateTopics).

pub mod admin;
pub mod controller;
pub mod controller_admin;
pub mod coordinator;
mod data_path;
mod describe_configs;
mod group_events;
mod group_log;
pub mod log;
pub mod messages;
pub mod metadata;
pub mod replica;
#[cfg(test)]
mod tests;
pub mod topic_admin;
#[cfg(test)]
mod topic_admin_tests;
pub mod zk_state;

use crate::compose::BrokerSettings;
use crate::kafka::assignment::{assign_replicas_to_brokers, BrokerMetadata};
use crate::kafka::topic_name;
use crate::ordered::{OrdMap as BTreeMap, OrdSet as BTreeSet};
use crate::sim::event::EventKind;
use crate::sim::node::{Ctx, HostId, Message, Node, Timer};
use crate::zookeeper::client::{ClientState, ZkClient};
use crate::zookeeper::messages::{KeeperError, Op, OpOutcome, OpResult, WatchType};
use crate::zookeeper::wall_clock_ms;
use controller::{Change, ControllerContext, PartitionKey};
use messages::{
    BrokerId, CreatableTopic, CreateResult, Endpoint, KafkaMessage, PartitionState, NO_LEADER,
};
use metadata::MetadataCache;
use replica::Replicas;
use zk_state as zs;

/// JVM start and log loading before KafkaServer connects to ZooKeeper.
const BOOT_MS: u64 = 2500;
/// `replica.fetch.wait.max.ms`: an idle follower fetch returns after this long.
pub const FETCH_INTERVAL_MS: u64 = 500;
/// The auto-rebalance task's first run after a controller takes office.
const FIRST_REBALANCE_MS: u64 = 5000;

/// Everything a broker is configured with (static across restarts).
#[derive(Clone, Debug)]
pub struct BrokerSetup {
    pub id: BrokerId,
    pub endpoints: Vec<Endpoint>,
    pub inter_broker_listener: String,
    /// The resolved `zookeeper.connect`.
    pub zk_servers: Vec<(HostId, String)>,
    pub settings: BrokerSettings,
    /// Docker DNS: hostname → host.
    pub directory: Vec<(String, HostId)>,
}

#[derive(Clone, Debug)]
pub enum BrokerTimer {
    Booted,
    /// Follower fetch round.
    Fetch,
    /// Leader ISR-shrink check (every replica.lag.time.max.ms / 2).
    IsrCheck,
    /// The controller's auto leader rebalance, for one controller epoch.
    Rebalance {
        epoch: i32,
    },
    /// A parked fetch's `max_wait_ms` passed.
    FetchWait {
        id: u64,
    },
    /// An acks=all produce's `timeout_ms` passed.
    ProduceTimeout {
        id: u64,
    },
    /// A consumer group's next deadline (join, sync, session).
    Group {
        group_id: String,
    },
    /// A coordinator write to `__consumer_offsets` waiting for replication timed out
    /// (`offsets.commit.timeout.ms`).
    GroupAppendTimeout {
        id: u64,
    },
    /// A DeleteTopics / CreatePartitions / ElectLeaders waiting for the metadata timed out.
    TopicAdmin {
        id: u64,
    },
    /// A CreateTopics waiting for leaders timed out.
    CreateTimeout {
        corr: u32,
        client: HostId,
    },
}

/// Why a ZooKeeper request was sent: what to do with its answer.
#[derive(Clone, Debug)]
enum Pending {
    Ignore,
    ClusterIdRead,
    ClusterIdCreate,
    Register,
    ControllerExists,
    ControllerData,
    ControllerEpochRead,
    Elect {
        epoch: i32,
    },
    BrokerIds,
    BrokerData {
        id: BrokerId,
    },
    TopicChildren,
    TopicData {
        name: String,
    },
    StateData {
        key: PartitionKey,
    },
    /// A conditional write by the controller, part of a batch whose requests go out once it
    /// is stored; failure means another controller took over.
    ControllerWrite {
        batch: u64,
        op: Op,
    },
    TopicCreate {
        corr: u32,
        client: HostId,
        name: String,
        json: String,
    },
    /// `/config/topics/<topic>`, read when the broker first hosts one of its partitions.
    TopicConfig {
        topic: String,
    },
    /// Topic deletion, partition addition ([`topic_admin`]).
    TopicAdmin(topic_admin::AdminPending),
    /// `/config/topics/<topic>` read for a DescribeConfigs request ([`describe_configs`]).
    DescribeConfigs {
        id: u64,
        topic: String,
    },
    /// A topic this broker auto-creates for a Metadata request.
    AutoCreate {
        name: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    Booting,
    /// Waiting for its ZooKeeper session and registration.
    Starting,
    Running,
    /// Startup failed (e.g. its id is still registered by an older session); it serves nothing.
    Failed(String),
}

/// The active controller: its context plus the load bookkeeping at failover.
#[derive(Clone, Debug)]
struct Active {
    ctx: ControllerContext,
    /// ZooKeeper reads still outstanding while loading; failover completes at zero.
    loading: usize,
    loaded: bool,
}

/// Controller writes in flight and what to send once they are all stored (Kafka's
/// controller writes ZooKeeper first, then sends LeaderAndIsr/UpdateMetadata).
#[derive(Clone, Debug)]
struct Batch {
    remaining: usize,
    keys: Vec<PartitionKey>,
    send_leader_and_isr: bool,
    /// An AlterIsr to answer: (leader's host, key).
    alter_isr_reply: Option<(HostId, PartitionKey)>,
}

/// A CreateTopics waiting for its partitions to get leaders (DelayedCreatePartitions).
#[derive(Clone, Debug)]
struct PendingCreate {
    corr: u32,
    client: HostId,
    results: Vec<(String, Option<CreateResult>)>,
}

#[derive(Clone, Debug)]
pub struct Broker {
    pub setup: BrokerSetup,
    pub phase: Phase,
    zk: Option<ZkClient>,
    pending: BTreeMap<u32, Pending>,
    pub cluster_id: Option<String>,
    pub registered: bool,
    /// The controller as `/controller` says (-1 unknown).
    pub zk_controller: BrokerId,
    active: Option<Active>,
    pub cache: MetadataCache,
    pub replicas: Replicas,
    creates: Vec<PendingCreate>,
    batches: BTreeMap<u64, Batch>,
    next_batch: u64,
    /// The ZooKeeper connection was up at the last look (to notice reconnections).
    zk_was_connected: bool,
    /// Why the last start failed (kept across the exit, for the page and `docker logs`).
    pub last_failure: Option<String>,
    /// Topic configs read from `/config/topics/<t>` (overrides of the broker defaults).
    pub topic_configs: BTreeMap<String, BTreeMap<String, String>>,
    /// The follower fetcher's request in flight per leader: (corr, sent at).
    fetcher: BTreeMap<BrokerId, (u32, u64)>,
    next_corr: u32,
    parked_fetches: BTreeMap<u64, data_path::ParkedFetch>,
    delayed_produces: BTreeMap<u64, data_path::DelayedProduce>,
    next_delayed: u64,
    /// A leader's HW moved during this handler (releases delayed produces and fetches).
    hw_moved: bool,
    /// Topics this broker is auto-creating (their ZooKeeper write is in flight).
    auto_creating: BTreeSet<String>,
    /// The consumer groups this broker coordinates.
    pub coordinator: coordinator::Coordinator,
    /// DeleteTopics / CreatePartitions / ElectLeaders waiting for the metadata.
    topic_admin: topic_admin::AdminRequests,
    /// DescribeConfigs requests waiting for their ZooKeeper reads.
    describe_configs: describe_configs::DescribeConfigsRequests,
}

impl Broker {
    pub fn new(setup: BrokerSetup) -> Self {
        Broker {
            setup,
            phase: Phase::Booting,
            zk: None,
            pending: BTreeMap::new(),
            cluster_id: None,
            registered: false,
            zk_controller: NO_LEADER,
            active: None,
            cache: MetadataCache::default(),
            replicas: Replicas::default(),
            creates: Vec::new(),
            batches: BTreeMap::new(),
            next_batch: 0,
            zk_was_connected: false,
            last_failure: None,
            topic_configs: BTreeMap::new(),
            fetcher: BTreeMap::new(),
            next_corr: 0,
            parked_fetches: BTreeMap::new(),
            delayed_produces: BTreeMap::new(),
            next_delayed: 0,
            hw_moved: false,
            auto_creating: BTreeSet::new(),
            coordinator: coordinator::Coordinator::default(),
            topic_admin: Default::default(),
            describe_configs: Default::default(),
        }
    }

    pub fn id(&self) -> BrokerId {
        self.setup.id
    }

    /// Controller epoch when this broker is the active, loaded controller.
    pub fn controller_epoch(&self) -> Option<i32> {
        self.active
            .as_ref()
            .filter(|a| a.loaded)
            .map(|a| a.ctx.epoch)
    }

    /// Whether it won the `/controller` election (loaded or still loading).
    pub fn is_controller(&self) -> bool {
        self.active.is_some()
    }

    /// The active controller's partition states (for invariants and views).
    pub fn controller_partitions(&self) -> Option<&BTreeMap<PartitionKey, PartitionState>> {
        self.active.as_ref().map(|a| &a.ctx.partitions)
    }

    fn host_of(&self, broker: BrokerId) -> Option<HostId> {
        let host = self
            .cache
            .brokers
            .get(&broker)
            .or_else(|| self.active.as_ref()?.ctx.live.get(&broker))
            .and_then(|b| b.endpoint(&self.setup.inter_broker_listener))
            .map(|e| e.host.clone())?;
        self.setup
            .directory
            .iter()
            .find(|(n, _)| *n == host)
            .map(|(_, h)| *h)
    }

    fn send_kafka(&self, ctx: &mut Ctx, broker: BrokerId, msg: KafkaMessage) {
        if let Some(h) = self.host_of(broker) {
            ctx.send(h, Message::Kafka(msg));
        }
    }

    // ---------- ZooKeeper plumbing ----------

    fn submit(&mut self, ctx: &mut Ctx, op: Op, why: Pending) {
        let Some(zk) = self.zk.as_mut() else {
            return;
        };
        if let Some(a) = self.active.as_mut() {
            if !a.loaded
                && matches!(
                    why,
                    Pending::BrokerIds
                        | Pending::BrokerData { .. }
                        | Pending::TopicChildren
                        | Pending::TopicData { .. }
                        | Pending::StateData { .. }
                )
            {
                a.loading += 1;
            }
        }
        let xid = zk.submit(op, ctx);
        self.pending.insert(xid, why);
    }

    fn create(
        &mut self,
        ctx: &mut Ctx,
        path: &str,
        data: Option<String>,
        ephemeral: bool,
        why: Pending,
    ) {
        let op = Op::Create {
            path: path.to_string(),
            data,
            ephemeral,
            sequential: false,
        };
        self.submit(ctx, op, why);
    }

    fn get(&mut self, ctx: &mut Ctx, path: &str, watch: bool, why: Pending) {
        let op = Op::GetData {
            path: path.to_string(),
            watch,
        };
        self.submit(ctx, op, why);
    }

    fn children(&mut self, ctx: &mut Ctx, path: &str, why: Pending) {
        let op = Op::GetChildren {
            path: path.to_string(),
            watch: true,
        };
        self.submit(ctx, op, why);
    }

    /// After the embedded client handled something: start the session work once connected,
    /// hand finished requests and watch events to their handlers, recover from expiry.
    fn after_zk(&mut self, ctx: &mut Ctx) {
        let Some(zk) = self.zk.as_mut() else {
            return;
        };
        if zk.state == ClientState::Expired {
            // ZooKeeperClient re-creates the session and the broker registers again.
            self.resign(ctx);
            self.registered = false;
            self.pending.clear();
            self.start_session(ctx);
            return;
        }
        let up = zk.state == ClientState::Connected;
        if self.phase == Phase::Starting
            && up
            && self.pending.is_empty()
            && !self.registered
            && self.cluster_id.is_none()
        {
            self.startup_requests(ctx);
        }
        let connected = self
            .zk
            .as_ref()
            .is_some_and(|z| z.state == ClientState::Connected);
        if connected && !self.zk_was_connected && self.registered {
            // Reconnected (same session, maybe another server): the Java client re-sends its
            // watches (SetWatches) and fires those whose nodes changed meanwhile. Re-arming
            // and re-reading does the same for the paths Kafka watches.
            self.check_controller(ctx);
            if self.active.as_ref().is_some_and(|a| a.loaded) {
                self.children(ctx, zs::BROKER_IDS, Pending::BrokerIds);
                self.children(ctx, zs::TOPICS, Pending::TopicChildren);
                self.watch_topic_deletions(ctx);
            }
        }
        self.zk_was_connected = connected;
        loop {
            let Some(zk) = self.zk.as_mut() else {
                return;
            };
            let done: Vec<u32> = self.pending.keys().copied().collect();
            let mut results = Vec::new();
            for xid in done {
                if let Some(r) = zk.take_result(xid) {
                    results.push((xid, r));
                }
            }
            let watches = std::mem::take(&mut zk.watch_events);
            if results.is_empty() && watches.is_empty() {
                break;
            }
            for (xid, r) in results {
                if let Some(why) = self.pending.remove(&xid) {
                    self.on_zk_result(why, r, ctx);
                }
            }
            for (kind, path) in watches {
                self.on_watch(kind, &path, ctx);
            }
        }
    }

    fn start_session(&mut self, ctx: &mut Ctx) {
        let timeout = self.setup.settings.zookeeper_session_timeout_ms.max(1) as u32;
        let mut zk = ZkClient::new(self.setup.zk_servers.clone(), timeout);
        zk.on_start(ctx);
        self.zk = Some(zk);
        self.cluster_id = None;
        self.zk_was_connected = false;
        self.phase = Phase::Starting;
    }

    /// KafkaServer.startup's ZooKeeper part, queued in order (the client keeps FIFO order).
    fn startup_requests(&mut self, ctx: &mut Ctx) {
        for p in zs::PERSISTENT_PATHS {
            self.create(ctx, p, None, false, Pending::Ignore);
        }
        self.get(ctx, zs::CLUSTER_ID, false, Pending::ClusterIdRead);
    }

    fn register(&mut self, ctx: &mut Ctx) {
        let data = zs::broker_json(&self.setup.endpoints, None, wall_clock_ms(ctx.now));
        let path = zs::broker_path(self.id());
        self.create(ctx, &path, Some(data), true, Pending::Register);
    }

    fn check_controller(&mut self, ctx: &mut Ctx) {
        let op = Op::Exists {
            path: zs::CONTROLLER.into(),
            watch: true,
        };
        self.submit(ctx, op, Pending::ControllerExists);
    }

    fn on_zk_result(&mut self, why: Pending, r: OpOutcome, ctx: &mut Ctx) {
        if matches!(&r, Err(e) if matches!(e.code, KeeperError::ConnectionLoss | KeeperError::SessionExpired))
        {
            // The request may or may not have happened: retry what matters.
            self.retry(why, ctx);
            return;
        }
        match why {
            Pending::Ignore => {}
            Pending::ClusterIdRead => match r {
                Ok(OpResult::Data(Some(d), _)) => {
                    self.cluster_id = zs::parse_cluster_id(&d);
                    self.register(ctx);
                }
                _ => {
                    let id = zs::uuid_base64(|| ctx.random_below(u64::MAX));
                    self.create(ctx, "/cluster", None, false, Pending::Ignore);
                    self.create(
                        ctx,
                        zs::CLUSTER_ID,
                        Some(zs::cluster_id_json(&id)),
                        false,
                        Pending::ClusterIdCreate,
                    );
                    self.cluster_id = Some(id);
                }
            },
            Pending::ClusterIdCreate => match r {
                Ok(_) => self.register(ctx),
                // Another broker won the race: use its id.
                Err(_) => self.get(ctx, zs::CLUSTER_ID, false, Pending::ClusterIdRead),
            },
            Pending::Register => match r {
                Ok(_) => {
                    self.registered = true;
                    self.phase = Phase::Running;
                    let id = self.id();
                    ctx.emit(|| EventKind::BrokerRegistered { id });
                    self.check_controller(ctx);
                    ctx.set_timer(FETCH_INTERVAL_MS, Timer::Broker(BrokerTimer::Fetch));
                    let every = (self.setup.settings.replica_lag_time_max_ms.max(2) / 2) as u64;
                    ctx.set_timer(every, Timer::Broker(BrokerTimer::IsrCheck));
                }
                Err(e) => {
                    let reason = format!(
                        "Error while creating ephemeral at {}, node already exists and owner does not match current session ({})",
                        e.path,
                        e.code.code_name()
                    );
                    let id = self.id();
                    let r2 = reason.clone();
                    ctx.emit(|| EventKind::BrokerFailed { id, reason: r2 });
                    if let Some(zk) = self.zk.as_mut() {
                        zk.close_now(ctx);
                    }
                    // "Fatal error during KafkaServer startup. Prepare to shutdown": the JVM
                    // exits and so does the container.
                    self.last_failure = Some(reason.clone());
                    self.phase = Phase::Failed(reason);
                    ctx.exit();
                }
            },
            Pending::ControllerExists => match r {
                Ok(OpResult::Stat(_)) => {
                    self.get(ctx, zs::CONTROLLER, true, Pending::ControllerData)
                }
                _ => {
                    self.zk_controller = NO_LEADER;
                    self.resign(ctx);
                    self.get(
                        ctx,
                        zs::CONTROLLER_EPOCH,
                        false,
                        Pending::ControllerEpochRead,
                    );
                }
            },
            Pending::ControllerData => match r {
                Ok(OpResult::Data(Some(d), _)) => {
                    self.zk_controller = zs::parse_controller(&d).unwrap_or(NO_LEADER);
                    if self.zk_controller != self.id() {
                        self.resign(ctx);
                    } else if self.active.is_none() {
                        // /controller names us but we gave up the office (a failed write):
                        // free it so everyone re-elects.
                        let op = Op::Delete {
                            path: zs::CONTROLLER.into(),
                            version: -1,
                        };
                        self.submit(ctx, op, Pending::Ignore);
                    }
                }
                _ => self.check_controller(ctx),
            },
            Pending::ControllerEpochRead => match r {
                Ok(OpResult::Data(d, stat)) => {
                    let epoch = d.and_then(|s| s.trim().parse::<i32>().ok()).unwrap_or(0) + 1;
                    let data = zs::controller_json(self.id(), wall_clock_ms(ctx.now));
                    let op = Op::Multi(vec![
                        Op::Create {
                            path: zs::CONTROLLER.into(),
                            data: Some(data),
                            ephemeral: true,
                            sequential: false,
                        },
                        Op::SetData {
                            path: zs::CONTROLLER_EPOCH.into(),
                            data: Some(epoch.to_string()),
                            version: stat.version,
                        },
                    ]);
                    self.submit(ctx, op, Pending::Elect { epoch });
                }
                _ => {
                    // First controller ever: /controller_epoch starts at 0.
                    self.create(
                        ctx,
                        zs::CONTROLLER_EPOCH,
                        Some("0".into()),
                        false,
                        Pending::Ignore,
                    );
                    self.get(
                        ctx,
                        zs::CONTROLLER_EPOCH,
                        false,
                        Pending::ControllerEpochRead,
                    );
                }
            },
            Pending::Elect { epoch } => match r {
                Ok(OpResult::Multi(rs)) => {
                    let version = rs
                        .iter()
                        .find_map(|x| match x {
                            OpResult::Stat(s) => Some(s.version),
                            _ => None,
                        })
                        .unwrap_or(0);
                    self.become_controller(epoch, version, ctx);
                }
                // Someone else won (NodeExists) or bumped the epoch first (BadVersion).
                _ => self.get(ctx, zs::CONTROLLER, true, Pending::ControllerData),
            },
            Pending::BrokerIds => {
                if let Ok(OpResult::Children(ids, _)) = r {
                    self.on_broker_ids(ids, ctx);
                }
                self.loaded_one(ctx);
            }
            Pending::BrokerData { id } => {
                if let Ok(OpResult::Data(Some(d), stat)) = r {
                    if let Some(info) = zs::parse_broker(id, &d, stat.czxid) {
                        self.on_broker_data(info, ctx);
                    }
                }
                self.loaded_one(ctx);
            }
            Pending::TopicChildren => {
                if let Ok(OpResult::Children(names, _)) = r {
                    let known: Vec<String> = self
                        .active
                        .as_ref()
                        .map(|a| a.ctx.topic_ids.keys().cloned().collect())
                        .unwrap_or_default();
                    for name in names.into_iter().filter(|n| !known.contains(n)) {
                        let path = zs::topic_path(&name);
                        self.get(ctx, &path, true, Pending::TopicData { name });
                    }
                }
                self.loaded_one(ctx);
            }
            Pending::TopicData { name } => {
                if let Ok(OpResult::Data(Some(d), _)) = r {
                    if let Some((assignment, id)) = zs::parse_topic(&d) {
                        self.on_topic_data(&name, &id, &assignment, ctx);
                    }
                }
                self.loaded_one(ctx);
            }
            Pending::StateData { key } => {
                if let (Ok(OpResult::Data(Some(d), stat)), Some(a)) = (r, self.active.as_mut()) {
                    if let (Some((ce, leader, le, isr)), Some(s)) =
                        (zs::parse_state(&d), a.ctx.partitions.get_mut(&key))
                    {
                        s.controller_epoch = ce;
                        s.leader = leader;
                        s.leader_epoch = le;
                        s.isr = isr;
                        s.zk_version = stat.version;
                    }
                }
                self.loaded_one(ctx);
            }
            Pending::ControllerWrite { batch, .. } => {
                if r.is_err() {
                    self.batches.remove(&batch);
                    if self.active.is_some() {
                        // ControllerMovedException: someone else holds a newer epoch.
                        self.resign(ctx);
                        self.check_controller(ctx);
                    }
                    return;
                }
                let done = self.batches.get_mut(&batch).is_some_and(|b| {
                    b.remaining = b.remaining.saturating_sub(1);
                    b.remaining == 0
                });
                if done {
                    if let Some(b) = self.batches.remove(&batch) {
                        self.send_batch(b, ctx);
                    }
                }
            }
            Pending::AutoCreate { name } => {
                if name == coordinator::OFFSETS_TOPIC {
                    self.offsets_topic_created();
                }
                self.auto_creating.remove(&name);
            }
            Pending::TopicConfig { topic } => {
                if let Ok(OpResult::Data(Some(d), _)) = r {
                    self.topic_configs.insert(topic, zs::parse_topic_config(&d));
                }
            }
            Pending::TopicAdmin(p) => self.on_topic_admin_zk(p, r, ctx),
            Pending::DescribeConfigs { id, topic } => {
                self.on_describe_configs_read(id, &topic, r, ctx)
            }
            Pending::TopicCreate {
                corr, client, name, ..
            } => {
                let res = match r {
                    Ok(_) => None,
                    Err(e) if e.code == KeeperError::NodeExists => Some(Err((
                        "TOPIC_ALREADY_EXISTS".to_string(),
                        format!("Topic '{name}' already exists."),
                    ))),
                    Err(e) => Some(Err((
                        "UNKNOWN_SERVER_ERROR".to_string(),
                        e.code.code_name().to_string(),
                    ))),
                };
                if let Some(res) = res {
                    self.finish_create_topic(corr, client, &name, res, ctx);
                }
            }
        }
    }

    fn retry(&mut self, why: Pending, ctx: &mut Ctx) {
        match why {
            Pending::ClusterIdRead | Pending::ClusterIdCreate => {
                self.get(ctx, zs::CLUSTER_ID, false, Pending::ClusterIdRead)
            }
            Pending::Register => self.register(ctx),
            Pending::ControllerExists
            | Pending::ControllerData
            | Pending::ControllerEpochRead
            | Pending::Elect { .. } => self.check_controller(ctx),
            Pending::BrokerIds => self.children(ctx, zs::BROKER_IDS, Pending::BrokerIds),
            Pending::TopicChildren => self.children(ctx, zs::TOPICS, Pending::TopicChildren),
            Pending::BrokerData { id } => {
                self.get(ctx, &zs::broker_path(id), false, Pending::BrokerData { id })
            }
            Pending::TopicData { name } => {
                let p = zs::topic_path(&name);
                self.get(ctx, &p, true, Pending::TopicData { name })
            }
            Pending::StateData { key } => {
                let p = zs::state_path(&key.0, key.1);
                self.get(ctx, &p, false, Pending::StateData { key })
            }
            Pending::TopicCreate {
                corr,
                client,
                name,
                json,
            } => {
                // Blocks until ZooKeeper is back (the request's own timeout answers first).
                let path = zs::topic_path(&name);
                let why = Pending::TopicCreate {
                    corr,
                    client,
                    name,
                    json: json.clone(),
                };
                self.create(ctx, &path, Some(json), false, why);
            }
            Pending::AutoCreate { name } => {
                if name == coordinator::OFFSETS_TOPIC {
                    self.offsets_topic_created();
                }
                self.auto_creating.remove(&name);
            }
            Pending::TopicConfig { topic } => {
                let p = zs::topic_config_path(&topic);
                self.get(ctx, &p, false, Pending::TopicConfig { topic })
            }
            Pending::TopicAdmin(p) => self.retry_topic_admin(p, ctx),
            Pending::DescribeConfigs { id, topic } => {
                let p = zs::topic_config_path(&topic);
                self.get(ctx, &p, false, Pending::DescribeConfigs { id, topic })
            }
            Pending::Ignore => {}
            Pending::ControllerWrite { batch, op } => {
                // ZooKeeperClient retries after reconnecting, in the same session.
                if self.active.is_some() {
                    let again = Pending::ControllerWrite {
                        batch,
                        op: op.clone(),
                    };
                    self.submit(ctx, op, again);
                }
            }
        }
        if let Some(a) = self.active.as_mut() {
            if !a.loaded {
                a.loading = a.loading.saturating_sub(1);
            }
        }
    }

    fn on_watch(&mut self, kind: WatchType, path: &str, ctx: &mut Ctx) {
        let id = self.id();
        if path == zs::CONTROLLER {
            // ControllerChangeHandler: re-read who leads; re-elect if the node is gone.
            if kind == WatchType::NodeDeleted && self.active.is_some() {
                self.resign(ctx);
            }
            if matches!(self.phase, Phase::Running) {
                self.check_controller(ctx);
            }
            return;
        }
        if self.active.is_none()
            || self.on_topic_admin_watch(path, kind == WatchType::NodeDataChanged, ctx)
        {
            return;
        }
        if path == zs::BROKER_IDS && kind == WatchType::NodeChildrenChanged {
            self.children(ctx, zs::BROKER_IDS, Pending::BrokerIds);
        } else if path == zs::TOPICS && kind == WatchType::NodeChildrenChanged {
            self.children(ctx, zs::TOPICS, Pending::TopicChildren);
        } else if path.starts_with(zs::TOPICS) && kind == WatchType::NodeDataChanged {
            // Other data watches under /brokers/topics (topic nodes: see topic_admin): re-arm.
            self.get(ctx, path, true, Pending::Ignore);
        }
        let _ = id;
    }

    // ---------- the controller ----------

    fn become_controller(&mut self, epoch: i32, epoch_zk_version: i32, ctx: &mut Ctx) {
        let id = self.id();
        self.zk_controller = id;
        self.active = Some(Active {
            ctx: ControllerContext {
                id,
                epoch,
                epoch_zk_version,
                unclean_leader_election: self.setup.settings.unclean_leader_election_enable,
                ..Default::default()
            },
            loading: 0,
            loaded: false,
        });
        ctx.emit(|| EventKind::ControllerElected { id, epoch });
        // Watch the control paths, then load brokers and topics (onControllerFailover).
        self.get(ctx, zs::CONTROLLER, true, Pending::ControllerData);
        self.watch_topic_deletions(ctx);
        self.children(ctx, zs::BROKER_IDS, Pending::BrokerIds);
        self.children(ctx, zs::TOPICS, Pending::TopicChildren);
    }

    fn resign(&mut self, ctx: &mut Ctx) {
        if let Some(a) = self.active.take() {
            let id = self.id();
            let epoch = a.ctx.epoch;
            ctx.emit(|| EventKind::ControllerResigned { id, epoch });
        }
    }

    fn loaded_one(&mut self, ctx: &mut Ctx) {
        let Some(a) = self.active.as_mut() else {
            return;
        };
        if a.loaded {
            return;
        }
        a.loading = a.loading.saturating_sub(1);
        if a.loading > 0 {
            return;
        }
        a.loaded = true;
        a.ctx.init_topic_deletion();
        let epoch = a.ctx.epoch;
        // Tell everyone the whole state, bring replicas online, fix what is offline.
        let live: Vec<BrokerId> = a.ctx.live.keys().copied().collect();
        self.send_update_metadata(ctx, &live, None);
        let all: Vec<PartitionKey> = a_keys(self.active.as_ref());
        for b in &live {
            self.send_leader_and_isr(ctx, *b, &all);
        }
        let changes = self
            .active
            .as_mut()
            .map(|a| a.ctx.on_failover())
            .unwrap_or_default();
        self.apply_changes(changes, ctx);
        self.try_topic_deletion(ctx);
        if self.setup.settings.auto_leader_rebalance_enable {
            ctx.set_timer(
                FIRST_REBALANCE_MS,
                Timer::Broker(BrokerTimer::Rebalance { epoch }),
            );
        }
    }

    fn on_broker_ids(&mut self, ids: Vec<String>, ctx: &mut Ctx) {
        let Some(a) = self.active.as_ref() else {
            return;
        };
        let now: BTreeSet<BrokerId> = ids.iter().filter_map(|s| s.parse().ok()).collect();
        let dead: Vec<BrokerId> = a
            .ctx
            .live
            .keys()
            .copied()
            .filter(|b| !now.contains(b))
            .collect();
        // Every registration is re-read: one with a new epoch (czxid) is a bounced broker.
        let loaded = a.loaded;
        for id in now {
            self.get(ctx, &zs::broker_path(id), false, Pending::BrokerData { id });
        }
        if loaded && !dead.is_empty() {
            let changes = self
                .active
                .as_mut()
                .map(|a| a.ctx.on_broker_failure(&dead))
                .unwrap_or_default();
            let live: Vec<BrokerId> = self.live_ids();
            self.send_update_metadata(ctx, &live, None);
            self.apply_changes(changes, ctx);
            self.deletion_brokers_failed(&dead, ctx);
        }
    }

    fn on_broker_data(&mut self, info: messages::BrokerInfo, ctx: &mut Ctx) {
        let Some(a) = self.active.as_mut() else {
            return;
        };
        if !a.loaded {
            a.ctx.live.insert(info.id, info);
            return;
        }
        let id = info.id;
        let mut changes = Vec::new();
        match a.ctx.live.get(&id) {
            Some(old) if old.epoch == info.epoch => return,
            // Restarted between two reads of /brokers/ids: it failed, then started
            // (Kafka's bounced brokers), so its new process learns its replicas.
            Some(_) => changes.extend(a.ctx.on_broker_failure(&[id])),
            None => {}
        }
        let a = self.active.as_mut().expect("checked above");
        changes.extend(a.ctx.on_broker_startup(vec![info]));
        // Full metadata to everyone (the newcomer needs all of it), its replicas as followers.
        let live = self.live_ids();
        self.send_update_metadata(ctx, &live, None);
        let mine: Vec<PartitionKey> = self
            .active
            .as_ref()
            .map(|a| {
                a.ctx
                    .partitions
                    .iter()
                    .filter(|(_, s)| s.replicas.contains(&id) && s.zk_version >= 0)
                    .map(|(k, _)| k.clone())
                    .collect()
            })
            .unwrap_or_default();
        self.send_leader_and_isr(ctx, id, &mine);
        self.apply_changes(changes, ctx);
        self.deletion_broker_started(id, ctx);
    }

    fn on_topic_data(
        &mut self,
        name: &str,
        id: &str,
        assignment: &BTreeMap<i32, Vec<BrokerId>>,
        ctx: &mut Ctx,
    ) {
        let Some(a) = self.active.as_mut() else {
            return;
        };
        a.ctx.add_topic(name, id, assignment);
        if !a.loaded {
            for &p in assignment.keys() {
                let key = (name.to_string(), p);
                let path = zs::state_path(name, p);
                self.get(ctx, &path, false, Pending::StateData { key });
            }
            return;
        }
        // onNewPartitionCreation: New → Online.
        let keys: Vec<PartitionKey> = assignment.keys().map(|&p| (name.to_string(), p)).collect();
        let changes = a.ctx.elect_offline(&keys);
        let partitions = assignment.len();
        let rf = assignment.values().next().map_or(0, Vec::len);
        let topic = name.to_string();
        ctx.emit(|| EventKind::TopicCreated {
            topic,
            partitions,
            replication_factor: rf,
        });
        self.apply_changes(changes, ctx);
    }

    fn live_ids(&self) -> Vec<BrokerId> {
        self.active
            .as_ref()
            .map(|a| a.ctx.live.keys().copied().collect())
            .unwrap_or_default()
    }

    /// Stores each change (checked against the controller epoch's version), then tells the
    /// live replicas (LeaderAndIsr) and every live broker (UpdateMetadata); records events.
    fn apply_changes(&mut self, changes: Vec<Change>, ctx: &mut Ctx) {
        if changes.is_empty() {
            return;
        }
        let Some(a) = self.active.as_ref() else {
            return;
        };
        let (epoch, epoch_version) = (a.ctx.epoch, a.ctx.epoch_zk_version);
        let mut ops = Vec::new();
        let mut touched = Vec::new();
        for ch in &changes {
            let s = &a.ctx.partitions[&ch.key];
            let data = zs::state_json(epoch, s.leader, s.leader_epoch, &s.isr);
            let (t, p) = (&ch.key.0, ch.key.1);
            let write = if ch.created {
                ops.push(Op::Create {
                    path: zs::partitions_path(t),
                    data: None,
                    ephemeral: false,
                    sequential: false,
                });
                ops.push(Op::Create {
                    path: zs::partition_path(t, p),
                    data: None,
                    ephemeral: false,
                    sequential: false,
                });
                Op::Create {
                    path: zs::state_path(t, p),
                    data: Some(data),
                    ephemeral: false,
                    sequential: false,
                }
            } else {
                Op::SetData {
                    path: zs::state_path(t, p),
                    data: Some(data),
                    version: ch.expected_version,
                }
            };
            ops.push(Op::Multi(vec![
                Op::Check {
                    path: zs::CONTROLLER_EPOCH.into(),
                    version: epoch_version,
                },
                write,
            ]));
            touched.push(ch.key.clone());
            emit_change_events(ch, s, ctx);
        }
        let multis = ops.iter().filter(|o| matches!(o, Op::Multi(_))).count();
        let batch = self.new_batch(multis, touched, true, None);
        for op in ops {
            let why = if matches!(op, Op::Multi(_)) {
                Pending::ControllerWrite {
                    batch,
                    op: op.clone(),
                }
            } else {
                Pending::Ignore
            };
            self.submit(ctx, op, why);
        }
    }

    fn new_batch(
        &mut self,
        remaining: usize,
        keys: Vec<PartitionKey>,
        send_leader_and_isr: bool,
        alter_isr_reply: Option<(HostId, PartitionKey)>,
    ) -> u64 {
        self.next_batch += 1;
        self.batches.insert(
            self.next_batch,
            Batch {
                remaining,
                keys,
                send_leader_and_isr,
                alter_isr_reply,
            },
        );
        self.next_batch
    }

    /// A batch is stored: tell the live replicas (LeaderAndIsr), every live broker
    /// (UpdateMetadata) and the AlterIsr sender.
    fn send_batch(&mut self, b: Batch, ctx: &mut Ctx) {
        let Some(a) = self.active.as_ref() else {
            return;
        };
        if b.send_leader_and_isr {
            let replicas: BTreeSet<BrokerId> = b
                .keys
                .iter()
                .filter_map(|k| a.ctx.partitions.get(k))
                .flat_map(|s| s.replicas.iter().copied())
                .collect();
            for r in replicas {
                let keys: Vec<PartitionKey> = b
                    .keys
                    .iter()
                    .filter(|k| {
                        a.ctx
                            .partitions
                            .get(*k)
                            .is_some_and(|s| s.replicas.contains(&r))
                    })
                    .cloned()
                    .collect();
                self.send_leader_and_isr(ctx, r, &keys);
            }
        }
        let live = self.live_ids();
        self.send_update_metadata(ctx, &live, Some(&b.keys));
        if let Some((host, key)) = b.alter_isr_reply {
            if let Some(st) = self
                .active
                .as_ref()
                .and_then(|a| a.ctx.partitions.get(&key))
            {
                let msg = KafkaMessage::AlterIsrResponse {
                    topic: key.0.clone(),
                    partition: key.1,
                    result: Ok(st.clone()),
                };
                ctx.send(host, Message::Kafka(msg));
            }
        }
    }

    fn send_leader_and_isr(&self, ctx: &mut Ctx, to: BrokerId, keys: &[PartitionKey]) {
        let Some(a) = self.active.as_ref() else {
            return;
        };
        if keys.is_empty() || !a.ctx.live.contains_key(&to) {
            return;
        }
        let partitions: Vec<PartitionState> = keys
            .iter()
            .filter_map(|k| a.ctx.partitions.get(k))
            .filter(|s| s.zk_version >= 0)
            .cloned()
            .collect();
        if partitions.is_empty() {
            return;
        }
        let topic_ids = topic_ids_for(&a.ctx, &partitions);
        let msg = KafkaMessage::LeaderAndIsr {
            controller_id: a.ctx.id,
            controller_epoch: a.ctx.epoch,
            partitions,
            topic_ids,
        };
        self.send_kafka(ctx, to, msg);
    }

    /// `keys` None = the full state.
    fn send_update_metadata(&self, ctx: &mut Ctx, to: &[BrokerId], keys: Option<&[PartitionKey]>) {
        let Some(a) = self.active.as_ref() else {
            return;
        };
        let partitions: Vec<PartitionState> = match keys {
            None => a
                .ctx
                .partitions
                .values()
                .filter(|s| s.zk_version >= 0)
                .cloned()
                .collect(),
            Some(k) => k
                .iter()
                .filter_map(|k| a.ctx.partitions.get(k))
                .cloned()
                .collect(),
        };
        let topic_ids = topic_ids_for(&a.ctx, &partitions);
        let brokers: Vec<messages::BrokerInfo> = a.ctx.live.values().cloned().collect();
        for &b in to {
            let msg = KafkaMessage::UpdateMetadata {
                controller_id: a.ctx.id,
                controller_epoch: a.ctx.epoch,
                brokers: brokers.clone(),
                partitions: partitions.clone(),
                topic_ids: topic_ids.clone(),
                full: keys.is_none(),
            };
            self.send_kafka(ctx, b, msg);
        }
    }

    fn rebalance(&mut self, epoch: i32, ctx: &mut Ctx) {
        let pct = self.setup.settings.leader_imbalance_per_broker_percentage;
        let Some(a) = self
            .active
            .as_mut()
            .filter(|a| a.ctx.epoch == epoch && a.loaded)
        else {
            return;
        };
        let changes = a.ctx.preferred_election(pct);
        self.apply_changes(changes, ctx);
        let every = self
            .setup
            .settings
            .leader_imbalance_check_interval_seconds
            .max(1) as u64
            * 1000;
        ctx.set_timer(every, Timer::Broker(BrokerTimer::Rebalance { epoch }));
    }

    // ---------- requests ----------

    fn on_kafka(&mut self, from: HostId, msg: KafkaMessage, ctx: &mut Ctx) {
        if self.phase != Phase::Running {
            if msg.opens_connection() {
                ctx.send(from, Message::Refused);
            }
            return;
        }
        match msg {
            KafkaMessage::UpdateMetadata {
                controller_id,
                controller_epoch,
                brokers,
                partitions,
                topic_ids,
                full,
            } => {
                self.cache.update(
                    controller_id,
                    controller_epoch,
                    brokers,
                    partitions,
                    topic_ids,
                    full,
                );
                self.check_creates(ctx);
                self.check_topic_admin(ctx);
            }
            KafkaMessage::LeaderAndIsr {
                controller_epoch,
                partitions,
                ..
            } => {
                if controller_epoch < self.cache.controller_epoch {
                    return; // a stale controller
                }
                let me = self.id();
                for p in partitions {
                    if p.replicas.contains(&me) && !self.topic_configs.contains_key(&p.topic) {
                        // LogManager reads the topic's config when it creates the log.
                        self.topic_configs.insert(p.topic.clone(), BTreeMap::new());
                        let path = zs::topic_config_path(&p.topic);
                        let why = Pending::TopicConfig {
                            topic: p.topic.clone(),
                        };
                        self.get(ctx, &path, false, why);
                    }
                    let became = self.replicas.apply(me, &p, ctx.now);
                    // makeLeader: "we may need to increment high watermark since ISR could be
                    // down to 1".
                    let key = (p.topic.clone(), p.partition);
                    if self.replicas.maybe_advance_hw(me, &key) {
                        self.hw_moved = true;
                    }
                    if became {
                        let (topic, partition, leader, epoch) =
                            (p.topic.clone(), p.partition, p.leader, p.leader_epoch);
                        ctx.emit(|| EventKind::ReplicaRole {
                            id: me,
                            topic,
                            partition,
                            leader,
                            leader_epoch: epoch,
                        });
                    }
                }
                // Delayed requests on partitions it no longer leads fail now; new followers
                // start fetching at once.
                self.complete_produces(ctx);
                self.complete_fetches(ctx);
                self.hw_moved = false;
                self.run_fetchers(ctx);
                self.sync_group_ownership(ctx);
            }
            KafkaMessage::Fetch {
                corr,
                replica_id,
                max_wait_ms,
                partitions,
            } => self.on_fetch(from, corr, replica_id, max_wait_ms, partitions, ctx),
            KafkaMessage::FetchResponse { corr, partitions } => {
                self.on_fetch_response(corr, partitions, ctx)
            }
            KafkaMessage::Produce {
                corr,
                acks,
                timeout_ms,
                partitions,
            } => self.on_produce(from, corr, acks, timeout_ms, partitions, ctx),
            KafkaMessage::ListOffsets { corr, partitions } => {
                self.on_list_offsets(from, corr, partitions, ctx)
            }
            KafkaMessage::FindCoordinator {
                corr,
                key,
                listener,
            } => self.on_find_coordinator(from, corr, &key, &listener, ctx),
            KafkaMessage::Group {
                corr,
                group_id,
                request,
            } => {
                let before = self.group_view(&group_id);
                let gid = group_id.clone();
                self.on_group_request(from, corr, group_id, request, ctx);
                self.emit_group_changes(&gid, before, group_events::Cause::Request, ctx);
            }
            KafkaMessage::ProduceResponse { .. }
            | KafkaMessage::ListOffsetsResponse { .. }
            | KafkaMessage::FindCoordinatorResponse { .. }
            | KafkaMessage::GroupResponse { .. } => {}
            KafkaMessage::AlterIsr {
                broker_id,
                topic,
                partition,
                leader_epoch,
                new_isr,
                zk_version,
            } => {
                let key = (topic.clone(), partition);
                let result = match self.active.as_mut().filter(|a| a.loaded) {
                    None => Err("NOT_CONTROLLER".to_string()),
                    Some(a) => a
                        .ctx
                        .alter_isr(broker_id, &key, leader_epoch, new_isr, zk_version)
                        .map(|ch| (ch, a.ctx.partitions[&key].clone())),
                };
                match result {
                    // Stored first; the batch answers the leader and sends UpdateMetadata.
                    Ok((ch, _)) => self.apply_isr_change(ch, from, ctx),
                    Err(e) => ctx.send(
                        from,
                        Message::Kafka(KafkaMessage::AlterIsrResponse {
                            topic,
                            partition,
                            result: Err(e),
                        }),
                    ),
                }
            }
            KafkaMessage::AlterIsrResponse {
                topic,
                partition,
                result,
            } => {
                let me = self.id();
                if self
                    .replicas
                    .on_alter_isr_response(me, &(topic, partition), result)
                {
                    self.hw_moved = true;
                }
                self.after_data_change(ctx);
            }
            KafkaMessage::ControlledShutdown { broker_id } => {
                let out = self
                    .active
                    .as_mut()
                    .filter(|a| a.loaded)
                    .map(|a| a.ctx.controlled_shutdown(broker_id));
                if let Some((changes, remaining)) = out {
                    self.apply_changes(changes, ctx);
                    let m = KafkaMessage::ControlledShutdownResponse { remaining };
                    ctx.send(from, Message::Kafka(m));
                }
            }
            KafkaMessage::ControlledShutdownResponse { .. } => {}
            KafkaMessage::DescribeConfigsRequest { corr, topics } => {
                self.on_describe_configs(from, corr, topics, ctx)
            }
            KafkaMessage::DescribeConfigsResponse { .. } => {}
            m @ (KafkaMessage::StopReplica { .. }
            | KafkaMessage::StopReplicaResponse { .. }
            | KafkaMessage::DeleteTopicsRequest { .. }
            | KafkaMessage::DeleteTopicsResponse { .. }
            | KafkaMessage::CreatePartitionsRequest { .. }
            | KafkaMessage::CreatePartitionsResponse { .. }
            | KafkaMessage::ElectLeadersRequest { .. }
            | KafkaMessage::ElectLeadersResponse { .. }) => {
                self.on_topic_admin_message(from, m, ctx)
            }
            KafkaMessage::MetadataRequest {
                corr,
                listener,
                topics,
            } => {
                let brokers = self
                    .cache
                    .brokers
                    .values()
                    .filter_map(|b| {
                        b.endpoint(&listener)
                            .map(|e| (b.id, e.host.clone(), e.port))
                    })
                    .collect();
                let mut answer = self.cache.topics(topics.as_deref());
                for t in answer.iter_mut() {
                    if t.error.as_deref() == Some("UNKNOWN_TOPIC_OR_PARTITION")
                        && self.auto_create_topic(&t.name, ctx)
                    {
                        t.error = Some("LEADER_NOT_AVAILABLE".into());
                    }
                }
                let msg = KafkaMessage::MetadataResponse {
                    corr,
                    cluster_id: self.cluster_id.clone().unwrap_or_default(),
                    controller_id: self.cache.controller_id,
                    brokers,
                    topics: answer,
                };
                ctx.send(from, Message::Kafka(msg));
            }
            KafkaMessage::CreateTopicsRequest {
                corr,
                topics,
                timeout_ms,
            } => self.create_topics(from, corr, topics, timeout_ms, ctx),
            KafkaMessage::MetadataResponse { .. } | KafkaMessage::CreateTopicsResponse { .. } => {}
        }
    }

    /// An AlterIsr accepted by the controller: store it, then answer and send UpdateMetadata.
    fn apply_isr_change(&mut self, ch: Change, leader: HostId, ctx: &mut Ctx) {
        let Some(a) = self.active.as_ref() else {
            return;
        };
        let s = &a.ctx.partitions[&ch.key];
        let data = zs::state_json(a.ctx.epoch, s.leader, s.leader_epoch, &s.isr);
        emit_change_events(&ch, s, ctx);
        let op = Op::Multi(vec![
            Op::Check {
                path: zs::CONTROLLER_EPOCH.into(),
                version: a.ctx.epoch_zk_version,
            },
            Op::SetData {
                path: zs::state_path(&ch.key.0, ch.key.1),
                data: Some(data),
                version: ch.expected_version,
            },
        ]);
        let batch = self.new_batch(1, vec![ch.key.clone()], false, Some((leader, ch.key)));
        let why = Pending::ControllerWrite {
            batch,
            op: op.clone(),
        };
        self.submit(ctx, op, why);
    }

    fn send_alter_isrs(&mut self, ctx: &mut Ctx) {
        let controller = self.cache.controller_id;
        for req in self.replicas.take_alter_isr_requests(self.id()) {
            self.send_kafka(ctx, controller, req);
        }
    }

    /// CreateTopics (ZkAdminManager.createTopics): only the controller accepts it in 3.0.
    fn create_topics(
        &mut self,
        from: HostId,
        corr: u32,
        topics: Vec<CreatableTopic>,
        timeout_ms: u64,
        ctx: &mut Ctx,
    ) {
        let loaded = self.active.as_ref().is_some_and(|a| a.loaded);
        let mut results = Vec::new();
        let mut writes = Vec::new();
        for t in topics {
            let r = if !loaded {
                Some(Err((
                    "NOT_CONTROLLER".to_string(),
                    "This is not the correct controller for this cluster.".to_string(),
                )))
            } else {
                match self.plan_topic(&t, ctx) {
                    Ok(json) => {
                        writes.push((t.name.clone(), t.configs.clone(), json));
                        None
                    }
                    Err(e) => Some(Err(e)),
                }
            };
            results.push((t.name, r));
        }
        for (name, configs, json) in writes {
            // AdminZkClient writes the config znode first, then the topic's assignment.
            let config = zs::topic_config_json(&configs);
            let cpath = zs::topic_config_path(&name);
            self.create(ctx, &cpath, Some(config), false, Pending::Ignore);
            let path = zs::topic_path(&name);
            let why = Pending::TopicCreate {
                corr,
                client: from,
                name,
                json: json.clone(),
            };
            self.create(ctx, &path, Some(json), false, why);
        }
        self.creates.push(PendingCreate {
            corr,
            client: from,
            results,
        });
        ctx.set_timer(
            timeout_ms.max(1),
            Timer::Broker(BrokerTimer::CreateTimeout { corr, client: from }),
        );
        self.check_creates(ctx);
    }

    /// `auto.create.topics.enable`: a Metadata request for an unknown topic makes this broker
    /// write it to ZooKeeper itself (`num.partitions`, `default.replication.factor`); the
    /// client hears LEADER_NOT_AVAILABLE until the controller has brought it online.
    fn auto_create_topic(&mut self, name: &str, ctx: &mut Ctx) -> bool {
        if !self.setup.settings.auto_create_topics_enable
            || topic_name::is_internal(name)
            || topic_name::validate(name).is_err()
        {
            return false;
        }
        if self.auto_creating.contains(name) {
            return true;
        }
        let t = CreatableTopic {
            name: name.to_string(),
            num_partitions: -1,
            replication_factor: -1,
            configs: Vec::new(),
        };
        let Ok(json) = self.plan_topic(&t, ctx) else {
            return false;
        };
        self.auto_creating.insert(name.to_string());
        let cpath = zs::topic_config_path(name);
        self.create(
            ctx,
            &cpath,
            Some(zs::topic_config_json(&[])),
            false,
            Pending::Ignore,
        );
        let why = Pending::AutoCreate {
            name: name.to_string(),
        };
        self.create(ctx, &zs::topic_path(name), Some(json), false, why);
        true
    }

    /// Checks one topic and returns its `/brokers/topics/<t>` JSON.
    fn plan_topic(&self, t: &CreatableTopic, ctx: &mut Ctx) -> Result<String, (String, String)> {
        if self.cache.contains_topic(&t.name) {
            return Err((
                "TOPIC_ALREADY_EXISTS".into(),
                format!("Topic '{}' already exists.", t.name),
            ));
        }
        let s = &self.setup.settings;
        let partitions = if t.num_partitions == -1 {
            s.num_partitions
        } else {
            t.num_partitions
        };
        let rf = if t.replication_factor == -1 {
            s.default_replication_factor
        } else {
            t.replication_factor
        };
        let brokers: Vec<BrokerMetadata> = self
            .cache
            .alive_ids()
            .into_iter()
            .map(|id| BrokerMetadata {
                id,
                rack: self.cache.brokers.get(&id).and_then(|b| b.rack.clone()),
            })
            .collect();
        let n = brokers.len() as u64;
        let (start, shift) = (ctx.choose_below(n) as usize, ctx.choose_below(n) as usize);
        let assignment = assign_replicas_to_brokers(&brokers, partitions, rf, start, shift, 0)
            .map_err(|e| (e.error_name().to_string(), e.message().to_string()))?;
        let existing: Vec<String> = self
            .active
            .as_ref()
            .map(|a| a.ctx.topic_ids.keys().cloned().collect())
            .unwrap_or_else(|| self.cache.topic_ids.keys().cloned().collect());
        topic_name::validate_create(&t.name, existing.iter().map(String::as_str)).map_err(|e| {
            let code = match e {
                topic_name::CreateTopicNameError::Invalid(_) => "INVALID_TOPIC_EXCEPTION",
                topic_name::CreateTopicNameError::Exists(_) => "TOPIC_ALREADY_EXISTS",
            };
            (code.to_string(), e.message().to_string())
        })?;
        crate::kafka::topic_config::validate(&t.configs)
            .map_err(|m| ("INVALID_CONFIG".to_string(), m))?;
        let id = zs::uuid_base64(|| ctx.random_below(u64::MAX));
        Ok(zs::topic_json(&assignment, &id))
    }

    fn finish_create_topic(
        &mut self,
        corr: u32,
        client: HostId,
        name: &str,
        res: CreateResult,
        ctx: &mut Ctx,
    ) {
        if let Some(c) = self
            .creates
            .iter_mut()
            .find(|c| c.corr == corr && c.client == client)
        {
            for (n, r) in c.results.iter_mut() {
                if n == name && r.is_none() {
                    *r = Some(res.clone());
                }
            }
        }
        self.check_creates(ctx);
    }

    /// Answers the CreateTopics whose topics all have leaders in the metadata cache.
    fn check_creates(&mut self, ctx: &mut Ctx) {
        let cache = &self.cache;
        let mut i = 0;
        while i < self.creates.len() {
            let c = &mut self.creates[i];
            for (name, r) in c.results.iter_mut() {
                if r.is_none() && cache.topic_ready(name) {
                    *r = Some(Ok(()));
                }
            }
            if c.results.iter().all(|(_, r)| r.is_some()) {
                let c = self.creates.remove(i);
                let results = c
                    .results
                    .into_iter()
                    .map(|(n, r)| (n, r.unwrap_or(Ok(()))))
                    .collect();
                ctx.send(
                    c.client,
                    Message::Kafka(KafkaMessage::CreateTopicsResponse {
                        corr: c.corr,
                        results,
                    }),
                );
            } else {
                i += 1;
            }
        }
    }

    fn on_broker_timer(&mut self, t: BrokerTimer, ctx: &mut Ctx) {
        match t {
            BrokerTimer::Booted => self.start_session(ctx),
            BrokerTimer::Fetch => {
                self.run_fetchers(ctx);
                ctx.set_timer(FETCH_INTERVAL_MS, Timer::Broker(BrokerTimer::Fetch));
            }
            BrokerTimer::FetchWait { id } => self.on_fetch_wait(id, ctx),
            BrokerTimer::ProduceTimeout { id } => self.on_produce_timeout(id, ctx),
            BrokerTimer::Group { group_id } => {
                let before = self.group_view(&group_id);
                self.on_group_timer(&group_id, ctx);
                self.emit_group_changes(&group_id, before, group_events::Cause::Timer, ctx);
            }
            BrokerTimer::GroupAppendTimeout { id } => self.on_group_append_timeout(id, ctx),
            BrokerTimer::TopicAdmin { id } => self.on_topic_admin_timeout(id, ctx),
            BrokerTimer::IsrCheck => {
                let lag = self.setup.settings.replica_lag_time_max_ms.max(2) as u64;
                self.replicas.shrink_check(self.id(), ctx.now, lag);
                self.after_data_change(ctx);
                ctx.set_timer(lag / 2, Timer::Broker(BrokerTimer::IsrCheck));
            }
            BrokerTimer::Rebalance { epoch } => self.rebalance(epoch, ctx),
            BrokerTimer::CreateTimeout { corr, client } => {
                if let Some(c) = self
                    .creates
                    .iter_mut()
                    .find(|c| c.corr == corr && c.client == client)
                {
                    for (_, r) in c.results.iter_mut() {
                        if r.is_none() {
                            *r = Some(Err((
                                "REQUEST_TIMED_OUT".into(),
                                "The request timed out.".into(),
                            )));
                        }
                    }
                }
                self.check_creates(ctx);
            }
        }
    }
}

fn a_keys(a: Option<&Active>) -> Vec<PartitionKey> {
    a.map(|a| a.ctx.partitions.keys().cloned().collect())
        .unwrap_or_default()
}

fn topic_ids_for(ctx: &ControllerContext, parts: &[PartitionState]) -> Vec<(String, String)> {
    let names: BTreeSet<&String> = parts.iter().map(|p| &p.topic).collect();
    names
        .into_iter()
        .filter_map(|n| Some((n.clone(), ctx.topic_ids.get(n)?.clone())))
        .collect()
}

/// Events for one controller change: leader moved, partition offline, ISR shrunk/expanded.
fn emit_change_events(ch: &Change, s: &PartitionState, ctx: &mut Ctx) {
    let (topic, partition) = (ch.key.0.clone(), ch.key.1);
    if s.leader != ch.old_leader || ch.created {
        if s.leader == NO_LEADER {
            let (t, isr) = (topic.clone(), s.isr.clone());
            ctx.emit(|| EventKind::PartitionOffline {
                topic: t,
                partition,
                isr,
            });
        } else {
            let (t, leader, epoch, old) = (topic.clone(), s.leader, s.leader_epoch, ch.old_leader);
            ctx.emit(|| EventKind::LeaderChanged {
                topic: t,
                partition,
                leader,
                old_leader: old,
                leader_epoch: epoch,
            });
        }
    }
    if !ch.created && s.isr != ch.old_isr {
        let (isr, old_isr) = (s.isr.clone(), ch.old_isr.clone());
        ctx.emit(|| EventKind::IsrChanged {
            topic,
            partition,
            isr,
            old_isr,
        });
    }
}

impl Node for Broker {
    fn on_start(&mut self, ctx: &mut Ctx) {
        self.phase = Phase::Booting;
        self.last_failure = None;
        let jitter = ctx.random_below(1000);
        ctx.set_timer(BOOT_MS + jitter, Timer::Broker(BrokerTimer::Booted));
    }

    fn on_message(&mut self, from: HostId, msg: Message, ctx: &mut Ctx) {
        match msg {
            Message::Kafka(m) => self.on_kafka(from, m, ctx),
            m @ (Message::Zk(_) | Message::Refused) => {
                if let Some(zk) = self.zk.as_mut() {
                    zk.on_message(from, m, ctx);
                    self.after_zk(ctx);
                }
            }
        }
    }

    fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx) {
        match timer {
            Timer::Broker(t) => self.on_broker_timer(t, ctx),
            t @ Timer::ZkClient(_) => {
                if let Some(zk) = self.zk.as_mut() {
                    zk.on_timer(t, ctx);
                    self.after_zk(ctx);
                }
            }
            _ => {}
        }
    }

    /// SIGTERM: controlled shutdown (the controller moves leadership away), then the
    /// ZooKeeper session is closed so the registration disappears at once.
    fn on_shutdown(&mut self, ctx: &mut Ctx) {
        if self.phase == Phase::Running {
            let id = self.id();
            let controller = self.cache.controller_id;
            if controller != NO_LEADER && controller != id {
                self.send_kafka(
                    ctx,
                    controller,
                    KafkaMessage::ControlledShutdown { broker_id: id },
                );
            }
        }
        if let Some(zk) = self.zk.as_mut() {
            zk.close_now(ctx);
        }
    }

    fn on_stop(&mut self) {
        // Volatile state is gone; logs on disk stay (kept in `replicas`' logs later).
        let setup = self.setup.clone();
        let replicas = std::mem::take(&mut self.replicas).into_disk();
        let failure = self.last_failure.take();
        *self = Broker::new(setup);
        self.replicas = replicas;
        self.last_failure = failure;
    }
}
