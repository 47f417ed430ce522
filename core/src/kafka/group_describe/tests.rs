//! Formats from ConsumerGroupCommand.scala (3.0): printOffsets, printMembers, printStates,
//! printGroupStates, shouldPrintMemberState, collectGroupOffsets.

use super::*;
use crate::kafka::group::MemberDescription;

fn tp(t: &str, p: i32) -> TopicPartition {
    (t.to_string(), p)
}

fn member(id: &str, client: &str, assignment: Vec<TopicPartition>) -> MemberDescription {
    MemberDescription {
        member_id: id.to_string(),
        client_id: client.to_string(),
        client_host: "/172.18.0.8".to_string(),
        assignment,
    }
}

fn described(state: GroupState, members: Vec<MemberDescription>) -> GroupDescription {
    GroupDescription {
        group_id: "my-group".to_string(),
        state,
        protocol_type: "consumer".to_string(),
        protocol: if state == GroupState::Stable {
            "range".to_string()
        } else {
            String::new()
        },
        members,
    }
}

#[test]
fn list_only_consumer_groups() {
    let groups = vec![
        ("my-group".to_string(), "consumer".to_string()),
        ("connect-cluster".to_string(), "connect".to_string()),
        ("offsets-only".to_string(), String::new()),
    ];
    assert_eq!(list(&groups), "my-group\noffsets-only\n");
    assert_eq!(list(&[]), "");
}

#[test]
fn list_with_states() {
    let groups = vec![
        (
            "my-group".to_string(),
            "consumer".to_string(),
            GroupState::Stable,
        ),
        (
            "a-rather-long-group-name".to_string(),
            "consumer".to_string(),
            GroupState::Empty,
        ),
    ];
    assert_eq!(
        list_with_state(&groups, &[]),
        "GROUP                    STATE\n\
         my-group                 Stable\n\
         a-rather-long-group-name Empty\n"
    );
    assert_eq!(
        list_with_state(&groups, &[GroupState::Stable]),
        "GROUP           STATE\nmy-group        Stable\n"
    );
    assert_eq!(
        parse_state_filter("Stable, Empty"),
        Ok(vec![GroupState::Stable, GroupState::Empty])
    );
    assert_eq!(
        parse_state_filter("stable"),
        Err(
            "Invalid state list 'stable'. Valid states are: PreparingRebalance, \
             CompletingRebalance, Stable, Dead, Empty"
                .to_string()
        )
    );
}

#[test]
fn offsets_view_of_a_stable_group() {
    let a = "consumer-my-group-1-0b0c5e0e-6bb4-4a8a-9a3f-0f3a3b8f6c11";
    let b = "consumer-my-group-2-7d1f3b2a-0c4e-4f7e-8d9a-5e6f7a8b9c0d";
    let g = GroupOffsets {
        description: described(
            GroupState::Stable,
            vec![
                member(b, "consumer-my-group-2", vec![tp("orders", 2)]),
                member(
                    a,
                    "consumer-my-group-1",
                    vec![
                        tp("orders", 0),
                        tp("orders", 1),
                        tp("payments", 0),
                        tp("payments", 1),
                    ],
                ),
            ],
        ),
        committed: [
            (tp("orders", 0), 5),
            (tp("payments", 1), 2),
            (tp("old", 0), 9),
        ]
        .into_iter()
        .collect(),
        log_end_offsets: [
            (tp("orders", 0), 7),
            (tp("orders", 1), 3),
            (tp("orders", 2), 0),
            (tp("payments", 0), 4),
            (tp("payments", 1), 2),
            (tp("old", 0), 12),
        ]
        .into_iter()
        .collect(),
    };
    let out = describe_offsets(&[g]);
    assert_eq!(out.stderr, "");
    // The member with more partitions first; by partition number, ties in HashSet order
    // (payments-0 hashes to bucket 4, orders-0 to 9; payments-1 to 7, orders-1 to 10).
    let expected = format!(
        "\n\
GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID{pad} HOST            CLIENT-ID\n\
my-group        payments        0          -               4               -               {a} /172.18.0.8     consumer-my-group-1\n\
my-group        orders          0          5               7               2               {a} /172.18.0.8     consumer-my-group-1\n\
my-group        payments        1          2               2               0               {a} /172.18.0.8     consumer-my-group-1\n\
my-group        orders          1          -               3               -               {a} /172.18.0.8     consumer-my-group-1\n\
my-group        orders          2          -               0               -               {b} /172.18.0.8     consumer-my-group-2\n\
my-group        old             0          9               12              3               -{dash} -               -\n",
        pad = " ".repeat(a.len() - "CONSUMER-ID".len()),
        dash = " ".repeat(a.len() - 1),
    );
    assert_eq!(out.stdout, expected);
}

