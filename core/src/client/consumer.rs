//! The consumer's fetch loop without a group (the seed's consumer.py, a console consumer
//! without `--group`, or one given `--partition`): find the partitions, set each position
//! from an explicit offset or `auto.offset.reset` (ListOffsets to the leader), then keep one
//! long-polling Fetch in flight per leader and hand out records below the high watermark.

use super::{ClientMetadata, KafkaClientTimer, REQUEST_TIMEOUT_MS, RETRY_BACKOFF_MS};
use crate::broker::admin::Dialable;
use crate::broker::messages::{
    BrokerId, FetchPartition, KafkaMessage, Record, EARLIEST_TIMESTAMP, LATEST_TIMESTAMP,
};
use crate::sim::node::{Ctx, HostId, Message, Node, Timer};
use std::collections::{BTreeMap, BTreeSet};

/// `fetch.max.wait.ms`.
pub const FETCH_MAX_WAIT_MS: u64 = 500;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OffsetReset {
    Earliest,
    Latest,
}

/// Which partitions to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Assignment {
    /// Every partition of the topic (found through metadata, new ones picked up later).
    Topic(String),
    /// One partition, from an offset (`--partition P --offset O`) or the reset policy.
    Partition {
        topic: String,
        partition: i32,
        offset: Option<i64>,
    },
}

impl Assignment {
    pub fn topic(&self) -> &str {
        match self {
            Assignment::Topic(t) | Assignment::Partition { topic: t, .. } => t,
        }
    }
}

/// A record as the consumer hands it out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsumedRecord {
    pub topic: String,
    pub partition: i32,
    pub record: Record,
}

type TopicPartition = (String, i32);

#[derive(Clone, Debug)]
pub struct Consumer {
    pub reset: OffsetReset,
    pub assignment: Assignment,
    meta: ClientMetadata,
    corr: u32,
    pub positions: BTreeMap<TopicPartition, i64>,
    /// ListOffsets in flight: corr → host.
    resetting: BTreeMap<u32, HostId>,
    /// Partitions whose reset is in flight.
    reset_pending: BTreeSet<TopicPartition>,
    /// Fetches in flight: corr → (broker, host).
    fetching: BTreeMap<u32, (BrokerId, HostId)>,
    poll_armed: bool,
    /// Records received, in arrival order, for the program to print.
    pub records: Vec<ConsumedRecord>,
}

impl Consumer {
    pub fn new(
        bootstrap: Vec<Dialable>,
        book: Vec<Dialable>,
        assignment: Assignment,
        reset: OffsetReset,
    ) -> Self {
        Consumer {
            reset,
            assignment,
            meta: ClientMetadata::new(bootstrap, book),
            corr: 0,
            positions: BTreeMap::new(),
            resetting: BTreeMap::new(),
            reset_pending: BTreeSet::new(),
            fetching: BTreeMap::new(),
            poll_armed: false,
            records: Vec::new(),
        }
    }

    fn next_corr(&mut self) -> u32 {
        self.corr = self.corr.wrapping_add(1);
        self.corr
    }

    fn assigned(&self) -> Vec<TopicPartition> {
        match &self.assignment {
            Assignment::Topic(t) => (0..self.meta.partition_count(t).unwrap_or(0) as i32)
                .map(|p| (t.clone(), p))
                .collect(),
            Assignment::Partition {
                topic, partition, ..
            } => {
                if self.meta.partition_count(topic).is_some() {
                    vec![(topic.clone(), *partition)]
                } else {
                    Vec::new()
                }
            }
        }
    }

    fn refresh_metadata(&mut self, ctx: &mut Ctx) {
        let topics = vec![self.assignment.topic().to_string()];
        let mut corr = self.corr;
        if let Some(c) = self.meta.maybe_refresh(
            || {
                corr = corr.wrapping_add(1);
                corr
            },
            topics,
            ctx,
        ) {
            self.corr = c;
            ctx.set_timer(
                REQUEST_TIMEOUT_MS,
                Timer::KafkaClient(KafkaClientTimer::RequestTimeout { corr: c }),
            );
        }
    }

    /// One turn of the poll loop: metadata, resets, fetches.
    fn poll(&mut self, ctx: &mut Ctx) {
        self.refresh_metadata(ctx);
        let assigned = self.assigned();
        // Positions: an explicit offset, else a reset through ListOffsets to the leader.
        let mut resets: BTreeMap<BrokerId, Vec<(String, i32, i64)>> = BTreeMap::new();
        for tp in &assigned {
            if self.positions.contains_key(tp) || self.reset_pending.contains(tp) {
                continue;
            }
            if let Assignment::Partition {
                offset: Some(o), ..
            } = &self.assignment
            {
                if *o >= 0 {
                    self.positions.insert(tp.clone(), *o);
                    continue;
                }
            }
            let Some(leader) = self.meta.leader(&tp.0, tp.1) else {
                self.meta.stale = true;
                continue;
            };
            let ts = match self.reset {
                OffsetReset::Earliest => EARLIEST_TIMESTAMP,
                OffsetReset::Latest => LATEST_TIMESTAMP,
            };
            resets
                .entry(leader)
                .or_default()
                .push((tp.0.clone(), tp.1, ts));
        }
        for (broker, parts) in resets {
            let Some(host) = self.meta.host_of(broker) else {
                continue;
            };
            let corr = self.next_corr();
            for (t, p, _) in &parts {
                self.reset_pending.insert((t.clone(), *p));
            }
            ctx.send(
                host,
                Message::Kafka(KafkaMessage::ListOffsets {
                    corr,
                    partitions: parts,
                }),
            );
            self.resetting.insert(corr, host);
            ctx.set_timer(
                REQUEST_TIMEOUT_MS,
                Timer::KafkaClient(KafkaClientTimer::RequestTimeout { corr }),
            );
        }
        // Fetches: one in flight per leader.
        let busy: BTreeSet<BrokerId> = self.fetching.values().map(|f| f.0).collect();
        let mut fetches: BTreeMap<BrokerId, Vec<FetchPartition>> = BTreeMap::new();
        for tp in &assigned {
            let Some(&pos) = self.positions.get(tp) else {
                continue;
            };
            let Some(leader) = self.meta.leader(&tp.0, tp.1) else {
                self.meta.stale = true;
                continue;
            };
            if busy.contains(&leader) {
                continue;
            }
            let epoch = self.meta.topics[&tp.0][tp.1 as usize].leader_epoch;
            fetches.entry(leader).or_default().push(FetchPartition {
                topic: tp.0.clone(),
                partition: tp.1,
                current_leader_epoch: epoch,
                fetch_offset: pos,
                last_fetched_epoch: None,
            });
        }
        for (broker, parts) in fetches {
            let Some(host) = self.meta.host_of(broker) else {
                continue;
            };
            let corr = self.next_corr();
            ctx.send(
                host,
                Message::Kafka(KafkaMessage::Fetch {
                    corr,
                    replica_id: crate::broker::messages::CONSUMER_REPLICA_ID,
                    max_wait_ms: FETCH_MAX_WAIT_MS,
                    partitions: parts,
                }),
            );
            self.fetching.insert(corr, (broker, host));
            ctx.set_timer(
                REQUEST_TIMEOUT_MS,
                Timer::KafkaClient(KafkaClientTimer::RequestTimeout { corr }),
            );
        }
        if self.meta.stale {
            self.refresh_metadata(ctx);
        }
    }

