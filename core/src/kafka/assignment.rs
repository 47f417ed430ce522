//! Replica assignment for new topics and partitions, as Kafka 3.0's
//! `AdminUtils.assignReplicasToBrokers` does it.
//!
//! Kafka draws the start index and the follower shift with `rand.nextInt(brokers)`; here they
//! are parameters so the simulator's seeded RNG picks them (Kafka's tests pass one
//! `fixedStartIndex` for both, which callers reproduce by passing the same value twice).

use crate::ordered::{OrdMap as BTreeMap, OrdSet as BTreeSet};
use std::fmt;

/// A broker as the assignment sees it (`kafka.admin.BrokerMetadata`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokerMetadata {
    pub id: i32,
    /// `broker.rack`; the cp images leave it unset.
    pub rack: Option<String>,
}

impl BrokerMetadata {
    pub fn new(id: i32) -> Self {
        BrokerMetadata { id, rack: None }
    }
}

/// Why an assignment is impossible, worded as the exception messages of Kafka 3.0.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AssignmentError {
    /// `InvalidPartitionsException`.
    InvalidPartitions(String),
    /// `InvalidReplicationFactorException`.
    InvalidReplicationFactor(String),
    /// `AdminOperationException`.
    AdminOperation(String),
}

impl AssignmentError {
    /// Kafka's error code name, as the CreateTopics response carries it.
    pub fn error_name(&self) -> &'static str {
        match self {
            AssignmentError::InvalidPartitions(_) => "INVALID_PARTITIONS",
            AssignmentError::InvalidReplicationFactor(_) => "INVALID_REPLICATION_FACTOR",
            AssignmentError::AdminOperation(_) => "UNKNOWN_SERVER_ERROR",
        }
    }

    pub fn message(&self) -> &str {
        match self {
            AssignmentError::InvalidPartitions(m)
            | AssignmentError::InvalidReplicationFactor(m)
            | AssignmentError::AdminOperation(m) => m,
        }
    }
}

impl fmt::Display for AssignmentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for AssignmentError {}

/// Partition id → replica broker ids (first = preferred leader).
pub type Assignment = BTreeMap<i32, Vec<i32>>;

/// `AdminUtils.assignReplicasToBrokers`: checks the counts, then assigns rack-unaware when no
/// broker has a rack, rack-aware when all have one, and refuses a mix.
///
/// `brokers` is in the caller's order (sorted by id on the ZooKeeper admin path, metadata-cache
/// order on a broker). `start_index` and `replica_shift` stand for Kafka's two random draws in
/// `[0, brokers.len())`; `start_partition_id` is the first partition id to assign (0 for a new
/// topic, the current count when adding partitions).
pub fn assign_replicas_to_brokers(
    brokers: &[BrokerMetadata],
    n_partitions: i32,
    replication_factor: i32,
    start_index: usize,
    replica_shift: usize,
    start_partition_id: i32,
) -> Result<Assignment, AssignmentError> {
    if n_partitions <= 0 {
        return Err(AssignmentError::InvalidPartitions(
            "Number of partitions must be larger than 0.".into(),
        ));
    }
    if replication_factor <= 0 {
        return Err(AssignmentError::InvalidReplicationFactor(
            "Replication factor must be larger than 0.".into(),
        ));
    }
    if replication_factor as usize > brokers.len() {
        return Err(AssignmentError::InvalidReplicationFactor(format!(
            "Replication factor: {replication_factor} larger than available brokers: {}.",
            brokers.len()
        )));
    }
    if brokers.iter().all(|b| b.rack.is_none()) {
        let ids: Vec<i32> = brokers.iter().map(|b| b.id).collect();
        Ok(assign_rack_unaware(
            &ids,
            n_partitions,
            replication_factor,
            start_index,
            replica_shift,
            start_partition_id,
        ))
    } else if brokers.iter().any(|b| b.rack.is_none()) {
        Err(AssignmentError::AdminOperation(
            "Not all brokers have rack information for replica rack aware assignment.".into(),
        ))
    } else {
        Ok(assign_rack_aware(
            brokers,
            n_partitions,
            replication_factor,
            start_index,
            replica_shift,
            start_partition_id,
        ))
    }
}

