//! ZooKeeper's wire messages, typed after the real ones: election notifications (port 3888),
//! quorum packets (port 2888: FOLLOWERINFO, LEADERINFO, ACKEPOCH, DIFF/TRUNC/SNAP, NEWLEADER,
//! UPTODATE, PROPOSAL, ACK, COMMIT, REQUEST, PING) and client packets (the client port).

use crate::zookeeper::tree::Stat;
use std::rc::Rc;

pub type Zxid = u64;

pub fn zxid(epoch: u32, counter: u32) -> Zxid {
    (u64::from(epoch) << 32) | u64::from(counter)
}

pub fn epoch_of(z: Zxid) -> u32 {
    (z >> 32) as u32
}

/// A vote in fast leader election.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Vote {
    pub leader: u64,
    pub zxid: Zxid,
    pub epoch: u32,
}

impl Vote {
    /// `totalOrderPredicate`: is `self` better than `other`? Epoch, then zxid, then myid.
    pub fn beats(&self, other: &Vote) -> bool {
        (self.epoch, self.zxid, self.leader) > (other.epoch, other.zxid, other.leader)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeerState {
    Looking,
    Following,
    Leading,
}

#[derive(Clone, Debug)]
pub struct Notification {
    pub sid: u64,
    pub vote: Vote,
    /// The sender's logical clock (election round).
    pub round: u64,
    pub state: PeerState,
}

/// A write or read request as a client sends it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    Create {
        path: String,
        data: Option<String>,
        ephemeral: bool,
        sequential: bool,
    },
    Delete {
        path: String,
        version: i32,
    },
    SetData {
        path: String,
        data: Option<String>,
        version: i32,
    },
    /// Only inside `Multi`.
    Check {
        path: String,
        version: i32,
    },
    Multi(Vec<Op>),
    GetData {
        path: String,
        watch: bool,
    },
    Exists {
        path: String,
        watch: bool,
    },
    GetChildren {
        path: String,
        watch: bool,
    },
    CreateSession {
        timeout_ms: u32,
    },
    CloseSession {
        /// Closed by the leader's session tracker, not by the client.
        expired: bool,
    },
}

impl Op {
    pub fn is_write(&self) -> bool {
        !matches!(
            self,
            Op::GetData { .. } | Op::Exists { .. } | Op::GetChildren { .. }
        )
    }

    /// `create /a`, `set /a`, … for logs.
    pub fn describe(&self) -> String {
        match self {
            Op::Create { path, .. } => format!("create {path}"),
            Op::Delete { path, .. } => format!("delete {path}"),
            Op::SetData { path, .. } => format!("setData {path}"),
            Op::Check { path, .. } => format!("check {path}"),
            Op::Multi(ops) => format!(
                "multi [{}]",
                ops.iter().map(Op::describe).collect::<Vec<_>>().join(", ")
            ),
            Op::GetData { path, .. } => format!("getData {path}"),
            Op::Exists { path, .. } => format!("exists {path}"),
            Op::GetChildren { path, .. } => format!("getChildren {path}"),
            Op::CreateSession { .. } => "createSession".into(),
            Op::CloseSession { .. } => "closeSession".into(),
        }
    }
}

/// A transaction in the replicated log: the leader's zxid and time plus the request.
/// Every server applies the same transactions in zxid order to the same tree, so results agree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Txn {
    pub zxid: Zxid,
    /// Leader's wall-clock time (ms) at proposal: ctime/mtime.
    pub time_ms: u64,
    pub session: u64,
    pub cxid: u32,
    /// myid of the server the client is connected to (it answers the client).
    pub origin: u64,
    pub op: Op,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeeperError {
    NoNode,
    NodeExists,
    NotEmpty,
    BadVersion,
    NoChildrenForEphemerals,
    ConnectionLoss,
    SessionExpired,
    BadArguments,
}

impl KeeperError {
    /// As `KeeperException.Code` prints it.
    pub fn code_name(&self) -> &'static str {
        match self {
            KeeperError::NoNode => "NoNode",
            KeeperError::NodeExists => "NodeExists",
            KeeperError::NotEmpty => "Directory not empty",
            KeeperError::BadVersion => "BadVersion",
            KeeperError::NoChildrenForEphemerals => "NoChildrenForEphemerals",
            KeeperError::ConnectionLoss => "ConnectionLoss",
            KeeperError::SessionExpired => "Session expired",
            KeeperError::BadArguments => "BadArguments",
        }
    }
}

/// A failed operation: the error and the path it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpError {
    pub code: KeeperError,
    pub path: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpResult {
    Created(String),
    Deleted,
    Stat(Stat),
    /// `exists` on a missing node.
    NoStat,
    Data(Option<String>, Stat),
    Children(Vec<String>, Stat),
    Multi(Vec<OpResult>),
    SessionCreated,
    SessionClosed,
    Checked,
}

pub type OpOutcome = Result<OpResult, OpError>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WatchType {
    NodeCreated,
    NodeDeleted,
    NodeDataChanged,
    NodeChildrenChanged,
}

