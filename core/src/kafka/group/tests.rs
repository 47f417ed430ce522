//! Scenarios after Kafka 3.0's GroupCoordinatorTest (timings scaled to real defaults).

use super::*;

const SESSION: u64 = 10_000;
const REBALANCE: u64 = 300_000;

fn protocols(names: &[&str]) -> Vec<(String, Subscription)> {
    names
        .iter()
        .map(|n| (n.to_string(), Subscription::new(&["test"])))
        .collect()
}

fn req(client: &str, member_id: &str) -> JoinRequest {
    JoinRequest {
        member_id: member_id.to_string(),
        client_id: client.to_string(),
        client_host: "/172.18.0.5".to_string(),
        rebalance_timeout_ms: REBALANCE,
        session_timeout_ms: SESSION,
        protocol_type: "consumer".to_string(),
        protocols: protocols(&["range", "cooperative-sticky"]),
        require_known_member_id: true,
    }
}

fn group() -> Group {
    Group::new("my-group", GroupConfig::default())
}

/// The Java client's two-step join: MEMBER_ID_REQUIRED, then the rejoin that parks.
fn join(g: &mut Group, now: u64, client: &str, suffix: &str) -> (String, Replies) {
    let (r, _) = g.join_group(now, req(client, ""), suffix);
    let JoinResult::Now(r) = r else {
        panic!("expected MEMBER_ID_REQUIRED, got {r:?}")
    };
    assert_eq!(r.error, GroupError::MemberIdRequired);
    assert_eq!(r.member_id, format!("{client}-{suffix}"));
    let (r, replies) = g.join_group(now, req(client, &r.member_id), "unused");
    let JoinResult::Parked { member_id } = r else {
        panic!("expected a parked join, got {r:?}")
    };
    (member_id, replies)
}

/// SyncGroup with the `storeGroup` write it may ask for completed at once (the coordinator
/// does it once the offsets log has the record).
fn sync(
    g: &mut Group,
    now: u64,
    member_id: &str,
    generation: i32,
    protocol: Option<&str>,
    plan: &[(String, Vec<TopicPartition>)],
) -> (Option<SyncResponse>, Replies) {
    let (r, mut replies) = g.sync_group(now, member_id, generation, protocol, plan);
    if let Some(stored) = replies.store.take() {
        let more = g.on_group_stored(now, stored, GroupError::None);
        replies.joins.extend(more.joins);
        replies.syncs.extend(more.syncs);
        replies.store = more.store;
    }
    (r, replies)
}

fn assignment(members: &[&str]) -> Vec<(String, Vec<TopicPartition>)> {
    members
        .iter()
        .enumerate()
        .map(|(i, m)| (m.to_string(), vec![("test".to_string(), i as i32)]))
        .collect()
}

/// A Stable group with members `a` (leader) then `b`, at generation 1, synced at t=3000.
fn stable_pair() -> (Group, String, String) {
    let mut g = group();
    let (a, _) = join(&mut g, 0, "consumer-my-group-1", "aaaa");
    let (b, _) = join(&mut g, 1000, "consumer-my-group-2", "bbbb");
    let replies = g.on_timer(6000);
    assert_eq!(replies.joins.len(), 2);
    let (_, r) = sync(&mut g, 6000, &a, 1, Some("range"), &assignment(&[&a, &b]));
    assert!(r.syncs.iter().any(|(m, _)| *m == a));
    let (now, _) = sync(&mut g, 6000, &b, 1, None, &[]);
    assert_eq!(now.unwrap().assignment, vec![("test".to_string(), 1)]);
    (g, a, b)
}

