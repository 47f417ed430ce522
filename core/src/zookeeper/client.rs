//! A ZooKeeper client (ClientCnxn) as a sans-IO node: walks the shuffled connect string,
//! creates or resumes its session, pings, fails over on silence or a closed connection, and
//! fails queued requests with ConnectionLoss on every disconnect, as the Java client does.

use crate::sim::event::EventKind;
use crate::sim::node::{Ctx, HostId, Message, Node, Timer};
use crate::zookeeper::messages::{
    KeeperError, Op, OpError, OpOutcome, OpResult, WatchType, ZkMessage, Zxid,
};
use std::collections::VecDeque;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientState {
    /// Not started yet or between attempts.
    Connecting,
    Connected,
    /// The cluster said the session is gone; the client stops.
    Expired,
    Closed,
}

#[derive(Clone, Debug)]
pub enum ClientTimer {
    ConnectTimeout { conn: u64 },
    Tick { conn: u64 },
    Reconnect { conn: u64 },
}

#[derive(Clone, Debug)]
pub struct ZkClient {
    /// The connect string: (host, "name:port").
    servers: Vec<(HostId, String)>,
    order: Vec<usize>,
    pos: usize,
    pub requested_timeout_ms: u32,
    pub state: ClientState,
    pub session: u64,
    pub timeout_ms: u32,
    pub last_zxid: Zxid,
    conn: u64,
    last_heard: u64,
    last_sent: u64,
    queue: VecDeque<(u32, Op)>,
    /// The request on the wire: its xid and path (for the error if the connection drops).
    in_flight: Option<(u32, String)>,
    next_xid: u32,
    /// Finished requests not yet collected (a few at most: a Vec, no tree nodes to allocate).
    results: Vec<(u32, OpOutcome)>,
    /// Watch notifications received, in order.
    pub watch_events: Vec<(WatchType, String)>,
    /// Set once the first connection succeeded (the shell prints `WATCHER::` then).
    pub ever_connected: bool,
    started: bool,
}

impl ZkClient {
    pub fn new(servers: Vec<(HostId, String)>, requested_timeout_ms: u32) -> Self {
        ZkClient {
            order: (0..servers.len()).collect(),
            servers,
            pos: 0,
            requested_timeout_ms,
            state: ClientState::Connecting,
            session: 0,
            timeout_ms: 0,
            last_zxid: 0,
            conn: 0,
            last_heard: 0,
            last_sent: 0,
            queue: VecDeque::new(),
            in_flight: None,
            next_xid: 1,
            results: Vec::new(),
            watch_events: Vec::new(),
            ever_connected: false,
            started: false,
        }
    }

    /// Whether the process has booted (its first connection attempt is under way).
    pub fn conn_started(&self) -> bool {
        self.started
    }

    pub fn connected_server(&self) -> Option<&str> {
        (self.state == ClientState::Connected)
            .then(|| self.servers[self.order[self.pos]].1.as_str())
    }

    fn read_timeout(&self) -> u64 {
        u64::from(self.timeout_ms) * 2 / 3
    }

    fn timer(&self, ctx: &mut Ctx, after: u64, t: ClientTimer) {
        ctx.set_timer(after, Timer::ZkClient(t));
    }

    fn current_host(&self) -> HostId {
        self.servers[self.order[self.pos]].0
    }

    fn connect(&mut self, ctx: &mut Ctx) {
        self.conn += 1;
        self.state = ClientState::Connecting;
        let host = self.current_host();
        ctx.send(
            host,
            Message::Zk(ZkMessage::ConnectRequest {
                conn: self.conn,
                session: self.session,
                timeout_ms: self.requested_timeout_ms,
                last_zxid: self.last_zxid,
            }),
        );
        let connect_timeout = u64::from(self.requested_timeout_ms) / self.servers.len() as u64;
        let conn = self.conn;
        self.timer(
            ctx,
            connect_timeout.max(1),
            ClientTimer::ConnectTimeout { conn },
        );
    }

