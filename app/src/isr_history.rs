//! ISR size over time: one sample of the topics' replication health per virtual second, kept in
//! a bounded ring buffer (the chart shows the most recent minutes; memory stays flat).

use kafka_playground_core::snapshot::TopicView;
use std::collections::VecDeque;

/// Virtual milliseconds between samples.
pub const INTERVAL_MS: u64 = 1_000;
/// Samples kept: five minutes of virtual time at one per second.
pub const CAPACITY: usize = 300;

/// The replication health of every partition at one instant of virtual time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sample {
    pub t_ms: u64,
    /// Sum of the ISR sizes across all partitions of all topics.
    pub isr: u32,
    /// Partitions whose ISR is smaller than their replica list.
    pub under_replicated: u32,
}

impl Sample {
    pub fn of(t_ms: u64, topics: &[TopicView]) -> Sample {
        let partitions = topics.iter().flat_map(|t| &t.partitions);
        let mut s = Sample {
            t_ms,
            ..Sample::default()
        };
        for p in partitions {
            s.isr += p.isr.len() as u32;
            s.under_replicated += u32::from(p.isr.len() < p.replicas.len());
        }
        s
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IsrHistory {
    samples: VecDeque<Sample>,
    /// The virtual time of the next sample.
    next_ms: u64,
}

impl IsrHistory {
    /// The next sample time before `before_ms`, if one is due while the cluster sits at
    /// `now_ms` (the state is constant from `now_ms` until `before_ms`, the next event).
    /// Boundaries the clock jumped over (a `sleep` command) are skipped, never invented.
    pub fn due(&mut self, now_ms: u64, before_ms: u64) -> Option<u64> {
        if self.next_ms < now_ms {
            self.next_ms = now_ms.div_ceil(INTERVAL_MS) * INTERVAL_MS;
        }
        (self.next_ms < before_ms).then_some(self.next_ms)
    }

    /// Records the sample for the time `due` returned.
    pub fn record(&mut self, sample: Sample) {
        if self.samples.len() == CAPACITY {
            self.samples.pop_front();
        }
        self.next_ms = sample.t_ms + INTERVAL_MS;
        self.samples.push_back(sample);
    }

    pub fn samples(&self) -> impl ExactSizeIterator<Item = &Sample> {
        self.samples.iter()
    }

    pub fn clear(&mut self) {
        *self = IsrHistory::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_playground_core::snapshot::PartitionView;

    fn partition(replicas: &[i32], isr: &[i32]) -> PartitionView {
        PartitionView {
            partition: 0,
            leader: isr.first().copied(),
            leader_epoch: 0,
            replicas: replicas.to_vec(),
            isr: isr.to_vec(),
            offsets: Vec::new(),
        }
    }

    #[test]
    fn a_sample_sums_isr_and_counts_under_replicated() {
        let t = TopicView {
            name: "t".into(),
            topic_id: String::new(),
            partitions: vec![
                partition(&[1, 2], &[1, 2]),
                partition(&[2, 3], &[3]),
                partition(&[3, 1], &[]),
            ],
        };
        let s = Sample::of(5, &[t]);
        assert_eq!((s.isr, s.under_replicated), (3, 2));
    }

    #[test]
    fn the_buffer_is_bounded_and_skips_jumped_boundaries() {
        let mut h = IsrHistory::default();
        assert_eq!(h.due(0, 1), Some(0));
        h.record(Sample::default());
        assert_eq!(h.due(0, 1_000), None);
        assert_eq!(h.due(0, 1_001), Some(1_000));
        // The clock jumped to 20.5 s inside a command: the next sample is at 21 s.
        assert_eq!(h.due(20_500, 30_000), Some(21_000));
        for i in 0..(CAPACITY as u64 + 10) {
            let t = h.due(i * 1_000, u64::MAX).unwrap();
            h.record(Sample {
                t_ms: t,
                ..Sample::default()
            });
        }
        assert_eq!(h.samples().len(), CAPACITY);
    }
}
