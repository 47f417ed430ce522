//! Expected assignments from Kafka 3.0's RangeAssignorTest, RoundRobinAssignorTest,
//! AbstractStickyAssignorTest, StickyAssignorTest and CooperativeStickyAssignorTest.

use super::*;

fn tp(t: &str, p: i32) -> TopicPartition {
    (t.to_string(), p)
}

fn ppt(entries: &[(&str, i32)]) -> BTreeMap<String, i32> {
    entries.iter().map(|(t, n)| (t.to_string(), *n)).collect()
}

fn sub(topics: &[&str], owned: &[TopicPartition], generation: Option<i32>) -> Subscription {
    Subscription {
        owned_partitions: owned.to_vec(),
        generation,
        ..Subscription::new(topics)
    }
}

fn static_sub(topics: &[&str], instance: &str) -> Subscription {
    Subscription {
        group_instance_id: Some(instance.to_string()),
        ..Subscription::new(topics)
    }
}

fn subs(entries: Vec<(&str, Subscription)>) -> BTreeMap<String, Subscription> {
    entries
        .into_iter()
        .map(|(m, s)| (m.to_string(), s))
        .collect()
}

/// The tests' `buildSubscription`: sticky's user data carries generation -1, a cooperative
/// member's user data too.
fn owned(topics: &[&str], partitions: &[TopicPartition]) -> Subscription {
    sub(topics, partitions, Some(DEFAULT_GENERATION))
}

#[test]
fn parse_names_and_class_names() {
    assert_eq!(Strategy::parse("range"), Ok(Strategy::Range));
    assert_eq!(
        Strategy::parse("org.apache.kafka.clients.consumer.CooperativeStickyAssignor"),
        Ok(Strategy::CooperativeSticky)
    );
    assert_eq!(
        Strategy::parse(" org.apache.kafka.clients.consumer.RoundRobinAssignor"),
        Ok(Strategy::RoundRobin)
    );
    assert_eq!(
        Strategy::parse("org.example.Fancy"),
        Err("org.example.Fancy ClassNotFoundException exception occurred".to_string())
    );
    for s in Strategy::ALL {
        assert_eq!(Strategy::parse(s.name()), Ok(s));
        assert_eq!(Strategy::parse(s.class_name()), Ok(s));
    }
}

#[test]
fn java_hash_map_order() {
    // "topic1"/"topic2" and "consumer1".."consumer4" iterate in name order in Kafka's tests.
    let order = java_hash_order(vec!["topic2", "topic1"], |s| java_string_hash(s));
    assert_eq!(order, vec!["topic1", "topic2"]);
    assert_eq!(topic_partition_hash(&tp("t", 0)), 31 * 31 + 116);
}

#[test]
fn range_examples() {
    let a = assign(
        Strategy::Range,
        &ppt(&[("topic1", 3), ("topic2", 2)]),
        &subs(vec![
            ("consumer1", Subscription::new(&["topic1"])),
            ("consumer2", Subscription::new(&["topic1", "topic2"])),
            ("consumer3", Subscription::new(&["topic1"])),
        ]),
    );
    assert_eq!(a["consumer1"], vec![tp("topic1", 0)]);
    assert_eq!(
        a["consumer2"],
        vec![tp("topic1", 1), tp("topic2", 0), tp("topic2", 1)]
    );
    assert_eq!(a["consumer3"], vec![tp("topic1", 2)]);

    let both = ["topic1", "topic2"];
    let six = ppt(&[("topic1", 3), ("topic2", 3)]);
    let a = assign(
        Strategy::Range,
        &six,
        &subs(vec![
            ("consumer1", Subscription::new(&both)),
            ("consumer2", Subscription::new(&both)),
        ]),
    );
    let first = vec![
        tp("topic1", 0),
        tp("topic1", 1),
        tp("topic2", 0),
        tp("topic2", 1),
    ];
    assert_eq!(a["consumer1"], first);
    assert_eq!(a["consumer2"], vec![tp("topic1", 2), tp("topic2", 2)]);

    // Static members sort by instance id, ahead of dynamic ones.
    let a = assign(
        Strategy::Range,
        &six,
        &subs(vec![
            ("consumer-b", static_sub(&both, "instance1")),
            ("consumer-a", static_sub(&both, "instance2")),
        ]),
    );
    assert_eq!(a["consumer-b"], first);
    let a = assign(
        Strategy::Range,
        &six,
        &subs(vec![
            ("consumer-b", static_sub(&both, "instance1")),
            ("consumer-a", Subscription::new(&both)),
        ]),
    );
    assert_eq!(a["consumer-b"], first);
}

