//! The request handling and delayed operations of `GroupCoordinator.scala` for one group.

use super::{
    CommittedOffset, Group, GroupError, GroupState, JoinMember, JoinRequest, JoinResponse,
    JoinResult, JoinTimer, Member, Replies, SyncResponse, Timer, NEW_MEMBER_JOIN_TIMEOUT_MS,
};
use crate::kafka::assignor::TopicPartition;

impl Group {
    /// JoinGroup. `member_id_suffix` (a UUID-like string from the caller's seeded RNG) makes a
    /// new member's id `<client.id>-<suffix>`; it is unused for members that have an id.
    pub fn join_group(
        &mut self,
        now: u64,
        req: JoinRequest,
        member_id_suffix: &str,
    ) -> (JoinResult, Replies) {
        let mut replies = Replies::default();
        let now_err = |e| {
            (
                JoinResult::Now(JoinResponse::error(&req.member_id, e)),
                Replies::default(),
            )
        };
        if req.session_timeout_ms < self.config.min_session_timeout_ms
            || req.session_timeout_ms > self.config.max_session_timeout_ms
        {
            return now_err(GroupError::InvalidSessionTimeout);
        }
        if !self.accepts_joining_member(&req.member_id) {
            self.remove(&req.member_id);
            return (
                JoinResult::Now(JoinResponse::error("", GroupError::GroupMaxSizeReached)),
                replies,
            );
        }
        if self.state == GroupState::Dead {
            return now_err(GroupError::CoordinatorNotAvailable);
        }
        if !self.supports_protocols(&req.protocol_type, &req.protocols) {
            return now_err(GroupError::InconsistentGroupProtocol);
        }
        let result = if req.member_id.is_empty() {
            let id = format!("{}-{member_id_suffix}", req.client_id);
            if req.require_known_member_id {
                self.pending
                    .insert(id.clone(), now + req.session_timeout_ms);
                JoinResult::Now(JoinResponse::error(&id, GroupError::MemberIdRequired))
            } else {
                self.add_member_and_rebalance(now, id.clone(), req, &mut replies);
                JoinResult::Parked { member_id: id }
            }
        } else if self.pending.contains_key(&req.member_id) {
            let id = req.member_id.clone();
            self.add_member_and_rebalance(now, id.clone(), req, &mut replies);
            JoinResult::Parked { member_id: id }
        } else if !self.has(&req.member_id) {
            JoinResult::Now(JoinResponse::error(
                &req.member_id,
                GroupError::UnknownMemberId,
            ))
        } else {
            self.current_member_join(now, req, &mut replies)
        };
        self.maybe_complete_join(now, &mut replies);
        (result, replies)
    }

    /// `acceptJoiningMember`: `group.max.size`.
    fn accepts_joining_member(&self, id: &str) -> bool {
        let max = self.config.max_size;
        match self.state {
            GroupState::Empty | GroupState::Dead => true,
            GroupState::PreparingRebalance => {
                self.member(id).is_some_and(|m| m.awaiting_join)
                    || self.members.iter().filter(|m| m.awaiting_join).count() < max
            }
            GroupState::CompletingRebalance | GroupState::Stable => {
                self.has(id) || self.members.len() < max
            }
        }
    }

    fn current_member_join(
        &mut self,
        now: u64,
        req: JoinRequest,
        replies: &mut Replies,
    ) -> JoinResult {
        let id = req.member_id.clone();
        let member = self.member(&id).expect("checked");
        let matches = member.protocols == req.protocols;
        match self.state {
            GroupState::PreparingRebalance => {}
            GroupState::CompletingRebalance if matches => {
                // A duplicate join (e.g. a retried request): answer as the join did.
                let mut r = self.join_response(&id);
                if !self.is_leader(&id) {
                    r.members.clear();
                }
                return JoinResult::Now(r);
            }
            GroupState::Stable if matches && !self.is_leader(&id) => {
                let mut r = self.join_response(&id);
                r.members.clear();
                return JoinResult::Now(r);
            }
            GroupState::CompletingRebalance | GroupState::Stable => {}
            GroupState::Empty | GroupState::Dead => {
                return JoinResult::Now(JoinResponse::error(&id, GroupError::UnknownMemberId));
            }
        }
        // updateMemberAndRebalance
        let m = self.member_mut(&id).expect("checked");
        m.protocols = req.protocols;
        m.awaiting_join = true;
        self.maybe_prepare_rebalance(now, replies);
        JoinResult::Parked { member_id: id }
    }

