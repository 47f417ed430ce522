//! One partition replica's log (Kafka's `UnifiedLog` reduced to what can be seen): records
//! with offsets, the log start and end offsets, the high watermark and the leader-epoch
//! cache that followers use to find where their log diverges from a new leader's.
//!
//! Retention is a record count (`max_records`) instead of bytes or time, so a long run in the
//! page stays within memory; the log start offset moves up as old records go.

use std::collections::VecDeque;

/// What a producer sends for one record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRecord {
    pub key: Option<String>,
    pub value: Option<String>,
    pub headers: Vec<(String, String)>,
    /// CreateTime, in ms since the epoch.
    pub timestamp: i64,
}

/// A record in a log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub offset: i64,
    pub timestamp: i64,
    pub key: Option<String>,
    pub value: Option<String>,
    pub headers: Vec<(String, String)>,
    /// The leader epoch of the leader that appended it.
    pub leader_epoch: i32,
}

/// Records kept per partition replica unless the topic says otherwise.
pub const DEFAULT_MAX_RECORDS: usize = 10_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionLog {
    records: VecDeque<Record>,
    log_start: i64,
    /// Log end offset: the next offset to be written.
    leo: i64,
    high_watermark: i64,
    /// Leader-epoch cache: (epoch, first offset written in it), epochs ascending.
    epochs: Vec<(i32, i64)>,
    max_records: usize,
}

impl Default for PartitionLog {
    fn default() -> Self {
        PartitionLog::new(DEFAULT_MAX_RECORDS)
    }
}

impl PartitionLog {
    pub fn new(max_records: usize) -> Self {
        PartitionLog {
            records: VecDeque::new(),
            log_start: 0,
            leo: 0,
            high_watermark: 0,
            epochs: Vec::new(),
            max_records: max_records.max(1),
        }
    }

    pub fn log_start_offset(&self) -> i64 {
        self.log_start
    }

    pub fn log_end_offset(&self) -> i64 {
        self.leo
    }