#[test]
fn range_static_members_persist() {
    let both = ["topic1", "topic2"];
    let p = ppt(&[("topic1", 5), ("topic2", 4)]);
    let mut s = subs(vec![
        ("consumer1", static_sub(&both, "instance1")),
        ("consumer2", static_sub(&both, "instance2")),
        ("consumer3", static_sub(&both, "instance3")),
        ("consumer4", Subscription::new(&both)),
    ]);
    let a = assign(Strategy::Range, &p, &s);
    assert_eq!(
        a["consumer1"],
        vec![tp("topic1", 0), tp("topic1", 1), tp("topic2", 0)]
    );
    assert_eq!(a["consumer2"], vec![tp("topic1", 2), tp("topic2", 1)]);
    assert_eq!(a["consumer3"], vec![tp("topic1", 3), tp("topic2", 2)]);
    assert_eq!(a["consumer4"], vec![tp("topic1", 4), tp("topic2", 3)]);
    s.remove("consumer4");
    s.insert("consumer5".into(), Subscription::new(&both));
    let b = assign(Strategy::Range, &p, &s);
    assert_eq!(b["consumer5"], a["consumer4"]);
    assert_eq!(b["consumer1"], a["consumer1"]);
}

#[test]
fn range_skips_unknown_topics() {
    let a = assign(
        Strategy::Range,
        &ppt(&[("topic", 3), ("other", 3)]),
        &subs(vec![("consumer", Subscription::new(&["topic", "missing"]))]),
    );
    assert_eq!(
        a["consumer"],
        vec![tp("topic", 0), tp("topic", 1), tp("topic", 2)]
    );
    let a = assign(
        Strategy::Range,
        &ppt(&[]),
        &subs(vec![("consumer", Subscription::new(&["topic"]))]),
    );
    assert_eq!(a["consumer"], vec![]);
}

#[test]
fn round_robin_examples() {
    let a = assign(
        Strategy::RoundRobin,
        &ppt(&[("topic1", 3), ("topic2", 2)]),
        &subs(vec![
            ("consumer1", Subscription::new(&["topic1"])),
            ("consumer2", Subscription::new(&["topic1", "topic2"])),
            ("consumer3", Subscription::new(&["topic1"])),
        ]),
    );
    assert_eq!(a["consumer1"], vec![tp("topic1", 0)]);
    assert_eq!(
        a["consumer2"],
        vec![tp("topic1", 1), tp("topic2", 0), tp("topic2", 1)]
    );
    assert_eq!(a["consumer3"], vec![tp("topic1", 2)]);

    let both = ["topic1", "topic2"];
    let six = ppt(&[("topic1", 3), ("topic2", 3)]);
    let a = assign(
        Strategy::RoundRobin,
        &six,
        &subs(vec![
            ("consumer-b", static_sub(&both, "instance1")),
            ("consumer-a", Subscription::new(&both)),
        ]),
    );
    assert_eq!(
        a["consumer-b"],
        vec![tp("topic1", 0), tp("topic1", 2), tp("topic2", 1)]
    );
    assert_eq!(
        a["consumer-a"],
        vec![tp("topic1", 1), tp("topic2", 0), tp("topic2", 2)]
    );

    let a = assign(
        Strategy::RoundRobin,
        &six,
        &subs(vec![
            ("consumer1", static_sub(&both, "instance1")),
            ("consumer2", static_sub(&both, "instance2")),
            ("consumer3", static_sub(&both, "instance3")),
            ("consumer4", Subscription::new(&both)),
        ]),
    );
    assert_eq!(a["consumer1"], vec![tp("topic1", 0), tp("topic2", 1)]);
    assert_eq!(a["consumer2"], vec![tp("topic1", 1), tp("topic2", 2)]);
    assert_eq!(a["consumer3"], vec![tp("topic1", 2)]);
    assert_eq!(a["consumer4"], vec![tp("topic2", 0)]);
}