    fn add_member_and_rebalance(
        &mut self,
        now: u64,
        id: String,
        req: JoinRequest,
        replies: &mut Replies,
    ) {
        if self.state == GroupState::PreparingRebalance && self.generation == 0 {
            self.new_member_added = true;
        }
        if self.members.is_empty() {
            self.protocol_type = Some(req.protocol_type.clone());
        }
        if self.leader.is_none() {
            self.leader = Some(id.clone());
        }
        self.pending.remove(&id);
        self.members.push(Member {
            id: id.clone(),
            client_id: req.client_id,
            client_host: req.client_host,
            rebalance_timeout_ms: req.rebalance_timeout_ms,
            session_timeout_ms: req.session_timeout_ms,
            protocols: req.protocols,
            assignment: Vec::new(),
            awaiting_join: true,
            awaiting_sync: false,
            is_new: true,
            session_deadline: None,
        });
        self.schedule_session(&id, now, NEW_MEMBER_JOIN_TIMEOUT_MS);
        self.maybe_prepare_rebalance(now, replies);
    }

    fn maybe_prepare_rebalance(&mut self, now: u64, replies: &mut Replies) {
        if matches!(
            self.state,
            GroupState::Stable | GroupState::CompletingRebalance | GroupState::Empty
        ) {
            self.prepare_rebalance(now, replies);
        }
    }

    /// `prepareRebalance`: parked SyncGroups get REBALANCE_IN_PROGRESS; an Empty group waits
    /// `group.initial.rebalance.delay.ms` for more members, others up to the rebalance timeout.
    fn prepare_rebalance(&mut self, now: u64, replies: &mut Replies) {
        if self.state == GroupState::CompletingRebalance {
            for m in &mut self.members {
                m.assignment.clear();
            }
            self.propagate(now, GroupError::RebalanceInProgress, replies);
        }
        self.pending_sync.clear();
        self.sync_timer = None;
        let timeout = self.rebalance_timeout_ms();
        self.join_timer = Some(if self.state == GroupState::Empty {
            let delay = self.config.initial_rebalance_delay_ms;
            JoinTimer::Initial {
                deadline: now + delay,
                delay,
                remaining: timeout.saturating_sub(delay),
            }
        } else {
            JoinTimer::Normal {
                deadline: now + timeout,
            }
        });
        self.state = GroupState::PreparingRebalance;
        self.maybe_complete_join(now, replies);
    }

    /// `DelayedJoin.tryComplete`: done once every member has rejoined (never early for the
    /// initial delay).
    fn maybe_complete_join(&mut self, now: u64, replies: &mut Replies) {
        if self.state == GroupState::PreparingRebalance
            && matches!(self.join_timer, Some(JoinTimer::Normal { .. }))
            && self.has_all_members_joined()
        {
            self.complete_join(now, replies);
        }
    }

