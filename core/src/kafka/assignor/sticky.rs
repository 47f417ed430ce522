//! `AbstractStickyAssignor` (3.0), shared by sticky and cooperative-sticky: when every member
//! subscribes to the same topics the quota-based `constrainedAssign` runs, otherwise the older
//! `generalAssign` that balances by moving partitions one at a time.

use crate::ordered::{OrdMap as BTreeMap, OrdSet as BTreeSet};
use std::cmp::Ordering;

use super::{
    java_bucket, java_cmp, java_table_size, member_order, topic_partition_hash, Subscription,
    TopicPartition, DEFAULT_GENERATION,
};

type Assignment = BTreeMap<String, Vec<TopicPartition>>;

/// A member id ordered like Java's `String.compareTo`, for the sorted sets Kafka keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Jid(String);

impl Ord for Jid {
    fn cmp(&self, other: &Self) -> Ordering {
        java_cmp(&self.0, &other.0)
    }
}

impl PartialOrd for Jid {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The assignment, plus (constrained path only) the partitions that changed owner, which the
/// cooperative assignor withholds; `None` tells it to compute them itself.
pub(super) fn assign(
    ppt: &BTreeMap<String, i32>,
    subscriptions: &BTreeMap<String, Subscription>,
) -> (Assignment, Option<BTreeMap<TopicPartition, String>>) {
    if subscriptions.is_empty() {
        return (Assignment::new(), None);
    }
    let order = member_order(subscriptions);
    let mut owned = Assignment::new();
    let mut multi = BTreeSet::new();
    let (all_equal, max_generation) =
        all_subscriptions_equal(ppt, subscriptions, &order, &mut owned, &mut multi);
    if all_equal {
        let mut transferring = BTreeMap::new();
        let a = constrained(ppt, &order, owned, &multi, &mut transferring);
        (a, Some(transferring))
    } else {
        (
            general(ppt, subscriptions, &order, owned, max_generation),
            None,
        )
    }
}

/// `allSubscriptionsEqual`: also collects each member's still-valid owned partitions. Only
/// members of the highest generation count; a partition claimed twice in it is nobody's.
fn all_subscriptions_equal(
    ppt: &BTreeMap<String, i32>,
    subscriptions: &BTreeMap<String, Subscription>,
    order: &[String],
    owned: &mut Assignment,
    multi: &mut BTreeSet<TopicPartition>,
) -> (bool, i32) {
    let mut max_generation = DEFAULT_GENERATION;
    let mut highest: Vec<String> = Vec::new();
    let mut equal = true;
    let mut topics: BTreeSet<&String> = BTreeSet::new();
    let mut previous_owner: BTreeMap<TopicPartition, String> = BTreeMap::new();
    for consumer in order {
        let sub = &subscriptions[consumer];
        let these: BTreeSet<&String> = sub.topics.iter().collect();
        if topics.is_empty() {
            topics = these;
        } else if equal && topics != these {
            equal = false;
        }
        owned.insert(consumer.clone(), Vec::new());
        let valid = match sub.generation {
            Some(g) => g >= max_generation,
            None => max_generation == DEFAULT_GENERATION,
        };
        if !valid {
            continue;
        }
        if let Some(g) = sub.generation.filter(|g| *g > max_generation) {
            previous_owner.clear();
            multi.clear();
            for dropped in highest.drain(..) {
                owned.get_mut(&dropped).expect("seen").clear();
            }
            max_generation = g;
        }
        highest.push(consumer.clone());
        for tp in &sub.owned_partitions {
            if !ppt.contains_key(&tp.0) {
                continue;
            }
            match previous_owner.get(tp) {
                None => {
                    previous_owner.insert(tp.clone(), consumer.clone());
                    owned.get_mut(consumer).expect("inserted").push(tp.clone());
                }
                Some(other) => {
                    let list = owned.get_mut(other).expect("seen");
                    if let Some(i) = list.iter().position(|x| x == tp) {
                        list.remove(i);
                    }
                    multi.insert(tp.clone());
                }
            }
        }
    }
    (equal, max_generation)
}

/// Partitions of the topics taken in `topics` order, minus `assigned` — by Kafka's two-pointer
/// walk, which assumes `assigned` is sorted the same way and a subset.
fn unassigned_walk(
    all: impl Iterator<Item = TopicPartition>,
    assigned: &[TopicPartition],
) -> Vec<TopicPartition> {
    let mut it = assigned.iter();
    let mut next = it.next();
    let mut out = Vec::new();
    for tp in all {
        match next {
            Some(n) if *n == tp => next = it.next(),
            _ => out.push(tp),
        }
    }
    out
}

/// `constrainedAssign`: keep up to the quota of what each member owned, then deal the rest
/// round-robin to the members below quota (sorted), then to those that may take one extra.
fn constrained(
    ppt: &BTreeMap<String, i32>,
    order: &[String],
    mut owned: Assignment,
    multi: &BTreeSet<TopicPartition>,
    transferring: &mut BTreeMap<TopicPartition, String>,
) -> Assignment {
    let consumers = order.len();
    let total: usize = ppt.values().map(|n| *n as usize).sum();
    let min_quota = total / consumers;
    let max_quota = total.div_ceil(consumers);
    let expected_over = total % consumers;
    let mut current_over = 0;
    let mut revoked: BTreeSet<TopicPartition> = BTreeSet::new();
    let mut under: Vec<String> = Vec::new();
    let mut exactly_min: Vec<String> = Vec::new();
    let mut assignment: Assignment = order.iter().map(|c| (c.clone(), Vec::new())).collect();
    let mut assigned: Vec<TopicPartition> = Vec::new();
    for consumer in order {
        let mine = owned.get_mut(consumer).expect("every member");
        mine.retain(|tp| !multi.contains(tp));
        let list = assignment.get_mut(consumer).expect("every member");
        let keep = if mine.len() < min_quota {
            under.push(consumer.clone());
            mine.len()
        } else if mine.len() >= max_quota && current_over < expected_over {
            current_over += 1;
            if current_over == expected_over {
                exactly_min.clear();
            }
            max_quota
        } else {
            if current_over < expected_over {
                exactly_min.push(consumer.clone());
            }
            min_quota
        };
        list.extend_from_slice(&mine[..keep]);
        assigned.extend_from_slice(&mine[..keep]);
        revoked.extend(mine[keep..].iter().cloned());
    }
    crate::sort::sort_by(&mut assigned, |a, b| {
        java_cmp(&a.0, &b.0).then(a.1.cmp(&b.1))
    });
    let mut topics: Vec<&String> = ppt.keys().collect();
    crate::sort::sort_by(&mut topics, |a, b| java_cmp(a, b));
    let all = topics
        .iter()
        .flat_map(|t| (0..ppt[*t]).map(move |p| ((*t).clone(), p)));
    let unassigned = unassigned_walk(all, &assigned);

    crate::sort::sort_by(&mut under, |a, b| java_cmp(a, b));
    crate::sort::sort_by(&mut exactly_min, |a, b| java_cmp(a, b));
    // A LinkedList iterator over `under`: `cursor` is the next index, removal steps back.
    let mut cursor = 0;
    for tp in unassigned {
        let consumer = if cursor < under.len() {
            cursor += 1;
            under[cursor - 1].clone()
        } else if under.is_empty() {
            if exactly_min.is_empty() {
                // Kafka throws IllegalStateException here; the quotas make it unreachable.
                break;
            }
            exactly_min.remove(0)
        } else {
            cursor = 1;
            under[0].clone()
        };
        let list = assignment.get_mut(&consumer).expect("every member");
        list.push(tp.clone());
        if revoked.contains(&tp) || multi.contains(&tp) {
            transferring.insert(tp, consumer.clone());
        }
        // (Kafka also counts members reaching max quota here, only to log inconsistencies.)
        if list.len() == min_quota {
            cursor -= 1;
            under.remove(cursor);
            exactly_min.push(consumer);
        }
    }
    assignment
}

/// A `java.util.HashSet<TopicPartition>`: only its first element's identity matters to us.
#[derive(Clone, Debug, Default)]
struct JavaTpSet {
    /// In insertion order; a removed and re-added element goes to the back of its bucket.
    items: Vec<TopicPartition>,
    max_len: usize,
}

impl JavaTpSet {
    fn insert(&mut self, tp: TopicPartition) {
        if !self.items.contains(&tp) {
            self.items.push(tp);
            self.max_len = self.max_len.max(self.items.len());
        }
    }