/// Both sticky flavours; for cooperative, runs the follow-up rebalances the members trigger
/// after revoking (CooperativeStickyAssignorTest.verifyValidityAndBalance), checking that no
/// partition is handed out in the rebalance that revokes it.
fn sticky_final(
    strategy: Strategy,
    p: &BTreeMap<String, i32>,
    s: &mut BTreeMap<String, Subscription>,
) -> BTreeMap<String, Vec<TopicPartition>> {
    let mut a = assign(strategy, p, s);
    if strategy == Strategy::CooperativeSticky {
        for _ in 0..4 {
            let mut added = BTreeSet::new();
            let mut revoked = BTreeSet::new();
            for (m, got) in &a {
                let had = &s[m].owned_partitions;
                revoked.extend(had.iter().filter(|x| !got.contains(x)).cloned());
                added.extend(got.iter().filter(|x| !had.contains(x)).cloned());
            }
            assert!(added.is_disjoint(&revoked), "{added:?} moved in one go");
            if revoked.is_empty() {
                break;
            }
            for (m, got) in &a {
                let sub = s.get_mut(m).unwrap();
                sub.owned_partitions = got.clone();
                sub.generation = Some(DEFAULT_GENERATION);
            }
            a = assign(strategy, p, s);
        }
    }
    a
}

const STICKIES: [Strategy; 2] = [Strategy::Sticky, Strategy::CooperativeSticky];

#[test]
fn sticky_fresh_groups() {
    for st in STICKIES {
        let p = ppt(&[("topic1", 3), ("topic2", 2)]);
        let mut s = subs(vec![
            ("consumer1", Subscription::new(&["topic1"])),
            ("consumer2", Subscription::new(&["topic1", "topic2"])),
            ("consumer3", Subscription::new(&["topic1"])),
        ]);
        let a = sticky_final(st, &p, &mut s);
        assert_eq!(
            a["consumer1"],
            vec![tp("topic1", 0), tp("topic1", 2)],
            "{st:?}"
        );
        assert_eq!(a["consumer2"], vec![tp("topic2", 0), tp("topic2", 1)]);
        assert_eq!(a["consumer3"], vec![tp("topic1", 1)]);

        let both = ["topic1", "topic2"];
        let p = ppt(&[("topic1", 3), ("topic2", 3)]);
        let mut s = subs(vec![
            ("consumer1", Subscription::new(&both)),
            ("consumer2", Subscription::new(&both)),
        ]);
        let a = sticky_final(st, &p, &mut s);
        assert_eq!(
            a["consumer1"],
            vec![tp("topic1", 0), tp("topic1", 2), tp("topic2", 1)]
        );
        assert_eq!(
            a["consumer2"],
            vec![tp("topic1", 1), tp("topic2", 0), tp("topic2", 2)]
        );
    }
}

#[test]
fn sticky_quota_cases() {
    let both = ["topic1", "topic2"];
    for st in STICKIES {
        // testConsumerOwningMinQuotaExpectedMaxQuota
        let p = ppt(&[("topic1", 2), ("topic2", 3)]);
        let mut s = subs(vec![
            (
                "consumer1",
                owned(&both, &[tp("topic1", 0), tp("topic2", 1)]),
            ),
            (
                "consumer2",
                owned(&both, &[tp("topic1", 1), tp("topic2", 2)]),
            ),
        ]);
        let a = sticky_final(st, &p, &mut s);
        assert_eq!(
            a["consumer1"],
            vec![tp("topic1", 0), tp("topic2", 1), tp("topic2", 0)]
        );
        assert_eq!(a["consumer2"], vec![tp("topic1", 1), tp("topic2", 2)]);

        // testMaxQuotaConsumerMoreThanNumExpectedMaxCapacityMembers
        let p = ppt(&[("topic1", 2), ("topic2", 2)]);
        let mut s = subs(vec![
            (
                "consumer1",
                owned(&both, &[tp("topic1", 0), tp("topic2", 0)]),
            ),
            (
                "consumer2",
                owned(&both, &[tp("topic1", 1), tp("topic2", 1)]),
            ),
            ("consumer3", owned(&both, &[])),
        ]);
        let a = sticky_final(st, &p, &mut s);
        assert_eq!(a["consumer1"], vec![tp("topic1", 0)], "{st:?}");
        assert_eq!(a["consumer2"], vec![tp("topic1", 1), tp("topic2", 1)]);
        assert_eq!(a["consumer3"], vec![tp("topic2", 0)]);

        // testAllConsumersAreUnderMinQuota
        let p = ppt(&[("topic1", 2), ("topic2", 3)]);
        let mut s = subs(vec![
            ("consumer1", owned(&both, &[tp("topic1", 0)])),
            ("consumer2", owned(&both, &[tp("topic1", 1)])),
            ("consumer3", owned(&both, &[])),
        ]);
        let a = sticky_final(st, &p, &mut s);
        assert_eq!(a["consumer1"], vec![tp("topic1", 0), tp("topic2", 1)]);
        assert_eq!(a["consumer2"], vec![tp("topic1", 1), tp("topic2", 2)]);
        assert_eq!(a["consumer3"], vec![tp("topic2", 0)]);

        // testAllConsumersReachExpectedQuotaAndAreConsideredFilled
        let p = ppt(&[("topic", 4)]);
        let mut s = subs(vec![
            (
                "consumer1",
                owned(&["topic"], &[tp("topic", 0), tp("topic", 1)]),
            ),
            ("consumer2", owned(&["topic"], &[tp("topic", 2)])),
            ("consumer3", owned(&["topic"], &[])),
        ]);
        let a = sticky_final(st, &p, &mut s);
        assert_eq!(a["consumer1"], vec![tp("topic", 0), tp("topic", 1)]);
        assert_eq!(a["consumer2"], vec![tp("topic", 2)]);
        assert_eq!(a["consumer3"], vec![tp("topic", 3)]);
    }
}