#[test]
fn first_join_waits_the_initial_delay() {
    let mut g = group();
    let (a, replies) = join(&mut g, 100, "consumer-my-group-1", "5f0f");
    assert_eq!(a, "consumer-my-group-1-5f0f");
    assert!(replies.joins.is_empty());
    assert_eq!(g.state(), GroupState::PreparingRebalance);
    assert_eq!(g.deadlines()[0], (3100, Timer::Join));
    // Everyone has joined, yet the initial delay is waited out.
    assert!(g.on_timer(3099).joins.is_empty());
    let replies = g.on_timer(3100);
    assert_eq!(g.state(), GroupState::CompletingRebalance);
    let (id, r) = &replies.joins[0];
    assert_eq!(id, &a);
    assert_eq!(r.error, GroupError::None);
    assert_eq!((r.generation_id, r.leader.as_str()), (1, a.as_str()));
    assert_eq!(r.protocol_name.as_deref(), Some("range"));
    assert_eq!(r.protocol_type.as_deref(), Some("consumer"));
    assert_eq!(r.members.len(), 1);

    let (now, replies) = sync(&mut g, 3200, &a, 1, Some("range"), &assignment(&[&a]));
    assert!(now.is_none());
    assert_eq!(g.state(), GroupState::Stable);
    assert_eq!(replies.syncs[0].1.assignment, vec![("test".to_string(), 0)]);
    let d = g.describe();
    assert_eq!(
        (d.protocol_type.as_str(), d.protocol.as_str()),
        ("consumer", "range")
    );
    assert_eq!(d.members[0].client_host, "/172.18.0.5");
}

#[test]
fn members_joining_during_the_delay_extend_it() {
    let mut g = group();
    join(&mut g, 0, "c1", "1");
    join(&mut g, 2000, "c2", "2");
    // The first delay ends at 3000; a member came, so another 3000.
    assert!(g.on_timer(3000).joins.is_empty());
    assert_eq!(g.next_deadline(), Some(6000));
    let replies = g.on_timer(6000);
    assert_eq!(replies.joins.len(), 2);
    // Only the leader (first to join) gets the member list.
    let leader = &replies.joins.iter().find(|(m, _)| m == "c1-1").unwrap().1;
    assert_eq!(leader.members.len(), 2);
    assert!(replies
        .joins
        .iter()
        .find(|(m, _)| m == "c2-2")
        .unwrap()
        .1
        .members
        .is_empty());
}

#[test]
fn initial_delay_is_capped_by_the_rebalance_timeout() {
    let mut g = group();
    let mut r = req("c1", "");
    r.require_known_member_id = false;
    r.rebalance_timeout_ms = 5000;
    let (JoinResult::Parked { .. }, _) = g.join_group(0, r.clone(), "1") else {
        panic!()
    };
    let (_, _) = g.join_group(
        1000,
        JoinRequest {
            client_id: "c2".into(),
            ..r
        },
        "2",
    );
    assert!(g.on_timer(3000).joins.is_empty());
    // remaining 2000 < delay 3000.
    assert_eq!(g.next_deadline(), Some(5000));
    assert_eq!(g.on_timer(5000).joins.len(), 2);
}

#[test]
fn joining_a_stable_group_rebalances_it() {
    let (mut g, a, b) = stable_pair();
    let (c, replies) = join(&mut g, 7000, "consumer-my-group-3", "cccc");
    assert!(replies.joins.is_empty());
    assert_eq!(g.state(), GroupState::PreparingRebalance);
    assert_eq!(g.heartbeat(7100, &a, 1), GroupError::RebalanceInProgress);
    // Describe shows members but neither protocol nor assignment while rebalancing.
    let d = g.describe();
    assert_eq!((d.protocol.as_str(), d.members.len()), ("", 3));
    assert!(d.members.iter().all(|m| m.assignment.is_empty()));
    let (_, r) = g.join_group(7200, req("consumer-my-group-1", &a), "");
    assert!(r.joins.is_empty());
    let (_, r) = g.join_group(7300, req("consumer-my-group-2", &b), "");
    // The last one in completes the join at once.
    let ids: Vec<&str> = r.joins.iter().map(|(m, _)| m.as_str()).collect();
    assert_eq!(ids, vec![a.as_str(), b.as_str(), c.as_str()]);
    assert!(r
        .joins
        .iter()
        .all(|(_, j)| j.generation_id == 2 && j.leader == a));
    assert_eq!(g.heartbeat(7400, &a, 1), GroupError::IllegalGeneration);
    assert_eq!(g.heartbeat(7400, &a, 2), GroupError::None);
}

