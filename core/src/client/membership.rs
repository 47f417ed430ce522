//! A consumer's group membership (the Java `ConsumerCoordinator`, eager protocol as with the
//! default `range` assignor): find the coordinator, JoinGroup (rejoining with the member id
//! after MEMBER_ID_REQUIRED), the leader computes the assignment, SyncGroup, then heartbeats
//! every `heartbeat.interval.ms` and auto-commits every `auto.commit.interval.ms`. A rebalance
//! (REBALANCE_IN_PROGRESS) commits synchronously (`onJoinPrepare`), revokes everything and
//! rejoins. A JoinGroup error the Java client deems fatal (INCONSISTENT_GROUP_PROTOCOL, …)
//! ends the membership: `poll()` throws it.

use crate::broker::messages::{BrokerId, GroupRequest, GroupResponse};
use crate::kafka::assignor::{assign, Strategy, Subscription, DEFAULT_STRATEGIES};
use crate::kafka::group::{JoinRequest, JoinResponse};
use crate::ordered::OrdMap as BTreeMap;

type TopicPartition = (String, i32);

/// `heartbeat.interval.ms`.
pub const HEARTBEAT_INTERVAL_MS: u64 = 3_000;
/// `session.timeout.ms` (45 s since 3.0).
pub const SESSION_TIMEOUT_MS: u64 = 45_000;
/// `max.poll.interval.ms` (the rebalance timeout).
pub const MAX_POLL_INTERVAL_MS: u64 = 300_000;
/// `auto.commit.interval.ms`.
pub const AUTO_COMMIT_INTERVAL_MS: u64 = 5_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Looking for the coordinator.
    Discover,
    /// FindCoordinator in flight.
    Finding,
    /// Ready to (re)join.
    Join,
    Joining,
    Syncing,
    Stable,
    Left,
}

#[derive(Clone, Debug)]
pub struct Membership {
    pub group_id: String,
    pub client_id: String,
    pub strategies: Vec<Strategy>,
    pub phase: Phase,
    pub coordinator: Option<(BrokerId, String)>,
    pub member_id: String,
    pub generation: i32,
    pub assigned: Vec<TopicPartition>,
    /// Assigned partitions whose committed offsets are being fetched.
    pub fetching_offsets: bool,
    /// The outstanding group request's corr and kind.
    pub inflight: BTreeMap<u32, &'static str>,
}

/// What the consumer should do after a group response.
#[derive(Clone, Debug)]
pub enum Next {
    Nothing,
    /// Send this group request to the coordinator.
    Send(GroupRequest),
    /// Re-find the coordinator after a backoff.
    Rediscover,
    /// The assignment changed: fetch committed offsets for these partitions.
    Assigned(Vec<TopicPartition>),
    /// JoinGroup failed with an error the client does not retry: `poll()` throws it (the
    /// error's name).
    Fatal(String),
}

/// JoinGroup errors `JoinGroupResponseHandler` raises instead of retrying.
pub const FATAL_JOIN_ERRORS: [&str; 5] = [
    "INCONSISTENT_GROUP_PROTOCOL",
    "INVALID_SESSION_TIMEOUT",
    "INVALID_GROUP_ID",
    "GROUP_AUTHORIZATION_FAILED",
    "GROUP_MAX_SIZE_REACHED",
];

impl Membership {
    pub fn new(group_id: &str, client_id: &str, strategies: Vec<Strategy>) -> Self {
        Membership {
            group_id: group_id.to_string(),
            client_id: client_id.to_string(),
            strategies: if strategies.is_empty() {
                DEFAULT_STRATEGIES.to_vec()
            } else {
                strategies
            },
            phase: Phase::Discover,
            coordinator: None,
            member_id: String::new(),
            generation: -1,
            assigned: Vec::new(),
            fetching_offsets: false,
            inflight: BTreeMap::new(),
        }
    }

    pub fn join_request(&self, topic: &str) -> GroupRequest {
        let protocols = self
            .strategies
            .iter()
            .map(|s| {
                let sub = Subscription {
                    topics: vec![topic.to_string()],
                    owned_partitions: self.assigned.clone(),
                    generation: (self.generation >= 0).then_some(self.generation),
                    group_instance_id: None,
                };
                (s.name().to_string(), sub)
            })
            .collect();
        GroupRequest::Join(JoinRequest {
            member_id: self.member_id.clone(),
            client_id: self.client_id.clone(),
            client_host: "/127.0.0.1".into(),
            rebalance_timeout_ms: MAX_POLL_INTERVAL_MS,
            session_timeout_ms: SESSION_TIMEOUT_MS,
            protocol_type: "consumer".into(),
            protocols,
            require_known_member_id: true,
        })
    }