impl WatchType {
    pub fn name(&self) -> &'static str {
        match self {
            WatchType::NodeCreated => "NodeCreated",
            WatchType::NodeDeleted => "NodeDeleted",
            WatchType::NodeDataChanged => "NodeDataChanged",
            WatchType::NodeChildrenChanged => "NodeChildrenChanged",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncMode {
    Diff,
    Trunc,
    Snap,
}

impl SyncMode {
    pub fn name(&self) -> &'static str {
        match self {
            SyncMode::Diff => "DIFF",
            SyncMode::Trunc => "TRUNC",
            SyncMode::Snap => "SNAP",
        }
    }
}

/// Leader↔learner packets. `conn` identifies one follower connection (TCP stream): packets of
/// an older connection are ignored.
#[derive(Clone, Debug)]
pub enum QuorumPacket {
    FollowerInfo {
        accepted_epoch: u32,
        last_zxid: Zxid,
    },
    LeaderInfo {
        epoch: u32,
    },
    AckEpoch {
        current_epoch: u32,
        last_zxid: Zxid,
    },
    /// DIFF / TRUNC(+DIFF) / SNAP: truncate to `trunc_to` (TRUNC), replace all (SNAP), append.
    Sync {
        mode: SyncMode,
        trunc_to: Zxid,
        txns: Vec<Rc<Txn>>,
    },
    NewLeader {
        epoch: u32,
    },
    AckNewLeader {
        last_zxid: Zxid,
    },
    UpToDate {
        committed: Zxid,
    },
    Proposal {
        prev_zxid: Zxid,
        txn: Rc<Txn>,
    },
    Ack {
        zxid: Zxid,
    },
    Commit {
        zxid: Zxid,
    },
    /// A client write forwarded by a follower; `seq` numbers them on the connection so a
    /// lost one breaks the connection (as TCP would) instead of vanishing silently.
    Request {
        seq: u64,
        session: u64,
        cxid: u32,
        op: Op,
    },
    /// Leader→follower ping; the follower answers with the sessions its clients touched.
    Ping {
        touched: Vec<u64>,
    },
    /// The peer closed the connection (clean shutdown).
    Close,
}

#[derive(Clone, Debug)]
pub enum ZkMessage {
    Notification(Notification),
    Quorum {
        conn: u64,
        packet: QuorumPacket,
    },
    ConnectRequest {
        conn: u64,
        session: u64,
        timeout_ms: u32,
        last_zxid: Zxid,
    },
    /// `session` 0 = expired / unknown session.
    ConnectResponse {
        conn: u64,
        session: u64,
        timeout_ms: u32,
    },
    /// The server closed the connection (not serving, lost its quorum, refused).
    Closed {
        conn: u64,
    },
    Request {
        conn: u64,
        xid: u32,
        op: Op,
    },
    Response {
        conn: u64,
        xid: u32,
        zxid: Zxid,
        outcome: Box<OpOutcome>,
    },
    Ping {
        conn: u64,
    },
    /// `answered`: the last xid the server answered on this connection (a client whose
    /// request is older than that lost the response: the connection is broken).
    PingReply {
        conn: u64,
        answered: u32,
    },
    Watch {
        conn: u64,
        kind: WatchType,
        path: String,
    },
}

impl ZkMessage {
    pub fn label(&self) -> String {
        match self {
            ZkMessage::Notification(n) => format!("VOTE myid {} r{}", n.vote.leader, n.round),
            ZkMessage::Quorum { packet, .. } => match packet {
                QuorumPacket::FollowerInfo { .. } => "FOLLOWERINFO".into(),
                QuorumPacket::LeaderInfo { epoch } => format!("LEADERINFO e{epoch}"),
                QuorumPacket::AckEpoch { .. } => "ACKEPOCH".into(),
                QuorumPacket::Sync { mode, txns, .. } => {
                    format!("{} ({} txns)", mode.name(), txns.len())
                }
                QuorumPacket::NewLeader { .. } => "NEWLEADER".into(),
                QuorumPacket::AckNewLeader { .. } => "ACK(NEWLEADER)".into(),
                QuorumPacket::UpToDate { .. } => "UPTODATE".into(),
                QuorumPacket::Proposal { txn, .. } => format!("PROPOSAL 0x{:x}", txn.zxid),
                QuorumPacket::Ack { zxid } => format!("ACK 0x{zxid:x}"),
                QuorumPacket::Commit { zxid } => format!("COMMIT 0x{zxid:x}"),
                QuorumPacket::Request { op, .. } => format!("REQUEST {}", op.describe()),
                QuorumPacket::Ping { .. } => "PING".into(),
                QuorumPacket::Close => "FIN".into(),
            },
            ZkMessage::ConnectRequest { .. } => "CONNECT".into(),
            ZkMessage::ConnectResponse { .. } => "CONNECT-RESPONSE".into(),
            ZkMessage::Closed { .. } => "CLOSE".into(),
            ZkMessage::Request { op, .. } => op.describe(),
            ZkMessage::Response { .. } => "RESPONSE".into(),
            ZkMessage::Ping { .. } => "PING".into(),
            ZkMessage::PingReply { .. } => "PING-REPLY".into(),
            ZkMessage::Watch { kind, path, .. } => format!("WATCH {} {path}", kind.name()),
        }
    }
}
