//! One consumer group as Kafka 3.0's `GroupCoordinator` keeps it (`GroupMetadata`,
//! `MemberMetadata`, the JoinGroup/SyncGroup/Heartbeat/LeaveGroup/OffsetCommit handling and
//! the delayed operations), as a plain struct driven by calls.
//!
//! Time is explicit: every call takes `now_ms`; [`Group::deadlines`] lists what the group waits
//! for and the caller calls [`Group::on_timer`] when the earliest is due. Requests Kafka parks
//! (JoinGroup until the rebalance completes, SyncGroup until the leader's assignment arrives)
//! are answered later through [`Replies`], keyed by member id. Member ids come from the caller
//! (a seeded RNG), never from here. The group store write (`storeGroup`) after the leader's
//! SyncGroup is the caller's: [`Replies::store`] asks for it and [`Group::on_group_stored`]
//! completes it (with the error the write mapped to), as `GroupMetadataManager` calls back.
//! Offset commits likewise: [`Group::check_commit`] validates, the caller appends to the
//! offsets log and, once that is replicated, [`Group::apply_commit`] caches the offsets.
//!
//! Where Kafka picks "the first" member of its Scala member HashMap (a new leader when the
//! leader leaves, the JoinGroup member list, a tied protocol vote), we take join order.
//! Static membership (`group.instance.id`) is not modelled.
//!
//! The coordinator around this struct owns the group map and answers for groups it does not
//! have (as `GroupCoordinator` does): JoinGroup with an empty member id creates the group,
//! with a member id answers UNKNOWN_MEMBER_ID; SyncGroup, Heartbeat and LeaveGroup answer
//! UNKNOWN_MEMBER_ID; OffsetCommit with generation < 0 creates an Empty group and commits,
//! otherwise ILLEGAL_GENERATION; OffsetFetch answers offset -1; DescribeGroups answers
//! [`GroupDescription::dead`].

use crate::ordered::OrdMap as BTreeMap;

use super::assignor::{Subscription, TopicPartition};
pub use super::describe::GroupState;

/// `NewMemberJoinTimeoutMs`: a new member must complete its first join within 5 minutes.
pub const NEW_MEMBER_JOIN_TIMEOUT_MS: u64 = 5 * 60 * 1000;

/// The broker settings the coordinator applies to every group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupConfig {
    /// `group.initial.rebalance.delay.ms`.
    pub initial_rebalance_delay_ms: u64,
    /// `group.min.session.timeout.ms`.
    pub min_session_timeout_ms: u64,
    /// `group.max.session.timeout.ms`.
    pub max_session_timeout_ms: u64,
    /// `group.max.size`.
    pub max_size: usize,
    /// `offset.metadata.max.bytes`.
    pub offset_metadata_max_bytes: usize,
}

impl Default for GroupConfig {
    fn default() -> Self {
        GroupConfig {
            initial_rebalance_delay_ms: 3000,
            min_session_timeout_ms: 6000,
            max_session_timeout_ms: 1_800_000,
            max_size: i32::MAX as usize,
            offset_metadata_max_bytes: 4096,
        }
    }
}

/// The error codes the group APIs answer with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GroupError {
    #[default]
    None,
    MemberIdRequired,
    UnknownMemberId,
    IllegalGeneration,
    RebalanceInProgress,
    InconsistentGroupProtocol,
    InvalidSessionTimeout,
    CoordinatorNotAvailable,
    GroupMaxSizeReached,
    OffsetMetadataTooLarge,
    NonEmptyGroup,
    GroupIdNotFound,
    NotCoordinator,
    UnknownServerError,
    GroupSubscribedToTopic,
}

