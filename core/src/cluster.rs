//! The cluster: the one object the page, the native runner and the tests drive.
//!
//! It boots the seed's hosts on the [`Simulator`]: the three ZooKeeper servers run at t≈0
//! (compose starts them in order, each JVM a little later than the previous), the brokers are
//! status-only hosts for now. Commands ([`Cluster::run_command`]) and faults drive it; time
//! advances with [`Cluster::step`], [`Cluster::run_until`] and [`Cluster::run_for`].

use crate::broker::admin::{AdminCall, AdminClient, AdminResult, Dialable};
use crate::broker::log::PartitionLog;
use crate::broker::messages::Endpoint;
use crate::broker::{zk_state, Broker, BrokerSetup, Phase};
use crate::config::{ClusterConfig, Listener};
use crate::sim::event::{Event, EventKind, ZkMode};
use crate::sim::network::LinkConfig;
use crate::sim::node::{HostId, Process};
use crate::sim::{InFlight, RunState, Simulator};
use crate::snapshot::{
    BrokerView, HostKind, HostStatus, HostView, NetworkView, PartitionView, ReplicaOffsets,
    Snapshot, TopicView, ZkServerView,
};
use crate::zookeeper::client::ZkClient;
use crate::zookeeper::messages::{Op, OpOutcome, OpResult};
use crate::zookeeper::server::{ServerConfig, ServerStatus, ZkServer};
use crate::zookeeper::tree::Stat;
use serde::{Deserialize, Serialize};

/// Time from `docker compose start` to a ZooKeeper server running (JVM start), plus jitter.
const JVM_START_MS: u64 = 800;
const JVM_START_JITTER_MS: u64 = 700;

/// A virtual cluster built from a [`ClusterConfig`] and a seed.
#[derive(Clone, Debug)]
pub struct Cluster {
    config: ClusterConfig,
    seed: u64,
    pub(crate) sim: Simulator,
    zk_hosts: Vec<HostId>,
    broker_hosts: Vec<HostId>,
    pub(crate) clients_opened: u64,
    /// Programs running in the background (`    clients_opened: u64,`), oldest first.
    pub(crate) jobs: Vec<crate::cli::jobs::Job>,
    /// Commands run at an interactive terminal (the page's session): a program that runs
    /// until Ctrl-C goes to the foreground there instead of being refused.
    pub(crate) tty: bool,
    /// The foreground program the last command started at such a terminal.
    pub(crate) started: Option<crate::cli::session::Foreground>,
    /// Every command run so far (for sharing/export of a scenario).
    history: Vec<String>,
    /// The container shell the current line runs in (a terminal inside `docker exec -it C
    /// bash`).
    pub(crate) shell: Option<crate::cli::container_shell::Shell>,
    /// Set by `docker exec -it C bash` at a terminal: the session enters C's shell.
    pub(crate) entered_shell: Option<crate::cli::container_shell::Shell>,
}

/// One znode for the tree browser.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZnodeView {
    pub path: String,
    pub data: Option<String>,
    pub stat: Stat,
}

/// Which fault to apply to a host (docker compose verbs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostAction {
    Stop,
    Kill,
    Start,
    Restart,
    Pause,
    Unpause,
}

impl Cluster {
    pub fn new(config: ClusterConfig, seed: u64) -> Self {
        let mut sim = Simulator::new(seed);
        let peers_placeholder: Vec<(u64, HostId)> = config
            .zookeepers
            .iter()
            .enumerate()
            .map(|(i, z)| (u64::from(z.my_id), i))
            .collect();
        let mut zk_hosts = Vec::new();
        for z in &config.zookeepers {
            let server = ZkServer::new(
                u64::from(z.my_id),
                peers_placeholder.clone(),
                ServerConfig::default(),
            );
            zk_hosts.push(sim.add_host(&z.hostname, Some(Process::ZkServer(Box::new(server)))));
        }
        let broker_hosts: Vec<HostId> = config
            .brokers
            .iter()
            .map(|b| sim.add_host(&b.hostname, None))
            .collect();
        // Docker DNS: every container's hostname.
        let directory: Vec<(String, HostId)> = zk_hosts
            .iter()
            .chain(broker_hosts.iter())
            .map(|&h| (sim.host(h).name.clone(), h))
            .collect();
        for (b, &h) in config.brokers.iter().zip(&broker_hosts) {
            let zk_servers = b
                .zookeeper_connect
                .iter()
                .filter_map(|entry| {
                    let (host, _) = entry.rsplit_once(':')?;
                    let z = config.zookeepers.iter().find(|z| z.hostname == host)?;
                    let hid = directory.iter().find(|(n, _)| *n == z.hostname)?.1;
                    Some((hid, format!("{}:{}", z.hostname, z.client_port)))
                })
                .collect();
            let settings = b.settings.clone();
            let setup = BrokerSetup {
                id: b.broker_id,
                endpoints: b
                    .listeners
                    .iter()
                    .map(|l| Endpoint {
                        listener: l.name.clone(),
                        host: l.host.clone(),
                        port: l.port,
                    })
                    .collect(),
                inter_broker_listener: b.inter_broker_listener.clone(),
                zk_servers,
                settings,
                directory: directory.clone(),
            };
            sim.host_mut(h).process = Some(Process::Broker(Box::new(Broker::new(setup))));
        }
        // Compose starts the containers in order; each JVM comes up a little after the last.
        let mut at = 0;
        for (i, &h) in zk_hosts.iter().enumerate() {
            at += if i == 0 { 0 } else { 150 } + sim.random_below(200);
            sim.start_at(h, at);
        }
        // The brokers depend on the ZooKeepers: their containers start next.
        for &h in &broker_hosts {
            at += 100 + sim.random_below(200);
            sim.start_at(h, at);
        }
        Cluster {
            config,
            seed,
            sim,
            zk_hosts,
            broker_hosts,
            clients_opened: 0,
            jobs: Vec::new(),
            tty: false,
            started: None,
            history: Vec::new(),
            shell: None,
            entered_shell: None,
        }
    }

