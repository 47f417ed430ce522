//! The producer (Java `KafkaProducer` 3.0 and kafka-python 2.0.2 differ only in defaults):
//! records wait in an accumulator per partition for `linger.ms`, then go to each partition's
//! leader in one Produce request per broker. Retriable errors refresh metadata and retry
//! after `retry.backoff.ms` until `retries` or `delivery.timeout.ms` runs out.

use super::{ClientMetadata, KafkaClientTimer, REQUEST_TIMEOUT_MS, RETRY_BACKOFF_MS};
use crate::broker::admin::Dialable;
use crate::broker::messages::{KafkaMessage, NewRecord};
use crate::kafka::partitioner::partition_for_key;
use crate::ordered::OrdMap as BTreeMap;
use crate::sim::node::{Ctx, HostId, Message, Node, Timer};

/// `max.block.ms`: how long `send()` waits for a topic's metadata.
const MAX_BLOCK_MS: u64 = 60_000;

/// How a record without a key picks its partition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NullKeyPartitioning {
    /// Java 2.4–3.2: one partition per batch, changed when a new batch starts.
    Sticky,
    /// kafka-python 2.0.2: a random available partition per record.
    Random,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProducerConfig {
    pub acks: i16,
    pub linger_ms: u64,
    /// Records per batch (a count stands in for `batch.size` bytes).
    pub batch_records: usize,
    pub retries: u32,
    pub delivery_timeout_ms: u64,
    pub null_key: NullKeyPartitioning,
}

impl ProducerConfig {
    /// Java 3.0 `KafkaProducer` defaults.
    pub fn java() -> Self {
        ProducerConfig {
            acks: -1,
            linger_ms: 0,
            batch_records: 200,
            retries: u32::MAX,
            delivery_timeout_ms: 120_000,
            null_key: NullKeyPartitioning::Sticky,
        }
    }

    /// `kafka-console-producer` 3.0: acks=1, linger 1000 ms, 3 retries.
    pub fn console() -> Self {
        ProducerConfig {
            acks: 1,
            linger_ms: 1000,
            retries: 3,
            ..ProducerConfig::java()
        }
    }

    /// kafka-python 2.0.2: acks=1, no retries, random partition for null keys.
    pub fn kafka_python() -> Self {
        ProducerConfig {
            acks: 1,
            linger_ms: 0,
            retries: 0,
            null_key: NullKeyPartitioning::Random,
            ..ProducerConfig::java()
        }
    }

    /// Applies one `key=value` producer property; Err names what is wrong.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let bad = || format!("Invalid value {value} for configuration {key}");
        match key {
            "acks" => {
                self.acks = match value {
                    "all" | "-1" => -1,
                    "0" => 0,
                    "1" => 1,
                    _ => return Err(format!("Invalid value {value} for configuration acks: String must be one of: all, -1, 0, 1")),
                }
            }
            "linger.ms" => self.linger_ms = value.parse().map_err(|_| bad())?,
            "retries" => self.retries = value.parse().map_err(|_| bad())?,
            "delivery.timeout.ms" => self.delivery_timeout_ms = value.parse().map_err(|_| bad())?,
            "batch.size" => {
                // Bytes in Kafka; about 80 bytes per small record here.
                let b: usize = value.parse().map_err(|_| bad())?;
                self.batch_records = (b / 80).max(1);
            }
            _ => {}
        }
        Ok(())
    }
}

/// Where a record landed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordMetadata {
    pub topic: String,
    pub partition: i32,
    /// -1 with acks=0 (the producer never hears back).
    pub offset: i64,
}

/// A send's outcome: the error is Kafka's error name (e.g. `NOT_ENOUGH_REPLICAS`).
pub type SendResult = Result<RecordMetadata, (String, i32, String)>;

#[derive(Clone, Debug)]
struct Pending {
    id: u64,
    topic: String,
    partition: Option<i32>,
    record: NewRecord,
    attempts: u32,
    created_at: u64,
}

/// A partition's records sent together.
type Batch = ((String, i32), Vec<Pending>);

#[derive(Clone, Debug)]
struct InFlight {
    host: HostId,
    batches: Vec<Batch>,
}

#[derive(Clone, Debug)]
pub struct Producer {
    pub config: ProducerConfig,
    meta: ClientMetadata,
    corr: u32,
    next_id: u64,
    /// Records whose topic's partitions are not known yet.
    unassigned: Vec<Pending>,
    /// The accumulator: records per partition waiting to be sent.
    batches: BTreeMap<(String, i32), Vec<Pending>>,
    inflight: BTreeMap<u32, InFlight>,
    sticky: BTreeMap<String, i32>,
    drain_at: Option<u64>,
    /// Outcomes in completion order, taken by the program driving the producer.
    pub results: Vec<(u64, SendResult)>,
    closed: bool,
}