/// Rack-unaware assignment: first replicas round-robin from `start_index`; followers at a
/// distance `1 + (shift + j) % (n - 1)`, the shift growing by one after every `n` partitions
/// so later rounds do not repeat the same replica sets.
///
/// The counts must already be valid (`0 < replication_factor <= broker_ids.len()`).
pub fn assign_rack_unaware(
    broker_ids: &[i32],
    n_partitions: i32,
    replication_factor: i32,
    start_index: usize,
    replica_shift: usize,
    start_partition_id: i32,
) -> Assignment {
    let n = broker_ids.len();
    let mut shift = replica_shift;
    let mut ret = Assignment::new();
    let first_pid = start_partition_id.max(0);
    for pid in first_pid..first_pid.saturating_add(n_partitions) {
        if pid > 0 && (pid as usize).is_multiple_of(n) {
            shift += 1;
        }
        let first = (pid as usize + start_index) % n;
        let mut replicas = vec![broker_ids[first]];
        for j in 0..(replication_factor as usize).saturating_sub(1) {
            replicas.push(broker_ids[replica_index(first, shift, j, n)]);
        }
        ret.insert(pid, replicas);
    }
    ret
}

/// `AdminUtils.replicaIndex`: never 0 away from the first replica, so no broker repeats.
fn replica_index(first: usize, shift: usize, j: usize, n: usize) -> usize {
    let distance = 1 + (shift + j) % (n - 1);
    (first + distance) % n
}

/// `AdminUtils.getRackAlternatedBrokerList`: brokers taken one per rack in turn, racks in
/// sorted order, each rack's brokers in id order.
pub fn rack_alternated_broker_list(brokers: &[BrokerMetadata]) -> Vec<i32> {
    let mut by_rack: BTreeMap<&str, Vec<i32>> = BTreeMap::new();
    for b in brokers {
        if let Some(rack) = &b.rack {
            by_rack.entry(rack).or_default().push(b.id);
        }
    }
    let mut queues: Vec<std::vec::IntoIter<i32>> = by_rack
        .into_values()
        .map(|mut ids| {
            ids.sort_unstable();
            ids.into_iter()
        })
        .collect();
    let total: usize = queues.iter().map(|q| q.len()).sum();
    let mut out = Vec::with_capacity(total);
    let mut rack = 0;
    while out.len() < total {
        if let Some(id) = queues[rack].next() {
            out.push(id);
        }
        rack = (rack + 1) % queues.len();
    }
    out
}