    /// The seed tutorial's cluster.
    pub fn seed_cluster(seed: u64) -> Self {
        Self::new(ClusterConfig::seed(), seed)
    }

    pub fn config(&self) -> &ClusterConfig {
        &self.config
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn now_ms(&self) -> u64 {
        self.sim.now()
    }

    pub fn simulator(&self) -> &Simulator {
        &self.sim
    }

    pub fn simulator_mut(&mut self) -> &mut Simulator {
        &mut self.sim
    }

    pub fn history(&self) -> &[String] {
        &self.history
    }

    pub(crate) fn push_history(&mut self, line: &str) {
        self.history.push(line.to_string());
    }

    /// Turns event recording off (benchmarks) or on.
    pub fn set_record_events(&mut self, on: bool) {
        self.sim.record_events = on;
    }

    // ---------- time ----------

    /// Handles one queued event; false when nothing is queued.
    pub fn step(&mut self) -> bool {
        self.sim.step()
    }

    /// Runs every event up to virtual time `ms` (absolute).
    pub fn run_until(&mut self, ms: u64) {
        self.sim.run_until(ms);
    }

    /// Advances virtual time by `ms`.
    pub fn run_for(&mut self, ms: u64) {
        let t = self.sim.now() + ms;
        self.sim.run_until(t);
    }

    // ---------- events ----------

    pub fn events(&self) -> &[Event] {
        self.sim.events()
    }

    /// The retained events whose `seq` is `from` or later (for incremental readers: pass
    /// the [`Cluster::events_total`] seen last time). Events already dropped from the bounded
    /// log (see [`crate::sim::EVENT_LOG_LIMIT`]) are not there: read often enough.
    pub fn events_since(&self, from: u64) -> &[Event] {
        let e = self.sim.events();
        let first = e.first().map_or(self.sim.events_total(), |e| e.seq);
        &e[(from.saturating_sub(first) as usize).min(e.len())..]
    }

    /// Events recorded since the start, dropped ones included (the next event's `seq`).
    pub fn events_total(&self) -> u64 {
        self.sim.events_total()
    }

    /// The oldest events the bounded log no longer keeps.
    pub fn events_dropped(&self) -> u64 {
        self.sim.events_dropped()
    }

    /// Sets how many recent events the log keeps (default [`crate::sim::EVENT_LOG_LIMIT`]).
    pub fn set_event_limit(&mut self, limit: usize) {
        self.sim.set_event_limit(limit);
    }

    /// FNV-1a over the JSON of every event since the start (dropped ones included): equal for
    /// equal runs, byte for byte.
    pub fn event_log_hash(&self) -> u64 {
        self.sim.event_log_hash()
    }

    pub fn in_flight(&self) -> Vec<InFlight> {
        self.sim.in_flight()
    }

    // ---------- hosts ----------

    pub fn host_id(&self, name: &str) -> Option<HostId> {
        self.sim.find_host(name)
    }

    /// Names of the compose services (ZooKeepers, then brokers).
    pub fn service_names(&self) -> Vec<String> {
        self.zk_hosts
            .iter()
            .chain(self.broker_hosts.iter())
            .map(|&h| self.sim.host(h).name.clone())
            .collect()
    }

    pub fn is_service(&self, name: &str) -> bool {
        self.service_names().iter().any(|n| n == name)
    }

    pub fn zk_host_ids(&self) -> &[HostId] {
        &self.zk_hosts
    }

    pub fn host_status(&self, name: &str) -> Option<HostStatus> {
        let h = self.host_id(name)?;
        Some(status_of(self.sim.host(h).state))
    }

    /// Applies a docker compose verb to a service. Errors name the reason.
    pub fn host_action(&mut self, name: &str, action: HostAction) -> Result<(), String> {
        let h = self
            .host_id(name)
            .filter(|_| self.is_service(name))
            .ok_or_else(|| format!("no such service: {name}"))?;
        match action {
            HostAction::Stop => {
                self.sim.stop(h, false);
            }
            HostAction::Kill => {
                self.sim.stop(h, true);
            }
            HostAction::Start => {
                self.boot(h);
            }
            HostAction::Restart => {
                if self.sim.host(h).state == RunState::Paused {
                    self.sim.unpause(h);
                }
                self.sim.stop(h, false);
                self.boot(h);
            }
            HostAction::Pause => {
                if !self.sim.pause(h) {
                    return Err(format!("Container {name} is not running"));
                }
            }
            HostAction::Unpause => {
                if !self.sim.unpause(h) {
                    return Err(format!("Container {name} is not paused"));
                }
            }
        }
        Ok(())
    }

    /// Starts a stopped container; a ZooKeeper JVM needs a moment before it runs (it refuses
    /// connections meanwhile), a broker (status only for now) is up at once.
    fn boot(&mut self, h: HostId) {
        if !matches!(self.sim.host(h).state, RunState::Stopped | RunState::Killed) {
            return;
        }
        let delay = if self.zk_hosts.contains(&h) {
            JVM_START_MS + self.sim.random_below(JVM_START_JITTER_MS)
        } else {
            0
        };
        self.sim.start_at(h, self.sim.now() + delay);
    }

    // ---------- network ----------

    fn two(&self, a: &str, b: &str) -> Result<(HostId, HostId), String> {
        let ha = self
            .host_id(a)
            .ok_or_else(|| format!("unknown host: {a}"))?;
        let hb = self
            .host_id(b)
            .ok_or_else(|| format!("unknown host: {b}"))?;
        if ha == hb {
            return Err(format!("a host cannot be cut from itself: {a}"));
        }
        Ok((ha, hb))
    }

    /// Cuts the link a→b (and b→a unless `oneway`).
    pub fn cut(&mut self, a: &str, b: &str, oneway: bool) -> Result<(), String> {
        let (ha, hb) = self.two(a, b)?;
        self.sim.net.cut(ha, hb, oneway);
        self.sim.record(
            ha,
            EventKind::LinkCut {
                to: b.to_string(),
                oneway,
            },
        );
        Ok(())
    }

    pub fn heal(&mut self, a: &str, b: &str) -> Result<(), String> {
        let (ha, hb) = self.two(a, b)?;
        self.sim.net.heal(ha, hb);
        self.sim
            .record(ha, EventKind::LinkHealed { to: b.to_string() });
        Ok(())
    }

    /// Removes every cut, disconnection and link override.
    pub fn heal_all(&mut self) {
        self.sim.net.heal_all();
    }

    pub fn set_link(&mut self, a: &str, b: &str, cfg: LinkConfig) -> Result<(), String> {
        let (ha, hb) = self.two(a, b)?;
        self.sim.net.set_link(ha, hb, cfg);
        self.sim.record(
            ha,
            EventKind::LinkChanged {
                to: b.to_string(),
                latency_ms: cfg.latency_ms,
                jitter_ms: cfg.jitter_ms,
                loss_pct: cfg.loss_pct,
            },
        );
        Ok(())
    }

    pub fn link(&self, a: &str, b: &str) -> Result<LinkConfig, String> {
        let (ha, hb) = self.two(a, b)?;
        Ok(self.sim.net.link(ha, hb))
    }

    /// `docker network disconnect`: the host loses every link.
    pub fn disconnect(&mut self, name: &str) -> Result<bool, String> {
        let h = self
            .host_id(name)
            .ok_or_else(|| format!("unknown host: {name}"))?;
        if self.sim.net.is_disconnected(h) {
            return Ok(false);
        }
        self.sim.net.disconnect(h);
        self.sim.record(h, EventKind::NetworkDisconnected);
        Ok(true)
    }

    pub fn connect(&mut self, name: &str) -> Result<bool, String> {
        let h = self
            .host_id(name)
            .ok_or_else(|| format!("unknown host: {name}"))?;
        if !self.sim.net.is_disconnected(h) {
            return Ok(false);
        }
        self.sim.net.connect(h);
        self.sim.record(h, EventKind::NetworkConnected);
        Ok(true)
    }

    // ---------- ZooKeeper ----------

    pub fn zk_server(&self, name: &str) -> Option<&ZkServer> {
        let h = self.host_id(name)?;
        self.sim.host(h).process.as_ref()?.as_zk_server()
    }

    /// A server's status; `None` for unknown hosts. Mode is Starting while its container boots
    /// the process, Down when not running; a paused server keeps its frozen role.
    pub fn zk_status(&self, name: &str) -> Option<ServerStatus> {
        let h = self.host_id(name)?;
        let s = self.sim.host(h).process.as_ref()?.as_zk_server()?;
        let mut st = s.status();
        let mode = match self.sim.host(h).state {
            RunState::Running | RunState::Paused => return Some(st),
            RunState::Starting => ZkMode::Starting,
            _ => ZkMode::Down,
        };
        st.mode = mode;
        st.serving = false;
        st.leader = None;
        Some(st)
    }

    /// Runs until every running ZooKeeper server serves clients (a leader is established and
    /// its followers synced), at most `max_ms`. Returns whether that happened.
    pub fn wait_until_ready(&mut self, max_ms: u64) -> bool {
        self.run_until_true(max_ms, Cluster::zk_ready)
    }

    /// Every running ZooKeeper server serves clients; none is still starting.
    fn zk_ready(&self) -> bool {
        self.zk_hosts.iter().all(|&h| {
            let slot = self.sim.host(h);
            match slot.state {
                RunState::Running => slot
                    .process
                    .as_ref()
                    .and_then(|p| p.as_zk_server())
                    .is_some_and(|s| s.is_serving()),
                RunState::Starting => false,
                _ => true,
            }
        })
    }

    /// Steps events until `done` holds, at most `max_ms` of virtual time (then the clock stands at
    /// the deadline). Returns whether `done` was reached.
    fn run_until_true(&mut self, max_ms: u64, done: fn(&Cluster) -> bool) -> bool {
        let deadline = self.sim.now() + max_ms;
        loop {
            if done(self) {
                return true;
            }
            match self.sim.next_time() {
                Some(t) if t <= deadline => {
                    self.sim.step();
                }
                _ => {
                    self.sim.run_until(deadline);
                    return false;
                }
            }
        }
    }

    /// Names of the servers currently serving as leader (established).
    pub fn zk_leaders(&self) -> Vec<String> {
        self.zk_hosts
            .iter()
            .filter(|&&h| self.sim.host(h).state == RunState::Running)
            .filter_map(|&h| {
                let s = self.sim.host(h).process.as_ref()?.as_zk_server()?;
                s.leading_epoch().map(|_| self.sim.host(h).name.clone())
            })
            .collect()
    }

    /// Resolves `host:port` of a ZooKeeper client port to its server host.
    pub fn resolve_zk(&self, addr: &str) -> Result<(HostId, String), String> {
        let (host, port) = addr.rsplit_once(':').unwrap_or((addr, "2181"));
        let z = self
            .config
            .zookeepers
            .iter()
            .find(|z| {
                z.hostname == host
                    || (host == "localhost" || host == "127.0.0.1")
                        && z.client_port.to_string() == port
            })
            .ok_or_else(|| format!("unknown host: {host}"))?;
        if z.client_port.to_string() != port {
            return Err(format!("connection refused: {host}:{port}"));
        }
        let h = self
            .host_id(&z.hostname)
            .ok_or_else(|| format!("unknown host: {host}"))?;
        Ok((h, format!("{}:{}", z.hostname, z.client_port)))
    }

    /// Starts a ZooKeeper client process for a connect string (`a:2181,b:2182`). `inside` puts
    /// it in a container's network position (`docker exec kafka1 zookeeper-shell …`).
    pub fn open_zk_client(
        &mut self,
        connect: &str,
        timeout_ms: u32,
        inside: Option<&str>,
    ) -> Result<HostId, String> {
        let mut servers = Vec::new();
        for part in connect.split(',').filter(|p| !p.is_empty()) {
            servers.push(self.resolve_zk(part.trim())?);
        }
        if servers.is_empty() {
            return Err("empty connect string".into());
        }
        self.clients_opened += 1;
        let name = format!("zkclient-{}", self.clients_opened);
        let h = self.sim.add_host(
            &name,
            Some(Process::ZkClient(Box::new(ZkClient::new(
                servers, timeout_ms,
            )))),
        );
        if let Some(parent) = inside {
            if let Some(p) = self.host_id(parent) {
                self.sim.net.attach(h, p);
            }
        }
        self.sim.start_at(h, self.sim.now());
        // Boot it now so requests can be queued at once.
        while self.sim.next_time() == Some(self.sim.now()) {
            self.sim.step();
            if self.zk_client(h).is_some_and(|c| c.conn_started()) {
                break;
            }
        }
        Ok(h)
    }

    pub fn zk_client(&self, h: HostId) -> Option<&ZkClient> {
        self.sim.hosts().get(h)?.process.as_ref()?.as_zk_client()
    }

    /// Queues a request on a client; returns its xid.
    pub fn zk_submit(&mut self, h: HostId, op: Op) -> Option<u32> {
        self.sim
            .call(h, |p, ctx| p.as_zk_client_mut().map(|c| c.submit(op, ctx)))
            .flatten()
    }

    pub fn zk_take_result(&mut self, h: HostId, xid: u32) -> Option<OpOutcome> {
        self.sim
            .host_mut(h)
            .process
            .as_mut()?
            .as_zk_client_mut()?
            .take_result(xid)
    }

    /// Submits `op` and runs the simulation until it completes or `max_wait_ms` passes.
    pub fn zk_call(&mut self, h: HostId, op: Op, max_wait_ms: u64) -> Option<OpOutcome> {
        let xid = self.zk_submit(h, op)?;
        let deadline = self.sim.now() + max_wait_ms;
        loop {
            if let Some(r) = self.zk_take_result(h, xid) {
                return Some(r);
            }
            match self.sim.next_time() {
                Some(t) if t <= deadline => {
                    self.sim.step();
                }
                _ => {
                    self.sim.run_until(deadline);
                    return self.zk_take_result(h, xid);
                }
            }
        }
    }

    /// Closes the client's session (waiting up to `max_wait_ms`) and retires its process.
    pub fn close_zk_client(&mut self, h: HostId, max_wait_ms: u64) {
        let xid = self
            .sim
            .call(h, |p, ctx| p.as_zk_client_mut().and_then(|c| c.close(ctx)))
            .flatten();
        if let Some(xid) = xid {
            let deadline = self.sim.now() + max_wait_ms;
            while self.zk_take_result(h, xid).is_none() {
                match self.sim.next_time() {
                    Some(t) if t <= deadline => {
                        self.sim.step();
                    }
                    _ => break,
                }
            }
        }
        self.sim.retire(h);
    }

    /// Every znode of a server's tree (what that server would serve), sorted by path.
    pub fn znodes(&self, server: &str) -> Vec<ZnodeView> {
        let Some(s) = self.zk_server(server) else {
            return Vec::new();
        };
        let t = s.tree();
        t.paths()
            .into_iter()
            .filter_map(|p| {
                let n = t.get(p)?;
                Some(ZnodeView {
                    path: p.clone(),
                    data: n.data.clone(),
                    stat: t.stat(p)?,
                })
            })
            .collect()
    }

    // ---------- snapshot ----------

    /// A serialisable view of every host.
    pub fn snapshot(&self) -> Snapshot {
        let zookeepers = self.config.zookeepers.iter().map(|z| HostView {
            name: z.service.clone(),
            kind: HostKind::ZooKeeper,
            id: z.my_id.into(),
            addresses: vec![format!("{}:{}", z.hostname, z.client_port)],
            status: self.host_status(&z.hostname).unwrap_or(HostStatus::Running),
        });
        let brokers = self.config.brokers.iter().map(|b| HostView {
            name: b.service.clone(),
            kind: HostKind::Broker,
            id: b.broker_id.into(),
            addresses: b.listeners.iter().map(Listener::address).collect(),
            status: self.host_status(&b.hostname).unwrap_or(HostStatus::Running),
        });
        let zk_views = self
            .config
            .zookeepers
            .iter()
            .filter_map(|z| {
                let st = self.zk_status(&z.hostname)?;
                let s = self.zk_server(&z.hostname)?;
                Some(ZkServerView {
                    name: z.service.clone(),
                    myid: u64::from(z.my_id),
                    mode: st.mode,
                    serving: st.serving,
                    leader: st.leader,
                    epoch: st.current_epoch,
                    accepted_epoch: st.accepted_epoch,
                    last_zxid: st.last_logged_zxid,
                    last_committed_zxid: st.last_committed_zxid,
                    round: st.round,
                    sessions: s.session_count(),
                    znodes: s.tree().node_count(),
                    clients: st.clients,
                })
            })
            .collect();
        let events = self.sim.events();
        let recent = &events[events.len().saturating_sub(Snapshot::RECENT_EVENTS)..];
        let name = |h: HostId| self.sim.host(h).name.clone();
        let network = NetworkView {
            cuts: self
                .sim
                .net
                .cuts()
                .map(|(a, b)| (name(a), name(b)))
                .collect(),
            disconnected: self.sim.net.disconnected().map(name).collect(),
            links: self
                .sim
                .net
                .overrides()
                .filter(|((a, b), _)| a < b)
                .map(|((a, b), c)| (name(a), name(b), c.latency_ms, c.jitter_ms, c.loss_pct))
                .collect(),
        };
        Snapshot {
            now_ms: self.sim.now(),
            seed: self.seed,
            hosts: zookeepers.chain(brokers).collect(),
            zookeepers: zk_views,
            in_flight: self.sim.in_flight(),
            events: recent.to_vec(),
            event_count: self.sim.events_total(),
            events_dropped: self.sim.events_dropped(),
            network,
            brokers: self.broker_views(),
            topics: self.topics(),
        }
    }

    fn broker_views(&self) -> Vec<BrokerView> {
        self.config
            .brokers
            .iter()
            .zip(&self.broker_hosts)
            .map(|(b, &h)| {
                let up = self.sim.host(h).state == RunState::Running
                    || self.sim.host(h).state == RunState::Paused;
                let br = self
                    .sim
                    .host(h)
                    .process
                    .as_ref()
                    .and_then(|p| p.as_broker())
                    .filter(|_| up);
                BrokerView {
                    name: b.service.clone(),
                    id: b.broker_id,
                    running: br.is_some_and(|x| x.phase == Phase::Running),
                    registered: br.is_some_and(|x| x.registered),
                    is_controller: br.is_some_and(|x| x.controller_epoch().is_some()),
                    controller_epoch: br.and_then(Broker::controller_epoch),
                    known_controller: br.map_or(-1, |x| x.cache.controller_id),
                    // Kept after the failed JVM exited (the container is stopped then).
                    failed: self
                        .sim
                        .host(h)
                        .process
                        .as_ref()
                        .and_then(|p| p.as_broker())
                        .and_then(|x| x.last_failure.clone()),
                }
            })
            .collect()
    }
}

impl Cluster {
    // ---------- brokers ----------

