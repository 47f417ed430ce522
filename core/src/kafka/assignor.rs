//! The consumer's partition assignors as Kafka 3.0's Java client runs them on the group leader
//! (`RangeAssignor`, `RoundRobinAssignor`, `StickyAssignor`, `CooperativeStickyAssignor`).
//!
//! Kafka iterates `java.util.HashMap`s in several places where the order decides the outcome
//! (which member keeps its partitions when quotas are tight, the order of a member's list). We
//! reproduce that order from Java's `hashCode`s ([`java_hash_order`]) instead of inventing one,
//! so an assignment here is the one a real leader computes for the same member ids. The one
//! thing we cannot know is the order the leader inserted colliding keys in (it follows the
//! coordinator's member map): ties inside one hash bucket keep the member-id order.

use crate::ordered::{OrdMap as BTreeMap, OrdSet as BTreeSet};
use std::cmp::Ordering;

use super::partitioner::java_string_hash;

/// `(topic, partition)`.
pub type TopicPartition = (String, i32);

/// `AbstractStickyAssignor.DEFAULT_GENERATION`.
pub const DEFAULT_GENERATION: i32 = -1;

/// One assignor, by the protocol name the consumer announces in JoinGroup.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Strategy {
    Range,
    RoundRobin,
    Sticky,
    CooperativeSticky,
}

/// The Java consumer's `partition.assignment.strategy` default in 3.0: range first, so range
/// wins the group's vote unless every member prefers another.
pub const DEFAULT_STRATEGIES: [Strategy; 2] = [Strategy::Range, Strategy::CooperativeSticky];

impl Strategy {
    pub const ALL: [Strategy; 4] = [
        Strategy::Range,
        Strategy::RoundRobin,
        Strategy::Sticky,
        Strategy::CooperativeSticky,
    ];

    /// A `partition.assignment.strategy` entry: the Java class name, or the protocol name
    /// (which kafka-python and librdkafka take). The error is the consumer's constructor message
    /// (`ConsumerPartitionAssignor.getAssignorInstances`).
    pub fn parse(s: &str) -> Result<Strategy, String> {
        let s = s.trim();
        Strategy::ALL
            .into_iter()
            .find(|st| st.class_name() == s || st.name() == s)
            .ok_or_else(|| format!("{s} ClassNotFoundException exception occurred"))
    }

    /// The protocol name in JoinGroup, in `--describe --state` and in the group metadata.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Range => "range",
            Strategy::RoundRobin => "roundrobin",
            Strategy::Sticky => "sticky",
            Strategy::CooperativeSticky => "cooperative-sticky",
        }
    }

    pub fn class_name(self) -> &'static str {
        match self {
            Strategy::Range => "org.apache.kafka.clients.consumer.RangeAssignor",
            Strategy::RoundRobin => "org.apache.kafka.clients.consumer.RoundRobinAssignor",
            Strategy::Sticky => "org.apache.kafka.clients.consumer.StickyAssignor",
            Strategy::CooperativeSticky => {
                "org.apache.kafka.clients.consumer.CooperativeStickyAssignor"
            }
        }
    }

    /// Only cooperative-sticky supports the COOPERATIVE protocol: its members keep their
    /// partitions through a rebalance and revoke only what moves.
    pub fn is_cooperative(self) -> bool {
        self == Strategy::CooperativeSticky
    }
}

/// What the leader knows of one member from its JoinGroup metadata.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Subscription {
    /// Subscribed topics, in the member's order.
    pub topics: Vec<String>,
    /// Sticky: the partitions in the member's user data (its last assignment, as the leader
    /// sent it). Cooperative-sticky: the member's `ownedPartitions`. Range/roundrobin ignore it.
    pub owned_partitions: Vec<TopicPartition>,
    /// The generation in the user data. `None` when there is none: a sticky member that has
    /// never been assigned (its user data is null). A cooperative member always sends one
    /// (`DEFAULT_GENERATION` before its first assignment).
    pub generation: Option<i32>,
    /// `group.instance.id` of a static member: range and roundrobin sort these first.
    pub group_instance_id: Option<String>,
}

impl Subscription {
    pub fn new(topics: &[&str]) -> Self {
        Subscription {
            topics: topics.iter().map(|t| t.to_string()).collect(),
            ..Subscription::default()
        }
    }
}

