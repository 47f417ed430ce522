//! A ZooKeeper server (QuorumPeer): election, ZAB (discovery, sync, broadcast), the data tree,
//! client connections, sessions and watches. A sans-IO [`Node`]: all I/O goes through [`Ctx`].
//!
//! Disk (survives stop/kill): the transaction log and the accepted/current epochs. Everything
//! else is rebuilt on start, as the real server reloads its snapshot and log.

use crate::ordered::{OrdMap as BTreeMap, OrdSet as BTreeSet};
use crate::sim::event::{EventKind, ZkMode};
use crate::sim::node::{Ctx, HostId, Message, Node, Timer};
use crate::zookeeper::election::{Election, FINALIZE_WAIT_MS};
use crate::zookeeper::messages::{
    zxid, Notification, Op, OpError, OpResult, PeerState, QuorumPacket, SyncMode, Txn, Vote,
    ZkMessage, Zxid,
};
use crate::zookeeper::session::SessionTracker;
use crate::zookeeper::tree::{DataTree, Trigger};
use crate::zookeeper::wall_clock_ms;
use crate::zookeeper::watches::Watches;
use std::rc::Rc;

/// zoo.cfg of the `zookeeper:3.7` image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerConfig {
    pub tick_ms: u64,
    pub init_limit: u64,
    pub sync_limit: u64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            tick_ms: 2000,
            init_limit: 5,
            sync_limit: 2,
        }
    }
}

/// How often the follower retries connecting to a leader that is not listening yet, and how
/// many times before it goes back to LOOKING (Learner.connectToLeader: 5 tries, 1 s apart).
const LEADER_CONNECT_RETRY_MS: u64 = 1000;
const LEADER_CONNECT_TRIES: u32 = 5;

#[derive(Clone, Debug)]
pub enum ServerTimer {
    /// Election: no notification for a while → resend and back off.
    ElectionTimeout { gen: u64 },
    /// Election: the `finalizeWait` after a quorum agreed.
    Finalize { gen: u64 },
    /// Follower: retry connecting / check the leader is still talking.
    FollowerTick { gen: u64 },
    /// Leader: ping learners, check the quorum, expire sessions.
    LeaderTick { gen: u64 },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FollowPhase {
    Connecting,
    Syncing,
    Serving,
}

#[derive(Clone, Debug)]
struct Follower {
    leader: u64,
    leader_host: HostId,
    conn: u64,
    phase: FollowPhase,
    tries: u32,
    last_heard: u64,
    pending_commit: Zxid,
    sync_mode: SyncMode,
    /// Sequence of the last request forwarded to the leader on this connection.
    req_seq: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum LearnerState {
    /// Sent FOLLOWERINFO, waiting for the new epoch or for its ACKEPOCH.
    Connected,
    /// Got the sync packets and NEWLEADER; receives proposals from now on.
    Synced,
    /// Acked NEWLEADER and got UPTODATE.
    Serving,
}

#[derive(Clone, Debug)]
struct Learner {
    host: HostId,
    conn: u64,
    state: LearnerState,
    acked: Zxid,
    last_heard: u64,
    acked_newleader: bool,
    /// Sequence the next forwarded request must carry.
    next_req: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LeaderPhase {
    /// Waiting for a quorum of FOLLOWERINFO to pick the new epoch.
    Discovery,
    /// Epoch chosen; syncing learners, waiting for a quorum of NEWLEADER acks.
    Sync,
    /// Established: proposing, committing, serving clients.
    Broadcast,
}

#[derive(Clone, Debug)]
struct Leader {
    phase: LeaderPhase,
    epoch: u32,
    started: u64,
    learners: BTreeMap<u64, Learner>,
    discovery_epochs: BTreeMap<u64, u32>,
    counter: u32,
    sessions: SessionTracker,
}

#[derive(Clone, Debug)]
enum Role {
    Looking(Election),
    Following(Follower),
    Leading(Box<Leader>),
}

#[derive(Clone, Copy, Debug)]
struct ClientConn {
    conn: u64,
    session: u64,
    /// Last xid received (requests on one connection are consecutive).
    last_xid: Option<u32>,
    /// Last xid answered.
    answered: u32,
}

#[derive(Clone, Debug)]
pub struct ZkServer {
    pub myid: u64,
    /// Every voter (myid, host), self included, sorted by myid.
    peers: Vec<(u64, HostId)>,
    cfg: ServerConfig,
    // --- disk ---
    log: Vec<Rc<Txn>>,
    accepted_epoch: u32,
    current_epoch: u32,
    // --- memory ---
    logical_clock: u64,
    gen: u64,
    role: Role,
    /// The vote the last election ended with (what a decided server tells LOOKING peers).
    end_vote: Vote,
    tree: DataTree,
    /// How many log entries are committed and applied to `tree`.
    applied: usize,
    clients: BTreeMap<HostId, ClientConn>,
    pending_sessions: BTreeMap<u64, (HostId, u64)>,
    watches: Watches,
    next_session: u64,
    touched: BTreeSet<u64>,
    triggers: Vec<Trigger>,
}

/// Read-only view of a server for snapshots and invariant checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerStatus {
    pub mode: ZkMode,
    pub serving: bool,
    pub leader: Option<u64>,
    pub accepted_epoch: u32,
    pub current_epoch: u32,
    pub last_logged_zxid: Zxid,
    pub last_committed_zxid: Zxid,
    pub round: u64,
    pub clients: usize,
}

impl ZkServer {
    pub fn new(myid: u64, peers: Vec<(u64, HostId)>, cfg: ServerConfig) -> Self {
        let mut peers = peers;
        crate::sort::sort(&mut peers);
        ZkServer {
            myid,
            peers,
            cfg,
            log: Vec::new(),
            accepted_epoch: 0,
            current_epoch: 0,
            logical_clock: 0,
            gen: 0,
            role: Role::Looking(Election::new(
                myid,
                Vote {
                    leader: myid,
                    zxid: 0,
                    epoch: 0,
                },
            )),
            end_vote: Vote {
                leader: myid,
                zxid: 0,
                epoch: 0,
            },
            tree: DataTree::new(),
            applied: 0,
            clients: BTreeMap::new(),
            pending_sessions: BTreeMap::new(),
            watches: Watches::default(),
            next_session: 0,
            touched: BTreeSet::new(),
            triggers: Vec::new(),
        }
    }

