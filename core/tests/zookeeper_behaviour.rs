//! ZooKeeper behaviours the model (KAFKA-MODEL.md §1) requires, driven through the Cluster API.

use kafka_playground_core::sim::event::EventKind;
use kafka_playground_core::zookeeper::client::ClientState;
use kafka_playground_core::zookeeper::messages::{KeeperError, Op, OpResult, WatchType};
use kafka_playground_core::Cluster;

const ALL: &str = "zookeeper1:2181,zookeeper2:2182,zookeeper3:2183";

fn booted(seed: u64) -> Cluster {
    let mut c = Cluster::seed_cluster(seed);
    assert!(c.wait_until_ready(10_000));
    c
}

fn create(path: &str, ephemeral: bool) -> Op {
    Op::Create {
        path: path.into(),
        data: Some("v".into()),
        ephemeral,
        sequential: false,
    }
}

fn everywhere(c: &Cluster, path: &str) -> bool {
    ["zookeeper1", "zookeeper2", "zookeeper3"]
        .iter()
        .all(|z| c.zk_server(z).unwrap().tree().get(path).is_some())
}

fn nowhere(c: &Cluster, path: &str) -> bool {
    ["zookeeper1", "zookeeper2", "zookeeper3"]
        .iter()
        .all(|z| c.zk_server(z).unwrap().tree().get(path).is_none())
}

#[test]
fn a_crashed_clients_ephemeral_node_goes_when_its_session_expires() {
    let mut c = booted(1);
    let cl = c.open_zk_client(ALL, 6_000, None).unwrap();
    assert!(matches!(
        c.zk_call(cl, create("/eph", true), 5_000),
        Some(Ok(_))
    ));
    c.run_for(100);
    assert!(everywhere(&c, "/eph"));
    // Crash the client: no closeSession, the leader expires the session after its timeout.
    c.simulator_mut().stop(cl, true);
    c.run_for(4_000);
    assert!(everywhere(&c, "/eph"), "not before the timeout");
    c.run_for(6_000);
    assert!(nowhere(&c, "/eph"), "gone after the timeout (tick-rounded)");
    assert!(c
        .events()
        .iter()
        .any(|e| matches!(e.kind, EventKind::SessionExpired { .. })));
}

#[test]
fn no_session_expires_while_the_quorum_is_lost() {
    let mut c = booted(2);
    let cl = c.open_zk_client(ALL, 6_000, None).unwrap();
    assert!(matches!(
        c.zk_call(cl, create("/eph", true), 5_000),
        Some(Ok(_))
    ));
    let leader = c.zk_leaders()[0].clone();
    let others: Vec<String> = ["zookeeper1", "zookeeper2", "zookeeper3"]
        .iter()
        .filter(|z| **z != leader)
        .map(|z| z.to_string())
        .collect();
    // Two servers down (the leader among them), the client crashes, a long wait.
    use kafka_playground_core::cluster::HostAction;
    c.host_action(&leader, HostAction::Stop).unwrap();
    c.host_action(&others[0], HostAction::Stop).unwrap();
    c.simulator_mut().stop(cl, true);
    c.run_for(60_000);
    assert!(c.zk_leaders().is_empty());
    // Back: the new leader re-arms every session with its full timeout.
    c.host_action(&leader, HostAction::Start).unwrap();
    c.host_action(&others[0], HostAction::Start).unwrap();
    assert!(c.wait_until_ready(30_000));
    c.run_for(100);
    assert!(everywhere(&c, "/eph"), "the session survived the outage");
    c.run_for(10_000);
    assert!(
        nowhere(&c, "/eph"),
        "and expires a timeout after the quorum is back"
    );
}

