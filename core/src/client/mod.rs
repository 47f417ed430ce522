//! Kafka clients as simulated nodes: the producer and the consumer that the console tools and
//! the seed's Python scripts drive. Both bootstrap from a server list, learn the cluster from
//! Metadata, and then only dial the endpoints advertised on the listener they came in on
//! (127.0.0.1:909N outside the containers, kafkaN:1909N inside).

pub mod consumer;
pub mod membership;
pub mod probe;
pub mod producer;

use crate::broker::admin::Dialable;
use crate::broker::messages::{BrokerId, KafkaMessage, TopicMetadata, NO_LEADER};
use crate::ordered::OrdMap as BTreeMap;
use crate::sim::node::{Ctx, HostId, Message};

/// `request.timeout.ms` (30 s for both clients).
pub const REQUEST_TIMEOUT_MS: u64 = 30_000;
/// `retry.backoff.ms`.
pub const RETRY_BACKOFF_MS: u64 = 100;
/// `metadata.max.age.ms`.
pub const METADATA_MAX_AGE_MS: u64 = 300_000;

/// Timers of the client nodes.
#[derive(Clone, Debug)]
pub enum KafkaClientTimer {
    /// Producer: a linger or retry backoff ended; send what is ready.
    Drain,
    /// A request got no answer in `request.timeout.ms`.
    RequestTimeout { corr: u32 },
    /// Consumer: the poll loop's next turn.
    Poll,
    /// Metadata refresh backoff ended.
    Metadata,
    /// Group member: send a heartbeat (`heartbeat.interval.ms`).
    Heartbeat,
    /// Group member: commit positions (`auto.commit.interval.ms`).
    AutoCommit,
}

/// What a client knows of one partition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionInfo {
    pub leader: BrokerId,
    pub leader_epoch: i32,
}

/// Bootstrap, metadata and addressing shared by the producer and the consumer.
#[derive(Clone, Debug)]
pub struct ClientMetadata {
    bootstrap: Vec<Dialable>,
    book: Vec<Dialable>,
    /// Brokers from the last Metadata response, on our listener.
    pub brokers: BTreeMap<BrokerId, String>,
    pub topics: BTreeMap<String, Vec<PartitionInfo>>,
    /// Topic-level errors from the last response (e.g. LEADER_NOT_AVAILABLE while created).
    pub topic_errors: BTreeMap<String, String>,
    /// The metadata request in flight: (corr, host).
    inflight: Option<(u32, HostId)>,
    attempts: u32,
    /// A refresh is wanted (errors, new topic).
    pub stale: bool,
    pub updated_at: Option<u64>,
    last_request_at: Option<u64>,
    /// A backoff timer is armed.
    pub timer_armed: bool,
}

impl ClientMetadata {
    pub fn new(bootstrap: Vec<Dialable>, book: Vec<Dialable>) -> Self {
        ClientMetadata {
            bootstrap,
            book,
            brokers: BTreeMap::new(),
            topics: BTreeMap::new(),
            topic_errors: BTreeMap::new(),
            inflight: None,
            attempts: 0,
            stale: true,
            updated_at: None,
            last_request_at: None,
            timer_armed: false,
        }
    }

    /// The host of a broker as advertised to us.
    pub fn host_of(&self, broker: BrokerId) -> Option<HostId> {
        let addr = self.brokers.get(&broker)?;
        self.book
            .iter()
            .find(|d| &d.address == addr)
            .map(|d| d.host)
    }

    /// The host behind an advertised `host:port`.
    pub fn dial(&self, address: &str) -> Option<HostId> {
        self.book
            .iter()
            .find(|d| d.address == address)
            .map(|d| d.host)
    }

    /// Some broker to ask (a known one, else a bootstrap server), with its listener.
    pub fn any_broker(&self, attempt: u32) -> Option<(HostId, String)> {
        let known: Vec<&Dialable> = self
            .brokers
            .values()
            .filter_map(|a| self.book.iter().find(|d| &d.address == a))
            .collect();
        let pool: Vec<&Dialable> = if known.is_empty() {
            self.bootstrap.iter().collect()
        } else {
            known
        };
        let d = pool.get(attempt as usize % pool.len().max(1))?;
        Some((d.host, d.listener.clone()))
    }

    pub fn broker_of_host(&self, host: HostId) -> Option<BrokerId> {
        self.brokers
            .iter()
            .find(|(_, a)| self.book.iter().any(|d| &d.address == *a && d.host == host))
            .map(|(id, _)| *id)
    }

    pub fn leader(&self, topic: &str, partition: i32) -> Option<BrokerId> {
        let p = self.topics.get(topic)?.get(partition as usize)?;
        (p.leader != NO_LEADER).then_some(p.leader)
    }