    pub fn high_watermark(&self) -> i64 {
        self.high_watermark
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The latest epoch in the cache (the epoch of the last record, or of a new leader).
    pub fn latest_epoch(&self) -> Option<i32> {
        self.epochs.last().map(|e| e.0)
    }

    /// A new leader stamps its epoch at its log end, as `Partition.makeLeader` does, so that
    /// followers can later ask where that epoch began.
    pub fn start_epoch(&mut self, epoch: i32) {
        if self.latest_epoch().is_none_or(|e| epoch > e) {
            self.epochs.push((epoch, self.leo));
        }
    }

    /// The start offset of `epoch` in the cache (the leader's "epoch start offset").
    pub fn epoch_start_offset(&self, epoch: i32) -> Option<i64> {
        self.epochs.iter().find(|e| e.0 == epoch).map(|e| e.1)
    }

    /// Appends as the leader in `epoch`; returns (first offset, last offset).
    pub fn append_as_leader(&mut self, epoch: i32, records: Vec<NewRecord>) -> (i64, i64) {
        self.start_epoch(epoch);
        let base = self.leo;
        for r in records {
            self.records.push_back(Record {
                offset: self.leo,
                timestamp: r.timestamp,
                key: r.key,
                value: r.value,
                headers: r.headers,
                leader_epoch: epoch,
            });
            self.leo += 1;
        }
        self.enforce_retention();
        (base, self.leo - 1)
    }

    /// Appends records fetched from the leader (their offsets and epochs as the leader wrote
    /// them). Records below the log end are skipped; a gap means the leader's log start moved
    /// past ours, so ours restarts there.
    pub fn append_as_follower(&mut self, records: &[Record]) {
        for r in records {
            if r.offset < self.leo {
                continue;
            }
            if r.offset > self.leo {
                self.records.clear();
                self.log_start = r.offset;
                self.leo = r.offset;
                self.high_watermark = self.high_watermark.max(r.offset);
            }
            if self.latest_epoch().is_none_or(|e| r.leader_epoch > e) {
                self.epochs.push((r.leader_epoch, r.offset));
            }
            self.records.push_back(r.clone());
            self.leo += 1;
        }
        self.enforce_retention();
    }

    fn enforce_retention(&mut self) {
        while self.records.len() > self.max_records {
            self.records.pop_front();
        }
        if let Some(first) = self.records.front() {
            self.log_start = self.log_start.max(first.offset);
        } else {
            self.log_start = self.log_start.max(self.leo);
        }
        self.high_watermark = self.high_watermark.max(self.log_start);
    }

    /// Moves the high watermark (never backwards, never past the log end).
    pub fn advance_high_watermark(&mut self, hw: i64) -> bool {
        let hw = hw.min(self.leo);
        if hw > self.high_watermark {
            self.high_watermark = hw;
            true
        } else {
            false
        }
    }

    /// Removes every record at or after `offset` (a follower's log diverging from its new
    /// leader's): this is how un-replicated acks=1 data is lost.
    pub fn truncate_to(&mut self, offset: i64) -> usize {
        // Epochs that start at or after the cut go even when no record does.
        self.epochs.retain(|e| e.1 < offset);
        if offset >= self.leo {
            return 0;
        }
        let offset = offset.max(self.log_start);
        let before = self.records.len();
        self.records.retain(|r| r.offset < offset);
        self.leo = offset;
        self.high_watermark = self.high_watermark.min(offset);
        before - self.records.len()
    }

    /// A follower that fell behind the leader's log start drops everything and continues
    /// from there.
    pub fn truncate_fully_and_start_at(&mut self, offset: i64) {
        self.records.clear();
        self.epochs.clear();
        self.log_start = offset;
        self.leo = offset;
        self.high_watermark = offset;
    }

    /// Kafka's `LeaderEpochFileCache.endOffsetFor`: where the follower's last epoch ended in
    /// this log: the log end for our latest epoch; else the start of the next higher epoch,
    /// paired with the largest epoch ≤ it we know (or the asked epoch itself when ours all
    /// came later). `None` ("undefined") when we know no higher epoch.
    pub fn end_offset_for_epoch(&self, epoch: i32) -> Option<(i32, i64)> {
        if self.latest_epoch() == Some(epoch) {
            return Some((epoch, self.leo));
        }
        let higher = self.epochs.iter().find(|e| e.0 > epoch)?;
        let floor = self.epochs.iter().rev().find(|e| e.0 <= epoch);
        Some((floor.map_or(epoch, |f| f.0), higher.1))
    }

    /// Up to `max` records from `from`, below `limit` (the HW for consumers, LEO for replicas).
    pub fn read(&self, from: i64, limit: i64, max: usize) -> Vec<Record> {
        if from < self.log_start || from >= limit {
            return Vec::new();
        }
        let skip = (from - self.log_start).max(0) as usize;
        self.records
            .iter()
            .skip(skip)
            .take_while(|r| r.offset < limit)
            .take(max)
            .cloned()
            .collect()
    }

    /// Every record held, oldest first (for the page's message browser).
    pub fn records(&self) -> impl Iterator<Item = &Record> {
        self.records.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(v: &str) -> NewRecord {
        NewRecord {
            key: None,
            value: Some(v.into()),
            headers: vec![],
            timestamp: 0,
        }
    }

    #[test]
    fn appends_assign_consecutive_offsets_and_the_hw_only_moves_forward() {
        let mut l = PartitionLog::default();
        assert_eq!(l.append_as_leader(0, vec![rec("a"), rec("b")]), (0, 1));
        assert_eq!(l.append_as_leader(0, vec![rec("c")]), (2, 2));
        assert_eq!(l.log_end_offset(), 3);
        assert!(l.advance_high_watermark(2));
        assert!(!l.advance_high_watermark(1));
        assert!(l.advance_high_watermark(99));
        assert_eq!(l.high_watermark(), 3, "never past the log end");
        assert_eq!(l.read(1, 3, 10).len(), 2);
        assert_eq!(
            l.read(0, 2, 10).len(),
            2,
            "a consumer reads below the HW only"
        );
    }

    #[test]
    fn a_follower_truncates_to_the_end_of_its_last_epoch_on_the_new_leader() {
        // The old leader (epoch 0) wrote 0..3 but only 0..2 reached the follower that
        // became leader in epoch 1 and wrote offsets 2.. itself.
        let mut old_leader = PartitionLog::default();
        old_leader.append_as_leader(0, vec![rec("a"), rec("b"), rec("c"), rec("d")]);
        let mut new_leader = PartitionLog::default();
        new_leader.append_as_follower(&old_leader.read(0, 2, 10));
        new_leader.append_as_leader(1, vec![rec("x")]);
        assert_eq!(new_leader.end_offset_for_epoch(0), Some((0, 2)));
        let lost = old_leader.truncate_to(2);
        assert_eq!(lost, 2, "c and d were acked with acks=1 and are gone");
        old_leader.append_as_follower(&new_leader.read(2, 3, 10));
        let values: Vec<_> = old_leader
            .records()
            .map(|r| r.value.clone().unwrap())
            .collect();
        assert_eq!(values, ["a", "b", "x"]);
        assert_eq!(old_leader.latest_epoch(), Some(1));
    }

    #[test]
    fn retention_moves_the_log_start_and_reads_below_it_are_empty() {
        let mut l = PartitionLog::new(3);
        for i in 0..5 {
            l.append_as_leader(0, vec![rec(&i.to_string())]);
        }
        assert_eq!(l.log_start_offset(), 2);
        assert_eq!(l.len(), 3);
        assert!(l.read(0, 5, 10).is_empty());
        assert_eq!(l.read(2, 5, 10)[0].offset, 2);
    }

    #[test]
    fn end_offsets_for_epochs_follow_kafkas_epoch_cache() {
        let mut l = PartitionLog::default();
        l.start_epoch(3);
        l.append_as_leader(3, vec![rec("a")]);
        assert_eq!(
            l.end_offset_for_epoch(2),
            Some((2, 0)),
            "older than all: ends where ours start"
        );
        assert_eq!(l.end_offset_for_epoch(3), Some((3, 1)));
        assert_eq!(l.end_offset_for_epoch(5), None, "newer than all: undefined");
    }
}