impl GroupError {
    /// Kafka's `Errors` name.
    pub fn name(self) -> &'static str {
        match self {
            GroupError::None => "NONE",
            GroupError::MemberIdRequired => "MEMBER_ID_REQUIRED",
            GroupError::UnknownMemberId => "UNKNOWN_MEMBER_ID",
            GroupError::IllegalGeneration => "ILLEGAL_GENERATION",
            GroupError::RebalanceInProgress => "REBALANCE_IN_PROGRESS",
            GroupError::InconsistentGroupProtocol => "INCONSISTENT_GROUP_PROTOCOL",
            GroupError::InvalidSessionTimeout => "INVALID_SESSION_TIMEOUT",
            GroupError::CoordinatorNotAvailable => "COORDINATOR_NOT_AVAILABLE",
            GroupError::GroupMaxSizeReached => "GROUP_MAX_SIZE_REACHED",
            GroupError::OffsetMetadataTooLarge => "OFFSET_METADATA_TOO_LARGE",
            GroupError::NonEmptyGroup => "NON_EMPTY_GROUP",
            GroupError::GroupIdNotFound => "GROUP_ID_NOT_FOUND",
            GroupError::NotCoordinator => "NOT_COORDINATOR",
            GroupError::UnknownServerError => "UNKNOWN_SERVER_ERROR",
            GroupError::GroupSubscribedToTopic => "GROUP_SUBSCRIBED_TO_TOPIC",
        }
    }

    /// The wire error code.
    pub fn code(self) -> i16 {
        match self {
            GroupError::None => 0,
            GroupError::MemberIdRequired => 79,
            GroupError::UnknownMemberId => 25,
            GroupError::IllegalGeneration => 22,
            GroupError::RebalanceInProgress => 27,
            GroupError::InconsistentGroupProtocol => 23,
            GroupError::InvalidSessionTimeout => 26,
            GroupError::CoordinatorNotAvailable => 15,
            GroupError::GroupMaxSizeReached => 81,
            GroupError::OffsetMetadataTooLarge => 12,
            GroupError::NonEmptyGroup => 68,
            GroupError::GroupIdNotFound => 69,
            GroupError::NotCoordinator => 16,
            GroupError::UnknownServerError => -1,
            GroupError::GroupSubscribedToTopic => 86,
        }
    }
}

/// A JoinGroup request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JoinRequest {
    /// Empty for a member that has none yet.
    pub member_id: String,
    pub client_id: String,
    /// Written `/ip` in describe output.
    pub client_host: String,
    /// The consumer's `max.poll.interval.ms`.
    pub rebalance_timeout_ms: u64,
    pub session_timeout_ms: u64,
    /// `consumer` for consumers.
    pub protocol_type: String,
    /// Assignor names in the member's preference order, each with its subscription.
    pub protocols: Vec<(String, Subscription)>,
    /// JoinGroup v4+ (the Java client since 2.2): an unknown member first gets
    /// MEMBER_ID_REQUIRED with its id and rejoins with it.
    pub require_known_member_id: bool,
}

/// One entry of the leader's JoinGroup member list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JoinMember {
    pub member_id: String,
    pub metadata: Subscription,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JoinResponse {
    pub error: GroupError,
    pub member_id: String,
    /// -1 on errors.
    pub generation_id: i32,
    pub protocol_type: Option<String>,
    pub protocol_name: Option<String>,
    /// Empty on errors.
    pub leader: String,
    /// Every member's subscription for the chosen protocol, for the leader only.
    pub members: Vec<JoinMember>,
}

impl JoinResponse {
    /// `JoinGroupResult(memberId, error)`.
    pub fn error(member_id: &str, error: GroupError) -> Self {
        JoinResponse {
            error,
            member_id: member_id.to_string(),
            generation_id: -1,
            protocol_type: None,
            protocol_name: None,
            leader: String::new(),
            members: Vec::new(),
        }
    }
}

/// What a JoinGroup call gets right away.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JoinResult {
    Now(JoinResponse),
    /// Parked until the rebalance completes; the answer comes in a [`Replies::joins`] entry
    /// for this member id (possibly from this very call).
    Parked {
        member_id: String,
    },
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncResponse {
    pub error: GroupError,
    pub protocol_type: Option<String>,
    pub protocol_name: Option<String>,
    pub assignment: Vec<TopicPartition>,
}

impl SyncResponse {
    fn error(error: GroupError) -> Self {
        SyncResponse {
            error,
            ..SyncResponse::default()
        }
    }
}

/// Answers to parked requests that a call completed, in the order Kafka sends them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Replies {
    pub joins: Vec<(String, JoinResponse)>,
    pub syncs: Vec<(String, SyncResponse)>,
    /// `storeGroup`: the leader's assignment for this generation must be written to the
    /// offsets log; the caller answers with [`Group::on_group_stored`].
    pub store: Option<i32>,
}

/// What a group waits for; see [`Group::deadlines`].
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Timer {
    /// The rebalance (initial delay or rebalance timeout) completes the join.
    Join,
    /// Members that have not sent SyncGroup by then are removed.
    Sync,
    /// The member's session (or new-member join timeout) expires.
    Session(String),
    /// A member told MEMBER_ID_REQUIRED that has not rejoined is forgotten.
    PendingMember(String),
}

/// A committed offset (`OffsetAndMetadata`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommittedOffset {
    pub offset: i64,
    pub metadata: String,
    pub commit_timestamp_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Member {
    id: String,
    client_id: String,
    client_host: String,
    rebalance_timeout_ms: u64,
    session_timeout_ms: u64,
    protocols: Vec<(String, Subscription)>,
    assignment: Vec<TopicPartition>,
    awaiting_join: bool,
    awaiting_sync: bool,
    is_new: bool,
    /// The pending `DelayedHeartbeat`, if any.
    session_deadline: Option<u64>,
}