    pub fn partition_count(&self, topic: &str) -> Option<usize> {
        self.topics.get(topic).map(Vec::len).filter(|&n| n > 0)
    }

    pub fn in_flight(&self) -> bool {
        self.inflight.is_some()
    }

    /// Sends a Metadata request for `topics` (auto-creating them where the broker allows)
    /// to a known broker, or a bootstrap server while none is known; rotates on retries.
    pub fn request(&mut self, corr: u32, topics: Vec<String>, ctx: &mut Ctx) -> bool {
        if self.inflight.is_some() {
            return false;
        }
        let mut targets: Vec<&Dialable> = self
            .brokers
            .values()
            .filter_map(|a| self.book.iter().find(|d| &d.address == a))
            .collect();
        if targets.is_empty() {
            targets = self.bootstrap.iter().collect();
        }
        let Some(d) = targets.get(self.attempts as usize % targets.len().max(1)) else {
            return false;
        };
        let (host, listener) = (d.host, d.listener.clone());
        ctx.send(
            host,
            Message::Kafka(KafkaMessage::MetadataRequest {
                corr,
                listener,
                topics: Some(topics),
            }),
        );
        self.inflight = Some((corr, host));
        self.last_request_at = Some(ctx.now);
        true
    }

    /// Takes a Metadata response if it answers our request; returns whether it did.
    pub fn on_response(
        &mut self,
        corr: u32,
        brokers: &[(BrokerId, String, u16)],
        topics: &[TopicMetadata],
        now: u64,
    ) -> bool {
        if self.inflight.map(|i| i.0) != Some(corr) {
            return false;
        }
        self.inflight = None;
        self.attempts = 0;
        self.brokers = brokers
            .iter()
            .map(|(id, h, p)| (*id, format!("{h}:{p}")))
            .collect();
        for t in topics {
            match &t.error {
                Some(e) => {
                    self.topic_errors.insert(t.name.clone(), e.clone());
                    self.topics.remove(&t.name);
                }
                None => {
                    self.topic_errors.remove(&t.name);
                    let mut parts: Vec<_> = t.partitions.iter().collect();
                    crate::sort::sort_by_key(&mut parts, |p| p.partition);
                    let infos = parts
                        .iter()
                        .map(|p| PartitionInfo {
                            leader: if p.error.is_some() {
                                NO_LEADER
                            } else {
                                p.leader
                            },
                            leader_epoch: p.leader_epoch,
                        })
                        .collect();
                    self.topics.insert(t.name.clone(), infos);
                }
            }
        }
        self.stale = topics
            .iter()
            .any(|t| t.error.is_some() || t.partitions.iter().any(|p| p.error.is_some()));
        self.updated_at = Some(now);
        true
    }

    /// The metadata request failed (refused, timed out): try the next server later.
    pub fn on_failure(&mut self, corr_or_host: Result<u32, HostId>) -> bool {
        let hit = match (self.inflight, corr_or_host) {
            (Some((c, _)), Ok(corr)) => c == corr,
            (Some((_, h)), Err(host)) => h == host,
            (None, _) => false,
        };
        if hit {
            self.inflight = None;
            self.attempts += 1;
            self.stale = true;
        }
        hit
    }

    /// Whether a refresh is wanted now (stale, or older than `metadata.max.age.ms`).
    pub fn wanted(&self, now: u64) -> bool {
        self.stale
            || self
                .updated_at
                .is_none_or(|t| now >= t + METADATA_MAX_AGE_MS)
    }

    /// When the next request may go: `retry.backoff.ms` after the last one.
    pub fn next_allowed(&self) -> u64 {
        self.last_request_at.map_or(0, |t| t + RETRY_BACKOFF_MS)
    }

    /// Sends a refresh if one is wanted and allowed (taking the next id from `corr` and arming
    /// its request timeout), else arms the backoff timer.
    pub fn maybe_refresh(&mut self, corr: &mut u32, topics: Vec<String>, ctx: &mut Ctx) {
        if !self.wanted(ctx.now) || self.inflight.is_some() || topics.is_empty() {
            return;
        }
        let at = self.next_allowed();
        if ctx.now < at {
            if !self.timer_armed {
                self.timer_armed = true;
                ctx.set_timer(
                    at - ctx.now,
                    crate::sim::node::Timer::KafkaClient(KafkaClientTimer::Metadata),
                );
            }
            return;
        }
        let c = corr.wrapping_add(1);
        if self.request(c, topics, ctx) {
            *corr = c;
            ctx.set_timer(
                REQUEST_TIMEOUT_MS,
                crate::sim::node::Timer::KafkaClient(KafkaClientTimer::RequestTimeout { corr: c }),
            );
        }
    }
}