#[test]
fn members_that_do_not_rejoin_are_dropped_at_the_rebalance_timeout() {
    let (mut g, a, b) = stable_pair();
    // The leader rejoins (it always triggers a rebalance); b keeps heartbeating but never
    // rejoins.
    let (r, _) = g.join_group(7000, req("consumer-my-group-1", &a), "");
    assert!(matches!(r, JoinResult::Parked { .. }));
    for t in (8000..307_000).step_by(3000) {
        assert_eq!(g.heartbeat(t, &b, 1), GroupError::RebalanceInProgress);
    }
    let replies = g.on_timer(307_000);
    assert_eq!(replies.joins.len(), 1);
    assert_eq!(g.member_ids(), vec![a.clone()]);
    assert_eq!(g.heartbeat(307_001, &b, 1), GroupError::UnknownMemberId);
}

#[test]
fn session_expiry_removes_the_member_and_rebalances() {
    let (mut g, a, b) = stable_pair();
    // a heartbeats, b goes silent after its sync at 6000.
    for t in (9000..=15_000).step_by(3000) {
        assert_eq!(g.heartbeat(t, &a, 1), GroupError::None);
    }
    assert!(g.on_timer(15_999).joins.is_empty());
    let _ = g.on_timer(16_000);
    assert_eq!(g.member_ids(), vec![a.clone()]);
    assert_eq!(g.state(), GroupState::PreparingRebalance);
    assert_eq!(g.heartbeat(16_100, &a, 1), GroupError::RebalanceInProgress);
    assert_eq!(g.heartbeat(16_100, &b, 1), GroupError::UnknownMemberId);
    let (_, r) = g.join_group(16_200, req("consumer-my-group-1", &a), "");
    assert_eq!(r.joins[0].1.generation_id, 2);
}

#[test]
fn parked_syncs_fail_when_a_rebalance_starts() {
    let mut g = group();
    let (a, _) = join(&mut g, 0, "c1", "1");
    let (b, _) = join(&mut g, 100, "c2", "2");
    g.on_timer(6000);
    let (now, _) = sync(&mut g, 6100, &b, 1, None, &[]);
    assert!(now.is_none());
    // A third member joining before the leader syncs fails the followers' parked syncs.
    let (c, r) = join(&mut g, 6200, "c3", "3");
    assert_eq!(r.syncs.len(), 1);
    assert_eq!(r.syncs[0].0, b);
    assert_eq!(r.syncs[0].1.error, GroupError::RebalanceInProgress);
    assert_eq!(g.state(), GroupState::PreparingRebalance);
    let (now, _) = sync(&mut g, 6300, &a, 1, None, &[]);
    assert_eq!(now.unwrap().error, GroupError::RebalanceInProgress);
    assert!(g.member_ids().contains(&c));
}

#[test]
fn followers_that_never_sync_are_removed() {
    let mut g = group();
    let (a, _) = join(&mut g, 0, "c1", "1");
    let (b, _) = join(&mut g, 100, "c2", "2");
    g.on_timer(6000);
    sync(&mut g, 6100, &a, 1, None, &assignment(&[&a, &b]));
    assert_eq!(g.state(), GroupState::Stable);
    // b heartbeats but never syncs: the sync deadline (rebalance timeout) drops it.
    for t in (9000..=306_000).step_by(3000) {
        assert_eq!(g.heartbeat(t, &a, 1), GroupError::None);
        assert_eq!(g.heartbeat(t, &b, 1), GroupError::None);
    }
    assert_eq!(g.member_ids().len(), 2);
    let _ = g.on_timer(306_000);
    assert_eq!(g.member_ids(), vec![a.clone()]);
    assert_eq!(g.state(), GroupState::PreparingRebalance);
}

#[test]
fn leaving_empties_the_group_with_a_new_generation() {
    let (mut g, a, b) = stable_pair();
    let (e, _) = g.leave_group(7000, &b);
    assert_eq!(e, GroupError::None);
    assert_eq!(g.state(), GroupState::PreparingRebalance);
    let (e, r) = g.leave_group(7100, &a);
    assert_eq!(e, GroupError::None);
    assert!(r.joins.is_empty());
    assert_eq!((g.state(), g.generation()), (GroupState::Empty, 2));
    assert!(g.deadlines().is_empty());
    assert_eq!(g.leave_group(7200, &a).0, GroupError::UnknownMemberId);
    assert_eq!(g.heartbeat(7200, &a, 2), GroupError::UnknownMemberId);
    let d = g.describe();
    assert_eq!(
        (d.state, d.protocol_type.as_str()),
        (GroupState::Empty, "consumer")
    );
}