/// Runs one assignor as the leader does: topics nobody subscribes to or with no partitions
/// are dropped first (`AbstractPartitionAssignor.assign(Cluster, …)`), every member gets an
/// entry, and each list is in the order Kafka builds it.
pub fn assign(
    strategy: Strategy,
    partitions_per_topic: &BTreeMap<String, i32>,
    subscriptions: &BTreeMap<String, Subscription>,
) -> BTreeMap<String, Vec<TopicPartition>> {
    let subscribed: BTreeSet<&String> = subscriptions.values().flat_map(|s| &s.topics).collect();
    let ppt: BTreeMap<String, i32> = partitions_per_topic
        .iter()
        .filter(|(t, n)| **n > 0 && subscribed.contains(t))
        .map(|(t, n)| (t.clone(), *n))
        .collect();
    match strategy {
        Strategy::Range => range(&ppt, subscriptions),
        Strategy::RoundRobin => round_robin(&ppt, subscriptions),
        Strategy::Sticky => {
            // The eager assignor reads owned partitions back from its user data, which it wrote
            // grouped by topic (`groupPartitionsByTopic`, a HashMap).
            let subs = subscriptions
                .iter()
                .map(|(m, s)| {
                    let mut s = s.clone();
                    s.owned_partitions = user_data_order(&s.owned_partitions);
                    (m.clone(), s)
                })
                .collect();
            sticky::assign(&ppt, &subs).0
        }
        Strategy::CooperativeSticky => cooperative(&ppt, subscriptions),
    }
}

