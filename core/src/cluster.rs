//! The cluster: the one object the page, the native runner and the tests drive.
//!
//! It boots the seed's hosts on the [`Simulator`]: the three ZooKeeper servers run at t≈0
//! (compose starts them in order, each JVM a little later than the previous), the brokers are
//! status-only hosts for now. Commands ([`Cluster::run_command`]) and faults drive it; time
//! advances with [`Cluster::step`], [`Cluster::run_until`] and [`Cluster::run_for`].

use crate::config::{ClusterConfig, Listener};
use crate::sim::event::{Event, EventKind, ZkMode};
use crate::sim::network::LinkConfig;
use crate::sim::node::{HostId, Process};
use crate::sim::{InFlight, RunState, Simulator};
use crate::snapshot::{HostKind, HostStatus, HostView, NetworkView, Snapshot, ZkServerView};
use crate::zookeeper::client::ZkClient;
use crate::zookeeper::messages::{Op, OpOutcome};
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
    sim: Simulator,
    zk_hosts: Vec<HostId>,
    broker_hosts: Vec<HostId>,
    clients_opened: u64,
    /// Every command run so far (for sharing/export of a scenario).
    history: Vec<String>,
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
        let broker_hosts = config
            .brokers
            .iter()
            .map(|b| sim.add_host(&b.hostname, None))
            .collect();
        // Compose starts the containers in order; each JVM comes up a little after the last.
        let mut at = 0;
        for (i, &h) in zk_hosts.iter().enumerate() {
            at += if i == 0 { 0 } else { 150 } + sim.random_below(200);
            sim.start_at(h, at);
        }
        let mut c = Cluster {
            config,
            seed,
            sim,
            zk_hosts,
            broker_hosts,
            clients_opened: 0,
            history: Vec::new(),
        };
        for &b in &c.broker_hosts.clone() {
            c.sim.start_at(b, 0);
        }
        c
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

    /// Events from index `from` on (for incremental UI updates).
    pub fn events_since(&self, from: usize) -> &[Event] {
        let e = self.sim.events();
        &e[from.min(e.len())..]
    }

    /// FNV-1a over the JSON of every event: equal for equal runs, byte for byte.
    pub fn event_log_hash(&self) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for e in self.sim.events() {
            let s = serde_json::to_string(e).unwrap_or_default();
            for b in s.bytes().chain(std::iter::once(b'\n')) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
        h
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

    /// A server's status; `None` for unknown hosts. Mode is Down when not running.
    pub fn zk_status(&self, name: &str) -> Option<ServerStatus> {
        let h = self.host_id(name)?;
        let s = self.sim.host(h).process.as_ref()?.as_zk_server()?;
        let mut st = s.status();
        if self.sim.host(h).state != RunState::Running && self.sim.host(h).state != RunState::Paused
        {
            st.mode = ZkMode::Down;
            st.serving = false;
            st.leader = None;
        }
        Some(st)
    }

    /// Runs until every running ZooKeeper server serves clients (a leader is established and
    /// its followers synced), at most `max_ms`. Returns whether that happened.
    pub fn wait_until_ready(&mut self, max_ms: u64) -> bool {
        let deadline = self.sim.now() + max_ms;
        loop {
            let ready = self.zk_hosts.iter().all(|&h| {
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
            });
            if ready {
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
            event_count: events.len() as u64,
            network,
        }
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
            c.run_for(5000);
            let leaders = c.zk_leaders();
            assert_eq!(leaders.len(), 1, "seed {seed}: {leaders:?}");
            assert!(leaders[0] == "zookeeper2" || leaders[0] == "zookeeper3");
            let snap = c.snapshot();
            let modes: Vec<ZkMode> = snap.zookeepers.iter().map(|z| z.mode).collect();
            assert_eq!(modes.iter().filter(|m| **m == ZkMode::Following).count(), 2);
            assert!(snap.zookeepers.iter().all(|z| z.epoch == 1 && z.serving));
        }
    }
}