#[test]
fn parked_join_of_a_leaving_member_is_answered() {
    let (mut g, a, b) = stable_pair();
    // Unchanged metadata from a follower would be answered at once; new metadata parks.
    let mut changed = req("consumer-my-group-2", &b);
    changed.protocols = protocols(&["range"]);
    let (j, _) = g.join_group(7000, changed, "");
    assert!(matches!(j, JoinResult::Parked { .. }));
    let (_, r) = g.leave_group(7100, &b);
    let (id, j) = &r.joins[0];
    assert_eq!(
        (id.as_str(), j.error),
        (b.as_str(), GroupError::UnknownMemberId)
    );
    assert_eq!(g.member_ids(), vec![a]);
}

#[test]
fn a_pending_member_holds_the_join_until_it_expires() {
    let (mut g, a, b) = stable_pair();
    let (r, _) = g.join_group(7000, req("c3", ""), "3");
    assert!(matches!(r, JoinResult::Now(ref j) if j.error == GroupError::MemberIdRequired));
    let (_, r) = g.join_group(7100, req("consumer-my-group-1", &a), "");
    assert!(r.joins.is_empty());
    let (_, r) = g.join_group(7200, req("consumer-my-group-2", &b), "");
    assert!(r.joins.is_empty(), "c3-3 is still pending");
    let r = g.on_timer(17_000);
    assert_eq!(r.joins.len(), 2);
    assert_eq!(g.state(), GroupState::CompletingRebalance);
}

#[test]
fn new_member_join_timeout() {
    let mut g = group();
    let mut slow = req("c1", "");
    slow.session_timeout_ms = NEW_MEMBER_JOIN_TIMEOUT_MS + 5000;
    slow.rebalance_timeout_ms = NEW_MEMBER_JOIN_TIMEOUT_MS * 2;
    slow.require_known_member_id = false;
    g.join_group(0, slow.clone(), "1");
    g.on_timer(3000);
    sync(&mut g, 3000, "c1-1", 1, None, &[]);
    let (r, _) = g.join_group(
        4000,
        JoinRequest {
            client_id: "c2".into(),
            ..slow
        },
        "2",
    );
    assert_eq!(
        r,
        JoinResult::Parked {
            member_id: "c2-2".into()
        }
    );
    let r = g.on_timer(4000 + NEW_MEMBER_JOIN_TIMEOUT_MS);
    assert_eq!(r.joins[0].0, "c2-2");
    assert_eq!(r.joins[0].1.error, GroupError::UnknownMemberId);
    assert_eq!(g.member_ids(), vec!["c1-1".to_string()]);
}

#[test]
fn protocol_selection_and_consistency() {
    let mut g = group();
    let mut r1 = req("c1", "");
    r1.require_known_member_id = false;
    r1.protocols = protocols(&["roundrobin", "range"]);
    let mut r2 = JoinRequest {
        client_id: "c2".into(),
        ..r1.clone()
    };
    r2.protocols = protocols(&["range", "roundrobin"]);
    let mut r3 = JoinRequest {
        client_id: "c3".into(),
        ..r2.clone()
    };
    g.join_group(0, r1.clone(), "1");
    g.join_group(0, r2, "2");
    r3.protocols = protocols(&["sticky"]);
    let (bad, _) = g.join_group(0, r3.clone(), "3");
    assert!(
        matches!(bad, JoinResult::Now(ref j) if j.error == GroupError::InconsistentGroupProtocol)
    );
    r3.protocols = protocols(&["range"]);
    g.join_group(0, r3, "3");
    let r = g.on_timer(6000);
    // range is the only protocol all three support.
    assert_eq!(r.joins[0].1.protocol_name.as_deref(), Some("range"));

    // A tie goes to the earliest member's vote.
    let mut g = group();
    g.join_group(0, r1.clone(), "1");
    let mut r2 = JoinRequest {
        client_id: "c2".into(),
        ..r1
    };
    r2.protocols = protocols(&["range", "roundrobin"]);
    g.join_group(0, r2, "2");
    let r = g.on_timer(6000);
    assert_eq!(r.joins[0].1.protocol_name.as_deref(), Some("roundrobin"));
}