    fn remove(&mut self, tp: &TopicPartition) {
        self.items.retain(|x| x != tp);
    }

    /// `iterator().next()`: the lowest bucket, first inserted within it.
    fn first(&self) -> Option<&TopicPartition> {
        let table = java_table_size(self.max_len);
        self.items
            .iter()
            .enumerate()
            .min_by_key(|(i, tp)| (java_bucket(topic_partition_hash(tp), table), *i))
            .map(|(_, tp)| tp)
    }
}

/// `PartitionMovements`: where partitions moved during this assignment, so a later move of
/// the same topic between the same two members moves back the one that came, not another.
#[derive(Default)]
struct Movements {
    by_partition: BTreeMap<TopicPartition, (String, String)>,
    by_topic: BTreeMap<String, BTreeMap<(String, String), JavaTpSet>>,
}

impl Movements {
    fn remove_record(&mut self, tp: &TopicPartition) -> (String, String) {
        let pair = self.by_partition.remove(tp).expect("recorded");
        let topic = self.by_topic.get_mut(&tp.0).expect("recorded");
        let set = topic.get_mut(&pair).expect("recorded");
        set.remove(tp);
        if set.items.is_empty() {
            topic.remove(&pair);
        }
        if topic.is_empty() {
            self.by_topic.remove(&tp.0);
        }
        pair
    }