    /// The broker process of a host name (`kafka1`) while the host runs it.
    pub fn broker(&self, name: &str) -> Option<&Broker> {
        let h = self.host_id(name)?;
        if !self.broker_hosts.contains(&h) {
            return None;
        }
        self.sim.host(h).process.as_ref()?.as_broker()
    }

    /// Running brokers, in configuration order.
    pub fn running_brokers(&self) -> Vec<&Broker> {
        self.broker_hosts
            .iter()
            .filter(|&&h| self.sim.host(h).state == RunState::Running)
            .filter_map(|&h| self.sim.host(h).process.as_ref()?.as_broker())
            .collect()
    }

    /// The active controller: (broker id, controller epoch), highest epoch if several think so.
    pub fn controller(&self) -> Option<(i32, i32)> {
        self.running_brokers()
            .into_iter()
            .filter_map(|b| Some((b.id(), b.controller_epoch()?)))
            .max_by_key(|&(_, e)| e)
    }

    /// Every running broker is registered and knows the controller, and a controller has
    /// loaded the cluster.
    pub fn brokers_ready(&self) -> bool {
        let bs = self.running_brokers();
        if self.broker_hosts.is_empty() {
            return true;
        }
        self.controller().is_some()
            && self
                .broker_hosts
                .iter()
                .all(|&h| !matches!(self.sim.host(h).state, RunState::Starting))
            && bs.iter().all(|b| {
                matches!(b.phase, Phase::Failed(_))
                    || (b.phase == Phase::Running && b.cache.controller_id >= 0)
            })
    }