    // ---------- getters ----------

    pub fn tree(&self) -> &DataTree {
        &self.tree
    }

    /// The transaction log (logged, possibly uncommitted, entries).
    pub fn log(&self) -> &[Rc<Txn>] {
        &self.log
    }

    /// The committed prefix of the log (what `tree` reflects).
    pub fn committed(&self) -> &[Rc<Txn>] {
        &self.log[..self.applied]
    }

    pub fn last_logged_zxid(&self) -> Zxid {
        self.log.last().map_or(0, |t| t.zxid)
    }

    pub fn is_serving(&self) -> bool {
        match &self.role {
            Role::Leading(l) => l.phase == LeaderPhase::Broadcast,
            Role::Following(f) => f.phase == FollowPhase::Serving,
            Role::Looking(_) => false,
        }
    }

    pub fn status(&self) -> ServerStatus {
        let (mode, leader) = match &self.role {
            Role::Looking(_) => (ZkMode::Looking, None),
            Role::Following(f) => (ZkMode::Following, Some(f.leader)),
            Role::Leading(_) => (ZkMode::Leading, Some(self.myid)),
        };
        ServerStatus {
            mode,
            serving: self.is_serving(),
            leader,
            accepted_epoch: self.accepted_epoch,
            current_epoch: self.current_epoch,
            last_logged_zxid: self.last_logged_zxid(),
            last_committed_zxid: self.applied.checked_sub(1).map_or(0, |i| self.log[i].zxid),
            round: self.logical_clock,
            clients: self.clients.len(),
        }
    }

    /// Epoch this server leads, if it is an established leader.
    pub fn leading_epoch(&self) -> Option<u32> {
        match &self.role {
            Role::Leading(l) if l.phase == LeaderPhase::Broadcast => Some(l.epoch),
            _ => None,
        }
    }

    pub fn session_count(&self) -> usize {
        self.tree.sessions().len()
    }

    pub fn watch_count(&self) -> usize {
        self.watches.count()
    }

    // ---------- helpers ----------

    fn quorum(&self) -> usize {
        self.peers.len() / 2 + 1
    }

    fn host_of(&self, sid: u64) -> Option<HostId> {
        self.peers.iter().find(|p| p.0 == sid).map(|p| p.1)
    }

    fn sid_of(&self, host: HostId) -> Option<u64> {
        self.peers.iter().find(|p| p.1 == host).map(|p| p.0)
    }

    fn my_vote(&self) -> Vote {
        Vote {
            leader: self.myid,
            zxid: self.last_logged_zxid(),
            epoch: self.current_epoch,
        }
    }

    fn current_vote(&self) -> (Vote, PeerState) {
        match &self.role {
            Role::Looking(e) => (e.proposal, PeerState::Looking),
            Role::Following(_) => (self.end_vote, PeerState::Following),
            Role::Leading(_) => (self.end_vote, PeerState::Leading),
        }
    }

    fn notification(&self) -> ZkMessage {
        let (vote, state) = self.current_vote();
        ZkMessage::Notification(Notification {
            sid: self.myid,
            vote,
            round: self.logical_clock,
            state,
        })
    }

    fn broadcast_vote(&self, ctx: &mut Ctx) {
        let msg = self.notification();
        for &(sid, host) in &self.peers {
            if sid != self.myid {
                ctx.send(host, Message::Zk(msg.clone()));
            }
        }
        if let ZkMessage::Notification(n) = msg {
            ctx.emit(|| EventKind::VoteSent {
                round: n.round,
                vote_leader: n.vote.leader,
                vote_zxid: n.vote.zxid,
                vote_epoch: n.vote.epoch,
            });
        }
    }

    fn timer(&self, ctx: &mut Ctx, after: u64, t: ServerTimer) {
        ctx.set_timer(after, Timer::ZkServer(t));
    }

    fn mode(&self) -> ZkMode {
        match self.role {
            Role::Looking(_) => ZkMode::Looking,
            Role::Following(_) => ZkMode::Following,
            Role::Leading(_) => ZkMode::Leading,
        }
    }

    // ---------- election ----------

    fn start_election(&mut self, ctx: &mut Ctx) {
        self.gen += 1;
        self.logical_clock += 1;
        let vote = self.my_vote();
        self.role = Role::Looking(Election::new(self.myid, vote));
        ctx.emit(|| EventKind::ElectionRoundStarted {
            round: self.logical_clock,
            vote_leader: vote.leader,
            vote_zxid: vote.zxid,
            vote_epoch: vote.epoch,
        });
        self.broadcast_vote(ctx);
        let gen = self.gen;
        self.timer(ctx, FINALIZE_WAIT_MS, ServerTimer::ElectionTimeout { gen });
    }