impl Producer {
    pub fn new(bootstrap: Vec<Dialable>, book: Vec<Dialable>, config: ProducerConfig) -> Self {
        Producer {
            config,
            meta: ClientMetadata::new(bootstrap, book),
            corr: 0,
            next_id: 0,
            unassigned: Vec::new(),
            batches: BTreeMap::new(),
            inflight: BTreeMap::new(),
            sticky: BTreeMap::new(),
            drain_at: None,
            results: Vec::new(),
            closed: false,
        }
    }

    /// `send()`: queues a record (partition chosen by key, or given); returns its id.
    pub fn send(
        &mut self,
        topic: &str,
        partition: Option<i32>,
        record: NewRecord,
        ctx: &mut Ctx,
    ) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.unassigned.push(Pending {
            id,
            topic: topic.to_string(),
            partition,
            record,
            attempts: 0,
            created_at: ctx.now,
        });
        self.pump(ctx);
        id
    }

    /// Records sent but not answered yet (or not sent yet).
    pub fn outstanding(&self) -> usize {
        self.unassigned.len()
            + self.batches.values().map(Vec::len).sum::<usize>()
            + self
                .inflight
                .values()
                .flat_map(|f| f.batches.iter())
                .map(|b| b.1.len())
                .sum::<usize>()
    }

    /// `close()`: sends what lingers now.
    pub fn flush(&mut self, ctx: &mut Ctx) {
        self.closed = true;
        self.drain(ctx);
    }

    fn next_corr(&mut self) -> u32 {
        self.corr = self.corr.wrapping_add(1);
        self.corr
    }

    fn fail(&mut self, p: Pending, partition: i32, error: &str) {
        self.results
            .push((p.id, Err((p.topic, partition, error.to_string()))));
    }

    /// Assigns partitions, asks for metadata when needed, and schedules the drain.
    fn pump(&mut self, ctx: &mut Ctx) {
        let now = ctx.now;
        let waiting = std::mem::take(&mut self.unassigned);
        for mut p in waiting {
            let Some(n) = self.meta.partition_count(&p.topic) else {
                if now >= p.created_at + MAX_BLOCK_MS {
                    let msg = format!(
                        "Topic {} not present in metadata after {MAX_BLOCK_MS} ms.",
                        p.topic
                    );
                    self.fail(p, -1, &msg);
                } else {
                    self.meta.stale = true;
                    self.unassigned.push(p);
                }
                continue;
            };
            let part = match (p.partition, &p.record.key) {
                (Some(q), _) => q,
                (None, Some(k)) => partition_for_key(k.as_bytes(), n as u32) as i32,
                (None, None) => self.null_key_partition(&p.topic, n, ctx),
            };
            if part < 0 || part as usize >= n {
                let msg = format!(
                    "Invalid partition given with record: {part} is not in the range [0...{n})."
                );
                self.fail(p, part, &msg);
                continue;
            }
            p.partition = Some(part);
            self.batches
                .entry((p.topic.clone(), part))
                .or_default()
                .push(p);
        }
        self.refresh_metadata(ctx);
        let full = self
            .batches
            .values()
            .any(|b| b.len() >= self.config.batch_records);
        if full || self.config.linger_ms == 0 || self.closed {
            self.drain(ctx);
        } else if !self.batches.is_empty() && self.drain_at.is_none() {
            self.drain_at = Some(now + self.config.linger_ms);
            ctx.set_timer(
                self.config.linger_ms,
                Timer::KafkaClient(KafkaClientTimer::Drain),
            );
        }
    }

    fn refresh_metadata(&mut self, ctx: &mut Ctx) {
        let mut topics: Vec<String> = self
            .unassigned
            .iter()
            .map(|p| p.topic.clone())
            .chain(self.batches.keys().map(|k| k.0.clone()))
            .chain(self.meta.topics.keys().cloned())
            .collect();
        crate::sort::sort(&mut topics);
        topics.dedup();
        self.meta.maybe_refresh(&mut self.corr, topics, ctx);
    }

    fn null_key_partition(&mut self, topic: &str, n: usize, ctx: &mut Ctx) -> i32 {
        let available: Vec<i32> = (0..n as i32)
            .filter(|&p| self.meta.leader(topic, p).is_some())
            .collect();
        let pick = |ctx: &mut Ctx| -> i32 {
            if available.is_empty() {
                ctx.choose_below(n as u64) as i32
            } else {
                available[ctx.choose_below(available.len() as u64) as usize]
            }
        };
        match self.config.null_key {
            NullKeyPartitioning::Random => pick(ctx),
            NullKeyPartitioning::Sticky => {
                if let Some(&p) = self.sticky.get(topic) {
                    return p;
                }
                let p = pick(ctx);
                self.sticky.insert(topic.to_string(), p);
                p
            }
        }
    }

    /// Java's `onNewBatch`: after a batch for the sticky partition went out, the next record
    /// without a key picks another partition (a different one when there is a choice).
    fn rotate_sticky(&mut self, topic: &str, sent: i32, ctx: &mut Ctx) {
        if self.sticky.get(topic) != Some(&sent) {
            return;
        }
        let n = self.meta.partition_count(topic).unwrap_or(1) as i32;
        let others: Vec<i32> = (0..n)
            .filter(|&p| p != sent && self.meta.leader(topic, p).is_some())
            .collect();
        if others.is_empty() {
            return;
        }
        let next = others[ctx.choose_below(others.len() as u64) as usize];
        self.sticky.insert(topic.to_string(), next);
    }

    /// Sends every batch whose leader is known, one Produce per broker.
    fn drain(&mut self, ctx: &mut Ctx) {
        self.drain_at = None;
        let now = ctx.now;
        let mut per_broker: BTreeMap<i32, Vec<Batch>> = BTreeMap::new();
        let keys: Vec<(String, i32)> = self.batches.keys().cloned().collect();
        for key in keys {
            let expired = self.batches[&key]
                .first()
                .is_some_and(|p| now >= p.created_at + self.config.delivery_timeout_ms);
            if expired {
                let batch = self.batches.remove(&key).unwrap_or_default();
                let msg = format!(
                    "Expiring {} record(s) for {}-{}:{} ms has passed since batch creation",
                    batch.len(),
                    key.0,
                    key.1,
                    self.config.delivery_timeout_ms
                );
                for p in batch {
                    self.fail(p, key.1, &msg);
                }
                continue;
            }
            let Some(leader) = self.meta.leader(&key.0, key.1) else {
                self.meta.stale = true;
                continue;
            };
            if self.meta.host_of(leader).is_none() {
                self.meta.stale = true;
                continue;
            }
            let batch = self.batches.remove(&key).unwrap_or_default();
            per_broker.entry(leader).or_default().push((key, batch));
        }
        for (broker, batches) in per_broker {
            let Some(host) = self.meta.host_of(broker) else {
                continue;
            };
            let corr = self.next_corr();
            let partitions = batches
                .iter()
                .map(|(k, ps)| {
                    let recs = ps.iter().map(|p| p.record.clone()).collect();
                    (k.0.clone(), k.1, recs)
                })
                .collect();
            let acks = self.config.acks;
            ctx.send(
                host,
                Message::Kafka(KafkaMessage::Produce {
                    corr,
                    acks,
                    timeout_ms: REQUEST_TIMEOUT_MS,
                    partitions,
                }),
            );
            for (k, _) in &batches {
                self.rotate_sticky(&k.0, k.1, ctx);
            }
            if acks == 0 {
                // Fire and forget: the offset is unknown.
                for (k, ps) in batches {
                    for p in ps {
                        let md = RecordMetadata {
                            topic: k.0.clone(),
                            partition: k.1,
                            offset: -1,
                        };
                        self.results.push((p.id, Ok(md)));
                    }
                }
            } else {
                self.inflight.insert(corr, InFlight { host, batches });
                ctx.set_timer(
                    REQUEST_TIMEOUT_MS,
                    Timer::KafkaClient(KafkaClientTimer::RequestTimeout { corr }),
                );
            }
        }
        self.refresh_metadata(ctx);
        if !self.batches.is_empty() && self.drain_at.is_none() {
            // Leaders unknown: try again after the backoff.
            self.drain_at = Some(now + RETRY_BACKOFF_MS);
            ctx.set_timer(
                RETRY_BACKOFF_MS,
                Timer::KafkaClient(KafkaClientTimer::Drain),
            );
        }
    }

    /// A batch failed with `error`: retry it if allowed, else fail its records.
    fn retry_or_fail(&mut self, key: (String, i32), batch: Vec<Pending>, error: &str, now: u64) {
        self.meta.stale = true;
        for mut p in batch {
            let retriable = is_retriable(error);
            let in_time = now < p.created_at + self.config.delivery_timeout_ms;
            if retriable && p.attempts < self.config.retries && in_time {
                p.attempts += 1;
                self.batches.entry(key.clone()).or_default().push(p);
            } else {
                self.fail(p, key.1, error);
            }
        }
    }

    fn schedule_retry(&mut self, ctx: &mut Ctx) {
        if !self.batches.is_empty() && self.drain_at.is_none() {
            self.drain_at = Some(ctx.now + RETRY_BACKOFF_MS);
            ctx.set_timer(
                RETRY_BACKOFF_MS,
                Timer::KafkaClient(KafkaClientTimer::Drain),
            );
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
                self.pump(ctx);
            }
            KafkaMessage::ProduceResponse { corr, partitions } => {
                let Some(f) = self.inflight.remove(&corr) else {
                    return;
                };
                let mut results: BTreeMap<(String, i32), Result<i64, String>> = partitions
                    .into_iter()
                    .map(|(t, p, r)| ((t, p), r))
                    .collect();
                for (key, batch) in f.batches {
                    match results.remove(&key) {
                        Some(Ok(base)) => {
                            for (i, p) in batch.into_iter().enumerate() {
                                let md = RecordMetadata {
                                    topic: key.0.clone(),
                                    partition: key.1,
                                    offset: base + i as i64,
                                };
                                self.results.push((p.id, Ok(md)));
                            }
                        }
                        Some(Err(e)) => self.retry_or_fail(key, batch, &e, ctx.now),
                        None => self.retry_or_fail(key, batch, "UNKNOWN_SERVER_ERROR", ctx.now),
                    }
                }
                self.schedule_retry(ctx);
            }
            _ => {}
        }
    }

    /// Every request to `host` failed (connection refused or timed out).
    fn on_connection_failure(&mut self, host: HostId, error: &str, ctx: &mut Ctx) {
        self.meta.on_failure(Err(host));
        let corrs: Vec<u32> = self
            .inflight
            .iter()
            .filter(|(_, f)| f.host == host)
            .map(|(c, _)| *c)
            .collect();
        for c in corrs {
            if let Some(f) = self.inflight.remove(&c) {
                for (key, batch) in f.batches {
                    self.retry_or_fail(key, batch, error, ctx.now);
                }
            }
        }
        self.schedule_retry(ctx);
        self.refresh_metadata(ctx);
    }
}