/// Java's `String.compareTo`: UTF-16 code units, which differs from Rust's byte order only for
/// characters beyond the BMP.
pub fn java_cmp(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// `TopicPartition.hashCode`.
pub fn topic_partition_hash(tp: &TopicPartition) -> i32 {
    31i32
        .wrapping_mul(31i32.wrapping_add(tp.1))
        .wrapping_add(java_string_hash(&tp.0))
}

/// The table size of a default `new HashMap<>()` that has held `max_len` entries (load
/// factor 0.75, doubling from 16; it never shrinks).
fn java_table_size(max_len: usize) -> usize {
    let mut cap = 16;
    while max_len > cap * 3 / 4 {
        cap *= 2;
    }
    cap
}

fn java_bucket(hash: i32, table: usize) -> usize {
    let h = hash as u32;
    ((h ^ (h >> 16)) as usize) & (table - 1)
}

/// Iteration order of a default `java.util.HashMap`/`HashSet` whose keys were inserted in the
/// given order: by bucket, then insertion order within a bucket (resizes keep it).
pub fn java_hash_order<T>(items: Vec<T>, hash: impl Fn(&T) -> i32) -> Vec<T> {
    let table = java_table_size(items.len());
    java_hash_order_in(items, hash, table)
}

/// [`java_hash_order`] for a table of a known size (a power of two).
pub fn java_hash_order_in<T>(items: Vec<T>, hash: impl Fn(&T) -> i32, table: usize) -> Vec<T> {
    let mut keyed: Vec<(usize, T)> = items
        .into_iter()
        .map(|t| (java_bucket(hash(&t), table), t))
        .collect();
    crate::sort::sort_by_key(&mut keyed, |(b, _)| *b);
    keyed.into_iter().map(|(_, t)| t).collect()
}

/// The order in which the leader's `subscriptions` HashMap yields the members.
fn member_order(subscriptions: &BTreeMap<String, Subscription>) -> Vec<String> {
    java_hash_order(subscriptions.keys().cloned().collect(), |m| {
        java_string_hash(m)
    })
}

/// The StickyAssignor user-data round trip: partitions grouped by topic in HashMap order,
/// each topic's partitions in their original order.
fn user_data_order(partitions: &[TopicPartition]) -> Vec<TopicPartition> {
    let mut topics: Vec<&String> = Vec::new();
    for (t, _) in partitions {
        if !topics.contains(&t) {
            topics.push(t);
        }
    }
    java_hash_order(topics, |t| java_string_hash(t))
        .into_iter()
        .flat_map(|t| partitions.iter().filter(move |(pt, _)| pt == t).cloned())
        .collect()
}

/// `AbstractPartitionAssignor.MemberInfo`'s order: static members (by instance id) first,
/// then member ids.
fn member_info_cmp(a: (&String, &Subscription), b: (&String, &Subscription)) -> Ordering {
    match (&a.1.group_instance_id, &b.1.group_instance_id) {
        (Some(x), Some(y)) => java_cmp(x, y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => java_cmp(a.0, b.0),
    }
}

fn empty_assignment(
    subscriptions: &BTreeMap<String, Subscription>,
) -> BTreeMap<String, Vec<TopicPartition>> {
    subscriptions
        .keys()
        .map(|m| (m.clone(), Vec::new()))
        .collect()
}

/// `RangeAssignor`: per topic, the sorted subscribers split the partitions in ranges, the
/// first `P % M` getting one more.
fn range(
    ppt: &BTreeMap<String, i32>,
    subscriptions: &BTreeMap<String, Subscription>,
) -> BTreeMap<String, Vec<TopicPartition>> {
    let mut assignment = empty_assignment(subscriptions);
    // consumersPerTopic is a HashMap filled member by member: its topic order decides the
    // order of each member's list.
    let mut topics: Vec<&String> = Vec::new();
    for m in member_order(subscriptions) {
        for t in &subscriptions[&m].topics {
            if !topics.contains(&t) {
                topics.push(t);
            }
        }
    }
    for topic in java_hash_order(topics, |t| java_string_hash(t)) {
        let Some(&n) = ppt.get(topic) else { continue };
        let mut members: Vec<(&String, &Subscription)> = subscriptions
            .iter()
            .filter(|(_, s)| s.topics.contains(topic))
            .collect();
        crate::sort::sort_by(&mut members, |a, b| member_info_cmp(*a, *b));
        let m = members.len() as i32;
        let (per, extra) = (n / m, n % m);
        for (i, (member, _)) in (0i32..).zip(members) {
            let start = per * i + i.min(extra);
            let len = per + i32::from(i < extra);
            let list = assignment
                .get_mut(member)
                .expect("every member has an entry");
            list.extend((start..start + len).map(|p| (topic.clone(), p)));
        }
    }
    assignment
}

/// `RoundRobinAssignor`: all partitions sorted by topic then number, dealt to the sorted
/// members in a circle, skipping members not subscribed to the partition's topic.
fn round_robin(
    ppt: &BTreeMap<String, i32>,
    subscriptions: &BTreeMap<String, Subscription>,
) -> BTreeMap<String, Vec<TopicPartition>> {
    let mut assignment = empty_assignment(subscriptions);
    let mut members: Vec<(&String, &Subscription)> = subscriptions.iter().collect();
    crate::sort::sort_by(&mut members, |a, b| member_info_cmp(*a, *b));
    let mut topics: Vec<&String> = subscriptions.values().flat_map(|s| &s.topics).collect();
    crate::sort::sort_by(&mut topics, |a, b| java_cmp(a, b));
    topics.dedup();
    let mut next = 0;
    for topic in topics {
        let Some(&n) = ppt.get(topic) else { continue };
        for p in 0..n {
            // Someone subscribes to every listed topic, so this stops.
            while !members[next % members.len()].1.topics.contains(topic) {
                next += 1;
            }
            let member = members[next % members.len()].0;
            next += 1;
            let list = assignment
                .get_mut(member)
                .expect("every member has an entry");
            list.push((topic.clone(), p));
        }
    }
    assignment
}

/// `CooperativeStickyAssignor`: the sticky assignment minus every partition that some other
/// member still owns. Those are only revoked now; the follow-up rebalance (which the members
/// trigger once they have revoked) hands them out.
fn cooperative(
    ppt: &BTreeMap<String, i32>,
    subscriptions: &BTreeMap<String, Subscription>,
) -> BTreeMap<String, Vec<TopicPartition>> {
    let (mut assignment, transferring) = sticky::assign(ppt, subscriptions);
    let transferring = transferring.unwrap_or_else(|| {
        // The general path does not track movements: compare owned and assigned instead.
        let mut added: BTreeMap<TopicPartition, String> = BTreeMap::new();
        let mut revoked: BTreeSet<TopicPartition> = BTreeSet::new();
        for (m, assigned) in &assignment {
            let owned = &subscriptions[m].owned_partitions;
            for tp in assigned.iter().filter(|tp| !owned.contains(tp)) {
                added.insert(tp.clone(), m.clone());
            }
            revoked.extend(owned.iter().filter(|tp| !assigned.contains(tp)).cloned());
        }
        added.retain(|tp, _| revoked.contains(tp));
        added
    });
    for (tp, m) in transferring {
        let list = assignment.get_mut(&m).expect("assigned member exists");
        if let Some(i) = list.iter().position(|x| *x == tp) {
            list.remove(i);
        }
    }
    assignment
}

mod sticky;

#[cfg(test)]
mod tests;
