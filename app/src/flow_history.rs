//! Produce rate, consume rate and consumer lag over virtual time: one sample per virtual second,
//! taken with the ISR sample (same instants), kept in a bounded ring buffer.
//!
//! Rates come from running counts read at each sample: the leaders' log-end offsets of the
//! user topics (records appended) and every consumer process's count of records handed out.
//! Lag per group is what `kafka-consumer-groups --describe` would sum (committed offsets).

use crate::isr_history::CAPACITY;
use kafka_playground_core::cluster_groups::GroupView;
use kafka_playground_core::ordered::OrdMap as BTreeMap;
use kafka_playground_core::sim::node::HostId;
use kafka_playground_core::snapshot::TopicView;
use std::collections::VecDeque;

/// Rates and lags at one instant of virtual time.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlowSample {
    pub t_ms: u64,
    /// Records appended to the user topics' leaders per virtual second since the last sample.
    pub produced: u32,
    /// Records consumer processes received per virtual second since the last sample.
    pub consumed: u32,
    /// Total lag per consumer group, by group id.
    pub lags: Vec<(String, i64)>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlowHistory {
    samples: VecDeque<FlowSample>,
    last_t: Option<u64>,
    /// The leader's log-end offset per user-topic partition at the last sample.
    log_ends: BTreeMap<(String, i32), i64>,
    /// Each consumer process's running count at the last sample.
    delivered: BTreeMap<HostId, u64>,
}

/// `delta` records over `ms` milliseconds, per second (rounded).
fn per_second(delta: u64, ms: u64) -> u32 {
    if ms == 0 {
        return 0;
    }
    ((delta * 1000 + ms / 2) / ms).min(u64::from(u32::MAX)) as u32
}

impl FlowHistory {
    /// Takes the sample at `t_ms` (the first one only sets the baseline: its rates are 0).
    pub fn record(
        &mut self,
        t_ms: u64,
        topics: &[TopicView],
        delivered: &[(HostId, u64)],
        groups: &[GroupView],
    ) {
        let first = self.last_t.is_none();
        let mut appended = 0u64;
        for t in topics.iter().filter(|t| !t.name.starts_with("__")) {
            for p in &t.partitions {
                let Some(o) = p.offsets.iter().find(|o| Some(o.broker) == p.leader) else {
                    continue; // no leader now: keep the last value
                };
                let key = (t.name.clone(), p.partition);
                let before = self.log_ends.insert(key, o.log_end_offset);
                // A partition first seen after the baseline started empty; a truncated or
                // recreated log counts nothing.
                let from = before.unwrap_or(if first { o.log_end_offset } else { 0 });
                appended += (o.log_end_offset - from).max(0) as u64;
            }
        }
        let mut received = 0u64;
        let mut now = BTreeMap::new();
        for &(h, count) in delivered {
            let from = self
                .delivered
                .get(&h)
                .copied()
                .unwrap_or(if first { count } else { 0 });
            received += count.saturating_sub(from);
            now.insert(h, count);
        }
        self.delivered = now;
        let span = self.last_t.map_or(0, |last| t_ms.saturating_sub(last));
        self.last_t = Some(t_ms);
        if self.samples.len() == CAPACITY {
            self.samples.pop_front();
        }
        self.samples.push_back(FlowSample {
            t_ms,
            produced: per_second(appended, span),
            consumed: per_second(received, span),
            lags: groups
                .iter()
                .map(|g| (g.group_id.clone(), g.total_lag()))
                .collect(),
        });
    }

    pub fn samples(&self) -> impl ExactSizeIterator<Item = &FlowSample> {
        self.samples.iter()
    }

    pub fn clear(&mut self) {
        *self = FlowHistory::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_playground_core::snapshot::{PartitionView, ReplicaOffsets};

    fn topic(name: &str, log_ends: &[i64]) -> TopicView {
        TopicView {
            name: name.into(),
            topic_id: String::new(),
            partitions: log_ends
                .iter()
                .enumerate()
                .map(|(i, &leo)| PartitionView {
                    partition: i as i32,
                    leader: Some(1),
                    leader_epoch: 0,
                    replicas: vec![1],
                    isr: vec![1],
                    offsets: vec![ReplicaOffsets {
                        broker: 1,
                        log_start_offset: 0,
                        log_end_offset: leo,
                        high_watermark: leo,
                    }],
                })
                .collect(),
        }
    }

    #[test]
    fn rates_are_per_second_deltas_and_the_first_sample_is_a_baseline() {
        let mut h = FlowHistory::default();
        h.record(1_000, &[topic("t", &[5, 5])], &[(7, 3)], &[]);
        h.record(
            2_000,
            &[topic("t", &[8, 6]), topic("__consumer_offsets", &[50])],
            &[(7, 5), (9, 2)],
            &[],
        );
        // The clock jumped 2 s (a sleep): 10 records in 2 s is 5/s.
        h.record(
            4_000,
            &[topic("t", &[13, 11]), topic("u", &[4])],
            &[(9, 6)],
            &[],
        );
        // A truncated log counts nothing.
        h.record(
            5_000,
            &[topic("t", &[10, 11]), topic("u", &[4])],
            &[(9, 6)],
            &[],
        );
        let s: Vec<(u32, u32)> = h.samples().map(|s| (s.produced, s.consumed)).collect();
        assert_eq!(s, vec![(0, 0), (4, 4), (7, 2), (0, 0)]);
    }

    #[test]
    fn the_buffer_is_bounded() {
        let mut h = FlowHistory::default();
        for i in 0..(CAPACITY as u64 + 5) {
            h.record(i * 1_000, &[], &[], &[]);
        }
        assert_eq!(h.samples().len(), CAPACITY);
    }
}