    /// Runs until [`Cluster::brokers_ready`], at most `max_ms`. Returns whether it happened.
    pub fn wait_until_brokers_ready(&mut self, max_ms: u64) -> bool {
        self.run_until_true(max_ms, Cluster::brokers_ready)
    }

    /// The server whose tree is the most up to date (highest committed zxid) among running ones.
    fn freshest_zk(&self) -> Option<&ZkServer> {
        self.zk_hosts
            .iter()
            .filter(|&&h| self.sim.host(h).state == RunState::Running)
            .filter_map(|&h| self.sim.host(h).process.as_ref()?.as_zk_server())
            .max_by_key(|s| s.tree().last_zxid())
    }

    /// Topics, partitions, leaders and ISRs as ZooKeeper stores them.
    pub fn topics(&self) -> Vec<TopicView> {
        let Some(s) = self.freshest_zk() else {
            return Vec::new();
        };
        let t = s.tree();
        let children = |path: &str| match t.read(&Op::GetChildren {
            path: path.into(),
            watch: false,
        }) {
            Ok(OpResult::Children(mut c, _)) => {
                crate::sort::sort(&mut c);
                c
            }
            _ => Vec::new(),
        };
        let data = |path: &str| match t.read(&Op::GetData {
            path: path.into(),
            watch: false,
        }) {
            Ok(OpResult::Data(d, _)) => d,
            _ => None,
        };
        children(zk_state::TOPICS)
            .into_iter()
            .filter_map(|name| {
                let (assignment, topic_id) =
                    zk_state::parse_topic(&data(&zk_state::topic_path(&name))?)?;
                let partitions = assignment
                    .into_iter()
                    .map(|(p, replicas)| {
                        let st = data(&zk_state::state_path(&name, p))
                            .and_then(|d| zk_state::parse_state(&d));
                        let (leader, leader_epoch, isr) = match st {
                            Some((_, l, e, isr)) => ((l >= 0).then_some(l), e, isr),
                            None => (None, -1, Vec::new()),
                        };
                        let offsets = replicas
                            .iter()
                            .filter_map(|&b| {
                                let l = self.replica_log(b, &name, p)?;
                                Some(ReplicaOffsets {
                                    broker: b,
                                    log_start_offset: l.log_start_offset(),
                                    log_end_offset: l.log_end_offset(),
                                    high_watermark: l.high_watermark(),
                                })
                            })
                            .collect();
                        PartitionView {
                            partition: p,
                            leader,
                            leader_epoch,
                            replicas,
                            isr,
                            offsets,
                        }
                    })
                    .collect();
                Some(TopicView {
                    name,
                    topic_id,
                    partitions,
                })
            })
            .collect()
    }