    fn fail_all(&mut self, code: KeeperError) {
        let pending: Vec<(u32, String)> = self
            .in_flight
            .take()
            .into_iter()
            .chain(self.queue.drain(..).map(|(x, op)| (x, op_path(&op))))
            .collect();
        for (xid, path) in pending {
            self.results.push((xid, Err(OpError { code, path })));
        }
    }

    fn disconnect(&mut self, reason: &str, ctx: &mut Ctx) {
        if matches!(self.state, ClientState::Closed | ClientState::Expired) {
            return;
        }
        if self.state == ClientState::Connected {
            let server = self.servers[self.order[self.pos]].1.clone();
            ctx.emit(|| EventKind::ClientDisconnected {
                server,
                reason: reason.to_string(),
            });
        }
        self.fail_all(KeeperError::ConnectionLoss);
        self.state = ClientState::Connecting;
        self.pos = (self.pos + 1) % self.servers.len();
        self.conn += 1;
        let conn = self.conn;
        // ClientCnxn sleeps up to a second before every attempt but the first.
        let backoff = ctx.random_below(1000);
        self.timer(ctx, backoff, ClientTimer::Reconnect { conn });
    }

    fn pump(&mut self, ctx: &mut Ctx) {
        if self.state != ClientState::Connected || self.in_flight.is_some() {
            return;
        }
        if let Some((xid, op)) = self.queue.pop_front() {
            let path = op_path(&op);
            ctx.send(
                self.current_host(),
                Message::Zk(ZkMessage::Request {
                    conn: self.conn,
                    xid,
                    op,
                }),
            );
            self.last_sent = ctx.now;
            self.in_flight = Some((xid, path));
        }
    }

    /// Queues a request; returns its xid. Poll [`ZkClient::take_result`] for the outcome.
    pub fn submit(&mut self, op: Op, ctx: &mut Ctx) -> u32 {
        let xid = self.next_xid;
        self.next_xid += 1;
        match self.state {
            ClientState::Expired => {
                let path = op_path(&op);
                self.results.push((
                    xid,
                    Err(OpError {
                        code: KeeperError::SessionExpired,
                        path,
                    }),
                ));
            }
            ClientState::Closed => {
                let path = op_path(&op);
                self.results.push((
                    xid,
                    Err(OpError {
                        code: KeeperError::ConnectionLoss,
                        path,
                    }),
                ));
            }
            _ => {
                self.queue.push_back((xid, op));
                self.pump(ctx);
            }
        }
        xid
    }

    pub fn take_result(&mut self, xid: u32) -> Option<OpOutcome> {
        let i = self.results.iter().position(|r| r.0 == xid)?;
        Some(self.results.swap_remove(i).1)
    }

    /// Closes the session (a closeSession request if connected).
    /// A process exiting: CloseSession goes out at once, pipelined behind whatever request is
    /// in flight (the Java client does not wait for earlier answers); no result is kept.
    pub fn close_now(&mut self, ctx: &mut Ctx) {
        if self.state == ClientState::Connected {
            let xid = self.next_xid;
            self.next_xid += 1;
            ctx.send(
                self.current_host(),
                Message::Zk(ZkMessage::Request {
                    conn: self.conn,
                    xid,
                    op: Op::CloseSession { expired: false },
                }),
            );
        }
        self.state = ClientState::Closed;
    }

    pub fn close(&mut self, ctx: &mut Ctx) -> Option<u32> {
        if self.state == ClientState::Connected {
            Some(self.submit(Op::CloseSession { expired: false }, ctx))
        } else {
            self.state = ClientState::Closed;
            None
        }
    }
}

fn op_path(op: &Op) -> String {
    match op {
        Op::Create { path, .. }
        | Op::Delete { path, .. }
        | Op::SetData { path, .. }
        | Op::Check { path, .. }
        | Op::GetData { path, .. }
        | Op::Exists { path, .. }
        | Op::GetChildren { path, .. } => path.clone(),
        _ => String::new(),
    }
}