    /// Leaves FOLLOWING/LEADING: drops clients (they fail over) and starts a new election.
    fn go_looking(&mut self, reason: &str, ctx: &mut Ctx) {
        let mode = self.mode();
        ctx.emit(|| EventKind::LeftRole {
            mode,
            reason: reason.to_string(),
        });
        self.close_all_clients(ctx);
        self.start_election(ctx);
    }

    fn close_all_clients(&mut self, ctx: &mut Ctx) {
        for (host, c) in std::mem::take(&mut self.clients) {
            ctx.send(host, Message::Zk(ZkMessage::Closed { conn: c.conn }));
        }
        for (_, (host, conn)) in std::mem::take(&mut self.pending_sessions) {
            ctx.send(host, Message::Zk(ZkMessage::Closed { conn }));
        }
        self.watches.clear();
        self.touched.clear();
    }

    fn on_notification(&mut self, from: HostId, n: Notification, ctx: &mut Ctx) {
        let quorum = self.quorum();
        let me = self.myid;
        let Role::Looking(e) = &mut self.role else {
            // Decided: tell a LOOKING peer whom we follow or that we lead.
            if n.state == PeerState::Looking {
                ctx.send(from, Message::Zk(self.notification()));
            }
            return;
        };
        let mut clock = self.logical_clock;
        let r = e.on_notification(me, &mut clock, &n, quorum);
        self.logical_clock = clock;
        if r.reply {
            ctx.send(from, Message::Zk(self.notification()));
        }
        if r.broadcast {
            self.broadcast_vote(ctx);
        }
        if r.start_finalize {
            self.gen += 1;
            let gen = self.gen;
            self.timer(ctx, FINALIZE_WAIT_MS, ServerTimer::Finalize { gen });
            // Keep the resend timer alive under the new generation.
            let t = match &self.role {
                Role::Looking(e) => e.timeout_ms,
                _ => FINALIZE_WAIT_MS,
            };
            self.timer(ctx, t, ServerTimer::ElectionTimeout { gen });
        }
        if let Some(v) = r.decide {
            self.decide(v, ctx);
        }
    }

    fn decide(&mut self, v: Vote, ctx: &mut Ctx) {
        self.end_vote = v;
        self.gen += 1;
        let gen = self.gen;
        let round = self.logical_clock;
        if v.leader == self.myid {
            ctx.emit(|| EventKind::ElectionDecided {
                mode: ZkMode::Leading,
                leader: v.leader,
                round,
            });
            let mut discovery_epochs = BTreeMap::new();
            discovery_epochs.insert(self.myid, self.accepted_epoch);
            self.role = Role::Leading(Box::new(Leader {
                phase: LeaderPhase::Discovery,
                epoch: 0,
                started: ctx.now,
                learners: BTreeMap::new(),
                discovery_epochs,
                counter: 0,
                sessions: SessionTracker::new(self.cfg.tick_ms),
            }));
            self.timer(ctx, self.cfg.tick_ms / 2, ServerTimer::LeaderTick { gen });
        } else {
            ctx.emit(|| EventKind::ElectionDecided {
                mode: ZkMode::Following,
                leader: v.leader,
                round,
            });
            let Some(leader_host) = self.host_of(v.leader) else {
                self.start_election(ctx);
                return;
            };
            let conn = gen;
            self.role = Role::Following(Follower {
                leader: v.leader,
                leader_host,
                conn,
                phase: FollowPhase::Connecting,
                tries: 1,
                last_heard: ctx.now,
                pending_commit: 0,
                sync_mode: SyncMode::Diff,
                req_seq: 0,
            });
            self.send_follower_info(ctx);
            self.timer(
                ctx,
                LEADER_CONNECT_RETRY_MS,
                ServerTimer::FollowerTick { gen },
            );
        }
    }

    // ---------- follower ----------

    fn send_follower_info(&self, ctx: &mut Ctx) {
        if let Role::Following(f) = &self.role {
            let packet = QuorumPacket::FollowerInfo {
                accepted_epoch: self.accepted_epoch,
                last_zxid: self.last_logged_zxid(),
            };
            ctx.send(
                f.leader_host,
                Message::Zk(ZkMessage::Quorum {
                    conn: f.conn,
                    packet,
                }),
            );
        }
    }

    fn to_leader(&self, packet: QuorumPacket, ctx: &mut Ctx) {
        if let Role::Following(f) = &self.role {
            ctx.send(
                f.leader_host,
                Message::Zk(ZkMessage::Quorum {
                    conn: f.conn,
                    packet,
                }),
            );
        }
    }

    fn follower_tick(&mut self, ctx: &mut Ctx) {
        let tick = self.cfg.tick_ms;
        let (sync_ms, init_ms) = (self.cfg.sync_limit * tick, self.cfg.init_limit * tick);
        let Role::Following(f) = &mut self.role else {
            return;
        };
        if f.phase == FollowPhase::Connecting {
            if f.tries >= LEADER_CONNECT_TRIES {
                self.go_looking("could not connect to the leader", ctx);
                return;
            }
            f.tries += 1;
            self.send_follower_info(ctx);
        } else {
            let limit = if f.phase == FollowPhase::Serving {
                sync_ms
            } else {
                init_ms
            };
            if ctx.now.saturating_sub(f.last_heard) > limit {
                self.go_looking("no packet from the leader within the sync limit", ctx);
                return;
            }
        }
        let gen = self.gen;
        self.timer(ctx, tick / 2, ServerTimer::FollowerTick { gen });
    }