#[test]
fn sticky_add_and_remove_consumers() {
    let both = ["topic1", "topic2"];
    let p = ppt(&[("topic1", 3), ("topic2", 4)]);
    for st in STICKIES {
        let mut s = subs(vec![
            ("consumer1", Subscription::new(&both)),
            ("consumer2", Subscription::new(&both)),
        ]);
        let a = sticky_final(st, &p, &mut s);
        assert_eq!(
            a["consumer1"],
            vec![
                tp("topic1", 0),
                tp("topic1", 2),
                tp("topic2", 1),
                tp("topic2", 3)
            ]
        );
        assert_eq!(
            a["consumer2"],
            vec![tp("topic1", 1), tp("topic2", 0), tp("topic2", 2)]
        );
        let mut s = subs(vec![
            ("consumer1", owned(&both, &a["consumer1"])),
            ("consumer2", owned(&both, &a["consumer2"])),
            ("consumer3", owned(&both, &[])),
            ("consumer4", owned(&both, &[])),
        ]);
        let a = sticky_final(st, &p, &mut s);
        assert_eq!(
            a["consumer1"],
            vec![tp("topic1", 0), tp("topic1", 2)],
            "{st:?}"
        );
        assert_eq!(a["consumer2"], vec![tp("topic1", 1), tp("topic2", 0)]);
        assert_eq!(a["consumer3"], vec![tp("topic2", 1), tp("topic2", 3)]);
        assert_eq!(a["consumer4"], vec![tp("topic2", 2)]);
        let mut s = subs(vec![
            ("consumer3", owned(&both, &a["consumer3"])),
            ("consumer4", owned(&both, &a["consumer4"])),
        ]);
        let a = sticky_final(st, &p, &mut s);
        assert_eq!(
            a["consumer3"],
            vec![
                tp("topic2", 1),
                tp("topic2", 3),
                tp("topic1", 0),
                tp("topic2", 0)
            ]
        );
        assert_eq!(
            a["consumer4"],
            vec![tp("topic2", 2), tp("topic1", 1), tp("topic1", 2)]
        );
    }
}

#[test]
fn sticky_partitions_claimed_twice_belong_to_nobody() {
    let p = ppt(&[("topic", 3)]);
    let claims = || {
        subs(vec![
            (
                "consumer1",
                owned(&["topic"], &[tp("topic", 0), tp("topic", 1)]),
            ),
            (
                "consumer2",
                owned(&["topic"], &[tp("topic", 0), tp("topic", 2)]),
            ),
            ("consumer3", owned(&["topic"], &[])),
        ])
    };
    let a = assign(Strategy::Sticky, &p, &claims());
    assert_eq!(a["consumer1"], vec![tp("topic", 1)]);
    assert_eq!(a["consumer2"], vec![tp("topic", 2)]);
    assert_eq!(a["consumer3"], vec![tp("topic", 0)]);
    // Cooperative: topic-0 waits until both claimants have revoked it.
    let a = assign(Strategy::CooperativeSticky, &p, &claims());
    assert_eq!(a["consumer3"], vec![]);

    let p = ppt(&[("topic", 4)]);
    let a = assign(Strategy::Sticky, &p, &claims());
    assert_eq!(a["consumer1"], vec![tp("topic", 1), tp("topic", 3)]);
    assert_eq!(a["consumer2"], vec![tp("topic", 2)]);
    assert_eq!(a["consumer3"], vec![tp("topic", 0)]);
    let a = assign(Strategy::CooperativeSticky, &p, &claims());
    assert_eq!(a["consumer1"], vec![tp("topic", 1), tp("topic", 3)]);
    assert_eq!(a["consumer3"], vec![]);
}