    fn add_record(&mut self, tp: &TopicPartition, pair: (String, String)) {
        self.by_partition.insert(tp.clone(), pair.clone());
        let topic = self.by_topic.entry(tp.0.clone()).or_default();
        topic.entry(pair).or_default().insert(tp.clone());
    }

    fn move_partition(&mut self, tp: &TopicPartition, old: &str, new: &str) {
        if self.by_partition.contains_key(tp) {
            let (src, _) = self.remove_record(tp);
            if src != new {
                self.add_record(tp, (src, new.to_string()));
            }
        } else {
            self.add_record(tp, (old.to_string(), new.to_string()));
        }
    }

    fn actual_partition_to_move(
        &self,
        tp: &TopicPartition,
        old: &str,
        new: &str,
    ) -> TopicPartition {
        let Some(topic) = self.by_topic.get(&tp.0) else {
            return tp.clone();
        };
        let old = self
            .by_partition
            .get(tp)
            .map_or(old, |(src, _)| src.as_str());
        match topic.get(&(new.to_string(), old.to_string())) {
            Some(set) => set.first().cloned().unwrap_or_else(|| tp.clone()),
            None => tp.clone(),
        }
    }
}

/// The state `generalAssign` and `balance` share.
struct General<'a> {
    ppt: &'a BTreeMap<String, i32>,
    total: usize,
    current: Assignment,
    prev: BTreeMap<TopicPartition, (String, i32)>,
    consumer_topics: BTreeMap<String, Vec<String>>,
    topic_consumers: BTreeMap<String, Vec<String>>,
    owner: BTreeMap<TopicPartition, String>,
    /// `sortedCurrentSubscriptions`: by assignment size, then member id.
    sorted: BTreeSet<(usize, Jid)>,
    movements: Movements,
}