    fn on_packet_as_follower(&mut self, from: HostId, conn: u64, p: QuorumPacket, ctx: &mut Ctx) {
        let Role::Following(f) = &mut self.role else {
            return;
        };
        if from != f.leader_host || conn != f.conn {
            return;
        }
        // Before UPTODATE only the sync itself shows progress: pings alone must not keep a
        // follower waiting forever for a sync packet that was lost.
        if f.phase == FollowPhase::Serving
            || matches!(
                p,
                QuorumPacket::LeaderInfo { .. }
                    | QuorumPacket::Sync { .. }
                    | QuorumPacket::NewLeader { .. }
                    | QuorumPacket::UpToDate { .. }
            )
        {
            f.last_heard = ctx.now;
        }
        if f.phase == FollowPhase::Connecting {
            f.phase = FollowPhase::Syncing;
        }
        match p {
            QuorumPacket::LeaderInfo { epoch } => {
                if epoch < self.accepted_epoch {
                    self.go_looking("the leader's epoch is older than my accepted epoch", ctx);
                    return;
                }
                self.accepted_epoch = epoch;
                let packet = QuorumPacket::AckEpoch {
                    current_epoch: self.current_epoch,
                    last_zxid: self.last_logged_zxid(),
                };
                self.to_leader(packet, ctx);
            }
            QuorumPacket::Sync {
                mode,
                trunc_to,
                txns,
            } => {
                match mode {
                    SyncMode::Snap => self.log.clear(),
                    SyncMode::Trunc => self.log.retain(|t| t.zxid <= trunc_to),
                    SyncMode::Diff => {}
                }
                let last = self.log.last().map_or(0, |t| t.zxid);
                self.log.extend(txns.into_iter().filter(|t| t.zxid > last));
                // Nothing is known committed until UPTODATE: rebuild then.
                self.applied = 0;
                self.tree = DataTree::new();
                f.sync_mode = mode;
            }
            QuorumPacket::NewLeader { epoch } => {
                self.current_epoch = epoch;
                // QuorumPeer.updateElectionVote: peers that joined at different times must
                // all answer LOOKING servers with the same (leader, peer epoch).
                self.end_vote.epoch = epoch;
                let packet = QuorumPacket::AckNewLeader {
                    last_zxid: self.last_logged_zxid(),
                };
                self.to_leader(packet, ctx);
            }
            QuorumPacket::UpToDate { committed } => {
                let upto = committed.max(f.pending_commit);
                f.phase = FollowPhase::Serving;
                let (leader, mode) = (f.leader, f.sync_mode);
                let n = self.log.iter().take_while(|t| t.zxid <= upto).count();
                self.tree = DataTree::replay(self.log[..n].iter().map(|t| t.as_ref()));
                self.applied = n;
                let last = self.last_logged_zxid();
                ctx.emit(|| EventKind::FollowerSynced {
                    leader,
                    mode: mode.name().to_string(),
                    last_zxid: last,
                });
            }
            QuorumPacket::Proposal { prev_zxid, txn } => {
                if prev_zxid != self.last_logged_zxid() {
                    self.go_looking("proposal out of order", ctx);
                    return;
                }
                let z = txn.zxid;
                self.log.push(txn);
                self.to_leader(QuorumPacket::Ack { zxid: z }, ctx);
            }
            QuorumPacket::Commit { zxid } => {
                if f.phase != FollowPhase::Serving {
                    f.pending_commit = f.pending_commit.max(zxid);
                    return;
                }
                if zxid > self.last_logged_zxid() {
                    self.go_looking("commit for a proposal I never logged", ctx);
                    return;
                }
                while self.applied < self.log.len() && self.log[self.applied].zxid <= zxid {
                    self.apply_next(ctx);
                }
            }
            QuorumPacket::Ping { .. } => {
                let touched: Vec<u64> = std::mem::take(&mut self.touched).into_iter().collect();
                self.to_leader(QuorumPacket::Ping { touched }, ctx);
            }
            QuorumPacket::Close => {
                self.go_looking("the leader closed the connection", ctx);
            }
            _ => {}
        }
    }

    // ---------- leader ----------

    fn leader_tick(&mut self, ctx: &mut Ctx) {
        let tick = self.cfg.tick_ms;
        let quorum = self.quorum();
        let (sync_ms, init_ms) = (self.cfg.sync_limit * tick, self.cfg.init_limit * tick);
        let Role::Leading(l) = &mut self.role else {
            return;
        };
        let now = ctx.now;
        // Learners silent for longer than the sync limit are dropped (their connection died).
        let limit = if l.phase == LeaderPhase::Broadcast {
            sync_ms
        } else {
            init_ms
        };
        l.learners
            .retain(|_, lr| now.saturating_sub(lr.last_heard) <= limit);
        if l.phase != LeaderPhase::Broadcast {
            if now.saturating_sub(l.started) > init_ms {
                self.go_looking("timeout waiting for a quorum of followers", ctx);
                return;
            }
        } else {
            let synced = 1 + l
                .learners
                .values()
                .filter(|lr| lr.state == LearnerState::Serving)
                .count();
            if synced < quorum {
                self.go_looking("not sufficient followers synced", ctx);
                return;
            }
            for lr in l.learners.values() {
                if lr.state >= LearnerState::Synced {
                    ctx.send(
                        lr.host,
                        Message::Zk(ZkMessage::Quorum {
                            conn: lr.conn,
                            packet: QuorumPacket::Ping { touched: vec![] },
                        }),
                    );
                }
            }
            let expired = l.sessions.take_expired(now);
            for s in expired {
                self.propose(s, 0, self.myid, Op::CloseSession { expired: true }, ctx);
            }
        }
        let gen = self.gen;
        self.timer(ctx, tick / 2, ServerTimer::LeaderTick { gen });
    }