impl Node for ZkClient {
    fn on_start(&mut self, ctx: &mut Ctx) {
        if !self.started {
            // StaticHostProvider shuffles the connect string (randomness from the simulator).
            for i in (1..self.order.len()).rev() {
                let j = ctx.random_below(i as u64 + 1) as usize;
                self.order.swap(i, j);
            }
            self.started = true;
        }
        self.connect(ctx);
    }

    fn on_message(&mut self, from: HostId, msg: Message, ctx: &mut Ctx) {
        let m = match msg {
            Message::Refused => {
                if from == self.current_host() && self.state == ClientState::Connecting {
                    self.disconnect("connection refused", ctx);
                }
                return;
            }
            Message::Zk(m) => m,
            Message::Kafka(_) => return,
        };
        if from != self.current_host() {
            return;
        }
        match m {
            ZkMessage::ConnectResponse {
                conn,
                session,
                timeout_ms,
            } if conn == self.conn && self.state == ClientState::Connecting => {
                if session == 0 {
                    self.state = ClientState::Expired;
                    self.fail_all(KeeperError::SessionExpired);
                    let server = self.servers[self.order[self.pos]].1.clone();
                    ctx.emit(|| EventKind::ClientDisconnected {
                        server,
                        reason: "session expired".into(),
                    });
                    return;
                }
                self.session = session;
                self.timeout_ms = timeout_ms;
                self.state = ClientState::Connected;
                self.ever_connected = true;
                self.last_heard = ctx.now;
                self.last_sent = ctx.now;
                let server = self.servers[self.order[self.pos]].1.clone();
                ctx.emit(|| EventKind::ClientConnected { server, session });
                let conn = self.conn;
                let every = (self.read_timeout() / 4).max(10);
                self.timer(ctx, every, ClientTimer::Tick { conn });
                self.pump(ctx);
            }
            ZkMessage::Closed { conn } if conn == self.conn => {
                self.disconnect("the server closed the connection", ctx);
            }
            ZkMessage::Response {
                conn,
                xid,
                zxid,
                outcome,
            } if conn == self.conn => {
                self.last_heard = ctx.now;
                self.last_zxid = self.last_zxid.max(zxid);
                if self.in_flight.as_ref().map(|f| f.0) == Some(xid) {
                    self.in_flight = None;
                    if *outcome == Ok(OpResult::SessionClosed) {
                        self.state = ClientState::Closed;
                    }
                    self.results.push((xid, *outcome));
                }
                self.pump(ctx);
            }
            ZkMessage::PingReply { conn, answered } if conn == self.conn => {
                self.last_heard = ctx.now;
                if self.in_flight.as_ref().is_some_and(|f| f.0 <= answered) {
                    // The server answered our request but the answer never came: broken.
                    self.disconnect("a response was lost", ctx);
                }
            }
            ZkMessage::Watch { conn, kind, path } if conn == self.conn => {
                self.last_heard = ctx.now;
                self.watch_events.push((kind, path));
            }
            _ => {}
        }
    }

    fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx) {
        let Timer::ZkClient(t) = timer else {
            return;
        };
        match t {
            ClientTimer::ConnectTimeout { conn } => {
                if conn == self.conn && self.state == ClientState::Connecting {
                    self.disconnect("connect timeout", ctx);
                }
            }
            ClientTimer::Reconnect { conn } => {
                if conn == self.conn && self.state == ClientState::Connecting {
                    self.connect(ctx);
                }
            }
            ClientTimer::Tick { conn } => {
                if conn != self.conn || self.state != ClientState::Connected {
                    return;
                }
                let rt = self.read_timeout();
                if ctx.now.saturating_sub(self.last_heard) > rt {
                    self.disconnect("no response from the server", ctx);
                    return;
                }
                if ctx.now.saturating_sub(self.last_sent) >= rt / 2 {
                    ctx.send(self.current_host(), Message::Zk(ZkMessage::Ping { conn }));
                    self.last_sent = ctx.now;
                }
                let every = (rt / 4).max(10);
                self.timer(ctx, every, ClientTimer::Tick { conn });
            }
        }
    }

    fn on_stop(&mut self) {
        self.state = ClientState::Closed;
        self.fail_all(KeeperError::ConnectionLoss);
    }
}