    /// `onCompleteJoin`: members that did not rejoin are dropped, the generation advances and
    /// every parked JoinGroup is answered (the leader with all subscriptions).
    fn complete_join(&mut self, now: u64, replies: &mut Replies) {
        self.join_timer = None;
        let gone: Vec<String> = self
            .members
            .iter()
            .filter(|m| !m.awaiting_join)
            .map(|m| m.id.clone())
            .collect();
        for id in gone {
            self.remove(&id);
        }
        if self.state == GroupState::Dead {
            return;
        }
        self.generation += 1;
        if self.members.is_empty() {
            self.protocol_name = None;
            self.state = GroupState::Empty;
            // The empty group is stored too (nobody waits for it).
            replies.store = Some(self.generation);
            return;
        }
        self.protocol_name = self.select_protocol();
        self.state = GroupState::CompletingRebalance;
        for id in self.member_ids() {
            let mut r = self.join_response(&id);
            if !self.is_leader(&id) {
                r.members.clear();
            }
            let m = self.member_mut(&id).expect("member");
            if m.awaiting_join {
                m.awaiting_join = false;
                replies.joins.push((id.clone(), r));
            }
            self.schedule_heartbeat(&id, now);
            self.member_mut(&id).expect("member").is_new = false;
            self.pending_sync.push(id);
        }
        self.sync_timer = Some((now + self.rebalance_timeout_ms(), self.generation));
    }

    /// A successful JoinGroup answer for `id` with the full member list.
    fn join_response(&self, id: &str) -> JoinResponse {
        let protocol = self.protocol_name.clone().unwrap_or_default();
        JoinResponse {
            error: GroupError::None,
            member_id: id.to_string(),
            generation_id: self.generation,
            protocol_type: self.protocol_type.clone(),
            protocol_name: self.protocol_name.clone(),
            leader: self.leader.clone().unwrap_or_default(),
            members: self
                .members
                .iter()
                .map(|m| JoinMember {
                    member_id: m.id.clone(),
                    metadata: m.metadata(&protocol),
                })
                .collect(),
        }
    }

    /// `propagateAssignment`: answers every parked SyncGroup.
    fn propagate(&mut self, now: u64, error: GroupError, replies: &mut Replies) {
        let ok = error == GroupError::None;
        for id in self.member_ids() {
            let m = self.member_mut(&id).expect("member");
            if !m.awaiting_sync {
                continue;
            }
            m.awaiting_sync = false;
            let assignment = m.assignment.clone();
            replies.syncs.push((
                id.clone(),
                SyncResponse {
                    error,
                    protocol_type: self.protocol_type.clone().filter(|_| ok),
                    protocol_name: self.protocol_name.clone().filter(|_| ok),
                    assignment,
                },
            ));
            self.schedule_heartbeat(&id, now);
        }
    }

    /// SyncGroup. The leader's `assignment` is ignored from others. `None` in the result means
    /// parked: the answer arrives in [`Replies::syncs`].
    pub fn sync_group(
        &mut self,
        now: u64,
        member_id: &str,
        generation: i32,
        protocol_name: Option<&str>,
        assignment: &[(String, Vec<TopicPartition>)],
    ) -> (Option<SyncResponse>, Replies) {
        let mut replies = Replies::default();
        let err = |e| (Some(SyncResponse::error(e)), Replies::default());
        if self.state == GroupState::Dead {
            return err(GroupError::CoordinatorNotAvailable);
        }
        if !self.has(member_id) {
            return err(GroupError::UnknownMemberId);
        }
        if generation != self.generation {
            return err(GroupError::IllegalGeneration);
        }
        if protocol_name.is_some_and(|p| self.protocol_name.as_deref() != Some(p)) {
            return err(GroupError::InconsistentGroupProtocol);
        }
        match self.state {
            GroupState::Empty => err(GroupError::UnknownMemberId),
            GroupState::PreparingRebalance => err(GroupError::RebalanceInProgress),
            GroupState::CompletingRebalance => {
                self.member_mut(member_id).expect("member").awaiting_sync = true;
                self.remove_pending_sync(member_id);
                if self.is_leader(member_id) {
                    // Members the leader left out get an empty assignment; the group turns
                    // Stable once the assignment is stored (`on_group_stored`).
                    let plan = self
                        .member_ids()
                        .into_iter()
                        .map(|id| {
                            let given = assignment.iter().find(|(m, _)| *m == id);
                            let a = given.map(|(_, a)| a.clone()).unwrap_or_default();
                            (id, a)
                        })
                        .collect();
                    self.pending_store = Some((self.generation, plan));
                    replies.store = Some(self.generation);
                }
                (None, replies)
            }
            GroupState::Stable => {
                self.remove_pending_sync(member_id);
                let m = self.member(member_id).expect("member");
                let r = SyncResponse {
                    error: GroupError::None,
                    protocol_type: self.protocol_type.clone(),
                    protocol_name: self.protocol_name.clone(),
                    assignment: m.assignment.clone(),
                };
                self.schedule_heartbeat(member_id, now);
                (Some(r), replies)
            }
            GroupState::Dead => unreachable!("checked above"),
        }
    }