    fn to_learner(lr: &Learner, packet: QuorumPacket, ctx: &mut Ctx) {
        ctx.send(
            lr.host,
            Message::Zk(ZkMessage::Quorum {
                conn: lr.conn,
                packet,
            }),
        );
    }

    fn on_packet_as_leader(&mut self, from: HostId, conn: u64, p: QuorumPacket, ctx: &mut Ctx) {
        let Some(sid) = self.sid_of(from) else {
            return;
        };
        let quorum = self.quorum();
        let my_accepted = self.accepted_epoch;
        let Role::Leading(l) = &mut self.role else {
            return;
        };
        if let QuorumPacket::FollowerInfo { accepted_epoch, .. } = p {
            if let Some(lr) = l.learners.get_mut(&sid) {
                if lr.conn == conn {
                    // A retry on the same connection: just answer again if we can.
                    lr.last_heard = ctx.now;
                    if l.phase != LeaderPhase::Discovery && lr.state == LearnerState::Connected {
                        let epoch = l.epoch;
                        let lr = &l.learners[&sid];
                        Self::to_learner(lr, QuorumPacket::LeaderInfo { epoch }, ctx);
                    }
                    return;
                }
            }
            l.learners.insert(
                sid,
                Learner {
                    host: from,
                    conn,
                    state: LearnerState::Connected,
                    acked: 0,
                    last_heard: ctx.now,
                    acked_newleader: false,
                    next_req: 1,
                },
            );
            if l.phase == LeaderPhase::Discovery {
                l.discovery_epochs.insert(sid, accepted_epoch);
                if l.discovery_epochs.len() >= quorum {
                    let max = l.discovery_epochs.values().copied().max().unwrap_or(0);
                    l.epoch = max.max(my_accepted) + 1;
                    l.phase = LeaderPhase::Sync;
                    self.accepted_epoch = l.epoch;
                    let epoch = l.epoch;
                    for lr in l.learners.values() {
                        Self::to_learner(lr, QuorumPacket::LeaderInfo { epoch }, ctx);
                    }
                }
            } else {
                let epoch = l.epoch;
                let lr = &l.learners[&sid];
                Self::to_learner(lr, QuorumPacket::LeaderInfo { epoch }, ctx);
            }
            return;
        }
        let Some(lr) = l.learners.get_mut(&sid) else {
            return;
        };
        if lr.conn != conn {
            return;
        }
        lr.last_heard = ctx.now;
        match p {
            QuorumPacket::AckEpoch {
                current_epoch,
                last_zxid,
            } => {
                let mine = (self.current_epoch, self.log.last().map_or(0, |t| t.zxid));
                if (current_epoch, last_zxid) > mine {
                    self.go_looking("a follower is ahead of the elected leader", ctx);
                    return;
                }
                let (mode, trunc_to, txns) = sync_plan(&self.log, last_zxid);
                lr.state = LearnerState::Synced;
                let epoch = l.epoch;
                Self::to_learner(
                    lr,
                    QuorumPacket::Sync {
                        mode,
                        trunc_to,
                        txns,
                    },
                    ctx,
                );
                Self::to_learner(lr, QuorumPacket::NewLeader { epoch }, ctx);
            }
            QuorumPacket::AckNewLeader { last_zxid } => {
                lr.acked = lr.acked.max(last_zxid);
                lr.acked_newleader = true;
                if l.phase == LeaderPhase::Broadcast {
                    lr.state = LearnerState::Serving;
                    let committed = self.applied.checked_sub(1).map_or(0, |i| self.log[i].zxid);
                    let lr = &l.learners[&sid];
                    Self::to_learner(lr, QuorumPacket::UpToDate { committed }, ctx);
                    self.try_commit(ctx);
                } else if l.phase == LeaderPhase::Sync {
                    let acks = 1 + l.learners.values().filter(|x| x.acked_newleader).count();
                    if acks >= quorum {
                        self.establish(ctx);
                    }
                }
            }
            QuorumPacket::Ack { zxid } => {
                lr.acked = lr.acked.max(zxid);
                self.try_commit(ctx);
            }
            QuorumPacket::Request {
                seq,
                session,
                cxid,
                op,
            } if l.phase == LeaderPhase::Broadcast => {
                if seq != lr.next_req {
                    // A forwarded request was lost: the connection is broken.
                    Self::to_learner(lr, QuorumPacket::Close, ctx);
                    l.learners.remove(&sid);
                    return;
                }
                lr.next_req += 1;
                self.propose(session, cxid, sid, op, ctx);
            }
            QuorumPacket::Ping { touched } => {
                for s in touched {
                    l.sessions.touch(s, ctx.now);
                }
            }
            QuorumPacket::Close => {
                l.learners.remove(&sid);
                let synced = 1 + l
                    .learners
                    .values()
                    .filter(|lr| lr.state == LearnerState::Serving)
                    .count();
                if l.phase == LeaderPhase::Broadcast && synced < quorum {
                    self.go_looking("not sufficient followers synced", ctx);
                }
            }
            _ => {}
        }
    }

