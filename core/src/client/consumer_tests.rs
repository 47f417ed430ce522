//! The group member's commits, driven message by message: the synchronous commit before a
//! rejoin and on close, and how OffsetCommit errors are taken and logged.

use super::*;
use crate::client::PartitionInfo;
use crate::sim::node::Outbox;
use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;

const COORD: HostId = 1;

/// A Stable member of `g` owning `t-0` at position 5 (nothing consumed in this epoch yet) and
/// `t-1` at 7 after a record of leader epoch 2.
fn member() -> Consumer {
    let d = Dialable {
        address: "127.0.0.1:9091".into(),
        host: COORD,
        listener: "LISTENER_DOCKER_EXTERNAL".into(),
    };
    let mut c = Consumer::new(
        vec![d.clone()],
        vec![d],
        Assignment::Topic("t".into()),
        OffsetReset::Earliest,
    )
    .with_group(Membership::new("g", "consumer-g-1", Vec::new()));
    c.meta.brokers.insert(1, "127.0.0.1:9091".into());
    let info = PartitionInfo {
        leader: 1,
        leader_epoch: 2,
    };
    c.meta.topics.insert("t".into(), vec![info.clone(), info]);
    c.meta.stale = false;
    c.meta.updated_at = Some(0);
    let g = c.group.as_mut().unwrap();
    g.phase = Phase::Stable;
    g.coordinator = Some((1, "127.0.0.1:9091".into()));
    g.member_id = "m1".into();
    g.generation = 3;
    g.assigned = vec![("t".into(), 0), ("t".into(), 1)];
    for (p, o) in [(0, 5), (1, 7)] {
        c.committed_known.insert(("t".into(), p));
        c.positions.insert(("t".into(), p), o);
    }
    c.position_epochs.insert(("t".into(), 1), 2);
    c
}

/// Runs one handler at `now`; returns the group requests it sent, with their corr.
fn step(
    c: &mut Consumer,
    now: u64,
    f: impl FnOnce(&mut Consumer, &mut Ctx),
) -> Vec<(u32, GroupRequest)> {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut choice_rng = ChaCha8Rng::seed_from_u64(2);
    let mut out = Outbox::default();
    let mut ctx = Ctx {
        now,
        me: 9,
        rng: &mut rng,
        choice_rng: &mut choice_rng,
        out: &mut out,
        record_events: false,
    };
    f(c, &mut ctx);
    out.sends
        .into_iter()
        .filter_map(|(_, m)| match m {
            Message::Kafka(KafkaMessage::Group { corr, request, .. }) => Some((corr, request)),
            _ => None,
        })
        .collect()
}

fn respond(c: &mut Consumer, now: u64, corr: u32, r: GroupResponse) -> Vec<(u32, GroupRequest)> {
    step(c, now, |c, ctx| {
        c.on_message(
            COORD,
            Message::Kafka(KafkaMessage::GroupResponse { corr, response: r }),
            ctx,
        )
    })
}

fn kind(r: &GroupRequest) -> &'static str {
    r.name()
}

fn commit_answer(error: &str) -> GroupResponse {
    GroupResponse::OffsetCommit(vec![
        (("t".into(), 0), error.to_string()),
        (("t".into(), 1), error.to_string()),
    ])
}

fn logged(c: &mut Consumer) -> Vec<String> {
    std::mem::take(&mut c.notes)
        .into_iter()
        .map(|n| match n {
            ClientNote::Log { line, .. } => line,
            ClientNote::Fatal { exception, .. } => exception,
        })
        .collect()
}