    /// The `storeGroup` callback: if the group still waits in the same generation, either
    /// every parked SyncGroup gets the assignment and the group is Stable, or (`error` set,
    /// already mapped as `GroupMetadataManager` maps append errors) they get the error and
    /// the group rebalances again.
    pub fn on_group_stored(&mut self, now: u64, generation: i32, error: GroupError) -> Replies {
        let mut replies = Replies::default();
        let Some((g, plan)) = self.pending_store.take() else {
            return replies;
        };
        if g != generation
            || generation != self.generation
            || self.state != GroupState::CompletingRebalance
        {
            return replies;
        }
        if error != GroupError::None {
            for m in &mut self.members {
                m.assignment.clear();
            }
            self.propagate(now, error, &mut replies);
            self.maybe_prepare_rebalance(now, &mut replies);
            return replies;
        }
        for id in self.member_ids() {
            let given = plan.iter().find(|(m, _)| *m == id);
            let m = self.member_mut(&id).expect("member");
            m.assignment = given.map(|(_, a)| a.clone()).unwrap_or_default();
        }
        self.propagate(now, GroupError::None, &mut replies);
        self.state = GroupState::Stable;
        replies
    }

    fn remove_pending_sync(&mut self, member_id: &str) {
        self.pending_sync.retain(|m| m != member_id);
        if self.pending_sync.is_empty() {
            self.sync_timer = None;
        }
    }

    /// Heartbeat: REBALANCE_IN_PROGRESS tells a member to rejoin.
    pub fn heartbeat(&mut self, now: u64, member_id: &str, generation: i32) -> GroupError {
        if self.state == GroupState::Dead {
            return GroupError::CoordinatorNotAvailable;
        }
        if !self.has(member_id) {
            return GroupError::UnknownMemberId;
        }
        if generation != self.generation {
            return GroupError::IllegalGeneration;
        }
        match self.state {
            GroupState::Empty | GroupState::Dead => GroupError::UnknownMemberId,
            GroupState::PreparingRebalance => {
                self.schedule_heartbeat(member_id, now);
                GroupError::RebalanceInProgress
            }
            GroupState::CompletingRebalance | GroupState::Stable => {
                self.schedule_heartbeat(member_id, now);
                GroupError::None
            }
        }
    }

    /// LeaveGroup for one member.
    pub fn leave_group(&mut self, now: u64, member_id: &str) -> (GroupError, Replies) {
        let mut replies = Replies::default();
        if self.state == GroupState::Dead {
            return (GroupError::CoordinatorNotAvailable, replies);
        }
        if self.pending.contains_key(member_id) {
            self.pending.remove(member_id);
            self.maybe_complete_join(now, &mut replies);
            return (GroupError::None, replies);
        }
        if !self.has(member_id) {
            return (GroupError::UnknownMemberId, replies);
        }
        self.remove_member_and_update(now, member_id, &mut replies);
        (GroupError::None, replies)
    }