impl Member {
    /// `hasSatisfiedHeartbeat` once the expected heartbeat has not come: members waiting in a
    /// rebalance are excused, unless they are new.
    fn excused(&self) -> bool {
        !self.is_new && (self.awaiting_join || self.awaiting_sync)
    }

    fn metadata(&self, protocol: &str) -> Subscription {
        self.protocols
            .iter()
            .find(|(p, _)| p == protocol)
            .map(|(_, s)| s.clone())
            .unwrap_or_default()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum JoinTimer {
    /// `InitialDelayedJoin`: waits out the delay even if everyone has joined.
    Initial {
        deadline: u64,
        delay: u64,
        remaining: u64,
    },
    /// `DelayedJoin`: completes early once every member has rejoined.
    Normal { deadline: u64 },
}

/// One member in [`GroupDescription`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberDescription {
    pub member_id: String,
    pub client_id: String,
    pub client_host: String,
    /// Empty unless the group is Stable (`summaryNoMetadata`).
    pub assignment: Vec<TopicPartition>,
}

/// DescribeGroups' answer (`GroupSummary`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupDescription {
    pub group_id: String,
    pub state: GroupState,
    /// `consumer`, or empty for a group that only ever stored offsets.
    pub protocol_type: String,
    /// The assignor; empty unless Stable.
    pub protocol: String,
    pub members: Vec<MemberDescription>,
}

impl GroupDescription {
    /// What DescribeGroups says for a group the coordinator does not know (`DeadGroup`).
    pub fn dead(group_id: &str) -> Self {
        GroupDescription {
            group_id: group_id.to_string(),
            state: GroupState::Dead,
            protocol_type: String::new(),
            protocol: String::new(),
            members: Vec::new(),
        }
    }
}

/// Member id → its partitions, as the leader's SyncGroup gives them.
type Assignments = Vec<(String, Vec<TopicPartition>)>;

/// One consumer group on its coordinator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub group_id: String,
    config: GroupConfig,
    state: GroupState,
    generation: i32,
    protocol_type: Option<String>,
    protocol_name: Option<String>,
    leader: Option<String>,
    /// In join order.
    members: Vec<Member>,
    /// Told MEMBER_ID_REQUIRED, not yet rejoined: id → expiry.
    pending: BTreeMap<String, u64>,
    pending_sync: Vec<String>,
    new_member_added: bool,
    join_timer: Option<JoinTimer>,
    /// `DelayedSync`: (deadline, generation).
    sync_timer: Option<(u64, i32)>,
    offsets: BTreeMap<TopicPartition, CommittedOffset>,
    /// The leader's assignment being stored: (generation, member → partitions).
    pending_store: Option<(i32, Assignments)>,
}

mod handlers;
mod record;

impl Group {
    pub fn new(group_id: &str, config: GroupConfig) -> Self {
        Group {
            group_id: group_id.to_string(),
            config,
            state: GroupState::Empty,
            generation: 0,
            protocol_type: None,
            protocol_name: None,
            leader: None,
            members: Vec::new(),
            pending: BTreeMap::new(),
            pending_sync: Vec::new(),
            new_member_added: false,
            join_timer: None,
            sync_timer: None,
            offsets: BTreeMap::new(),
            pending_store: None,
        }
    }

    pub fn state(&self) -> GroupState {
        self.state
    }

    pub fn generation(&self) -> i32 {
        self.generation
    }

    pub fn leader(&self) -> Option<&str> {
        self.leader.as_deref()
    }

    /// The chosen assignor, once a rebalance has completed with members.
    pub fn protocol_name(&self) -> Option<&str> {
        self.protocol_name.as_deref()
    }

    pub fn protocol_type(&self) -> Option<&str> {
        self.protocol_type.as_deref()
    }

    /// Member ids in join order.
    pub fn member_ids(&self) -> Vec<String> {
        self.members.iter().map(|m| m.id.clone()).collect()
    }

    pub fn offsets(&self) -> &BTreeMap<TopicPartition, CommittedOffset> {
        &self.offsets
    }

    /// ListGroups' entry: (group id, protocol type, state).
    pub fn overview(&self) -> (String, String, GroupState) {
        (
            self.group_id.clone(),
            self.protocol_type.clone().unwrap_or_default(),
            self.state,
        )
    }