#[test]
fn session_timeout_bounds() {
    let mut g = group();
    let mut r = req("c1", "");
    r.session_timeout_ms = 5999;
    let (j, _) = g.join_group(0, r, "1");
    assert!(matches!(j, JoinResult::Now(ref j) if j.error == GroupError::InvalidSessionTimeout));
}

#[test]
fn offset_commits() {
    let tp = |p| ("test".to_string(), p);
    let one = |p, o| vec![(tp(p), o, String::new())];
    // A group that only stores offsets: simple commits while Empty.
    let mut g = group();
    assert_eq!(
        g.commit_offsets(0, "", -1, &one(0, 5)),
        vec![(tp(0), GroupError::None)]
    );
    assert_eq!(g.describe().protocol_type, "");
    assert_eq!(
        g.fetch_offsets(Some(&[tp(0), tp(1)])),
        vec![(tp(0), 5, String::new()), (tp(1), -1, String::new())]
    );

    let (mut g, a, _b) = stable_pair();
    assert_eq!(
        g.commit_offsets(7000, "", -1, &one(0, 1))[0].1,
        GroupError::UnknownMemberId
    );
    assert_eq!(
        g.commit_offsets(7000, &a, 0, &one(0, 1))[0].1,
        GroupError::IllegalGeneration
    );
    assert_eq!(
        g.commit_offsets(7000, "nobody", 1, &one(0, 1))[0].1,
        GroupError::UnknownMemberId
    );
    assert_eq!(
        g.commit_offsets(7000, &a, 1, &one(0, 7))[0].1,
        GroupError::None
    );
    let big = vec![(tp(1), 3, "x".repeat(4097))];
    assert_eq!(
        g.commit_offsets(7000, &a, 1, &big)[0].1,
        GroupError::OffsetMetadataTooLarge
    );
    assert_eq!(g.fetch_offsets(None), vec![(tp(0), 7, String::new())]);
    assert_eq!(g.offsets()[&tp(0)].commit_timestamp_ms, 7000);
    // A commit counts as a heartbeat.
    assert_eq!(
        g.deadlines()
            .iter()
            .find(|(_, t)| *t == Timer::Session(a.clone()))
            .unwrap()
            .0,
        17_000
    );

    // CompletingRebalance: commits wait for the new generation.
    let mut g = group();
    let (a, _) = join(&mut g, 0, "c1", "1");
    g.on_timer(3000);
    assert_eq!(
        g.commit_offsets(3100, &a, 1, &one(0, 1))[0].1,
        GroupError::RebalanceInProgress
    );
}

#[test]
fn delete_only_empty_groups() {
    let (mut g, _, _) = stable_pair();
    assert_eq!(g.delete(), GroupError::NonEmptyGroup);
    let mut g = group();
    g.commit_offsets(0, "", -1, &[(("t".into(), 0), 1, String::new())]);
    assert_eq!(g.delete(), GroupError::None);
    assert_eq!(g.state(), GroupState::Dead);
    assert!(g.offsets().is_empty());
    let (j, _) = g.join_group(0, req("c", ""), "x");
    assert!(matches!(j, JoinResult::Now(ref j) if j.error == GroupError::CoordinatorNotAvailable));
}

#[test]
fn unchanged_follower_rejoin_does_not_rebalance() {
    // testJoinGroupFromUnchangedFollowerDoesNotRebalance
    let (mut g, a, b) = stable_pair();
    let (j, r) = g.join_group(7000, req("consumer-my-group-2", &b), "");
    let JoinResult::Now(j) = j else {
        panic!("{j:?}")
    };
    assert_eq!(
        (j.error, j.generation_id, j.leader.as_str()),
        (GroupError::None, 1, a.as_str())
    );
    assert!(j.members.is_empty() && r.joins.is_empty());
    assert_eq!(g.state(), GroupState::Stable);
}