    /// A broker's log of one partition (kept on its disk while the broker is down).
    pub fn replica_log(&self, broker: i32, topic: &str, partition: i32) -> Option<&PartitionLog> {
        let i = self
            .config
            .brokers
            .iter()
            .position(|b| b.broker_id == broker)?;
        let h = *self.broker_hosts.get(i)?;
        self.sim
            .host(h)
            .process
            .as_ref()?
            .as_broker()?
            .replicas
            .log(&(topic.to_string(), partition))
    }

    /// Every broker listener address as a client dials it (`kafka1:19091`, `127.0.0.1:9091`).
    pub fn dial_book(&self) -> Vec<Dialable> {
        self.config
            .brokers
            .iter()
            .zip(&self.broker_hosts)
            .flat_map(|(b, &h)| {
                b.listeners.iter().map(move |l| Dialable {
                    address: l.address(),
                    host: h,
                    listener: l.name.clone(),
                })
            })
            .collect()
    }

    /// Resolves one `--bootstrap-server` entry. Err = the host name does not resolve;
    /// Ok(None) = it resolves but nothing listens there (connections are refused).
    /// `inside`: the container the client runs in, where `localhost` is that container
    /// itself (its listeners bind every interface).
    pub fn resolve_bootstrap(
        &self,
        addr: &str,
        inside: Option<&str>,
    ) -> Result<Option<Dialable>, String> {
        let (host, port) = addr.rsplit_once(':').unwrap_or((addr, ""));
        if let Some(container) = inside.filter(|_| host == "localhost" || host == "127.0.0.1") {
            let Ok(port) = port.parse::<u16>() else {
                return Err(host.to_string());
            };
            let own = self
                .config
                .brokers
                .iter()
                .zip(&self.broker_hosts)
                .find(|(b, _)| b.service == container);
            return Ok(own.and_then(|(b, &h)| {
                b.listeners
                    .iter()
                    .find(|l| l.port == port)
                    .map(|l| Dialable {
                        address: addr.to_string(),
                        host: h,
                        listener: l.name.clone(),
                    })
            }));
        }
        let book = self.dial_book();
        // On the host, `localhost` is 127.0.0.1: the ports the containers publish.
        let as_typed = match host {
            "localhost" => format!("127.0.0.1:{port}"),
            _ => addr.to_string(),
        };
        if let Some(d) = book.iter().find(|d| d.address == as_typed) {
            return Ok(Some(d.clone()));
        }
        let known = self.host_id(host).is_some()
            || host == "localhost"
            || host == "127.0.0.1"
            || book
                .iter()
                .any(|d| d.address.starts_with(&format!("{host}:")));
        if !known || port.parse::<u16>().is_err() {
            return Err(host.to_string());
        }
        Ok(None)
    }