#[test]
fn a_rebalance_commits_and_waits_for_the_answer_before_rejoining() {
    let mut c = member();
    let sent = step(&mut c, 1_000, |c, ctx| {
        c.on_timer(Timer::KafkaClient(KafkaClientTimer::Heartbeat), ctx)
    });
    let (hb, _) = sent.iter().find(|(_, r)| kind(r) == "Heartbeat").unwrap();
    let sent = respond(
        &mut c,
        1_010,
        *hb,
        GroupResponse::Heartbeat("REBALANCE_IN_PROGRESS".into()),
    );
    // OffsetCommit of what was consumed, and no JoinGroup yet.
    assert_eq!(sent.len(), 1, "{sent:?}");
    let (
        corr,
        GroupRequest::OffsetCommit {
            member_id,
            generation,
            offsets,
        },
    ) = &sent[0]
    else {
        panic!("{sent:?}");
    };
    assert_eq!((member_id.as_str(), *generation), ("m1", 3));
    assert_eq!(
        offsets,
        &vec![(("t".to_string(), 0), 5), (("t".to_string(), 1), 7)]
    );
    // Nothing more goes until the answer (a later poll sends nothing either).
    let later = step(&mut c, 1_200, |c, ctx| {
        c.on_timer(Timer::KafkaClient(KafkaClientTimer::Poll), ctx)
    });
    assert!(later.is_empty(), "{later:?}");
    assert!(c.positions.is_empty(), "the partitions are revoked");
    let sent = respond(&mut c, 1_300, *corr, commit_answer("NONE"));
    assert_eq!(
        sent.iter().map(|(_, r)| kind(r)).collect::<Vec<_>>(),
        ["JoinGroup"]
    );
    assert!(logged(&mut c).is_empty());
}

#[test]
fn the_rebalance_commit_retries_through_a_coordinator_move() {
    let mut c = member();
    let sent = step(&mut c, 1_000, |c, ctx| {
        c.on_timer(Timer::KafkaClient(KafkaClientTimer::Heartbeat), ctx)
    });
    let hb = sent[0].0;
    let sent = respond(
        &mut c,
        1_010,
        hb,
        GroupResponse::Heartbeat("REBALANCE_IN_PROGRESS".into()),
    );
    let commit = sent[0].0;
    // NOT_COORDINATOR: the coordinator is looked up again, nothing is logged (retriable).
    respond(&mut c, 1_020, commit, commit_answer("NOT_COORDINATOR"));
    assert_eq!(c.group.as_ref().unwrap().phase, Phase::Finding);
    let find = c.finding.unwrap();
    let sent = step(&mut c, 1_030, |c, ctx| {
        c.on_message(
            COORD,
            Message::Kafka(KafkaMessage::FindCoordinatorResponse {
                corr: find,
                result: Ok((1, "127.0.0.1".into(), 9091)),
            }),
            ctx,
        )
    });
    // The same offsets again, after retry.backoff.ms at the latest.
    let sent = if sent.is_empty() {
        step(&mut c, 1_200, |c, ctx| {
            c.on_timer(Timer::KafkaClient(KafkaClientTimer::Poll), ctx)
        })
    } else {
        sent
    };
    assert_eq!(
        sent.iter().map(|(_, r)| kind(r)).collect::<Vec<_>>(),
        ["OffsetCommit"]
    );
    let sent = respond(&mut c, 1_300, sent[0].0, commit_answer("NONE"));
    assert_eq!(
        sent.iter().map(|(_, r)| kind(r)).collect::<Vec<_>>(),
        ["JoinGroup"]
    );
    assert!(logged(&mut c).is_empty());
}