    /// Poll again after the backoff (something failed or is not ready).
    fn poll_later(&mut self, ctx: &mut Ctx) {
        if !self.poll_armed {
            self.poll_armed = true;
            ctx.set_timer(RETRY_BACKOFF_MS, Timer::KafkaClient(KafkaClientTimer::Poll));
        }
    }

    fn on_kafka(&mut self, msg: KafkaMessage, ctx: &mut Ctx) {
        match msg {
            KafkaMessage::MetadataResponse {
                corr,
                brokers,
                topics,
                ..
            } if self.meta.on_response(corr, &brokers, &topics, ctx.now) => {
                self.poll(ctx);
            }
            KafkaMessage::ListOffsetsResponse { corr, partitions } => {
                if self.resetting.remove(&corr).is_none() {
                    return;
                }
                for (t, p, r) in partitions {
                    let tp = (t, p);
                    self.reset_pending.remove(&tp);
                    match r {
                        Ok(o) => {
                            self.positions.insert(tp, o);
                        }
                        Err(_) => self.meta.stale = true,
                    }
                }
                self.poll(ctx);
                self.poll_later(ctx);
            }
            KafkaMessage::FetchResponse { corr, partitions } => {
                if self.fetching.remove(&corr).is_none() {
                    return;
                }
                let mut failed = false;
                for p in partitions {
                    let tp = (p.topic.clone(), p.partition);
                    match p.error.as_deref() {
                        None => {}
                        Some("OFFSET_OUT_OF_RANGE") => {
                            // auto.offset.reset applies again.
                            self.positions.remove(&tp);
                            failed = true;
                            continue;
                        }
                        Some(_) => {
                            self.meta.stale = true;
                            failed = true;
                            continue;
                        }
                    }
                    let Some(pos) = self.positions.get(&tp).copied() else {
                        continue;
                    };
                    let mut next = pos;
                    for r in p.records {
                        if r.offset < next {
                            continue;
                        }
                        next = r.offset + 1;
                        self.records.push(ConsumedRecord {
                            topic: tp.0.clone(),
                            partition: tp.1,
                            record: r,
                        });
                    }
                    self.positions.insert(tp, next);
                }
                if failed {
                    self.poll_later(ctx);
                } else {
                    self.poll(ctx);
                }
            }
            _ => {}
        }
    }

    fn forget_host(&mut self, host: HostId) {
        self.fetching.retain(|_, f| f.1 != host);
        let gone: Vec<u32> = self
            .resetting
            .iter()
            .filter(|(_, h)| **h == host)
            .map(|(c, _)| *c)
            .collect();
        for c in gone {
            self.resetting.remove(&c);
        }
        self.reset_pending.clear();
        self.meta.on_failure(Err(host));
        self.meta.stale = true;
    }
}

impl Node for Consumer {
    fn on_start(&mut self, ctx: &mut Ctx) {
        self.poll(ctx);
    }

    fn on_message(&mut self, from: HostId, msg: Message, ctx: &mut Ctx) {
        match msg {
            Message::Kafka(m) => self.on_kafka(m, ctx),
            Message::Refused => {
                self.forget_host(from);
                self.poll_later(ctx);
            }
            Message::Zk(_) => {}
        }
    }

    fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx) {
        let Timer::KafkaClient(t) = timer else {
            return;
        };
        match t {
            KafkaClientTimer::Poll => {
                self.poll_armed = false;
                self.poll(ctx);
            }
            KafkaClientTimer::Metadata => {
                self.meta.timer_armed = false;
                self.poll(ctx);
            }
            KafkaClientTimer::RequestTimeout { corr } => {
                if self.meta.on_failure(Ok(corr)) {
                    self.poll_later(ctx);
                }
                if let Some((_, host)) = self.fetching.get(&corr).copied() {
                    self.forget_host(host);
                    self.poll_later(ctx);
                } else if let Some(host) = self.resetting.get(&corr).copied() {
                    self.forget_host(host);
                    self.poll_later(ctx);
                }
            }
            KafkaClientTimer::Drain => {}
        }
    }

    fn on_stop(&mut self) {}
}