    /// Runs one admin-client call (as `kafka-topics` does) against `bootstrap` and waits in
    /// virtual time for its result (at most the API timeout). Err = unresolvable host.
    pub fn admin_call(
        &mut self,
        bootstrap: &[String],
        call: AdminCall,
        inside: Option<&str>,
    ) -> Result<AdminResult, String> {
        let mut dial = Vec::new();
        let mut unreachable = Vec::new();
        for b in bootstrap {
            match self.resolve_bootstrap(b, inside)? {
                Some(d) => dial.push(d),
                None => unreachable.push(b.clone()),
            }
        }
        if dial.is_empty() {
            // Nothing listens there: every attempt is refused until the API timeout.
            self.run_for(call.api_timeout_ms());
            return Ok(AdminResult::TimedOut(call.name()));
        }
        self.clients_opened += 1;
        let name = format!("adminclient-{}", self.clients_opened);
        let api_timeout = call.api_timeout_ms();
        let client = AdminClient::new(dial, self.dial_book(), call);
        let h = self
            .sim
            .add_host(&name, Some(Process::Admin(Box::new(client))));
        if let Some(parent) = inside.and_then(|p| self.host_id(p)) {
            self.sim.net.attach(h, parent);
        }
        self.sim.start_at(h, self.sim.now());
        let deadline = self.sim.now() + api_timeout + 1;
        let result = loop {
            let r = self
                .sim
                .host(h)
                .process
                .as_ref()
                .and_then(|p| p.as_admin())
                .and_then(|a| a.result.clone());
            if let Some(r) = r {
                break r;
            }
            match self.sim.next_time() {
                Some(t) if t <= deadline => {
                    self.sim.step();
                }
                _ => {
                    self.sim.run_until(deadline);
                    break AdminResult::TimedOut("unknown");
                }
            }
        };
        self.sim.retire(h);
        Ok(result)
    }
}

fn status_of(s: RunState) -> HostStatus {
    match s {
        RunState::Running | RunState::Starting => HostStatus::Running,
        RunState::Stopped | RunState::Gone => HostStatus::Stopped,
        RunState::Killed => HostStatus::Killed,
        RunState::Paused => HostStatus::Paused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_lists_six_hosts_and_round_trips_through_json() {
        let mut c = Cluster::seed_cluster(7);
        c.run_for(3000);
        let snap = c.snapshot();
        let names: Vec<_> = snap.hosts.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "zookeeper1",
                "zookeeper2",
                "zookeeper3",
                "kafka1",
                "kafka2",
                "kafka3"
            ]
        );
        let json = serde_json::to_string(&snap).unwrap();
        let back: Snapshot = serde_json::from_str(&json).unwrap();
        assert_eq!(back, snap);
        assert_eq!(
            snap.host("kafka3").unwrap().addresses,
            ["kafka3:19093", "127.0.0.1:9093"]
        );
    }