/// Errors after which the producer retries (Kafka's `RetriableException`s).
pub fn is_retriable(error: &str) -> bool {
    matches!(
        error,
        "NOT_LEADER_OR_FOLLOWER"
            | "LEADER_NOT_AVAILABLE"
            | "NOT_ENOUGH_REPLICAS"
            | "NOT_ENOUGH_REPLICAS_AFTER_APPEND"
            | "REQUEST_TIMED_OUT"
            | "UNKNOWN_TOPIC_OR_PARTITION"
            | "NETWORK_EXCEPTION"
            | "FENCED_LEADER_EPOCH"
            | "UNKNOWN_LEADER_EPOCH"
    )
}

impl Node for Producer {
    fn on_start(&mut self, ctx: &mut Ctx) {
        self.refresh_metadata(ctx);
    }

    fn on_message(&mut self, from: HostId, msg: Message, ctx: &mut Ctx) {
        match msg {
            Message::Kafka(m) => self.on_kafka(m, ctx),
            Message::Refused => self.on_connection_failure(from, "NETWORK_EXCEPTION", ctx),
            Message::Zk(_) => {}
        }
    }

    fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx) {
        let Timer::KafkaClient(t) = timer else {
            return;
        };
        match t {
            KafkaClientTimer::Drain => {
                if self.drain_at.is_some_and(|at| ctx.now >= at) {
                    self.drain_at = None;
                    self.pump(ctx);
                    self.drain(ctx);
                }
            }
            KafkaClientTimer::RequestTimeout { corr } => {
                if self.meta.on_failure(Ok(corr)) {
                    self.refresh_metadata(ctx);
                }
                if let Some(f) = self.inflight.get(&corr) {
                    let host = f.host;
                    self.on_connection_failure(host, "REQUEST_TIMED_OUT", ctx);
                }
                // Records waiting for metadata give up after max.block.ms.
                if !self.unassigned.is_empty() {
                    self.pump(ctx);
                }
            }
            KafkaClientTimer::Metadata => {
                self.meta.timer_armed = false;
                self.pump(ctx);
            }
            KafkaClientTimer::Poll | KafkaClientTimer::Heartbeat | KafkaClientTimer::AutoCommit => {
            }
        }
    }

    fn on_stop(&mut self) {}
}