    /// A quorum acked NEWLEADER: the whole log is committed, the leader serves.
    fn establish(&mut self, ctx: &mut Ctx) {
        let Role::Leading(l) = &mut self.role else {
            return;
        };
        l.phase = LeaderPhase::Broadcast;
        self.current_epoch = l.epoch;
        self.end_vote.epoch = l.epoch;
        self.tree = DataTree::replay(self.log.iter().map(|t| t.as_ref()));
        self.applied = self.log.len();
        let committed = self.log.last().map_or(0, |t| t.zxid);
        for lr in l.learners.values_mut() {
            if lr.acked_newleader {
                lr.state = LearnerState::Serving;
                Self::to_learner(lr, QuorumPacket::UpToDate { committed }, ctx);
            }
        }
        // A new leader re-arms every session with its full timeout.
        for (&s, &t) in self.tree.sessions() {
            l.sessions.add(s, t, ctx.now);
        }
        let (myid, epoch) = (self.myid, l.epoch);
        ctx.emit(|| EventKind::LeaderEstablished {
            myid,
            epoch,
            zxid: committed,
        });
    }

    fn propose(&mut self, session: u64, cxid: u32, origin: u64, op: Op, ctx: &mut Ctx) {
        let Role::Leading(l) = &mut self.role else {
            return;
        };
        l.counter += 1;
        let z = zxid(l.epoch, l.counter);
        let prev_zxid = self.log.last().map_or(0, |t| t.zxid);
        let txn = Rc::new(Txn {
            zxid: z,
            time_ms: wall_clock_ms(ctx.now),
            session,
            cxid,
            origin,
            op,
        });
        self.log.push(txn.clone());
        for lr in l.learners.values() {
            if lr.state >= LearnerState::Synced {
                Self::to_learner(
                    lr,
                    QuorumPacket::Proposal {
                        prev_zxid,
                        txn: txn.clone(),
                    },
                    ctx,
                );
            }
        }
        self.try_commit(ctx);
    }

    fn try_commit(&mut self, ctx: &mut Ctx) {
        let quorum = self.quorum();
        loop {
            let Role::Leading(l) = &self.role else {
                return;
            };
            if l.phase != LeaderPhase::Broadcast || self.applied >= self.log.len() {
                return;
            }
            let z = self.log[self.applied].zxid;
            let acks = 1 + l
                .learners
                .values()
                .filter(|lr| lr.state >= LearnerState::Synced && lr.acked >= z)
                .count();
            if acks < quorum {
                return;
            }
            for lr in l.learners.values() {
                if lr.state >= LearnerState::Synced {
                    Self::to_learner(lr, QuorumPacket::Commit { zxid: z }, ctx);
                }
            }
            let txn = self.log[self.applied].clone();
            ctx.emit(|| EventKind::ProposalCommitted {
                zxid: z,
                op: txn.op.describe(),
            });
            self.apply_next(ctx);
        }
    }

    // ---------- applying committed transactions ----------

    fn apply_next(&mut self, ctx: &mut Ctx) {
        let txn = self.log[self.applied].clone();
        self.applied += 1;
        self.triggers.clear();
        let mut triggers = std::mem::take(&mut self.triggers);
        let outcome = if self.watches.count() == 0 {
            self.tree.apply_quiet(&txn)
        } else {
            self.tree.apply(&txn, &mut triggers)
        };
        if let Role::Leading(l) = &mut self.role {
            match &txn.op {
                Op::CreateSession { timeout_ms } => {
                    l.sessions.add(txn.session, *timeout_ms, ctx.now);
                    let (session, timeout_ms) = (txn.session, *timeout_ms);
                    ctx.emit(|| EventKind::SessionCreated {
                        session,
                        timeout_ms,
                    });
                }
                Op::CloseSession { expired } => {
                    l.sessions.remove(txn.session);
                    let session = txn.session;
                    if *expired {
                        ctx.emit(|| EventKind::SessionExpired { session });
                    } else {
                        ctx.emit(|| EventKind::SessionClosed { session });
                    }
                }
                _ => {}
            }
        }
        let expired = matches!(txn.op, Op::CloseSession { expired: true });
        if txn.origin == self.myid && !expired {
            self.answer_client(&txn, outcome, ctx);
        }
        if let Op::CloseSession { .. } = txn.op {
            // Connections of a closed/expired session are closed by the server holding them.
            let gone: Vec<HostId> = self
                .clients
                .iter()
                .filter(|(_, c)| c.session == txn.session)
                .map(|(h, _)| *h)
                .collect();
            for h in gone {
                if let Some(c) = self.clients.remove(&h) {
                    if expired || txn.origin != self.myid {
                        ctx.send(h, Message::Zk(ZkMessage::Closed { conn: c.conn }));
                    }
                }
                self.watches.remove_client(h);
            }
        }
        for t in &triggers {
            for client in self.watches.fire(t) {
                if let Some(c) = self.clients.get(&client) {
                    ctx.send(
                        client,
                        Message::Zk(ZkMessage::Watch {
                            conn: c.conn,
                            kind: t.kind,
                            path: t.path.clone(),
                        }),
                    );
                    let (session, path, kind) = (c.session, t.path.clone(), t.kind);
                    ctx.emit(|| EventKind::WatchFired {
                        session,
                        path,
                        event_type: kind.name().to_string(),
                    });
                }
            }
        }
        triggers.clear();
        self.triggers = triggers;
    }