#[test]
fn leader_assigns_with_the_assignor() {
    use crate::kafka::assignor::{assign, Strategy};
    use crate::ordered::OrdMap as BTreeMap;
    let mut g = group();
    let (a, _) = join(&mut g, 0, "consumer-my-group-1", "b0");
    let (b, _) = join(&mut g, 0, "consumer-my-group-2", "a0");
    let replies = g.on_timer(6000);
    let (_, lead) = replies.joins.iter().find(|(m, _)| *m == a).unwrap();
    let strategy = Strategy::parse(lead.protocol_name.as_deref().unwrap()).unwrap();
    let subs: BTreeMap<String, Subscription> = lead
        .members
        .iter()
        .map(|m| (m.member_id.clone(), m.metadata.clone()))
        .collect();
    let topics: BTreeMap<String, i32> = [("test".to_string(), 3)].into_iter().collect();
    let plan: Vec<(String, Vec<TopicPartition>)> =
        assign(strategy, &topics, &subs).into_iter().collect();
    let (_, r) = sync(&mut g, 6100, &a, 1, Some("range"), &plan);
    assert_eq!(r.syncs.len(), 1);
    let (mine, _) = sync(&mut g, 6200, &b, 1, Some("range"), &[]);
    // Range sorts member ids: "consumer-my-group-1-b0" < "consumer-my-group-2-a0".
    assert_eq!(
        r.syncs[0].1.assignment,
        vec![("test".to_string(), 0), ("test".to_string(), 1)]
    );
    assert_eq!(mine.unwrap().assignment, vec![("test".to_string(), 2)]);
    let d = g.describe();
    assert_eq!(
        d.members.iter().map(|m| m.assignment.len()).sum::<usize>(),
        3
    );
}

mod props {
    use super::*;
    use proptest::prelude::*;

    #[derive(Clone, Debug)]
    enum Op {
        Join(usize),
        Sync(usize),
        Heartbeat(usize),
        Leave(usize),
        Commit(usize),
        Advance(u64),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0usize..3).prop_map(Op::Join),
            (0usize..3).prop_map(Op::Sync),
            (0usize..3).prop_map(Op::Heartbeat),
            (0usize..3).prop_map(Op::Leave),
            (0usize..3).prop_map(Op::Commit),
            (1u64..20_000).prop_map(Op::Advance),
        ]
    }

    /// What a client remembers: its member id and generation.
    #[derive(Clone, Default)]
    struct Client {
        id: String,
        generation: i32,
    }

    fn learn(clients: &mut [Client], replies: &Replies) {
        for (m, j) in &replies.joins {
            if let Some(c) = clients.iter_mut().find(|c| c.id == *m) {
                if j.error == GroupError::None {
                    c.generation = j.generation_id;
                }
            }
        }
    }

    proptest! {
        #[test]
        fn invariants_hold(ops in prop::collection::vec(op(), 1..60)) {
            let mut g = group();
            let mut clients = vec![Client::default(); 3];
            let mut now = 0;
            let mut last_generation = 0;
            for (n, op) in ops.into_iter().enumerate() {
                let replies = match op {
                    Op::Advance(dt) => {
                        now += dt;
                        g.on_timer(now)
                    }
                    Op::Join(k) => {
                        let mut r = req(&format!("c{k}"), &clients[k].id);
                        r.rebalance_timeout_ms = 30_000;
                        let (res, replies) = g.join_group(now, r, &format!("{n}"));
                        if let JoinResult::Now(j) = &res {
                            if j.error == GroupError::MemberIdRequired {
                                clients[k].id = j.member_id.clone();
                            }
                        }
                        replies
                    }
                    Op::Sync(k) => {
                        let plan: Vec<(String, Vec<TopicPartition>)> = g
                            .member_ids()
                            .into_iter()
                            .map(|m| (m, vec![("test".to_string(), 0)]))
                            .collect();
                        sync(&mut g, now, &clients[k].id, clients[k].generation, None, &plan).1
                    }
                    Op::Heartbeat(k) => {
                        g.heartbeat(now, &clients[k].id, clients[k].generation);
                        Replies::default()
                    }
                    Op::Leave(k) => g.leave_group(now, &clients[k].id).1,
                    Op::Commit(k) => {
                        let c = &clients[k];
                        g.commit_offsets(now, &c.id, c.generation, &[(("test".into(), 0), 1, String::new())]);
                        Replies::default()
                    }
                };
                learn(&mut clients, &replies);
                prop_assert!(g.generation() >= last_generation);
                last_generation = g.generation();
                let ids = g.member_ids();
                match g.leader() {
                    Some(l) => prop_assert!(ids.iter().any(|m| m == l)),
                    None => prop_assert!(ids.is_empty()),
                }
                // Everything due has fired; a call schedules nothing in the past (a rebalance
                // of a group whose last member just left is due at once, timeout 0).
                let fired = matches!(op, Op::Advance(_));
                prop_assert!(g.deadlines().iter().all(|(t, _)| *t > now || (!fired && *t == now)));
                let timers: Vec<Timer> = g.deadlines().into_iter().map(|(_, t)| t).collect();
                match g.state() {
                    GroupState::Empty => prop_assert!(ids.is_empty()),
                    GroupState::PreparingRebalance => prop_assert!(timers.contains(&Timer::Join)),
                    GroupState::CompletingRebalance => prop_assert!(timers.contains(&Timer::Sync)),
                    GroupState::Stable => prop_assert!(!ids.is_empty()),
                    GroupState::Dead => {}
                }
            }
            // Left alone, every rebalance finishes and every member's session ends.
            let _ = g.on_timer(now + 10_000_000);
            prop_assert_eq!(g.state(), GroupState::Empty);
            prop_assert!(g.deadlines().is_empty());
        }
    }
}