#[test]
fn a_fenced_auto_commit_is_logged_and_the_member_rejoins_as_new() {
    let mut c = member();
    let sent = step(&mut c, 5_000, |c, ctx| {
        c.on_timer(Timer::KafkaClient(KafkaClientTimer::AutoCommit), ctx)
    });
    let (corr, _) = sent
        .iter()
        .find(|(_, r)| kind(r) == "OffsetCommit")
        .unwrap();
    let sent = respond(&mut c, 5_010, *corr, commit_answer("ILLEGAL_GENERATION"));
    // The generation is reset: the rebalance commit fails before it is sent, and the member
    // joins without an id.
    let joins: Vec<_> = sent
        .iter()
        .filter_map(|(_, r)| match r {
            GroupRequest::Join(j) => Some(j.member_id.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(joins, [""], "{sent:?}");
    assert!(!sent.iter().any(|(_, r)| kind(r) == "OffsetCommit"));
    let lines = logged(&mut c);
    let offsets = "{t-1=OffsetAndMetadata{offset=7, leaderEpoch=2, metadata=''}, t-0=OffsetAndMetadata{offset=5, leaderEpoch=null, metadata=''}}";
    assert_eq!(
        lines,
        [
            format!("WARN [Consumer clientId=consumer-g-1, groupId=g] Asynchronous auto-commit of offsets {offsets} failed: {COMMIT_FAILED} (org.apache.kafka.clients.consumer.internals.ConsumerCoordinator)"),
            format!("WARN [Consumer clientId=consumer-g-1, groupId=g] Synchronous auto-commit of offsets {offsets} failed: {NOT_IN_GROUP} (org.apache.kafka.clients.consumer.internals.ConsumerCoordinator)"),
        ]
    );
}

#[test]
fn a_retriable_auto_commit_error_is_retried_after_the_backoff_and_not_logged() {
    let mut c = member();
    let sent = step(&mut c, 5_000, |c, ctx| {
        c.on_timer(Timer::KafkaClient(KafkaClientTimer::AutoCommit), ctx)
    });
    let corr = sent[0].0;
    respond(
        &mut c,
        5_010,
        corr,
        commit_answer("COORDINATOR_LOAD_IN_PROGRESS"),
    );
    let sent = step(&mut c, 5_110, |c, ctx| {
        c.on_timer(Timer::KafkaClient(KafkaClientTimer::Poll), ctx)
    });
    assert_eq!(
        sent.iter().map(|(_, r)| kind(r)).collect::<Vec<_>>(),
        ["OffsetCommit"]
    );
    assert!(logged(&mut c).is_empty());
    assert_eq!(c.group.as_ref().unwrap().phase, Phase::Stable);
}

#[test]
fn close_commits_then_leaves() {
    let mut c = member();
    let sent = step(&mut c, 2_000, |c, ctx| c.close(ctx));
    assert_eq!(
        sent.iter().map(|(_, r)| kind(r)).collect::<Vec<_>>(),
        ["OffsetCommit"]
    );
    assert!(!c.closed());
    let sent = respond(&mut c, 2_010, sent[0].0, commit_answer("NONE"));
    assert_eq!(
        sent.iter().map(|(_, r)| kind(r)).collect::<Vec<_>>(),
        ["LeaveGroup"]
    );
    let sent = respond(
        &mut c,
        2_020,
        sent[0].0,
        GroupResponse::Leave("NONE".into()),
    );
    assert!(sent.is_empty());
    assert!(c.closed());
}

#[test]
fn an_inconsistent_protocol_is_fatal() {
    let mut c = member();
    let g = c.group.as_mut().unwrap();
    g.phase = Phase::Join;
    g.member_id.clear();
    g.generation = -1;
    g.assigned.clear();
    c.positions.clear();
    let sent = step(&mut c, 1_000, |c, ctx| {
        c.on_timer(Timer::KafkaClient(KafkaClientTimer::Poll), ctx)
    });
    let (corr, _) = sent.iter().find(|(_, r)| kind(r) == "JoinGroup").unwrap();
    let answer = crate::kafka::group::JoinResponse {
        error: crate::kafka::group::GroupError::InconsistentGroupProtocol,
        generation_id: -1,
        protocol_type: None,
        protocol_name: None,
        leader: String::new(),
        member_id: String::new(),
        members: Vec::new(),
    };
    let sent = respond(&mut c, 1_010, *corr, GroupResponse::Join(answer));
    assert!(sent.is_empty(), "no rejoin: {sent:?}");
    assert_eq!(c.group.as_ref().unwrap().phase, Phase::Left);
    let lines = logged(&mut c);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with("ERROR [Consumer clientId=consumer-g-1, groupId=g] Attempt to join group failed due to fatal error: The group member's supported protocols are incompatible"));
    assert!(lines[1].starts_with(
        "org.apache.kafka.common.errors.InconsistentGroupProtocolException: The group member's"
    ));
}