    /// `removeMemberAndUpdateGroup`: a parked JoinGroup of the member gets UNKNOWN_MEMBER_ID.
    fn remove_member_and_update(&mut self, now: u64, id: &str, replies: &mut Replies) {
        if self.member(id).is_some_and(|m| m.awaiting_join) {
            replies.joins.push((
                id.to_string(),
                JoinResponse::error("", GroupError::UnknownMemberId),
            ));
        }
        self.remove(id);
        match self.state {
            GroupState::Dead | GroupState::Empty => {}
            GroupState::Stable | GroupState::CompletingRebalance => {
                self.maybe_prepare_rebalance(now, replies)
            }
            GroupState::PreparingRebalance => self.maybe_complete_join(now, replies),
        }
    }

    /// Fires every timer due at `now` (`DelayedJoin`, `InitialDelayedJoin`, `DelayedSync`,
    /// `DelayedHeartbeat` expirations).
    pub fn on_timer(&mut self, now: u64) -> Replies {
        let mut replies = Replies::default();
        // Re-read after each firing: one expiry can cancel or add others.
        while let Some((t, timer)) = self.deadlines().into_iter().find(|(t, _)| *t <= now) {
            match timer {
                Timer::Join => self.on_join_timer(t, &mut replies),
                Timer::Sync => self.on_sync_timer(t, &mut replies),
                Timer::Session(id) => {
                    let m = self.member_mut(&id).expect("listed");
                    m.session_deadline = None;
                    if !m.excused() {
                        self.remove_member_and_update(t, &id, &mut replies);
                    }
                }
                Timer::PendingMember(id) => {
                    self.pending.remove(&id);
                    self.maybe_complete_join(t, &mut replies);
                }
            }
        }
        replies
    }

    fn on_join_timer(&mut self, now: u64, replies: &mut Replies) {
        match self.join_timer.take() {
            Some(JoinTimer::Initial {
                delay, remaining, ..
            }) if self.new_member_added && remaining != 0 => {
                // More members came during the delay: wait another delay, within the
                // rebalance timeout.
                self.new_member_added = false;
                let next = self.config.initial_rebalance_delay_ms.min(remaining);
                self.join_timer = Some(JoinTimer::Initial {
                    deadline: now + next,
                    delay: next,
                    remaining: remaining.saturating_sub(delay),
                });
            }
            Some(_) => self.complete_join(now, replies),
            None => {}
        }
    }

    /// `onExpirePendingSync`: members that never sent SyncGroup are removed.
    fn on_sync_timer(&mut self, now: u64, replies: &mut Replies) {
        let Some((_, generation)) = self.sync_timer.take() else {
            return;
        };
        let waiting = matches!(
            self.state,
            GroupState::CompletingRebalance | GroupState::Stable
        );
        if generation == self.generation && waiting && !self.pending_sync.is_empty() {
            for id in std::mem::take(&mut self.pending_sync) {
                self.remove(&id);
            }
            self.prepare_rebalance(now, replies);
        }
    }

    /// OffsetCommit, validated and cached at once (the offsets-log write taken as done):
    /// [`Group::check_commit`] then [`Group::apply_commit`].
    pub fn commit_offsets(
        &mut self,
        now: u64,
        member_id: &str,
        generation: i32,
        offsets: &[(TopicPartition, i64, String)],
    ) -> Vec<(TopicPartition, GroupError)> {
        let results = self.check_commit(now, member_id, generation, offsets);
        let ok: Vec<(TopicPartition, i64, String)> = offsets
            .iter()
            .filter(|(tp, _, _)| {
                results
                    .iter()
                    .any(|(t, e)| t == tp && *e == GroupError::None)
            })
            .cloned()
            .collect();
        self.apply_commit(now, &ok);
        results
    }

    /// `onOffsetCommitAppend`: the commit reached the offsets log; a Dead (deleted) group
    /// keeps nothing.
    pub fn apply_commit(&mut self, now: u64, offsets: &[(TopicPartition, i64, String)]) {
        if self.state == GroupState::Dead {
            return;
        }
        for (tp, offset, metadata) in offsets {
            let c = CommittedOffset {
                offset: *offset,
                metadata: metadata.clone(),
                commit_timestamp_ms: now,
            };
            self.offsets.insert(tp.clone(), c);
        }
    }