#[test]
fn a_client_fails_over_keeping_its_session_and_ephemerals() {
    let mut c = booted(3);
    let cl = c.open_zk_client(ALL, 18_000, None).unwrap();
    assert!(matches!(
        c.zk_call(cl, create("/mine", true), 5_000),
        Some(Ok(_))
    ));
    let session = c.zk_client(cl).unwrap().session;
    let server = c
        .zk_client(cl)
        .unwrap()
        .connected_server()
        .unwrap()
        .to_string();
    let host = server.split(':').next().unwrap().to_string();
    use kafka_playground_core::cluster::HostAction;
    c.host_action(&host, HostAction::Stop).unwrap();
    c.run_for(3_000);
    let r = c.zk_call(
        cl,
        Op::Exists {
            path: "/mine".into(),
            watch: false,
        },
        10_000,
    );
    assert!(matches!(r, Some(Ok(OpResult::Stat(_)))), "{r:?}");
    let client = c.zk_client(cl).unwrap();
    assert_eq!(client.state, ClientState::Connected);
    assert_eq!(client.session, session, "same session");
    assert_ne!(client.connected_server().unwrap(), server, "another server");
}

#[test]
fn watches_fire_once_after_the_commit() {
    let mut c = booted(4);
    let a = c.open_zk_client("zookeeper1:2181", 18_000, None).unwrap();
    let b = c.open_zk_client("zookeeper3:2183", 18_000, None).unwrap();
    assert!(matches!(
        c.zk_call(a, create("/w", false), 5_000),
        Some(Ok(_))
    ));
    let r = c.zk_call(
        a,
        Op::GetData {
            path: "/w".into(),
            watch: true,
        },
        5_000,
    );
    assert!(matches!(r, Some(Ok(OpResult::Data(..)))));
    let r = c.zk_call(
        a,
        Op::GetChildren {
            path: "/w".into(),
            watch: true,
        },
        5_000,
    );
    assert!(matches!(r, Some(Ok(OpResult::Children(..)))));
    let set = |v: &str| Op::SetData {
        path: "/w".into(),
        data: Some(v.into()),
        version: -1,
    };
    assert!(matches!(c.zk_call(b, set("1"), 5_000), Some(Ok(_))));
    assert!(matches!(
        c.zk_call(b, create("/w/kid", false), 5_000),
        Some(Ok(_))
    ));
    assert!(matches!(c.zk_call(b, set("2"), 5_000), Some(Ok(_))));
    c.run_for(100);
    let got = &c.zk_client(a).unwrap().watch_events;
    assert_eq!(
        got,
        &[
            (WatchType::NodeDataChanged, "/w".to_string()),
            (WatchType::NodeChildrenChanged, "/w".to_string())
        ],
        "one data change (one-shot), one child change"
    );
}

#[test]
fn multi_is_atomic_through_the_ensemble_and_versions_are_checked() {
    let mut c = booted(5);
    let cl = c.open_zk_client(ALL, 18_000, None).unwrap();
    let ok = Op::Multi(vec![
        create("/controller", true),
        create("/controller_epoch", false),
        Op::SetData {
            path: "/controller_epoch".into(),
            data: Some("1".into()),
            version: 0,
        },
    ]);
    assert!(matches!(c.zk_call(cl, ok, 5_000), Some(Ok(OpResult::Multi(v))) if v.len() == 3));
    let bad = Op::Multi(vec![
        create("/x", false),
        Op::SetData {
            path: "/controller_epoch".into(),
            data: Some("2".into()),
            version: 0,
        },
    ]);
    let r = c.zk_call(cl, bad, 5_000).unwrap();
    assert_eq!(r.unwrap_err().code, KeeperError::BadVersion);
    c.run_for(100);
    assert!(nowhere(&c, "/x"));
    let r = c.zk_call(
        cl,
        Op::GetData {
            path: "/controller_epoch".into(),
            watch: false,
        },
        5_000,
    );
    assert!(matches!(r, Some(Ok(OpResult::Data(Some(d), s))) if d == "1" && s.version == 1));
}