    fn answer_client(&mut self, txn: &Txn, outcome: Result<OpResult, OpError>, ctx: &mut Ctx) {
        if let Op::CreateSession { timeout_ms } = txn.op {
            if let Some((host, conn)) = self.pending_sessions.remove(&txn.session) {
                self.clients.insert(
                    host,
                    ClientConn {
                        conn,
                        session: txn.session,
                        last_xid: None,
                        answered: 0,
                    },
                );
                ctx.send(
                    host,
                    Message::Zk(ZkMessage::ConnectResponse {
                        conn,
                        session: txn.session,
                        timeout_ms,
                    }),
                );
            }
            return;
        }
        let target = self
            .clients
            .iter()
            .find(|(_, c)| c.session == txn.session)
            .map(|(h, c)| (*h, *c));
        if let Some((host, c)) = target {
            if let Some(cc) = self.clients.get_mut(&host) {
                cc.answered = cc.answered.max(txn.cxid);
            }
            ctx.send(
                host,
                Message::Zk(ZkMessage::Response {
                    conn: c.conn,
                    xid: txn.cxid,
                    zxid: txn.zxid,
                    outcome: Box::new(outcome),
                }),
            );
        }
    }

    // ---------- clients ----------

    fn touch(&mut self, session: u64, now: u64) {
        match &mut self.role {
            Role::Leading(l) => l.sessions.touch(session, now),
            _ => {
                self.touched.insert(session);
            }
        }
    }

    fn submit_write(&mut self, session: u64, cxid: u32, op: Op, ctx: &mut Ctx) {
        match &self.role {
            Role::Leading(_) => self.propose(session, cxid, self.myid, op, ctx),
            Role::Following(f) => {
                let seq = f.req_seq + 1;
                if let Role::Following(f) = &mut self.role {
                    f.req_seq = seq;
                }
                self.to_leader(
                    QuorumPacket::Request {
                        seq,
                        session,
                        cxid,
                        op,
                    },
                    ctx,
                );
            }
            Role::Looking(_) => {}
        }
    }

    fn on_client_message(&mut self, from: HostId, m: ZkMessage, ctx: &mut Ctx) {
        if !self.is_serving() {
            // Not running as a server: close the socket at once (the client tries the next).
            let conn = match &m {
                ZkMessage::ConnectRequest { conn, .. }
                | ZkMessage::Request { conn, .. }
                | ZkMessage::Ping { conn } => *conn,
                _ => return,
            };
            ctx.send(from, Message::Zk(ZkMessage::Closed { conn }));
            return;
        }
        match m {
            ZkMessage::ConnectRequest {
                conn,
                session,
                timeout_ms,
                last_zxid,
            } => {
                // A new connection from the same client replaces its old one.
                if self.clients.remove(&from).is_some() {
                    self.watches.remove_client(from);
                }
                if last_zxid > self.tree.last_zxid() {
                    // "Refusing session request for client as it has seen zxid … our last
                    // zxid is …": the client must find a server at least as recent.
                    ctx.send(from, Message::Zk(ZkMessage::Closed { conn }));
                    return;
                }
                if session == 0 {
                    let tick = self.cfg.tick_ms as u32;
                    let timeout = timeout_ms.clamp(2 * tick, 20 * tick);
                    if self.next_session == 0 {
                        let base = (wall_clock_ms(ctx.now) << 24) >> 8;
                        self.next_session = (base & 0x00ff_ffff_ffff_ffff) | (self.myid << 56);
                    }
                    self.next_session += 1;
                    let id = self.next_session;
                    self.pending_sessions.insert(id, (from, conn));
                    self.submit_write(
                        id,
                        0,
                        Op::CreateSession {
                            timeout_ms: timeout,
                        },
                        ctx,
                    );
                } else if let Some(&t) = self.tree.sessions().get(&session) {
                    self.clients.insert(
                        from,
                        ClientConn {
                            conn,
                            session,
                            last_xid: None,
                            answered: 0,
                        },
                    );
                    self.touch(session, ctx.now);
                    ctx.send(
                        from,
                        Message::Zk(ZkMessage::ConnectResponse {
                            conn,
                            session,
                            timeout_ms: t,
                        }),
                    );
                } else {
                    ctx.send(
                        from,
                        Message::Zk(ZkMessage::ConnectResponse {
                            conn,
                            session: 0,
                            timeout_ms: 0,
                        }),
                    );
                }
            }
            ZkMessage::Request { conn, xid, op } => {
                let Some(c) = self.clients.get(&from).copied() else {
                    ctx.send(from, Message::Zk(ZkMessage::Closed { conn }));
                    return;
                };
                if c.conn != conn || c.last_xid.is_some_and(|l| xid != l.wrapping_add(1)) {
                    // Another connection, or a request of this one was lost: close it.
                    ctx.send(from, Message::Zk(ZkMessage::Closed { conn }));
                    self.clients.remove(&from);
                    self.watches.remove_client(from);
                    return;
                }
                if let Some(cc) = self.clients.get_mut(&from) {
                    cc.last_xid = Some(xid);
                }
                self.touch(c.session, ctx.now);
                if op.is_write() {
                    self.submit_write(c.session, xid, op, ctx);
                } else {
                    let outcome = self.tree.read(&op);
                    match (&op, &outcome) {
                        (Op::Exists { path, watch: true }, _) => self.watches.add_data(path, from),
                        (Op::GetData { path, watch: true }, Ok(_)) => {
                            self.watches.add_data(path, from)
                        }
                        (Op::GetChildren { path, watch: true }, Ok(_)) => {
                            self.watches.add_child(path, from)
                        }
                        _ => {}
                    }
                    let zxid = self.tree.last_zxid();
                    if let Some(cc) = self.clients.get_mut(&from) {
                        cc.answered = cc.answered.max(xid);
                    }
                    ctx.send(
                        from,
                        Message::Zk(ZkMessage::Response {
                            conn,
                            xid,
                            zxid,
                            outcome: Box::new(outcome),
                        }),
                    );
                }
            }
            ZkMessage::Ping { conn } => {
                if let Some(c) = self.clients.get(&from).copied() {
                    if c.conn == conn {
                        self.touch(c.session, ctx.now);
                        let answered = c.answered;
                        ctx.send(from, Message::Zk(ZkMessage::PingReply { conn, answered }));
                    }
                }
            }
            _ => {}
        }
    }
}

/// DIFF / TRUNC / SNAP for a learner whose last logged zxid is `peer_last`.
fn sync_plan(log: &[Rc<Txn>], peer_last: Zxid) -> (SyncMode, Zxid, Vec<Rc<Txn>>) {
    let my_last = log.last().map_or(0, |t| t.zxid);
    if peer_last == my_last {
        return (SyncMode::Diff, 0, Vec::new());
    }
    if peer_last == 0 {
        return (SyncMode::Snap, 0, log.to_vec());
    }
    if peer_last > my_last {
        return (SyncMode::Trunc, my_last, Vec::new());
    }
    match log.binary_search_by_key(&peer_last, |t| t.zxid) {
        Ok(i) => (SyncMode::Diff, 0, log[i + 1..].to_vec()),
        Err(i) => {
            // The learner has a txn we never had: truncate it to our previous zxid, then diff.
            let trunc_to = if i == 0 { 0 } else { log[i - 1].zxid };
            (SyncMode::Trunc, trunc_to, log[i..].to_vec())
        }
    }
}

impl Node for ZkServer {
    fn on_start(&mut self, ctx: &mut Ctx) {
        self.tree = DataTree::new();
        self.applied = 0;
        self.start_election(ctx);
    }