#[test]
fn sticky_stale_generations_lose_their_claims() {
    let both = ["topic", "topic2"];
    let p = ppt(&[("topic", 3), ("topic2", 3)]);
    let claim = [tp("topic", 0), tp("topic", 2), tp("topic2", 1)];
    for st in STICKIES {
        for stale in [Some(9), Some(DEFAULT_GENERATION)] {
            let mut s = subs(vec![
                ("consumer1", sub(&both, &claim, Some(10))),
                ("consumer2", sub(&both, &claim, stale)),
            ]);
            let a = sticky_final(st, &p, &mut s);
            let set = |v: &Vec<TopicPartition>| v.iter().cloned().collect::<BTreeSet<_>>();
            assert_eq!(set(&a["consumer1"]), claim.iter().cloned().collect());
            assert_eq!(
                set(&a["consumer2"]),
                [tp("topic", 1), tp("topic2", 0), tp("topic2", 2)]
                    .into_iter()
                    .collect()
            );
        }
    }
}

#[test]
fn sticky_general_path_keeps_partitions_when_topics_change() {
    // testAddRemoveTopicTwoConsumers: subscriptions differ in between, so the general
    // algorithm runs; what each member had stays with it.
    for st in STICKIES {
        let mut p = ppt(&[("topic", 3)]);
        let mut s = subs(vec![
            ("consumer1", Subscription::new(&["topic"])),
            ("consumer2", Subscription::new(&["topic"])),
        ]);
        let a1 = sticky_final(st, &p, &mut s);
        p.insert("topic2".into(), 3);
        let both = ["topic", "topic2"];
        let mut s = subs(vec![
            ("consumer1", owned(&both, &a1["consumer1"])),
            ("consumer2", owned(&both, &a1["consumer2"])),
        ]);
        let a2 = sticky_final(st, &p, &mut s);
        for c in ["consumer1", "consumer2"] {
            assert_eq!(a2[c].len(), 3);
            assert!(a1[c].iter().all(|x| a2[c].contains(x)));
        }
        p.remove("topic");
        let mut s = subs(vec![
            ("consumer1", owned(&["topic2"], &a2["consumer1"])),
            ("consumer2", owned(&["topic2"], &a2["consumer2"])),
        ]);
        let a3 = sticky_final(st, &p, &mut s);
        for c in ["consumer1", "consumer2"] {
            assert!(a3[c].iter().all(|x| a2[c].contains(x)));
        }
        assert_eq!(a3["consumer1"].len() + a3["consumer2"].len(), 3);
    }
}

#[test]
fn sticky_general_mixed_subscriptions_balance() {
    // testPoorRoundRobinAssignmentScenario and testReassignmentAfterOneConsumerLeaves.
    let p: BTreeMap<String, i32> = (1..=5).map(|i| (format!("topic{i}"), i % 2 + 1)).collect();
    let all = ["topic1", "topic2", "topic3", "topic4", "topic5"];
    let odd = ["topic1", "topic3", "topic5"];
    let mut s = subs(vec![
        ("consumer1", Subscription::new(&all)),
        ("consumer2", Subscription::new(&odd)),
        ("consumer3", Subscription::new(&odd)),
        ("consumer4", Subscription::new(&all)),
    ]);
    for st in STICKIES {
        let a = sticky_final(st, &p, &mut s);
        check_valid_and_balanced(&p, &s, &a);
    }
    let p: BTreeMap<String, i32> = (1..20).map(|i| (format!("t{i:02}"), i)).collect();
    let mut s: BTreeMap<String, Subscription> = (1..20)
        .map(|i| {
            let topics: Vec<String> = (1..=i).map(|j| format!("t{j:02}")).collect();
            let topics: Vec<&str> = topics.iter().map(String::as_str).collect();
            (format!("c{i:02}"), Subscription::new(&topics))
        })
        .collect();
    let a = assign(Strategy::Sticky, &p, &s);
    check_valid_and_balanced(&p, &s, &a);
    for (c, sub) in s.iter_mut() {
        sub.owned_partitions = a[c].clone();
        sub.generation = Some(DEFAULT_GENERATION);
    }
    s.remove("c10");
    let b = assign(Strategy::Sticky, &p, &s);
    check_valid_and_balanced(&p, &s, &b);
}