#[test]
fn notices_for_empty_rebalancing_and_missing_groups() {
    let committed: BTreeMap<TopicPartition, i64> = [(tp("test", 0), 3)].into_iter().collect();
    let leo: BTreeMap<TopicPartition, i64> = [(tp("test", 0), 10)].into_iter().collect();
    let empty = GroupOffsets {
        description: described(GroupState::Empty, vec![]),
        committed: committed.clone(),
        log_end_offsets: leo.clone(),
    };
    let out = describe_offsets(&[empty]);
    assert_eq!(
        out.stderr,
        "\nConsumer group 'my-group' has no active members.\n"
    );
    assert!(out.stdout.ends_with(
        "my-group        test            0          3               10              7               -               -               -\n"
    ));

    // Rebalancing: members are listed without assignments, so only committed rows show.
    let rebalancing = GroupOffsets {
        description: described(
            GroupState::PreparingRebalance,
            vec![member("c-1", "c", vec![])],
        ),
        committed,
        log_end_offsets: leo,
    };
    let out = describe_offsets(&[rebalancing]);
    assert_eq!(
        out.stderr,
        "\nWarning: Consumer group 'my-group' is rebalancing.\n"
    );
    assert_eq!(out.stdout.lines().count(), 3);

    let missing = GroupOffsets {
        description: GroupDescription::dead("nope"),
        committed: BTreeMap::new(),
        log_end_offsets: BTreeMap::new(),
    };
    let out = describe_offsets(&[missing]);
    assert_eq!(
        out,
        Printed {
            stdout: "\nError: Consumer group 'nope' does not exist.\n".to_string(),
            stderr: String::new(),
        }
    );

    // An Empty group without offsets prints the notice and no table.
    let bare = GroupOffsets {
        description: described(GroupState::Empty, vec![]),
        committed: BTreeMap::new(),
        log_end_offsets: BTreeMap::new(),
    };
    let out = describe_offsets(&[bare]);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "\nConsumer group 'my-group' has no active members.\n"
    );
}

#[test]
fn members_view() {
    let d = described(
        GroupState::Stable,
        vec![
            member("c-1", "c", vec![tp("test", 1), tp("test", 0)]),
            member("c-2", "c", vec![]),
        ],
    );
    let out = describe_members(&[d], true);
    assert_eq!(
        out.stdout,
        "\nGROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     ASSIGNMENT\n\
         my-group        c-1             /172.18.0.8     c               2               test(0,1)\n\
         my-group        c-2             /172.18.0.8     c               0               -\n"
    );
    let out = describe_members(&[GroupDescription::dead("my-group")], false);
    assert_eq!(
        out.stdout,
        "\nError: Consumer group 'my-group' does not exist.\n"
    );
    // Empty group: the notice, and no table (no rows).
    let out = describe_members(&[described(GroupState::Empty, vec![])], false);
    assert_eq!((out.stdout.as_str(), out.stderr.is_empty()), ("", false));
}

#[test]
fn state_view() {
    let c = Coordinator {
        host: "127.0.0.1".to_string(),
        port: 9092,
        id: 1,
    };
    let stable = described(
        GroupState::Stable,
        vec![member("c-1", "c", vec![tp("t", 0)])],
    );
    let out = describe_state(&[(stable, c.clone())]);
    assert_eq!(
        out.stdout,
        "\nGROUP                     COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE           #MEMBERS\
         \nmy-group                  127.0.0.1:9092 (1)        range                Stable          1\n"
    );
    // Empty still prints its table, with no strategy.
    let out = describe_state(&[(described(GroupState::Empty, vec![]), c.clone())]);
    assert_eq!(
        out.stderr,
        "\nConsumer group 'my-group' has no active members.\n"
    );
    assert!(out
        .stdout
        .ends_with("\nmy-group                  127.0.0.1:9092 (1)                             Empty           0\n"));
    let out = describe_state(&[(GroupDescription::dead("x"), c)]);
    assert_eq!(out.stdout, "\nError: Consumer group 'x' does not exist.\n");
}

#[test]
fn several_groups_print_in_id_order() {
    let mut b = described(GroupState::Empty, vec![]);
    b.group_id = "b".into();
    let mut a = b.clone();
    a.group_id = "a".into();
    let out = describe_members(&[b, a], false);
    assert_eq!(
        out.stderr,
        "\nConsumer group 'a' has no active members.\n\nConsumer group 'b' has no active members.\n"
    );
}