    #[test]
    fn proposals_show_up_in_flight_for_animation() {
        let mut c = Cluster::seed_cluster(3);
        assert!(c.wait_until_ready(10_000));
        let cl = c.open_zk_client("zookeeper1:2181", 18_000, None).unwrap();
        let xid = c
            .zk_submit(
                cl,
                Op::Create {
                    path: "/x".into(),
                    data: None,
                    ephemeral: false,
                    sequential: false,
                },
            )
            .unwrap();
        let mut seen = false;
        for _ in 0..500 {
            c.step();
            seen |= c
                .in_flight()
                .iter()
                .any(|m| m.channel == "quorum" && m.label.starts_with("PROPOSAL 0x1"));
            if c.zk_take_result(cl, xid).is_some() {
                break;
            }
        }
        assert!(seen);
        let kinds: Vec<&str> = c
            .events()
            .iter()
            .map(|e| match e.kind {
                EventKind::ProposalCommitted { .. } => "commit",
                EventKind::SessionCreated { .. } => "session",
                _ => "",
            })
            .filter(|k| !k.is_empty())
            .collect();
        assert_eq!(kinds, ["commit", "session", "commit"]);
        assert!(c
            .events()
            .iter()
            .all(|e| !e.text("ko").is_empty() && !e.text("en").is_empty()));
    }