/// AbstractStickyAssignorTest.verifyValidityAndBalance.
fn check_valid_and_balanced(
    p: &BTreeMap<String, i32>,
    s: &BTreeMap<String, Subscription>,
    a: &BTreeMap<String, Vec<TopicPartition>>,
) {
    assert_eq!(s.len(), a.len());
    let mut seen = BTreeSet::new();
    for (c, tps) in a {
        for x in tps {
            assert!(s[c].topics.contains(&x.0), "{c} got unsubscribed {x:?}");
            assert!(seen.insert(x.clone()), "{x:?} assigned twice");
        }
    }
    let total: i32 = p.values().sum();
    assert_eq!(seen.len() as i32, total, "every partition assigned: {a:?}");
    for (c1, t1) in a {
        for (c2, t2) in a {
            if t1.len() > t2.len() + 1 {
                let moved = t1.iter().any(|x| t2.iter().any(|y| y.0 == x.0));
                assert!(!moved, "{c1} could give {c2} a partition: {a:?}");
            }
        }
    }
}

mod props {
    use super::*;
    use proptest::prelude::{any, prop, prop_assert, prop_assert_eq, proptest};
    use proptest::strategy::Strategy as Gen;

    fn group() -> impl Gen<Value = (BTreeMap<String, i32>, Vec<Vec<usize>>)> {
        (
            prop::collection::vec(1i32..8, 1..4),
            prop::collection::vec(prop::collection::vec(0usize..4, 1..4), 1..7),
        )
            .prop_map(|(counts, members)| {
                let ppt = counts
                    .iter()
                    .enumerate()
                    .map(|(i, n)| (format!("t{i}"), *n))
                    .collect();
                (ppt, members)
            })
    }

    fn subscriptions(
        ppt: &BTreeMap<String, i32>,
        members: &[Vec<usize>],
        same: bool,
    ) -> BTreeMap<String, Subscription> {
        let n = ppt.len();
        members
            .iter()
            .enumerate()
            .map(|(i, picks)| {
                let topics: Vec<String> = if same {
                    ppt.keys().cloned().collect()
                } else {
                    let mut t: Vec<String> = picks.iter().map(|k| format!("t{}", k % n)).collect();
                    t.sort();
                    t.dedup();
                    t
                };
                let sub = Subscription {
                    topics,
                    ..Subscription::default()
                };
                // Ids whose hashes collide and whose order differs from the natural one.
                (
                    format!("consumer-{}-{:x}", i * 7 % 5, i * 2654435761usize),
                    sub,
                )
            })
            .collect()
    }

    proptest! {
        #[test]
        fn every_partition_once_to_a_subscriber((ppt, members) in group(), same in any::<bool>()) {
            let s = subscriptions(&ppt, &members, same);
            for st in Strategy::ALL {
                let a = assign(st, &ppt, &s);
                prop_assert_eq!(a.len(), s.len());
                let mut seen = BTreeSet::new();
                for (c, tps) in &a {
                    for x in tps {
                        prop_assert!(s[c].topics.contains(&x.0));
                        prop_assert!(seen.insert(x.clone()));
                    }
                }
                let subscribed: i32 = ppt
                    .iter()
                    .filter(|(t, _)| s.values().any(|v| v.topics.contains(t)))
                    .map(|(_, n)| n)
                    .sum();
                prop_assert_eq!(seen.len() as i32, subscribed, "{:?}", st);
            }
        }

        #[test]
        fn sticky_stays_balanced_and_sticky((ppt, members) in group(), drop in 0usize..7) {
            let mut s = subscriptions(&ppt, &members, true);
            for st in STICKIES {
                let a = sticky_final(st, &ppt, &mut s.clone());
                let sizes: Vec<usize> = a.values().map(Vec::len).collect();
                prop_assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1);
                // A member leaves: everyone else keeps what it can within the new quota.
                let mut next = s.clone();
                for (c, sub) in next.iter_mut() {
                    sub.owned_partitions = a[c].clone();
                    sub.generation = Some(1);
                }
                if next.len() > 1 {
                    let gone = next.keys().nth(drop % next.len()).unwrap().clone();
                    next.remove(&gone);
                }
                let b = sticky_final(st, &ppt, &mut next.clone());
                let sizes: Vec<usize> = b.values().map(Vec::len).collect();
                prop_assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1);
                let quota_min = sizes.iter().min().unwrap();
                for (c, tps) in &b {
                    let kept = a[c].iter().filter(|x| tps.contains(x)).count();
                    prop_assert!(kept >= a[c].len().min(*quota_min), "{} lost partitions", c);
                }
            }
            s.clear();
        }
    }
}