fn general(
    ppt: &BTreeMap<String, i32>,
    subscriptions: &BTreeMap<String, Subscription>,
    order: &[String],
    mut current: Assignment,
    max_generation: i32,
) -> Assignment {
    // prepopulateCurrentAssignments: owners from older generations, the newest winning.
    let mut prev: BTreeMap<TopicPartition, (String, i32)> = BTreeMap::new();
    for consumer in order {
        let sub = &subscriptions[consumer];
        let generation = match sub.generation {
            Some(g) if g < max_generation => g,
            None if max_generation > DEFAULT_GENERATION => DEFAULT_GENERATION,
            _ => continue,
        };
        for tp in &sub.owned_partitions {
            if prev.get(tp).is_none_or(|(_, g)| generation > *g) {
                prev.insert(tp.clone(), (consumer.clone(), generation));
            }
        }
    }
    let mut topic_consumers: BTreeMap<String, Vec<String>> =
        ppt.keys().map(|t| (t.clone(), Vec::new())).collect();
    let mut consumer_topics: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for consumer in order {
        let topics: Vec<String> = subscriptions[consumer]
            .topics
            .iter()
            .filter(|t| ppt.contains_key(*t))
            .cloned()
            .collect();
        for t in &topics {
            topic_consumers
                .get_mut(t)
                .expect("known topic")
                .push(consumer.clone());
        }
        consumer_topics.insert(consumer.clone(), topics);
        current.entry(consumer.clone()).or_default();
    }
    let mut owner: BTreeMap<TopicPartition, String> = BTreeMap::new();
    for (c, tps) in &current {
        for tp in tps {
            owner.insert(tp.clone(), c.clone());
        }
    }
    // Topics with fewer potential consumers first, then by name.
    let mut sorted_topics: Vec<&String> = topic_consumers.keys().collect();
    let by_potential = |a: &String, b: &String| {
        topic_consumers[a]
            .len()
            .cmp(&topic_consumers[b].len())
            .then_with(|| java_cmp(a, b))
    };
    crate::sort::sort_by(&mut sorted_topics, |a, b| by_potential(a, b));
    let sorted_partitions: Vec<TopicPartition> = sorted_topics
        .iter()
        .flat_map(|t| (0..ppt[*t]).map(move |p| ((*t).clone(), p)))
        .collect();
    let mut assigned: Vec<TopicPartition> = Vec::new();
    let mut revocation_required = false;
    for (c, tps) in current.iter_mut() {
        let subscribed = &subscriptions[c].topics;
        tps.retain(|tp| {
            if !topic_consumers.contains_key(&tp.0) {
                owner.remove(tp);
                false
            } else if !subscribed.contains(&tp.0) {
                revocation_required = true;
                false
            } else {
                assigned.push(tp.clone());
                true
            }
        });
    }
    crate::sort::sort_by(&mut assigned, |a, b| {
        by_potential(&a.0, &b.0).then(a.1.cmp(&b.1))
    });
    let unassigned = if assigned.is_empty() {
        sorted_partitions.clone()
    } else {
        unassigned_walk(sorted_partitions.iter().cloned(), &assigned)
    };
    let sorted = current
        .iter()
        .map(|(c, tps)| (tps.len(), Jid(c.clone())))
        .collect();
    let mut g = General {
        ppt,
        total: ppt.values().map(|n| *n as usize).sum(),
        current,
        prev,
        consumer_topics,
        topic_consumers,
        owner,
        sorted,
        movements: Movements::default(),
    };
    g.balance(sorted_partitions, unassigned, revocation_required);
    g.current
}