/// Rack-aware assignment over the rack-alternated list: followers skip a broker whose rack
/// already holds a replica (while some rack has none) or that already holds one (while some
/// broker has none). Every broker must have a rack.
pub fn assign_rack_aware(
    brokers: &[BrokerMetadata],
    n_partitions: i32,
    replication_factor: i32,
    start_index: usize,
    replica_shift: usize,
    start_partition_id: i32,
) -> Assignment {
    let rack_of: BTreeMap<i32, &str> = brokers
        .iter()
        .filter_map(|b| b.rack.as_deref().map(|r| (b.id, r)))
        .collect();
    let num_racks = rack_of.values().collect::<BTreeSet<_>>().len();
    let list = rack_alternated_broker_list(brokers);
    let n = list.len();
    let mut shift = replica_shift;
    let mut ret = Assignment::new();
    let first_pid = start_partition_id.max(0);
    for pid in first_pid..first_pid.saturating_add(n_partitions) {
        if pid > 0 && (pid as usize).is_multiple_of(n) {
            shift += 1;
        }
        let first = (pid as usize + start_index) % n;
        let leader = list[first];
        let mut replicas = vec![leader];
        let mut racks_used = BTreeSet::from([rack_of[&leader]]);
        let mut brokers_used = BTreeSet::from([leader]);
        let mut k = 0;
        for _ in 0..(replication_factor as usize).saturating_sub(1) {
            loop {
                let broker = list[replica_index(first, shift * num_racks, k, n)];
                let rack = rack_of[&broker];
                k += 1;
                let rack_ok = !racks_used.contains(rack) || racks_used.len() == num_racks;
                let broker_ok = !brokers_used.contains(&broker) || brokers_used.len() == n;
                if rack_ok && broker_ok {
                    replicas.push(broker);
                    racks_used.insert(rack);
                    brokers_used.insert(broker);
                    break;
                }
            }
        }
        ret.insert(pid, replicas);
    }
    ret
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brokers(ids: impl IntoIterator<Item = i32>) -> Vec<BrokerMetadata> {
        ids.into_iter().map(BrokerMetadata::new).collect()
    }

    fn racked(pairs: &[(i32, &str)]) -> Vec<BrokerMetadata> {
        pairs
            .iter()
            .map(|(id, rack)| BrokerMetadata {
                id: *id,
                rack: Some((*rack).to_string()),
            })
            .collect()
    }

    fn as_lists(a: &Assignment) -> Vec<Vec<i32>> {
        a.values().cloned().collect()
    }

    /// `AdminZkClientTest.testReplicaAssignment` (3.0): 5 brokers, 10 partitions, RF 3,
    /// `fixedStartIndex = 0`.
    #[test]
    fn kafkas_replica_assignment_test() {
        let b = brokers(0..=4);
        let a = assign_replicas_to_brokers(&b, 10, 3, 0, 0, 0).unwrap();
        let expected = vec![
            vec![0, 1, 2],
            vec![1, 2, 3],
            vec![2, 3, 4],
            vec![3, 4, 0],
            vec![4, 0, 1],
            vec![0, 2, 3],
            vec![1, 3, 4],
            vec![2, 4, 0],
            vec![3, 0, 1],
            vec![4, 1, 2],
        ];
        assert_eq!(as_lists(&a), expected);
        assert_eq!(
            a.keys().copied().collect::<Vec<_>>(),
            (0..10).collect::<Vec<_>>()
        );
    }

    /// The same test's failures: RF 0 and RF 6 over 5 brokers.
    #[test]
    fn kafkas_error_messages() {
        let b = brokers(0..=4);
        let e = assign_replicas_to_brokers(&b, 10, 0, 0, 0, 0).unwrap_err();
        assert_eq!(e.to_string(), "Replication factor must be larger than 0.");
        assert_eq!(e.error_name(), "INVALID_REPLICATION_FACTOR");
        let e = assign_replicas_to_brokers(&b, 10, 6, 0, 0, 0).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Replication factor: 6 larger than available brokers: 5."
        );
        let e = assign_replicas_to_brokers(&brokers([1, 2]), 1, 3, 0, 0, 0).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Replication factor: 3 larger than available brokers: 2."
        );
        let e = assign_replicas_to_brokers(&b, 0, 1, 0, 0, 0).unwrap_err();
        assert_eq!(e.to_string(), "Number of partitions must be larger than 0.");
        assert_eq!(e.error_name(), "INVALID_PARTITIONS");
        // Partition count is checked before the replication factor, as in Kafka.
        let e = assign_replicas_to_brokers(&b, -1, 0, 0, 0, 0).unwrap_err();
        assert_eq!(e.to_string(), "Number of partitions must be larger than 0.");
        // No brokers alive at all: RF 1 > 0 brokers.
        let e = assign_replicas_to_brokers(&[], 1, 1, 0, 0, 0).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Replication factor: 1 larger than available brokers: 0."
        );
    }

    /// The seed's cluster (brokers 1, 2, 3) for the tutorial's
    /// `--partitions 3 --replication-factor 2`, for every start/shift pair the RNG can draw.
    #[test]
    fn seed_cluster_three_partitions_rf2() {
        let b = brokers(1..=3);
        let cases = [
            ((0, 0), [[1, 2], [2, 3], [3, 1]]),
            ((0, 1), [[1, 3], [2, 1], [3, 2]]),
            ((0, 2), [[1, 2], [2, 3], [3, 1]]),
            ((1, 0), [[2, 3], [3, 1], [1, 2]]),
            ((2, 1), [[3, 2], [1, 3], [2, 1]]),
        ];
        for ((start, shift), expected) in cases {
            let a = assign_replicas_to_brokers(&b, 3, 2, start, shift, 0).unwrap();
            let expected: Vec<Vec<i32>> = expected.iter().map(|r| r.to_vec()).collect();
            assert_eq!(as_lists(&a), expected, "start {start} shift {shift}");
        }
    }

    #[test]
    fn shift_grows_after_each_full_round() {
        // 3 brokers, RF 2, start 0 shift 0: partitions 3..5 use shift 1, 6..8 shift 2 (≡ 0).
        let a = assign_replicas_to_brokers(&brokers(1..=3), 9, 2, 0, 0, 0).unwrap();
        assert_eq!(
            as_lists(&a),
            vec![
                vec![1, 2],
                vec![2, 3],
                vec![3, 1],
                vec![1, 3],
                vec![2, 1],
                vec![3, 2],
                vec![1, 2],
                vec![2, 3],
                vec![3, 1],
            ]
        );
    }

    #[test]
    fn single_broker_and_rf1() {
        let a = assign_replicas_to_brokers(&brokers([7]), 3, 1, 0, 0, 0).unwrap();
        assert_eq!(as_lists(&a), vec![vec![7], vec![7], vec![7]]);
        // 50 partitions of __consumer_offsets with RF 1 over 3 brokers: leaders round-robin.
        let a = assign_replicas_to_brokers(&brokers(1..=3), 50, 1, 2, 1, 0).unwrap();
        assert_eq!(a[&0], vec![3]);
        assert_eq!(a[&1], vec![1]);
        assert_eq!(a[&49], vec![1]);
    }

    #[test]
    fn adding_partitions_starts_the_shift_afresh() {
        // Adding partitions 10..12 to the 10-partition topic above with Kafka's add-partitions
        // inputs (start index = position of partition 0's first replica, here 0). The shift is
        // not the one a 13-partition creation would have reached (2): it starts from the
        // given value and grows once, at partition 10.
        let b = brokers(0..=4);
        let added = assign_replicas_to_brokers(&b, 3, 3, 0, 0, 10).unwrap();
        assert_eq!(added.keys().copied().collect::<Vec<_>>(), vec![10, 11, 12]);
        assert_eq!(
            as_lists(&added),
            vec![vec![0, 2, 3], vec![1, 3, 4], vec![2, 4, 0]]
        );
    }

    #[test]
    fn every_replica_set_is_distinct_brokers() {
        for n in 1..=6 {
            let b = brokers(0..n);
            for rf in 1..=n {
                for start in 0..n as usize {
                    for shift in 0..n as usize {
                        let a = assign_replicas_to_brokers(&b, 20, rf, start, shift, 0).unwrap();
                        for replicas in a.values() {
                            let set: BTreeSet<_> = replicas.iter().collect();
                            assert_eq!(set.len(), rf as usize);
                        }
                    }
                }
            }
        }
    }

    /// `AdminRackAwareTest.testGetRackAlternatedBrokerListAndAssignReplicasToBrokers`.
    #[test]
    fn kafkas_rack_alternated_list_and_assignment() {
        let map = [
            (0, "rack1"),
            (1, "rack3"),
            (2, "rack3"),
            (3, "rack2"),
            (4, "rack2"),
            (5, "rack1"),
        ];
        let b = racked(&map);
        assert_eq!(rack_alternated_broker_list(&b), vec![0, 3, 1, 5, 4, 2]);
        assert_eq!(
            rack_alternated_broker_list(&racked(&map[..5])),
            vec![0, 3, 1, 4, 2]
        );
        let a = assign_replicas_to_brokers(&b, 7, 3, 0, 0, 0).unwrap();
        assert_eq!(
            as_lists(&a),
            vec![
                vec![0, 3, 1],
                vec![3, 1, 5],
                vec![1, 5, 4],
                vec![5, 4, 2],
                vec![4, 2, 0],
                vec![2, 0, 3],
                vec![0, 4, 2],
            ]
        );
    }

    #[test]
    fn mixed_rack_information_is_refused() {
        let mut b = racked(&[(1, "a"), (2, "b")]);
        b.push(BrokerMetadata::new(3));
        let e = assign_replicas_to_brokers(&b, 1, 1, 0, 0, 0).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Not all brokers have rack information for replica rack aware assignment."
        );
    }
}