    /// Loses the coordinator (NOT_COORDINATOR, connection failure): find it again
    /// (`markCoordinatorUnknown`). A Stable member stays Stable: it keeps its generation and
    /// assignment, goes on fetching, and heartbeats to the new coordinator once found (which
    /// loaded the group with its members), without a rebalance. A join or sync in flight
    /// fails and is retried from the start.
    pub fn lose_coordinator(&mut self) {
        self.coordinator = None;
        self.inflight.clear();
        // An OffsetFetch in flight is lost with it: asked again of the new coordinator.
        self.fetching_offsets = false;
        if !matches!(self.phase, Phase::Left | Phase::Stable) {
            self.phase = Phase::Discover;
        }
    }

    /// Whether the coordinator must be looked up before anything else is sent.
    pub fn needs_coordinator(&self) -> bool {
        self.phase == Phase::Discover || (self.phase == Phase::Stable && self.coordinator.is_none())
    }

    /// The eager protocol: everything is revoked before rejoining. `reset_member`: the
    /// generation and member id are dropped first (`resetGenerationOnResponseError`).
    pub fn rejoin(&mut self, reset_member: bool) -> Next {
        if reset_member {
            self.member_id.clear();
            self.generation = -1;
        }
        self.assigned.clear();
        self.phase = Phase::Join;
        Next::Nothing
    }

    fn on_join(&mut self, r: JoinResponse, partitions: &BTreeMap<String, i32>) -> Next {
        match r.error.name() {
            "NONE" => {}
            "MEMBER_ID_REQUIRED" => {
                self.member_id = r.member_id;
                return self.rejoin(false);
            }
            "UNKNOWN_MEMBER_ID" | "ILLEGAL_GENERATION" => return self.rejoin(true),
            "NOT_COORDINATOR" | "COORDINATOR_NOT_AVAILABLE" => {
                self.lose_coordinator();
                return Next::Rediscover;
            }
            e if FATAL_JOIN_ERRORS.contains(&e) => {
                self.phase = Phase::Left;
                self.assigned.clear();
                return Next::Fatal(e.to_string());
            }
            _ => return self.rejoin(false),
        }
        self.member_id = r.member_id.clone();
        self.generation = r.generation_id;
        self.phase = Phase::Syncing;
        let mut assignments = Vec::new();
        if r.leader == r.member_id {
            let strategy = r
                .protocol_name
                .as_deref()
                .and_then(|n| Strategy::parse(n).ok())
                .unwrap_or(Strategy::Range);
            let subs: BTreeMap<String, Subscription> = r
                .members
                .iter()
                .map(|m| (m.member_id.clone(), m.metadata.clone()))
                .collect();
            assignments = assign(strategy, partitions, &subs).into_iter().collect();
        }
        Next::Send(GroupRequest::Sync {
            member_id: self.member_id.clone(),
            generation: self.generation,
            protocol: r.protocol_name,
            assignments,
        })
    }

    /// Handles a group response; `partitions` are the topic partition counts the leader
    /// assigns from.
    pub fn on_response(
        &mut self,
        corr: u32,
        response: GroupResponse,
        partitions: &BTreeMap<String, i32>,
    ) -> Next {
        let Some(kind) = self.inflight.remove(&corr) else {
            return Next::Nothing;
        };
        if self.phase == Phase::Left {
            return Next::Nothing;
        }
        match response {
            GroupResponse::Error(e)
                if e == "NOT_COORDINATOR" || e == "COORDINATOR_NOT_AVAILABLE" =>
            {
                self.lose_coordinator();
                Next::Rediscover
            }
            GroupResponse::Error(_) => self.rejoin(false),
            GroupResponse::Join(r) if kind == "join" => self.on_join(r, partitions),
            GroupResponse::Sync(r) if kind == "sync" => match r.error.name() {
                "NONE" => {
                    self.phase = Phase::Stable;
                    self.assigned = r.assignment;
                    Next::Assigned(self.assigned.clone())
                }
                "UNKNOWN_MEMBER_ID" | "ILLEGAL_GENERATION" => self.rejoin(true),
                "NOT_COORDINATOR" | "COORDINATOR_NOT_AVAILABLE" => {
                    self.lose_coordinator();
                    Next::Rediscover
                }
                _ => self.rejoin(false),
            },
            GroupResponse::Heartbeat(e) => match e.as_str() {
                "NONE" => Next::Nothing,
                "REBALANCE_IN_PROGRESS" => self.rejoin(false),
                "NOT_COORDINATOR" | "COORDINATOR_NOT_AVAILABLE" => {
                    self.lose_coordinator();
                    Next::Rediscover
                }
                _ => self.rejoin(true),
            },
            _ => Next::Nothing,
        }
    }
}