    /// `removeOffsets` (OffsetDelete, tombstones in the offsets log): how many were there.
    pub fn remove_offsets(&mut self, partitions: &[TopicPartition]) -> usize {
        partitions
            .iter()
            .filter(|tp| self.offsets.remove(*tp).is_some())
            .count()
    }

    /// `isSubscribedToTopic`: a member's subscription (for the chosen assignor) names it.
    pub fn is_subscribed_to_topic(&self, topic: &str) -> bool {
        let Some(protocol) = self.protocol_name.as_deref() else {
            return false;
        };
        self.members
            .iter()
            .any(|m| m.metadata(protocol).topics.iter().any(|t| t == topic))
    }

    /// OffsetCommit's checks (`doCommitOffsets`): the error for each partition, `NONE` for
    /// those to be written. `generation` -1 with an empty member id is a "simple" commit (a
    /// consumer with `assign()`, or the admin tool), accepted only while the group has no
    /// members. A member's commit counts as its heartbeat.
    pub fn check_commit(
        &mut self,
        now: u64,
        member_id: &str,
        generation: i32,
        offsets: &[(TopicPartition, i64, String)],
    ) -> Vec<(TopicPartition, GroupError)> {
        let all = |e: GroupError| offsets.iter().map(|(tp, _, _)| (tp.clone(), e)).collect();
        if self.state == GroupState::Dead {
            return all(GroupError::CoordinatorNotAvailable);
        }
        if generation >= 0 || !member_id.is_empty() {
            if !self.has(member_id) {
                return all(GroupError::UnknownMemberId);
            }
            if generation != self.generation {
                return all(GroupError::IllegalGeneration);
            }
        } else if self.state != GroupState::Empty {
            return all(GroupError::UnknownMemberId);
        }
        match self.state {
            GroupState::CompletingRebalance => return all(GroupError::RebalanceInProgress),
            GroupState::Stable | GroupState::PreparingRebalance => {
                self.schedule_heartbeat(member_id, now)
            }
            GroupState::Empty | GroupState::Dead => {}
        }
        offsets
            .iter()
            .map(|(tp, _, metadata)| {
                if metadata.len() > self.config.offset_metadata_max_bytes {
                    (tp.clone(), GroupError::OffsetMetadataTooLarge)
                } else {
                    (tp.clone(), GroupError::None)
                }
            })
            .collect()
    }

    /// OffsetFetch: `None` asks for every committed partition; a partition without a commit
    /// answers offset -1 and empty metadata.
    pub fn fetch_offsets(
        &self,
        partitions: Option<&[TopicPartition]>,
    ) -> Vec<(TopicPartition, i64, String)> {
        match partitions {
            None => self
                .offsets
                .iter()
                .map(|(tp, c)| (tp.clone(), c.offset, c.metadata.clone()))
                .collect(),
            Some(tps) => tps
                .iter()
                .map(|tp| match self.offsets.get(tp) {
                    Some(c) => (tp.clone(), c.offset, c.metadata.clone()),
                    None => (tp.clone(), -1, String::new()),
                })
                .collect(),
        }
    }

    /// DeleteGroups: only an Empty group can go (NON_EMPTY_GROUP otherwise); it becomes Dead
    /// and its offsets are dropped.
    pub fn delete(&mut self) -> GroupError {
        match self.state {
            GroupState::Dead => GroupError::GroupIdNotFound,
            GroupState::Empty => {
                self.state = GroupState::Dead;
                self.offsets.clear();
                self.join_timer = None;
                self.sync_timer = None;
                self.pending.clear();
                GroupError::None
            }
            _ => GroupError::NonEmptyGroup,
        }
    }
}