    /// DescribeGroups (`GroupMetadata.summary`): protocol and assignments only when Stable.
    pub fn describe(&self) -> GroupDescription {
        let stable = self.state == GroupState::Stable;
        GroupDescription {
            group_id: self.group_id.clone(),
            state: self.state,
            protocol_type: self.protocol_type.clone().unwrap_or_default(),
            protocol: if stable {
                self.protocol_name.clone().unwrap_or_default()
            } else {
                String::new()
            },
            members: self
                .members
                .iter()
                .map(|m| MemberDescription {
                    member_id: m.id.clone(),
                    client_id: m.client_id.clone(),
                    client_host: m.client_host.clone(),
                    assignment: if stable {
                        m.assignment.clone()
                    } else {
                        Vec::new()
                    },
                })
                .collect(),
        }
    }

    /// Everything the group waits for, earliest first.
    pub fn deadlines(&self) -> Vec<(u64, Timer)> {
        let mut out = Vec::new();
        match &self.join_timer {
            Some(JoinTimer::Initial { deadline, .. } | JoinTimer::Normal { deadline }) => {
                out.push((*deadline, Timer::Join))
            }
            None => {}
        }
        if let Some((deadline, _)) = self.sync_timer {
            out.push((deadline, Timer::Sync));
        }
        for m in &self.members {
            if let Some(d) = m.session_deadline {
                out.push((d, Timer::Session(m.id.clone())));
            }
        }
        for (id, d) in &self.pending {
            out.push((*d, Timer::PendingMember(id.clone())));
        }
        crate::sort::sort(&mut out);
        out
    }

    /// The earliest deadline, for the caller's scheduler.
    pub fn next_deadline(&self) -> Option<u64> {
        self.deadlines().first().map(|(t, _)| *t)
    }

    /// `group.rebalanceTimeoutMs`: the largest of the members'.
    fn rebalance_timeout_ms(&self) -> u64 {
        self.members
            .iter()
            .map(|m| m.rebalance_timeout_ms)
            .max()
            .unwrap_or(0)
    }

    fn member(&self, id: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.id == id)
    }

    fn member_mut(&mut self, id: &str) -> Option<&mut Member> {
        self.members.iter_mut().find(|m| m.id == id)
    }

    fn has(&self, id: &str) -> bool {
        self.member(id).is_some()
    }

    fn is_leader(&self, id: &str) -> bool {
        self.leader.as_deref() == Some(id)
    }

    /// `supportsProtocols`: an Empty group takes any consumer; otherwise the type must match and
    /// one of the member's protocols must be supported by every current member.
    fn supports_protocols(
        &self,
        protocol_type: &str,
        protocols: &[(String, Subscription)],
    ) -> bool {
        if self.state == GroupState::Empty {
            return !protocol_type.is_empty() && !protocols.is_empty();
        }
        self.protocol_type.as_deref() == Some(protocol_type)
            && protocols.iter().any(|(p, _)| self.supported_by_all(p))
    }

    fn supported_by_all(&self, protocol: &str) -> bool {
        !self.members.is_empty()
            && self
                .members
                .iter()
                .all(|m| m.protocols.iter().any(|(p, _)| p == protocol))
    }

    /// `selectProtocol`: each member votes for its first protocol that all members support;
    /// the most votes win, ties going to the earliest voter's choice.
    fn select_protocol(&self) -> Option<String> {
        let mut votes: Vec<(String, usize)> = Vec::new();
        for m in &self.members {
            let Some((vote, _)) = m.protocols.iter().find(|(p, _)| self.supported_by_all(p)) else {
                continue;
            };
            match votes.iter_mut().find(|(p, _)| p == vote) {
                Some((_, n)) => *n += 1,
                None => votes.push((vote.clone(), 1)),
            }
        }
        let best = votes.iter().map(|(_, n)| *n).max()?;
        votes.into_iter().find(|(_, n)| *n == best).map(|(p, _)| p)
    }

    fn has_all_members_joined(&self) -> bool {
        self.pending.is_empty() && self.members.iter().all(|m| m.awaiting_join)
    }

    /// `completeAndScheduleNextExpiration`: the member's next session deadline; none while it
    /// is excused (a parked existing member), as Kafka completes that heartbeat at once.
    fn schedule_session(&mut self, id: &str, now: u64, timeout: u64) {
        if let Some(m) = self.member_mut(id) {
            m.session_deadline = if m.excused() {
                None
            } else {
                Some(now + timeout)
            };
        }
    }

    fn schedule_heartbeat(&mut self, id: &str, now: u64) {
        if let Some(timeout) = self.member(id).map(|m| m.session_timeout_ms) {
            self.schedule_session(id, now, timeout);
        }
    }

    /// `GroupMetadata.remove`: the next leader is the earliest-joined remaining member.
    fn remove(&mut self, id: &str) {
        self.members.retain(|m| m.id != id);
        if self.is_leader(id) {
            self.leader = self.members.first().map(|m| m.id.clone());
        }
        self.pending.remove(id);
        self.pending_sync.retain(|m| m != id);
    }
}

#[cfg(test)]
mod tests;