    fn on_message(&mut self, from: HostId, msg: Message, ctx: &mut Ctx) {
        let Message::Zk(m) = msg else {
            return;
        };
        match m {
            ZkMessage::Notification(n) => self.on_notification(from, n, ctx),
            ZkMessage::Quorum { conn, packet } => match self.role {
                Role::Following(_) => self.on_packet_as_follower(from, conn, packet, ctx),
                Role::Leading(_) => self.on_packet_as_leader(from, conn, packet, ctx),
                Role::Looking(_) => {}
            },
            other => self.on_client_message(from, other, ctx),
        }
    }

    fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx) {
        let Timer::ZkServer(t) = timer else {
            return;
        };
        match t {
            ServerTimer::ElectionTimeout { gen } if gen == self.gen => {
                if let Role::Looking(e) = &mut self.role {
                    e.on_timeout();
                    let next = e.timeout_ms;
                    self.broadcast_vote(ctx);
                    self.timer(ctx, next, ServerTimer::ElectionTimeout { gen });
                }
            }
            ServerTimer::Finalize { gen } if gen == self.gen => {
                let quorum = self.quorum();
                if let Role::Looking(e) = &mut self.role {
                    if let Some(v) = e.on_finalize(quorum) {
                        self.decide(v, ctx);
                    }
                }
            }
            ServerTimer::FollowerTick { gen } if gen == self.gen => self.follower_tick(ctx),
            ServerTimer::LeaderTick { gen } if gen == self.gen => self.leader_tick(ctx),
            _ => {}
        }
    }

    fn on_shutdown(&mut self, ctx: &mut Ctx) {
        match &self.role {
            Role::Following(_) => self.to_leader(QuorumPacket::Close, ctx),
            Role::Leading(l) => {
                for lr in l.learners.values() {
                    Self::to_learner(lr, QuorumPacket::Close, ctx);
                }
            }
            Role::Looking(_) => {}
        }
        self.close_all_clients(ctx);
    }

    fn on_stop(&mut self) {
        self.role = Role::Looking(Election::new(self.myid, self.my_vote()));
        self.gen += 1;
        self.logical_clock = 0;
        self.tree = DataTree::new();
        self.applied = 0;
        self.clients.clear();
        self.pending_sessions.clear();
        self.watches.clear();
        self.touched.clear();
        self.next_session = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(z: Zxid) -> Rc<Txn> {
        Rc::new(Txn {
            zxid: z,
            time_ms: 0,
            session: 0,
            cxid: 0,
            origin: 1,
            op: Op::CloseSession { expired: false },
        })
    }

    #[test]
    fn sync_plans_diff_trunc_snap() {
        let log = vec![t(zxid(1, 1)), t(zxid(1, 2)), t(zxid(2, 1))];
        assert_eq!(sync_plan(&log, zxid(2, 1)).0, SyncMode::Diff);
        let (m, _, txns) = sync_plan(&log, zxid(1, 1));
        assert_eq!((m, txns.len()), (SyncMode::Diff, 2));
        assert_eq!(sync_plan(&log, 0).0, SyncMode::Snap);
        assert_eq!(
            sync_plan(&log, zxid(2, 5)),
            (SyncMode::Trunc, zxid(2, 1), vec![])
        );
        let (m, to, txns) = sync_plan(&log, zxid(1, 3));
        assert_eq!((m, to, txns.len()), (SyncMode::Trunc, zxid(1, 2), 1));
    }
}