    #[test]
    fn a_fresh_ensemble_elects_one_leader_of_epoch_one() {
        for seed in 0..20 {
            let mut c = Cluster::seed_cluster(seed);
            // 8 s: with brokers connecting, a few seeds see a follower give up on a leader that lost
            // its quorum and rejoin the next one (initLimit), after 5 s.
            c.run_for(8000);
            let leaders = c.zk_leaders();
            assert_eq!(leaders.len(), 1, "seed {seed}: {leaders:?}");
            assert!(leaders[0] == "zookeeper2" || leaders[0] == "zookeeper3");
            let snap = c.snapshot();
            let modes: Vec<ZkMode> = snap.zookeepers.iter().map(|z| z.mode).collect();
            assert_eq!(modes.iter().filter(|m| **m == ZkMode::Following).count(), 2);
            assert!(snap.zookeepers.iter().all(|z| z.epoch == 1 && z.serving));
        }
    }

    #[test]
    fn a_booting_server_shows_starting_and_a_stopped_one_down() {
        let mut c = Cluster::seed_cluster(1);
        // At time zero the containers run but no ZooKeeper process is up yet.
        let modes = |c: &Cluster| -> Vec<ZkMode> {
            c.snapshot().zookeepers.iter().map(|z| z.mode).collect()
        };
        assert!(modes(&c).contains(&ZkMode::Starting), "{:?}", modes(&c));
        assert!(!modes(&c).contains(&ZkMode::Down));
        c.run_for(8000);
        c.host_action("zookeeper1", HostAction::Stop).unwrap();
        c.run_for(100);
        assert_eq!(c.zk_status("zookeeper1").unwrap().mode, ZkMode::Down);
        c.host_action("zookeeper1", HostAction::Start).unwrap();
        assert_eq!(c.zk_status("zookeeper1").unwrap().mode, ZkMode::Starting);
        assert!(!c.zk_status("zookeeper1").unwrap().serving);
        c.run_for(8000);
        assert_eq!(c.zk_status("zookeeper1").unwrap().mode, ZkMode::Following);
    }
}
