//! What a consumer group went through, for the event log: members joining and leaving (or
//! removed after their session timed out) and the group's state changes of a rebalance. The
//! coordinator's group state machine stays free of logging; this compares the group before and
//! after each request or timer and tells the difference.

use super::Broker;
use crate::kafka::group::GroupState;
use crate::sim::event::EventKind;
use crate::sim::node::Ctx;

/// The parts of a group the event log speaks about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct GroupView {
    state: GroupState,
    generation: i32,
    members: Vec<String>,
}

/// Why members disappeared: a timer firing means a session (or rebalance) timed out.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Cause {
    Request,
    Timer,
}

impl Broker {
    pub(super) fn group_view(&self, group_id: &str) -> Option<GroupView> {
        self.coordinator.groups.get(group_id).map(|g| GroupView {
            state: g.state(),
            generation: g.generation(),
            members: g.member_ids(),
        })
    }

    /// Emits one event per member that joined or left and one for a new state, in that order.
    pub(super) fn emit_group_changes(
        &self,
        group_id: &str,
        before: Option<GroupView>,
        cause: Cause,
        ctx: &mut Ctx,
    ) {
        let after = self.group_view(group_id);
        if before == after {
            return;
        }
        let empty = Vec::new();
        let old_members = before.as_ref().map_or(&empty, |v| &v.members);
        let new_members = after.as_ref().map_or(&empty, |v| &v.members);
        for member in new_members.iter().filter(|m| !old_members.contains(m)) {
            ctx.emit(|| EventKind::GroupMemberJoined {
                group: group_id.to_string(),
                member: member.clone(),
            });
        }
        for member in old_members.iter().filter(|m| !new_members.contains(m)) {
            ctx.emit(|| EventKind::GroupMemberLeft {
                group: group_id.to_string(),
                member: member.clone(),
                timed_out: cause == Cause::Timer,
            });
        }
        let Some(after) = after else { return };
        let state_moved = before
            .as_ref()
            .is_none_or(|b| b.state != after.state || b.generation != after.generation);
        if state_moved {
            ctx.emit(|| EventKind::GroupStateChanged {
                group: group_id.to_string(),
                state: after.state.as_str().to_string(),
                generation: after.generation,
                members: after.members.len(),
            });
        }
    }
}