impl General<'_> {
    fn size(&self, c: &str) -> usize {
        self.current[c].len()
    }

    /// Gives `tp` to `c`, keeping `sorted` keyed by the new sizes.
    fn add(&mut self, c: &str, tp: TopicPartition) {
        let n = self.size(c);
        self.sorted.remove(&(n, Jid(c.to_string())));
        self.current.get_mut(c).expect("member").push(tp.clone());
        self.owner.insert(tp, c.to_string());
        self.sorted.insert((n + 1, Jid(c.to_string())));
    }

    fn subscribes(&self, c: &str, topic: &str) -> bool {
        self.consumer_topics[c].iter().any(|t| t == topic)
    }

    /// `assignPartition`: to the least-loaded member that subscribes to its topic.
    fn assign_partition(&mut self, tp: TopicPartition) {
        let target = self
            .sorted
            .iter()
            .find(|(_, c)| self.subscribes(&c.0, &tp.0))
            .map(|(_, c)| c.0.clone());
        if let Some(c) = target {
            self.add(&c, tp);
        }
    }

    fn max_assignment_size(&self, c: &str) -> usize {
        let topics = &self.consumer_topics[c];
        if topics.len() == self.ppt.len() {
            self.total
        } else {
            topics.iter().map(|t| self.ppt[t] as usize).sum()
        }
    }

    fn topic_can_move(&self, topic: &str) -> bool {
        self.topic_consumers[topic].len() >= 2
    }

    fn consumer_can_move(&self, c: &str) -> bool {
        let tps = &self.current[c];
        tps.len() < self.max_assignment_size(c) || tps.iter().any(|tp| self.topic_can_move(&tp.0))
    }

    fn balance(
        &mut self,
        mut sorted_partitions: Vec<TopicPartition>,
        mut unassigned: Vec<TopicPartition>,
        revocation_required: bool,
    ) {
        let initializing = self
            .sorted
            .last()
            .is_none_or(|(_, c)| self.current[&c.0].is_empty());
        for tp in unassigned.clone() {
            if !self.topic_consumers[&tp.0].is_empty() {
                self.assign_partition(tp);
            }
        }
        let fixed_topics: BTreeSet<String> = self
            .topic_consumers
            .keys()
            .filter(|t| !self.topic_can_move(t))
            .cloned()
            .collect();
        sorted_partitions.retain(|tp| !fixed_topics.contains(&tp.0));
        unassigned.retain(|tp| !fixed_topics.contains(&tp.0));
        let mut fixed: Assignment = Assignment::new();
        let consumers: Vec<String> = self.consumer_topics.keys().cloned().collect();
        for c in consumers {
            if !self.consumer_can_move(&c) {
                let tps = self.current.remove(&c).expect("member");
                self.sorted.remove(&(tps.len(), Jid(c.clone())));
                fixed.insert(c, tps);
            }
        }
        let pre_balance = self.current.clone();
        let pre_owner = self.owner.clone();
        if !revocation_required {
            self.perform_reassignments(&unassigned);
        }
        let performed = self.perform_reassignments(&sorted_partitions);
        if !initializing && performed && balance_score(&self.current) >= balance_score(&pre_balance)
        {
            self.current = pre_balance;
            self.owner = pre_owner;
            self.sorted = self
                .current
                .iter()
                .map(|(c, tps)| (tps.len(), Jid(c.clone())))
                .collect();
        }
        for (c, tps) in fixed {
            self.sorted.insert((tps.len(), Jid(c.clone())));
            self.current.insert(c, tps);
        }
    }

    /// `isBalanced`: sizes within one, or no partition could move to a member with fewer.
    fn is_balanced(&self) -> bool {
        let (Some((min, _)), Some((max, _))) = (self.sorted.first(), self.sorted.last()) else {
            return true;
        };
        if *min + 1 >= *max {
            return true;
        }
        for (n, c) in &self.sorted {
            let c = &c.0;
            if *n == self.max_assignment_size(c) {
                continue;
            }
            for t in &self.consumer_topics[c] {
                for p in 0..self.ppt[t] {
                    let tp = (t.clone(), p);
                    if self.current[c].contains(&tp) {
                        continue;
                    }
                    // A fixed member's partitions are not in `current`: Kafka would throw.
                    let other = self.owner.get(&tp).and_then(|o| self.current.get(o));
                    if other.is_some_and(|o| *n < o.len()) {
                        return false;
                    }
                }
            }
        }
        true
    }

    fn perform_reassignments(&mut self, partitions: &[TopicPartition]) -> bool {
        let mut performed = false;
        loop {
            let mut modified = false;
            for tp in partitions {
                if self.is_balanced() {
                    break;
                }
                let Some(consumer) = self.owner.get(tp).cloned() else {
                    continue;
                };
                let Some(n) = self.current.get(&consumer).map(Vec::len) else {
                    continue;
                };
                if let Some((prev, _)) = self.prev.get(tp).cloned() {
                    if self.current.get(&prev).is_some_and(|p| n > p.len() + 1) {
                        self.reassign(tp, &prev);
                        performed = true;
                        modified = true;
                        continue;
                    }
                }
                let better = self.topic_consumers[&tp.0]
                    .iter()
                    .any(|o| self.current.get(o).is_some_and(|o| n > o.len() + 1));
                if better {
                    let target = self
                        .sorted
                        .iter()
                        .find(|(_, c)| self.subscribes(&c.0, &tp.0))
                        .map(|(_, c)| c.0.clone())
                        .expect("a subscriber exists");
                    self.reassign(tp, &target);
                    performed = true;
                    modified = true;
                }
            }
            if !modified {
                return performed;
            }
        }
    }

    fn reassign(&mut self, tp: &TopicPartition, new: &str) {
        let old = self.owner[tp].clone();
        let tp = self.movements.actual_partition_to_move(tp, &old, new);
        let old = self.owner[&tp].clone();
        let (n_old, n_new) = (self.size(&old), self.size(new));
        self.sorted.remove(&(n_old, Jid(old.clone())));
        self.sorted.remove(&(n_new, Jid(new.to_string())));
        self.movements.move_partition(&tp, &old, new);
        let list = self.current.get_mut(&old).expect("member");
        if let Some(i) = list.iter().position(|x| *x == tp) {
            list.remove(i);
        }
        self.current.get_mut(new).expect("member").push(tp.clone());
        self.owner.insert(tp, new.to_string());
        self.sorted.insert((self.size(new), Jid(new.to_string())));
        self.sorted.insert((self.size(&old), Jid(old)));
    }
}

/// `getBalanceScore`: the sum of size differences over all member pairs.
fn balance_score(a: &Assignment) -> usize {
    let sizes: Vec<usize> = a.values().map(Vec::len).collect();
    let mut score = 0;
    for (i, x) in sizes.iter().enumerate() {
        for y in &sizes[i + 1..] {
            score += x.abs_diff(*y);
        }
    }
    score
}