fn sync_modes(c: &Cluster, host: &str) -> Vec<String> {
    c.events()
        .iter()
        .filter(|e| e.host == host)
        .filter_map(|e| match &e.kind {
            EventKind::FollowerSynced { mode, .. } => Some(mode.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn restarted_servers_sync_by_diff_snap_and_trunc() {
    use kafka_playground_core::cluster::HostAction;
    let mut c = booted(6);
    let port = |z: &str| format!("{z}:218{}", &z[9..]);
    let leader = c.zk_leaders()[0].clone();
    let cl = c.open_zk_client(&port(&leader), 18_000, None).unwrap();
    let follower = ["zookeeper1", "zookeeper2", "zookeeper3"]
        .into_iter()
        .find(|z| *z != leader)
        .unwrap();
    // DIFF: a follower that missed a few writes.
    assert!(matches!(
        c.zk_call(cl, create("/before", false), 5_000),
        Some(Ok(_))
    ));
    c.run_for(100);
    c.host_action(follower, HostAction::Stop).unwrap();
    for i in 0..3 {
        assert!(matches!(
            c.zk_call(cl, create(&format!("/d{i}"), false), 5_000),
            Some(Ok(_))
        ));
    }
    c.host_action(follower, HostAction::Start).unwrap();
    assert!(c.wait_until_ready(20_000));
    assert_eq!(
        sync_modes(&c, follower).last().map(String::as_str),
        Some("DIFF")
    );
    assert!(everywhere(&c, "/d2"));

    // TRUNC: the leader logs a proposal no follower sees, dies, and comes back after a new
    // leader wrote something else.
    let leader = c.zk_leaders()[0].clone();
    let followers: Vec<&str> = ["zookeeper1", "zookeeper2", "zookeeper3"]
        .into_iter()
        .filter(|z| *z != leader)
        .collect();
    let on_leader = c.open_zk_client(&port(&leader), 18_000, None).unwrap();
    let r = c.zk_call(
        on_leader,
        Op::Exists {
            path: "/".into(),
            watch: false,
        },
        5_000,
    );
    assert!(matches!(r, Some(Ok(_))));
    for f in &followers {
        c.cut(&leader, f, true).unwrap();
    }
    let xid = c.zk_submit(on_leader, create("/lost", false)).unwrap();
    c.run_for(50);
    assert!(c.zk_take_result(on_leader, xid).is_none(), "not committed");
    c.host_action(&leader, HostAction::Kill).unwrap();
    c.heal_all();
    c.run_for(8_000);
    let new_leader = c.zk_leaders();
    assert_eq!(new_leader.len(), 1);
    let on_new = c
        .open_zk_client(&port(&new_leader[0]), 18_000, None)
        .unwrap();
    assert!(matches!(
        c.zk_call(on_new, create("/kept", false), 5_000),
        Some(Ok(_))
    ));
    c.host_action(&leader, HostAction::Start).unwrap();
    assert!(c.wait_until_ready(30_000));
    assert_eq!(
        sync_modes(&c, &leader).last().map(String::as_str),
        Some("TRUNC")
    );
    c.run_for(100);
    assert!(nowhere(&c, "/lost") && everywhere(&c, "/kept"));
}

#[test]
fn a_server_with_an_empty_log_gets_a_snapshot() {
    use kafka_playground_core::cluster::HostAction;
    let mut c = Cluster::seed_cluster(7);
    c.run_for(1);
    // zookeeper1 never joins before writes happen.
    c.host_action("zookeeper1", HostAction::Stop).unwrap();
    assert!(c.wait_until_ready(20_000));
    let cl = c
        .open_zk_client("zookeeper2:2182,zookeeper3:2183", 18_000, None)
        .unwrap();
    assert!(matches!(
        c.zk_call(cl, create("/s", false), 5_000),
        Some(Ok(_))
    ));
    c.host_action("zookeeper1", HostAction::Start).unwrap();
    assert!(c.wait_until_ready(20_000));
    assert_eq!(
        sync_modes(&c, "zookeeper1").last().map(String::as_str),
        Some("SNAP")
    );
    assert!(everywhere(&c, "/s"));
}