#[test]
fn last_member_leaving_with_a_pending_one_empties_the_group_at_once() {
    // The proptest's first find: the rebalance timeout of a group without members is 0.
    let mut g = group();
    let (a, _) = join(&mut g, 0, "c1", "1");
    g.on_timer(3000);
    let (r, _) = g.join_group(3000, req("c2", ""), "2");
    assert!(matches!(r, JoinResult::Now(ref j) if j.error == GroupError::MemberIdRequired));
    g.leave_group(3000, &a);
    assert_eq!(g.next_deadline(), Some(3000));
    g.on_timer(3000);
    assert_eq!((g.state(), g.generation()), (GroupState::Empty, 2));
    // The pending member can still come in: a fresh initial delay.
    let (r, _) = g.join_group(3500, req("c2", "c2-2"), "");
    assert!(matches!(r, JoinResult::Parked { .. }));
    assert_eq!(g.next_deadline(), Some(6500));
}

#[test]
fn the_leaders_assignment_waits_for_the_group_store() {
    let mut g = group();
    let (a, _) = join(&mut g, 0, "c1", "1");
    let (b, _) = join(&mut g, 100, "c2", "2");
    g.on_timer(6000);
    let (now, r) = g.sync_group(6100, &a, 1, Some("range"), &assignment(&[&a, &b]));
    assert!(now.is_none());
    assert_eq!(r.store, Some(1));
    assert!(r.syncs.is_empty());
    assert_eq!(g.state(), GroupState::CompletingRebalance);
    let record = g.metadata_record(0);
    assert!(
        record.starts_with(
            r#"{"protocolType":"consumer","generation":1,"protocol":"range","leader":"c1-1""#
        ),
        "{record}"
    );
    assert!(
        record.contains(r#""assignment":["test-0"]"#)
            && record.contains(r#""assignment":["test-1"]"#),
        "{record}"
    );
    // The follower's SyncGroup waits too; heartbeats meanwhile are fine.
    let (now, _) = g.sync_group(6150, &b, 1, None, &[]);
    assert!(now.is_none());
    assert_eq!(g.heartbeat(6160, &b, 1), GroupError::None);
    // Another generation's write completes nothing.
    assert_eq!(
        g.on_group_stored(6190, 0, GroupError::None),
        Replies::default()
    );
    let r = g.on_group_stored(6200, 1, GroupError::None);
    assert_eq!(g.state(), GroupState::Stable);
    let mut got: Vec<(String, Vec<TopicPartition>)> = r
        .syncs
        .into_iter()
        .map(|(m, s)| (m, s.assignment))
        .collect();
    got.sort();
    assert_eq!(got, assignment(&[&a, &b]));
    // Done once.
    assert_eq!(
        g.on_group_stored(6300, 1, GroupError::None),
        Replies::default()
    );
}

#[test]
fn a_failed_group_store_fails_the_syncs_and_rebalances() {
    let mut g = group();
    let (a, _) = join(&mut g, 0, "c1", "1");
    let (b, _) = join(&mut g, 100, "c2", "2");
    g.on_timer(6000);
    g.sync_group(6100, &b, 1, None, &[]);
    g.sync_group(6150, &a, 1, Some("range"), &assignment(&[&a, &b]));
    let r = g.on_group_stored(6200, 1, GroupError::CoordinatorNotAvailable);
    assert_eq!(r.syncs.len(), 2);
    assert!(r
        .syncs
        .iter()
        .all(|(_, s)| s.error == GroupError::CoordinatorNotAvailable && s.assignment.is_empty()));
    assert_eq!(g.state(), GroupState::PreparingRebalance);
    assert!(g.describe().members.iter().all(|m| m.assignment.is_empty()));
}

#[test]
fn the_empty_group_is_stored_too() {
    let (mut g, a, b) = stable_pair();
    g.leave_group(7000, &a);
    let (_, r) = g.leave_group(7100, &b);
    assert_eq!(g.state(), GroupState::Empty);
    assert_eq!(r.store, Some(2));
    // Nobody waits for it.
    assert_eq!(
        g.on_group_stored(7200, 2, GroupError::None),
        Replies::default()
    );
}

#[test]
fn commits_are_checked_then_cached() {
    let (mut g, a, _) = stable_pair();
    let one = |p: i32, o: i64| vec![(("test".to_string(), p), o, String::new())];
    let r = g.check_commit(7000, &a, 1, &one(0, 5));
    assert_eq!(r, vec![(("test".to_string(), 0), GroupError::None)]);
    // Not cached before the write is replicated.
    assert!(g.offsets().is_empty());
    g.apply_commit(7100, &one(0, 5));
    assert_eq!(g.offsets()[&("test".to_string(), 0)].offset, 5);
    assert_eq!(
        g.check_commit(7200, "", -1, &one(0, 1))[0].1,
        GroupError::UnknownMemberId
    );
    assert!(g.is_subscribed_to_topic("test"));
    assert!(!g.is_subscribed_to_topic("other"));
    assert_eq!(
        g.remove_offsets(&[("test".to_string(), 0), ("test".to_string(), 1)]),
        1
    );
    assert!(g.offsets().is_empty());
    // A deleted group caches nothing more.
    let mut e = group();
    e.commit_offsets(0, "", -1, &one(0, 3));
    assert_eq!(e.delete(), GroupError::None);
    e.apply_commit(10, &one(0, 4));
    assert!(e.offsets().is_empty());
}

#[test]
fn a_new_coordinator_loads_the_group_stable_with_its_members() {
    let (g, a, b) = stable_pair();
    let record = g.metadata_record(1_700_000_000_000);
    let loaded = Group::from_metadata_record("my-group", GroupConfig::default(), &record, 50_000)
        .expect("a record this coordinator wrote loads");
    assert_eq!(loaded.state(), GroupState::Stable);
    assert_eq!(loaded.generation(), g.generation());
    assert_eq!(loaded.leader(), g.leader());
    assert_eq!(loaded.protocol_name(), Some("range"));
    assert_eq!(loaded.describe().members, g.describe().members);
    // Members heartbeat on, without a rebalance; their sessions start at the load.
    let mut loaded = loaded;
    assert_eq!(loaded.heartbeat(51_000, &a, 1), GroupError::None);
    assert_eq!(
        loaded.heartbeat(51_000, &b, 0),
        GroupError::IllegalGeneration
    );
    assert_eq!(loaded.state(), GroupState::Stable);
}

#[test]
fn a_stored_empty_group_loads_empty_and_a_foreign_record_not_at_all() {
    let (mut g, a, b) = stable_pair();
    g.leave_group(7000, &a);
    g.leave_group(7100, &b);
    let record = g.metadata_record(0);
    let loaded =
        Group::from_metadata_record("my-group", GroupConfig::default(), &record, 8000).unwrap();
    assert_eq!(loaded.state(), GroupState::Empty);
    assert_eq!(loaded.generation(), g.generation());
    assert!(loaded.member_ids().is_empty());
    for bad in [
        "",
        "protocolType=consumer generation=1",
        "{\"generation\":1}",
        "<img src=x>",
    ] {
        assert!(
            Group::from_metadata_record("my-group", GroupConfig::default(), bad, 0).is_none(),
            "{bad}"
        );
    }
}
